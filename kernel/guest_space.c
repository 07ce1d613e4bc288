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

static unsigned frame_bits(const struct cap *f)
{
    return f->type == OBJ_LARGE_FRAME ? LARGE_PAGE_BITS : PAGE_BITS;
}

static void invoke_guest_space_map_frame(const struct cap *gs, void *root, struct cap *f, word_t gpa, word_t rights)
{
    int r = plat_guest_map_frame(root, gpa, ptr_to_paddr((void *)f->ptr), frame_bits(f), rights);
    ASSERT(r == 0);
    mapping_record(f, space_asid(gs), gpa | GUEST_MAPPED);
}

exception_t decode_guest_space_map_frame(struct cte *slot, const struct args_guest_space_map_frame *a)
{
    const struct cap *gs = &slot->cap;
    void *root;
    exception_t e = check_space(gs, &root);
    if (e != ERR_OK) return e;
    struct cap *f = &a->frame->cap;
    unsigned bits = frame_bits(f);
    if (!ALIGNED(a->gpa, bits)) return fail(ERR_ALIGNMENT, 0, 0, "guest-physical address not aligned to the frame size");
    if (a->gpa >= GUEST_PHYS_TOP || GUEST_PHYS_TOP - a->gpa < BIT(bits))
        return fail(ERR_INVALID_ARGUMENT, 0, 0, "guest-physical address out of range");
    if (a->rights & ~(word_t)(RIGHT_READ | RIGHT_WRITE | VCPU_RIGHT_EXECUTE))
        return fail(ERR_INVALID_ARGUMENT, 1, 0, "unknown rights bits");
    if (!(a->rights & f->rights & RIGHT_READ)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_READ, 0, "a mapping needs the read right");
    if (mapping_present(f)) return fail(ERR_DELETE_FIRST, 0, 0, "this capability is mapped already");
    struct frame_slot where; /* unused: a GuestSpace's entries are the platform's (plat_guest_map_frame) */
    e = frame_map_check(f, root, a->gpa, false, &where);
    if (e != ERR_OK) return e;
    invoke_guest_space_map_frame(gs, root, f, a->gpa, a->rights & (f->rights | VCPU_RIGHT_EXECUTE));
    return ERR_OK;
}

static void invoke_guest_space_map_table(const struct cap *gs, void *root, struct cap *t, word_t gpa)
{
    page_table_map(t, root, space_asid(gs), gpa, true);
}

exception_t decode_guest_space_map_table(struct cte *slot, const struct args_guest_space_map_table *a)
{
    const struct cap *gs = &slot->cap;
    void *root;
    exception_t e = check_space(gs, &root);
    if (e != ERR_OK) return e;
    if (a->gpa >= GUEST_PHYS_TOP) return fail(ERR_INVALID_ARGUMENT, 0, 0, "guest-physical address out of range");
    struct cap *t = &a->table->cap;
    e = page_table_map_check(t, root, a->gpa);
    if (e != ERR_OK) return e;
    invoke_guest_space_map_table(gs, root, t, a->gpa);
    return ERR_OK;
}

/* The last capability is going: the ASID is freed, so every record of a mapping into this
 * space is stale from now on. */
void guest_space_finalise(const struct cap *c)
{
    asid_release(c);
}
