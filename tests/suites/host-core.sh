#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The host-core suite: unit tests of the portable kernel core (kernel/*.c) on a fake
# platform, under AddressSanitizer and UBSan (tests/host/core/, tests/host/fake_platform/).
# Builds nothing: run after `ninja build/host/core_tests`. Each test prints its own line,
# "PASS core.<test>" or "FAIL core.<test>: <why>"; sanitizer reports go to stderr.
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=build/host/core_tests

if [ ! -x "$bin" ]; then
  echo "FAIL core.build: $bin not built (run: ninja $bin)"
  exit 1
fi
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$bin" "$@"
status=$?
# The VT-x translations (platforms/x86_pvh/vmx_codec.c), built by build.ninja (mk/genninja.sh, gen_host_core).
vmx=build/host/vmx_codec_tests
if [ -x "$vmx" ]; then
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1} "$vmx" || status=1
else
  echo "FAIL vmx.build: $vmx not built (run: ninja $vmx)"; status=1
fi
# The VT-d interrupt-remapping encodings (platforms/x86_pvh/irte.c), built the same way.
irte=build/host/irte_tests
if [ -x "$irte" ]; then
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1} "$irte" || status=1
else
  echo "FAIL irte.build: $irte not built (run: ninja $irte)"; status=1
fi
exit $status
