/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Synchronous IPC through endpoints (the slow path; fastpath.c handles the common
 * Call/ReplyRecv case). An endpoint queue holds only senders or only receivers; which one is
 * the state of its head. A Call leaves the caller blocked on the reply and records it in the
 * receiver's reply_to (seL4's reply capability, kept in the TCB).
 */
#include "kernel.h"

word_t ipc_get_mr(struct tcb *t, word_t i)
{
    if (i < MSG_REGISTERS) return *ctx_mr(&t->ctx, (unsigned)i);
    return t->ipc_buffer ? t->ipc_buffer->mr[i] : 0;
}

void ipc_set_mr(struct tcb *t, word_t i, word_t v)
{
    if (i < MSG_REGISTERS) *ctx_mr(&t->ctx, (unsigned)i) = v;
    else if (t->ipc_buffer) t->ipc_buffer->mr[i] = v;
}

/* The number of message registers that can travel between a and b. */
static word_t transferable(const struct tcb *a, const struct tcb *b, word_t length)
{
    word_t max = (a->ipc_buffer && b->ipc_buffer) ? BH_MSG_MAX_LENGTH : MSG_REGISTERS;
    return length < max ? length : max;
}

/* Capability transfer: a capability to the endpoint itself arrives as its badge
 * ("unwrapped"); any other goes into the receiver's receive slot, at most one per message. */
static word_t transfer_caps(struct tcb *sender, struct tcb *receiver, word_t ncaps, struct endpoint *ep,
                            word_t *unwrapped)
{
    word_t done = 0;
    bool slot_used = false;
    *unwrapped = 0;
    if (!sender->ipc_buffer || !receiver->ipc_buffer) return 0;
    for (word_t i = 0; i < ncaps && i < BH_MSG_MAX_EXTRA_CAPS; i++) {
        struct cte *src = cspace_lookup_cap(sender, sender->ipc_buffer->caps_or_badges[i]);
        if (!src) break;
        if (ep && src->cap.type == OBJ_ENDPOINT && cap_endpoint(&src->cap) == ep) {
            receiver->ipc_buffer->caps_or_badges[i] = src->cap.data;
            *unwrapped |= BIT(i);
            done++;
            continue;
        }
        if (slot_used) break;
        /* The receive slot: receive_index/depth inside the CNode receive_cnode names
         * (0: the CSpace root). */
        bh_ipc_buffer_t *rb = receiver->ipc_buffer;
        const struct cap *root = &receiver->slots[TCB_CSPACE].cap;
        struct cte *dest;
        if (rb->receive_cnode != 0) {
            struct cte *node = cspace_lookup_cap(receiver, rb->receive_cnode);
            if (!node) break;
            root = &node->cap;
        }
        if (lookup_dest_slot(root, rb->receive_index, rb->receive_depth, &dest) != ERR_OK) break;
        exception_t e;
        struct cap c = cap_derive(&src->cap, RIGHTS_ALL, false, 0, &e);
        if (e != ERR_OK) break;
        cte_insert_child(src, dest, c);
        slot_used = true;
        done++;
    }
    return done;
}

void ipc_do_transfer(struct tcb *sender, struct tcb *receiver, struct endpoint *ep, word_t badge, bool can_grant)
{
    word_t info, length, ncaps = 0, unwrapped = 0;
    if (sender->fault_pending) {
        /* Fault messages: label = fault kind, then BH_FAULT_MR_* (abi/bulkhead.abi). */
        info = bh_msginfo(sender->fault[0], 0, 0, BH_FAULT_MR_LENGTH);
        ipc_set_mr(receiver, BH_FAULT_MR_DETAIL0, sender->fault[1]);
        ipc_set_mr(receiver, BH_FAULT_MR_DETAIL1, sender->fault[2]);
        ipc_set_mr(receiver, BH_FAULT_MR_DETAIL2, sender->fault[3]);
        ipc_set_mr(receiver, BH_FAULT_MR_IP, ctx_ip(&sender->ctx));
    } else {
        word_t sinfo = ctx_syscall_info(&sender->ctx);
        length = transferable(sender, receiver, bh_msginfo_length(sinfo));
        for (word_t i = 0; i < length; i++) ipc_set_mr(receiver, i, ipc_get_mr(sender, i));
        if (can_grant && bh_msginfo_extra_caps(sinfo))
            ncaps = transfer_caps(sender, receiver, bh_msginfo_extra_caps(sinfo), ep, &unwrapped);
        info = bh_msginfo(bh_msginfo_label(sinfo), (unsigned)unwrapped, (unsigned)ncaps, (unsigned)length);
    }
    ctx_set_badge(&receiver->ctx, badge);
    ctx_set_info(&receiver->ctx, info);
}

/* The receiver now owes the caller a reply. A previous caller it never replied to is
 * orphaned: it stays blocked, as in seL4 when a reply capability is overwritten. */
static void set_reply(struct tcb *receiver, struct tcb *caller, bool can_grant)
{
    if (receiver->reply_to) receiver->reply_to->blocked_on = NULL;
    receiver->reply_to = caller;
    receiver->reply_can_grant = can_grant;
    caller->blocked_on = receiver;
    tcb_set_state(caller, TS_BLOCKED_REPLY);
}

