#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The default system in QEMU (q35, 1 GiB): the root server executes servers/demo/default.bh's
# spec, the components run and print through the console server, the two guests run under
# their VMMs in their own partitions with labelled output, and the Linux guest's end leaves
# the rest running; and the root refuses broken or unsupported specs (corruptions by
# tests/system/spec/corrupt.sh, bad guests) with a clear message while the kernel stays up; and
# every construct of the IDL either boots or is refused by the compiler (tests/system/constructs).
# Each boot is watched until its last expected line appears (tests/system/boot.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
status=0
pass() { echo "PASS system.$1"; }
fail() { echo "FAIL system.$1: $2"; status=1; }

. tests/system/boot.sh

# --- the default system, with its guests (Debian's kernel joins the archive: tools/with-linux.sh)
log=build/test-logs/system-default.serial
if ! tools/with-linux.sh build/x86/default.cpio build/x86/default-linux.cpio; then
  echo "SKIP system.default_*: no build/linux/vmlinux (./bulkhead setup fetches it)"
else
# Done when the Linux guest has ended and the heartbeat guest has printed since.
beats_after_linux() {
  local end
  end=$(line_of "$1" "[root] supervisor: guest linux ")
  [ -n "$end" ] && [ "$(tail -n +"$end" "$1" | grep -c '^\[beat uart\] heartbeat [0-9]')" -ge 1 ]
}
shell_or_end() { has "$1" "Enter 'help' for a list of built-in commands" || has "$1" "[root] supervisor: guest linux "; }
answered() { grep -q '^\[linux hvc\] 42$' "$1"; }
came_back() { grep -q '^\[linux hvc\] back=10$' "$1"; }
dated() { grep -q '^\[linux hvc\] now=[0-9]' "$1"; }
counted_cpus() { grep -q '^\[linux hvc\] cpus=2$' "$1"; }
host_before=$(date +%s)
boot_start build/x86/default-linux.cpio "$log" -m 1G
wait_for shell_or_end 150
# The interactive shell (bulkhead.shell=1 in the guest's command line; /init of
# tools/fetch-linux.sh): typed on COM1, through the console server and the VMM to hvc0.
shell=0
if has "$log" "BULKHEAD-LINUX-SHELL"; then
  shell=1
  sleep 1
  type_line 'echo $((6*7))'
  wait_for answered 30
  type_line 'echo cpus=$(grep -c ^processor /proc/cpuinfo)'
  wait_for counted_cpus 30
  # Ctrl-] commands of the console server (servers/console/input.c): list the consoles, give
  # the input to the heartbeat guest (a line typed then must not reach Linux), and back.
  printf '\035l' >&3
  wait_for "[console] console 2: beat" 10
  printf '\0352' >&3
  wait_for "[console] COM1 input goes to beat's console" 10
  type_line 'echo away=$((1+1))'
  sleep 1
  printf '\0351' >&3
  wait_for "[console] COM1 input goes to linux's console" 10
  type_line 'echo back=$((5+5))'
  wait_for came_back 30
  type_line 'echo now=$(date +%s)'
  wait_for dated 30
  type_line 'exit'
fi
wait_for beats_after_linux 60 && sleep 2
boot_stop
host_after=$(date +%s)
cat "$log"
if has "$log" "PANIC"; then fail no_kernel_panic "the kernel panicked (log: $log)"; else pass no_kernel_panic; fi
if has "$log" "[root] started 11 threads" && has "$log" "[root] supervising"; then pass root_executes_spec
else fail root_executes_spec "no '[root] started 11 threads' / '[root] supervising' (log: $log)"; fi
# The root drives COM1 itself on the debug kernel too (docs/console.md), and so does the
# console server: the lines of both reach the log.
if has "$log" "[root] debug kernel (with debug calls); the root prints on COM1" &&
   has "$log" "[console] every client at most 1024 bytes/s after a burst of 4096; linux 4096, 16384"; then
  pass root_and_console_server_on_com1
