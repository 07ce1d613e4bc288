/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Building a guest for a VMM (see bulkhead/guest.h). */
#include <bulkhead/arch/vcpu.h>
#include <bulkhead/guest.h>
#include <string.h>

#define LARGE_PAGE (1ull << 21)
#define RW (BH_RIGHT_READ | BH_RIGHT_WRITE)

bh_cptr_t bh_alloc_vm_object(struct bh_alloc *a, bh_word_t type)
{
    bh_cptr_t ut = bh_alloc_object(a, BH_OBJ_UNTYPED, BH_OBJ_VCPU_SIZE_BITS);
    bh_cptr_t slot = bh_alloc_slot(a);
    if (!ut || !slot || bh_untyped_retype(ut, type, 0, a->cnode, 0, 0, slot, 1) != BH_ERR_OK) return 0;
    if (type == BH_OBJ_GUEST_SPACE && a->asid_pool && bh_asid_pool_assign(a->asid_pool, slot) != BH_ERR_OK) return 0;
    return slot;
}

int bh_guest_map_frame(struct bh_alloc *a, bh_cptr_t space, bh_cptr_t frame, uint64_t gpa, bh_word_t rights)
{
    for (int tries = 0; tries < 4; tries++) {
        int err = bh_guest_space_map_frame(space, frame, gpa, rights);
        if (err != BH_ERR_FAILED_LOOKUP) return err;
        bh_cptr_t pt = bh_alloc_object(a, BH_OBJ_PAGE_TABLE, 0);
        if (!pt) return BH_ERR_NOT_ENOUGH_MEMORY;
        err = bh_guest_space_map_table(space, pt, gpa);
        if (err != BH_ERR_OK) return err;
    }
    return BH_ERR_FAILED_LOOKUP;
}

int bh_guest_ram_create(struct bh_alloc *a, bh_cptr_t space, bh_cptr_t vspace, uint64_t window, uint64_t size)
{
    if (size == 0 || size % LARGE_PAGE) return BH_ERR_INVALID_ARGUMENT;
    for (uint64_t gpa = 0; gpa < size; gpa += LARGE_PAGE) {
        bh_cptr_t f = bh_alloc_object(a, BH_OBJ_LARGE_FRAME, 0), copy = bh_alloc_slot(a);
        if (!f || !copy) return BH_ERR_NOT_ENOUGH_MEMORY;
        int err = bh_cnode_copy(a->cnode, copy, a->cnode_depth, a->cnode, f, a->cnode_depth, BH_RIGHTS_ALL);
        if (err == BH_ERR_OK) err = bh_guest_map_frame(a, space, f, gpa, RW | BH_VCPU_RIGHT_EXECUTE);
        if (err == BH_ERR_OK) err = bh_map_frame(a, copy, vspace, window + gpa, RW, 1);
        if (err != BH_ERR_OK) return err;
    }
    return BH_ERR_OK;
}

int bh_map_data(struct bh_alloc *a, bh_cptr_t vspace, uint64_t vaddr, const void *data, size_t len, bh_word_t rights)
{
    for (size_t off = 0; off < len; off += 4096) {
        size_t n = len - off < 4096 ? len - off : 4096;
        bh_cptr_t f = bh_alloc_object(a, BH_OBJ_FRAME, 0);
        if (!f) return BH_ERR_NOT_ENOUGH_MEMORY;
        int err = bh_map_frame(a, f, a->vspace, a->scratch_vaddr, RW, 1);
        if (err != BH_ERR_OK) return err;
        memcpy((void *)(uintptr_t)a->scratch_vaddr, (const char *)data + off, n);
        err = bh_frame_unmap(f);
        if (err == BH_ERR_OK) err = bh_map_frame(a, f, vspace, vaddr + off, rights, 1);
        if (err != BH_ERR_OK) return err;
    }
    return BH_ERR_OK;
}

/* In 2 MiB frames: a Linux image is tens of MiB, more than a root CNode has slots for in
 * 4 KiB frames. The scratch window lies 1 GiB above the 4 KiB one, whose page table would be
 * in the way. */
#define LARGE_SCRATCH_OFFSET (1ull << 30)
static int map_large_data(struct bh_alloc *a, bh_cptr_t vspace, uint64_t vaddr, const void *data, size_t len)
{
    const uint64_t scratch = a->scratch_vaddr + LARGE_SCRATCH_OFFSET;
    for (size_t off = 0; off < len; off += LARGE_PAGE) {
        size_t n = len - off < LARGE_PAGE ? len - off : LARGE_PAGE;
        bh_cptr_t f = bh_alloc_object(a, BH_OBJ_LARGE_FRAME, 0);
        if (!f) return BH_ERR_NOT_ENOUGH_MEMORY;
        int err = bh_map_frame(a, f, a->vspace, scratch, RW, 1);
        if (err != BH_ERR_OK) return err;
        memcpy((void *)(uintptr_t)scratch, (const char *)data + off, n);
        err = bh_frame_unmap(f);
        if (err == BH_ERR_OK) err = bh_map_frame(a, f, vspace, vaddr + off, BH_RIGHT_READ, 1);
        if (err != BH_ERR_OK) return err;
    }
    return BH_ERR_OK;
}

int bh_map_module(struct bh_alloc *a, bh_cptr_t vspace, uint64_t vaddr, const void *data, size_t len)
{
    if (len > ((size_t)1 << 20)) return map_large_data(a, vspace, vaddr, data, len);
    return bh_map_data(a, vspace, vaddr, data, len, BH_RIGHT_READ);
}
