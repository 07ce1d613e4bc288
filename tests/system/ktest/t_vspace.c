/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Frames and page tables: map, unmap, remap with rights, errors, revoke removes mappings. */
#include "ktest.h"

#define VA 0x0000620000000000ull

static int map_unmap(struct env *env)
{
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, VA, BH_RIGHT_READ | BH_RIGHT_WRITE, 1), BH_ERR_FAILED_LOOKUP);
    CHECK_OK(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, VA, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    *(volatile uint64_t *)VA = 0x1234;
    CHECK(*(volatile uint64_t *)VA == 0x1234);
    /* Remap read-only at the same address with the same capability. */
    CHECK_OK(bh_frame_map(f, BH_ROOT_VSPACE, VA, BH_RIGHT_READ, 1));
    CHECK(*(volatile uint64_t *)VA == 0x1234);
    CHECK_OK(bh_frame_unmap(f));
    CHECK_OK(bh_frame_unmap(f)); /* unmapping an unmapped frame is fine */
    return 0;
}

static int map_errors(struct env *env)
{
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0), g = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, VA + 1, BH_RIGHT_READ, 1), BH_ERR_ALIGNMENT);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, 0, BH_RIGHT_READ, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, 0xffff800000000000ull, BH_RIGHT_READ, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, VA, BH_RIGHT_WRITE, 1), BH_ERR_INSUFFICIENT_RIGHTS);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, VA, BH_RIGHT_READ, 4), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_TCB, VA, BH_RIGHT_READ, 1), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_OK(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, VA, BH_RIGHT_READ, 1));
    CHECK_ERR(bh_frame_map(g, BH_ROOT_VSPACE, VA, BH_RIGHT_READ, 1), BH_ERR_DELETE_FIRST);
    CHECK_ERR(bh_frame_map(f, BH_ROOT_VSPACE, VA + 4096, BH_RIGHT_READ, 1), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_frame_unmap(f));
    bh_word_t pa = 0;
    CHECK_OK(bh_frame_get_address(f, &pa));
    CHECK(pa != 0 && (pa & 4095) == 0);
    return 0;
}

static int read_only_copy(struct env *env)
{
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    bh_cptr_t ro = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, ro, 64, BH_ROOT_CNODE, f, 64, BH_RIGHT_READ));
    CHECK_OK(bh_map_frame(&env->alloc, ro, BH_ROOT_VSPACE, VA, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    /* Mapped read-only whatever was asked: a write would fault (tested in fault tests). */
    CHECK(*(volatile uint64_t *)VA == 0);
    CHECK_OK(bh_frame_unmap(ro));
    return 0;
}

static volatile int probe_done;
static void probe(bh_word_t va)
{
    (void)*(volatile uint64_t *)va;
    probe_done = 1;
}

/* Whether a thread can read va: it runs at our priority when we yield, and either reads and
 * finishes, or faults and is suspended (it has no fault handler). */
static int readable_by_a_thread(struct env *env, uint64_t va)
{
    struct bh_thread t;
    probe_done = 0;
    if (bh_thread_create(&env->alloc, &t, probe, va, 255) || bh_thread_start(&t)) return -1;
    bh_yield();
    bh_tcb_suspend(t.tcb);
    return probe_done;
}

static int revoke_removes_mapping(struct env *env)
{
    /* Map a copy; revoking the original removes the copy and its mapping, so touching the
     * page faults (the probing thread has no handler and is suspended). */
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    bh_cptr_t copy = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, copy, 64, BH_ROOT_CNODE, f, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_map_frame(&env->alloc, copy, BH_ROOT_VSPACE, VA + 0x10000, BH_RIGHT_READ, 1));
    CHECK(*(volatile uint64_t *)(VA + 0x10000) == 0);
    CHECK(readable_by_a_thread(env, VA + 0x10000) == 1); /* the probe works */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, f, 64));
    CHECK(readable_by_a_thread(env, VA + 0x10000) == 0);
    return 0;
}

