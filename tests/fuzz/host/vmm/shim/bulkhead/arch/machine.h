/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM fuzzers' stand-in for user/arch/x86_64/include/bulkhead/arch/machine.h: the same
 * facts, but the counter is the fake kernel's (tests/fuzz/host/vmm/kernel.c), which advances only
 * when the input says time passes, so runs repeat exactly.
 */
#ifndef BULKHEAD_ARCH_MACHINE_H
#define BULKHEAD_ARCH_MACHINE_H

#define BH_ARCH_ELF_MACHINE 62u
#define BH_ARCH_TRAP_VECTOR 6u
#define BH_ARCH_HAS_IO_PORTS 1

#include <stdint.h>

uint64_t bh_arch_counter(void);

#endif
