#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The VMM fuzz suite: first the host unit tests of the granting VMM's grant-entry checks
# (vmm/grant_check.c, tests/host/grant; lines "PASS grant.<test>"), then a smoke run of each VMM
# fuzzer (tests/fuzz/host/vmm and fuzz_grant_check.c, docs/testing.md), all at once, on a fresh
# copy of its seed corpus: every seed first (the inputs that once found a
# bug among them), then VMM_FUZZ_SECONDS (30) of fuzzing. A crash, a sanitizer report, a
# broken check or an input running longer than 5 s (a hang) fails the run. Builds nothing:
# run after the build. One line per test: "PASS vmm-fuzz.<test>" or "FAIL vmm-fuzz.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/fuzz/host/smoke-flags.sh
b=build/fuzz
seconds=${VMM_FUZZ_SECONDS:-30}
targets="vmm_image vmm_hypercall grant_check"

unit=build/grant/test_grant_check
if [ -x "$unit" ]; then
  rc=0
  out=$("$unit" 2>build/grant/test.stderr) || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
    echo "FAIL grant.unit: exited with status $rc (see build/grant/test.stderr)"
  fi
else
  echo "FAIL grant.unit: $unit not built"
fi

start() {
  local t=$1 dir=$b/smoke/$1
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  cp tests/fuzz/host/corpus/"$t"/* "$dir/corpus/"
  (cd "$dir" && exec "../../$t" $(fuzz_smoke_flags "$t" "$seconds") -timeout=5 -rss_limit_mb=2048 \
     -print_final_stats=1 corpus >log 2>&1) &
  eval "pid_$t=$!"
}

done_() {
  local t=$1 pid rc=0
  eval "pid=\$pid_$t"
  wait "$pid" || rc=$?
  echo "--- fuzz $t ($b/smoke/$t/log)"
  grep -E '^(stat::|#[0-9]+[[:space:]]+(INITED|DONE))' "$b/smoke/$t/log" || true
  if [ "$rc" -eq 0 ]; then
    echo "PASS vmm-fuzz.$t"
  else
    echo "FAIL vmm-fuzz.$t: exited with status $rc; the input is in $b/smoke/$t/"
    grep -E 'ERROR|SUMMARY|broken|runtime error|Test unit written' "$b/smoke/$t/log" | head -6 | sed 's/^/    /'
  fi
}

missing=""
for t in $targets; do
  if [ -x "$b/$t" ]; then start "$t"; else missing="$missing $t"; fi
done
for t in $targets; do
  case " $missing " in
    *" $t "*) echo "FAIL vmm-fuzz.$t: $b/$t not built" ;;
    *) done_ "$t" ;;
  esac
done
