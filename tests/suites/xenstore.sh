#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The xenstore suite (docs/xenstore.md): the engine's host unit tests under ASan and UBSan,
# then its fuzzer on a fresh copy of the seed corpus for XENSTORE_FUZZ_SECONDS (30), every
# seed first; a crash, a sanitizer report, a broken store invariant or an input running
# longer than 5 s fails it. Builds nothing: run after the build.
# One line per test: "PASS xenstore.<test>" or "FAIL xenstore.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
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
  (cd "$dir" && exec ../../xenstore -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
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
