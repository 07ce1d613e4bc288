#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# POWER9 in QEMU powernv9 (skiboot). ppc64 QEMU has no isa-debug-exit, so each run is judged
# from console markers and QEMU is stopped after a timeout (the kernel powers off through
# OPAL when it panics). Only what is claimed to work is tested:
#   power9.boot_banner   the kernel's banner and memory map
#   power9.root_bootinfo the bring-up root server runs and prints its boot info (user mode,
#                        system calls, radix MMU, musl with FP state)
#   power9.ktest.*      the kernel API suite (build/power9/ktest.cpio): every test it reaches,
#                        with the POWER9 group (XIVE interrupt line raised from user level,
#                        user-writable CPU state across partitions, denied facilities and
#                        kernel addresses faulting as user faults).
#     It cannot end QEMU (no isa-debug-exit), so the run stops at its summary line, after 20 s
#     without output, or after 240 s. Tests that need a PIT skip themselves; tests of what
#     POWER9 does not have yet are reported as SKIP lines (in the log), not failures: see
#     EXPECTED_SKIP. power9.ktest_completes checks that the suite reached its summary.
#   power9.linux.*       Debian's ppc64el Linux 6.1 as a guest of a system description under its
#     own VMM (vmm/power9, started by the root server): tests/system/p9linux/poweroff.bh, on 2
#     vCPUs (a VMM thread each, the second started by RTAS start-cpu, IPIs by H_IPI), whose
#     /init runs its commands (work pinned to each CPU among them) and powers off through RTAS
#     beside a neighbour component; the VMM
#     reports the end to the root, and the neighbour's heartbeats go on after it. The kernel is
#     fetched (tools/power9-linux.sh) and joins the archive here (tools/power9-with-linux.sh):
#     a SKIP line when it was not fetched.
#   power9.system.*      the default system (build/power9/default.cpio with the vmlinux added):
#     the root server executes servers/demo/default-power9.bh's spec, the components run, RPC
#     with a capability, event, dataport, the intruder's fault is contained and the rest runs
#     on; beside them the Linux guest boots to its shell on hvc0 (the console channel).
#   Runs with Linux leave out QEMU's BMC: its IPMI watchdog, which skiboot leaves armed, resets
#   the machine 60 s after boot, before a loaded machine's Linux reaches /init.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
kernel=build/power9/kernel.elf
for f in "$kernel" build/power9/bootinfo.cpio build/power9/ktest.cpio build/power9/hostile.cpio build/power9/default.cpio \
  build/power9/p9linux-poweroff.cpio; do
  if ! command -v qemu-system-ppc64 >/dev/null || [ ! -f "$f" ]; then
    echo "FAIL power9.build: qemu-system-ppc64 or $f missing (./bulkhead test power9 builds them)"
    exit 1
  fi
done

# Tests not expected to pass on POWER9 yet, with the reason.
declare -A EXPECTED_SKIP=()

