/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Notifications (kernel/notification.c): signal, wait, binding, deletion, interrupts. */
#include "harness.h"
#include "fixture.h"

#define NT 20u
#define EPS 21u
#define TA 30u

static struct tcb *wait_on(struct tcb *t, word_t cptr, word_t number)
{
    fx_message(t, cptr, 0, NULL, 0, NULL, 0);
    fx_syscall(t, number);
    return t;
}

TEST(ntfn_signals_accumulate_until_wait)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NT, 1), ERR_OK);
    CHECK_EQ(fx_mint(NT, 60, RIGHTS_ALL, 0x1), ERR_OK);
    CHECK_EQ(fx_mint(NT, 61, RIGHTS_ALL, 0x4), ERR_OK);
    struct tcb *t = fx_thread(TA, 10);
    wait_on(t, 60, (word_t)SYS_SEND);
    wait_on(t, 61, (word_t)SYS_NBSEND);
    CHECK_EQ(cap_notification(&fx_slot(NT)->cap)->word, 0x5);
    wait_on(t, NT, (word_t)SYS_RECV);
    CHECK_EQ(t->state, TS_RUNNING);
    CHECK_EQ(t->ctx.cptr, 0x5);
    CHECK_EQ(cap_notification(&fx_slot(NT)->cap)->word, 0);
    wait_on(t, NT, (word_t)SYS_NBRECV);
    CHECK_EQ(t->ctx.cptr, 0);
    CHECK_EQ(t->state, TS_RUNNING);
}

TEST(ntfn_wait_then_signal_wakes_first_waiter)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NT, 1), ERR_OK);
    CHECK_EQ(fx_mint(NT, 60, RIGHTS_ALL, 0x8), ERR_OK);
    struct tcb *a = fx_thread(TA, 10), *b = fx_thread(TA + 3, 10), *s = fx_thread(TA + 6, 5);
    wait_on(a, NT, (word_t)SYS_RECV);
    wait_on(b, NT, (word_t)SYS_RECV);
    CHECK_EQ(a->state, TS_BLOCKED_NOTIFICATION);
    wait_on(s, 60, (word_t)SYS_SEND);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(a->ctx.cptr, 0x8);
    CHECK_EQ(b->state, TS_BLOCKED_NOTIFICATION);
    CHECK_PTR(cap_notification(&fx_slot(NT)->cap)->waiters.head, b);
    CHECK_EQ(check_invariants(), 0);
}

TEST(ntfn_bound_thread_woken_from_endpoint_wait)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NT, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, EPS, 1), ERR_OK);
    CHECK_EQ(fx_mint(NT, 60, RIGHTS_ALL, 0x2), ERR_OK);
    struct tcb *t = fx_thread(TA, 10), *s = fx_thread(TA + 3, 10);
    struct cte *caps[1] = {fx_slot(NT)};
    CHECK_EQ(fx_decode(fx_slot(TA), INV_TCB_BIND_NOTIFICATION, NULL, 0, caps, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(TA + 3), INV_TCB_BIND_NOTIFICATION, NULL, 0, caps, 1), ERR_DELETE_FIRST);
    wait_on(t, EPS, (word_t)SYS_RECV);
    CHECK_EQ(t->state, TS_BLOCKED_RECV);
    wait_on(s, 60, (word_t)SYS_SEND);
    CHECK_EQ(t->state, TS_RUNNING);
    CHECK_EQ(t->ctx.cptr, 0x2);
    CHECK_PTR(cap_endpoint(&fx_slot(EPS)->cap)->queue.head, NULL);
    /* A pending signal is taken at the next endpoint Recv. */
    wait_on(s, 60, (word_t)SYS_SEND);
    wait_on(t, EPS, (word_t)SYS_RECV);
    CHECK_EQ(t->state, TS_RUNNING);
    CHECK_EQ(t->ctx.cptr, 0x2);
    /* Waiting on another notification while bound: a capability fault. */
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NT + 50, 1), ERR_OK);
    wait_on(t, NT + 50, (word_t)SYS_RECV);
    CHECK_EQ(t->state, TS_INACTIVE);
}

TEST(ntfn_delete_restarts_waiters_and_unbinds)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NT, 1), ERR_OK);
    struct tcb *t = fx_thread(TA, 10), *w = fx_thread(TA + 3, 10);
    notification_bind(cap_notification(&fx_slot(NT)->cap), t);
    word_t ip = w->ctx.ip;
    wait_on(w, NT, (word_t)SYS_RECV);
    word_t mr[2] = {NT, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, mr, 2), ERR_OK);
    CHECK_EQ(w->state, TS_RUNNING);
    CHECK_EQ(w->ctx.ip, ip);
    CHECK_PTR(t->bound, NULL);
    CHECK_EQ(check_invariants(), 0);
}

TEST(ntfn_irq_signals_and_masks_line)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NT, 1), ERR_OK);
    CHECK_EQ(fx_mint(NT, 60, RIGHTS_ALL, 0x10), ERR_OK);
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    word_t mr[3] = {2, 61, WORD_BITS};
    CHECK_EQ(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, mr, 3, caps, 1), ERR_RANGE);
    CHECK_EQ(current_error.detail[1], 23);
    mr[0] = 7;
    CHECK_EQ(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, mr, 3, caps, 1), ERR_OK);
    caps[0] = fx_slot(60);
    CHECK_EQ(fx_decode(fx_slot(61), INV_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, caps, 1), ERR_OK);
    CHECK(!fake_irq_masked[7]);
    struct tcb *t = fx_thread(TA, 10);
    wait_on(t, NT, (word_t)SYS_RECV);
    handle_interrupt(7);
    CHECK(fake_irq_masked[7]);
    CHECK_EQ(t->state, TS_RUNNING);
    CHECK_EQ(t->ctx.cptr, 0x10);
    CHECK_EQ(fx_decode(fx_slot(61), INV_IRQ_HANDLER_ACK, NULL, 0, caps, 0), ERR_OK);
    CHECK(!fake_irq_masked[7]);
    /* Deleting the handler masks the line and frees it. */
    word_t dm[2] = {61, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, dm, 2), ERR_OK);
    CHECK(fake_irq_masked[7]);
    CHECK(cte_is_final(fx_slot(NT)) || fx_slot(NT)->next == fx_slot(60));
    caps[0] = fx_slot(S_CNODE);
    CHECK_EQ(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, mr, 3, caps, 1), ERR_OK);
}
