#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# check.sh: every construct the IDL's grammar accepts either boots or is refused by the
# compiler (issue 16). gen.sh writes the descriptions; here
#   - each refuse/NAME.bh must make bhidl exit 1 naming its check ([NAME.check]) and write
#     no specification (system.constructs_refused_NAME);
#   - boot/constructs.bh must compile, build (tools/build-system.sh) and boot in QEMU in one
#     run: the root server builds the whole system without an error or a fault, every
#     component prints each of its verdicts as "ok", both guests run (the 8-vCPU one with its
#     255-byte command line intact) (system.constructs_boot_*);
#   - a spec the root server refuses makes the timed run exit non-zero (system.constructs_refused_run_exits_1).
# Run by the system suite; prints PASS/FAIL lines, exit 1 on a failure.
set -uo pipefail
cd "$(dirname "$0")/../../.."
top=$PWD
logs=build/test-logs/constructs
rm -rf "$logs" && mkdir -p "$logs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
pass() { echo "PASS system.constructs_$1"; }
fail() { echo "FAIL system.constructs_$1: $2"; status=1; }

bash tests/system/constructs/gen.sh "$work" || { fail generate "gen.sh failed"; exit 1; }
ninja -f build.ninja build/idl/bhidl-fast >/dev/null || { fail generate "bhidl does not build"; exit 1; }

# ---- Past every edge: refused by the compiler, with the named check, nothing written ----
for bh in "$work"/refuse/*.bh; do
  name=$(basename "$bh" .bh) check=$(cat "${bh%.bh}.check")
  rc=0
  build/idl/bhidl-fast -o "$work/out-$name" "$bh" >"$logs/$name.out" 2>&1 || rc=$?
  if [ "$rc" -ne 1 ]; then
    fail "refused_$name" "bhidl exited $rc, not 1 (log: $logs/$name.out)"
  elif ! grep -q "error: .*\[$check\]" "$logs/$name.out"; then
    fail "refused_$name" "no [$check] error: $(head -c 300 "$logs/$name.out")"
  elif [ -e "$work/out-$name/system.spec" ]; then
    fail "refused_$name" "a specification was written"
  else
    pass "refused_$name"
  fi
done

# ---- At every edge and every construct: one system that must boot ----
boot=$work/boot
mkdir -p "$boot/images"
ninja -f build.ninja build/x86/vmmtest/vmm-guest >/dev/null || { fail boot "the test guest does not build"; exit 1; }
cp build/x86/vmmtest/vmm-guest "$boot/images/guest"
echo "an initrd is any file" >"$boot/images/initrd.txt"
log=$logs/boot.log
BULKHEAD_CWD=$boot tools/build-system.sh --boot --timeout 40 constructs.bh >"$log" 2>&1
rc=$?
tr -d '\r' <"$log" >"$log.txt"
if ! grep -q '^\[root\] system built' "$log.txt"; then
  fail boot_root_builds "the root server did not build the system (exit $rc): $(grep -m3 -E 'error|stopped|refused' "$log.txt" | tr '\n' ' ') (log: $log)"
else
  pass boot_root_builds
fi
bad=$(grep -E '^\[root\] (error|stopped)|\[root\] supervisor|PANIC|FAILED' "$log.txt" | head -3 | tr '\n' ' ')
[ -z "$bad" ] && [ "$rc" -eq 0 ] && pass boot_no_error || fail boot_no_error "exit $rc; $bad(log: $log)"
for v in "srv|private dataport and heap" "srv|ioport range" "srv|irq handler" "srv|device memory" "watch|dataport group of three" \
         "cli|rpc void" "cli|rpc scalars, in/out/inout, struct and array" "cli|rpc struct return, enum, out struct" \
         "cli|rpc capability" "cli|events from two emitters" "cli|dataport read" "cli|component channels"; do
  who=${v%%|*} what=${v#*|}
  grep -qxF "[$who] $what ok" "$log.txt" && pass "boot_${who}_$(tr -c 'a-z0-9\n' _ <<<"$what")" ||
    fail "boot_${who}_$(tr -c 'a-z0-9\n' _ <<<"$what")" "no '[$who] $what ok' (log: $log)"
done
cmdline=$(cat "$boot/cmdline_255")
grep -qF "$cmdline" "$log.txt" && grep -q '^\[g_edge uart\] heartbeat [0-9]' "$log.txt" &&
  pass boot_guest_at_the_edges || fail boot_guest_at_the_edges "the 8-vCPU guest did not print its 255-byte command line and a heartbeat (log: $log)"
grep -q '^\[g_other uart\] heartbeat [0-9]' "$log.txt" && pass boot_second_guest ||
  fail boot_second_guest "no heartbeat from g_other (log: $log)"

# ---- A run whose root server refuses the spec exits non-zero ----
# The booted system with a component's image missing from the archive: compiled and packed,
# so only the root can see it; the run must fail, not exit 0 after its timeout.
refused=$work/refused.cpio
sed_ok=$(cpio -it --quiet <build/user/constructs/system.cpio 2>/dev/null | grep -c '^watcher.elf$')
if [ "$sed_ok" = 1 ]; then
  (mkdir -p "$work/unpack" && cd "$work/unpack" && cpio -id --quiet <"$top/build/user/constructs/system.cpio" &&
   rm watcher.elf && find . -type f | sed 's|^\./||' | cpio -o -H newc --quiet >"$refused")
  rc=0
  tools/run-x86.sh --archive "$refused" --log "$logs/refused.log" --timeout 20 >"$logs/refused.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && grep -q "image 'watcher.elf' is not in the boot archive" "$logs/refused.log"; then
    pass refused_run_exits_1
  else
    fail refused_run_exits_1 "exit $rc (log: $logs/refused.out)"
  fi
else
  fail refused_run_exits_1 "the archive holds no watcher.elf to remove"
fi
exit $status
