/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Scheduling: a static cyclic schedule of time partitions (temporal isolation between
 * partitions, as Muen's major frames and seL4's domains), and inside the active partition
 * fixed-priority round-robin. Every runnable thread but the running one is in the ready queue
 * of its partition and priority (lazy scheduling, as seL4's: a thread that runs is taken out,
 * so that the IPC fast path hands the CPU from one thread to another without touching a
 * queue); when the running thread must give way, schedule() puts it back at the head of its
 * queue (at the tail when its time slice ended or it yielded). The choice is the head of the
 * highest non-empty queue of the active partition, found through a two-level bitmap. When the
 * active partition has nothing to run, the CPU idles: other partitions' threads never borrow
 * its time.
 */
#include "kernel.h"

#define TIMESLICE_TICKS 5u
#define BITMAP_WORDS (PRIORITIES / WORD_BITS)

static struct thread_queue ready[PARTITIONS][PRIORITIES];
static word_t ready_bitmap[PARTITIONS][BITMAP_WORDS];
static word_t ready_summary[PARTITIONS];

struct schedule_entry {
    word_t partition;
    word_t ticks;
};
/* Until the schedule is set: partition 0 alone. */
static struct schedule_entry schedule_table[SCHEDULE_ENTRIES] = {{0, 1}};
static word_t schedule_length = 1;
static word_t schedule_index;
static word_t partition_ticks_left = 1;
static word_t active_partition;

struct tcb *current;
bool sched_action_needed;
/* A thread woken by an IPC hand-off that is to run next, in no queue; schedule() switches to
 * it unless something changed (as seL4's SwitchToThread action). */
static struct tcb *candidate;
word_t sched_ticks;

bool sched_in_queue(const struct tcb *t)
{
    return thread_queue_contains(&ready[t->partition][t->priority], t, QUEUE_READY);
}

static void bitmap_set(word_t part, word_t prio)
{
    ready_bitmap[part][prio / WORD_BITS] |= BIT(prio % WORD_BITS);
    ready_summary[part] |= BIT(prio / WORD_BITS);
}

static void bitmap_clear(word_t part, word_t prio)
{
    ready_bitmap[part][prio / WORD_BITS] &= ~BIT(prio % WORD_BITS);
    if (ready_bitmap[part][prio / WORD_BITS] == 0) ready_summary[part] &= ~BIT(prio / WORD_BITS);
}

static void enqueue_at(struct tcb *t, bool at_head)
{
    struct thread_queue *q = &ready[t->partition][t->priority];
    if (sched_in_queue(t)) return;
    if (at_head) thread_queue_push(q, t, QUEUE_READY);
    else thread_queue_append(q, t, QUEUE_READY);
    bitmap_set(t->partition, t->priority);
}

/* t became runnable. The running thread stays out of the queues (schedule() queues it when it
 * must give way). */
void sched_enqueue(struct tcb *t)
{
    if (t == current || t == candidate) return;
    enqueue_at(t, false);
    if (t->partition == active_partition && (current == NULL || t->priority > current->priority))
        sched_action_needed = true;
}

static void remove_from_queue(struct tcb *t)
{
    struct thread_queue *q = &ready[t->partition][t->priority];
    thread_queue_remove(q, t, QUEUE_READY);
    if (!q->head) bitmap_clear(t->partition, t->priority);
}

/* t stopped being runnable (or changes queue): out of its queue; if it is the running thread,
 * another must be chosen. */
void sched_dequeue(struct tcb *t)
{
    if (sched_in_queue(t)) remove_from_queue(t);
    if (t == candidate) candidate = NULL;
    if (t == current) sched_action_needed = true;
}

/* The highest priority with a ready thread in partition part; its summary must not be 0. */
static ALWAYS_INLINE word_t top_priority(word_t part)
{
    word_t w = (word_t)(WORD_BITS - 1 - (word_t)__builtin_clzl(ready_summary[part]));
    word_t b = (word_t)(WORD_BITS - 1 - (word_t)__builtin_clzl(ready_bitmap[part][w]));
    return w * WORD_BITS + b;
}

static struct tcb *highest_ready(word_t part)
{
    return ready_summary[part] == 0 ? NULL : ready[part][top_priority(part)].head;
}

/* Something ready in the active partition is above priority prio. */
static bool higher_ready(word_t prio)
{
    return ready_summary[active_partition] != 0 && top_priority(active_partition) > prio;
}

/*
 * The running thread wakes t (an IPC hand-off: a message, a reply, a signal). t runs next if
 * nothing in its partition is above it, the running thread and an earlier wake included
 * (equals give way to t); it is then the candidate, in no queue. Otherwise it waits at the
 * head of its queue. One step: no append, remove and re-insert.
 */
