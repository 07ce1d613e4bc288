/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The scheduler (kernel/sched.c): priorities, round-robin, partitions, bitmap consistency. */
#include "harness.h"
#include "fixture.h"

#define T0 20u
#define TIMESLICE 5u

static struct tcb *thread(word_t i, word_t prio) { return fx_thread(T0 + 3 * i, prio); }

static void pick(void)
{
    sched_reschedule();
    schedule();
}

static void tick(void)
{
    sched_timer_tick();
    schedule();
}

TEST(sched_runs_highest_priority)
{
    struct tcb *lo = thread(0, 10), *hi = thread(1, 200), *mid = thread(2, 100);
    pick();
    CHECK_PTR(current, hi);
    CHECK_PTR(fake_switched_to, hi);
    CHECK_PTR(fake_switched_root, hi->slots[TCB_VSPACE].cap.ptr);
    tcb_suspend(hi);
    schedule();
    CHECK_PTR(current, mid);
    tcb_suspend(mid);
    schedule();
    CHECK_PTR(current, lo);
    tcb_suspend(lo);
    schedule();
    CHECK_PTR(current, NULL);
    CHECK(sched_queue_consistent());
}

TEST(sched_round_robin_on_ticks)
{
    struct tcb *a = thread(0, 50), *b = thread(1, 50), *c = thread(2, 50);
    pick();
    CHECK_PTR(current, a);
    for (unsigned i = 0; i < TIMESLICE - 1; i++) tick();
    CHECK_PTR(current, a);
    tick();
    CHECK_PTR(current, b);
    for (unsigned i = 0; i < TIMESLICE; i++) tick();
    CHECK_PTR(current, c);
    for (unsigned i = 0; i < TIMESLICE; i++) tick();
    CHECK_PTR(current, a);
    CHECK(sched_queue_consistent());
}

/* Lazy scheduling: the running thread is in no queue; preempted, it goes back to the head of
 * its queue, ahead of its equals that were waiting. */
TEST(sched_preempted_thread_keeps_its_place)
{
    struct tcb *a = thread(0, 50), *b = thread(1, 50);
    pick();
    CHECK_PTR(current, a);
    CHECK(!sched_in_queue(a) && sched_in_queue(b));
    struct tcb *hi = thread(2, 200); /* runnable: preempts a */
    schedule();
    CHECK_PTR(current, hi);
    CHECK(sched_in_queue(a) && !sched_in_queue(hi));
    tcb_suspend(hi);
    schedule();
    CHECK_PTR(current, a); /* not b */
    CHECK(!sched_in_queue(a) && sched_in_queue(b));
    CHECK(sched_queue_consistent());
    CHECK_EQ(check_invariants(), 0);
}

TEST(sched_yield_goes_to_tail)
{
    struct tcb *a = thread(0, 50), *b = thread(1, 50);
    pick();
    CHECK_PTR(current, a);
    CHECK_EQ(fx_syscall(a, (word_t)SYS_YIELD), FAKE_TO_USER);
    CHECK_PTR(current, b);
    CHECK_PTR(fake_user_thread, b);
    CHECK_EQ(fx_syscall(b, (word_t)SYS_YIELD), FAKE_TO_USER);
    CHECK_PTR(current, a);
}

static void timer_entry(word_t unused)
{
    (void)unused;
    handle_timer_entry();
}

TEST(sched_idle_when_nothing_runnable)
{
    struct tcb *a = thread(0, 50);
    pick();
    CHECK_EQ(fx_syscall(a, (word_t)SYS_YIELD), FAKE_TO_USER);
    CHECK_PTR(current, a); /* alone: it runs on */
    tcb_suspend(a);
    CHECK_EQ(fake_enter(timer_entry, 0), FAKE_IDLE);
    CHECK_PTR(current, NULL);
    CHECK_PTR(fake_switched_root, plat_kernel_vspace());
}

TEST(sched_partitions_do_not_borrow_time)
{
    struct tcb *p0 = thread(0, 10), *p1 = thread(1, 200);
    sched_set_partition(p1, 1);
    pick();
    CHECK_PTR(current, p0); /* higher priority, but in the other partition */
    word_t entries[2] = {(0ul << 32) | 2, (1ul << 32) | 3};
    sched_set_schedule(entries, 2);
    CHECK_EQ(sched_active_partition(), 0);
    tick();
    CHECK_EQ(sched_active_partition(), 0);
    tick();
    CHECK_EQ(sched_active_partition(), 1);
    CHECK_PTR(current, p1);
    tcb_suspend(p1);
    schedule();
    CHECK_PTR(current, NULL); /* partition 1 idles though p0 is ready */
    tick();
    tick();
    CHECK_EQ(sched_active_partition(), 1);
    tick();
    CHECK_EQ(sched_active_partition(), 0);
    CHECK_PTR(current, p0);
    CHECK(sched_queue_consistent());
}

/* The platform flushes what could carry a timing channel when, and only when, the active
 * partition changes: not between two schedule entries of the same partition. */
