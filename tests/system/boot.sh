# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Sourced by the suites that boot a whole system and watch its serial output (system.sh,
# release.sh). The system never exits by itself: each boot is watched until what is expected
# appears (or a deadline passes), then QEMU is stopped. KERNEL=... boots another kernel
# (tools/qemu-x86.sh).

# boot_start ARCHIVE LOG [QEMU ARGS]: starts QEMU in the background, its serial input from a
# FIFO that `type_line` writes to (QEMU runs with -serial mon:stdio: what is typed reaches COM1).
boot_start() {
  local archive=$1
  blog=$2
  shift 2
  rm -f "$blog.in" "$blog" && mkfifo "$blog.in"
  : >"$blog.raw" # before QEMU's own redirection: a log from an earlier run must not be judged
  tools/qemu-x86.sh "$archive" q35 "$@" <"$blog.in" >"$blog.raw" 2>&1 &
  qpid=$!
  exec 3>"$blog.in"
}
# wait_for UNTIL DEADLINE: until UNTIL holds (a line to look for, or the name of a shell
# function that judges the log so far, given as its argument), or DEADLINE seconds.
wait_for() {
  local until=$1 deadline=$2 t=0
  while [ "$t" -lt "$((deadline * 10))" ] && kill -0 "$qpid" 2>/dev/null; do
    tr -d '\r' <"$blog.raw" >"$blog"
    if { declare -F "$until" >/dev/null && "$until" "$blog"; } || grep -qF -- "$until" "$blog"; then return 0; fi
    sleep 0.1; t=$((t + 1))
  done
  return 1
}
type_line() { printf '%s\n' "$1" >&3; }
# boot_stop: stops QEMU; sets `alive` to 1 when it was still running.
boot_stop() {
  alive=0
  kill -0 "$qpid" 2>/dev/null && alive=1
  kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
  exec 3>&-
  tr -d '\r' <"$blog.raw" >"$blog"; rm -f "$blog.raw" "$blog.in"
}
# boot ARCHIVE LOG UNTIL DEADLINE [QEMU ARGS]: runs QEMU until UNTIL holds and 2 more seconds
# passed, or DEADLINE seconds.
boot() {
  local archive=$1 log=$2 until=$3 deadline=$4
  shift 4
  boot_start "$archive" "$log" "$@"
  wait_for "$until" "$deadline" && sleep 2
  boot_stop
}
has() { grep -qF -- "$2" "$1"; }
line_of() { grep -nF -- "$2" "$1" | head -1 | cut -d: -f1; }
