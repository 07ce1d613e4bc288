/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The x86 (AMD SVM or Intel VT-x) part of a VCPU object. The VCPU object starts with it, so the VMCB is the
 * object's first, page-aligned 4 KiB. The guest registers that the VMCB does not hold (all
 * general registers but rax and rsp), DR0-DR3 and the guest's FPU/SSE state live next to it.
 * The state indices, exit codes and summary are the ABI's, generated from abi/x86_64.abi into
 * <bulkhead/vcpu_x86_64.h>, which user level includes too.
 */
#ifndef PLAT_VCPU_H
#define PLAT_VCPU_H

#include <stdint.h>
#include <bulkhead/vcpu_x86_64.h>

/* What the portable core needs of the state: its size and where the guest's PC is. */
#define VCPU_STATE_COUNT BH_VCPU_STATE_COUNT
#define VCPU_STATE_PC BH_VCPU_STATE_PC
/* Guest-physical addresses: 4-level nested paging. */
#define GUEST_PHYS_TOP (1ul << 48)

#define VMCB_SIZE 4096u

/* VMEnter's exit summary (from BH_VM_MR_SUMMARY): BH_VM_SUMMARY_REGS, then the mode word.
 * Results in MR1..: BH_VM_RESULT_REGS. */
#define VCPU_EXIT_SUMMARY_WORDS (BH_VM_SUMMARY_REGS_COUNT + 1u)
#define VCPU_RESULT_WORDS BH_VM_RESULT_REGS_COUNT
_Static_assert(BH_VM_MR_MODE == BH_VM_MR_SUMMARY + BH_VM_SUMMARY_REGS_COUNT, "the mode word follows the summary registers");

#define VMX_SWITCHED_MSRS 5u /* STAR LSTAR CSTAR SFMASK KernelGSBase */

struct vcpu_arch {
    uint8_t vmcb[VMCB_SIZE];   /* SVM: the VMCB; VT-x: the VMCS region */
    uint64_t gpr[15];          /* indexed like BH_VCPU_RAX..R15; SVM keeps rax in the VMCB instead */
    uint64_t controls;         /* the VMM's BH_VCPU_CTL_* choices */
    uint64_t asid_generation;  /* the ASID in the VMCB is valid while this matches (VT-x: 0 = flush EPT) */
    uint64_t tlb_epoch;        /* guest-mapping removals seen at the last VMRUN */
    uint64_t exceptions;       /* the VMM's exception intercepts (#DB, #AC and #MC are added) */
    uint64_t dr[4];            /* the guest's DR0-DR3: no VMCB or VMCS field holds them */
    /* VT-x only: what the VMCS does not hold, or holds in another form. */
    uint64_t debug_live;       /* this entry lets the guest reach the debug registers (loaded) */
    uint64_t launched;         /* VMLAUNCH done: the next entry is VMRESUME */
    uint64_t dr6;              /* the guest's DR6 (SVM keeps it in the VMCB) */
    uint64_t event_inj;        /* the pending injection, in the ABI's (SVM's EVENTINJ) form */
    uint64_t cr2;
    uint64_t msrs[VMX_SWITCHED_MSRS]; /* guest values, switched by hand with BH_VCPU_CTL_MSR_SWITCHED */
    struct fpu_state fpu;      /* the guest's x87/SSE state */
};

#endif
