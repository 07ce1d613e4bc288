/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pages derived from a large frame (Frame DerivePage): one 4 KiB page of a 2 MiB frame as a
 * capability of its own, mapped in the root's VSpace beside the whole frame; read and write
 * through both; rights never grow; revoking or deleting a page unmaps only it; revoking the
 * frame takes every page and every mapping of them, IOMMU entries included. The GuestSpace
 * half is the platform's (t_frame_page_guest.c on x86: a guest reads and writes through a page).
 */
#include "ktest.h"

#define LARGE_VA 0x00006b0000000000ull /* the whole frame */
#define PAGE_VA 0x00006c0000000000ull  /* its pages, one 4 KiB slot each */
#define RW (BH_RIGHT_READ | BH_RIGHT_WRITE)
#define PAGE_SIZE 0x1000u

static volatile uint64_t *at(uint64_t va) { return (volatile uint64_t *)(uintptr_t)va; }

static volatile int probe_done;
static void probe_read(bh_word_t va)
{
    (void)*at(va);
    probe_done = 1;
}
static void probe_write(bh_word_t va)
{
    *at(va) = 0xbad;
    probe_done = 1;
}

/* Whether a thread can touch va: it runs at our priority when we yield, and either finishes,
 * or faults and stays suspended (it has no fault handler). */
static int touchable(struct env *env, uint64_t va, void (*probe)(bh_word_t))
{
    struct bh_thread t;
    probe_done = 0;
    if (bh_thread_create(&env->alloc, &t, probe, va, 255) || bh_thread_start(&t)) return -1;
    bh_yield();
    bh_tcb_suspend(t.tcb);
    return probe_done;
}

/* A large frame from an untyped of its own (the shared allocator does not make them). */
bh_cptr_t frame_page_new_large(struct env *env)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 22), lf = new_slot(env);
    if (!ut || !lf || bh_untyped_retype(ut, BH_OBJ_LARGE_FRAME, 0, BH_ROOT_CNODE, 0, 0, lf, 1) != BH_ERR_OK) return 0;
    return lf;
}

bh_cptr_t frame_page_derive(struct env *env, bh_cptr_t frame, bh_word_t offset, bh_word_t rights)
{
    bh_cptr_t s = new_slot(env);
    return bh_frame_derive_page(frame, offset, rights, BH_ROOT_CNODE, s, 64) == BH_ERR_OK ? s : 0;
}

static bh_cptr_t copy_of(struct env *env, bh_cptr_t c, bh_word_t rights)
{
    bh_cptr_t s = new_slot(env);
    return bh_cnode_copy(BH_ROOT_CNODE, s, 64, BH_ROOT_CNODE, c, 64, rights) == BH_ERR_OK ? s : 0;
}

/* An empty slot: copying from it fails (invoking it would be a capability fault). */
static int empty(struct env *env, bh_cptr_t s)
{
    return bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, s, 64, BH_RIGHTS_ALL) == BH_ERR_FAILED_LOOKUP;
}

