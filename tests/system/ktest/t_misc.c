/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Whole-object lifecycles: a process built, run and torn down by revoking its untyped. */
#include <string.h>
#include <bulkhead/arch/machine.h>
#include "ktest.h"

static int process_teardown_by_revoke(struct env *env)
{
    /* Build a process entirely from one child untyped, run it, then revoke the untyped: every
     * object (CNode, VSpace, TCB, frames, tables) dies, and the memory can be used again. */
    size_t len;
    const void *img = bh_archive_find(env->bi, "ktpeer", &len);
    CHECK(img != NULL);
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 20);
    CHECK(ut != 0);
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    static struct bh_alloc sub;
    sub = env->alloc;
    sub.nuntyped = 1;
    sub.untyped[0].cptr = ut;
    sub.untyped[0].size_bits = 20;
    sub.untyped[0].is_device = 0;
    sub.untyped[0].used = 0;
    struct bh_process p;
    CHECK_OK(bh_process_create(&sub, &p, "ktpeer", img, len, 200, 0));
    env->alloc.next_slot = sub.next_slot;
    CHECK_OK(bh_process_give(&sub, &p, BH_PROC_SLOT_FIRST_FREE, ep, BH_RIGHTS_ALL, 0));
    CHECK_OK(bh_process_start(&p));
    bh_set_mr(0, 1);
    CHECK(bh_msginfo_label(bh_call(ep, bh_msginfo(0, 0, 0, 1))) == 1);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, ut, 64));
    /* The process's capabilities in our CSpace went with it. */
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, p.tcb, 64, BH_RIGHTS_ALL), BH_ERR_FAILED_LOOKUP);
    /* And the memory is usable again. */
    CHECK(bh_untyped_retype(ut, BH_OBJ_UNTYPED, 20, BH_ROOT_CNODE, 0, 0, new_slot(env), 1) == BH_ERR_OK);
    return 0;
}

/* The boot info's counter frequency is 0 (no reference clock, microvm) or credible: 100 MHz
 * to 10 GHz (QEMU's TSC, POWER's 512 MHz timebase). The suite requires it on q35 and pc. */
static int bootinfo_counter_frequency(struct env *env)
{
    uint64_t khz = env->bi->counter_khz;
    bh_printf("ktest: counter %lu kHz\n", (unsigned long)khz);
    CHECK(khz == 0 || (khz >= 100000u && khz <= 10000000u));
    return 0;
}

/* The suite runs on the debug kernel, and its boot info says so (the release kernel's says
 * the opposite: tests/suites/release.sh sees its root print "release kernel"); no other flag. */
static int bootinfo_flags_say_debug_calls(struct env *env)
{
    CHECK(env->bi->flags == BH_BOOTINFO_DEBUG_CALLS);
    return 0;
}

/* The kernel's polled debug output is bounded per call (256 bytes) and per tick (a budget of
 * 16 bytes per tick holding 256): a 960-byte call kept the kernel busy for 83 ms on a real
 * line. The text is carriage returns, which the test logs drop. */
static int debug_output_bounded(struct env *env)
{
    bh_ipc_buffer_t *b = bh_ipc_buffer_ptr;
    memset(b->mr, '\r', 960);
    size_t w;
    for (unsigned i = 0; (w = bh_debug_put_string(960)) == 0 && i < 1000000u; i++) bh_yield();
    CHECK(w == 256);
    uint64_t khz = env->bi->counter_khz, tick_us = env->bi->tick_us;
    if (!khz || !tick_us) SKIP("no counter frequency in the boot info (microvm): the per-tick bound needs a clock");
    uint64_t total = 0, t0 = bh_arch_counter(), t1;
    do {
        total += bh_debug_put_string(64);
        t1 = bh_arch_counter();
    } while (t1 - t0 < 50 * khz);
    uint64_t ticks = (t1 - t0) * 1000u / khz / tick_us + 2;
    bh_printf("ktest: debug output: %llu bytes in %llu ticks\n", (unsigned long long)total, (unsigned long long)ticks);
    CHECK(total <= 256 + 16 * ticks);
    CHECK(total >= 64);   /* the budget refills */
    return 0;
}

const struct test tests_misc[] = {
    {"process_teardown_by_revoke", process_teardown_by_revoke},
    {"bootinfo_counter_frequency", bootinfo_counter_frequency},
    {"bootinfo_flags_say_debug_calls", bootinfo_flags_say_debug_calls},
    {"debug_output_bounded", debug_output_bounded},
    {0, 0},
};
