/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* ASIDs through capabilities (kernel/asid_pool.c): pools from untyped, Assign, exhaustion
 * confined to one pool, ranges, deleting a pool, stale ASIDs meeting reused ones. */
#include "harness.h"
#include "fixture.h"

#define N 20u

static exception_t del(word_t slot)
{
    word_t mr[2] = {slot, WORD_BITS};
    return fx_cnode(INV_CNODE_DELETE, mr, 2);
}

/* ASIDControl MakePool: the untyped in ut_slot, the pool into root slot dest. */
static exception_t make_pool(word_t ut_slot, word_t dest)
{
    word_t mr[2] = {dest, WORD_BITS};
    struct cte *caps[2] = {fx_slot(ut_slot), fx_slot(S_CNODE)};
    return fx_decode(fx_slot(S_ASID_CONTROL), INV_ASID_CONTROL_MAKE_POOL, mr, 2, caps, 2);
}

/* A fresh 4 KiB untyped in ut_slot made into a pool in dest. */
static exception_t new_pool(word_t ut_slot, word_t dest)
{
    exception_t e = fx_retype(S_UT, OBJ_UNTYPED, OBJ_ASID_POOL_SIZE_BITS, ut_slot, 1);
    return e != ERR_OK ? e : make_pool(ut_slot, dest);
}

static exception_t assign_cte(word_t pool_slot, struct cte *space)
{
    struct cte *caps[1] = {space};
    return fx_decode(fx_slot(pool_slot), INV_ASID_POOL_ASSIGN, NULL, 0, caps, 1);
}

TEST(asid_pool_exhaustion_stays_in_the_pool)
{
    /* A holder with its own pool and 1024 spaces in a CNode of its own: the pool names 512 of
     * them, then refuses; the boot pool and a second pool still give ASIDs. */
    CHECK_EQ(new_pool(N, N + 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 10, N + 2, 1), ERR_OK);
    word_t mr[6] = {OBJ_VSPACE, 0, N + 2, WORD_BITS, 0, 256};
    struct cte *root[1] = {fx_slot(S_CNODE)};
    for (word_t i = 0; i < 4; i++) {
        mr[0] = i % 2 ? OBJ_GUEST_SPACE : OBJ_VSPACE;
        mr[4] = i * 256;
        CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, root, 1), ERR_OK);
    }
    struct cte *spaces = cnode_slots(&fx_slot(N + 2)->cap);
    word_t given = 0;
    exception_t e = ERR_OK;
    for (word_t i = 0; i < 1024 && e == ERR_OK; i++) {
        e = assign_cte(N + 1, &spaces[i]);
        if (e == ERR_OK) {
            CHECK_PTR(asid_lookup(spaces[i].cap.aux), spaces[i].cap.ptr);
            CHECK_EQ(spaces[i].cap.aux / ASID_POOL_ASIDS, 1); /* range 1: the boot pool has 0 */
            given++;
        }
    }
    CHECK_EQ(given, ASID_POOL_ASIDS);
    CHECK_EQ(e, ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N + 3, 2), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, N + 3), ERR_OK);
    CHECK_EQ(new_pool(N + 5, N + 6), ERR_OK);
    CHECK_EQ(fx_assign(N + 6, N + 4), ERR_OK);
    CHECK_EQ(fx_slot(N + 4)->cap.aux, 2 * ASID_POOL_ASIDS);
    /* A freed ASID is taken again: the pool is not a one-shot. */
    CHECK_EQ(cte_delete(&spaces[7]), ERR_OK);
    CHECK_EQ(assign_cte(N + 1, &spaces[600]), ERR_OK);
    CHECK_EQ(check_invariants(), 0);
}

TEST(asid_boot_pool_never_gives_asid_0)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 9, N, 1), ERR_OK);
    word_t mr[6] = {OBJ_VSPACE, 0, N, WORD_BITS, 0, 256};
    struct cte *root[1] = {fx_slot(S_CNODE)};
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, root, 1), ERR_OK);
    mr[4] = 256;
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, root, 1), ERR_OK);
    struct cte *spaces = cnode_slots(&fx_slot(N)->cap);
    word_t given = 0;
    for (word_t i = 0; i < 512; i++) {
        if (assign_cte(S_ASID_POOL, &spaces[i]) != ERR_OK) break;
        CHECK(spaces[i].cap.aux != 0);
        given++;
    }
    CHECK_EQ(given, ASID_POOL_ASIDS - 2); /* ASID 0 is none, ASID 1 the boot VSpace's */
    CHECK_EQ(assign_cte(S_ASID_POOL, &spaces[511]), ERR_NOT_ENOUGH_MEMORY);
}

