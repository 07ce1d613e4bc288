/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Facts about this architecture that portable user code needs. */
#ifndef BULKHEAD_ARCH_MACHINE_H
#define BULKHEAD_ARCH_MACHINE_H

#define BH_ARCH_ELF_MACHINE 21u /* EM_PPC64: what loaders accept */
#define BH_ARCH_TRAP_VECTOR 0x700u /* program check: what __builtin_trap() (trap) raises */
#define BH_ARCH_HAS_IO_PORTS 1  /* the LPC bus's I/O space, through OPAL */
/* The third argument register's position in the WriteRegisters order (r5; position 6, rdx's
 * on x86, is r9 here: platforms/power9/include/plat/machine.h). */
#define BH_ARCH_REG_ARG2 10u
/* The stack pointer for a function entered directly below the top of a stack: ELFv2 wants r1
 * 16-byte aligned with the caller's 32-byte header above it (back chain, CR, LR and TOC save
 * words, which the callee may write). */
#define BH_ARCH_ENTRY_SP(top) ((top) - 32u)

#include <stdint.h>

/* A free-running counter for benchmarks, the SPR BH_ARCH_COUNTER_SPR: by default the
 * timebase (268; 512 MHz on QEMU powernv9); the build may choose UPMC5 (775: instructions
 * completed, readable when the kernel was booted with "bench_counters"; 32 bits, QEMU's TCG
 * counts every instruction in all privilege states). */
#ifndef BH_ARCH_COUNTER_SPR
#define BH_ARCH_COUNTER_SPR 268
#endif
static inline uint64_t bh_arch_counter(void)
{
    uint64_t v;
    __asm__ volatile("mfspr %0, %1" : "=r"(v) : "i"(BH_ARCH_COUNTER_SPR));
    return BH_ARCH_COUNTER_SPR == 268 ? v : v & 0xffffffffu;
}

#endif
