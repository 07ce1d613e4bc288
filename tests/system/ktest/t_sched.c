/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Scheduling: timer preemption between equal priorities, time partitions. The PIT times
 * the waits (a real device interrupt), so no test depends on how fast QEMU runs. */
#include "ktest.h"

static volatile uint64_t counters[4];
static void spin(bh_word_t i)
{
    for (;;) counters[i]++;
}

/* Busy-waits until *counter moves (bounded): the waiting thread never yields, so only the
 * timer (round-robin or a partition switch) can let the counting thread run. */
static int wait_for_progress(volatile uint64_t *counter)
{
    for (uint64_t spins = 0; spins < 2000000000ull; spins++)
        if (*counter > 0) return 1;
    return 0;
}

static int round_robin(struct env *env)
{
    struct bh_thread a, b;
    counters[0] = counters[1] = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &a, spin, 0, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &b, spin, 1, 50));
    CHECK_OK(bh_thread_start(&a));
    CHECK_OK(bh_thread_start(&b));
    /* Drop to their priority: three threads that never yield share the CPU only by the tick. */
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 50, BH_ROOT_TCB));
    int ok = wait_for_progress(&counters[0]) && wait_for_progress(&counters[1]);
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 255, BH_ROOT_TCB));
    CHECK_OK(bh_tcb_suspend(a.tcb));
    CHECK_OK(bh_tcb_suspend(b.tcb));
    CHECK(ok);
    return 0;
}

static int partitions(struct env *env)
{
    struct bh_thread in1, in2;
    counters[2] = counters[3] = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &in1, spin, 2, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &in2, spin, 3, 50));
    CHECK_OK(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 1, in1.tcb));
    CHECK_OK(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 2, in2.tcb));
    bh_word_t sched[2] = {(0ull << 32) | 5, (1ull << 32) | 5};
    CHECK_OK(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, sched, 2));
    CHECK_OK(bh_thread_start(&in1));
    CHECK_OK(bh_thread_start(&in2));
    /* We (partition 0, priority 255) never block: partition 1 runs only in its own slots. */
    int ok = wait_for_progress(&counters[2]);
    bh_word_t only0[1] = {(0ull << 32) | 1};
    CHECK_OK(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, only0, 1));
    CHECK_OK(bh_tcb_suspend(in1.tcb));
    CHECK_OK(bh_tcb_suspend(in2.tcb));
    CHECK(ok);               /* partition 1 got its time although partition 0's thread never yields */
    CHECK(counters[3] == 0); /* partition 2 is not in the schedule: it never ran */
    return 0;
}

static int partition_errors(struct env *env)
{
    bh_word_t bad_part[1] = {(99ull << 32) | 5};
    bh_word_t zero_ticks[1] = {(1ull << 32) | 0};
    CHECK_ERR(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, bad_part, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, zero_ticks, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, bad_part, 0), BH_ERR_TRUNCATED_MESSAGE);
    CHECK_ERR(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 16, BH_ROOT_TCB), BH_ERR_RANGE);
    CHECK_ERR(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 1, BH_ROOT_CNODE), BH_ERR_WRONG_OBJECT_TYPE);
    return 0;
}

static volatile int yield_ran;
static void run_once_then_block(bh_word_t ntfn)
{
    yield_ran = 1;
    bh_wait(ntfn); /* never signalled: it stays blocked, taking no time */
}

static int yield_between_equals(struct env *env)
{
    /* An equal-priority thread runs when we yield (a timer tick may let it run earlier; either
     * way it has run once the yield returns). It then blocks, so nothing spins afterwards. */
    struct bh_thread t;
    bh_cptr_t never = new_object(env, BH_OBJ_NOTIFICATION, 0);
    yield_ran = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &t, run_once_then_block, never, 255));
    CHECK_OK(bh_thread_start(&t));
    bh_yield();
    int ran = yield_ran;
    CHECK_OK(bh_tcb_suspend(t.tcb));
    CHECK(ran);
    return 0;
}

const struct test tests_sched[] = {
    {"sched_timer_preempts_equal_priorities", round_robin},
    {"sched_time_partitions_isolate", partitions},
    {"sched_partition_errors", partition_errors},
    {"sched_yield_to_equal_priority", yield_between_equals},
    {0, 0},
};
