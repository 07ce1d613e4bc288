/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM's vCPU threads, one running at a time: the kernel runs a VMM's threads on one CPU,
 * and the VMM relies on nothing more than its lock and its notifications. Real threads (the
 * VMM keeps its vCPU in thread-local storage, smp.c) pass a baton: a thread runs until it
 * reaches a system call where the kernel could run another (VMEnter, a wait, a yield), and
 * the harness's choice function, reading the input, picks the next among those that can
 * run. When the input is used up, or nothing can run (every vCPU sleeps with no timer
 * armed: the guest would sleep for ever), the run ends: every thread leaves the VMM through
 * longjmp at the system call it is in, and the VM is thrown away.
 */
#include <pthread.h>
#include <setjmp.h>
#include "fake.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int current;                        /* the thread with the baton, -1 for none */
static bool stopping;
static unsigned nthreads;
static enum sched_state state[VMM_MAX_VCPUS];
static jmp_buf base[VMM_MAX_VCPUS];
static bh_ipc_buffer_t ipc[VMM_MAX_VCPUS];
static void (*thread_body)(unsigned id);
static sched_choose_fn *choose;
static void (*idle_fn)(void);
bool sched_asleep;

bool sched_can_run(unsigned id)
{
    switch (state[id]) {
    case SCHED_START:
    case SCHED_ENTER:
    case SCHED_YIELD: return true;
    case SCHED_WAIT: return fake.ntfn_woken[id];
    default: return false;
    }
}

bool sched_waiting(unsigned id)
{
    return id < nthreads && state[id] == SCHED_WAIT;
}

/* Under mu: the next thread, or -1 when the run ends. The timer server firing is one more
 * choice when it is armed. */
static int pick(bool yield)
{
    for (;;) {
        unsigned ids[VMM_MAX_VCPUS], n = 0;
        for (unsigned i = 0; i < nthreads; i++)
            if (sched_can_run(i)) ids[n++] = i;
        bool timer = fake.timer_tsc != 0 && fake.timer_tsc != UINT64_MAX;   /* the TSC never gets there */
        if (n == 0 && !timer) {
            sched_asleep = true;
            return -1;
        }
        int c = choose(n + (timer ? 1u : 0u), yield);
        if (c < 0) return -1;
        if ((unsigned)c < n) return (int)ids[c];
        idle_fn();
    }
}

static void wait_for_baton(unsigned me)
{
    while (current != (int)me && !stopping) pthread_cond_wait(&cv, &mu);
}

void sched_switch(enum sched_state why)
{
    unsigned me = fake_self;
    pthread_mutex_lock(&mu);
    state[me] = why;
    current = pick(why == SCHED_YIELD);
    if (current < 0) stopping = true;
    pthread_cond_broadcast(&cv);
    wait_for_baton(me);
    if (stopping) {
        pthread_mutex_unlock(&mu);
        longjmp(base[me], 1);
    }
    state[me] = SCHED_RUN;
    pthread_mutex_unlock(&mu);
}

_Noreturn void sched_stop(void)
{
    unsigned me = fake_self;
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    longjmp(base[me], 1);
}

static void *thread_main(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg;
    fake_self = me;
    bh_ipc_buffer_ptr = &ipc[me];
    pthread_mutex_lock(&mu);
    wait_for_baton(me);
    bool run = !stopping;
    if (run) state[me] = SCHED_RUN;
    pthread_mutex_unlock(&mu);
    if (run && setjmp(base[me]) == 0) thread_body(me);
    pthread_mutex_lock(&mu);
    state[me] = SCHED_DONE;
    if (!stopping && current == (int)me) {   /* the VMM returned: another thread may go on */
        current = pick(false);
        if (current < 0) stopping = true;
        pthread_cond_broadcast(&cv);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

void sched_run(unsigned threads, void (*body)(unsigned id), sched_choose_fn *chooser, void (*idle)(void))
{
    pthread_t t[VMM_MAX_VCPUS];
    nthreads = threads;
    thread_body = body;
    choose = chooser;
    idle_fn = idle;
    stopping = false;
    sched_asleep = false;
    current = 0;
    for (unsigned i = 0; i < threads; i++) state[i] = SCHED_START;
    for (unsigned i = 0; i < threads; i++)
        require(pthread_create(&t[i], NULL, thread_main, (void *)(uintptr_t)i) == 0);
    for (unsigned i = 0; i < threads; i++) pthread_join(t[i], NULL);
}
