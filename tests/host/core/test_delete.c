/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Deletion and destruction without recursion (kernel/delete.c): zombies, self-containing
 * CNodes, cycles, deep chains, TCBs, preemption, unmapping. */
#include "harness.h"
#include "fixture.h"

#define N 20u

static exception_t del(word_t slot)
{
    word_t mr[2] = {slot, WORD_BITS};
    return fx_cnode(INV_CNODE_DELETE, mr, 2);
}

/* Move root slot src into slot index of the CNode in root slot node (radix bits). */
static exception_t move_into(word_t node, word_t index, word_t radix, word_t src)
{
    word_t mr[4] = {index, radix, src, WORD_BITS};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    return fx_decode(fx_slot(node), INV_CNODE_MOVE, mr, 4, caps, 1);
}

TEST(delete_copy_keeps_object)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N, 1), ERR_OK);
    CHECK_EQ(fx_copy(N, N + 1, RIGHTS_ALL), ERR_OK);
    struct tcb *t = fx_thread(N + 2, 10);
    fx_message(t, N, 0, NULL, 0, NULL, 0);
    fx_syscall(t, (word_t)SYS_RECV);
    CHECK_EQ(t->state, TS_BLOCKED_RECV);
    CHECK_EQ(del(N + 1), ERR_OK);
    CHECK_EQ(t->state, TS_BLOCKED_RECV); /* not the last capability: nothing happens */
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_ENDPOINT);
    CHECK_EQ(del(200), ERR_OK); /* an empty slot */
}

TEST(delete_last_endpoint_cap_restarts_waiters)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N, 1), ERR_OK);
    struct tcb *a = fx_thread(N + 2, 10), *b = fx_thread(N + 5, 10);
    fx_message(a, N, 0, NULL, 0, NULL, 0);
    word_t ip = a->ctx.ip;
    fx_syscall(a, (word_t)SYS_RECV);
    fx_message(b, N, 0, NULL, 0, NULL, 0);
    fx_syscall(b, (word_t)SYS_RECV);
    struct endpoint *ep = cap_endpoint(&fx_slot(N)->cap);
    CHECK_PTR(ep->queue.head, a);
    CHECK_PTR(ep->queue.tail, b);
    CHECK_EQ(del(N), ERR_OK);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(b->state, TS_RUNNING);
    CHECK_EQ(a->ctx.ip, ip); /* re-executes its Recv, which now fails */
    CHECK_PTR(a->blocked_on, NULL);
    CHECK(sched_in_queue(a) && sched_in_queue(b));
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_cnode_destroys_contents)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_CNODE, 4, N, 1), ERR_OK);
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    word_t mr[6] = {OBJ_ENDPOINT, 0, N, WORD_BITS, 0, 5};
    CHECK_EQ(fx_decode(fx_slot(S_UT_SMALL), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_OK);
    mr[0] = OBJ_NOTIFICATION;
    mr[4] = 10;
    mr[5] = 3;
    CHECK_EQ(fx_decode(fx_slot(S_UT_SMALL), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_OK);
    CHECK_EQ(del(N), ERR_OK);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_NULL);
    CHECK(!cte_has_children(fx_slot(S_UT_SMALL)));
    struct cte *inner = (struct cte *)fx_slot(S_UT_SMALL)->cap.ptr;
    for (word_t i = 0; i < 16; i++) CHECK_EQ(inner[i].cap.type, OBJ_NULL);
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_cnode_containing_last_cap_to_itself)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_CNODE, 2, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_ENDPOINT, 0, N + 1, 1), ERR_OK);
    struct cte *self = cnode_slots(&fx_slot(N)->cap);
    CHECK_EQ(move_into(N, 3, 2, N + 1), ERR_OK); /* an endpoint into slot 3 */
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    word_t mr[4] = {1, 2, N, WORD_BITS};
    CHECK_EQ(fx_decode(fx_slot(N), INV_CNODE_MOVE, mr, 4, caps, 1), ERR_OK);
    CHECK_EQ(self[1].cap.type, OBJ_CNODE);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_NULL);
    CHECK(cte_is_final(&self[1]));
    /* Only the untyped reaches it now. */
    word_t rm[2] = {S_UT_SMALL, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, rm, 2), ERR_OK);
    CHECK(!cte_has_children(fx_slot(S_UT_SMALL)));
    CHECK_EQ(self[1].cap.type, OBJ_NULL);
    CHECK_EQ(self[3].cap.type, OBJ_NULL);
    CHECK_EQ(check_invariants(), 0);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_FRAME, 0, N, 4), ERR_OK); /* all memory back */
}

