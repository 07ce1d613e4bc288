#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# ./bulkhead in a terminal, as a user types it: in a pseudo-terminal made by `script`
# (util-linux), a short `./bulkhead test ktest` (q35 only) must finish, and a full one
# interrupted by Ctrl-C (the character, written to the terminal) must end with no QEMU of it
# left. Both nested runs keep their tally under build/test-logs/terminal/ (not the caller's).
# Also checks that every suite has a line in ./bulkhead's table (descriptions, --list).
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=build/test-logs/terminal
rm -rf "$dir" && mkdir -p "$dir"

# The PIDs of every process below $1.
descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}
qemus_below() {
  local p
  for p in $(descendants "$1"); do
    case $(cat "/proc/$p/comm" 2>/dev/null) in qemu-system*) echo "$p" ;; esac
  done
}
is_qemu() { case $(cat "/proc/$1/comm" 2>/dev/null) in qemu-system*) return 0 ;; esac; return 1; }

# 1. A short run finishes in a terminal (QEMU used to stop, state T, on touching it).
out=$(KTEST_MACHINES=q35 KTEST_IOMMUS="" BULKHEAD_TEST_LOGS=$dir/short \
  timeout --foreground 120 script -qec "./bulkhead test ktest" /dev/null </dev/null 2>&1)
rc=$?
printf '%s\n' "$out" | tr -d '\r' >"$dir/short.out"
summary=$(tr -d '\r' <"$dir/short.out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
if [ "$rc" -eq 0 ] && [[ "$summary" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
  echo "PASS terminal.test_finishes_in_a_pty"
else
  echo "FAIL terminal.test_finishes_in_a_pty: status $rc (124: it hung), summary '${summary:-none}' (log: $dir/short.out)"
fi

# 2. Ctrl-C typed into the terminal of a long run ends it and every QEMU it started.
fifo=$dir/ctrl-c.in
mkfifo "$fifo"
# env --default-signal: a command started with & from a script ignores SIGINT, a terminal's does not.
BULKHEAD_TEST_LOGS=$dir/ctrl-c env --default-signal=INT script -qec "./bulkhead test ktest" /dev/null <"$fifo" >"$dir/ctrl-c.out" 2>&1 &
spid=$!
exec 4>"$fifo"
qemus=""
for _ in $(seq 1 600); do # until its first QEMU runs (at most 60 s)
  qemus=$(qemus_below "$spid")
  [ -n "$qemus" ] && break
  kill -0 "$spid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$qemus" ]; then
  echo "FAIL terminal.ctrl_c_ends_every_qemu: no QEMU started within 60 s (log: $dir/ctrl-c.out)"
  kill "$spid" 2>/dev/null
else
  sleep 1 # QEMU running, not just started
  printf '\003' >&4
  for _ in $(seq 1 150); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
  left=""
  for _ in $(seq 1 50); do # QEMU may take a moment to exit after the signal
    left=""
    for q in $qemus; do is_qemu "$q" && left="$left $q"; done
    [ -z "$left" ] && break
    sleep 0.1
  done
  if kill -0 "$spid" 2>/dev/null; then
    echo "FAIL terminal.ctrl_c_ends_every_qemu: ./bulkhead still running 15 s after Ctrl-C (log: $dir/ctrl-c.out)"
  elif [ -n "$left" ]; then
    echo "FAIL terminal.ctrl_c_ends_every_qemu: QEMU left running after Ctrl-C:$left (log: $dir/ctrl-c.out)"
  else
    echo "PASS terminal.ctrl_c_ends_every_qemu"
  fi
  # Leave nothing behind whatever happened: the QEMUs this test saw, and the run itself.
  for q in $left; do is_qemu "$q" && kill "$q" 2>/dev/null; done
  kill "$spid" 2>/dev/null
fi
exec 4>&-
wait "$spid" 2>/dev/null

# 3. Every suite has a description (./bulkhead test --list) and is known to ./bulkhead.
listed=$(./bulkhead test --list | awk '{print $1}' | sort)
files=$(for f in tests/suites/*.sh; do basename "$f" .sh; done | sort)
missing=$(./bulkhead test --list | grep -F '(tests/suites/' | awk '{print $1}' | tr '\n' ' ')
if [ "$listed" = "$files" ] && [ -z "$missing" ]; then echo "PASS terminal.every_suite_listed_with_a_description"
else echo "FAIL terminal.every_suite_listed_with_a_description: without a line in ./bulkhead's table: ${missing:-?}"; fi
if ./bulkhead test no-such-suite >"$dir/unknown.out" 2>&1; then
  echo "FAIL terminal.unknown_suite_refused: ./bulkhead test no-such-suite exited 0"
elif grep -q "no suite 'no-such-suite'; the suites are: .*ktest" "$dir/unknown.out"; then
  echo "PASS terminal.unknown_suite_refused"
else echo "FAIL terminal.unknown_suite_refused: $(head -1 "$dir/unknown.out")"; fi

# 4. Conventional help and errors, checked before any work (nothing is built: no "building").
cli() { # cli NAME EXPECTED-STATUS PATTERN ARGS...: the status and a line of the output
  local name=$1 want=$2 pat=$3 rc=0; shift 3
  ./bulkhead "$@" >"$dir/$name.out" 2>&1 </dev/null || rc=$?
  if [ "$rc" -ne "$want" ]; then echo "FAIL terminal.$name: ./bulkhead $* exited $rc, not $want"
  elif ! grep -qE -- "$pat" "$dir/$name.out"; then echo "FAIL terminal.$name: no '$pat' in: $(head -2 "$dir/$name.out" | tr '\n' ' ')"
  elif grep -q "building" "$dir/$name.out"; then echo "FAIL terminal.$name: it built before refusing"
  else echo "PASS terminal.$name"; fi
}
cli help_exits_0 0 '^usage: \./bulkhead <command>' --help
cli unknown_command_named 2 "unknown command 'frobnicate'" frobnicate
cli run_unknown_platform_named 2 "no platform 'arm'; the platforms are x86 and power9" run --platform arm
cli run_bad_timeout_before_build 2 "--timeout needs a whole number of seconds above 0, not 'abc'" run --timeout abc
cli run_unknown_argument_named 2 "unknown argument '--fast'" run --fast
cli run_missing_description_named 1 "^bulkhead: no-such\\.bh: no such file" run no-such.bh --timeout 5
cli run_description_bad_timeout 2 "--timeout needs a whole number of seconds above 0, not 'x'" run no-such.bh --timeout x
cli build_help_exits_0 0 '^usage: \./bulkhead build' build --help
cli build_description_unknown_platform 2 "no platform 'arm'; the platforms are x86 and power9" build no-such.bh --platform arm
cli build_description_unknown_argument 2 "unknown argument '--fast' beside a system description" build no-such.bh --fast

# 5. A timed run whose root server refused the system is a failed run (it exited 0 before).
rc=0
tools/run-x86.sh --archive build/x86/spec-flipped.cpio --timeout 30 >"$dir/refused-run.out" 2>&1 </dev/null || rc=$?
if [ "$rc" -eq 1 ] && grep -q "Bulkhead: the system did not come up: \[root\] error: system.spec refused" "$dir/refused-run.out"; then
  echo "PASS terminal.timed_run_of_a_refused_system_fails"
else echo "FAIL terminal.timed_run_of_a_refused_system_fails: exit $rc: $(tail -2 "$dir/refused-run.out" | tr '\n' ' ')"; fi