else fail root_and_console_server_on_com1 "no '[root] debug kernel (with debug calls); the root prints on COM1' or no rate-limit line of the console server (log: $log)"; fi
ok=1
for i in "console      system        23    14 4: main/200,input/200,vm0/200,vm1/200" "ping         apps           7     6 1: main/100" \
         "pong         apps           7     6 1: main/100" "intruder     apps           5     5 1: main/100" \
         "timer        linux_vm      10     3 1: main/220  timer_server.elf" \
         "linux        linux_vm      97   167 2: vcpu0/100,vcpu1/100  vmm.elf" "beat         beat_vm       29    26 1: vcpu0/100  vmm.elf"; do
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

if has "$log" "[root] partition schedule: system=5 ticks apps=5 ticks linux_vm=20 ticks beat_vm=2 ticks"; then
  pass guest_partitions
else fail guest_partitions "no schedule line with the partitions linux_vm and beat_vm (log: $log)"; fi
if has "$log" '[root] guest linux: kernel vmlinux (' && has "$log" '[root] guest beat: kernel vmm-guest (' &&
   has "$log" '[linux vmm] PVH kernel loaded' && has "$log" '[beat vmm] PVH kernel loaded'; then pass guests_built_from_spec
else fail guests_built_from_spec "the root did not build both guests, or a VMM did not load its kernel (log: $log)"; fi
if grep -qE '^\[linux hvc\] .*Linux version [0-9]' "$log" && grep -qE '^\[linux hvc\] .*BULKHEAD-LINUX-INIT-OK' "$log"
then pass linux_guest_output_labelled
else fail linux_guest_output_labelled "no '[linux hvc]' banner and init marker (log: $log)"; fi
# Linux places its grant frames beyond its RAM; its VMM maps its own frames there.
if grep -qE '^\[linux hvc\] .*Grant table initialized' "$log" && ! grep -qiE 'grant.table.*(fail|err)|grant frame refused' "$log"
then pass linux_grant_table_initialised
else fail linux_grant_table_initialised "no '[linux hvc] ... Grant table initialized', or a grant-table failure (log: $log)"; fi
if has "$log" "[beat uart] test guest up: mode=heartbeat" && has "$log" "[beat uart] heartbeat 2"; then
  pass heartbeat_guest_output_labelled
else fail heartbeat_guest_output_labelled "no '[beat uart] heartbeat 2' (log: $log)"; fi
if [ $shell = 0 ]; then
  echo "SKIP system.linux_shell: the initramfs's /init has no bulkhead.shell=1 mode (tools/fetch-linux.sh)"
elif answered "$log"; then pass linux_shell_answers_typed_command
else fail linux_shell_answers_typed_command "typed 'echo \$((6*7))' on COM1, no '[linux hvc] 42' (log: $log)"; fi
# The Linux guest has two vCPUs (servers/demo/default.bh): its VMM runs a thread for each, and
# Linux starts the second with INIT and SIPI.
# (loglevel=6 hides the kernel's own 'smp: Brought up' line; vmm.sh checks that one.)
# The guest's date is the host's: the kernel's RTC reading, passed by the root to the VMM.
now=$(sed -n 's/^\[linux hvc\] now=\([0-9]*\)$/\1/p' "$log" | head -1)
if [ $shell = 1 ] && [ -n "$now" ] && [ "$now" -ge $((host_before - 2)) ] && [ "$now" -le $((host_after + 2)) ]; then
  pass linux_date_is_the_hosts
elif [ $shell = 1 ]; then fail linux_date_is_the_hosts "Linux's date ${now:-(none)} is not within [$host_before, $host_after] (log: $log)"; fi
if [ $shell = 1 ] && has "$log" "[console] console 1: linux (has the input)" && has "$log" "[console] console 2: beat"
then pass console_lists_consoles
elif [ $shell = 1 ]; then fail console_lists_consoles "Ctrl-] l did not list linux (with the input) and beat (log: $log)"; fi
if [ $shell = 1 ] && has "$log" "[console] COM1 input goes to beat's console" && came_back "$log" &&
   ! grep -q '^\[linux hvc\].*away' "$log"; then pass console_switches_input_between_guests
elif [ $shell = 1 ]; then
  fail console_switches_input_between_guests "Ctrl-] 2 and Ctrl-] 1 did not move the input to beat and back, or Linux saw what beat was given (log: $log)"