TEST(delete_cnode_cycle)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_CNODE, 2, N, 2), ERR_OK);
    struct cte *a = cnode_slots(&fx_slot(N)->cap), *b = cnode_slots(&fx_slot(N + 1)->cap);
    CHECK_EQ(move_into(N, 0, 2, N + 1), ERR_OK);  /* B's cap into A[0] */
    CHECK_EQ(fx_copy(N, N + 2, RIGHTS_ALL), ERR_OK);
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    word_t mr[4] = {2, 2, N, WORD_BITS};
    CHECK_EQ(fx_decode(&a[0], INV_CNODE_MOVE, mr, 4, caps, 1), ERR_OK); /* A's cap into B[2] */
    CHECK_EQ(b[2].cap.type, OBJ_CNODE);
    CHECK_EQ(del(N + 2), ERR_OK); /* the last outside reference: a copy, not final */
    CHECK(cte_is_final(&a[0]) && cte_is_final(&b[2]));
    word_t rm[2] = {S_UT_SMALL, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, rm, 2), ERR_OK);
    CHECK(!cte_has_children(fx_slot(S_UT_SMALL)));
    CHECK_EQ(a[0].cap.type, OBJ_NULL);
    CHECK_EQ(b[2].cap.type, OBJ_NULL);
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_deep_cnode_chain)
{
    enum { DEPTH = 150, FIRST = 60 };
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 16, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_CNODE, 1, FIRST, DEPTH), ERR_OK);
    /* C[i][0] holds the only capability to C[i+1]. */
    for (word_t i = DEPTH - 1; i >= 1; i--) CHECK_EQ(move_into(FIRST + i - 1, 0, 1, FIRST + i), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_ENDPOINT, 0, N + 1, 1), ERR_OK);
    CHECK_EQ(move_into(FIRST + 0, 1, 1, N + 1), ERR_OK);
    CHECK_EQ(del(FIRST), ERR_OK);
    CHECK(!cte_has_children(fx_slot(N)));
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_tcb_inside_cnode_leaves_queues)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 2, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N + 1, 1), ERR_OK);
    struct tcb *runner = fx_thread(N + 2, 30);
    struct tcb *waiter = fx_thread(N + 5, 20);
    fx_message(waiter, N + 1, 0, NULL, 0, NULL, 0);
    fx_syscall(waiter, (word_t)SYS_RECV);
    CHECK_EQ(waiter->state, TS_BLOCKED_RECV);
    CHECK_EQ(move_into(N, 0, 2, N + 2), ERR_OK);
    CHECK_EQ(move_into(N, 1, 2, N + 5), ERR_OK);
    CHECK(current == runner && !sched_in_queue(runner)); /* waiter blocked: runner runs */
    CHECK_EQ(del(N), ERR_OK);
    CHECK(!sched_in_queue(runner));
    CHECK_EQ(runner->state, TS_INACTIVE);
    CHECK_EQ(waiter->state, TS_INACTIVE);
    CHECK_PTR(cap_endpoint(&fx_slot(N + 1)->cap)->queue.head, NULL);
    CHECK(sched_queue_consistent());
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_tcb_destroys_cnode_held_in_its_cspace_slot)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 16, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_CNODE, 3, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_TCB, 0, N + 2, 1), ERR_OK);
    CHECK_EQ(fx_retype(N, OBJ_ENDPOINT, 0, N + 3, 1), ERR_OK);
    CHECK_EQ(move_into(N + 1, 5, 3, N + 3), ERR_OK);
    struct tcb *t = cap_tcb(&fx_slot(N + 2)->cap);
    exception_t e;
    struct cap c = cap_derive(&fx_slot(N + 1)->cap, RIGHTS_ALL, false, 0, &e);
    cte_insert_child(fx_slot(N + 1), &t->slots[TCB_CSPACE], c);
    CHECK_EQ(del(N + 1), ERR_OK); /* the TCB's slot now holds the last CNode capability */
    CHECK(cte_is_final(&t->slots[TCB_CSPACE]));
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK_EQ(t->slots[TCB_CSPACE].cap.type, OBJ_NULL);
    CHECK(!cte_has_children(fx_slot(N)));
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_preempted_leaves_zombie_and_resumes)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 9, N, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, N + 1, 1), ERR_OK);
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    for (word_t i = 0; i < 400; i++) {
        word_t mr[5] = {i, 9, N + 1, WORD_BITS, RIGHTS_ALL};
        CHECK_EQ(fx_decode(fx_slot(N), INV_CNODE_COPY, mr, 5, caps, 1), ERR_OK);
    }
    struct tcb *t = fx_thread(N + 2, 10);
    word_t ip = t->ctx.ip;
    fake_irq_pending = true;
    word_t mr[2] = {N, WORD_BITS};
    fx_invoke(t, S_CNODE, INV_CNODE_DELETE, mr, 2, NULL, 0);
    CHECK_EQ(fx_slot(N)->cap.type, CAP_ZOMBIE);
    CHECK_EQ(t->ctx.ip, ip); /* the Delete will run again */
    CHECK(!cte_is_final(fx_slot(N + 1)));
    CHECK_EQ(check_invariants(), 0);
    fake_irq_pending = false;
    CHECK_EQ(fx_invoke(t, S_CNODE, INV_CNODE_DELETE, mr, 2, NULL, 0), ERR_OK);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_NULL);
    CHECK(cte_is_final(fx_slot(N + 1)));
    CHECK_EQ(check_invariants(), 0);
}

