/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What a problem-state thread may use, set once at boot and never changed (the table of every
 * user-writable SPR and what the kernel does with it: docs/platforms.md, "POWER9
 * user-writable CPU state"; what is switched or reset per thread: context.c). Nothing is
 * left as the firmware happened to leave it:
 *   FSCR = 0: TAR, EBB, TM, scv, DSCR (SPR 3), BHRB and load monitoring trap as facility
 *     unavailable (0xF60, a user exception). Users run in hypervisor problem state
 *     (MSR[HV, PR] = 1), where FSCR applies and HFSCR does not. FSCR[SCV] = 0 matters most:
 *     with LPCR[AIL] = 0, scv would enter hypervisor real mode at 0x17000 + LEV * 0x20 (the
 *     kernel keeps that memory, boot.c, and zero decodes as an illegal instruction).
 *   UAMOR = 0: a problem-state write of AMR (SPR 13) changes nothing; AMR = IAMR = 0.
 *   SPRG3 = 0: readable at user level (SPR 259).
 *   The performance monitor frozen (MMCR0[FC]) with MMCR0[PMCC] = 00: user level may read
 *     the counters (all zero) but not write them; only "bench_counters" lets them run.
 *   The hypervisor's watchpoints (DAWR0, DAWRX0, CIABR) off.
 */
#include "power9.h"

#define SPRN_AMR 29
#define SPRN_IAMR 61
#define SPRN_UAMOR 157
#define SPRN_SPRG3 275
#define SPRN_DAWR0 180
#define SPRN_CIABR 187
#define SPRN_DAWRX0 188
#define SPRN_MMCR2 785
#define SPRN_MMCRA 786
#define SPRN_PMC1 787
#define SPRN_PMC2 788
#define SPRN_PMC3 789
#define SPRN_PMC4 790
#define SPRN_PMC5 791
#define SPRN_PMC6 792
#define MMCR0_FC (1ul << 31)

void p9_init_problem_state(bool bench_counters)
{
    mtspr(SPRN_FSCR, 0);
    mtspr(SPRN_UAMOR, 0);
    mtspr(SPRN_AMR, 0);
    mtspr(SPRN_IAMR, 0);
    mtspr(SPRN_SPRG3, 0);
    mtspr(SPRN_PPR, PPR_MEDIUM);
    mtspr(SPRN_DAWRX0, 0);
    mtspr(SPRN_DAWR0, 0);
    mtspr(SPRN_CIABR, 0);
    mtspr(SPRN_MMCR0, MMCR0_FC);
    mtspr(SPRN_MMCR2, 0);
    mtspr(SPRN_MMCRA, 0);
    mtspr(SPRN_PMC1, 0);
    mtspr(SPRN_PMC2, 0);
    mtspr(SPRN_PMC3, 0);
    mtspr(SPRN_PMC4, 0);
    mtspr(SPRN_PMC5, 0);
    mtspr(SPRN_PMC6, 0);
    __asm__ volatile("isync" ::: "memory");
    if (bench_counters) {
        /* Benchmarks only (bootargs "bench_counters"): unfreeze the performance monitor with
         * MMCR0[PMCC] = 00, so that user level can read UPMC5 (instructions completed) — a
         * shared counter, hence a timing channel: never on in a separated system. */
        mtspr(SPRN_MMCR0, 0);
        kprintf("[kernel] bench_counters: performance counters readable at user level\n");
    }
}
