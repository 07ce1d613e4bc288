/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Endpoint IPC through the system-call entry (kernel/ipc.c, syscall.c, fault.c). */
#include "harness.h"
#include "fixture.h"

#define EP 20u
#define NTFN 21u
#define TA 30u
#define TB 40u
#define TC 50u

static struct tcb *a, *b;

static void setup(void)
{
    ASSERT(fx_retype(S_UT, OBJ_ENDPOINT, 0, EP, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_NOTIFICATION, 0, NTFN, 1) == ERR_OK);
    a = fx_thread(TA, 10);
    b = fx_thread(TB, 10);
}

static void send(struct tcb *t, word_t cptr, word_t number, word_t label, const word_t *mr, word_t len)
{
    fx_message(t, cptr, label, mr, len, NULL, 0);
    fx_syscall(t, number);
}

TEST(ipc_send_blocks_then_recv_takes_message)
{
    setup();
    word_t mr[3] = {11, 22, 33};
    send(a, EP, (word_t)SYS_SEND, 0x77, mr, 3);
    CHECK_EQ(a->state, TS_BLOCKED_SEND);
    CHECK(!sched_in_queue(a));
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    CHECK_EQ(b->state, TS_RUNNING);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(bh_msginfo_label(b->ctx.info), 0x77);
    CHECK_EQ(bh_msginfo_length(b->ctx.info), 3);
    CHECK_EQ(b->ctx.mr[0], 11);
    CHECK_EQ(b->ctx.mr[2], 33);
    CHECK_EQ(b->ctx.cptr, 0); /* the badge of an unbadged capability */
    CHECK_PTR(cap_endpoint(&fx_slot(EP)->cap)->queue.head, NULL);
    CHECK_EQ(check_invariants(), 0);
}

TEST(ipc_recv_blocks_then_send_delivers_badge)
{
    setup();
    CHECK_EQ(fx_mint(EP, 60, RIGHTS_ALL, 0xbadd), ERR_OK);
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    CHECK_EQ(b->state, TS_BLOCKED_RECV);
    word_t mr[1] = {5};
    send(a, 60, (word_t)SYS_NBSEND, 3, mr, 1);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(b->state, TS_RUNNING);
    CHECK_EQ(b->ctx.cptr, 0xbadd);
    CHECK_EQ(b->ctx.mr[0], 5);
    CHECK_EQ(bh_msginfo_label(b->ctx.info), 3);
}

TEST(ipc_nbsend_without_receiver_is_dropped)
{
    setup();
    send(a, EP, (word_t)SYS_NBSEND, 1, NULL, 0);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_PTR(cap_endpoint(&fx_slot(EP)->cap)->queue.head, NULL);
    send(b, EP, (word_t)SYS_NBRECV, 0, NULL, 0);
    CHECK_EQ(b->state, TS_RUNNING);
    CHECK_EQ(b->ctx.info, 0);
}

TEST(ipc_call_and_reply)
{
    setup();
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    word_t mr[2] = {1, 2};
    send(a, EP, (word_t)SYS_CALL, 9, mr, 2);
    CHECK_EQ(a->state, TS_BLOCKED_REPLY);
    CHECK_PTR(b->reply_to, a);
    CHECK_PTR(a->blocked_on, b);
    CHECK_EQ(check_invariants(), 0);
    word_t rmr[1] = {42};
    send(b, 0, (word_t)SYS_REPLY, 0, rmr, 1);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_PTR(b->reply_to, NULL);
    CHECK_EQ(a->ctx.mr[0], 42);
    CHECK_EQ(bh_msginfo_length(a->ctx.info), 1);
    /* A second Reply has no caller: nothing happens. */
    send(b, 0, (word_t)SYS_REPLY, 0, rmr, 1);
    CHECK_EQ(b->state, TS_RUNNING);
}

TEST(ipc_reply_recv_serves_queued_caller)
{
    setup();
    struct tcb *c = fx_thread(TC, 10);
    send(a, EP, (word_t)SYS_CALL, 1, NULL, 0);
    send(c, EP, (word_t)SYS_CALL, 2, NULL, 0);
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    CHECK_EQ(bh_msginfo_label(b->ctx.info), 1);
    CHECK_PTR(b->reply_to, a);
    send(b, EP, (word_t)SYS_REPLY_RECV, 0, NULL, 0);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(bh_msginfo_label(b->ctx.info), 2);
    CHECK_PTR(b->reply_to, c);
    CHECK_EQ(c->state, TS_BLOCKED_REPLY);
}

