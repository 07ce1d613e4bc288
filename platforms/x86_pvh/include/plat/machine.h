/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* x86_64 constants, saved user context and register accessors for the portable core. */
#ifndef PLAT_MACHINE_H
#define PLAT_MACHINE_H

#include <stdint.h>

#define PLAT_ELF_MACHINE 62u /* EM_X86_64 */
#define PAGE_BITS 12u
#define LARGE_PAGE_BITS 21u
#define TABLE_LEVELS 4u
/* The user half ends one page below the canonical hole: a `syscall` in the last two bytes
 * of a mapped page at 0x7ffffffff000 would leave a non-canonical return address in RCX,
 * and Intel's sysretq faults on that in ring 0 with the user's stack (CVE-2012-0217). */
#define USER_TOP 0x00007ffffffff000ul
/* All physical memory (and the low 4 GiB of device space) is mapped here. */
#define PHYS_WINDOW 0xffff800000000000ul
#define KERNEL_VIRT 0xffffffff80000000ul

#define USER_CS 0x23u
#define USER_SS 0x1bu
#define RFLAGS_TF 0x100u
#define RFLAGS_IF 0x200u
#define RFLAGS_DF 0x400u
#define RFLAGS_IOPL 0x3000u
#define RFLAGS_NT 0x4000u
#define RFLAGS_AC 0x40000u
#define RFLAGS_USER_MASK 0xcd5u /* CF PF AF ZF SF DF OF: what user level may set */
/* ctx.vector value marking a context saved by the syscall instruction (sysret may return). */
#define VECTOR_SYSCALL 0x100u

/* Saved on kernel entry, in this order from the lowest address (traps.S pushes it). */
struct user_context {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t fs_base;
    /* Data segment selectors ds, es, fs, gs, switched with the thread (context.c). Not part
     * of the entry frame, so the CPU's and traps.S's pushes never reach it. */
    uint16_t data_selectors[4];
};

/* Where a frame's entry goes in a page table (plat_frame_slot, plat_map_frame_at). */
struct frame_slot {
    uint64_t *entry;
};

struct fpu_state {
    uint8_t fxsave[512];
} __attribute__((aligned(16)));

/* System-call registers (see user/arch/x86_64/.../syscall_stubs.h). */
static inline uint64_t ctx_syscall_cptr(const struct user_context *c) { return c->rdi; }
static inline uint64_t ctx_syscall_info(const struct user_context *c) { return c->rsi; }
static inline void ctx_set_badge(struct user_context *c, uint64_t v) { c->rdi = v; }
static inline void ctx_set_info(struct user_context *c, uint64_t v) { c->rsi = v; }

#define MSG_REGISTERS 4u
static inline uint64_t *ctx_mr(struct user_context *c, unsigned i)
{
    switch (i) {
    case 0: return &c->r10;
    case 1: return &c->r8;
    case 2: return &c->r9;
    default: return &c->r15;
    }
}

/* `syscall` is two bytes: moving rip back re-executes it after a preemption. */
static inline void ctx_restart_syscall(struct user_context *c) { c->rip -= 2; }
static inline uint64_t ctx_ip(const struct user_context *c) { return c->rip; }
static inline uint64_t ctx_sp(const struct user_context *c) { return c->rsp; }

/* ReadRegisters / WriteRegisters order. */
#define REG_COUNT 19u
static inline uint64_t *ctx_reg(struct user_context *c, unsigned i)
{
    uint64_t *r[REG_COUNT] = {&c->rip, &c->rsp, &c->rflags, &c->rax, &c->rbx, &c->rcx, &c->rdx,
                              &c->rsi, &c->rdi, &c->rbp, &c->r8, &c->r9, &c->r10, &c->r11,
                              &c->r12, &c->r13, &c->r14, &c->r15, &c->fs_base};
    return r[i];
}

static inline uint64_t ptr_to_paddr(const void *p) { return (uint64_t)(uintptr_t)p - PHYS_WINDOW; }
/* Kernel-image addresses (statics) are not in the physical window: the image is mapped at KERNEL_VIRT. */
static inline uint64_t image_paddr(const void *p) { return (uint64_t)(uintptr_t)p - KERNEL_VIRT; }
static inline void *paddr_to_ptr(uint64_t pa) { return (void *)(uintptr_t)(pa + PHYS_WINDOW); }

#endif