# run ARCHIVE LOG END_REGEX MAX_SECONDS [QEMU_OPTIONS [LINGER_SECONDS]]: boots, stops at the
# marker (LINGER seconds after it), a panic, 20 s of silence or the time limit. NO_BMC=1 leaves
# the BMC out (see above); ALSO_END=REGEX makes the marker need that line too (two parts of a
# system that finish in either order).
run() {
  local archive=$1 log=$2 end=$3 max=$4 opts=${5:-} linger=${6:-0} last=-1 quiet=0
  local bmc="-device ipmi-bmc-sim,id=bmc0 -device isa-ipmi-bt,bmc=bmc0,irq=10"
  [ -n "${NO_BMC:-}" ] && bmc=""
  # shellcheck disable=SC2086 # opts and bmc are lists of options
  qemu-system-ppc64 -M powernv9 $opts -nodefaults $bmc -serial stdio -nographic -monitor none \
    -kernel "$kernel" -initrd "$archive" </dev/null >"$log" 2>&1 &
  local qemu=$!
  for _ in $(seq 1 $((max * 2))); do
    sleep 0.5
    if grep -aq -E -e "$end" "$log" && { [ -z "${ALSO_END:-}" ] || grep -aq -E -e "$ALSO_END" "$log"; }; then
      sleep "$linger"
      break
    fi
    grep -aq -e 'PANIC' "$log" && break
    kill -0 "$qemu" 2>/dev/null || break
    local size; size=$(stat -c %s "$log")
    if [ "$size" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; last=$size; fi
    [ "$quiet" -ge 40 ] && break
  done
  kill "$qemu" 2>/dev/null
  wait "$qemu" 2>/dev/null
  return 0
}

log=build/test-logs/power9-bootinfo.serial
run build/power9/bootinfo.cpio "$log" '\[root\] power9 bootinfo: OK' 60
out=$(tr -d '\r' <"$log")
status=0
if grep -q '^\[kernel\] Bulkhead kernel (POWER9' <<<"$out" && grep -q '^\[kernel\] RAM ' <<<"$out"; then
  echo "PASS power9.boot_banner"
else
  echo "FAIL power9.boot_banner: no banner or memory map (log: $log)"; status=1
fi
if grep -q '^\[root\] power9 bootinfo: OK' <<<"$out" && ! grep -q PANIC <<<"$out"; then
  echo "PASS power9.root_bootinfo"
else
  echo "FAIL power9.root_bootinfo: the root server did not report its boot info (log: $log)"; status=1
fi

# The hostile task, as on x86: its runner prints PASS/FAIL hostile.* lines at the end.
log=build/test-logs/power9-hostile.serial
run build/power9/hostile.cpio "$log" '^(PASS|FAIL) hostile\.faults_reach_the_handler' 300
out=$(tr -d '\r' <"$log")
grep -a -E '^(PASS|FAIL) hostile\.' <<<"$out" | sed 's/ hostile\./ power9.hostile./'
grep -q -E '^FAIL hostile\.' <<<"$out" && status=1
if ! grep -q -E '^PASS hostile\.faults_reach_the_handler' <<<"$out"; then
  echo "FAIL power9.hostile.run: the hostile test did not finish (log: $log)"; status=1
fi
if grep -q PANIC <<<"$out"; then echo "FAIL power9.hostile.no_kernel_panic: the kernel panicked (log: $log)"; status=1; fi

log=build/test-logs/power9-ktest.serial
run build/power9/ktest.cpio "$log" '^\[ktest\] [0-9]+ passed' 240
out=$(tr -d '\r' <"$log")
while IFS= read -r line; do
  case $line in
    "PASS ktest."*) echo "PASS power9.${line#PASS }" ;;
    "SKIP ktest."*) echo "SKIP power9.${line#SKIP }" ;;
    "FAIL ktest."*)
      rest=${line#FAIL ktest.}; name=${rest%%:*}
      if [ -n "${EXPECTED_SKIP[$name]+x}" ]; then
        echo "SKIP power9.ktest.$name: ${EXPECTED_SKIP[$name]} (got: ${rest#*: })"
      else
        echo "FAIL power9.ktest.$rest"; status=1
      fi ;;
  esac
done < <(grep -a -E '^(PASS|FAIL|SKIP) ktest\.' <<<"$out")
if grep -q -E '^\[ktest\] [0-9]+ passed' <<<"$out"; then
  echo "PASS power9.ktest_completes"
else
  echo "FAIL power9.ktest_completes: the suite did not reach its summary (log: $log)"; status=1
fi
if grep -q PANIC <<<"$out"; then echo "FAIL power9.ktest_no_kernel_panic: the kernel panicked (log: $log)"; status=1; fi

# Debian's Linux as a guest under its own VMM, when its kernel has been fetched (./bulkhead setup
# runs tools/power9-linux.sh): fetched, not built, so it joins the archives here, not in ninja.
linux=0
if [ -s build/power9/linux/vmlinux ] &&
  tools/power9-with-linux.sh build/power9/p9linux-poweroff.cpio build/power9/p9linux-poweroff-linux.cpio &&
  tools/power9-with-linux.sh build/power9/default.cpio build/power9/default-linux.cpio; then
  linux=1
  log=build/test-logs/power9-linux.serial
  NO_BMC=1 run build/power9/p9linux-poweroff-linux.cpio "$log" '^\[root\] supervisor: guest linux ' 300 "-m 2G" 6
  out=$(tr -d '\r' <"$log")
  lin_check() { # NAME MESSAGE LINE...
    local name=$1 msg=$2; shift 2
    for l in "$@"; do
      grep -qF -- "$l" <<<"$out" || { echo "FAIL power9.linux.$name: $msg: no '$l' (log: $log)"; status=1; return; }
    done
    echo "PASS power9.linux.$name"
  }
  lin_check root_starts_the_vmm "the root did not build the guest or start its VMM" \
    '[root] guest linux: kernel vmlinux' '[linux vmm] vmlinux ' '[linux vmm] running linux: command line "console=hvc0 rdinit=/init"'
  lin_check boots_radix_under_the_hypervisor "Linux did not boot" "[linux hvc] [" "Linux version 6.1" \
    "lpar: Using radix MMU under hypervisor"
  lin_check init_runs_its_commands "/init did not run its commands on hvc0" \
    "[linux hvc] [init] hello from /init on Bulkhead's POWER9 VMM" "[linux hvc] [init] \$ uname" \
    "[linux hvc] Linux 6.1" "ppc64le" "[linux hvc] console=hvc0 rdinit=/init"
  lin_check smp_work_on_both_cpus "Linux did not bring up both vCPUs or run work on each" \
    '[linux vmm] running linux: command line "console=hvc0 rdinit=/init" on 2 vCPU(s)' "[linux hvc] 2 CPU(s), POWER9" \
    "[linux hvc] work pinned to CPU 0 ran on CPU 0" "[linux hvc] work pinned to CPU 1 ran on CPU 1"
  lin_check powers_off_through_rtas "no RTAS power-off reported by the VMM" "[linux hvc] [init] powering off" \
    "[linux vmm] guest shut down (0, 0x2)"
  lin_check root_hears_the_end "the root's supervisor did not hear the VMM's report" \
    "[root] supervisor: guest linux shut down (0, 0x2) after"
  # The neighbour's heartbeats after the end: the guest's end touched nothing else.
  if awk '/\[root\] supervisor: guest linux /{e=1} e && /^\[next\] heartbeat [0-9]+/{n++} END{exit !(n>=2)}' <<<"$out"; then
    echo "PASS power9.linux.neighbour_runs_on"
  else
    echo "FAIL power9.linux.neighbour_runs_on: no two heartbeats of the neighbour after the guest's end (log: $log)"; status=1
  fi
  # Linux warns when the platform looks wrong to it (e.g. /rtas with ibm,nmi-register but no
  # ibm,nmi-interlock, setup.c's fwnmi_init): none of that under this VMM.
  if grep -q -E '^\[linux hvc\] .*(WARNING: CPU|BUG:|Oops)' <<<"$out"; then
    echo "FAIL power9.linux.no_linux_warning: $(grep -m1 -E '^\[linux hvc\] .*(WARNING: CPU|BUG:|Oops)' <<<"$out") (log: $log)"
    status=1
  else
    echo "PASS power9.linux.no_linux_warning"
  fi
  grep -a -E '^\[linux vmm\] exits by reason' <<<"$out" | sed 's/^/# /'
  if grep -q PANIC <<<"$out"; then echo "FAIL power9.linux.no_kernel_panic: (log: $log)"; status=1; fi
else
  echo "SKIP power9.linux: Debian's ppc64el kernel was not fetched (./bulkhead setup runs tools/power9-linux.sh)"
fi

# The default system with its Linux guest: runs until the guest's shell is up (or 300 s).
if [ "$linux" = 1 ]; then
log=build/test-logs/power9-system.serial
# The pinger's heartbeats and Linux's boot run side by side; either may finish first.
NO_BMC=1 ALSO_END='\[ping\] heartbeats done' run build/power9/default-linux.cpio "$log" '\[init\] shell on hvc0' 300 "-m 2G" 2
out=$(tr -d '\r' <"$log")
sys_check() { # NAME MESSAGE LINE...
  local name=$1 msg=$2; shift 2
  for l in "$@"; do
    grep -qF -- "$l" <<<"$out" || { echo "FAIL power9.system.$name: $msg: no '$l' (log: $log)"; status=1; return; }
  done
  echo "PASS power9.system.$name"
}
sys_check root_executes_spec "the root server did not build the system" "[root] started 6 threads" "[root] supervising"
sys_check components_started "a component did not start" "[console] console server ready" "[ping] pinger started" \
  "[pong] ponger started" "[intruder] intruder started"
sys_check rpc_results "wrong RPC results" "[ping] echo(41) = 42 (correct)" "[ping] echo(141) = 142 (correct)" \
  "[ping] echo(241) = 242 (correct)"
sys_check rpc_capability_transfer "the capability ping passed was not used" "its capability kept in slot 9" \
  "[ping] (pong writing through the capability ping passed)"
sys_check event "no event" "[ping] event received: bits 0x1 (from pong)"
sys_check dataport "no dataport line" '[ping] dataport (shared with pong) reads: "pong answered 3 calls, the last with 242"'
sys_check unauthorised_use_refused "the intruder was not stopped" \
  "[intruder] copying slot 40, which I was not given: refused (error 6, FAILED_LOOKUP)" \
  "[root] supervisor: intruder.main: capability fault: cptr 40"
sys_check rest_runs_on "the system did not run on after the fault" "[ping] still running: heartbeat 5, echo -> ok" \
  "[ping] heartbeats done"
sys_check linux_guest_to_its_shell "the Linux guest did not reach its shell on hvc0" \
  '[root] guest linux: kernel vmlinux' '[linux vmm] running linux: command line "console=hvc0 rdinit=/init bulkhead.shell=1"' \
  "[linux hvc] [init] \$ cat /proc/cmdline" "[linux hvc] console=hvc0 rdinit=/init bulkhead.shell=1" \
  "[linux hvc] [init] shell on hvc0"
if grep -q -e PANIC -e WRONG -e UNEXPECTED <<<"$out"; then
  echo "FAIL power9.system.no_panic_or_wrong_result: (log: $log)"; status=1
else
  echo "PASS power9.system.no_panic_or_wrong_result"
fi
else
  echo "SKIP power9.system: its Linux guest's kernel was not fetched (./bulkhead setup runs tools/power9-linux.sh)"
fi
exit $status
