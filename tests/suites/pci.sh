#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The pci suite (docs/passthrough.md): the PCI manager's engine on the host under ASan and UBSan
# (tests/host/pci/test_pci.c on a fake configuration space: enumeration, every refusal, the
# command filter, stopping a function), a smoke run of its request fuzzer
# (tests/fuzz/host/fuzz_pci.c: every seed, then PCI_FUZZ_SECONDS of fuzzing), then the manager
# on the kernel in QEMU q35 with intel-iommu and edu (tests/system/pci/pci.bh). Builds nothing:
# run after the build. One line per test: "PASS pci.<test>" or "FAIL pci.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
seconds=${PCI_FUZZ_SECONDS:-20}
status=0
fail() { echo "FAIL pci.$1: $2"; status=1; }

# --- the engine on the host ---
if [ -x build/pci/test_pci ]; then
  rc=0
  out=$(build/pci/test_pci 2>build/test-logs/pci-host.stderr) || rc=$?
  printf '%s\n' "$out"
  grep -q '^FAIL ' <<<"$out" && status=1
  [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out" && fail host "exited with status $rc (see build/test-logs/pci-host.stderr)"
else
  fail host "build/pci/test_pci not built"
fi

# --- the request fuzzer: the seeds, then some fuzzing ---
dir=build/fuzz/smoke/pci
if [ -x build/fuzz/pci ]; then
  rm -rf "$dir" && mkdir -p "$dir/corpus" && cp tests/fuzz/host/corpus/pci/* "$dir/corpus/"
  if (cd "$dir" && exec ../../pci -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 corpus >log 2>&1); then
    echo "PASS pci.fuzz_requests"
  else
    fail fuzz_requests "the fuzzer stopped; the input is in $dir/ (log: $dir/log)"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$dir/log" | head -6 | sed 's/^/    /'
  fi
else
  fail fuzz_requests "build/fuzz/pci not built"
fi
exit $status
