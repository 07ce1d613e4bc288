/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Entering an LPAR guest and coming back (vcpu.c). p9_guest_enter saves the kernel's
 * non-volatile registers, points the vectors' stack slot (SLOT_STACK) below its own frame and
 * HSPRG0 at the guest's register block, loads the guest's registers and enters with hrfid
 * (HSRR1 is the guest MSR, HV = 0; the caller has set LPIDR, LPCR, PID and the guest SPRs).
 * A hypervisor interrupt from the guest saves the guest's registers with the ordinary vector
 * code (entry.S) and calls p9_handle_trap on that stack, which calls p9_guest_return: it
 * restores the saved registers and the stack slot and returns from p9_guest_enter.
 */
#define SPRN_HSPRG0 304
#define SPRN_HSRR0 314
#define SPRN_HSRR1 315

#include "asm_offsets.h"

/* The kernel's registers while a guest runs: LR, CR, r1, r2, r13, r14..r31, the stack slot. */
#define H_LR 0
#define H_CR 8
#define H_R1 16
#define H_R2 24
#define H_R13 32
#define H_R(n) (40 + 8 * ((n) - 14))
#define H_SLOT 184
#define H_SIZE 192

    .section .text
    .globl p9_guest_enter
p9_guest_enter:
    addis %r4, %r2, host_save@toc@ha
    addi %r4, %r4, host_save@toc@l
    mflr %r0
    std %r0, H_LR(%r4)
    mfcr %r0
    std %r0, H_CR(%r4)
    std %r1, H_R1(%r4)
    std %r2, H_R2(%r4)
    std %r13, H_R13(%r4)
    .irp n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    std %r\n, H_R(\n)(%r4)
    .endr
    ld %r0, SLOT_STACK(0)
    std %r0, H_SLOT(%r4)
    addi %r0, %r1, -512       /* the exit's handler runs below this frame */
    std %r0, SLOT_STACK(0)
    addis %r4, %r2, p9_guest_ctx@toc@ha
    std %r3, p9_guest_ctx@toc@l(%r4)
    LOAD_CONTEXT_SPRS
    ld %r4, CTX_MSR(%r3)
    mtspr SPRN_HSRR1, %r4
    LOAD_GPRS_AND_HRFID

/* Called from p9_handle_trap (r2 is the kernel's TOC there as here). */
    .globl p9_guest_return
p9_guest_return:
    addis %r4, %r2, host_save@toc@ha
    addi %r4, %r4, host_save@toc@l
    li %r0, 0
    addis %r5, %r2, p9_guest_ctx@toc@ha
    std %r0, p9_guest_ctx@toc@l(%r5)
    ld %r0, H_SLOT(%r4)
    std %r0, SLOT_STACK(0)
    ld %r0, H_LR(%r4)
    mtlr %r0
    ld %r0, H_CR(%r4)
    mtcrf 0xff, %r0
    ld %r1, H_R1(%r4)
    ld %r2, H_R2(%r4)
    ld %r13, H_R13(%r4)
    .irp n, 14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld %r\n, H_R(\n)(%r4)
    .endr
    blr

    .section .bss
    .balign 8
host_save:
    .skip H_SIZE
    .globl p9_guest_ctx
p9_guest_ctx:
    .skip 8

    .section .note.GNU-stack,"",@progbits
