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

/* A VSpace or GuestSpace retyped into a free slot, without an ASID. */
static bh_cptr_t new_space(struct env *env, bh_word_t type)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 12), s = new_slot(env);
    if (!ut || !s || bh_untyped_retype(ut, type, 0, BH_ROOT_CNODE, 0, 0, s, 1) != BH_ERR_OK) return 0;
    return s;
}

/* The demonstrated hole: one global table of ASIDs, which a holder of 16 MiB of untyped filled
 * with VSpaces so that every later VSpace or GuestSpace failed, anyone's. Now a holder exhausts
 * only its own pool: another pool still gives spaces that work. */
static int asid_exhaustion_contained(struct env *env)
{
    enum { HOLDER_SPACES = BH_ASID_POOL_ASIDS + 1 };
    bh_cptr_t holder_pool = bh_alloc_asid_pool(&env->alloc, BH_ROOT_ASID_CONTROL);
    bh_cptr_t holder_ut = new_object(env, BH_OBJ_UNTYPED, 22), first = new_slot(env);
    CHECK(holder_pool && holder_ut && first);
    for (unsigned i = 1; i < HOLDER_SPACES; i++) CHECK(new_slot(env) == first + i);
    int err = BH_ERR_OK;
    unsigned made = 0, assigned = 0;
    while (made < HOLDER_SPACES && err == BH_ERR_OK) {
        bh_word_t type = made % 2 ? BH_OBJ_GUEST_SPACE : BH_OBJ_VSPACE;
        CHECK_OK(bh_untyped_retype(holder_ut, type, 0, BH_ROOT_CNODE, 0, 0, first + made, 1));
        err = bh_asid_pool_assign(holder_pool, first + made);
        made++;
        if (err == BH_ERR_OK) assigned++;
    }
    bh_printf("ktest: the holder made %u spaces, its pool gave %u ASIDs, then error %d\n", made, assigned, err);
    CHECK(assigned == BH_ASID_POOL_ASIDS);
    CHECK_ERR(err, BH_ERR_NOT_ENOUGH_MEMORY);
    /* Another holder's pool, and the root server's own, still give working spaces. */
    bh_cptr_t other_pool = bh_alloc_asid_pool(&env->alloc, BH_ROOT_ASID_CONTROL);
    bh_cptr_t vs = new_space(env, BH_OBJ_VSPACE), gs = new_space(env, BH_OBJ_GUEST_SPACE);
    CHECK(other_pool && vs && gs);
    CHECK_OK(bh_asid_pool_assign(other_pool, vs));
    CHECK_OK(bh_asid_pool_assign(other_pool, gs));
    CHECK_OK(bh_map_frame(&env->alloc, new_object(env, BH_OBJ_FRAME, 0), vs, VA, BH_RIGHT_READ, 1));
    CHECK_OK(bh_guest_space_map_table(gs, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    bh_cptr_t own = new_object(env, BH_OBJ_VSPACE, 0); /* assigned from BH_ROOT_ASID_POOL */
    CHECK(own != 0);
    CHECK_OK(bh_map_frame(&env->alloc, new_object(env, BH_OBJ_FRAME, 0), own, VA, BH_RIGHT_READ, 1));
    /* Deleting the pools frees their ranges for the tests after this one. */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, holder_ut, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, holder_pool, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, other_pool, 64));
    return 0;
}

