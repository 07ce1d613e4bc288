#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The lib/ suite: the cpio and ELF host unit tests (ASan+UBSan), a check that
# the freestanding objects call nothing, and a short smoke run of each fuzzer
# on a copy of its seed corpus. Builds nothing: run after the build.
# One line per test: "PASS lib.<test>" or "FAIL lib.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/fuzz/host/smoke-flags.sh
b=build
fuzz_seconds=${LIB_FUZZ_SECONDS:-15}

# Runs a unit test binary; its own PASS/FAIL lines pass through. If it dies
# without saying FAIL (a sanitizer abort, a leak), that is one failure.
unit() {
  local name=$1 bin=$2 out rc=0
  shift 2
  if [ ! -x "$bin" ]; then
    echo "FAIL lib.$name: $bin not built"
    return
  fi
  out=$("$bin" "$@" 2>"$b/lib/$name.stderr") || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
    echo "FAIL lib.$name: exited with status $rc (see $b/lib/$name.stderr)"
  fi
  cat "$b/lib/$name.stderr"
}

# Every freestanding object must have no undefined symbol but the
# linker-made GOT/TOC bases (the build checks it too; this reports it).
freestanding() {
  local o bad="" n=0
  for o in "$b"/lib/fs/*/*.o; do
    [ -e "$o" ] || continue
    n=$((n + 1))
    if nm -u "$o" | grep -v -e _GLOBAL_OFFSET_TABLE_ -e '\.TOC\.' | grep -q .; then
      bad="$bad $o"
    fi
  done
  if [ "$n" -lt 8 ]; then
    echo "FAIL lib.freestanding: only $n of 8 objects under $b/lib/fs"
  elif [ -n "$bad" ]; then
    echo "FAIL lib.freestanding: undefined symbols in$bad"
  else
    echo "PASS lib.freestanding"
  fi
}

# Starts a fuzzer on a fresh copy of its seeds; fuzz_done reports it.
fuzz_start() {
  local t=$1 dir=$b/fuzz/smoke/$1
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  cp tests/fuzz/host/corpus/"$t"/* "$dir/corpus/"
  (cd "$dir" && exec "../../$t" $(fuzz_smoke_flags "$t" "$fuzz_seconds") -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 corpus >log 2>&1) &
  eval "fuzz_pid_$t=$!"
}

fuzz_done() {
  local t=$1 pid rc=0
  eval "pid=\$fuzz_pid_$t"
  wait "$pid" || rc=$?
  echo "--- fuzz $t ($b/fuzz/smoke/$t/log)"
  grep -E '^(stat::|#[0-9]+ +DONE)' "$b/fuzz/smoke/$t/log" || true
  if [ "$rc" -eq 0 ]; then
    echo "PASS lib.fuzz_$t"
  else
    echo "FAIL lib.fuzz_$t: exited with status $rc; crash input in $b/fuzz/smoke/$t/"
    grep -E 'ERROR|SUMMARY|Test unit written' "$b/fuzz/smoke/$t/log" | head -5 | sed 's/^/    /'
  fi
}

missing_fuzz=""
for t in cpio elf; do
  if [ -x "$b/fuzz/$t" ]; then fuzz_start "$t"; else missing_fuzz="$missing_fuzz $t"; fi
done

unit test_cpio "$b/lib/test_cpio" "$b/lib/cpio-work"
unit test_elf "$b/lib/test_elf" "$b/lib/static_x86" "$b/lib/static_x86_pie" tests/fuzz/host/corpus/elf/*
freestanding

for t in cpio elf; do
  case " $missing_fuzz " in
    *" $t "*) echo "FAIL lib.fuzz_$t: $b/fuzz/$t not built" ;;
    *) fuzz_done "$t" ;;
  esac
done
