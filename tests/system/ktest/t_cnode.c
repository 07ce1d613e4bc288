/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* CNode invocations and capability addressing. */
#include "ktest.h"

static int copy_mint_move_delete(struct env *env)
{
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    bh_cptr_t c1 = new_slot(env), c2 = new_slot(env), c3 = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, c1, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHT_READ));
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, c2, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL, 0x55));
    CHECK_ERR(bh_cnode_mint(BH_ROOT_CNODE, c3, 64, BH_ROOT_CNODE, c2, 64, BH_RIGHTS_ALL, 0x66), BH_ERR_ILLEGAL_OPERATION);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, c2, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_cnode_move(BH_ROOT_CNODE, c3, 64, BH_ROOT_CNODE, c2, 64));
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, c2, 64, BH_ROOT_CNODE, c2, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, c3, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, c3, 64)); /* deleting an empty slot is fine */
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, c1, 64));
    return 0;
}

static int copy_reduces_rights(struct env *env)
{
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    bh_cptr_t ro = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, ro, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHT_READ));
    /* NBSend on a read-only endpoint capability does nothing; NBRecv is allowed and empty. */
    bh_nbsend(ro, bh_msginfo(0, 0, 0, 0));
    bh_word_t badge = 7;
    bh_msginfo_t info = bh_nbrecv(ro, &badge);
    CHECK(badge == 0 && info == 0);
    return 0;
}

static int revoke_deletes_children(struct env *env)
{
    bh_cptr_t ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t a = new_slot(env), b = new_slot(env), c = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, a, 64, BH_ROOT_CNODE, ntfn, 64, BH_RIGHTS_ALL, 1));
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, b, 64, BH_ROOT_CNODE, a, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, c, 64, BH_ROOT_CNODE, ntfn, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, a, 64));
    /* b (derived from a) is gone, a and c remain. */
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, b, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    bh_signal(a);
    CHECK(bh_poll(c) == 1);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, ntfn, 64));
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, a, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, c, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    return 0;
}

static int deleting_parent_keeps_child(struct env *env)
{
    bh_cptr_t ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t a = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, a, 64, BH_ROOT_CNODE, ntfn, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, ntfn, 64));
    bh_signal(a);
    CHECK(bh_poll(a) == 0); /* unbadged signal: bit pattern 0, but the object still works */
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, ntfn, 64, BH_ROOT_CNODE, a, 64, BH_RIGHTS_ALL));
    return 0;
}

static int nested_cnode_addressing(struct env *env)
{
    /* top (4 bits) holds sub (4 bits, with a 4-bit guard of value 5) in slot 2; sub holds an
     * endpoint in slot 3. Path through top: 2 | guard 5 | 3, 12 bits. */
    bh_cptr_t top = new_object(env, BH_OBJ_CNODE, 4);
    bh_cptr_t sub = new_object(env, BH_OBJ_CNODE, 4);
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    CHECK_OK(bh_cnode_mint(top, 2, 4, BH_ROOT_CNODE, sub, 64, BH_RIGHTS_ALL, (5u << 6) | 4u));
    CHECK_OK(bh_cnode_copy(sub, 3, 4, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL));
    bh_cptr_t back = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, back, 64, top, (2u << 8) | (5u << 4) | 3u, 12, BH_RIGHTS_ALL));
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, top, (2u << 8) | (6u << 4) | 3u, 12, BH_RIGHTS_ALL),
              BH_ERR_FAILED_LOOKUP);
    CHECK(bh_get_mr(1) == 4); /* guard mismatch */
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, top, (2u << 6) | 3u, 10, BH_RIGHTS_ALL),
              BH_ERR_FAILED_LOOKUP);
    CHECK(bh_get_mr(1) == 3); /* depth mismatch */
    CHECK_ERR(bh_cnode_mint(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, sub, 64, BH_RIGHTS_ALL, 61),
              BH_ERR_INVALID_ARGUMENT);
    return 0;
}