void ipc_send(struct tcb *sender, struct endpoint *ep, word_t badge, bool blocking, bool is_call, bool can_grant)
{
    struct tcb *receiver = ep->queue.head;
    if (receiver && receiver->state == TS_BLOCKED_RECV) {
        thread_queue_remove(&ep->queue, receiver, QUEUE_WAIT);
        ipc_do_transfer(sender, receiver, ep, badge, can_grant);
        receiver->blocked_on = NULL;
        if (is_call) set_reply(receiver, sender, can_grant);
        else if (sender->fault_pending) sender->fault_pending = 0;
        sched_wake(receiver);
        return;
    }
    if (!blocking) return;
    sender->blocked_on = ep;
    sender->blocked_badge = badge;
    sender->blocked_is_call = is_call;
    sender->blocked_can_grant = can_grant;
    tcb_set_state(sender, TS_BLOCKED_SEND);
    thread_queue_append(&ep->queue, sender, QUEUE_WAIT);
}

static void receive_from_sender(struct tcb *receiver, struct endpoint *ep, struct tcb *sender)
{
    thread_queue_remove(&ep->queue, sender, QUEUE_WAIT);
    ipc_do_transfer(sender, receiver, ep, sender->blocked_badge, sender->blocked_can_grant);
    sender->blocked_on = NULL;
    if (sender->blocked_is_call) {
        set_reply(receiver, sender, sender->blocked_can_grant);
    } else {
        sender->fault_pending = 0;
        tcb_set_state(sender, TS_RUNNING);
    }
}

void ipc_recv(struct tcb *receiver, struct cte *slot, bool blocking)
{
    if (slot->cap.type == OBJ_NOTIFICATION) {
        notification_wait(receiver, cap_notification(&slot->cap), blocking);
        return;
    }
    struct endpoint *ep = cap_endpoint(&slot->cap);
    struct notification *bound = receiver->bound;
    if (bound && bound->word) {
        notification_wait(receiver, bound, false);
        return;
    }
    struct tcb *sender = ep->queue.head;
    if (sender && sender->state == TS_BLOCKED_SEND) {
        receive_from_sender(receiver, ep, sender);
        return;
    }
    if (!blocking) {
        ctx_set_badge(&receiver->ctx, 0);
        ctx_set_info(&receiver->ctx, 0);
        return;
    }
    receiver->blocked_on = ep;
    tcb_set_state(receiver, TS_BLOCKED_RECV);
    thread_queue_append(&ep->queue, receiver, QUEUE_WAIT);
}

void ipc_reply(struct tcb *t)
{
    struct tcb *caller = t->reply_to;
    if (!caller) return;
    t->reply_to = NULL;
    if (caller->state != TS_BLOCKED_REPLY || caller->blocked_on != t) return;
    caller->blocked_on = NULL;
    if (caller->fault_pending) {
        fault_reply(caller, t);
        return;
    }
    /* The reply may carry capabilities only if the caller's endpoint capability had Grant. */
    ipc_do_transfer(t, caller, NULL, 0, t->reply_can_grant);
    sched_wake(caller);
}

/* Take t out of whatever it waits in. */
void ipc_cancel(struct tcb *t)
{
    switch (t->state) {
    case TS_BLOCKED_SEND:
    case TS_BLOCKED_RECV: {
        struct endpoint *ep = t->blocked_on;
        thread_queue_remove(&ep->queue, t, QUEUE_WAIT);
        break;
    }
    case TS_BLOCKED_NOTIFICATION: notification_cancel(t); break;
    case TS_BLOCKED_REPLY:
        if (t->blocked_on) ((struct tcb *)t->blocked_on)->reply_to = NULL;
        break;
    default: break;
    }
    t->blocked_on = NULL;
}

/* Restart a thread woken because its endpoint went away: it re-executes its system call
 * (which then fails), or, if it was sending a fault, its faulting instruction. */
static void restart(struct tcb *t)
{
    if (t->fault_pending) t->fault_pending = 0;
    else ctx_restart_syscall(&t->ctx);
    t->blocked_on = NULL;
    tcb_set_state(t, TS_RUNNING);
}

void ipc_cancel_all(struct endpoint *ep)
{
    struct tcb *t;
    while ((t = thread_queue_pop(&ep->queue, QUEUE_WAIT))) restart(t);
}

/* Senders with this badge restart (used when a badged capability is revoked). */
void ipc_cancel_badged(struct endpoint *ep, word_t badge)
{
    struct tcb *t = ep->queue.head;
    while (t) {
        struct tcb *next = thread_queue_next(t, QUEUE_WAIT);
        if (t->state == TS_BLOCKED_SEND && t->blocked_badge == badge) {
            thread_queue_remove(&ep->queue, t, QUEUE_WAIT);
            restart(t);
        }
        t = next;
    }
}

/* An invocation's error reply: label = code, MR0 and MR1 = details. */
void ipc_reply_error(struct tcb *t)
{
    ipc_set_mr(t, 0, current_error.detail[0]);
    ipc_set_mr(t, 1, current_error.detail[1]);
    ctx_set_info(&t->ctx, bh_msginfo(current_error.code, 0, 0, 2));
}