TEST(sched_partition_switch_flushes)
{
    struct tcb *p0 = thread(0, 10), *p1 = thread(1, 10);
    sched_set_partition(p1, 1);
    pick();
    word_t entries[3] = {(0ul << 32) | 1, (0ul << 32) | 1, (1ul << 32) | 1};
    word_t before = fake_partition_switches;
    sched_set_schedule(entries, 3); /* starts at entry 0: partition 0 again */
    CHECK_EQ(fake_partition_switches, before);
    tick(); /* entry 1, partition 0 */
    CHECK_EQ(sched_active_partition(), 0);
    CHECK_EQ(fake_partition_switches, before);
    tick(); /* entry 2, partition 1 */
    CHECK_EQ(sched_active_partition(), 1);
    CHECK_EQ(fake_partition_switches, before + 1);
    CHECK_PTR(current, p1);
    tick(); /* entry 0, partition 0 */
    CHECK_EQ(fake_partition_switches, before + 2);
    CHECK_PTR(current, p0);
}

TEST(sched_set_schedule_errors)
{
    word_t entries[3] = {(0ul << 32) | 1, (16ul << 32) | 1, 0};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    CHECK_EQ(fx_decode(fx_slot(S_DOMAIN), INV_DOMAIN_CONTROL_SET_SCHEDULE, entries, 0, caps, 0), ERR_TRUNCATED_MESSAGE);
    CHECK_EQ(fx_decode(fx_slot(S_DOMAIN), INV_DOMAIN_CONTROL_SET_SCHEDULE, entries, 2, caps, 0), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 1);
    entries[1] = (3ul << 32) | 1;
    CHECK_EQ(fx_decode(fx_slot(S_DOMAIN), INV_DOMAIN_CONTROL_SET_SCHEDULE, entries, 3, caps, 0), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 2);
    CHECK_EQ(sched_active_partition(), 0);
    word_t many[65] = {0};
    CHECK_EQ(fx_decode(fx_slot(S_DOMAIN), INV_DOMAIN_CONTROL_SET_SCHEDULE, many, 65, caps, 0), ERR_RANGE);
    word_t part[1] = {16};
    struct tcb *t = thread(0, 1);
    caps[0] = fx_slot(T0);
    CHECK_EQ(fx_decode(fx_slot(S_DOMAIN), INV_DOMAIN_CONTROL_SET_PARTITION, part, 1, caps, 1), ERR_RANGE);
    CHECK_EQ(current_error.detail[1], PARTITIONS - 1);
    part[0] = 4;
    CHECK_EQ(fx_decode(fx_slot(S_DOMAIN), INV_DOMAIN_CONTROL_SET_PARTITION, part, 1, caps, 1), ERR_OK);
    CHECK_EQ(t->partition, 4);
    CHECK(sched_queue_consistent());
}

TEST(sched_set_priority_requeues_and_respects_mcp)
{
    struct tcb *a = thread(0, 10), *b = thread(1, 20);
    pick();
    CHECK_PTR(current, b);
    b->mcp = 100;
    word_t mr[1] = {150};
    word_t caps[1] = {T0 + 3}; /* authority: b itself */
    CHECK_EQ(fx_invoke(b, T0, INV_TCB_SET_PRIORITY, mr, 1, caps, 1), ERR_RANGE);
    CHECK_EQ(b->ctx.mr[1], 100);
    mr[0] = 90;
    CHECK_EQ(fx_invoke(b, T0, INV_TCB_SET_PRIORITY, mr, 1, caps, 1), ERR_OK);
    CHECK_EQ(a->priority, 90);
    CHECK_PTR(current, a);
    CHECK(sched_queue_consistent());
}

TEST(sched_ipc_handoff_respects_priority)
{
    ASSERT(fx_retype(S_UT, OBJ_ENDPOINT, 0, 100, 1) == ERR_OK);
    struct tcb *hi = thread(0, 200), *lo = thread(1, 10), *mid = thread(2, 100);
    fx_message(lo, 100, 0, NULL, 0, NULL, 0);
    fx_syscall(lo, (word_t)SYS_RECV);
    pick();
    CHECK_PTR(current, hi);
    fx_message(hi, 100, 0, NULL, 0, NULL, 0);
    fx_syscall(hi, (word_t)SYS_SEND);
    CHECK_PTR(current, hi); /* lo woke, but hi keeps the CPU */
    CHECK_EQ(lo->state, TS_RUNNING);
    tcb_suspend(hi);
    schedule();
    CHECK_PTR(current, mid);
    CHECK(sched_queue_consistent());
}

TEST(sched_bitmap_consistent_under_churn)
{
    enum { THREADS = 24 };
    struct tcb *t[THREADS];
    for (word_t i = 0; i < THREADS; i++) t[i] = thread(i, (i * 37) % 256);
    word_t seed = 12345;
    for (unsigned step = 0; step < 3000; step++) {
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        struct tcb *x = t[(seed >> 33) % THREADS];
        word_t v = (seed >> 45) & 0xff;
        switch ((seed >> 20) % 6) {
        case 0: tcb_suspend(x); break;
        case 1: tcb_resume(x); break;
        case 2: sched_set_priority(x, v); break;
        case 3: sched_set_partition(x, v % 3); break;
        case 4: tick(); break;
        default: if (!tcb_runnable(x)) sched_wake(x); break;
        }
        schedule();
        if (!sched_queue_consistent()) CHECK_EQ(step, ~0ul);
        CHECK(current == NULL || (tcb_runnable(current) && !sched_in_queue(current)));
        CHECK(current == NULL || current->partition == sched_active_partition());
    }
    CHECK_EQ(check_invariants(), 0);
}
