#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The default system in QEMU (q35): the root server executes servers/demo/default.bh's spec,
# the components run and print through the console server; and the root refuses broken or
# unsupported specs (tests/system/spec/corrupt.sh) with a clear message while the kernel
# stays up. The system never exits by itself: each boot is watched until its last expected
# line appears (or a deadline passes), then QEMU is stopped.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
status=0
pass() { echo "PASS system.$1"; }
fail() { echo "FAIL system.$1: $2"; status=1; }

# boot ARCHIVE LOG UNTIL DEADLINE: runs QEMU until a line matching UNTIL appeared and 2 more
# seconds passed, or DEADLINE seconds. Sets `alive` to 1 when QEMU was still running at the end.
boot() {
  local archive=$1 log=$2 until=$3 deadline=$4 t=0
  tools/qemu-x86.sh "$archive" q35 </dev/null >"$log.raw" 2>&1 &
  local pid=$!
  while [ "$t" -lt "$((deadline * 10))" ] && kill -0 "$pid" 2>/dev/null; do
    if tr -d '\r' <"$log.raw" | grep -qF -- "$until"; then sleep 2; break; fi
    sleep 0.1; t=$((t + 1))
  done
  alive=0
  kill -0 "$pid" 2>/dev/null && alive=1
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  tr -d '\r' <"$log.raw" >"$log"; rm -f "$log.raw"
}
has() { grep -qF -- "$2" "$1"; }
line_of() { grep -nF -- "$2" "$1" | head -1 | cut -d: -f1; }

# --- the default system
log=build/test-logs/system-default.serial
boot build/x86/default.cpio "$log" "heartbeats done" 60
cat "$log"
if has "$log" "PANIC"; then fail no_kernel_panic "the kernel panicked (log: $log)"; else pass no_kernel_panic; fi
if has "$log" "[root] started 4 threads" && has "$log" "[root] supervising"; then pass root_executes_spec
else fail root_executes_spec "no '[root] started 4 threads' / '[root] supervising' (log: $log)"; fi
ok=1
for i in "console      system         5     3 1: main/200" "ping         apps           7     6 1: main/100" \
         "pong         apps           7     6 1: main/100" "intruder     apps           5     5 1: main/100"; do
  has "$log" "[root]   $i" || { ok=0; fail report "report lacks '$i' (log: $log)"; }
done
[ $ok = 1 ] && pass report
ok=1
for m in "[console] console server ready" "[ping] pinger started" "[pong] ponger started" "[intruder] intruder started"; do
  has "$log" "$m" || { ok=0; fail components_started "missing '$m' (log: $log)"; }
done
[ $ok = 1 ] && pass components_started
if has "$log" "[ping] echo(41) = 42 (correct)" && has "$log" "[ping] echo(141) = 142 (correct)" &&
   has "$log" "[ping] echo(241) = 242 (correct)" && ! has "$log" "WRONG"; then pass rpc_results
else fail rpc_results "expected echo(41) = 42, echo(141) = 142, echo(241) = 242 (log: $log)"; fi
if has "$log" "its capability kept in slot 9" && has "$log" "[ping] (pong writing through the capability ping passed)"
then pass rpc_capability_transfer
else fail rpc_capability_transfer "pong did not keep or use the capability ping passed (log: $log)"; fi
if has "$log" "[ping] event received: bits 0x1 (from pong)"; then pass event
else fail event "no '[ping] event received: bits 0x1 (from pong)' (log: $log)"; fi
if has "$log" '[ping] dataport (shared with pong) reads: "pong answered 3 calls, the last with 242"'; then pass dataport
else fail dataport "the pinger did not read pong's line from the shared page (log: $log)"; fi
if has "$log" "[intruder] copying slot 40, which I was not given: refused (error 6, FAILED_LOOKUP)" &&
   has "$log" "[root] supervisor: intruder.main: capability fault: cptr 40" && ! has "$log" "UNEXPECTED"
then pass unauthorised_use_refused
else fail unauthorised_use_refused "the intruder's use of slot 40 was not refused as expected (log: $log)"; fi
fault=$(line_of "$log" "[root] supervisor: intruder.main")
beat=$(line_of "$log" "[ping] still running: heartbeat 5, echo -> ok")
if [ -n "$fault" ] && [ -n "$beat" ] && [ "$beat" -gt "$fault" ] && [ "$alive" = 1 ]; then pass rest_runs_on
else fail rest_runs_on "no heartbeat after the intruder's fault, or QEMU ended (log: $log)"; fi

# --- broken and unsupported specifications: refused, the kernel stays up
refused() {
  local name=$1 archive=$2 message=$3
  local log=build/test-logs/system-$name.serial
  boot "$archive" "$log" "[root] stopped at step 1" 30
  cat "$log"
  if ! has "$log" "[root] error: system.spec refused: $message"; then
    fail "$name" "no '[root] error: system.spec refused: $message' (log: $log)"
  elif ! has "$log" "[root] stopped at step 1 (load the specification)"; then
    fail "$name" "the root did not say it stopped (log: $log)"
  elif has "$log" "[root] started" || has "$log" "PANIC"; then
    fail "$name" "something started, or the kernel panicked (log: $log)"
  elif [ "$alive" != 1 ]; then
    fail "$name" "QEMU ended: the kernel did not stay up (log: $log)"
  else
    pass "$name"
  fi
}
refused spec_checksum build/x86/spec-flipped.cpio "checksum mismatch"
refused spec_truncated build/x86/spec-truncated.cpio "truncated: the header's total size is beyond the end of the data (at byte offset"
refused spec_bad_reference build/x86/spec-badref.cpio "instance cnode is not a CNode object (at byte offset"
refused spec_guests build/x86/spec-guest.cpio "it has 2 guest(s)"
has build/test-logs/system-spec_guests.serial "guests need the VMM, not available yet" ||
  fail spec_guests_message "no 'guests need the VMM, not available yet'"
exit $status