static int read_write_through_a_page(struct env *env)
{
    bh_cptr_t lf = frame_page_new_large(env);
    CHECK(lf != 0);
    CHECK_OK(bh_map_frame(&env->alloc, lf, BH_ROOT_VSPACE, LARGE_VA, RW, 1));
    *at(LARGE_VA + 5 * PAGE_SIZE + 8) = 0x5a6e;
    bh_cptr_t p = frame_page_derive(env, lf, 5 * PAGE_SIZE, RW);
    CHECK(p != 0);
    bh_word_t large_pa = 0, page_pa = 0;
    CHECK_OK(bh_frame_get_address(lf, &large_pa));
    CHECK_OK(bh_frame_get_address(p, &page_pa));
    CHECK(page_pa == large_pa + 5 * PAGE_SIZE);
    CHECK_OK(bh_map_frame(&env->alloc, p, BH_ROOT_VSPACE, PAGE_VA, RW, 1));
    CHECK(*at(PAGE_VA + 8) == 0x5a6e);
    *at(PAGE_VA + 16) = 0xf00d;
    CHECK(*at(LARGE_VA + 5 * PAGE_SIZE + 16) == 0xf00d);
    /* The last page of the frame, and nothing past it. */
    bh_cptr_t last = frame_page_derive(env, lf, 511 * PAGE_SIZE, BH_RIGHT_READ);
    CHECK(last != 0);
    CHECK_OK(bh_map_frame(&env->alloc, last, BH_ROOT_VSPACE, PAGE_VA + PAGE_SIZE, BH_RIGHT_READ, 1));
    *at(LARGE_VA + 511 * PAGE_SIZE) = 0x1a57;
    CHECK(*at(PAGE_VA + PAGE_SIZE) == 0x1a57);
    CHECK_ERR(bh_frame_derive_page(lf, 512 * PAGE_SIZE, BH_RIGHT_READ, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_RANGE);
    CHECK_ERR(bh_frame_derive_page(lf, 0x800, BH_RIGHT_READ, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_ALIGNMENT);
    CHECK_ERR(bh_frame_derive_page(p, 0, BH_RIGHT_READ, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, lf, 64));
    CHECK_OK(bh_frame_unmap(lf));
    return 0;
}

static int rights_never_grow(struct env *env)
{
    bh_cptr_t lf = frame_page_new_large(env);
    CHECK(lf != 0);
    bh_cptr_t ro_frame = copy_of(env, lf, BH_RIGHT_READ);
    CHECK(ro_frame != 0);
    CHECK_ERR(bh_frame_derive_page(ro_frame, 0, RW, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_INSUFFICIENT_RIGHTS);
    CHECK(bh_get_mr(0) == BH_RIGHT_READ);
    bh_cptr_t ro = frame_page_derive(env, lf, 2 * PAGE_SIZE, BH_RIGHT_READ);
    CHECK(ro != 0);
    /* Mapped writable, a read-only page is mapped read-only: reads work, a write faults. */
    CHECK_OK(bh_map_frame(&env->alloc, ro, BH_ROOT_VSPACE, PAGE_VA + 2 * PAGE_SIZE, RW, 1));
    CHECK(touchable(env, PAGE_VA + 2 * PAGE_SIZE, probe_read) == 1);
    CHECK(touchable(env, PAGE_VA + 2 * PAGE_SIZE, probe_write) == 0);
    /* A copy asking for every right gets the page's. */
    bh_cptr_t again = copy_of(env, ro, BH_RIGHTS_ALL);
    CHECK(again != 0);
    CHECK_OK(bh_map_frame(&env->alloc, again, BH_ROOT_VSPACE, PAGE_VA + 3 * PAGE_SIZE, RW, 1));
    CHECK(touchable(env, PAGE_VA + 3 * PAGE_SIZE, probe_write) == 0);
    /* A writable page of the same frame is writable. */
    bh_cptr_t rw = frame_page_derive(env, lf, 3 * PAGE_SIZE, RW);
    CHECK(rw != 0);
    CHECK_OK(bh_map_frame(&env->alloc, rw, BH_ROOT_VSPACE, PAGE_VA + 4 * PAGE_SIZE, RW, 1));
    CHECK(touchable(env, PAGE_VA + 4 * PAGE_SIZE, probe_write) == 1);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, lf, 64));
    return 0;
}

static int revoke_page_then_frame(struct env *env)
{
    bh_cptr_t lf = frame_page_new_large(env);
    CHECK(lf != 0);
    CHECK_OK(bh_map_frame(&env->alloc, lf, BH_ROOT_VSPACE, LARGE_VA, RW, 1));
    bh_cptr_t a = frame_page_derive(env, lf, 7 * PAGE_SIZE, RW), b = frame_page_derive(env, lf, 8 * PAGE_SIZE, RW);
    CHECK(a && b);
    bh_cptr_t a_copy = copy_of(env, a, RW), b_copy = copy_of(env, b, RW);
    CHECK(a_copy && b_copy);
    uint64_t va_a = PAGE_VA + 5 * PAGE_SIZE, va_a_copy = va_a + PAGE_SIZE, va_b = va_a + 2 * PAGE_SIZE,
             va_b_copy = va_a + 3 * PAGE_SIZE;
    CHECK_OK(bh_map_frame(&env->alloc, a, BH_ROOT_VSPACE, va_a, RW, 1));
    CHECK_OK(bh_map_frame(&env->alloc, a_copy, BH_ROOT_VSPACE, va_a_copy, RW, 1));
    CHECK_OK(bh_map_frame(&env->alloc, b, BH_ROOT_VSPACE, va_b, RW, 1));
    CHECK_OK(bh_map_frame(&env->alloc, b_copy, BH_ROOT_VSPACE, va_b_copy, RW, 1));
    CHECK(touchable(env, va_a_copy, probe_read) == 1); /* the probe works */
    /* A grant ends: revoking page a takes its copy's mapping and nothing else. */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, a, 64));
    CHECK(empty(env, a_copy));
    CHECK(touchable(env, va_a_copy, probe_read) == 0);
    CHECK(touchable(env, va_a, probe_read) == 1);
    CHECK(touchable(env, va_b_copy, probe_read) == 1);
    /* Deleting it takes its own mapping; the frame's mapping of the same memory stays. */
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, a, 64));
    CHECK(touchable(env, va_a, probe_read) == 0);
    *at(LARGE_VA + 7 * PAGE_SIZE) = 0x77;
    CHECK(*at(LARGE_VA + 7 * PAGE_SIZE) == 0x77);
    CHECK(touchable(env, va_b, probe_read) == 1);
    /* The guest dies: revoking the frame takes page b, its copy and both mappings. */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, lf, 64));
    CHECK(empty(env, b) && empty(env, b_copy));
    CHECK(touchable(env, va_b, probe_read) == 0);
    CHECK(touchable(env, va_b_copy, probe_read) == 0);
    CHECK(touchable(env, LARGE_VA, probe_read) == 1); /* the frame's own capability stays */
    CHECK_OK(bh_frame_unmap(lf));
    return 0;
}

