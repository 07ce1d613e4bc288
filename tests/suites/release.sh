#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The release kernel (build/x86/kernel-release.elf), which has no debug system calls:
# - a program that calls DebugPutChar takes an unknown-syscall fault (-10), and the kernel
#   stays up (the kernel API suite's root, whose first act is to print);
# - the whole default system runs on it (servers/demo/default.bh, its guests included): the
#   root prints on COM1, the components and the guests through the console server, Linux boots
#   to its shell, answers a command typed on COM1 and powers off while the rest runs on, and
#   nothing ever makes a debug call;
# - the console's temporal isolation under a flood (tests/system/console/flood.bh,
#   docs/console.md): a component printing as fast as it can and a guest writing 960-byte
#   lines through console_io are held to their rate (the console server's own count, and the
#   bytes of their lines in the serial log), while a component printing every 100 ms and the
#   heartbeat guest lose nothing and the component's calls wait no longer than the schedule
#   makes them.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
export KERNEL=build/x86/kernel-release.elf
status=0
pass() { echo "PASS release.$1"; }
fail() { echo "FAIL release.$1: $2"; status=1; }
. tests/system/boot.sh

log=build/test-logs/release.serial
timeout --foreground 20 tools/qemu-x86.sh build/x86/ktest.cpio q35 >"$log" 2>&1 </dev/null
out=$(tr -d '\r' <"$log")
if grep -q 'root server: entry' <<<"$out"; then pass boots; else fail boots "no root server (log: $log)"; fi
if grep -q 'unknown syscall fault (fffffffffffffff3 ' <<<"$out" && ! grep -q '^\[ktest\]' <<<"$out"; then
  pass debug_console_is_an_unknown_syscall
else
  fail debug_console_is_an_unknown_syscall "the debug call was served or no fault was reported (log: $log)"
fi
if grep -q PANIC <<<"$out"; then fail no_kernel_panic "(log: $log)"; else pass no_kernel_panic; fi

# --- the default system with its guests
log=build/test-logs/release-default.serial
if ! tools/with-linux.sh build/x86/default.cpio build/x86/default-linux.cpio; then
  echo "SKIP release.default_*: no build/linux/vmlinux (./bulkhead setup fetches it)"
else
  shell_or_end() { has "$1" "Enter 'help' for a list of built-in commands" || has "$1" "[root] supervisor: guest linux "; }
  answered() { grep -q '^\[linux hvc\] 42$' "$1"; }
  beats_after_linux() {
    local end
    end=$(line_of "$1" "[root] supervisor: guest linux ")
    [ -n "$end" ] && [ "$(tail -n +"$end" "$1" | grep -c '^\[beat uart\] heartbeat [0-9]')" -ge 1 ]
  }
  boot_start build/x86/default-linux.cpio "$log" -m 1G
  wait_for shell_or_end 150
  if has "$log" "BULKHEAD-LINUX-SHELL"; then
    sleep 1
    type_line 'echo $((6*7))'
    wait_for answered 30
    type_line 'exit'
  fi
  wait_for beats_after_linux 60 && sleep 2
  boot_stop
  if has "$log" "[root] release kernel (without debug calls); the root prints on COM1" &&
     has "$log" "[root] started 11 threads" && has "$log" "[root] supervising"; then pass default_root_on_com1
  else fail default_root_on_com1 "the root did not say it runs on the release kernel, printing on COM1, and start the system (log: $log)"; fi
  ok=1
  for m in "[console] console server ready" "[ping] echo(241) = 242 (correct)" "[timer] PIT channel 0 one-shot timeouts" \
           "[root] supervisor: intruder.main: capability fault: cptr 40" "[beat uart] heartbeat 2" "[linux vmm] PVH kernel loaded"; do
    has "$log" "$m" || { ok=0; fail default_components_print "missing '$m' (log: $log)"; }
  done
  [ $ok = 1 ] && pass default_components_print
  if grep -qE '^\[linux hvc\] .*Linux version [0-9]' "$log" && answered "$log"; then pass default_linux_shell_answers
  else fail default_linux_shell_answers "no Linux banner on hvc0, or no '[linux hvc] 42' after 'echo \$((6*7))' on COM1 (log: $log)"; fi
  if grep -qE '^\[linux vmm\] time: TSC at [0-9]+ kHz .* [1-9][0-9]* sleeps until a deadline through the timer server$' "$log" &&
     beats_after_linux "$log" && [ "$alive" = 1 ]; then pass default_guest_end_leaves_others_running
  else fail default_guest_end_leaves_others_running "no end report of the Linux guest's VMM followed by heartbeats, or QEMU ended (log: $log)"; fi
  if grep -q 'unknown syscall fault' "$log" || has "$log" "PANIC"; then
    fail default_no_debug_call "something made a debug call (an unknown syscall fault), or the kernel panicked (log: $log)"
  else pass default_no_debug_call; fi
