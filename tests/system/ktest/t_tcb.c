/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* TCB invocations: registers, suspend/resume, priorities, configure errors, TLS, the stack a
 * new thread starts with. */
#include "ktest.h"

static volatile uint64_t counter;
static void count_forever(bh_word_t arg)
{
    (void)arg;
    for (;;) counter++;
}

static int registers_suspend_resume(struct env *env)
{
    struct bh_thread t;
    CHECK_OK(bh_thread_create(&env->alloc, &t, count_forever, 0, 100));
    bh_word_t rip = 0;
    CHECK_OK(bh_tcb_read_registers(t.tcb, 0, 1, &rip));
    CHECK(rip != 0);
    CHECK_ERR(bh_tcb_read_registers(t.tcb, 0, 0, &rip), BH_ERR_RANGE);
    CHECK_ERR(bh_tcb_read_registers(t.tcb, 0, 20, &rip), BH_ERR_RANGE);
    CHECK_ERR(bh_tcb_read_registers(BH_ROOT_TCB, 0, 1, &rip), BH_ERR_ILLEGAL_OPERATION);
    bh_word_t bad[2] = {0xffff800000001000ull, 0};
    CHECK_ERR(bh_tcb_write_registers(t.tcb, 0, bad, 2), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(bh_thread_start(&t));
    counter = 0;
    /* It is lower priority: it runs only when we block; spin a few yields. */
    for (int i = 0; i < 3; i++) bh_yield();
    CHECK_OK(bh_tcb_suspend(t.tcb));
    return 0;
}

static int priorities(struct env *env)
{
    struct bh_thread t;
    CHECK_OK(bh_thread_create(&env->alloc, &t, count_forever, 0, 10));
    CHECK_ERR(bh_tcb_set_priority(t.tcb, 300, BH_ROOT_TCB), BH_ERR_RANGE);
    CHECK_OK(bh_tcb_set_mc_priority(t.tcb, 20, BH_ROOT_TCB));
    CHECK_ERR(bh_tcb_set_priority(BH_ROOT_TCB, 30, t.tcb), BH_ERR_RANGE);
    CHECK_OK(bh_tcb_set_priority(t.tcb, 20, t.tcb));
    CHECK_ERR(bh_tcb_set_priority(t.tcb, 5, BH_ROOT_CNODE), BH_ERR_WRONG_OBJECT_TYPE);
    return 0;
}

static int configure_errors(struct env *env)
{
    bh_cptr_t tcb = new_object(env, BH_OBJ_TCB, 0);
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_ERR(bh_tcb_configure(tcb, BH_ROOT_VSPACE, BH_ROOT_VSPACE, f, 0x1000), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_ERR(bh_tcb_configure(tcb, BH_ROOT_CNODE, BH_ROOT_CNODE, f, 0x1000), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_ERR(bh_tcb_configure(tcb, BH_ROOT_CNODE, BH_ROOT_VSPACE, BH_ROOT_TCB, 0x1000), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_ERR(bh_tcb_configure(tcb, BH_ROOT_CNODE, BH_ROOT_VSPACE, f, 0x1001), BH_ERR_ALIGNMENT);
    CHECK_ERR(bh_tcb_configure(BH_ROOT_TCB, BH_ROOT_CNODE, BH_ROOT_VSPACE, f, 0x1000), BH_ERR_ILLEGAL_OPERATION);
    CHECK_ERR(bh_tcb_resume(tcb), BH_ERR_ILLEGAL_OPERATION);
    CHECK_OK(bh_tcb_configure(tcb, BH_ROOT_CNODE, BH_ROOT_VSPACE, f, 0x1000));
    CHECK_ERR(bh_tcb_set_tls_base(tcb, 0xffff800000000000ull), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_tcb_set_fault_handler(tcb, BH_ROOT_CNODE), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, tcb, 64));
    return 0;
}

static __thread int tls_value = 5;
static volatile int tls_seen;
static void read_tls(bh_word_t arg)
{
    (void)arg;
    tls_seen = tls_value;
    tls_value = 9;
}

static int thread_local_storage(struct env *env)
{
    struct bh_thread t;
    tls_value = 6;
    CHECK_OK(bh_thread_create(&env->alloc, &t, read_tls, 0, 255));
    CHECK_OK(bh_thread_start(&t));
    bh_yield();
    CHECK(tls_seen == 5); /* the thread got a fresh copy of the TLS template */
    CHECK(tls_value == 6); /* and did not touch ours */
    return 0;
}

/* A thread entered directly at a function must find the stack its ABI promises (x86-64:
 * rsp + 8 16-byte aligned; ppc64le ELFv2: r1 16-byte aligned with the callee's 32-byte header
 * above it) and must not write above its stack, where its IPC buffer starts. */
static volatile uint64_t local_misalignment;
static volatile int stack_checked;
static void check_stack(bh_word_t arg)
{
    (void)arg;
    _Alignas(16) volatile char local[16];
    uintptr_t address = (uintptr_t)local;
    local[0] = 1;
    __asm__("" : "+r"(address)); /* the compiler would assume the ABI's alignment */
    local_misalignment = address % 16u;
    stack_checked = 1;
}

static int thread_stack_follows_the_abi(struct env *env)
{
    struct bh_thread t;
    CHECK_OK(bh_thread_create(&env->alloc, &t, check_stack, 0, 255));
    bh_ipc_buffer_t *ipc = (bh_ipc_buffer_t *)(uintptr_t)t.ipc_addr;
    for (unsigned i = 0; i < 4; i++) ipc->mr[i] = 0x5afe0000u + i;
    ipc->tag = 0x5afe;
    stack_checked = 0;
    local_misalignment = ~0ull;
    CHECK_OK(bh_thread_start(&t));
    CHECK(wait_flag(&stack_checked, 100));
    CHECK(local_misalignment == 0);
    CHECK(ipc->tag == 0x5afe);
    for (unsigned i = 0; i < 4; i++) CHECK(ipc->mr[i] == 0x5afe0000u + i);
    return 0;
}

static int delete_running_thread(struct env *env)
{
    struct bh_thread t;
    CHECK_OK(bh_thread_create(&env->alloc, &t, count_forever, 0, 100));
    CHECK_OK(bh_thread_start(&t));
    bh_yield();
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, t.tcb, 64));
    return 0;
}

const struct test tests_tcb[] = {
    {"tcb_registers_suspend_resume", registers_suspend_resume},
    {"tcb_priorities_bounded_by_mcp", priorities},
    {"tcb_configure_errors", configure_errors},
    {"tcb_thread_local_storage", thread_local_storage},
    {"tcb_thread_stack_follows_the_abi", thread_stack_follows_the_abi},
    {"tcb_delete_runnable_thread", delete_running_thread},
    {0, 0},
};
