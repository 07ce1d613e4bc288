# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Sourced by the suites that run libFuzzer smoke runs (lib, idl, vmm-fuzz, papr, xenstore, pci).
# fuzz_smoke_flags TARGET SECONDS: the flags of one smoke run. A fixed seed and a cap on the
# runs make it the same run on every machine, CI's included: where the cap is reached, exactly
# the inputs tried here; on a slower machine the time limit stops it earlier, at a prefix of
# them. Finding new inputs is the long campaigns' work (`./bulkhead fuzz TARGET [seconds]`).
# BULKHEAD_FUZZ_SEED and BULKHEAD_FUZZ_RUNS override both (e.g. a random seed by hand).
fuzz_smoke_flags() {
  local runs
  case $1 in
    idl) runs=6000 ;;
    vmm_hypercall) runs=4000 ;;
    vmm_image|xenstore) runs=15000 ;;
    spec|cpio|grant_check|pci|vpci) runs=60000 ;;
    elf) runs=80000 ;;
    papr) runs=150000 ;;
    *) runs=20000 ;;
  esac
  echo "-seed=${BULKHEAD_FUZZ_SEED:-1} -runs=${BULKHEAD_FUZZ_RUNS:-$runs} -max_total_time=$2"
}
