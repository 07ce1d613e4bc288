/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Guest-physical address spaces (GuestSpace): the root of a VCPU's second-level translation
 * (nested paging on x86). Its intermediate tables are ordinary PageTable objects and its leaves
 * ordinary frames, so the derivation tree makes every guest mapping revocable exactly as a
 * VSpace mapping is: the frame or table capability records (root identifier, address), and
 * deleting, revoking or unmapping it removes the entry through the common unmap path
 * (vspace.c), which also tells the platform to flush (plat_tlb_flush; on x86 the next VMRUN of
 * every VCPU takes a fresh ASID).
 *
 * A GuestSpace takes an ASID from an ASID pool as VSpaces do (asid_pool.c): it names the root
 * while both live, so a stale record is found stale. The record of a frame mapped into a guest
 * space is data = gpa | GUEST_MAPPED: a guest may use address 0, and a capability's data is 0
 * only when it is unmapped. The flag is below the page size, where the table walks look not.
 */
#include "kernel.h"

_Static_assert((VCPU_RIGHT_EXECUTE & RIGHTS_ALL) == 0, "the execute right of guest mappings is no capability right");

#define GUEST_MAPPED 1u

static exception_t check_space(const struct cap *gs, void **root)
{
    *root = space_root(gs);
    if (!*root) return fail(ERR_INVALID_CAPABILITY, 0, 0, "the GuestSpace has no ASID (assign one from an ASID pool)");
    return ERR_OK;
}

static bool is_frame(const struct cap *c)
{
    return c->type == OBJ_FRAME || c->type == OBJ_LARGE_FRAME;
}

static exception_t decode_map_frame(const struct cap *gs, const word_t *mr, word_t len, struct cte **caps,
                                    word_t ncaps, struct args_guest_space_map_frame *a, void **root)
{
    if (!unpack_guest_space_map_frame(mr, len, ncaps, a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "map needs 2 words and a frame");
    exception_t e = check_space(gs, root);
    if (e != ERR_OK) return e;
    const struct cap *f = &caps[0]->cap;
    if (!is_frame(f)) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not a frame");
    unsigned bits = f->type == OBJ_LARGE_FRAME ? LARGE_PAGE_BITS : PAGE_BITS;
    if (!ALIGNED(a->gpa, bits)) return fail(ERR_ALIGNMENT, 0, 0, "guest-physical address not aligned to the frame size");
    if (a->gpa >= GUEST_PHYS_TOP || GUEST_PHYS_TOP - a->gpa < BIT(bits))
        return fail(ERR_INVALID_ARGUMENT, 0, 0, "guest-physical address out of range");
    if (a->rights & ~(word_t)(RIGHT_READ | RIGHT_WRITE | VCPU_RIGHT_EXECUTE))
        return fail(ERR_INVALID_ARGUMENT, 1, 0, "unknown rights bits");
    if (!(a->rights & f->rights & RIGHT_READ)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_READ, 0, "a mapping needs the read right");
    if (f->data) return fail(ERR_DELETE_FIRST, 0, 0, "this capability is mapped already");
    return ERR_OK;
}

static exception_t map_frame(const struct cap *gs, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_guest_space_map_frame a = {0};
    void *root = NULL;
    exception_t e = decode_map_frame(gs, mr, len, caps, ncaps, &a, &root);
    if (e != ERR_OK) return e;
    struct cap *f = &caps[0]->cap;
    unsigned bits = f->type == OBJ_LARGE_FRAME ? LARGE_PAGE_BITS : PAGE_BITS;
    word_t rights = (a.rights & (f->rights | VCPU_RIGHT_EXECUTE));
    int r = plat_guest_map_frame(root, a.gpa, ptr_to_paddr((void *)f->ptr), bits, rights);
    if (r > 0) return fail(ERR_FAILED_LOOKUP, 0, (word_t)r, "a page table is missing");
    if (r < 0) return fail(ERR_DELETE_FIRST, 0, 0, "the address is mapped already");
    f->data = a.gpa | GUEST_MAPPED;
    f->aux = gs->aux;
    return ERR_OK;
}

static exception_t map_table(const struct cap *gs, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_guest_space_map_table a;
    void *root;
    if (!unpack_guest_space_map_table(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "map needs an address and a table");
    exception_t e = check_space(gs, &root);
    if (e != ERR_OK) return e;
    struct cap *t = &caps[0]->cap;
    if (t->type != OBJ_PAGE_TABLE) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not a page table");
    if (a.gpa >= GUEST_PHYS_TOP) return fail(ERR_INVALID_ARGUMENT, 0, 0, "guest-physical address out of range");
    if (t->data) return fail(ERR_DELETE_FIRST, 0, 0, "this page table is mapped already");
    page_table_clear(t);
    int level = plat_guest_map_table(root, a.gpa, ptr_to_paddr((void *)t->ptr));
    if (level < 0) return fail(ERR_DELETE_FIRST, 0, 0, "every table level at this address is present");
    t->data = (a.gpa & ~MASK(PAGE_BITS)) | (word_t)level;
    t->aux = gs->aux;
    return ERR_OK;
}

exception_t decode_guest_space(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    switch (label) {
    case INV_GUEST_SPACE_MAP_FRAME: return map_frame(&slot->cap, mr, len, caps, ncaps);
    case INV_GUEST_SPACE_MAP_TABLE: return map_table(&slot->cap, mr, len, caps, ncaps);
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not a GuestSpace operation");
    }
}

/* The last capability is going: the ASID is freed, so every record of a mapping into this
 * space is stale from now on. */
void guest_space_finalise(const struct cap *c)
{
    asid_release(c);
}