void sched_wake(struct tcb *t)
{
    t->state = TS_RUNNING;
    if (sched_in_queue(t)) remove_from_queue(t);
    bool runs = t->partition == active_partition && !higher_ready(t->priority) &&
                (current == NULL || !tcb_runnable(current) || current->partition != active_partition ||
                 t->priority >= current->priority) &&
                (candidate == NULL || t->priority >= candidate->priority);
    if (!runs) {
        enqueue_at(t, true);
        return;
    }
    if (candidate) enqueue_at(candidate, true);
    candidate = t;
    sched_action_needed = true;
}

/* The yielding (running) thread goes to the tail of its queue: its equals run first. */
void sched_yield(void)
{
    if (current && tcb_runnable(current)) enqueue_at(current, false);
    sched_action_needed = true;
}

void sched_reschedule(void)
{
    sched_action_needed = true;
}

/* The address space a thread runs in: its VSpace while the VSpace's ASID names it; else the
 * kernel's, which has no user mappings (the thread faults). */
void *sched_space_of(const struct tcb *t)
{
    void *root = t && t->slots[TCB_VSPACE].cap.type == OBJ_VSPACE ? space_root(&t->slots[TCB_VSPACE].cap) : NULL;
    return root ? root : plat_kernel_vspace();
}

/* ASIDs were taken back (a pool was deleted): the running thread may have lost its space. */
void sched_space_revoked(void)
{
    if (current && sched_space_of(current) == plat_kernel_vspace()) plat_switch_to(current, current, plat_kernel_vspace());
}

void schedule(void)
{
    if (!sched_action_needed) return;
    sched_action_needed = false;
    struct tcb *next = candidate;
    candidate = NULL;
    /* The running thread keeps its place at the head of its queue while it gives way. */
    if (current && current != next && tcb_runnable(current)) enqueue_at(current, true);
    if (next && (next->partition != active_partition || higher_ready(next->priority))) {
        enqueue_at(next, true);
        next = NULL;
    }
    if (!next) {
        next = highest_ready(active_partition);
        if (next) remove_from_queue(next);
    }
    if (next != current) {
        plat_switch_to(current, next, sched_space_of(next));
        current = next;
    }
    if (current && current->timeslice == 0) current->timeslice = TIMESLICE_TICKS;
}

static void next_partition(void)
{
    word_t was = active_partition;
    schedule_index = (schedule_index + 1) % schedule_length;
    active_partition = schedule_table[schedule_index].partition;
    if (active_partition != was) plat_partition_switch();
    partition_ticks_left = schedule_table[schedule_index].ticks;
    sched_action_needed = true;
}

void sched_timer_tick(void)
{
    sched_ticks++;
    if (--partition_ticks_left == 0) {
        if (schedule_length > 1 || schedule_table[0].partition != active_partition) next_partition();
        else partition_ticks_left = schedule_table[0].ticks;
    }
    if (current && current->timeslice > 0 && --current->timeslice == 0) {
        /* Round-robin among equals: to the tail of its queue. */
        struct tcb *t = current;
        if (tcb_runnable(t)) enqueue_at(t, false);
        t->timeslice = TIMESLICE_TICKS;
        sched_action_needed = true;
    }
}

void sched_set_priority(struct tcb *t, word_t prio)
{
    bool queued = sched_in_queue(t);
    if (queued) sched_dequeue(t);
    t->priority = (uint8_t)prio;
    if (queued) sched_enqueue(t);
    sched_action_needed = true;
}

void sched_set_partition(struct tcb *t, word_t partition)
{
    bool queued = sched_in_queue(t);
    if (queued) sched_dequeue(t);
    t->partition = (uint8_t)partition;
    if (queued) sched_enqueue(t);
    sched_action_needed = true;
}

/* Entries checked by the caller (domain.c): partitions in range, ticks not 0, 1..64 of them. */
void sched_set_schedule(const word_t *entries, word_t count)
{
    for (word_t i = 0; i < count; i++) {
        schedule_table[i].partition = entries[i] >> 32;
        schedule_table[i].ticks = entries[i] & MASK(32);
    }
    schedule_length = count;
    schedule_index = count - 1;
    next_partition();
}

word_t sched_active_partition(void)
{
    return active_partition;
}

/* Invariant check: queue links, bitmap bits and thread fields agree; the running thread is
 * in no queue. */
bool sched_queue_consistent(void)
{
    for (word_t p = 0; p < PARTITIONS; p++) {
        for (word_t prio = 0; prio < PRIORITIES; prio++) {
            const struct thread_queue *q = &ready[p][prio];
            bool bit = (ready_bitmap[p][prio / WORD_BITS] & BIT(prio % WORD_BITS)) != 0;
            if (bit != (q->head != NULL)) return false;
            const struct tcb *prev = NULL;
            for (const struct tcb *t = q->head; t; prev = t, t = t->link[QUEUE_READY].next) {
                if (t->link[QUEUE_READY].prev != prev || t->partition != p || t->priority != prio || !tcb_runnable(t) ||
                    t == current)
                    return false;
            }
            if (q->tail != prev) return false;
        }
    }
    return true;
}
