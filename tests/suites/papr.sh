#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The PAPR suite: vmm/papr on the host under ASan and UBSan (docs/vmm.md, POWER9). The device
# tree tests (test_fdt), the hcall and RTAS tests (test_hcall), the 2-vCPU tree decompiled by
# dtc with no warning and its key lines present, and a smoke run of the fuzzer on a fresh copy
# of its seeds (every seed, then PAPR_FUZZ_SECONDS, default 30; a crash, a sanitizer report
# or an input over 5 s fails). Builds nothing: run after the build (ninja build/papr/all).
# One line per test: "PASS papr.<test>" or "FAIL papr.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/fuzz/host/smoke-flags.sh
b=build/papr
seconds=${PAPR_FUZZ_SECONDS:-30}
mkdir -p "$b"

fuzz_dir=build/fuzz/smoke/papr
fuzz_started=0
if [ -x build/fuzz/papr ]; then
  rm -rf "$fuzz_dir" && mkdir -p "$fuzz_dir/corpus"
  cp tests/fuzz/host/corpus/papr/* "$fuzz_dir/corpus/"
  (cd "$fuzz_dir" && exec ../../papr $(fuzz_smoke_flags papr "$seconds") -timeout=5 -rss_limit_mb=2048 \
     -print_final_stats=1 corpus >log 2>&1) &
  fuzz_pid=$!
  fuzz_started=1
fi

# A unit test binary: its own PASS/FAIL lines pass through; dying without a FAIL line (a
# sanitizer abort) is one failure.
unit() {
  local name=$1 bin=$2 out rc=0
  shift 2
  if [ ! -x "$bin" ]; then
    echo "FAIL papr.$name: $bin not built"
    return
  fi
  out=$("$bin" "$@" 2>"$b/$name.stderr") || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
    echo "FAIL papr.$name: exited with status $rc (see $b/$name.stderr)"
  fi
}

unit test_fdt "$b/test_fdt" "$b/pseries-2cpu.dtb"
unit test_hcall "$b/test_hcall"

# dtc reads the tree as a separate implementation would: no warning, and the lines Linux needs.
if ! command -v dtc >/dev/null; then
  echo "FAIL papr.dtc_decompiles_tree: dtc not installed (Debian package device-tree-compiler; ./bulkhead setup)"
elif [ ! -s "$b/pseries-2cpu.dtb" ]; then
  echo "FAIL papr.dtc_decompiles_tree: $b/pseries-2cpu.dtb was not written"
elif ! dtc -I dtb -O dts -o "$b/pseries-2cpu.dts" "$b/pseries-2cpu.dtb" 2>"$b/dtc.stderr"; then
  echo "FAIL papr.dtc_decompiles_tree: dtc failed: $(head -1 "$b/dtc.stderr")"
elif [ -s "$b/dtc.stderr" ]; then
  echo "FAIL papr.dtc_decompiles_tree: dtc warned: $(head -1 "$b/dtc.stderr")"
else
  missing=""
  for line in 'device_type = "chrp";' 'bootargs = "console=hvc0 rdinit=/init";' \
              'ibm,architecture-vec-5 = [19 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 40 00 40];' \
              'PowerPC,POWER9@1 {' 'compatible = "hvterm1";' 'compatible = "IBM,ppc-xicp";' \
              'ibm,processor-radix-AP-encodings = <0x0c 0xa0000010 0x20000015 0x4000001e>;' \
              'start-cpu = <0x2006>;'; do
    grep -qF -- "$line" "$b/pseries-2cpu.dts" || missing="$missing [$line]"
  done
  if [ -n "$missing" ]; then
    echo "FAIL papr.dtc_decompiles_tree: missing from the decompiled tree:$missing"
  else
    echo "PASS papr.dtc_decompiles_tree"
  fi
fi

if [ "$fuzz_started" -eq 0 ]; then
  echo "FAIL papr.fuzz: build/fuzz/papr not built"
else
  rc=0
  wait "$fuzz_pid" || rc=$?
  echo "--- fuzz papr ($fuzz_dir/log)"
  grep -E '^(stat::|#[0-9]+[[:space:]]+(INITED|DONE))' "$fuzz_dir/log" || true
  if [ "$rc" -eq 0 ]; then
    echo "PASS papr.fuzz"
  else
    echo "FAIL papr.fuzz: exited with status $rc; the input is in $fuzz_dir/"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$fuzz_dir/log" | head -6 | sed 's/^/    /'
  fi
fi