fi

# --- the flood
log=build/test-logs/release-flood.serial
steady_done() { has "$1" "[steady] steady: 40 lines" && [ "$(grep -c '^\[beat uart\] heartbeat' "$1")" -ge 4 ]; }
boot_start build/x86/console-flood.cpio "$log"
wait_for steady_done 90
boot_stop
# held_to_rate CLIENT: the console server's last drop line for CLIENT says bytes were dropped and
# that what it wrote fits the bucket (burst + rate * time, one line of slack); and the bytes of
# the client's lines in the log (label and newline included, as the server counts them) fit
# the same bound a second later (drop lines come at most once a second).
held_to_rate() {
  local client=$1 prefix=$2 said
  said=$(grep -E "^\[console\] $client: [0-9]+ bytes dropped \([0-9]+ written in [0-9]+ ms, at most [0-9]+ bytes/s after a burst of [0-9]+\)$" "$log" | tail -1)
  [ -n "$said" ] || { echo "no drop line for $client"; return 1; }
  awk -v said="$said" -v prefix="$prefix" '
    BEGIN { split(said, w, /[ ()]+/); dropped = w[3]; written = w[6]; ms = w[9]; rate = w[13]; burst = w[19] }
    index($0, prefix) == 1 { seen += length($0) + 1 }
    END {
      bound = burst + rate * ms / 1000 + 200; later = burst + rate * (ms + 1000) / 1000 + 200
      printf "%s: %d bytes dropped, %d written in %d ms (bound %d), %d bytes in the log (bound %d)\n", prefix, dropped, written, ms, bound, seen, later
      exit !(dropped > 0 && written <= bound && seen <= later && seen > burst / 2)
    }' "$log"
}
if r=$(held_to_rate flood "[flood] "); then pass flood_component_held_to_its_rate; echo "  $r"
else fail flood_component_held_to_its_rate "$r (log: $log)"; fi
if r=$(held_to_rate spam "[spam "); then pass flood_guest_held_to_its_rate; echo "  $r"
else fail flood_guest_held_to_its_rate "$r (log: $log)"; fi
# The well-behaved: every line, in order, none dropped, and no call waited more than a few
# cycles of the schedule (22 ms; the bursts of the others come first).
lines=$(grep -E '^\[steady\] steady line [0-9]+ ' "$log" | awk '{ print $4 }' | tr '\n' ' ')
longest=$(sed -n 's/^\[steady\] steady: 40 lines, the longest call to the console server took \([0-9]*\) ms$/\1/p' "$log")
if [ "$lines" = "$(seq 1 40 | tr '\n' ' ')" ] && [ -n "$longest" ] && [ "$longest" -le 500 ] && ! has "$log" "[console] steady:"
then pass flood_steady_client_prompt; echo "  steady: 40 lines, the longest call ${longest} ms"
else fail flood_steady_client_prompt "lines '$lines', longest call '${longest:-?}' ms (at most 500), or a drop line for steady (log: $log)"; fi
beats=$(grep -c '^\[beat uart\] heartbeat [0-9]' "$log")
if [ "$beats" -ge 4 ] && ! has "$log" "[console] beat:"; then pass flood_heartbeat_guest_unaffected
else fail flood_heartbeat_guest_unaffected "$beats heartbeats (at least 4), or a drop line for beat (log: $log)"; fi
if grep -q 'unknown syscall fault' "$log" || has "$log" "PANIC" || [ "$alive" != 1 ]; then
  fail flood_no_debug_call "a debug call, a panic, or QEMU ended (log: $log)"
else pass flood_no_debug_call; fi
exit $status
