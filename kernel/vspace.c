/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Address spaces, portable part: Frame and PageTable invocations.
 * Each frame or page-table capability holds at most one mapping, recorded in the capability
 * as (ASID, address). An ASID names a VSpace while both live (asid_pool.c); a mapping whose
 * VSpace is gone, or lost its ASID with its pool, is found stale through asid_lookup and needs
 * no work. Unmapping checks that the entry still refers to this frame, so a stale record can
 * never remove someone else's mapping of another frame. The platform walks and edits the
 * tables (plat_map_*).
 */
#include "kernel.h"

static unsigned frame_bits(const struct cap *c)
{
    return c->type == OBJ_LARGE_FRAME ? LARGE_PAGE_BITS : PAGE_BITS;
}

void frame_unmap_cap(struct cap *c)
{
    void *root = asid_lookup(c->aux);
    if (root) {
        plat_unmap_frame(root, c->data, ptr_to_paddr((void *)c->ptr), frame_bits(c));
        plat_tlb_flush(root);
    }
    c->data = 0;
    c->aux = 0;
}

/* A table out of its space forgets its entries: were it mapped again, entries to frames
 * freed meanwhile would come back to life. */
void page_table_clear(const struct cap *c)
{
    memset((void *)c->ptr, 0, BIT(OBJ_PAGE_TABLE_SIZE_BITS));
}

void page_table_unmap_cap(struct cap *c)
{
    void *root = asid_lookup(c->aux);
    if (root) {
        plat_unmap_table(root, c->data & ~MASK(PAGE_BITS), (unsigned)(c->data & MASK(PAGE_BITS)),
                         ptr_to_paddr((void *)c->ptr));
        plat_tlb_flush(root);
    }
    page_table_clear(c);
    c->data = 0;
    c->aux = 0;
}

static exception_t check_vspace(const struct cte *v, void **root)
{
    if (v->cap.type != OBJ_VSPACE) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not a VSpace");
    *root = space_root(&v->cap);
    if (!*root) return fail(ERR_INVALID_CAPABILITY, 1, 0, "the VSpace has no ASID (assign one from an ASID pool)");
    return ERR_OK;
}

static exception_t frame_map(struct cap *c, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_frame_map a;
    void *root;
    if (!unpack_frame_map(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "map needs 3 words and a VSpace");
    exception_t e = check_vspace(caps[0], &root);
    if (e != ERR_OK) return e;
    unsigned bits = frame_bits(c);
    if (!ALIGNED(a.vaddr, bits)) return fail(ERR_ALIGNMENT, 0, 0, "address not aligned to the frame size");
    if (a.vaddr == 0 || a.vaddr >= USER_TOP || USER_TOP - a.vaddr < BIT(bits))
        return fail(ERR_INVALID_ARGUMENT, 1, 0, "address outside user space (or page 0)");
    word_t rights = a.rights & c->rights & (RIGHT_READ | RIGHT_WRITE);
    if (!(rights & RIGHT_READ)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_READ, 0, "a mapping needs the read right");
    if (a.attributes & ~3ul) return fail(ERR_INVALID_ARGUMENT, 3, 0, "unknown attribute bits");
    bool remap = c->data != 0;
    if (remap && (c->data != a.vaddr || c->aux != caps[0]->cap.aux))
        return fail(ERR_DELETE_FIRST, 0, 0, "this capability is mapped elsewhere");
    paddr_t pa = ptr_to_paddr((void *)c->ptr);
    if (remap) plat_unmap_frame(root, a.vaddr, pa, bits);
    int r = plat_map_frame(root, a.vaddr, pa, bits, rights, a.attributes);
    if (r > 0) return fail(ERR_FAILED_LOOKUP, 0, (word_t)r, "a page table is missing");
    if (r < 0) return fail(ERR_DELETE_FIRST, 0, 0, "the address is mapped already");
    if (remap) plat_tlb_flush(root);
    c->data = a.vaddr;
    c->aux = (uint32_t)caps[0]->cap.aux;
    return ERR_OK;
}

exception_t decode_frame(struct cte *slot, word_t label, word_t *mr, word_t len, struct cte **caps, word_t ncaps, word_t *rlen)
{
    struct cap *c = &slot->cap;
    switch (label) {
    case INV_FRAME_MAP: return frame_map(c, mr, len, caps, ncaps);
    case INV_FRAME_UNMAP:
        if (c->data) frame_unmap_cap(c);
        return ERR_OK;
    case INV_FRAME_GET_ADDRESS:
        mr[0] = ptr_to_paddr((void *)c->ptr);
        *rlen = 1;
        return ERR_OK;
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not a frame operation");
    }
}

exception_t decode_page_table(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct cap *c = &slot->cap;
    struct args_page_table_map a;
    void *root;
    if (label == INV_PAGE_TABLE_UNMAP) {
        if (c->data) page_table_unmap_cap(c);
        return ERR_OK;
    }
    if (label != INV_PAGE_TABLE_MAP) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not a page-table operation");
    if (!unpack_page_table_map(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "map needs an address and a VSpace");
    exception_t e = check_vspace(caps[0], &root);
    if (e != ERR_OK) return e;
    if (a.vaddr >= USER_TOP) return fail(ERR_INVALID_ARGUMENT, 0, 0, "address outside user space");
    if (c->data) return fail(ERR_DELETE_FIRST, 0, 0, "this page table is mapped already");
    /* Entries left from an address space that died while the table was in it go now. */
    page_table_clear(c);
    int level = plat_map_table(root, a.vaddr, ptr_to_paddr((void *)c->ptr));
    if (level < 0) return fail(ERR_DELETE_FIRST, 0, 0, "every table level at this address is present");
    c->data = (a.vaddr & ~MASK(PAGE_BITS)) | (word_t)level;
    c->aux = (uint32_t)caps[0]->cap.aux;
    return ERR_OK;
}