TEST(ipc_long_message_through_ipc_buffers)
{
    setup();
    word_t mr[10];
    for (word_t i = 0; i < 10; i++) mr[i] = 100 + i;
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    send(a, EP, (word_t)SYS_SEND, 0, mr, 10);
    CHECK_EQ(bh_msginfo_length(b->ctx.info), 10);
    for (word_t i = 0; i < 10; i++) CHECK_EQ(ipc_get_mr(b, i), 100 + i);
    /* Without an IPC buffer only the register MRs travel. */
    b->ipc_buffer = NULL;
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    send(a, EP, (word_t)SYS_SEND, 0, mr, 10);
    CHECK_EQ(bh_msginfo_length(b->ctx.info), MSG_REGISTERS);
}

TEST(ipc_transfers_cap_with_grant)
{
    setup();
    b->ipc_buffer->receive_cnode = 0;
    b->ipc_buffer->receive_index = 99;
    b->ipc_buffer->receive_depth = WORD_BITS;
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    word_t caps[1] = {NTFN};
    fx_message(a, EP, 0, NULL, 0, caps, 1);
    fx_syscall(a, (word_t)SYS_SEND);
    CHECK_EQ(bh_msginfo_extra_caps(b->ctx.info), 1);
    CHECK_EQ(fx_slot(99)->cap.type, OBJ_NOTIFICATION);
    CHECK_EQ(fx_slot(99)->cap.ptr, fx_slot(NTFN)->cap.ptr);
    CHECK_PTR(fx_slot(NTFN)->next, fx_slot(99)); /* a child of the sender's capability */
    CHECK_EQ(check_invariants(), 0);
}

