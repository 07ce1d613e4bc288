/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The capability derivation tree (kernel/cap.c): insertion, parenthood, badges, move, unlink,
 * finality, derivation rules, and revoke. */
#include "harness.h"
#include "fixture.h"

#define EP 20u

TEST(cdt_retyped_objects_follow_untyped)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 2), ERR_OK);
    struct cte *ut = fx_slot(S_UT);
    /* Each new capability goes right after its parent: the last retyped comes first. */
    CHECK_PTR(ut->next, fx_slot(EP + 1));
    CHECK_PTR(fx_slot(EP + 1)->next, fx_slot(EP));
    CHECK_PTR(fx_slot(EP)->prev, fx_slot(EP + 1));
    CHECK(cte_has_children(ut));
    CHECK_EQ(fx_slot(EP)->flags, CTE_REVOCABLE);
    CHECK_EQ(check_invariants(), 0);
}

TEST(cdt_copy_is_child_of_original)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK(!cte_has_children(fx_slot(EP)));
    CHECK_EQ(fx_copy(EP, EP + 1, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_slot(EP + 1)->flags, 0);
    CHECK_PTR(fx_slot(EP)->next, fx_slot(EP + 1));
    CHECK(cte_has_children(fx_slot(EP)));
    CHECK(!cte_has_children(fx_slot(EP + 1)));
}

TEST(cdt_copy_reduces_rights)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_copy(EP, EP + 1, RIGHT_READ | RIGHT_GRANT), ERR_OK);
    CHECK_EQ(fx_slot(EP + 1)->cap.rights, RIGHT_READ | RIGHT_GRANT);
    /* Rights never grow back through a copy of the copy. */
    CHECK_EQ(fx_copy(EP + 1, EP + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_slot(EP + 2)->cap.rights, RIGHT_READ | RIGHT_GRANT);
}

TEST(cdt_badged_mint_starts_new_badge)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_mint(EP, EP + 1, RIGHTS_ALL, 5), ERR_OK);
    struct cte *b5 = fx_slot(EP + 1);
    CHECK_EQ(b5->cap.data, 5);
    CHECK_EQ(b5->flags, CTE_REVOCABLE | CTE_FIRST_BADGED);
    CHECK(cte_has_children(fx_slot(EP)));
    /* A copy of the badged capability is its child and keeps the badge. */
    CHECK_EQ(fx_copy(EP + 1, EP + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_slot(EP + 2)->cap.data, 5);
    CHECK(cte_has_children(b5));
    /* A second mint with the same badge from the original is not a child of the first. */
    CHECK_EQ(fx_mint(EP, EP + 3, RIGHTS_ALL, 5), ERR_OK);
    CHECK_PTR(fx_slot(EP + 3)->next, b5);
    CHECK(!cte_has_children(fx_slot(EP + 3)));
}

TEST(cdt_remint_of_badged_refused)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_mint(EP, EP + 1, RIGHTS_ALL, 1), ERR_OK);
    CHECK_EQ(fx_mint(EP + 1, EP + 2, RIGHTS_ALL, 2), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_slot(EP + 2)->cap.type, OBJ_NULL);
}

TEST(cdt_derive_rules)
{
    exception_t e;
    CHECK_EQ(fx_copy(S_UT, EP, RIGHTS_ALL), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_copy(S_IRQ_CONTROL, EP, RIGHTS_ALL), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_copy(S_DOMAIN, EP, RIGHTS_ALL), ERR_ILLEGAL_OPERATION);
    CHECK_EQ(fx_retype(S_UT, OBJ_TCB, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_mint(EP, EP + 1, RIGHTS_ALL, 7), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 5);
    CHECK_EQ(fx_mint(EP, EP + 1, RIGHTS_ALL, 0), ERR_OK); /* badge 0: a plain copy */
    /* A mapped frame's copy starts unmapped. */
    struct cap f = {.type = OBJ_FRAME, .rights = RIGHTS_ALL, .ptr = 0x1000, .data = 0x400000, .aux = 3};
    struct cap c = cap_derive(&f, RIGHTS_ALL, false, 0, &e);
    CHECK_EQ(e, ERR_OK);
    CHECK_EQ(c.data, 0);
    CHECK_EQ(c.aux, 0);
    struct cap z = {.type = CAP_ZOMBIE};
    cap_derive(&z, RIGHTS_ALL, false, 0, &e);
    CHECK_EQ(e, ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], LF_MISSING);
}

