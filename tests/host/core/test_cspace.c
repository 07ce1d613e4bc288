/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* CSpace addressing (kernel/cspace.c) and the CNode invocations (kernel/cnode.c). */
#include "harness.h"
#include "fixture.h"

#define N 20u

/* A CNode of radix 4 in root slot N, seen through a capability with guard bits. */
static struct cap small_root(word_t guard_bits, word_t guard)
{
    ASSERT(fx_retype(S_UT, OBJ_CNODE, 4, N, 1) == ERR_OK);
    struct cap c = fx_slot(N)->cap;
    c.guard_bits = (uint8_t)guard_bits;
    c.data = guard;
    return c;
}

TEST(cspace_root_resolves_slot_number)
{
    struct lookup l = cspace_lookup_slot(&fx_slot(S_CNODE)->cap, S_UT, WORD_BITS);
    CHECK_EQ(l.failure, LF_NONE);
    CHECK_PTR(l.slot, fx_slot(S_UT));
    l = cspace_lookup_slot(&fx_slot(S_CNODE)->cap, 255, WORD_BITS);
    CHECK_PTR(l.slot, fx_slot(255));
}

TEST(cspace_guard_mismatch)
{
    struct cap root = small_root(4, 0xa);
    struct lookup l = cspace_lookup_slot(&root, 0xa3, 8);
    CHECK_EQ(l.failure, LF_NONE);
    CHECK_PTR(l.slot, &cnode_slots(&root)[3]);
    l = cspace_lookup_slot(&root, 0xb3, 8);
    CHECK_EQ(l.failure, LF_GUARD);
    CHECK_PTR(l.slot, NULL);
    /* In the full-width root, a set bit above the slot number is a guard mismatch. */
    l = cspace_lookup_slot(&fx_slot(S_CNODE)->cap, BIT(40) | 3, WORD_BITS);
    CHECK_EQ(l.failure, LF_GUARD);
}

TEST(cspace_two_levels)
{
    struct cap root = small_root(4, 0);
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 2, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N + 2, 1), ERR_OK);
    /* Put the radix-2 CNode (guard 2 bits = 01) into slot 9 of the radix-4 one. */
    word_t mr[6] = {0x09, 8, N + 1, WORD_BITS, RIGHTS_ALL, 2u | (1u << 6)};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    struct cte holder = {.cap = root};
    CHECK_EQ(fx_decode(&holder, INV_CNODE_MINT, mr, 6, caps, 1), ERR_OK);
    struct cte *inner_cn = &cnode_slots(&root)[9];
    CHECK_EQ(inner_cn->cap.guard_bits, 2);
    /* cptr bits: guard 0000 | index 1001 | guard 01 | index 10 = 12 bits */
    word_t cptr = (0x9u << 4) | (1u << 2) | 2u;
    struct lookup l = cspace_lookup_slot(&root, cptr, 12);
    CHECK_EQ(l.failure, LF_NONE);
    CHECK_PTR(l.slot, &cnode_slots(&inner_cn->cap)[2]);
    l = cspace_lookup_slot(&root, (0x9u << 4) | (2u << 2) | 2u, 12);
    CHECK_EQ(l.failure, LF_GUARD);
    /* Depth 8 stops at the inner CNode's slot itself. */
    l = cspace_lookup_slot(&root, 0x09, 8);
    CHECK_EQ(l.failure, LF_NONE);
    CHECK_PTR(l.slot, inner_cn);
}

TEST(cspace_depth_failures)
{
    struct cap root = small_root(4, 0);
    CHECK_EQ(cspace_lookup_slot(&root, 3, 0).failure, LF_DEPTH);
    CHECK_EQ(cspace_lookup_slot(&root, 3, 65).failure, LF_DEPTH);
    CHECK_EQ(cspace_lookup_slot(&root, 3, 7).failure, LF_DEPTH); /* a level needs 8 bits */
    /* Bits left over at a slot that is not a CNode: the slot, with LF_DEPTH. */
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N + 1, 1), ERR_OK);
    struct lookup l = cspace_lookup_slot(&root, 0x5 << 4, 12);
    CHECK_EQ(l.failure, LF_DEPTH);
    CHECK_PTR(l.slot, &cnode_slots(&root)[5]);
}