/* A space without an ASID cannot be used or copied; Assign and MakePool check their arguments. */
static int asid_needed_and_checked(struct env *env)
{
    bh_cptr_t vs = new_space(env, BH_OBJ_VSPACE), gs = new_space(env, BH_OBJ_GUEST_SPACE);
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0), pt = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    bh_cptr_t tcb = new_object(env, BH_OBJ_TCB, 0), ipc = new_object(env, BH_OBJ_FRAME, 0);
    CHECK(vs && gs && f && pt && tcb && ipc);
    CHECK_ERR(bh_frame_map(f, vs, VA, BH_RIGHT_READ, 1), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_page_table_map(pt, vs, VA), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_tcb_configure(tcb, BH_ROOT_CNODE, vs, ipc, 0x10000), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_guest_space_map_table(gs, pt, 0), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_guest_space_map_frame(gs, f, 0, BH_RIGHT_READ), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, vs, 64, BH_RIGHTS_ALL), BH_ERR_ILLEGAL_OPERATION);
    CHECK_ERR(bh_cnode_mint(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, gs, 64, BH_RIGHTS_ALL, 0), BH_ERR_ILLEGAL_OPERATION);
    bh_cptr_t moved = new_slot(env);
    CHECK_OK(bh_cnode_move(BH_ROOT_CNODE, moved, 64, BH_ROOT_CNODE, vs, 64));
    CHECK_ERR(bh_asid_pool_assign(BH_ROOT_ASID_POOL, f), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_OK(bh_asid_pool_assign(BH_ROOT_ASID_POOL, moved));
    CHECK_ERR(bh_asid_pool_assign(BH_ROOT_ASID_POOL, moved), BH_ERR_INVALID_CAPABILITY);
    CHECK_OK(bh_tcb_configure(tcb, BH_ROOT_CNODE, moved, ipc, 0x10000));
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, moved, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_asid_pool_assign(BH_ROOT_ASID_POOL, gs));
    CHECK_OK(bh_guest_space_map_table(gs, pt, 0));
    /* Pools come only from ASIDControl, from 4 KiB of RAM untyped with nothing in it. */
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 12), big = new_object(env, BH_OBJ_UNTYPED, 13), dest = new_slot(env);
    CHECK(ut && big && dest);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_ASID_POOL, 0, BH_ROOT_CNODE, 0, 0, dest, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, big, BH_ROOT_CNODE, dest, 64), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, f, BH_ROOT_CNODE, dest, 64), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_ERR(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, ut, BH_ROOT_CNODE, f, 64), BH_ERR_DELETE_FIRST);
    bh_cptr_t child = new_slot(env);
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_ENDPOINT, 0, BH_ROOT_CNODE, 0, 0, child, 1));
    CHECK_ERR(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, ut, BH_ROOT_CNODE, dest, 64), BH_ERR_REVOKE_FIRST);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, child, 64));
    CHECK_OK(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, ut, BH_ROOT_CNODE, dest, 64));
    /* The pool uses all of its untyped: nothing else fits until the pool is gone. */
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_ENDPOINT, 0, BH_ROOT_CNODE, 0, 0, child, 1), BH_ERR_NOT_ENOUGH_MEMORY);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, BH_ROOT_ASID_CONTROL, 64, BH_RIGHTS_ALL),
              BH_ERR_ILLEGAL_OPERATION);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, ut, 64)); /* the pool is a child of its untyped */
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_ENDPOINT, 0, BH_ROOT_CNODE, 0, 0, child, 1));
    CHECK_OK(bh_tcb_configure(tcb, BH_ROOT_CNODE, BH_ROOT_VSPACE, ipc, 0x10000)); /* lets go of `moved` */
    return 0;
}

/* The kernel has BH_ASID_POOLS ranges; range 0 is the root server's from boot. Every other
 * range can have its pool, then no more; a deleted pool's range is free again. */
static int asid_pool_ranges(struct env *env)
{
    bh_cptr_t pools[BH_ASID_POOLS];
    unsigned n = 0;
    for (; n < BH_ASID_POOLS - 1; n++) {
        pools[n] = bh_alloc_asid_pool(&env->alloc, BH_ROOT_ASID_CONTROL);
        CHECK(pools[n] != 0);
    }
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 12), dest = new_slot(env);
    CHECK_ERR(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, ut, BH_ROOT_CNODE, dest, 64), BH_ERR_NOT_ENOUGH_MEMORY);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pools[3], 64));
    CHECK_OK(bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, ut, BH_ROOT_CNODE, dest, 64));
    pools[3] = dest;
    for (unsigned i = 0; i < n; i++) CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pools[i], 64));
    return 0;
}

static bh_cptr_t peer_ep;
static volatile int peer_answered;
static void call_peer(bh_word_t arg)
{
    bh_set_mr(0, arg);
    bh_call(peer_ep, bh_msginfo(3, 0, 0, 1));
    peer_answered = 1;
}

/* Deleting a pool takes the ASIDs back: the spaces in it can no longer be mapped into, given
 * another ASID or given to a thread, and a thread that ran in one faults when it next runs,
 * woken by a Call the fast path would otherwise take (equal priority, registers only). */
