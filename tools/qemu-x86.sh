#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# qemu-x86.sh ARCHIVE [machine] [extra qemu args...]: boots build/x86/kernel.elf with the
# boot archive, serial on stdout (multiplexed: Ctrl-A X quits), isa-debug-exit for the
# verdict (exit status 33 = pass). KERNEL=... boots another kernel (the release build);
# KERNEL_CMDLINE=... passes a kernel command line (e.g. meltdown_window=on, docs/security.md).
set -euo pipefail
. "$(dirname "$0")/x86-cpu.sh"
archive=$1; shift
machine=${1:-q35}; [ $# -gt 0 ] && shift
exec qemu-system-x86_64 -machine "$machine" -cpu "$X86_CPU" -m 256M -nodefaults -nographic -monitor none \
  -serial mon:stdio -no-reboot -kernel "${KERNEL:-build/x86/kernel.elf}" -initrd "$archive" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 ${KERNEL_CMDLINE:+-append "$KERNEL_CMDLINE"} "$@"
