/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Facts about this architecture that portable user code needs. */
#ifndef BULKHEAD_ARCH_MACHINE_H
#define BULKHEAD_ARCH_MACHINE_H

#define BH_ARCH_ELF_MACHINE 62u /* EM_X86_64: what loaders accept */
#define BH_ARCH_TRAP_VECTOR 6u /* #UD: what __builtin_trap() (ud2) raises */
#define BH_ARCH_HAS_IO_PORTS 1
/* The third argument register's position in the WriteRegisters order (rdx). */
#define BH_ARCH_REG_ARG2 6u
/* The stack pointer for a function entered directly below the top of a stack: as if a call
 * had pushed a return address (rsp + 8 16-byte aligned at a function's entry). */
#define BH_ARCH_ENTRY_SP(top) ((top) - 8u)

#include <stdint.h>

/* A free-running counter for benchmarks: the TSC (instructions under QEMU -icount shift=0). */
static inline uint64_t bh_arch_counter(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