static int deleted_pool_revokes_asids(struct env *env)
{
    size_t len;
    const void *img = bh_archive_find(env->bi, "ktpeer", &len);
    bh_cptr_t pool = bh_alloc_asid_pool(&env->alloc, BH_ROOT_ASID_CONTROL);
    bh_cptr_t fault_ep = new_object(env, BH_OBJ_ENDPOINT, 0), badged = new_slot(env);
    peer_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    CHECK(img && pool && fault_ep && badged && peer_ep);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, fault_ep, 64, BH_RIGHTS_ALL, 0xfa));
    struct bh_process p;
    env->alloc.asid_pool = pool;
    int err = bh_process_create(&env->alloc, &p, "ktpeer", img, len, 255, 0);
    env->alloc.asid_pool = BH_ROOT_ASID_POOL;
    CHECK_OK(err);
    CHECK_OK(bh_process_give(&env->alloc, &p, BH_PROC_SLOT_FIRST_FREE, peer_ep, BH_RIGHTS_ALL, 0));
    CHECK_OK(bh_tcb_set_fault_handler(p.tcb, badged));
    CHECK_OK(bh_process_start(&p));
    bh_set_mr(0, 1000);
    bh_msginfo_t r = bh_call(peer_ep, bh_msginfo(3, 0, 0, 1));
    CHECK(bh_msginfo_label(r) == 4 && bh_get_mr(0) == 1001); /* it runs in its space */
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_OK(bh_map_frame(&env->alloc, f, p.vspace, VA, BH_RIGHT_READ, 1));

    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pool, 64));
    CHECK_ERR(bh_frame_map(new_object(env, BH_OBJ_FRAME, 0), p.vspace, VA + 4096, BH_RIGHT_READ, 1),
              BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_asid_pool_assign(BH_ROOT_ASID_POOL, p.vspace), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_tcb_configure(new_object(env, BH_OBJ_TCB, 0), BH_ROOT_CNODE, p.vspace, f, VA), BH_ERR_INVALID_CAPABILITY);
    CHECK_OK(bh_frame_unmap(f)); /* its record names no space now: nothing to do */
    struct bh_thread caller;
    peer_answered = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &caller, call_peer, 2000, 255));
    CHECK_OK(bh_thread_start(&caller));
    bh_word_t badge = 0;
    bh_msginfo_t fault = 0;
    for (unsigned i = 0; i < 100 && !fault; i++) {
        bh_yield();
        fault = bh_nbrecv(fault_ep, &badge);
    }
    CHECK(peer_answered == 0);
    CHECK(badge == 0xfa && bh_msginfo_label(fault) == BH_FAULT_VM);
    CHECK_OK(bh_tcb_suspend(caller.tcb));
    CHECK_OK(bh_tcb_suspend(p.tcb));
    return 0;
}

/* The root holds IOSpaceControl exactly where Retype makes IOSpaces: where the kernel drives
 * an IOMMU (x86 with one VT-d unit; never POWER9). */
static int io_space_only_with_iommu(struct env *env)
{
    bh_cptr_t probe = new_slot(env);
    /* IOSpaceControl is moved, never copied: a copy tells whether the slot holds it. */
    int copy = bh_cnode_copy(BH_ROOT_CNODE, probe, 64, BH_ROOT_CNODE, BH_ROOT_IO_SPACE_CONTROL, 64, BH_RIGHTS_ALL);
    CHECK(copy == BH_ERR_ILLEGAL_OPERATION || copy == BH_ERR_FAILED_LOOKUP);
    if (copy == BH_ERR_ILLEGAL_OPERATION) {
        bh_cptr_t space = new_object(env, BH_OBJ_IO_SPACE, 0);
        CHECK(space != 0);
        CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, space, 64));
        return 0;
    }
    /* Refused before any memory is used, whichever untyped is asked. */
    for (unsigned i = 0; i < env->alloc.nuntyped; i++)
        if (!env->alloc.untyped[i].is_device)
            CHECK_ERR(bh_untyped_retype(env->alloc.untyped[i].cptr, BH_OBJ_IO_SPACE, 0, BH_ROOT_CNODE, 0, 0, probe, 1),
                      BH_ERR_INVALID_ARGUMENT);
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
    {"vspace_asid_needed_and_checked", asid_needed_and_checked},
    {"vspace_asid_pool_ranges", asid_pool_ranges},
    {"vspace_deleted_pool_revokes_asids", deleted_pool_revokes_asids},
    {"vspace_asid_exhaustion_contained", asid_exhaustion_contained},
    {"vspace_io_space_only_with_iommu", io_space_only_with_iommu},
    {0, 0},
};
