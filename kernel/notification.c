/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Notifications: a word of signal bits. A signal ORs the capability's badge into the word,
 * or, if a thread waits, wakes the first waiter with the bits. A thread bound to the
 * notification also receives its signals while it waits on an endpoint.
 */
#include "kernel.h"

static void deliver(struct tcb *t, word_t bits)
{
    ctx_set_badge(&t->ctx, bits);
    ctx_set_info(&t->ctx, 0);
    t->blocked_on = NULL;
    sched_wake(t);
}

void notification_signal(struct notification *n, word_t badge)
{
    struct tcb *t = thread_queue_pop(&n->waiters, QUEUE_WAIT);
    if (t) {
        deliver(t, n->word | badge);
        n->word = 0;
        return;
    }
    struct tcb *b = n->bound;
    if (b && b->state == TS_BLOCKED_RECV) {
        /* The bound thread waits on an endpoint: take it out and give it the signal. */
        ipc_cancel(b);
        deliver(b, n->word | badge);
        n->word = 0;
        return;
    }
    n->word |= badge;
}

void notification_wait(struct tcb *t, struct notification *n, bool blocking)
{
    if (n->word || !blocking) {
        ctx_set_badge(&t->ctx, n->word);
        ctx_set_info(&t->ctx, 0);
        n->word = 0;
        return;
    }
    t->blocked_on = n;
    tcb_set_state(t, TS_BLOCKED_NOTIFICATION);
    thread_queue_append(&n->waiters, t, QUEUE_WAIT);
}

void notification_cancel(struct tcb *t)
{
    thread_queue_remove(&((struct notification *)t->blocked_on)->waiters, t, QUEUE_WAIT);
}

/* The notification is going away: its waiters re-execute their wait (and fail). */
void notification_cancel_all(struct notification *n)
{
    struct tcb *t;
    while ((t = thread_queue_pop(&n->waiters, QUEUE_WAIT))) {
        t->blocked_on = NULL;
        ctx_restart_syscall(&t->ctx);
        tcb_set_state(t, TS_RUNNING);
    }
    if (n->bound) n->bound->bound = NULL;
    n->bound = NULL;
}

void notification_bind(struct notification *n, struct tcb *t)
{
    n->bound = t;
    t->bound = n;
}

void notification_unbind_tcb(struct tcb *t)
{
    if (t->bound) t->bound->bound = NULL;
    t->bound = NULL;
}