fi
if [ $shell = 1 ] && counted_cpus "$log" && has "$log" "[root]   linux        linux_vm      97   167 2: vcpu0/100,vcpu1/100"
then pass linux_guest_runs_on_2_vcpus
else fail linux_guest_runs_on_2_vcpus "no VMM with threads vcpu0 and vcpu1, or the shell did not count 2 processors in /proc/cpuinfo (log: $log)"; fi
# The Linux guest's VMM sleeps until the guest's timers through the timer server, which it
# reaches through the spec's 'uses timer clock' (its report after the guest's end says how often).
if has "$log" "[timer] PIT channel 0 one-shot timeouts" &&
   grep -qE '^\[linux vmm\] time: TSC at [0-9]+ kHz \(the kernel.s measure\), [1-9][0-9]* sleeps until a deadline through the timer server$' "$log"
then pass linux_vmm_sleeps_through_timer_server
else fail linux_vmm_sleeps_through_timer_server "no '[linux vmm] time: ... N sleeps ... through the timer server' with N > 0 (log: $log)"; fi
end=$(line_of "$log" "[root] supervisor: guest linux ")
if [ -n "$end" ] && beats_after_linux "$log" && [ "$alive" = 1 ] && ! has "$log" "[root] supervisor: guest beat"; then
  pass guest_end_leaves_others_running
else fail guest_end_leaves_others_running "no root report of the Linux guest's end followed by heartbeats, or QEMU ended (log: $log)"; fi
fi

# --- broken and unsupported specifications: refused, the kernel stays up
refused() {
  local name=$1 archive=$2 message=$3
  shift 3
  local log=build/test-logs/system-$name.serial
  boot "$archive" "$log" "[root] stopped at step 1" 30 "$@"
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
refused spec_guest_passthrough build/x86/spec-guest.cpio \
  "object 664 (front.nic) passes PCI 00:03.0 through, but this machine has no IOMMU the kernel drives"
refused spec_guest_ram_granularity build/x86/spec-guestram.cpio \
  "guest 'linux': RAM of 3145728 bytes is not a whole number of 2 MiB frames"
refused spec_guest_without_grant_frames build/x86/spec-nogrant.cpio \
  "guest 'linux': its VMM has 0 grant frames and 0 page tables for them, but needs 4 and 12"
refused spec_guest_kernel_missing build/x86/default.cpio "guest 'linux': its kernel 'vmlinux' is not in the boot archive"
# Device frames of what the kernel keeps: the VT-d unit (only the firmware's DMAR names it, so
# the compiler cannot know it) and the local APIC (moved there behind the compiler's back).
refused spec_kept_device_memory build/x86/spec-kept.cpio "device memory the kernel keeps (2)" -device intel-iommu
kept=build/test-logs/system-spec_kept_device_memory.serial
if has "$kept" "device frame 0xfed90000 lies in the IOMMU [0xfed90000, 0xfed91000), which the kernel keeps for itself" &&
   has "$kept" "device frame 0xfee00000 lies in the local APIC [0xfee00000, 0xfee01000), which the kernel keeps for itself"; then
  pass spec_kept_device_memory_named
else fail spec_kept_device_memory_named "the root did not name the IOMMU and the local APIC frames (log: $kept)"; fi
# One boot, four bad guests: the root names each problem before it stops.
refused spec_guest_vcpus build/x86/spec-guests.cpio "guest 'smp': 9 vCPUs, but the VMM supports 8"
bad=build/test-logs/system-spec_guest_vcpus.serial
for t in "spec_guest_ram_too_small|guest 'tiny': RAM of 2 MiB is too small: a guest needs at least 4 MiB" \
         "spec_guest_kernel_not_in_archive|guest 'nokernel': its kernel 'no-such-kernel' is not in the boot archive" \
         "spec_guest_initrd_not_in_archive|guest 'noinitrd': its initrd 'no-such-initrd' is not in the boot archive"; do
  if has "$bad" "[root] error: system.spec refused: ${t#*|}"; then pass "${t%%|*}"
  else fail "${t%%|*}" "no '[root] error: system.spec refused: ${t#*|}' (log: $bad)"; fi
done

# --- Every construct the IDL accepts boots, or the compiler refuses it (issue 16): generated
# descriptions past each limit, and one boot of a system packing every construct at its edges.
bash tests/system/constructs/check.sh || status=1
exit $status
