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

#endif
