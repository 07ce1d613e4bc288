/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Threads in the caller's address space. Each gets a stack, an IPC buffer and a TLS area in
 * a window of the caller's space (above BH_THREAD_AREA), one area per thread.
 */
#include <bulkhead/arch/machine.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <string.h>

#define BH_THREAD_AREA 0x0000500000000000ull
#define AREA_PAGES 16u  /* 12 stack pages + IPC buffer + 3 for TLS (and a guard below) */
#define AREA_BYTES ((AREA_PAGES + 1) * 4096ull)

static uint64_t next_area = BH_THREAD_AREA;

/* Entry of every thread: its registers carry fn (rdi) and arg (rsi). */
static _Noreturn void thread_trampoline(bh_thread_fn fn, bh_word_t arg)
{
    fn(arg);
    bh_exit(0);
}

int bh_thread_create(struct bh_alloc *a, struct bh_thread *t, bh_thread_fn fn, bh_word_t arg, bh_word_t priority)
{
    uint64_t base = next_area + 4096; /* leave a guard page */
    next_area += AREA_BYTES;
    memset(t, 0, sizeof *t);
    for (unsigned i = 0; i < AREA_PAGES; i++) {
        bh_cptr_t f = bh_alloc_object(a, BH_OBJ_FRAME, 0);
        if (!f) return BH_ERR_NOT_ENOUGH_MEMORY;
        int err = bh_map_frame(a, f, a->vspace, base + i * 4096ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1);
        if (err != BH_ERR_OK) return err;
        if (i == 12) t->ipc_frame = f;
    }
    t->stack_top = base + 12 * 4096ull;
    t->ipc_addr = base + 12 * 4096ull;
    void *tls = (void *)(uintptr_t)(base + 13 * 4096ull);
    if (bh_tls_area_size() > 3 * 4096) return BH_ERR_NOT_ENOUGH_MEMORY;
    t->tcb = bh_alloc_object(a, BH_OBJ_TCB, 0);
    if (!t->tcb) return BH_ERR_NOT_ENOUGH_MEMORY;
    bh_word_t tp = bh_tls_prepare(tls, (bh_ipc_buffer_t *)(uintptr_t)t->ipc_addr, t->tcb);
    int err = bh_tcb_configure(t->tcb, BH_ROOT_CNODE, a->vspace, t->ipc_frame, t->ipc_addr);
    if (err == BH_ERR_OK) err = bh_tcb_set_priority(t->tcb, priority, BH_SLOT_SELF_TCB);
    if (err == BH_ERR_OK) err = bh_tcb_set_tls_base(t->tcb, tp);
    /* rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi (ppc64le: pc, r1, cr, r0, r11, r10, r9, r4, r3) */
    bh_word_t regs[9] = {(bh_word_t)(uintptr_t)thread_trampoline, BH_ARCH_ENTRY_SP(t->stack_top), 0x202, 0, 0, 0, 0,
                         arg, (bh_word_t)(uintptr_t)fn};
    if (err == BH_ERR_OK) err = bh_tcb_write_registers(t->tcb, 0, regs, 9);
    return err;
}

int bh_thread_start(struct bh_thread *t)
{
    return bh_tcb_resume(t->tcb);
}
