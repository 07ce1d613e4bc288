/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Offsets in struct user_context (plat/machine.h) that traps.S uses: kernel entries push the
 * registers so that they land on these fields, and the exits pop them. context.c asserts each
 * against offsetof, so the structure and the assembly cannot drift apart.
 */
#ifndef X86_PVH_ASM_OFFSETS_H
#define X86_PVH_ASM_OFFSETS_H

/* Pushed by PUSH_GPRS, r15 last (lowest). */
#define CTX_R15 (0 * 8)
#define CTX_R14 (1 * 8)
#define CTX_R13 (2 * 8)
#define CTX_R12 (3 * 8)
#define CTX_R11 (4 * 8)
#define CTX_R10 (5 * 8)
#define CTX_R9 (6 * 8)
#define CTX_R8 (7 * 8)
#define CTX_RBP (8 * 8)
#define CTX_RDI (9 * 8)
#define CTX_RSI (10 * 8)
#define CTX_RDX (11 * 8)
#define CTX_RCX (12 * 8)
#define CTX_RBX (13 * 8)
#define CTX_RAX (14 * 8)
/* Pushed by the vector stubs (or SYSCALL_SAVE). */
#define CTX_VECTOR (15 * 8)
#define CTX_ERROR (16 * 8)
/* The CPU's interrupt frame (or SYSCALL_SAVE's copy of it). */
#define CTX_RIP (17 * 8)
#define CTX_CS (18 * 8)
#define CTX_RFLAGS (19 * 8)
#define CTX_RSP (20 * 8)
#define CTX_SS (21 * 8)
/* The end of the entry frame: where a kernel entry starts pushing (x86_entry_ctx_top). */
#define CTX_FRAME_END (22 * 8)

#endif