TEST(asid_pool_from_untyped_checked)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 12, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 13, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_UNTYPED, 12, N + 2, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N + 3, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_ASID_POOL, 0, N + 4, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(make_pool(N + 1, N + 4), ERR_INVALID_CAPABILITY);
    CHECK_EQ(make_pool(N + 2, N + 4), ERR_INVALID_CAPABILITY);
    CHECK_EQ(make_pool(N + 3, N + 4), ERR_WRONG_OBJECT_TYPE);
    CHECK_EQ(make_pool(N, N + 3), ERR_DELETE_FIRST);
    CHECK_EQ(fx_retype(N, OBJ_ENDPOINT, 0, N + 5, 1), ERR_OK);
    CHECK_EQ(make_pool(N, N + 4), ERR_REVOKE_FIRST);
    CHECK_EQ(del(N + 5), ERR_OK);
    memset((void *)fx_slot(N)->cap.ptr, 0xee, 16); /* a dead object below the watermark */
    CHECK_EQ(make_pool(N, N + 4), ERR_OK);
    CHECK_EQ(fx_slot(N + 4)->cap.type, OBJ_ASID_POOL);
    CHECK_EQ(*(uint64_t *)fx_slot(N + 4)->cap.ptr, 0); /* zeroed before use */
    CHECK(cte_has_children(fx_slot(N)));
    CHECK_EQ(fx_slot(N)->cap.data, BIT(12)); /* all used */
    CHECK_EQ(fx_retype(N, OBJ_ENDPOINT, 0, N + 5, 1), ERR_NOT_ENOUGH_MEMORY);
    /* Copies of a pool are fine; ASIDControl is moved, never copied. */
    CHECK_EQ(fx_copy(N + 4, N + 6, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_copy(S_ASID_CONTROL, N + 7, RIGHTS_ALL), ERR_ILLEGAL_OPERATION);
    /* Revoking the untyped deletes the pool with its copies; the untyped is usable again. */
    word_t mr[2] = {N, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, mr, 2), ERR_OK);
    CHECK_EQ(fx_slot(N + 4)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 6)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_retype(N, OBJ_ENDPOINT, 0, N + 5, 1), ERR_OK);
    CHECK_EQ(check_invariants(), 0);
}

