/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Address-space identifiers (ASIDs), handed out through capabilities as in seL4: the kernel's
 * ASIDS identifiers come in ASID_POOLS ranges; ASIDControl turns a 4 KiB untyped into the pool
 * object of a free range, and the pool's Assign gives a VSpace or GuestSpace one of its ASIDs.
 * A holder of untyped memory and a pool can so exhaust that pool, never anyone else's. An
 * IOSpace's ASID is also its IOMMU domain id; the pool names it tagged (io_space.c).
 *
 * An ASID names its space while both live: capabilities and mapping records carry the number
 * and asid_lookup says what it names now. A space keeps its number for good, so a space whose
 * pool was deleted can never be given another (its tables may still point at frames freed
 * since): it cannot be mapped into or entered any more, and the processor never loads it again
 * (the scheduler switches only to spaces that space_root accepts).
 */
#include "kernel.h"

struct asid_pool *asid_pools[ASID_POOLS];
/* Next fit: a freed ASID is reused as late as possible, so a mapping record left stale by a
 * deleted space rarely names a new one. */
static uint16_t pool_cursor[ASID_POOLS];

void *asid_lookup(word_t asid)
{
    if (asid >= ASIDS) return NULL;
    struct asid_pool *p = asid_pools[asid / ASID_POOL_ASIDS];
    return p ? p->space[asid % ASID_POOL_ASIDS] : NULL;
}

/* The last capability to a space is going: its ASID, if it still names it, is free again. */
void asid_release(const struct cap *c)
{
    if (space_root(c) || (c->type == OBJ_IO_SPACE && io_space_root(c)))
        asid_pools[space_asid(c) / ASID_POOL_ASIDS]->space[space_asid(c) % ASID_POOL_ASIDS] = NULL;
}

bool asid_pool_installed(const struct cap *c)
{
    return asid_pool_range(c) < ASID_POOLS && asid_pools[asid_pool_range(c)] == (struct asid_pool *)c->ptr;
}

static void install_pool(word_t range, struct asid_pool *pool)
{
    asid_pools[range] = pool;
    pool_cursor[range] = 0;
}

/* A free ASID of the pool of range: its index in the pool, or ASID_POOL_ASIDS. */
static word_t free_asid(word_t range)
{
    const struct asid_pool *p = asid_pools[range];
    for (word_t n = 0; n < ASID_POOL_ASIDS; n++) {
        word_t i = (pool_cursor[range] + n) % ASID_POOL_ASIDS;
        if (!p->space[i] && (range != 0 || i != 0)) return i;
    }
    return ASID_POOL_ASIDS;
}

static word_t take_asid(word_t range, word_t i, void *root)
{
    asid_pools[range]->space[i] = root;
    pool_cursor[range] = (uint16_t)((i + 1) % ASID_POOL_ASIDS);
    return range * ASID_POOL_ASIDS + i;
}

/* Boot: the root server's pool is range 0 (from the boot pool) and its VSpace the first ASID. */
word_t asid_boot_pool(struct asid_pool *pool, void *root_vspace)
{
    install_pool(0, pool);
    return take_asid(0, free_asid(0), root_vspace);
}

static void invoke_asid_control_make_pool(struct cte *ut, struct cte *dest, word_t range)
{
    struct asid_pool *pool = (struct asid_pool *)ut->cap.ptr;
    /* Without children, what lies below the watermark is dead objects: zero it (as a reset). */
    if (untyped_watermark(&ut->cap)) memset(pool, 0, sizeof *pool);
    untyped_set_watermark(&ut->cap, sizeof *pool);
    install_pool(range, pool);
    struct cap c = {.type = OBJ_ASID_POOL, .rights = RIGHTS_ALL, .aux = (uint32_t)range, .ptr = ut->cap.ptr};
    cte_insert_child(ut, dest, c);
}

exception_t decode_asid_control_make_pool(struct cte *slot, const struct args_asid_control_make_pool *a)
{
    (void)slot;
    struct cte *dest, *ut = a->untyped;
    if (untyped_is_device(&ut->cap) || ut->cap.size_bits != OBJ_ASID_POOL_SIZE_BITS)
        return fail(ERR_INVALID_CAPABILITY, 1, 0, "a pool needs 4 KiB of RAM untyped");
    if (cte_has_children(ut)) return fail(ERR_REVOKE_FIRST, 0, 0, "objects retyped from the untyped still exist");
    word_t range = 0;
    while (range < ASID_POOLS && asid_pools[range]) range++;
    if (range == ASID_POOLS) return fail(ERR_NOT_ENOUGH_MEMORY, 0, 0, "every range of ASIDs has its pool");
    exception_t e = lookup_dest_slot(&a->dest_root->cap, a->dest_index, a->dest_depth, &dest);
    if (e != ERR_OK) return e;
    invoke_asid_control_make_pool(ut, dest, range);
    return ERR_OK;
}

static void invoke_asid_pool_assign(struct cap *space, word_t range, word_t i)
{
    word_t tag = space->type == OBJ_IO_SPACE ? ASID_IO_TAG : 0;
    space_set_asid(space, take_asid(range, i, (void *)(space->ptr | tag)));
}

exception_t decode_asid_pool_assign(struct cte *slot, const struct args_asid_pool_assign *a)
{
    ASSERT(asid_pool_installed(&slot->cap));
    struct cap *s = &a->space->cap;
    if (space_asid(s) != 0) return fail(ERR_INVALID_CAPABILITY, 1, 0, "the space has, or had, an ASID");
    word_t range = asid_pool_range(&slot->cap), i = free_asid(range);
    if (i == ASID_POOL_ASIDS) return fail(ERR_NOT_ENOUGH_MEMORY, 0, 0, "the pool has no free ASID");
    invoke_asid_pool_assign(s, range, i);
    return ERR_OK;
}

/* The last capability to a pool is going: every ASID of its range names nothing from now on,
 * and what the TLBs hold of those spaces goes. O(ASID_POOL_ASIDS), as in seL4. */
void asid_pool_finalise(const struct cap *c)
{
    struct asid_pool *p = (struct asid_pool *)c->ptr;
    for (word_t i = 0; i < ASID_POOL_ASIDS; i++) {
        void *root = p->space[i];
        if (!root) continue;
        p->space[i] = NULL;
        if (!((word_t)root & ASID_IO_TAG)) plat_tlb_flush(root);
    }
    io_space_pool_deleted(asid_pool_range(c));
    asid_pools[asid_pool_range(c)] = NULL;
    sched_space_revoked();
}
