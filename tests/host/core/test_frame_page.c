/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Pages derived from a large frame (Frame DerivePage, kernel/vspace.c and cap.c): what the
 * page capability names, its place in the derivation tree, its mappings in a VSpace, a
 * GuestSpace and an IOSpace going with it, and all of them going with the large frame. */
#include "harness.h"
#include "fixture.h"

#define N 20u
#define LARGE N         /* the large frame */
#define VS (N + 1)      /* a VSpace with tables at VADDR (N + 2, N + 3) */
#define GS (N + 4)      /* a GuestSpace with tables at GPA (N + 5, N + 6) */
#define IOS (N + 7)     /* an IOSpace with tables at IOVA (N + 8, N + 9) */
#define PAGE (N + 10)   /* pages and copies from here */
#define VADDR 0x400000u
#define GPA 0x200000u
#define IOVA 0x200000u

static exception_t del(word_t slot)
{
    word_t mr[2] = {slot, WORD_BITS};
    return fx_cnode(INV_CNODE_DELETE, mr, 2);
}

static exception_t revoke(word_t slot)
{
    word_t mr[2] = {slot, WORD_BITS};
    return fx_cnode(INV_CNODE_REVOKE, mr, 2);
}

static exception_t derive_page(word_t frame, word_t offset, word_t rights, word_t dest)
{
    word_t mr[4] = {offset, rights, dest, WORD_BITS};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    return fx_decode(fx_slot(frame), INV_FRAME_DERIVE_PAGE, mr, 4, caps, 1);
}

static exception_t map_table(word_t space, word_t label, word_t table, word_t addr)
{
    word_t mr[1] = {addr};
    struct cte *caps[1] = {fx_slot(table)};
    if (label == INV_PAGE_TABLE_MAP) {
        caps[0] = fx_slot(space);
        return fx_decode(fx_slot(table), label, mr, 1, caps, 1);
    }
    return fx_decode(fx_slot(space), label, mr, 1, caps, 1);
}

static exception_t vs_map(word_t frame, word_t vaddr, word_t rights)
{
    word_t mr[3] = {vaddr, rights, 0};
    struct cte *caps[1] = {fx_slot(VS)};
    return fx_decode(fx_slot(frame), INV_FRAME_MAP, mr, 3, caps, 1);
}

static exception_t gs_map(word_t frame, word_t gpa, word_t rights)
{
    word_t mr[2] = {gpa, rights};
    struct cte *caps[1] = {fx_slot(frame)};
    return fx_decode(fx_slot(GS), INV_GUEST_SPACE_MAP_FRAME, mr, 2, caps, 1);
}

static exception_t io_map(word_t frame, word_t iova, word_t rights)
{
    word_t mr[2] = {iova, rights};
    struct cte *caps[1] = {fx_slot(frame)};
    return fx_decode(fx_slot(IOS), INV_IO_SPACE_MAP_FRAME, mr, 2, caps, 1);
}

static void *root_of(word_t slot) { return (void *)fx_slot(slot)->cap.ptr; }

/* A large frame, and the three kinds of space each with the two tables a 4 KiB page needs. */
static void world(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_LARGE_FRAME, 0, LARGE, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, VS, 1), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, VS), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_GUEST_SPACE, 0, GS, 1), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, GS), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_IO_SPACE, 0, IOS, 1), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, IOS), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, VS + 1, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, GS + 1, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, IOS + 1, 2), ERR_OK);
    for (word_t i = 1; i <= 2; i++) {
        CHECK_EQ(map_table(VS, INV_PAGE_TABLE_MAP, VS + i, VADDR), ERR_OK);
        CHECK_EQ(map_table(GS, INV_GUEST_SPACE_MAP_TABLE, GS + i, GPA), ERR_OK);
        CHECK_EQ(map_table(IOS, INV_IO_SPACE_MAP_TABLE, IOS + i, IOVA), ERR_OK);
    }
}

/* The physical address root maps at addr, or 0. */
static paddr_t mapped(word_t space, word_t addr, word_t *rights)
{
    paddr_t pa = 0;
    return fake_lookup(root_of(space), addr, &pa, rights) ? pa : 0;
}

static paddr_t large_pa(word_t offset) { return ptr_to_paddr((void *)fx_slot(LARGE)->cap.ptr) + offset; }