TEST(asid_ranges_run_out_and_come_back)
{
    for (word_t r = 1; r < ASID_POOLS; r++) {
        CHECK_EQ(new_pool(N + 2 * r, N + 2 * r + 1), ERR_OK);
        CHECK_EQ(fx_slot(N + 2 * r + 1)->cap.aux, r);
    }
    CHECK_EQ(new_pool(N + 40, N + 41), ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(del(N + 2 * 3 + 1), ERR_OK);
    CHECK_EQ(make_pool(N + 40, N + 41), ERR_OK);
    CHECK_EQ(fx_slot(N + 41)->cap.aux, 3);
}

TEST(asid_unassigned_space_not_copied_nor_used)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_GUEST_SPACE, 0, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 2, 1), ERR_OK);
    CHECK_EQ(fx_copy(N, N + 3, RIGHTS_ALL), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_mint(N + 1, N + 3, RIGHTS_ALL, 0), ERR_ILLEGAL_OPERATION);
    word_t pm[1] = {0x400000};
    struct cte *vs[1] = {fx_slot(N)}, *pt[1] = {fx_slot(N + 2)};
    CHECK_EQ(fx_decode(fx_slot(N + 2), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_INVALID_CAPABILITY);
    CHECK_EQ(fx_decode(fx_slot(N + 1), INV_GUEST_SPACE_MAP_TABLE, pm, 1, pt, 1), ERR_INVALID_CAPABILITY);
    CHECK_EQ(fx_assign(S_ASID_POOL, N + 2), ERR_WRONG_OBJECT_TYPE);
    CHECK_EQ(fx_assign(S_ASID_POOL, N), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, N), ERR_INVALID_CAPABILITY);
    CHECK_EQ(fx_copy(N, N + 3, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_slot(N + 3)->cap.aux, fx_slot(N)->cap.aux);
    CHECK_EQ(fx_decode(fx_slot(N + 2), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
}

TEST(asid_pool_delete_takes_asids_back)
{
    CHECK_EQ(new_pool(N, N + 1), ERR_OK);
    struct tcb *t = fx_thread_in(N + 2, 10, N + 1); /* its VSpace in N + 3 */
    CHECK_EQ(fx_retype(S_UT, OBJ_GUEST_SPACE, 0, N + 5, 1), ERR_OK);
    CHECK_EQ(fx_assign(N + 1, N + 5), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 6, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 8, 2), ERR_OK);
    struct cte *vs[1] = {fx_slot(N + 3)};
    word_t pm[1] = {0x400000}, fm[3] = {0x400000, RIGHT_READ, 0};
    CHECK_EQ(fx_decode(fx_slot(N + 6), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 7), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 8), INV_FRAME_MAP, fm, 3, vs, 1), ERR_OK);
    word_t vs_asid = fx_slot(N + 3)->cap.aux, gs_asid = fx_slot(N + 5)->cap.aux;
    CHECK_PTR(sched_space_of(t), fx_slot(N + 3)->cap.ptr);
    word_t flushes = fake_tlb_flushes;
    /* The thread deletes the pool itself: it must leave its space at once. */
    word_t mr[2] = {N + 1, WORD_BITS};
    CHECK_EQ(fx_invoke(t, S_CNODE, INV_CNODE_DELETE, mr, 2, NULL, 0), ERR_OK);
    CHECK_EQ(fake_tlb_flushes - flushes, 2);
    CHECK_PTR(fake_switched_root, plat_kernel_vspace());
    CHECK_PTR(sched_space_of(t), plat_kernel_vspace());
    CHECK_PTR(asid_lookup(vs_asid), NULL);
    CHECK_PTR(asid_lookup(gs_asid), NULL);
    CHECK_EQ(fx_decode(fx_slot(N + 9), INV_FRAME_MAP, fm, 3, vs, 1), ERR_INVALID_CAPABILITY);
    CHECK_EQ(fx_assign(S_ASID_POOL, N + 3), ERR_INVALID_CAPABILITY); /* never a second ASID */
    /* Copies of a space that lost its ASID are fine: they cannot be used either. */
    CHECK_EQ(fx_copy(N + 5, N + 10, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(del(N + 8), ERR_OK); /* its stale mapping record needs no work */
    CHECK_EQ(check_invariants(), 0);
}

TEST(asid_stale_space_meets_reused_asid)
{
    /* A's pool is deleted and its range made a pool again, in which B gets A's old number.
     * Deleting A, or a frame mapped into A, must leave B and B's mappings alone. */
    CHECK_EQ(new_pool(N, N + 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N + 2, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 4, 4), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 8, 2), ERR_OK);
    CHECK_EQ(fx_assign(N + 1, N + 2), ERR_OK);
    struct cte *a[1] = {fx_slot(N + 2)}, *b[1] = {fx_slot(N + 3)};
    word_t pm[1] = {0x400000}, fm[3] = {0x400000, RIGHT_READ, 0};
    CHECK_EQ(fx_decode(fx_slot(N + 4), INV_PAGE_TABLE_MAP, pm, 1, a, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 5), INV_PAGE_TABLE_MAP, pm, 1, a, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 8), INV_FRAME_MAP, fm, 3, a, 1), ERR_OK);
    CHECK_EQ(del(N + 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 12, N + 12, 1), ERR_OK);
    CHECK_EQ(make_pool(N + 12, N + 13), ERR_OK);
    CHECK_EQ(fx_assign(N + 13, N + 3), ERR_OK);
    word_t asid = fx_slot(N + 3)->cap.aux;
    CHECK_EQ(asid, fx_slot(N + 2)->cap.aux);
    CHECK_EQ(fx_decode(fx_slot(N + 6), INV_PAGE_TABLE_MAP, pm, 1, b, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 7), INV_PAGE_TABLE_MAP, pm, 1, b, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 9), INV_FRAME_MAP, fm, 3, b, 1), ERR_OK);
    void *broot = (void *)fx_slot(N + 3)->cap.ptr;
    CHECK_EQ(del(N + 8), ERR_OK); /* A's frame: its record now names B, where another frame is */
    CHECK(fake_lookup(broot, 0x400000, NULL, NULL));
    CHECK_EQ(del(N + 2), ERR_OK); /* A's last capability */
    CHECK_PTR(asid_lookup(asid), broot);
    CHECK_EQ(check_invariants(), 0);
}
