/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Offsets that entry.S uses: in struct user_context and struct fpu_state (plat/machine.h),
 * and the low-memory slots boot.c fills for the vector code. context.c asserts the structure
 * offsets against offsetof, so the structures and the assembly cannot drift apart.
 */
#ifndef POWER9_ASM_OFFSETS_H
#define POWER9_ASM_OFFSETS_H

/* struct user_context */
#define CTX_GPR(n) ((n) * 8)
#define CTX_PC 256
#define CTX_MSR 264
#define CTX_LR 272
#define CTX_CTR 280
#define CTX_CR 288
#define CTX_XER 296
#define CTX_VECTOR 304
#define CTX_DAR 312
#define CTX_DSISR 320

/* struct fpu_state (VSR n at FPU_VSR + 16 n) */
#define FPU_VSR 0
#define FPU_FPSCR 1024
#define FPU_VRSAVE 1032
#define FPU_VSCR 1040

/* Low-memory slots, physical addresses, at the end of the vector block copied to 0. */
#define SLOT_STACK 0x1f00
#define SLOT_TOC 0x1f08
#define SLOT_R13 0x1f10
#define SLOT_HANDLER 0x1f18

#ifdef __ASSEMBLER__
/* r3 = a context: HSPRG0 names it, LR, CTR, CR and XER from it, its PC in HSRR0 (r4 scratch).
 * The caller then sets HSRR1 (a thread's MSR is the kernel's, a guest's its own). */
.macro LOAD_CONTEXT_SPRS
    mtspr SPRN_HSPRG0, %r3
    ld %r4, CTX_LR(%r3)
    mtlr %r4
    ld %r4, CTX_CTR(%r3)
    mtctr %r4
    ld %r4, CTX_CR(%r3)
    mtcrf 0xff, %r4
    ld %r4, CTX_XER(%r3)
    mtxer %r4
    ld %r4, CTX_PC(%r3)
    mtspr SPRN_HSRR0, %r4
.endm

/* Every GPR from the context r3 names, r3 last, and leave with hrfid. */
.macro LOAD_GPRS_AND_HRFID
    ld %r0, CTX_GPR(0)(%r3)
    ld %r1, CTX_GPR(1)(%r3)
    ld %r2, CTX_GPR(2)(%r3)
    .irp n, 4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld %r\n, CTX_GPR(\n)(%r3)
    .endr
    ld %r3, CTX_GPR(3)(%r3)
    hrfid
.endm
#endif

#endif