static int large_frame(struct env *env)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 22);
    CHECK(ut != 0);
    bh_cptr_t lf = new_slot(env);
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_LARGE_FRAME, 0, BH_ROOT_CNODE, 0, 0, lf, 1));
    CHECK_ERR(bh_frame_map(lf, BH_ROOT_VSPACE, VA + 4096, BH_RIGHT_READ, 1), BH_ERR_ALIGNMENT);
    uint64_t va = 0x0000630000000000ull;
    CHECK_OK(bh_map_frame(&env->alloc, lf, BH_ROOT_VSPACE, va, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    ((volatile uint8_t *)va)[(2u << 20) - 1] = 7;
    CHECK(((volatile uint8_t *)va)[(2u << 20) - 1] == 7);
    CHECK_OK(bh_frame_unmap(lf));
    return 0;
}

static int page_table_errors(struct env *env)
{
    bh_cptr_t pt = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    CHECK_ERR(bh_page_table_map(pt, BH_ROOT_VSPACE, 0xffff900000000000ull), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(bh_page_table_map(pt, BH_ROOT_VSPACE, 0x0000640000000000ull));
    CHECK_ERR(bh_page_table_map(pt, BH_ROOT_VSPACE, 0x0000650000000000ull), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_page_table_unmap(pt));
    CHECK_OK(bh_page_table_map(pt, BH_ROOT_VSPACE, 0x0000640000000000ull));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pt, 64));
    return 0;
}

static int page_table_one_capability(struct env *env)
{
    /* A page table has one capability (so one mapping): copies are refused. */
    bh_cptr_t pt = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, pt, 64, BH_RIGHTS_ALL), BH_ERR_ILLEGAL_OPERATION);
    CHECK_ERR(bh_cnode_mint(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, pt, 64, BH_RIGHTS_ALL, 0), BH_ERR_ILLEGAL_OPERATION);
    bh_cptr_t moved = new_slot(env);
    CHECK_OK(bh_cnode_move(BH_ROOT_CNODE, moved, 64, BH_ROOT_CNODE, pt, 64));
    return 0;
}

static int unmapped_table_forgets_entries(struct env *env)
{
    /* Map a frame through a fresh page table, unmap the table and map it back: the frame's
     * entry must not come back (else a frame freed meanwhile would be reachable). */
    const uint64_t va = 0x0000660000000000ull;
    bh_cptr_t pdpt = new_object(env, BH_OBJ_PAGE_TABLE, 0), pd = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    bh_cptr_t pt = new_object(env, BH_OBJ_PAGE_TABLE, 0), f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_OK(bh_page_table_map(pdpt, BH_ROOT_VSPACE, va));
    CHECK_OK(bh_page_table_map(pd, BH_ROOT_VSPACE, va));
    CHECK_OK(bh_page_table_map(pt, BH_ROOT_VSPACE, va));
    CHECK_OK(bh_frame_map(f, BH_ROOT_VSPACE, va, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    *(volatile uint64_t *)va = 0x5ec7e7;
    CHECK(readable_by_a_thread(env, va) == 1); /* the probe works */
    CHECK_OK(bh_page_table_unmap(pt));
    CHECK_OK(bh_page_table_map(pt, BH_ROOT_VSPACE, va));
    CHECK(readable_by_a_thread(env, va) == 0); /* the read faulted: the entry is gone */
    return 0;
}

const struct test tests_vspace[] = {
    {"vspace_page_table_has_one_capability", page_table_one_capability},
    {"vspace_unmapped_table_forgets_entries", unmapped_table_forgets_entries},
    {"vspace_map_remap_unmap", map_unmap},
    {"vspace_map_errors", map_errors},
    {"vspace_read_only_capability", read_only_copy},
    {"vspace_revoke_removes_mapping", revoke_removes_mapping},
    {"vspace_large_frame", large_frame},
    {"vspace_page_table_errors", page_table_errors},
    {0, 0},
};
