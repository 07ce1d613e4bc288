/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A fake machine for the host unit tests of the portable core: same names as a real
 * platform's <plat/machine.h>, with a plain register file and the identity as the kernel's
 * physical-memory window, so that host pointers are "physical addresses".
 */
#ifndef PLAT_MACHINE_H
#define PLAT_MACHINE_H

#include <stdint.h>

#define PLAT_ELF_MACHINE 62u /* the host tests load no ELF; any value */
#define PAGE_BITS 12u
#define LARGE_PAGE_BITS 21u
#define TABLE_LEVELS 2u
#define USER_TOP 0x0000800000000000ul
/* A fake syscall instruction is 4 bytes: a restarted syscall moves ip back by this much. */
#define SYSCALL_INSN_BYTES 4u
#define FLAGS_USER_MASK 0xffu

/* ip, sp, flags, cptr (badge on return), info, mr0..3, nine general registers, fs_base. */
struct user_context {
    uint64_t ip, sp, flags, cptr, info;
    uint64_t mr[4];
    uint64_t gp[9];
    uint64_t fs_base;
};

/* The fake's tables are a list: a frame's slot is its space and address. */
struct frame_slot {
    void *root;
    uint64_t vaddr;
};

struct fpu_state {
    uint8_t regs[64];
} __attribute__((aligned(16)));

static inline uint64_t ctx_syscall_cptr(const struct user_context *c) { return c->cptr; }
static inline uint64_t ctx_syscall_info(const struct user_context *c) { return c->info; }
static inline void ctx_set_badge(struct user_context *c, uint64_t v) { c->cptr = v; }
static inline void ctx_set_info(struct user_context *c, uint64_t v) { c->info = v; }

#define MSG_REGISTERS 4u
static inline uint64_t *ctx_mr(struct user_context *c, unsigned i) { return &c->mr[i < MSG_REGISTERS ? i : 0]; }

static inline void ctx_restart_syscall(struct user_context *c) { c->ip -= SYSCALL_INSN_BYTES; }
static inline uint64_t ctx_ip(const struct user_context *c) { return c->ip; }
static inline uint64_t ctx_sp(const struct user_context *c) { return c->sp; }

/* ReadRegisters / WriteRegisters order: ip, sp, flags, cptr, info, mr0..3, gp0..8, fs_base
 * (the core checks indexes 0, 1 and 18 as user addresses). */
#define REG_COUNT 19u
static inline uint64_t *ctx_reg(struct user_context *c, unsigned i)
{
    switch (i) {
    case 0: return &c->ip;
    case 1: return &c->sp;
    case 2: return &c->flags;
    case 3: return &c->cptr;
    case 4: return &c->info;
    case 18: return &c->fs_base;
    default: return i < 9 ? &c->mr[i - 5] : &c->gp[i - 9];
    }
}

static inline uint64_t ptr_to_paddr(const void *p) { return (uint64_t)(uintptr_t)p; }
static inline void *paddr_to_ptr(uint64_t pa) { return (void *)(uintptr_t)pa; }

#endif