TEST(cdt_cnode_guard_through_mint)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 4, EP, 1), ERR_OK);
    /* badge = guard_bits | guard << 6 */
    CHECK_EQ(fx_mint(EP, EP + 1, RIGHTS_ALL, 3u | (5u << 6)), ERR_OK);
    CHECK_EQ(fx_slot(EP + 1)->cap.guard_bits, 3);
    CHECK_EQ(fx_slot(EP + 1)->cap.data, 5);
    CHECK_EQ(fx_slot(EP + 1)->cap.size_bits, 4);
    /* guard bits + radix over 64 */
    CHECK_EQ(fx_mint(EP, EP + 2, RIGHTS_ALL, 61u), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 5);
    CHECK_EQ(fx_mint(EP, EP + 2, RIGHTS_ALL, 60u), ERR_OK);
}

TEST(cdt_move_takes_place_in_list)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_copy(EP, EP + 1, RIGHTS_ALL), ERR_OK);
    struct cte *prev = fx_slot(EP)->prev;
    word_t mr[4] = {EP + 5, WORD_BITS, EP, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_MOVE, mr, 4), ERR_OK);
    struct cte *moved = fx_slot(EP + 5);
    CHECK_EQ(fx_slot(EP)->cap.type, OBJ_NULL);
    CHECK(fx_slot(EP)->next == NULL && fx_slot(EP)->prev == NULL);
    CHECK_PTR(moved->prev, prev);
    CHECK_PTR(prev->next, moved);
    CHECK_PTR(moved->next, fx_slot(EP + 1));
    CHECK_EQ(moved->flags, CTE_REVOCABLE);
    CHECK(cte_has_children(moved));
    CHECK_EQ(check_invariants(), 0);
}

TEST(cdt_unlink_leaves_children_to_grandparent)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 16, EP, 1), ERR_OK);
    CHECK_EQ(fx_retype(EP, OBJ_ENDPOINT, 0, EP + 1, 1), ERR_OK);
    CHECK_PTR(fx_slot(EP)->next, fx_slot(EP + 1));
    word_t mr[2] = {EP, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, mr, 2), ERR_OK);
    /* The endpoint stays, now under the root untyped whose region holds it. */
    CHECK_EQ(fx_slot(EP + 1)->cap.type, OBJ_ENDPOINT);
    CHECK_PTR(fx_slot(S_UT)->next, fx_slot(EP + 1));
    CHECK(cte_has_children(fx_slot(S_UT)));
    CHECK_EQ(check_invariants(), 0);
}

TEST(cdt_is_final)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 2), ERR_OK);
    /* Two endpoints side by side: different objects, each final. */
    CHECK(cte_is_final(fx_slot(EP)));
    CHECK(cte_is_final(fx_slot(EP + 1)));
    CHECK_EQ(fx_mint(EP, EP + 2, RIGHTS_ALL, 9), ERR_OK);
    CHECK(!cte_is_final(fx_slot(EP)));
    CHECK(!cte_is_final(fx_slot(EP + 2)));
    word_t mr[2] = {EP + 2, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, mr, 2), ERR_OK);
    CHECK(cte_is_final(fx_slot(EP)));
}

TEST(cdt_irq_and_io_port_children_of_control)
{
    word_t mr[3] = {5, EP, WORD_BITS};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    CHECK_EQ(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, mr, 3, caps, 1), ERR_OK);
    CHECK_EQ(fx_slot(EP)->cap.type, OBJ_IRQ_HANDLER);
    CHECK_EQ(fx_slot(EP)->flags, CTE_REVOCABLE);
    CHECK(cte_has_children(fx_slot(S_IRQ_CONTROL)));
    /* The same line twice: refused until the handler is gone. */
    mr[1] = EP + 1;
    CHECK_EQ(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, mr, 3, caps, 1), ERR_REVOKE_FIRST);
    word_t pm[4] = {0x60, 0x64, EP + 1, WORD_BITS};
    CHECK_EQ(fx_decode(fx_slot(S_IO_PORT_CONTROL), INV_IO_PORT_CONTROL_ISSUE, pm, 4, caps, 1), ERR_OK);
    CHECK(cte_has_children(fx_slot(S_IO_PORT_CONTROL)));
    word_t rm[2] = {S_IRQ_CONTROL, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, rm, 2), ERR_OK);
    CHECK_EQ(fx_slot(EP)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(EP + 1)->cap.type, OBJ_IO_PORT);
    mr[1] = EP + 2;
    CHECK_EQ(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, mr, 3, caps, 1), ERR_OK);
}

