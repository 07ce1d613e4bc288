/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Object allocation over untyped memory and process construction (see bulkhead/process.h). */
#include <bulkhead/arch/machine.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <string.h>
#include "cpio.h"
#include "elf.h"


void bh_alloc_init(struct bh_alloc *a, const struct bh_bootinfo *bi, bh_cptr_t vspace, uint64_t scratch_vaddr)
{
    memset(a, 0, sizeof *a);
    a->cnode = BH_ROOT_CNODE;
    a->cnode_depth = 64;
    a->next_slot = bi->empty_first;
    a->end_slot = bi->empty_last;
    a->vspace = vspace;
    a->scratch_vaddr = scratch_vaddr;
    a->asid_pool = BH_ROOT_ASID_POOL;
    for (uint64_t s = bi->untyped_first; s < bi->untyped_last && a->nuntyped < BH_ALLOC_MAX_UNTYPED; s++) {
        const struct bh_untyped_desc *d = &bi->untyped[s - bi->untyped_first];
        a->untyped[a->nuntyped].cptr = s;
        a->untyped[a->nuntyped].paddr = d->paddr;
        a->untyped[a->nuntyped].size_bits = d->size_bits;
        a->untyped[a->nuntyped].is_device = d->is_device;
        a->nuntyped++;
    }
}

bh_cptr_t bh_alloc_slot(struct bh_alloc *a)
{
    return a->next_slot < a->end_slot ? a->next_slot++ : 0;
}

bh_cptr_t bh_alloc_object(struct bh_alloc *a, bh_word_t type, bh_word_t size_bits)
{
    bh_word_t bits = bh_object_size_bits(type, size_bits);
    if (bits == 0) return 0;
    for (unsigned i = 0; i < a->nuntyped; i++) {
        if (a->untyped[i].is_device || a->untyped[i].size_bits < bits) continue;
        uint64_t start = (a->untyped[i].used + (1ull << bits) - 1) & ~((1ull << bits) - 1);
        if (start + (1ull << bits) > (1ull << a->untyped[i].size_bits)) continue;
        bh_cptr_t slot = bh_alloc_slot(a);
        if (!slot) return 0;
        int err = bh_untyped_retype(a->untyped[i].cptr, type, size_bits, a->cnode, 0, 0, slot, 1);
        if (err != BH_ERR_OK) {
            bh_printf("[alloc] retype of type %lu failed: error %d\n", (unsigned long)type, err);
            return 0;
        }
        a->untyped[i].used = start + (1ull << bits);
        if (type == BH_OBJ_VSPACE && a->asid_pool && (err = bh_asid_pool_assign(a->asid_pool, slot)) != BH_ERR_OK) {
            bh_printf("[alloc] no ASID for a VSpace: error %d\n", err);
            return 0;
        }
        return slot;
    }
    return 0;
}

bh_cptr_t bh_alloc_asid_pool(struct bh_alloc *a, bh_cptr_t asid_control)
{
    bh_cptr_t ut = bh_alloc_object(a, BH_OBJ_UNTYPED, BH_OBJ_ASID_POOL_SIZE_BITS), slot = bh_alloc_slot(a);
    if (!ut || !slot) return 0;
    int err = bh_asid_control_make_pool(asid_control, ut, a->cnode, slot, a->cnode_depth);
    if (err != BH_ERR_OK) {
        bh_printf("[alloc] no ASID pool: error %d\n", err);
        return 0;
    }
    return slot;
}

bh_cptr_t bh_alloc_device_frame(struct bh_alloc *a, uint64_t paddr)
{
    for (unsigned i = 0; i < a->nuntyped; i++) {
        uint64_t base = a->untyped[i].paddr, size = 1ull << a->untyped[i].size_bits;
        if (!a->untyped[i].is_device || paddr < base || paddr >= base + size) continue;
        /* Device untyped hands out frames in address order: skip up to the wanted one. */
        while (base + a->untyped[i].used <= paddr) {
            bh_cptr_t slot = bh_alloc_slot(a);
            if (!slot || bh_untyped_retype(a->untyped[i].cptr, BH_OBJ_FRAME, 0, a->cnode, 0, 0, slot, 1) != BH_ERR_OK)
                return 0;
            a->untyped[i].used += 4096;
            if (base + a->untyped[i].used > paddr) return slot;
        }
    }
    return 0;
}

int bh_map_frame(struct bh_alloc *a, bh_cptr_t frame, bh_cptr_t vspace, uint64_t vaddr, bh_word_t rights, bh_word_t attr)
{
    for (int tries = 0; tries < 4; tries++) {
        int err = bh_frame_map(frame, vspace, vaddr, rights, attr);
        if (err != BH_ERR_FAILED_LOOKUP) return err;
        bh_cptr_t pt = bh_alloc_object(a, BH_OBJ_PAGE_TABLE, 0);
        if (!pt) return BH_ERR_NOT_ENOUGH_MEMORY;
        err = bh_page_table_map(pt, vspace, vaddr);
        if (err != BH_ERR_OK) return err;
    }
    return BH_ERR_FAILED_LOOKUP;
}

