/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Faults: delivered to the fault endpoint as messages; without a handler, only the thread stops. */
#include <bulkhead/arch/machine.h>
#include "ktest.h"

#define BAD_ADDRESS 0x0000123400000000ull

static volatile int resumed;

static void touch_unmapped(bh_word_t arg)
{
    (void)arg;
    *(volatile uint64_t *)BAD_ADDRESS = 1;
    resumed = 1;
}

static void bad_syscall(bh_word_t arg)
{
    (void)arg;
    bh_raw_syscall(60); /* Linux's exit on x86_64: unknown to this kernel */
    resumed = 2;
}

static void trap(bh_word_t arg)
{
    (void)arg;
    __builtin_trap();
}

static void use_missing_cap(bh_word_t arg)
{
    (void)arg;
    bh_call(4000, bh_msginfo(0, 0, 0, 0));
}

static int expect_fault(struct env *env, bh_thread_fn fn, bh_word_t kind, bh_word_t *mr0, struct bh_thread *t)
{
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    bh_cptr_t badged = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL, 0xfa));
    CHECK_OK(bh_thread_create(&env->alloc, t, fn, 0, 255)); /* equal priority: yields reach it */
    CHECK_OK(bh_tcb_set_fault_handler(t->tcb, badged));
    CHECK_OK(bh_thread_start(t));
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_recv(ep, &badge);
    CHECK(badge == 0xfa);
    CHECK(bh_msginfo_label(info) == kind);
    CHECK(bh_msginfo_length(info) == 4);
    *mr0 = bh_get_mr(0);
    return 0;
}

static int vm_fault(struct env *env)
{
    struct bh_thread t;
    bh_word_t addr;
    resumed = 0;
    if (expect_fault(env, touch_unmapped, BH_FAULT_VM, &addr, &t)) return 1;
    CHECK(addr == BAD_ADDRESS);
    /* Map the page and reply: the thread retries and goes on. */
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_OK(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, BAD_ADDRESS, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    bh_reply(bh_msginfo(0, 0, 0, 0));
    CHECK(wait_flag(&resumed, 100) == 1);
    CHECK_OK(bh_frame_unmap(f));
    return 0;
}

static int unknown_syscall(struct env *env)
{
    struct bh_thread t;
    bh_word_t nr;
    resumed = 0;
    if (expect_fault(env, bad_syscall, BH_FAULT_UNKNOWN_SYSCALL, &nr, &t)) return 1;
    CHECK(nr == 60);
    bh_reply(bh_msginfo(0, 0, 0, 0));
    CHECK(wait_flag(&resumed, 100) == 2);
    return 0;
}

static int user_exception(struct env *env)
{
    struct bh_thread t;
    bh_word_t vector;
    if (expect_fault(env, trap, BH_FAULT_USER_EXCEPTION, &vector, &t)) return 1;
    CHECK(vector == BH_ARCH_TRAP_VECTOR);
    bh_reply(bh_msginfo(1, 0, 0, 0)); /* non-zero label: the thread stays suspended */
    return 0;
}

static int cap_fault(struct env *env)
{
    struct bh_thread t;
    bh_word_t cptr;
    if (expect_fault(env, use_missing_cap, BH_FAULT_CAP, &cptr, &t)) return 1;
    CHECK(cptr == 4000);
    bh_reply(bh_msginfo(1, 0, 0, 0));
    return 0;
}

static int no_handler_suspends_only_the_thread(struct env *env)
{
    struct bh_thread t;
    CHECK_OK(bh_thread_create(&env->alloc, &t, touch_unmapped, 0, 255));
    resumed = 0;
    CHECK_OK(bh_thread_start(&t));
    bh_yield(); /* it runs, faults and is suspended; we still run */
    CHECK(resumed == 0);
    bh_word_t regs[1];
    CHECK_OK(bh_tcb_read_registers(t.tcb, 0, 1, regs));
    return 0;
}

const struct test tests_fault[] = {
    {"fault_vm_to_handler_and_resume", vm_fault},
    {"fault_unknown_syscall", unknown_syscall},
    {"fault_user_exception", user_exception},
    {"fault_capability", cap_fault},
    {"fault_without_handler_suspends_thread", no_handler_suspends_only_the_thread},
    {0, 0},
};