TEST(delete_mapped_frame_unmaps)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N, 1), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, N), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 1, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 3, 1), ERR_OK);
    struct cte *caps[1] = {fx_slot(N)};
    word_t mr[3] = {0x400000, RIGHT_READ | RIGHT_WRITE, 0};
    CHECK_EQ(fx_decode(fx_slot(N + 3), INV_FRAME_MAP, mr, 3, caps, 1), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], 1);
    word_t pm[1] = {0x400000};
    CHECK_EQ(fx_decode(fx_slot(N + 1), INV_PAGE_TABLE_MAP, pm, 1, caps, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 2), INV_PAGE_TABLE_MAP, pm, 1, caps, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 3), INV_FRAME_MAP, mr, 3, caps, 1), ERR_OK);
    void *root = (void *)fx_slot(N)->cap.ptr;
    paddr_t pa;
    CHECK(fake_lookup(root, 0x400123, &pa, NULL));
    CHECK_EQ(pa, fx_slot(N + 3)->cap.ptr + 0x123);
    CHECK_EQ(fx_copy(N + 3, N + 4, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(del(N + 4), ERR_OK); /* the unmapped copy: the mapping stays */
    CHECK(fake_lookup(root, 0x400000, NULL, NULL));
    CHECK_EQ(del(N + 3), ERR_OK);
    CHECK(!fake_lookup(root, 0x400000, NULL, NULL));
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 1), INV_PAGE_TABLE_MAP, pm, 1, caps, 1), ERR_DELETE_FIRST);
}

/* Map writes the entry decode found; a remap writes over the frame's own entry (new rights,
 * one mapping), and unmap then leaves nothing. */
TEST(frame_remap_in_place)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N, 1), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, N), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 1, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 3, 1), ERR_OK);
    struct cte *caps[1] = {fx_slot(N)};
    word_t pm[1] = {0x400000};
    CHECK_EQ(fx_decode(fx_slot(N + 1), INV_PAGE_TABLE_MAP, pm, 1, caps, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 2), INV_PAGE_TABLE_MAP, pm, 1, caps, 1), ERR_OK);
    void *root = (void *)fx_slot(N)->cap.ptr;
    word_t mr[3] = {0x400000, RIGHT_READ | RIGHT_WRITE, 0}, rights = 0;
    CHECK_EQ(fx_decode(fx_slot(N + 3), INV_FRAME_MAP, mr, 3, caps, 1), ERR_OK);
    CHECK(fake_lookup(root, 0x400000, NULL, &rights));
    CHECK_EQ(rights, RIGHT_READ | RIGHT_WRITE);
    word_t flushes = fake_tlb_flushes;
    mr[1] = RIGHT_READ;
    CHECK_EQ(fx_decode(fx_slot(N + 3), INV_FRAME_MAP, mr, 3, caps, 1), ERR_OK);
    CHECK(fake_lookup(root, 0x400000, NULL, &rights));
    CHECK_EQ(rights, RIGHT_READ);
    CHECK_EQ(fake_mapping_count(root), 1);
    CHECK_EQ(fake_tlb_flushes, flushes + 1); /* the old rights may be cached */
    CHECK_EQ(fx_decode(fx_slot(N + 3), INV_FRAME_UNMAP, NULL, 0, NULL, 0), ERR_OK);
    CHECK(!fake_lookup(root, 0x400000, NULL, NULL));
    CHECK_EQ(fake_mapping_count(root), 0);
}

TEST(delete_own_tcb_through_syscall)
{
    struct tcb *t = fx_thread(N, 10);
    struct tcb *other = fx_thread(N + 3, 5);
    word_t mr[2] = {N, WORD_BITS};
    fx_message(t, S_CNODE, INV_CNODE_DELETE, mr, 2, NULL, 0);
    CHECK_EQ(fx_syscall(t, (word_t)SYS_CALL), FAKE_TO_USER);
    CHECK_PTR(current, other);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_NULL);
    CHECK_EQ(check_invariants(), 0);
}

TEST(revoke_untyped_holding_running_threads)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 20, N, 1), ERR_OK);
    struct tcb *t[3];
    for (word_t i = 0; i < 3; i++) {
        CHECK_EQ(fx_retype(N, OBJ_TCB, 0, N + 1 + i, 1), ERR_OK);
        t[i] = cap_tcb(&fx_slot(N + 1 + i)->cap);
        t[i]->priority = (uint8_t)(10 + i);
        tcb_set_state(t[i], TS_RUNNING);
    }
    sched_reschedule();
    schedule();
    CHECK_PTR(current, t[2]);
    word_t mr[2] = {N, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, mr, 2), ERR_OK);
    for (word_t i = 0; i < 3; i++) CHECK(!sched_in_queue(t[i]));
    CHECK_PTR(current, NULL);
    CHECK(sched_queue_consistent());
    CHECK_EQ(fx_retype(N, OBJ_FRAME, 0, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_slot(N + 1)->cap.ptr, fx_slot(N)->cap.ptr);
    CHECK_EQ(((unsigned char *)fx_slot(N + 1)->cap.ptr)[0], 0);
}
