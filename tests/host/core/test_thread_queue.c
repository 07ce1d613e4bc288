/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The thread-queue type (kernel/thread_queue.h) on its own: every operation, both links. */
#include <string.h>
#include "harness.h"
#include "kernel.h"

static struct tcb threads[4];

/* The queue holds exactly want[0..n) in order, linked both ways through `kind`. */
static bool holds(const struct thread_queue *q, enum queue_kind kind, struct tcb *const *want, unsigned n)
{
    struct tcb *prev = NULL, *t = q->head;
    for (unsigned i = 0; i < n; i++, prev = t, t = t->link[kind].next)
        if (t != want[i] || t->link[kind].prev != prev || !thread_queue_contains(q, t, kind)) return false;
    return t == NULL && q->tail == prev;
}

TEST(thread_queue_append_push_remove)
{
    struct tcb *a = &threads[0], *b = &threads[1], *c = &threads[2];
    struct thread_queue q = {0};
    memset(threads, 0, sizeof threads);
    CHECK(holds(&q, QUEUE_WAIT, NULL, 0));
    thread_queue_append(&q, a, QUEUE_WAIT);
    thread_queue_append(&q, b, QUEUE_WAIT);
    thread_queue_push(&q, c, QUEUE_WAIT);
    CHECK(holds(&q, QUEUE_WAIT, (struct tcb *[]){c, a, b}, 3));
    /* The other link is untouched: a thread waits and is ready at once. */
    CHECK(!thread_queue_contains(&(struct thread_queue){0}, a, QUEUE_READY));
    CHECK_PTR(a->link[QUEUE_READY].next, NULL);
    thread_queue_remove(&q, a, QUEUE_WAIT); /* middle */
    CHECK(holds(&q, QUEUE_WAIT, (struct tcb *[]){c, b}, 2));
    CHECK(!thread_queue_contains(&q, a, QUEUE_WAIT));
    thread_queue_remove(&q, b, QUEUE_WAIT); /* tail */
    CHECK(holds(&q, QUEUE_WAIT, (struct tcb *[]){c}, 1));
    thread_queue_remove(&q, c, QUEUE_WAIT); /* the only one */
    CHECK(holds(&q, QUEUE_WAIT, NULL, 0));
    CHECK_PTR(c->link[QUEUE_WAIT].next, NULL);
    CHECK_PTR(c->link[QUEUE_WAIT].prev, NULL);
}

TEST(thread_queue_pop)
{
    struct tcb *a = &threads[0], *b = &threads[1], *c = &threads[2];
    struct thread_queue q = {0};
    memset(threads, 0, sizeof threads);
    CHECK_PTR(thread_queue_pop(&q, QUEUE_READY), NULL);
    thread_queue_append(&q, a, QUEUE_READY);
    thread_queue_append(&q, b, QUEUE_READY);
    thread_queue_append(&q, c, QUEUE_READY);
    CHECK_PTR(thread_queue_pop(&q, QUEUE_READY), a);
    CHECK(!thread_queue_contains(&q, a, QUEUE_READY));
    CHECK_PTR(a->link[QUEUE_READY].next, NULL);
    CHECK(holds(&q, QUEUE_READY, (struct tcb *[]){b, c}, 2));
    CHECK_PTR(thread_queue_pop(&q, QUEUE_READY), b);
    CHECK_PTR(thread_queue_pop(&q, QUEUE_READY), c);
    CHECK(holds(&q, QUEUE_READY, NULL, 0));
}