/* A fresh frame holding `len` bytes of `data` at offset `off` (the rest zero). */
static bh_cptr_t filled_frame(struct bh_alloc *a, const void *data, size_t off, size_t len)
{
    bh_cptr_t f = bh_alloc_object(a, BH_OBJ_FRAME, 0);
    if (!f) return 0;
    if (len == 0) return f; /* new frames are zero */
    if (bh_map_frame(a, f, a->vspace, a->scratch_vaddr, BH_RIGHT_READ | BH_RIGHT_WRITE, 1) != BH_ERR_OK) return 0;
    memcpy((char *)(uintptr_t)a->scratch_vaddr + off, data, len);
    bh_frame_unmap(f);
    return f;
}

struct load_ctx {
    struct bh_alloc *a;
    struct bh_process *p;
    int err;
};

static int load_segment(void *vctx, const struct bh_elf_segment *seg)
{
    struct load_ctx *lc = vctx;
    uint64_t start = seg->vaddr & ~4095ull, end = (seg->vaddr + seg->memsz + 4095) & ~4095ull;
    bh_word_t rights = BH_RIGHT_READ | ((seg->flags & BH_ELF_PF_W) ? BH_RIGHT_WRITE : 0);
    bh_word_t attr = (seg->flags & BH_ELF_PF_X) ? 0 : 1;
    for (uint64_t va = start; va < end; va += 4096) {
        /* The file bytes of this page: [lo, hi) in segment-relative terms. */
        uint64_t lo = va > seg->vaddr ? va - seg->vaddr : 0;
        uint64_t hi = va + 4096 - seg->vaddr;
        if (hi > seg->filesz) hi = seg->filesz;
        size_t off = va < seg->vaddr ? (size_t)(seg->vaddr - va) : 0;
        size_t len = hi > lo ? (size_t)(hi - lo) : 0;
        bh_cptr_t f = filled_frame(lc->a, (const char *)seg->data + lo, off, len);
        if (!f) return lc->err = BH_ERR_NOT_ENOUGH_MEMORY;
        int err = bh_map_frame(lc->a, f, lc->p->vspace, va, rights, attr);
        if (err != BH_ERR_OK) return lc->err = err;
    }
    return 0;
}

static int map_fresh(struct bh_alloc *a, bh_cptr_t vspace, uint64_t va, bh_cptr_t *out)
{
    bh_cptr_t f = bh_alloc_object(a, BH_OBJ_FRAME, 0);
    if (!f) return BH_ERR_NOT_ENOUGH_MEMORY;
    if (out) *out = f;
    return bh_map_frame(a, f, vspace, va, BH_RIGHT_READ | BH_RIGHT_WRITE, 1);
}

static int build_cspace(struct bh_alloc *a, struct bh_process *p, bh_cptr_t *guarded)
{
    /* The process resolves 64-bit pointers: an 8-bit radix and a 56-bit zero guard. */
    bh_word_t guard = 64 - BH_PROC_CNODE_RADIX;
    *guarded = bh_alloc_slot(a);
    int err = bh_cnode_mint(a->cnode, *guarded, 64, a->cnode, p->cnode, 64, BH_RIGHTS_ALL, guard);
    if (err == BH_ERR_OK) err = bh_process_give(a, p, BH_PROC_SLOT_TCB, p->tcb, BH_RIGHTS_ALL, 0);
    /* Slot 2 is unguarded (as the IDL glue expects): its slots are addressed with depth = radix. */
    if (err == BH_ERR_OK) err = bh_process_give(a, p, BH_PROC_SLOT_CNODE, p->cnode, BH_RIGHTS_ALL, 0);
    if (err == BH_ERR_OK) err = bh_process_give(a, p, BH_PROC_SLOT_VSPACE, p->vspace, BH_RIGHTS_ALL, 0);
    if (err == BH_ERR_OK) err = bh_process_give(a, p, BH_PROC_SLOT_IPC_BUFFER, p->ipc_frame, BH_RIGHTS_ALL, 0);
    return err;
}

