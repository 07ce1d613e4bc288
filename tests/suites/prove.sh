#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The prove suite (docs/assurance.md): replays the WP proofs of the files tests/prove/baseline.txt
# lists from the cache committed in tests/prove/cache, never calling a prover (tools/prove.sh
# --offline), so that the result does not depend on the machine's load; then the ratchet:
# no file proves fewer goals or has more unproved ones than the baseline, no goal is unproved
# that tests/prove/unproved.txt does not list, and the assumed clauses are as many as recorded.
set -uo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
if ! tools/prove.sh --offline >build/prove-suite.log 2>&1; then
  echo "FAIL prove.replay: tools/prove.sh --offline failed: $(tail -3 build/prove-suite.log | tr '\n' ' ')"
  exit 0
fi
echo "prove: replay took $(( $(date +%s) - start )) s" >&2
cat build/prove/table.txt >&2
while read -r f goals proved unproved; do
  [ "$f" = assumed ] && continue
  read -r _ g p u _ < <(awk -v f="$f" '$1 == f' build/prove/table.txt)
  name=$(basename "$f" .c)
  if [ -z "${p:-}" ]; then echo "FAIL prove.$name.replayed: no result for $f"; continue; fi
  if [ "$g" -gt 0 ] && [ "$p" -ge "$proved" ]; then echo "PASS prove.$name.proved_at_least_baseline ($p/$g, baseline $proved)"
  else echo "FAIL prove.$name.proved_at_least_baseline: $p of $g proved, the baseline has $proved"; fi
  if [ "$u" -le "$unproved" ]; then echo "PASS prove.$name.no_new_unproved ($u, baseline $unproved)"
  else echo "FAIL prove.$name.no_new_unproved: $u unproved, the baseline has $unproved (build/prove/report.txt)"; fi
done < <(grep -vE '^[[:space:]]*(#|$)' tests/prove/baseline.txt)

# Goal by goal: every unproved property was unproved when the baseline was recorded.
new=$(sed -E 's/^([^:]*):[0-9]+: /\1: /' build/prove/report.txt | sort -u | comm -23 - <(sort -u tests/prove/unproved.txt))
if [ -z "$new" ]; then echo "PASS prove.no_goal_lost"
else echo "FAIL prove.no_goal_lost: $(wc -l <<<"$new") goals no longer proved, e.g. $(head -2 <<<"$new" | tr '\n' ' ')"; fi

want=$(awk '$1 == "assumed" {print $2}' tests/prove/baseline.txt)
have=$(cat build/prove/assumed.txt)
if [ "$have" = "$want" ]; then echo "PASS prove.assumed_clauses_as_recorded ($have)"
else echo "FAIL prove.assumed_clauses_as_recorded: $have assumed clauses, the baseline says $want (review, then tools/prove.sh --record)"; fi

# Every axiom lives in kernel/proof.h.
stray=$(grep -lE '^[[:space:]]*@?[[:space:]]*(axiom|axiomatic)[[:space:]]' kernel/*.c kernel/*.h | grep -v '^kernel/proof.h$')
if [ -z "$stray" ]; then echo "PASS prove.assumptions_in_kernel_proof_h"
else echo "FAIL prove.assumptions_in_kernel_proof_h: $stray"; fi