TEST(frame_page_names_one_page_of_the_frame)
{
    world();
    CHECK_EQ(derive_page(LARGE, 0x5000, RIGHT_READ | RIGHT_WRITE, PAGE), ERR_OK);
    const struct cte *p = fx_slot(PAGE);
    CHECK_EQ(p->cap.type, OBJ_FRAME);
    CHECK_EQ(p->cap.ptr, fx_slot(LARGE)->cap.ptr + 0x5000);
    CHECK_EQ(p->cap.rights, RIGHT_READ | RIGHT_WRITE);
    CHECK(!mapping_present(&p->cap));
    CHECK(!frame_is_device(&p->cap));
    /* A child of the frame, revocable so that its copies are its children. */
    CHECK_PTR(fx_slot(LARGE)->next, p);
    CHECK(cte_has_children(fx_slot(LARGE)));
    CHECK(p->flags & CTE_REVOCABLE);
    CHECK_EQ(fx_copy(PAGE, PAGE + 1, RIGHT_READ), ERR_OK);
    CHECK(cte_has_children(p));
    CHECK(!(fx_slot(PAGE + 1)->flags & CTE_REVOCABLE));
    /* Mapped, it is that page and no other, in all three kinds of space. */
    CHECK_EQ(vs_map(PAGE, VADDR, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    CHECK_EQ(mapped(VS, VADDR, NULL), large_pa(0x5000));
    CHECK_EQ(gs_map(PAGE + 1, GPA, RIGHT_READ), ERR_OK);
    CHECK_EQ(mapped(GS, GPA, NULL), large_pa(0x5000));
    CHECK_EQ(derive_page(LARGE, 0x1ff000, RIGHT_READ, PAGE + 2), ERR_OK);
    CHECK_EQ(io_map(PAGE + 2, IOVA, RIGHT_READ), ERR_OK);
    CHECK_EQ(mapped(IOS, IOVA, NULL), large_pa(0x1ff000));
    CHECK_EQ(check_invariants(), 0);
}

TEST(frame_page_rights_never_grow)
{
    world();
    CHECK_EQ(fx_copy(LARGE, PAGE, RIGHT_READ), ERR_OK);
    CHECK_EQ(derive_page(PAGE, 0, RIGHT_READ | RIGHT_WRITE, PAGE + 1), ERR_INSUFFICIENT_RIGHTS);
    CHECK_EQ(fx_slot(PAGE + 1)->cap.type, OBJ_NULL);
    CHECK_EQ(derive_page(PAGE, 0, RIGHT_READ, PAGE + 1), ERR_OK);
    CHECK_EQ(fx_slot(PAGE + 1)->cap.rights, RIGHT_READ);
    /* Mapped writable, a read-only page is mapped read-only; Mint takes rights away further. */
    word_t rights = 0;
    CHECK_EQ(vs_map(PAGE + 1, VADDR, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    CHECK(mapped(VS, VADDR, &rights) != 0);
    CHECK_EQ(rights, RIGHT_READ);
    CHECK_EQ(gs_map(PAGE + 1, GPA, RIGHT_READ | RIGHT_WRITE), ERR_DELETE_FIRST); /* one mapping per capability */
    CHECK_EQ(fx_copy(PAGE + 1, PAGE + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_slot(PAGE + 2)->cap.rights, RIGHT_READ);
    CHECK_EQ(gs_map(PAGE + 2, GPA, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    CHECK(mapped(GS, GPA, &rights) != 0);
    CHECK_EQ(rights, RIGHT_READ);
    CHECK_EQ(derive_page(LARGE, 0, RIGHT_WRITE, PAGE + 3), ERR_OK);
    CHECK_EQ(fx_copy(PAGE + 3, PAGE + 4, 0), ERR_OK);
    CHECK_EQ(fx_slot(PAGE + 4)->cap.rights, 0);
    CHECK_EQ(io_map(PAGE + 3, IOVA, RIGHT_READ), ERR_INSUFFICIENT_RIGHTS); /* write-only */
}

TEST(frame_page_refused_without_changing_anything)
{
    world();
    CHECK_EQ(derive_page(LARGE, 0x1000, RIGHT_READ, PAGE), ERR_OK);
    struct cte *last = fx_slot(PAGE);
    CHECK_EQ(derive_page(PAGE, 0, RIGHT_READ, PAGE + 1), ERR_WRONG_OBJECT_TYPE); /* from a page */
    CHECK_EQ(derive_page(LARGE, 0x800, RIGHT_READ, PAGE + 1), ERR_ALIGNMENT);
    CHECK_EQ(derive_page(LARGE, 0x200000, RIGHT_READ, PAGE + 1), ERR_RANGE);
    CHECK_EQ(derive_page(LARGE, ~(word_t)0xfff, RIGHT_READ, PAGE + 1), ERR_RANGE); /* no wrap-around */
    CHECK_EQ(derive_page(LARGE, 0x2000, RIGHT_READ, PAGE), ERR_DELETE_FIRST);
    CHECK_EQ(fx_slot(PAGE + 1)->cap.type, OBJ_NULL);
    CHECK_PTR(fx_slot(LARGE)->next, last);
    CHECK_EQ(last->cap.ptr, fx_slot(LARGE)->cap.ptr + 0x1000);
    CHECK_EQ(fx_list_after(fx_slot(LARGE)), fx_list_after(last) + 1);
}

TEST(frame_page_revoked_unmaps_only_that_page)
{
    world();
    /* The large frame mapped as a whole in the guest; two pages derived, each with a copy. */
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, PAGE + 9, 1), ERR_OK);
    CHECK_EQ(map_table(GS, INV_GUEST_SPACE_MAP_TABLE, PAGE + 9, 0x40000000), ERR_OK);
    CHECK_EQ(gs_map(LARGE, 0x40000000, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    CHECK_EQ(derive_page(LARGE, 0x3000, RIGHT_READ | RIGHT_WRITE, PAGE), ERR_OK);
    CHECK_EQ(derive_page(LARGE, 0x4000, RIGHT_READ | RIGHT_WRITE, PAGE + 1), ERR_OK);
    CHECK_EQ(fx_copy(PAGE, PAGE + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_copy(PAGE + 1, PAGE + 3, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(vs_map(PAGE, VADDR, RIGHT_READ), ERR_OK);
    CHECK_EQ(gs_map(PAGE + 2, GPA, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    CHECK_EQ(io_map(PAGE + 1, IOVA, RIGHT_READ), ERR_OK);
    CHECK_EQ(vs_map(PAGE + 3, VADDR + 0x1000, RIGHT_READ), ERR_OK);
    /* The granter ends one grant: revoking page 0x3000 takes its copy and the guest mapping. */
    CHECK_EQ(revoke(PAGE), ERR_OK);
    CHECK_EQ(fx_slot(PAGE + 2)->cap.type, OBJ_NULL);
    CHECK_EQ(mapped(GS, GPA, NULL), 0);
    CHECK_EQ(mapped(VS, VADDR, NULL), large_pa(0x3000)); /* the page's own mapping */
    CHECK_EQ(mapped(VS, VADDR + 0x1000, NULL), large_pa(0x4000));
    CHECK_EQ(mapped(IOS, IOVA, NULL), large_pa(0x4000));
    CHECK_EQ(mapped(GS, 0x40000000, NULL), large_pa(0));
    /* Deleting it then takes its own mapping and nothing else. */
    CHECK_EQ(del(PAGE), ERR_OK);
    CHECK_EQ(mapped(VS, VADDR, NULL), 0);
    CHECK_EQ(mapped(VS, VADDR + 0x1000, NULL), large_pa(0x4000));
    CHECK_EQ(mapped(GS, 0x40000000 + 0x3000, NULL), large_pa(0x3000));
    CHECK_EQ(fx_slot(PAGE + 1)->cap.type, OBJ_FRAME);
    CHECK_EQ(check_invariants(), 0);
}

TEST(frame_page_goes_with_the_frame)
{
    world();
    CHECK_EQ(fx_copy(LARGE, PAGE + 9, RIGHTS_ALL), ERR_OK); /* the VMM's copy of a RAM frame */
    CHECK_EQ(derive_page(PAGE + 9, 0x7000, RIGHT_READ | RIGHT_WRITE, PAGE), ERR_OK);
    CHECK_EQ(derive_page(LARGE, 0x8000, RIGHT_READ, PAGE + 1), ERR_OK);
    CHECK_EQ(fx_copy(PAGE, PAGE + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_copy(PAGE + 1, PAGE + 3, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(vs_map(PAGE, VADDR, RIGHT_READ), ERR_OK);
    CHECK_EQ(gs_map(PAGE + 2, GPA, RIGHT_READ), ERR_OK);
    CHECK_EQ(io_map(PAGE + 3, IOVA, RIGHT_READ), ERR_OK);
    CHECK_EQ(vs_map(PAGE + 1, VADDR + 0x1000, RIGHT_READ), ERR_OK);
    /* Revoking a copy that is not revocable leaves the pages derived from it. */
    CHECK_EQ(revoke(PAGE + 9), ERR_OK);
    CHECK_EQ(fx_slot(PAGE)->cap.type, OBJ_FRAME);
    /* The guest dies: revoking the original takes every page, every copy, every mapping. */
    word_t flushes = fake_iommu_flushes;
    CHECK_EQ(revoke(LARGE), ERR_OK);
    for (word_t i = 0; i < 4; i++) CHECK_EQ(fx_slot(PAGE + i)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(PAGE + 9)->cap.type, OBJ_NULL);
    CHECK_EQ(mapped(VS, VADDR, NULL), 0);
    CHECK_EQ(mapped(VS, VADDR + 0x1000, NULL), 0);
    CHECK_EQ(mapped(GS, GPA, NULL), 0);
    CHECK_EQ(mapped(IOS, IOVA, NULL), 0);
    CHECK(fake_iommu_flushes > flushes);
    CHECK(!cte_has_children(fx_slot(LARGE)));
    CHECK_EQ(check_invariants(), 0);
}

TEST(frame_page_outlives_a_deleted_frame_until_its_untyped_is_revoked)
{
    /* The pages stay children of the frame's ancestors: deleting the frame (not revoking it)
     * leaves them, and revoking the Untyped the frame came from takes them. */
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 22, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_LARGE_FRAME, 0, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_FRAME, 0, N + 2, 1), ERR_OK); /* a neighbour outside the frame */
    CHECK_EQ(derive_page(N + 1, 0x1000, RIGHT_READ, PAGE), ERR_OK);
    CHECK_EQ(del(N + 1), ERR_OK);
    CHECK_EQ(fx_slot(PAGE)->cap.type, OBJ_FRAME);
    CHECK_EQ(revoke(N), ERR_OK);
    CHECK_EQ(fx_slot(PAGE)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 2)->cap.type, OBJ_NULL);
    CHECK_EQ(check_invariants(), 0);
}

TEST(frame_page_of_a_neighbour_is_no_child)
{
    /* Two large frames side by side: a page of the second is not a child of the first. */
    CHECK_EQ(fx_retype(S_UT, OBJ_LARGE_FRAME, 0, N, 2), ERR_OK);
    CHECK_EQ(fx_slot(N + 1)->cap.ptr, fx_slot(N)->cap.ptr + BIT(LARGE_PAGE_BITS));
    CHECK_EQ(derive_page(N + 1, 0, RIGHT_READ, PAGE), ERR_OK);
    CHECK_EQ(derive_page(N, 0x1ff000, RIGHT_READ, PAGE + 1), ERR_OK);
    CHECK_EQ(revoke(N), ERR_OK);
    CHECK_EQ(fx_slot(PAGE + 1)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(PAGE)->cap.type, OBJ_FRAME);
    CHECK_EQ(revoke(N + 1), ERR_OK);
    CHECK_EQ(fx_slot(PAGE)->cap.type, OBJ_NULL);
}

TEST(frame_page_of_device_memory_is_device_memory)
{
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_LARGE_FRAME, 0, N, 1), ERR_OK);
    CHECK(frame_is_device(&fx_slot(N)->cap));
    CHECK_EQ(derive_page(N, 0x2000, RIGHT_READ | RIGHT_WRITE, PAGE), ERR_OK);
    CHECK(frame_is_device(&fx_slot(PAGE)->cap));
    CHECK_EQ(fx_copy(PAGE, PAGE + 1, RIGHTS_ALL), ERR_OK);
    CHECK(frame_is_device(&fx_slot(PAGE + 1)->cap));
    /* Device memory is not a thread's IPC buffer, whatever its size. */
    CHECK_EQ(fx_retype(S_UT, OBJ_TCB, 0, PAGE + 2, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, PAGE + 3, 1), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, PAGE + 3), ERR_OK);
    word_t mr[1] = {0x10000};
    struct cte *caps[3] = {fx_slot(S_CNODE), fx_slot(PAGE + 3), fx_slot(PAGE)};
    CHECK_EQ(fx_decode(fx_slot(PAGE + 2), INV_TCB_CONFIGURE, mr, 1, caps, 3), ERR_WRONG_OBJECT_TYPE);
}