TEST(cspace_invalid_root)
{
    struct lookup l = cspace_lookup_slot(&fx_slot(S_UT)->cap, 0, WORD_BITS);
    CHECK_EQ(l.failure, LF_INVALID_ROOT);
    struct cte *out = NULL;
    CHECK_EQ(lookup_dest_slot(&fx_slot(S_UT)->cap, 0, WORD_BITS, &out), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[0], 0);
    CHECK_EQ(current_error.detail[1], LF_INVALID_ROOT);
    CHECK_EQ(lookup_src_slot(&fx_slot(S_UT)->cap, 0, WORD_BITS, &out), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_PTR(out, NULL);
}

TEST(cspace_dest_and_src_slot_errors)
{
    struct cte *out = NULL;
    const struct cap *root = &fx_slot(S_CNODE)->cap;
    CHECK_EQ(lookup_dest_slot(root, S_UT, WORD_BITS, &out), ERR_DELETE_FIRST);
    CHECK_EQ(lookup_dest_slot(root, N, 0, &out), ERR_RANGE);
    CHECK_EQ(current_error.detail[1], WORD_BITS);
    CHECK_EQ(lookup_dest_slot(root, N, 32, &out), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], LF_DEPTH);
    CHECK_EQ(lookup_src_slot(root, BIT(63), WORD_BITS, &out), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(current_error.detail[1], LF_GUARD);
    CHECK_EQ(lookup_dest_slot(root, N, WORD_BITS, &out), ERR_OK);
    CHECK_PTR(out, fx_slot(N));
}

TEST(cspace_thread_lookup_full_width)
{
    struct tcb *t = fx_thread(N, 10);
    CHECK_PTR(cspace_lookup_cap(t, S_UT), fx_slot(S_UT));
    CHECK_PTR(cspace_lookup_cap(t, 200), NULL); /* empty */
    CHECK_PTR(cspace_lookup_cap(t, BIT(62) | 2), NULL); /* guard */
}

TEST(cnode_copy_errors)
{
    CHECK_EQ(fx_copy(N, N + 1, RIGHTS_ALL), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(current_error.detail[1], LF_MISSING);
    CHECK_EQ(fx_copy(S_UT_SMALL, S_UT, RIGHTS_ALL), ERR_DELETE_FIRST);
    word_t mr[5] = {N, WORD_BITS, S_CNODE, WORD_BITS, RIGHTS_ALL};
    CHECK_EQ(fx_cnode(INV_CNODE_COPY, mr, 4), ERR_TRUNCATED_MESSAGE);
    CHECK_EQ(fx_cnode(INV_CNODE_MINT, mr, 5), ERR_TRUNCATED_MESSAGE);
    CHECK_EQ(fx_cnode(INV_UNTYPED_RETYPE, mr, 5), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_cnode(INV_CNODE_COPY, mr, 5), ERR_OK);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_CNODE);
}

TEST(cnode_mutate_sets_badge_or_guard)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N, 1), ERR_OK);
    word_t mr[5] = {N + 1, WORD_BITS, N, WORD_BITS, 0x33};
    CHECK_EQ(fx_cnode(INV_CNODE_MUTATE, mr, 5), ERR_OK);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 1)->cap.data, 0x33);
    mr[0] = N + 2;
    mr[2] = N + 1;
    CHECK_EQ(fx_cnode(INV_CNODE_MUTATE, mr, 5), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_retype(S_UT, OBJ_TCB, 0, N + 3, 1), ERR_OK);
    mr[2] = N + 3;
    CHECK_EQ(fx_cnode(INV_CNODE_MUTATE, mr, 5), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 4);
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 3, N + 4, 1), ERR_OK);
    mr[2] = N + 4;
    mr[4] = 2u | (3u << 6);
    CHECK_EQ(fx_cnode(INV_CNODE_MUTATE, mr, 5), ERR_OK);
    CHECK_EQ(fx_slot(N + 2)->cap.guard_bits, 2);
    CHECK_EQ(fx_slot(N + 2)->cap.data, 3);
    CHECK_EQ(check_invariants(), 0);
}

TEST(cnode_move_untyped_keeps_children)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 16, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_ENDPOINT, 0, N + 1, 1), ERR_OK);
    word_t mr[4] = {N + 2, WORD_BITS, N, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_MOVE, mr, 4), ERR_OK);
    CHECK(cte_has_children(fx_slot(N + 2)));
    CHECK_EQ(fx_retype(N + 2, OBJ_ENDPOINT, 0, N + 3, 1), ERR_OK);
    CHECK_EQ(fx_slot(N + 3)->cap.ptr, fx_slot(N + 1)->cap.ptr + 16);
    /* From an empty slot */
    mr[0] = N + 5;
    CHECK_EQ(fx_cnode(INV_CNODE_MOVE, mr, 4), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], LF_MISSING);
}

/* The checker says what kernel/proof.h's cnode_ok_shape assumes: a radix of 64 (MASK(64) would
 * shift by a word) is a violation even with no guard. */
TEST(invariants_reject_cnode_radix_64)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 4, N, 1), ERR_OK);
    CHECK_EQ(check_invariants(), 0);
    fx_slot(N)->cap.size_bits = WORD_BITS;
    fx_slot(N)->cap.guard_bits = 0;
    CHECK_EQ(check_invariants(), 1);
    fx_slot(N)->cap.size_bits = 4;
    CHECK_EQ(check_invariants(), 0);
}
