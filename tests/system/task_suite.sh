# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Sourced by the suites whose boot archive runs a task to completion and ends QEMU with its
# verdict (hostile.sh, sysfuzz.sh): once with the CPU's default entry and exit paths
# (NAME.*) and once through the Meltdown window (NAME-window.*, docs/security.md).

# run_task_both_ways NAME ARCHIVE SECONDS: the archive's PASS/FAIL lines (NAME.* renamed for
# the window's run), its [NAME] lines on stderr; QEMU's status 33 is a pass. Returns 1 on
# any failure.
run_task_both_ways() {
  local name=$1 archive=$2 seconds=$3 status=0 variant prefix cmdline log rc
  mkdir -p build/test-logs
  for variant in default window; do
    prefix=$name; cmdline=""
    [ $variant = window ] && { prefix=$name-window; cmdline=meltdown_window=on; }
    log=build/test-logs/$prefix.serial
    KERNEL_CMDLINE=$cmdline timeout --foreground "$seconds" tools/qemu-x86.sh "$archive" q35 >"$log" 2>&1 </dev/null
    rc=$?
    tr -d '\r' <"$log" | grep -aE "^(PASS|FAIL) $name\\." | sed "s/ $name\\./ $prefix./"
    grep -a "^\\[$name\\]" "$log" | tr -d '\r' | grep -v '[0-9]/[0-9]' >&2
    case $rc in
      33) ;;
      124) echo "FAIL $prefix.run: QEMU timed out (log: $log)"; status=1; continue ;;
      *) echo "FAIL $prefix.run: QEMU exited with status $rc (log: $log)"; status=1; continue ;;
    esac
    grep -aq PANIC "$log" && { echo "FAIL $prefix.no_kernel_panic: the kernel panicked (log: $log)"; status=1; }
  done
  return $status
}
