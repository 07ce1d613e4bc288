/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 virtual CPUs: LPAR guests in radix mode (platforms/power9/vcpu.c, guest.S). The
 * state is the ABI's (abi/ppc64le.abi, <bulkhead/vcpu_ppc64le.h>). The guest's registers are
 * kept in a struct user_context, the shape the exception vectors save into (entry.S), so that
 * an exit saves the guest's GPRs, LR, CTR, CR, XER, DAR and DSISR with the same code as a
 * thread's trap.
 */
#ifndef PLAT_VCPU_H
#define PLAT_VCPU_H

#include <stdint.h>
#include <plat/machine.h>
#include <bulkhead/vcpu_ppc64le.h>

#define VCPU_STATE_COUNT BH_VCPU_STATE_COUNT
#define VCPU_STATE_PC BH_VCPU_STATE_PC
/* Guest-real addresses: the first 256 root entries of a partition-scoped radix tree (the
 * GuestSpace object holds 512; mmu.c keeps the last for the LPID). */
#define GUEST_PHYS_TOP (1ul << 47)

/* VMEnter's exit summary (from BH_VM_MR_SUMMARY): BH_VM_SUMMARY_REGS, then the mode word (the
 * guest MSR). Results in MR1..: BH_VM_RESULT_REGS. */
#define VCPU_EXIT_SUMMARY_WORDS (BH_VM_SUMMARY_REGS_COUNT + 1u)
#define VCPU_RESULT_WORDS BH_VM_RESULT_REGS_COUNT
_Static_assert(BH_VM_MR_MODE == BH_VM_MR_SUMMARY + BH_VM_SUMMARY_REGS_COUNT, "the mode word follows the summary registers");

struct vcpu_arch {
    struct user_context ctx; /* GPRs, NIA (pc), MSR, LR, CTR, CR, XER, DAR, DSISR */
    struct fpu_state fpu;
    uint64_t srr0, srr1, sprg[4], pid, dec_expiry, mode, process_table;
    uint64_t amr, iamr, uamor, fscr, tidr, pspb;
    uint64_t event;
};

#endif
