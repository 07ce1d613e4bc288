#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The xenstore suite (docs/xenstore.md): the engine's host unit tests under ASan and UBSan,
# then its fuzzer on a fresh copy of the seed corpus for XENSTORE_FUZZ_SECONDS (30), every
# seed first; a crash, a sanitizer report, a broken store invariant or an input running
# longer than 5 s fails it. Then the server on the kernel in QEMU (below). Builds nothing: run
# after the build (build/x86/xenstore.cpio, build/linux).
# One line per test: "PASS xenstore.<test>" or "FAIL xenstore.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/fuzz/host/smoke-flags.sh
b=build
seconds=${XENSTORE_FUZZ_SECONDS:-30}

if [ -x "$b/xenstore/test_xenstore" ]; then
  rc=0
  out=$("$b/xenstore/test_xenstore" 2>"$b/xenstore/test.stderr") || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
    echo "FAIL xenstore.unit: exited with status $rc (see $b/xenstore/test.stderr)"
  fi
else
  echo "FAIL xenstore.unit: $b/xenstore/test_xenstore not built"
fi

if [ -x "$b/fuzz/xenstore" ]; then
  dir=$b/fuzz/smoke/xenstore
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  cp tests/fuzz/host/corpus/xenstore/* "$dir/corpus/"
  rc=0
  (cd "$dir" && exec ../../xenstore $(fuzz_smoke_flags xenstore "$seconds") -timeout=5 -rss_limit_mb=2048 \
     -print_final_stats=1 corpus >log 2>&1) || rc=$?
  echo "--- fuzz xenstore ($dir/log)"
  grep -E '^(stat::|#[0-9]+[[:space:]]+(INITED|DONE))' "$dir/log" || true
  if [ "$rc" -eq 0 ]; then
    echo "PASS xenstore.fuzz"
  else
    echo "FAIL xenstore.fuzz: exited with status $rc; the input is in $dir/"
    grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit written' "$dir/log" | head -6 | sed 's/^/    /'
  fi
else
  echo "FAIL xenstore.fuzz: $b/fuzz/xenstore not built"
fi

# --- the server on the kernel (tests/system/xenstore/xenstore.bh): Debian's Linux, a client
# test guest and a hostile one, each on its own xenstore channel; Linux's shell reaches the
# store through /dev/xen/xenbus with raw xs_wire messages typed on COM1.
. tests/system/boot.sh
pass() { echo "PASS xenstore.$1"; }
fail() { echo "FAIL xenstore.$1: $2"; }
log=build/test-logs/xenstore-system.serial
mkdir -p build/test-logs
if [ ! -s build/x86/xenstore.cpio ]; then
  fail system "build/x86/xenstore.cpio not built"
elif ! tools/with-linux.sh build/x86/xenstore.cpio build/x86/xenstore-linux.cpio 2>/dev/null; then
  echo "SKIP xenstore.system_*: no build/linux/vmlinux (./bulkhead setup fetches it)"
else
  # xs_request TYPE PATH: a raw request (req_id 7, no transaction) through /dev/xen/xenbus; the
  # shell prints the reply's payload after "XS-<label>=". Octal escapes: busybox printf.
  xs_request() {
    local type=$1 path=$2 label=$3 len
    len=$(( ${#path} + 1 ))
    type_line "printf '\\$(printf %03o "$type")\\000\\000\\000\\007\\000\\000\\000\\000\\000\\000\\000\\$(printf %03o "$len")\\000\\000\\000$path\\000' >/tmp/q; exec 3<>/dev/xen/xenbus; cat /tmp/q >&3; echo XS-$label=\$(dd bs=256 count=1 <&3 2>/dev/null | tail -c +17 | tr '\\000' ,); exec 3<&-"
  }
  alive_after_close() {
    local closed
    closed=$(line_of "$1" "mallory (domain 3): connection closed")
    [ -n "$closed" ] && tail -n +"$closed" "$1" | grep -q '^\[alpha uart\] xenstore: alive [0-9]'
  }
  answered() { grep -q '^\[linux hvc\] XS-FEATURE=' "$1"; }
  boot_start build/x86/xenstore-linux.cpio "$log" -m 1G
  wait_for "BULKHEAD-LINUX-SHELL" 150
  sleep 1
  xs_request 2 name NAME
  xs_request 2 control/feature-poweroff FEATURE
  wait_for answered 30
  xs_request 1 cpu DIR
  xs_request 2 /local/domain/2/name OTHER
  wait_for '[linux hvc] XS-OTHER=' 30
  wait_for alive_after_close 60
  type_line exit
  wait_for "[root] supervisor: guest linux " 30
  boot_stop
  if has "$log" "PANIC"; then fail system_no_kernel_panic "the kernel panicked (log: $log)"; else pass system_no_kernel_panic; fi
  ok=1
  # The hostile guest has no console channel: its VMM prints through the debug kernel's calls,
  # straight to COM1, so its lines can land inside another's. The checks look for text only
  # one line holds, without its label where such a line may be cut.
  for m in "domain 1, /local/domain/1 written, connected" "domain 2, /local/domain/2 written, connected" \
           "domain 3, /local/domain/3 written, connected" "xenstore server ready" \
           "[root] guest linux: domain 1, its store page (xenstore channel) at gpa 0xfeffc000"; do
    has "$log" "$m" || { ok=0; fail system_server_starts "missing '$m' (log: $log)"; }
  done
  [ $ok = 1 ] && pass system_server_starts
  ok=1
  for m in "read name = alpha" "read domid = 2" "write data/greeting and read it back: ok" \
           "mkdir data/dir, directory = a b: ok" "watch data/watched: first event and the write's event: ok" \
           "other domains' names refused (EACCES): 4" "store page at pfn 0xfeffc, port "; do
    has "$log" "xenstore: $m" || { ok=0; fail system_client_ops "missing '[alpha uart] xenstore: $m' (log: $log)"; }
  done
  [ $ok = 1 ] && pass system_client_ops
  raised=$(grep -o "replies whose port was raised: [0-9]*" "$log" | grep -o '[0-9]*$')
  if [ "${raised:-0}" -ge 10 ]; then pass system_port_raised_by_server
  else fail system_port_raised_by_server "the client saw its store port raised ${raised:-0} times, want at least 10 (log: $log)"; fi
  if has "$log" "mallory (domain 3): connection closed: malformed message (error 3)" &&
     has "$log" "xenstore: hostile: read name = mallory" &&
     has "$log" "xenstore: hostile: connection closed, page error 3" &&
     has "$log" "xenstore: hostile: after the close: no answer" && alive_after_close "$log"; then
    pass system_malformed_message_ends_only_its_connection
  else fail system_malformed_message_ends_only_its_connection "the hostile guest's closing, its no-answer or the client's reads after it are missing (log: $log)"; fi
  if has "$log" "[linux hvc] XS-NAME=linux" && has "$log" "[linux hvc] XS-FEATURE=1" &&
     has "$log" "[linux hvc] XS-DIR=0," && has "$log" "[linux hvc] XS-OTHER=EACCES,"; then
    pass system_linux_through_dev_xen_xenbus
  else fail system_linux_through_dev_xen_xenbus "no XS-NAME=linux, XS-FEATURE=1 (written by Linux's shutdown watcher), XS-DIR=0, or XS-OTHER=EACCES from the shell (log: $log)"; fi
  # Linux's own view: xenbus found the store (no probe timeout, no failed read of the tree).
  bad='^\[linux (hvc|xen)\] .*(xenbus.*(timeout|timed out|fail|error)|Unable to read cpu state|xenstore.*(fail|error))'
  if grep -qiE "$bad" "$log"; then fail system_linux_xenbus_clean "$(grep -m1 -iE "$bad" "$log")"
  else pass system_linux_xenbus_clean; fi
fi