TEST(revoke_deletes_descendants_keeps_self)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_copy(EP, EP + 1, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_mint(EP, EP + 2, RIGHTS_ALL, 3), ERR_OK);
    CHECK_EQ(fx_copy(EP + 2, EP + 3, RIGHT_READ), ERR_OK);
    word_t mr[2] = {EP, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, mr, 2), ERR_OK);
    CHECK_EQ(fx_slot(EP)->cap.type, OBJ_ENDPOINT);
    for (word_t i = 1; i <= 3; i++) CHECK_EQ(fx_slot(EP + i)->cap.type, OBJ_NULL);
    CHECK(!cte_has_children(fx_slot(EP)));
    CHECK(cte_is_final(fx_slot(EP)));
}

TEST(revoke_badged_only_its_badge)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK_EQ(fx_mint(EP, EP + 1, RIGHTS_ALL, 5), ERR_OK);
    CHECK_EQ(fx_copy(EP + 1, EP + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_mint(EP, EP + 3, RIGHTS_ALL, 6), ERR_OK);
    CHECK_EQ(fx_copy(EP, EP + 4, RIGHTS_ALL), ERR_OK);
    word_t mr[2] = {EP + 1, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, mr, 2), ERR_OK);
    CHECK_EQ(fx_slot(EP + 1)->cap.type, OBJ_ENDPOINT);
    CHECK_EQ(fx_slot(EP + 2)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(EP + 3)->cap.data, 6);
    CHECK_EQ(fx_slot(EP + 4)->cap.type, OBJ_ENDPOINT);
    CHECK_EQ(fx_slot(EP)->cap.type, OBJ_ENDPOINT);
    CHECK_EQ(check_invariants(), 0);
}

TEST(revoke_preempted_resumes)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    for (word_t i = 1; i < 200; i++) CHECK_EQ(fx_copy(EP, EP + i, RIGHTS_ALL), ERR_OK);
    fake_irq_pending = true;
    exception_t e = cte_revoke(fx_slot(EP));
    CHECK_EQ(e, EXC_PREEMPTED);
    word_t left = 0;
    for (word_t i = 1; i < 200; i++) left += fx_slot(EP + i)->cap.type != OBJ_NULL;
    CHECK(left > 0 && left < 199);
    CHECK(fake_irq_polls > 0);
    CHECK_EQ(check_invariants(), 0);
    fake_irq_pending = false;
    CHECK_EQ(cte_revoke(fx_slot(EP)), ERR_OK);
    for (word_t i = 1; i < 200; i++) CHECK_EQ(fx_slot(EP + i)->cap.type, OBJ_NULL);
}

/* The checker rejects what kernel/proof.h's object_fits excludes: an object whose last byte's
 * address would wrap (cap.c's same_region computes ptr + 2^bits - 1). */
TEST(invariants_object_past_the_top)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1), ERR_OK);
    CHECK_EQ(check_invariants(), 0);
    struct cap *ep = &fx_slot(EP)->cap, *ut = &fx_slot(S_UT)->cap;
    word_t ptr = ep->ptr;
    ep->ptr = ~0ul - MASK(OBJ_LARGE_FRAME_SIZE_BITS);
    CHECK_EQ(check_invariants(), 1);
    ep->ptr = ~0ul - BIT(OBJ_LARGE_FRAME_SIZE_BITS);
    CHECK_EQ(check_invariants(), 0);
    ep->ptr = ptr;
    word_t base = ut->ptr;
    ut->ptr = ~0ul - MASK(untyped_size_bits(ut));
    CHECK_EQ(check_invariants(), 1);
    ut->ptr = base;
    CHECK_EQ(check_invariants(), 0);
}
