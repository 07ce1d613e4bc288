#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# tools/sysfuzz.sh [calls] [seed] [--window] [--trace] [--no-guests]
# A campaign of the structured system-call fuzzer (tests/fuzz/system) in QEMU: `calls`
# typed operations (default 1,000,000) from `seed` (default: from the clock, printed so that
# a campaign can be repeated), progress about every 2%, the kernel's invariant checker after
# every 1,000 calls, and a closing figure. --window boots with the Meltdown window;
# --trace prints every operation; --no-guests leaves VM_ENTER out (QEMU's TCG can hang in some
# guest states, docs/testing.md). The serial log is build/fuzz-logs/sysfuzz-<seed>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=1000000 seed="" cmdline="" flags=0
for a in "$@"; do
  case $a in
    --window) cmdline=meltdown_window=on ;;
    --trace) flags=$(( flags | 1 )) ;;
    --no-guests) flags=$(( flags | 2 )) ;;
    -h|--help) sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    ''|*[!0-9xa-fA-F]*) echo "sysfuzz: not a number or option: $a (tools/sysfuzz.sh --help)" >&2; exit 2 ;;
    *) if [ -z "${got_calls:-}" ]; then calls=$a; got_calls=1; else seed=$a; fi ;;
  esac
done
[ -n "$seed" ] || seed=$(( ($(date +%s%N) & 0x7fffffffffff) | 1 ))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p build/fuzz-logs
printf '%s %s %s\n' "$calls" "$seed" "$flags" >"$dir/sysfuzz.args"
tools/mkarchive.sh "$dir/sysfuzz.cpio" build/x86/sysfuzz/root build/x86/sysfuzz/sysfuzz-task "$dir/sysfuzz.args"
log=build/fuzz-logs/sysfuzz-$seed.log
# About 1,000 calls a second under TCG; the limit is generous (an hour per 2 million).
limit=$(( 600 + calls / 550 ))
echo "sysfuzz: $calls calls, seed $seed${cmdline:+, $cmdline}; log $log"
start=$(date +%s)
set +e
KERNEL_CMDLINE=$cmdline timeout --foreground "$limit" tools/qemu-x86.sh "$dir/sysfuzz.cpio" q35 </dev/null 2>&1 \
  | tee "$log" | sed -u 's/\r$//' | grep --line-buffered -aE '^\[sysfuzz\] [0-9]+/|^(PASS|FAIL) |PANIC|^\[sysfuzz\] done'
rc=${PIPESTATUS[0]}
set -e
end=$(date +%s)
if grep -aq '^\[sysfuzz\] done' "$log"; then
  grep -a '^\[sysfuzz\] [a-z_]* *[0-9]* calls' "$log" | tr -d '\r'
fi
echo "sysfuzz: $(( end - start )) s, QEMU status $rc (33 = every check passed)"
[ "$rc" -eq 33 ]
