/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Address spaces, portable part: Frame and PageTable invocations (and a large frame's pages
 * as capabilities of their own: DerivePage).
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
    if (io_mapped(c)) {
        io_space_unmap_frame(c);
        return;
    }
    void *root = asid_lookup(mapping_asid(c));
    if (root && !((word_t)root & ASID_IO_TAG)) { /* an IOSpace's tables have another format */
        plat_unmap_frame(root, c->data, ptr_to_paddr((void *)c->ptr), frame_bits(c));
        plat_tlb_flush(root);
    }
    mapping_record(c, 0, 0);
}

/* A table out of its space forgets its entries: were it mapped again, entries to frames
 * freed meanwhile would come back to life. */
void page_table_clear(const struct cap *c)
{
    memset((void *)c->ptr, 0, BIT(OBJ_PAGE_TABLE_SIZE_BITS));
}

void page_table_unmap_cap(struct cap *c)
{
    if (io_mapped(c)) {
        io_space_unmap_table(c);
        return;
    }
    void *root = asid_lookup(mapping_asid(c));
    if (root && !((word_t)root & ASID_IO_TAG)) { /* an IOSpace's tables have another format */
        plat_unmap_table(root, c->data & ~MASK(PAGE_BITS), (unsigned)(c->data & MASK(PAGE_BITS)),
                         ptr_to_paddr((void *)c->ptr));
        plat_tlb_flush(root);
    }
    page_table_clear(c);
    mapping_record(c, 0, 0);
}

/*
 * The mapping helpers of VSpaces and GuestSpaces. The checks change nothing (the platform's
 * probes say what a map would do), so a failed Map leaves every table as it was; the map
 * steps then cannot fail.
 */
exception_t frame_map_check(const struct cap *f, void *root, word_t addr, bool remap, struct frame_slot *slot)
{
    paddr_t there;
    int r = plat_frame_slot(root, addr, frame_bits(f), &there, slot);
    if (r > 0) return fail(ERR_FAILED_LOOKUP, 0, (word_t)r, "a page table is missing");
    if (r < 0 && !(remap && there == ptr_to_paddr((void *)f->ptr)))
        return fail(ERR_DELETE_FIRST, 0, 0, "the address is mapped already");
    return ERR_OK;
}

exception_t page_table_map_check(const struct cap *t, void *root, word_t addr)
{
    if (mapping_present(t)) return fail(ERR_DELETE_FIRST, 0, 0, "this page table is mapped already");
    if (plat_table_slot(root, addr) < 0) return fail(ERR_DELETE_FIRST, 0, 0, "every table level at this address is present");
    return ERR_OK;
}

void page_table_map(struct cap *t, void *root, word_t asid, word_t addr, bool guest)
{
    /* Entries left from an address space that died while the table was in it go now. */
    page_table_clear(t);
    paddr_t pa = ptr_to_paddr((void *)t->ptr);
    int level = guest ? plat_guest_map_table(root, addr, pa) : plat_map_table(root, addr, pa);
    ASSERT(level > 0);
    mapping_record(t, asid, (addr & ~MASK(PAGE_BITS)) | (word_t)level);
}

static exception_t check_vspace(const struct cte *v, void **root)
{
    *root = space_root(&v->cap);
    if (!*root) return fail(ERR_INVALID_CAPABILITY, 1, 0, "the VSpace has no ASID (assign one from an ASID pool)");
    return ERR_OK;
}

/* Into the entry decode found (a remap writes over the frame's own entry: new rights). */
static void invoke_frame_map(struct cap *c, void *root, word_t asid, const struct args_frame_map *a, word_t rights,
                             bool remap, const struct frame_slot *slot)
{
    plat_map_frame_at(slot, ptr_to_paddr((void *)c->ptr), frame_bits(c), rights, a->attributes);
    if (remap) plat_tlb_flush(root);
    mapping_record(c, asid, a->vaddr);
}