int bh_process_create(struct bh_alloc *a, struct bh_process *p, const char *name, const void *image, size_t len,
                      bh_word_t priority, bh_word_t arg)
{
    struct bh_elf elf;
    memset(p, 0, sizeof *p);
    p->name = name;
    p->arg = arg;
    int rc = bh_elf_parse(&elf, image, len, BH_ARCH_ELF_MACHINE);
    if (rc != 0) {
        bh_printf("[process] %s: not a loadable program: %s\n", name, bh_elf_strerror(rc));
        return -1;
    }
    p->cnode = bh_alloc_object(a, BH_OBJ_CNODE, BH_PROC_CNODE_RADIX);
    p->vspace = bh_alloc_object(a, BH_OBJ_VSPACE, 0);
    p->tcb = bh_alloc_object(a, BH_OBJ_TCB, 0);
    if (!p->cnode || !p->vspace || !p->tcb) return BH_ERR_NOT_ENOUGH_MEMORY;
    struct load_ctx lc = {a, p, BH_ERR_OK};
    bh_elf_load_segments(&elf, load_segment, &lc);
    if (lc.err != BH_ERR_OK) return lc.err;
    for (unsigned i = 1; i <= BH_PROC_STACK_PAGES; i++) {
        int err = map_fresh(a, p->vspace, BH_PROC_STACK_TOP - i * 4096ull, NULL);
        if (err != BH_ERR_OK) return err;
    }
    int err = map_fresh(a, p->vspace, BH_PROC_IPC_BUFFER, &p->ipc_frame);
    bh_cptr_t guarded = 0;
    if (err == BH_ERR_OK) err = build_cspace(a, p, &guarded);
    p->cspace = guarded;
    if (err == BH_ERR_OK) err = bh_tcb_configure(p->tcb, guarded, p->vspace, p->ipc_frame, BH_PROC_IPC_BUFFER);
    if (err == BH_ERR_OK) err = bh_tcb_set_priority(p->tcb, priority, BH_PROC_SLOT_TCB);
    p->entry = bh_elf_entry(&elf);
    return err;
}

int bh_process_give(struct bh_alloc *a, struct bh_process *p, bh_cptr_t slot, bh_cptr_t src, bh_word_t rights,
                    bh_word_t badge)
{
    return bh_cnode_mint(p->cnode, slot, BH_PROC_CNODE_RADIX, a->cnode, src, 64, rights, badge);
}

int bh_process_start(struct bh_process *p)
{
    /* rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi (the ReadRegisters order). */
    bh_word_t regs[9] = {p->entry, BH_PROC_STACK_TOP - 64, 0x202, 0, 0, 0, 0, p->arg, BH_PROC_IPC_BUFFER};
    return bh_tcb_write_registers(p->tcb, 1, regs, 9);
}

/* Writes the thread's index into its IPC buffer's user_data, through a scratch mapping. */
static int store_index(struct bh_alloc *a, bh_cptr_t ipc_frame, bh_word_t index)
{
    bh_cptr_t copy = bh_alloc_slot(a);
    if (!copy) return BH_ERR_NOT_ENOUGH_MEMORY;
    int err = bh_cnode_copy(a->cnode, copy, 64, a->cnode, ipc_frame, 64, BH_RIGHT_READ | BH_RIGHT_WRITE);
    if (err == BH_ERR_OK) err = bh_frame_map(copy, a->vspace, a->scratch_vaddr, BH_RIGHT_READ | BH_RIGHT_WRITE, 1);
    if (err != BH_ERR_OK) return err;
    ((bh_ipc_buffer_t *)(uintptr_t)a->scratch_vaddr)->user_data = index;
    bh_frame_unmap(copy);
    return bh_cnode_delete(a->cnode, copy, 64);
}

int bh_process_start_thread(struct bh_alloc *a, struct bh_process *p, unsigned index, bh_cptr_t tcb_slot,
                            bh_word_t priority)
{
    if (index == 0 || index >= BH_PROC_MAX_THREADS) return BH_ERR_INVALID_ARGUMENT;
    uint64_t window = BH_PROC_THREAD_WINDOW(index), ipc = window + BH_PROC_STACK_PAGES * 4096ull;
    bh_cptr_t tcb = bh_alloc_object(a, BH_OBJ_TCB, 0), ipc_frame = 0;
    if (!tcb) return BH_ERR_NOT_ENOUGH_MEMORY;
    int err = BH_ERR_OK;
    for (unsigned i = 0; i < BH_PROC_STACK_PAGES && err == BH_ERR_OK; i++)   /* the page below: a guard */
        err = map_fresh(a, p->vspace, window + i * 4096ull, NULL);
    if (err == BH_ERR_OK) err = map_fresh(a, p->vspace, ipc, &ipc_frame);
    if (err == BH_ERR_OK) err = store_index(a, ipc_frame, index);
    if (err == BH_ERR_OK) err = bh_tcb_configure(tcb, p->cspace, p->vspace, ipc_frame, ipc);
    if (err == BH_ERR_OK) err = bh_tcb_set_priority(tcb, priority, BH_PROC_SLOT_TCB);
    if (err == BH_ERR_OK) err = bh_process_give(a, p, tcb_slot, tcb, BH_RIGHTS_ALL, 0);
    bh_word_t regs[9] = {p->entry, ipc - 64, 0x202, 0, 0, 0, tcb_slot, index, ipc};
    if (err == BH_ERR_OK) err = bh_tcb_write_registers(tcb, 1, regs, 9);
    return err;
}

const void *bh_archive_find(const struct bh_bootinfo *bi, const char *name, size_t *len)
{
    struct bh_cpio_entry e;
    if (bh_cpio_find((const void *)(uintptr_t)bi->module_addr, bi->module_size, name, &e) != 0) return NULL;
    *len = e.size;
    return e.data;
}