TEST(ipc_no_cap_transfer_without_grant)
{
    setup();
    CHECK_EQ(fx_copy(EP, 60, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    b->ipc_buffer->receive_index = 99;
    b->ipc_buffer->receive_depth = WORD_BITS;
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    word_t caps[1] = {NTFN};
    fx_message(a, 60, 0, NULL, 0, caps, 1);
    fx_syscall(a, (word_t)SYS_SEND);
    CHECK_EQ(b->state, TS_RUNNING);
    CHECK_EQ(bh_msginfo_extra_caps(b->ctx.info), 0);
    CHECK_EQ(fx_slot(99)->cap.type, OBJ_NULL);
}

TEST(ipc_endpoint_cap_arrives_unwrapped)
{
    setup();
    CHECK_EQ(fx_mint(EP, 60, RIGHTS_ALL, 0x55), ERR_OK);
    b->ipc_buffer->receive_index = 99;
    b->ipc_buffer->receive_depth = WORD_BITS;
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    word_t caps[2] = {60, NTFN};
    fx_message(a, EP, 0, NULL, 0, caps, 2);
    fx_syscall(a, (word_t)SYS_SEND);
    CHECK_EQ(bh_msginfo_extra_caps(b->ctx.info), 2);
    CHECK_EQ(bh_msginfo_caps_unwrapped(b->ctx.info), 1);
    CHECK_EQ(b->ipc_buffer->caps_or_badges[0], 0x55);
    CHECK_EQ(fx_slot(99)->cap.type, OBJ_NOTIFICATION);
}

TEST(ipc_suspend_cancels_wait)
{
    setup();
    struct tcb *c = fx_thread(TC, 10);
    send(a, EP, (word_t)SYS_SEND, 0, NULL, 0);
    send(b, EP, (word_t)SYS_SEND, 0, NULL, 0);
    send(c, EP, (word_t)SYS_SEND, 0, NULL, 0);
    struct endpoint *ep = cap_endpoint(&fx_slot(EP)->cap);
    tcb_suspend(b);
    CHECK_EQ(b->state, TS_INACTIVE);
    CHECK_PTR(ep->queue.head, a);
    CHECK_PTR(a->link[QUEUE_WAIT].next, c);
    CHECK_PTR(c->link[QUEUE_WAIT].prev, a);
    CHECK_PTR(ep->queue.tail, c);
    CHECK_EQ(check_invariants(), 0);
}

TEST(ipc_cancel_badged_restarts_only_that_badge)
{
    setup();
    struct tcb *c = fx_thread(TC, 10);
    CHECK_EQ(fx_mint(EP, 60, RIGHTS_ALL, 1), ERR_OK);
    CHECK_EQ(fx_mint(EP, 61, RIGHTS_ALL, 2), ERR_OK);
    send(a, 60, (word_t)SYS_SEND, 0, NULL, 0);
    send(b, 61, (word_t)SYS_SEND, 0, NULL, 0);
    send(c, 60, (word_t)SYS_SEND, 0, NULL, 0);
    struct endpoint *ep = cap_endpoint(&fx_slot(EP)->cap);
    ipc_cancel_badged(ep, 1);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(c->state, TS_RUNNING);
    CHECK_EQ(b->state, TS_BLOCKED_SEND);
    CHECK_PTR(ep->queue.head, b);
    CHECK_PTR(ep->queue.tail, b);
    CHECK_EQ(check_invariants(), 0);
}

TEST(ipc_send_needs_write_right)
{
    setup();
    CHECK_EQ(fx_copy(EP, 60, RIGHT_READ), ERR_OK);
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    fake_console_clear();
    send(a, 60, (word_t)SYS_SEND, 0, NULL, 0);
    CHECK_EQ(a->state, TS_INACTIVE); /* a capability fault, no handler: suspended */
    CHECK_EQ(b->state, TS_BLOCKED_RECV);
    CHECK(fake_console_len > 0);
}

TEST(ipc_fault_goes_to_handler_and_reply_resumes)
{
    setup();
    struct cte *caps[1] = {fx_slot(EP)};
    CHECK_EQ(fx_decode(fx_slot(TA), INV_TCB_SET_FAULT_HANDLER, NULL, 0, caps, 1), ERR_OK);
    send(b, EP, (word_t)SYS_RECV, 0, NULL, 0);
    a->ctx.ip = 0x1234;
    fx_syscall(a, 77); /* unknown system call */
    CHECK_EQ(a->state, TS_BLOCKED_REPLY);
    CHECK_EQ(bh_msginfo_label(b->ctx.info), FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(b->ctx.mr[0], 77);
    CHECK_EQ(b->ctx.mr[3], 0x1234 + SYSCALL_INSN_BYTES);
    send(b, 0, (word_t)SYS_REPLY, 0, NULL, 0);
    CHECK_EQ(a->state, TS_RUNNING);
    CHECK_EQ(a->fault_pending, 0);
    CHECK_EQ(check_invariants(), 0);
}

TEST(ipc_invocation_error_reply)
{
    setup();
    word_t mr[6] = {OBJ_ENDPOINT, 0, 0, 0, 250, 10};
    word_t caps[1] = {S_CNODE};
    CHECK_EQ(fx_invoke(a, S_UT, INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_RANGE);
    CHECK_EQ(a->ctx.mr[0], 0);
    CHECK_EQ(a->ctx.mr[1], 255);
    caps[0] = 200; /* an empty slot */
    CHECK_EQ(fx_invoke(a, S_UT, INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_FAILED_LOOKUP);
    mr[4] = 100;
    mr[5] = 1;
    caps[0] = S_CNODE;
    CHECK_EQ(fx_invoke(a, S_UT, INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_OK);
    CHECK_EQ(fx_slot(100)->cap.type, OBJ_ENDPOINT);
}

TEST(ipc_debug_syscalls)
{
    setup();
    fake_console_clear();
    a->ctx.mr[0] = 'Z';
    fx_syscall(a, (word_t)SYS_DEBUG_PUT_CHAR);
    CHECK_EQ(fake_console_len, 1);
    CHECK_EQ(fake_console[0], 'Z');
    a->ctx.mr[0] = 99;
    CHECK_EQ(fx_syscall(a, (word_t)SYS_DEBUG_CHECK_KERNEL), FAKE_TO_USER);
    CHECK_EQ(a->ctx.mr[0], 0);
}