exception_t decode_frame_map(struct cte *slot, const struct args_frame_map *a)
{
    struct cap *c = &slot->cap;
    void *root;
    exception_t e = check_vspace(a->vspace, &root);
    if (e != ERR_OK) return e;
    unsigned bits = frame_bits(c);
    if (!ALIGNED(a->vaddr, bits)) return fail(ERR_ALIGNMENT, 0, 0, "address not aligned to the frame size");
    if (a->vaddr == 0 || a->vaddr >= USER_TOP || USER_TOP - a->vaddr < BIT(bits))
        return fail(ERR_INVALID_ARGUMENT, 1, 0, "address outside user space (or page 0)");
    word_t rights = a->rights & c->rights & (RIGHT_READ | RIGHT_WRITE);
    if (!(rights & RIGHT_READ)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_READ, 0, "a mapping needs the read right");
    if (a->attributes & ~3ul) return fail(ERR_INVALID_ARGUMENT, 3, 0, "unknown attribute bits");
    word_t asid = space_asid(&a->vspace->cap);
    bool remap = mapping_present(c);
    if (remap && (c->data != a->vaddr || mapping_asid(c) != asid))
        return fail(ERR_DELETE_FIRST, 0, 0, "this capability is mapped elsewhere");
    struct frame_slot where;
    e = frame_map_check(c, root, a->vaddr, remap, &where);
    if (e != ERR_OK) return e;
    invoke_frame_map(c, root, asid, a, rights, remap, &where);
    return ERR_OK;
}

static void invoke_frame_unmap(struct cap *c)
{
    if (mapping_present(c)) frame_unmap_cap(c);
}

exception_t decode_frame_unmap(struct cte *slot, const struct args_frame_unmap *a)
{
    (void)a;
    invoke_frame_unmap(&slot->cap); /* nothing to check */
    return ERR_OK;
}

exception_t decode_frame_get_address(struct cte *slot, const struct args_frame_get_address *a, word_t *out,
                                     word_t *out_length)
{
    (void)a;
    out[0] = ptr_to_paddr((void *)slot->cap.ptr); /* reads only: no invoke step */
    *out_length = 1;
    return ERR_OK;
}

/*
 * A page of a large frame as a capability of its own (grants hand out one 4 KiB page of a
 * guest's 2 MiB RAM frame). The page is a child of the frame in the derivation tree (cap.c:
 * a large frame is the parent of the frames inside it), so revoking the frame takes every page
 * and each page's one mapping; each page records its own mapping, so deleting it unmaps it
 * alone. A page is an OBJ_FRAME: Map, Copy, Mint and the spaces treat it as any 4 KiB frame.
 */
static void invoke_frame_derive_page(struct cte *frame, struct cte *dest, word_t offset, word_t rights)
{
    struct cap page = frame->cap; /* device memory stays device memory (size_bits) */
    page.type = OBJ_FRAME;
    page.ptr = frame->cap.ptr + offset;
    page.rights = (uint8_t)rights;
    mapping_record(&page, 0, 0);
    cte_insert_child(frame, dest, page);
}

exception_t decode_frame_derive_page(struct cte *slot, const struct args_frame_derive_page *a)
{
    const struct cap *c = &slot->cap;
    if (c->type != OBJ_LARGE_FRAME) return fail(ERR_WRONG_OBJECT_TYPE, 0, 0, "a 4 KiB frame has no smaller page");
    if (!ALIGNED(a->offset, PAGE_BITS)) return fail(ERR_ALIGNMENT, 0, 0, "offset not a multiple of 4 KiB");
    if (a->offset >= BIT(LARGE_PAGE_BITS))
        return fail(ERR_RANGE, 0, BIT(LARGE_PAGE_BITS) - BIT(PAGE_BITS), "offset past the end of the frame");
    if (a->rights & ~(word_t)c->rights) return fail(ERR_INSUFFICIENT_RIGHTS, c->rights, 0, "more rights than the frame's");
    struct cte *dest;
    exception_t e = lookup_dest_slot(&a->root->cap, a->dest_index, a->dest_depth, &dest);
    if (e != ERR_OK) return e;
    invoke_frame_derive_page(slot, dest, a->offset, a->rights);
    return ERR_OK;
}

static void invoke_page_table_map(struct cap *c, void *root, word_t asid, word_t vaddr)
{
    page_table_map(c, root, asid, vaddr, false);
}

exception_t decode_page_table_map(struct cte *slot, const struct args_page_table_map *a)
{
    struct cap *c = &slot->cap;
    void *root;
    exception_t e = check_vspace(a->vspace, &root);
    if (e != ERR_OK) return e;
    if (a->vaddr >= USER_TOP) return fail(ERR_INVALID_ARGUMENT, 0, 0, "address outside user space");
    e = page_table_map_check(c, root, a->vaddr);
    if (e != ERR_OK) return e;
    invoke_page_table_map(c, root, space_asid(&a->vspace->cap), a->vaddr);
    return ERR_OK;
}

static void invoke_page_table_unmap(struct cap *c)
{
    if (mapping_present(c)) page_table_unmap_cap(c);
}

exception_t decode_page_table_unmap(struct cte *slot, const struct args_page_table_unmap *a)
{
    (void)a;
    invoke_page_table_unmap(&slot->cap); /* nothing to check */
    return ERR_OK;
}