static int lookup_errors(struct env *env)
{
    bh_cptr_t s = new_slot(env);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, s, 64, BH_ROOT_CNODE, 4000, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, s, 0, BH_ROOT_CNODE, BH_ROOT_TCB, 64, BH_RIGHTS_ALL), BH_ERR_RANGE);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, s, 70, BH_ROOT_CNODE, BH_ROOT_TCB, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, s, 64, BH_ROOT_TCB, BH_ROOT_TCB, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, s, 64, BH_ROOT_CNODE, 0xffff, 12, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    /* Untyped and IRQ handlers are moved, not copied. */
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, s, 64, BH_ROOT_CNODE, env->bi->untyped_first, 64, BH_RIGHTS_ALL),
              BH_ERR_ILLEGAL_OPERATION);
    /* A missing extra capability. */
    bh_set_cap(0, 4001);
    bh_set_mr(0, s);
    bh_set_mr(1, 64);
    bh_set_mr(2, BH_ROOT_TCB);
    bh_set_mr(3, 64);
    bh_set_mr(4, BH_RIGHTS_ALL);
    bh_msginfo_t r = raw_call(BH_ROOT_CNODE, BH_INV_CNODE_COPY, 5, 1);
    CHECK(bh_msginfo_label(r) == BH_ERR_FAILED_LOOKUP);
    r = raw_call(BH_ROOT_CNODE, BH_INV_CNODE_COPY, 5, 0);
    CHECK(bh_msginfo_label(r) == BH_ERR_TRUNCATED_MESSAGE);
    r = raw_call(BH_ROOT_CNODE, BH_INV_TCB_RESUME, 0, 0);
    CHECK(bh_msginfo_label(r) == BH_ERR_ILLEGAL_OPERATION);
    return 0;
}

static int delete_cnode_with_contents(struct env *env)
{
    /* A CNode holding the last capability to another CNode that holds a TCB: deleting the
     * outer one destroys the chain without recursion. */
    bh_cptr_t outer = new_object(env, BH_OBJ_CNODE, 3);
    bh_cptr_t inner = new_object(env, BH_OBJ_CNODE, 3);
    bh_cptr_t tcb = new_object(env, BH_OBJ_TCB, 0);
    CHECK_OK(bh_cnode_move(inner, 1, 3, BH_ROOT_CNODE, tcb, 64));
    CHECK_OK(bh_cnode_move(outer, 2, 3, BH_ROOT_CNODE, inner, 64));
    /* The outer CNode also holds a capability to itself. */
    CHECK_OK(bh_cnode_copy(outer, 5, 3, BH_ROOT_CNODE, outer, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, outer, 64));
    return 0;
}

static int mutate(struct env *env)
{
    bh_cptr_t n = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t keep = new_slot(env), badged = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, keep, 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL));
    /* Mutate moves the capability and sets its badge at once. */
    CHECK_OK(bh_cnode_mutate(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, n, 64, 0x4));
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    bh_signal(badged);
    CHECK(bh_poll(keep) == 0x4);
    CHECK_ERR(bh_cnode_mutate(BH_ROOT_CNODE, n, 64, BH_ROOT_CNODE, badged, 64, 0x8), BH_ERR_ILLEGAL_OPERATION);
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_ERR(bh_cnode_mutate(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, f, 64, 1), BH_ERR_INVALID_ARGUMENT);
    /* A CNode mutated to a guard: its slots are then reached through the guard. */
    bh_cptr_t top = new_object(env, BH_OBJ_CNODE, 4), sub = new_object(env, BH_OBJ_CNODE, 4);
    CHECK_OK(bh_cnode_mutate(top, 1, 4, BH_ROOT_CNODE, sub, 64, (3u << 6) | 2u));
    bh_cptr_t path = (1u << 6) | (3u << 4) | 5u; /* top slot 1, guard 3 (2 bits), sub slot 5 */
    CHECK_OK(bh_cnode_copy(top, path, 10, BH_ROOT_CNODE, keep, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, top, path, 10, BH_RIGHTS_ALL));
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, top, path ^ (1u << 4), 10, BH_RIGHTS_ALL),
              BH_ERR_FAILED_LOOKUP);
    return 0;
}

const struct test tests_cnode[] = {
    {"cnode_mutate_badge_and_guard", mutate},
    {"cnode_copy_mint_move_delete", copy_mint_move_delete},
    {"cnode_copy_reduces_rights", copy_reduces_rights},
    {"cnode_revoke_deletes_children", revoke_deletes_children},
    {"cnode_deleting_parent_keeps_child", deleting_parent_keeps_child},
    {"cnode_nested_addressing_and_guards", nested_cnode_addressing},
    {"cnode_lookup_errors", lookup_errors},
    {"cnode_delete_nested_containers", delete_cnode_with_contents},
    {0, 0},
};
