#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The pci suite (docs/passthrough.md): the PCI manager's engine on the host under ASan and UBSan
# (tests/host/pci/test_pci.c on a fake configuration space: enumeration, every refusal, the
# command filter, stopping a function), a smoke run of its request fuzzer
# (tests/fuzz/host/fuzz_pci.c: every seed, then PCI_FUZZ_SECONDS of fuzzing), then the manager
# on the kernel in QEMU q35 with intel-iommu and edu (tests/system/pci/pci.bh: its clients print
# their own PASS/FAIL lines), and the root's refusals without an IOMMU or without the device.
# Builds nothing: run after the build. One line per test: "PASS pci.<test>" or "FAIL pci.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/fuzz/host/smoke-flags.sh
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

# --- the VMM's side on the host: the guest's configuration space (vmm/pci_config.c) ---
if [ -x build/pci/test_pci_config ]; then
  rc=0
  out=$(build/pci/test_pci_config 2>build/test-logs/pci-vpci.stderr) || rc=$?
  printf '%s\n' "$out"
  grep -q '^FAIL ' <<<"$out" && status=1
  [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out" && fail vpci "exited with status $rc (see build/test-logs/pci-vpci.stderr)"
else
  fail vpci "build/pci/test_pci_config not built"
fi

# --- the fuzzers (the manager's requests, the guest's port accesses): the seeds, then fuzzing ---
fuzz() { # fuzz TARGET TEST
  local t=$1 name=$2 dir=build/fuzz/smoke/$1
  if [ ! -x "build/fuzz/$t" ]; then fail "$name" "build/fuzz/$t not built"; return; fi
  rm -rf "$dir" && mkdir -p "$dir/corpus" && cp tests/fuzz/host/corpus/"$t"/* "$dir/corpus/"
  if (cd "$dir" && exec "../../$t" $(fuzz_smoke_flags "$t" "$seconds") -timeout=5 -rss_limit_mb=2048 corpus >log 2>&1); then
    echo "PASS pci.$name"
  else
    fail "$name" "the fuzzer stopped; the input is in $dir/ (log: $dir/log)"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$dir/log" | head -6 | sed 's/^/    /'
  fi
}
fuzz pci fuzz_requests
fuzz vpci fuzz_guest_config_ports

# --- the manager on the kernel: q35 with intel-iommu and edu at 00:05.0 ---
. tests/system/boot.sh
both_done() { [ "$(grep -c 'pci tests done' "$1")" -ge 2 ]; }
log=build/test-logs/pci.serial
boot build/x86/pci.cpio "$log" both_done 120 -device intel-iommu -device edu,addr=05.0 -device edu,addr=06.0
grep -E '^\[(pci|tester|neighbour|crasher)\]|^\[root\] (PCI|supervisor)' "$log"
grep -E '^(PASS|FAIL) pci\.' "$log"
grep -q '^FAIL pci\.' "$log" && status=1
for inst in tester neighbour; do
  has "$log" "[$inst] pci tests done" || fail "${inst}_finished" "no '[$inst] pci tests done' (log: $log)"
done
if has "$log" "[root] PCI 00:05.0: DMA through IOSpace tester.edu"; then echo "PASS pci.function_bound_at_boot"
else fail function_bound_at_boot "the root did not bind 00:05.0 to the tester's IOSpace (log: $log)"; fi
if has "$log" "[pci] 00:05.0 1234:11e8 msi (given to a client, stopped)"; then echo "PASS pci.manager_enumerates"
else fail manager_enumerates "the manager did not list edu as given and stopped (log: $log)"; fi
if grep -qE '^\[root\] supervisor: (manager|tester|neighbour)\.' "$log" || has "$log" "PANIC" || [ "$alive" != 1 ]; then
  fail only_the_crasher_faulted "the manager or a client faulted, the kernel panicked or QEMU ended (log: $log)"
else echo "PASS pci.only_the_crasher_faulted"; fi
# The crasher turned bus mastering on and faulted: the root unbinds its function (DMA blocked).
if has "$log" "[crasher] 00:06.0 memory and bus master on (answer 0)" &&
   has "$log" "[root] supervisor: PCI 00:06.0 of crasher unbound (error 0): its DMA is blocked from now on"; then
  echo "PASS pci.faulted_holder_unbound"
else fail faulted_holder_unbound "no bus master for the crasher, or the root did not unbind 00:06.0 after its fault (log: $log)"; fi

# --- what cannot work is refused by the root at boot, with a sentence; the kernel stays up ---
refused() { # refused NAME MESSAGE [QEMU ARGS]
  local name=$1 message=$2 rlog=build/test-logs/pci-$1.serial
  shift 2
  boot build/x86/pci.cpio "$rlog" "[root] stopped at step 1" 30 "$@"
  if has "$rlog" "[root] error: system.spec refused: $message" && ! has "$rlog" "[root] started" &&
     ! has "$rlog" PANIC && [ "$alive" = 1 ]; then echo "PASS pci.$name"
  else fail "$name" "no '[root] error: system.spec refused: $message' before anything started, or the kernel went down (log: $rlog)"; fi
}
refused refused_without_iommu "object 22 (tester.edu) passes PCI 00:05.0 through, but this machine has no IOMMU the kernel drives" \
  -device edu,addr=05.0 -device edu,addr=06.0
refused refused_without_device "object 22 (tester.edu) passes PCI 00:05.0 through, but no device answers there" \
  -device intel-iommu
exit $status