/* Into an IOSpace: a frame at iova, with the page tables it needs. */
static int map_io(struct env *env, bh_cptr_t space, bh_cptr_t frame, uint64_t iova)
{
    for (int tries = 0; tries < 4; tries++) {
        int err = bh_io_space_map_frame(space, frame, iova, BH_RIGHT_READ | BH_RIGHT_WRITE);
        if (err != BH_ERR_FAILED_LOOKUP) return err;
        if ((err = bh_io_space_map_table(space, new_object(env, BH_OBJ_PAGE_TABLE, 0), iova)) != BH_ERR_OK) return err;
    }
    return BH_ERR_FAILED_LOOKUP;
}

/* Named iospace_* so that the suite's IOMMU runs report it: a page's IOMMU entry goes with the
 * page's revoke, and with the frame's. The IOVA is free again exactly then (DMA through such
 * entries is the platform's iospace group's). */
static int io_space_entries_go(struct env *env)
{
    const uint64_t iova = 0x300000;
    bh_cptr_t space = new_object(env, BH_OBJ_IO_SPACE, 0);
    if (!space) SKIP("no IOMMU the kernel drives on this machine");
    CHECK_OK(bh_asid_pool_assign(BH_ROOT_ASID_POOL, space));
    bh_cptr_t lf = frame_page_new_large(env), other = new_object(env, BH_OBJ_FRAME, 0);
    CHECK(lf && other);
    bh_cptr_t a = frame_page_derive(env, lf, 0x10000, RW), b = frame_page_derive(env, lf, 0x11000, BH_RIGHT_READ);
    CHECK(a && b);
    bh_cptr_t a_copy = copy_of(env, a, RW);
    CHECK(a_copy != 0);
    CHECK_OK(map_io(env, space, a_copy, iova));
    CHECK_OK(map_io(env, space, b, iova + PAGE_SIZE));
    CHECK_ERR(map_io(env, space, other, iova), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, a, 64)); /* the grant ends */
    CHECK_OK(map_io(env, space, other, iova));
    CHECK_ERR(bh_frame_unmap(other), BH_ERR_OK);
    CHECK_ERR(map_io(env, space, other, iova + PAGE_SIZE), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, lf, 64)); /* the guest dies */
    CHECK(empty(env, b));
    CHECK_OK(map_io(env, space, other, iova + PAGE_SIZE));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, space, 64));
    return 0;
}

/* The GuestSpace half: the platform's, or a SKIP where this machine runs no guests. */
__attribute__((weak)) int frame_page_guest(struct env *env)
{
    SKIP("no VCPUs on this platform yet");
}

const struct test tests_frame_page[] = {
    {"frame_page_read_write_through_a_page", read_write_through_a_page},
    {"frame_page_rights_never_grow", rights_never_grow},
    {"frame_page_revoke_page_then_frame", revoke_page_then_frame},
    {"frame_page_in_a_guest_space", frame_page_guest},
    {"iospace_frame_page_entries_go_with_their_capability", io_space_entries_go},
    {NULL, NULL},
};
