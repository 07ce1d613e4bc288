/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Thread queues: doubly linked lists of TCBs with a head and a tail, one type for endpoints,
 * notifications (their waiters, through a thread's QUEUE_WAIT link), the scheduler's ready
 * queues (QUEUE_READY) and the IPC fast path. A thread is in at most one queue of each kind.
 * Inline so that the fast path's constant `kind` folds into plain loads and stores.
 */
#ifndef KERNEL_THREAD_QUEUE_H
#define KERNEL_THREAD_QUEUE_H

#include "object.h"

static ALWAYS_INLINE struct thread_link *queue_link(struct tcb *t, enum queue_kind kind)
{
    return &t->link[kind];
}

static ALWAYS_INLINE struct tcb *thread_queue_next(struct tcb *t, enum queue_kind kind)
{
    return t->link[kind].next;
}

static ALWAYS_INLINE bool thread_queue_contains(const struct thread_queue *q, const struct tcb *t, enum queue_kind kind)
{
    return t->link[kind].prev != NULL || q->head == t;
}

static ALWAYS_INLINE void thread_queue_append(struct thread_queue *q, struct tcb *t, enum queue_kind kind)
{
    struct thread_link *l = queue_link(t, kind);
    l->next = NULL;
    l->prev = q->tail;
    if (q->tail) queue_link(q->tail, kind)->next = t;
    else q->head = t;
    q->tail = t;
}

static ALWAYS_INLINE void thread_queue_push(struct thread_queue *q, struct tcb *t, enum queue_kind kind)
{
    struct thread_link *l = queue_link(t, kind);
    l->prev = NULL;
    l->next = q->head;
    if (q->head) queue_link(q->head, kind)->prev = t;
    else q->tail = t;
    q->head = t;
}

static ALWAYS_INLINE void thread_queue_remove(struct thread_queue *q, struct tcb *t, enum queue_kind kind)
{
    struct thread_link *l = queue_link(t, kind);
    if (l->prev) queue_link(l->prev, kind)->next = l->next;
    else q->head = l->next;
    if (l->next) queue_link(l->next, kind)->prev = l->prev;
    else q->tail = l->prev;
    l->next = l->prev = NULL;
}

/* The head taken out, or NULL when the queue is empty. */
static ALWAYS_INLINE struct tcb *thread_queue_pop(struct thread_queue *q, enum queue_kind kind)
{
    struct tcb *t = q->head;
    if (!t) return NULL;
    q->head = t->link[kind].next;
    if (q->head) queue_link(q->head, kind)->prev = NULL;
    else q->tail = NULL;
    t->link[kind].next = NULL;
    return t;
}

#endif
