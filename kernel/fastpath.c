/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The IPC fast path (as seL4's): Call and ReplyRecv whose message fits in the message
 * registers, with no capability transfer, between threads of the same partition where the
 * woken thread's priority is at least the current one's (so it is the one to run). Each
 * function first checks every condition and changes nothing if one fails (the slow path then
 * handles the call); otherwise it does the whole operation and returns to user level in the
 * other thread. The functions are long and straight-line on purpose: one pass, no calls
 * on the hot path but the context switch.
 */
#include "kernel.h"

/* Only the registers' worth of message and no capabilities. */
static bool message_fits(word_t info)
{
    return bh_msginfo_extra_caps(info) == 0 && bh_msginfo_length(info) <= MSG_REGISTERS;
}

static ALWAYS_INLINE bool can_run_now(const struct tcb *from, const struct tcb *to)
{
    return to->partition == from->partition && to->priority >= from->priority &&
           to->slots[TCB_VSPACE].cap.type == OBJ_VSPACE && space_root(&to->slots[TCB_VSPACE].cap);
}

/* An empty message copies no register: the receiver's message registers keep its own values,
 * so nothing of the sender's is left there. Any other copies all (message_fits: at most
 * MSG_REGISTERS), unrolled: cheaper than a loop over the length. */
static void copy_message(struct tcb *from, struct tcb *to, word_t badge, word_t info)
{
    if (bh_msginfo_length(info) != 0)
        for (unsigned i = 0; i < MSG_REGISTERS; i++) *ctx_mr(&to->ctx, i) = *ctx_mr(&from->ctx, i);
    ctx_set_badge(&to->ctx, badge);
    ctx_set_info(&to->ctx, info & ~(word_t)BH_MSGINFO_CAPS_UNWRAPPED); /* no caps unwrapped */
}

/* The common CSpace (one CNode whose guard fills the rest of the word) in one step; any
 * other shape through the general walk. Same result as cspace_lookup_cap. */
static struct cte *lookup(struct tcb *t, word_t cptr)
{
    const struct cap *root = &t->slots[TCB_CSPACE].cap;
    if (root->type != OBJ_CNODE || cnode_radix(root) + cnode_guard_bits(root) != WORD_BITS) return cspace_lookup_cap(t, cptr);
    if ((cptr >> cnode_radix(root)) != cnode_guard(root)) return NULL;
    return &cnode_slots(root)[cptr & MASK(cnode_radix(root))];
}

/* from blocks and to runs: neither is in a ready queue (lazy scheduling, sched.c), and to
 * may run now (can_run_now: nothing ready in the partition is above from, and to is at least
 * as high), so no queue changes. */
NORETURN static void switch_to(struct tcb *from, struct tcb *to)
{
    plat_switch_to(from, to, (void *)to->slots[TCB_VSPACE].cap.ptr); /* live: checked by can_run_now */
    current = to;
    if (to->timeslice == 0) to->timeslice = 1;
    plat_return_to_user(to);
}

bool fastpath_call(struct tcb *t)
{
    word_t info = ctx_syscall_info(&t->ctx);
    if (!message_fits(info)) return false;
    struct cte *slot = lookup(t, ctx_syscall_cptr(&t->ctx));
    if (!slot || slot->cap.type != OBJ_ENDPOINT || !(slot->cap.rights & RIGHT_WRITE)) return false;
    struct endpoint *ep = cap_endpoint(&slot->cap);
    struct tcb *r = ep->queue.head;
    if (!r || r->state != TS_BLOCKED_RECV || r->reply_to || !can_run_now(t, r)) return false;

    /* Dequeue the receiver; it owes the caller a reply. */
    thread_queue_pop(&ep->queue, QUEUE_WAIT);
    r->blocked_on = NULL;
    copy_message(t, r, cap_badge(&slot->cap), info);
    r->reply_to = t;
    r->reply_can_grant = (slot->cap.rights & RIGHT_GRANT) != 0;
    t->blocked_on = r;
    t->state = TS_BLOCKED_REPLY;
    r->state = TS_RUNNING;
    switch_to(t, r);
}

bool fastpath_reply_recv(struct tcb *t)
{
    word_t info = ctx_syscall_info(&t->ctx);
    struct tcb *caller = t->reply_to;
    if (!message_fits(info) || !caller || caller->state != TS_BLOCKED_REPLY || caller->blocked_on != t ||
        caller->fault_pending || !can_run_now(t, caller))
        return false;
    struct cte *slot = lookup(t, ctx_syscall_cptr(&t->ctx));
    if (!slot || slot->cap.type != OBJ_ENDPOINT || !(slot->cap.rights & RIGHT_READ)) return false;
    struct endpoint *ep = cap_endpoint(&slot->cap);
    if ((ep->queue.head && ep->queue.head->state == TS_BLOCKED_SEND) || (t->bound && t->bound->word)) return false;

    /* Reply, then wait on the endpoint. */
    t->reply_to = NULL;
    caller->blocked_on = NULL;
    copy_message(t, caller, 0, info);
    t->blocked_on = ep;
    t->state = TS_BLOCKED_RECV;
    thread_queue_append(&ep->queue, t, QUEUE_WAIT);
    caller->state = TS_RUNNING;
    switch_to(t, caller);
}
