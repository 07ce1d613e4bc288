/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 (ppc64le, hypervisor mode under OPAL) constants, the saved user context and the
 * register accessors for the portable core. The kernel runs in hypervisor real mode
 * (MSR[IR,DR] = 0), so its physical-memory window is the identity. User address spaces are
 * radix trees of four 512-entry levels (4 KiB pages, 2 MiB pages at level 1), as on x86.
 */
#ifndef PLAT_MACHINE_H
#define PLAT_MACHINE_H

#include <stdint.h>

#define PAGE_BITS 12u
#define LARGE_PAGE_BITS 21u
#define TABLE_LEVELS 4u
#define USER_TOP 0x0000800000000000ul
#define PLAT_ELF_MACHINE 21u /* EM_PPC64 */

/* MSR bits (bit 0 = least significant). */
#define MSR_LE (1ul << 0)
#define MSR_RI (1ul << 1)
#define MSR_DR (1ul << 4)
#define MSR_IR (1ul << 5)
#define MSR_FE1 (1ul << 8)
#define MSR_SE (1ul << 10)
#define MSR_FE0 (1ul << 11)
#define MSR_ME (1ul << 12)
#define MSR_FP (1ul << 13)
#define MSR_PR (1ul << 14)
#define MSR_EE (1ul << 15)
#define MSR_VSX (1ul << 23)
#define MSR_VEC (1ul << 25)
#define MSR_HV (1ul << 60)
#define MSR_SF (1ul << 63)
/* Every user thread runs with this MSR: 64-bit, hypervisor problem state, translation on,
 * interrupts on, little-endian, FP/VMX/VSX usable. */
#define MSR_USER (MSR_SF | MSR_HV | MSR_PR | MSR_IR | MSR_DR | MSR_EE | MSR_ME | MSR_RI | MSR_LE)
/* Added to MSR_USER while the thread's FP/VMX/VSX state is in the registers (context.c). */
#define MSR_FACILITIES (MSR_FP | MSR_VEC | MSR_VSX)

/* Saved on kernel entry (entry.S fills it; offsets are used there). */
struct user_context {
    uint64_t gpr[32];  /* 0 */
    uint64_t pc;       /* 256: SRR0/HSRR0 */
    uint64_t msr;      /* 264: SRR1/HSRR1 */
    uint64_t lr;       /* 272 */
    uint64_t ctr;      /* 280 */
    uint64_t cr;       /* 288 */
    uint64_t xer;      /* 296 */
    uint64_t vector;   /* 304: interrupt vector of the last entry */
    uint64_t dar;      /* 312 */
    uint64_t dsisr;    /* 320 */
    uint64_t pad;
};

/* Where a frame's entry goes in a page table (plat_frame_slot, plat_map_frame_at). */
struct frame_slot {
    uint64_t *entry;
};

/* VSR0..63 (FPR n is the high half of VSR n), FPSCR (all 64 bits: DRN is in the upper word),
 * VSCR: switched lazily (entry.S p9_fpu_save/p9_fpu_restore use the offsets); VRSAVE at every
 * switch (context.c). */
struct fpu_state {
    uint64_t vsr[64][2]; /* 0 */
    uint64_t fpscr;      /* 1024 */
    uint64_t vrsave;     /* 1032 */
    uint64_t vscr[2];    /* 1040: stvx/lvx, 16-byte aligned */
    uint64_t uses;       /* 1056: recent facility traps, the switch loads the state at once while > 0 */
} __attribute__((aligned(16)));

/* System-call registers (user/arch/ppc64le/include/bulkhead/arch/syscall_stubs.h):
 * r0 = number, r3 = capability pointer / badge, r4 = message info, r5..r8 = MR0..MR3. */
static inline uint64_t ctx_syscall_cptr(const struct user_context *c) { return c->gpr[3]; }
static inline uint64_t ctx_syscall_info(const struct user_context *c) { return c->gpr[4]; }
static inline void ctx_set_badge(struct user_context *c, uint64_t v) { c->gpr[3] = v; }
static inline void ctx_set_info(struct user_context *c, uint64_t v) { c->gpr[4] = v; }

#define MSG_REGISTERS 4u
static inline uint64_t *ctx_mr(struct user_context *c, unsigned i) { return &c->gpr[5 + (i & 3u)]; }

/* `sc` is four bytes; SRR0 points after it. r0 still holds the number. */
static inline void ctx_restart_syscall(struct user_context *c) { c->pc -= 4; }
static inline uint64_t ctx_ip(const struct user_context *c) { return c->pc; }
static inline uint64_t ctx_sp(const struct user_context *c) { return c->gpr[1]; }

/*
 * ReadRegisters / WriteRegisters order, 19 words, with the x86 positions' roles kept:
 * 0 pc, 1 r1 (sp), 2 cr, 3 r0, 4 r11, 5 r10, 6 r9, 7 r4 (second argument), 8 r3 (first
 * argument), 9 r31, 10 r5, 11 r6, 12 r7, 13 r8, 14 r2 (TOC), 15 lr, 16 ctr, 17 xer,
 * 18 r13 (thread pointer, the TLS base). r12 is not in the set: WriteRegisters sets it to the
 * new pc (the ELFv2 global entry point convention). Other registers keep their values.
 */
#define REG_COUNT 19u
static inline uint64_t *ctx_reg(struct user_context *c, unsigned i)
{
    uint64_t *r[REG_COUNT] = {&c->pc, &c->gpr[1], &c->cr, &c->gpr[0], &c->gpr[11], &c->gpr[10], &c->gpr[9],
                              &c->gpr[4], &c->gpr[3], &c->gpr[31], &c->gpr[5], &c->gpr[6], &c->gpr[7],
                              &c->gpr[8], &c->gpr[2], &c->lr, &c->ctr, &c->xer, &c->gpr[13]};
    return r[i];
}

/* Hypervisor real mode: kernel pointers are physical addresses. */
static inline uint64_t ptr_to_paddr(const void *p) { return (uint64_t)(uintptr_t)p; }
static inline void *paddr_to_ptr(uint64_t pa) { return (void *)(uintptr_t)pa; }

#endif
