/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The kernel API suite's POWER9 group (linked only into the ppc64le suite).
 *
 * Interrupt lines are XIVE interrupts whose ESB trigger pages the kernel hands out as device
 * untyped, line i's page as the i-th device untyped (platforms/power9/xive.c). The test
 * raises a line by storing to a frame of its trigger page and expects the signal on the
 * handler's notification; it also checks that another line's page does not raise it, and
 * that a masked line (before Ack) does not signal again. The group's other tests (CPU state
 * hygiene, user faults) are in their own files.
 */
#include "../../../tests/system/ktest/ktest.h"
#include "ktest_power9.h"

#define TRIGGER_VADDR 0x0000620000000000ull

/* powernv has no 8254: its interrupt line 2 is a XIVE line. */
int have_pit(struct env *env)
{
    (void)env;
    return 0;
}

/* The device untyped of line `line`, or 0. */
static bh_cptr_t trigger_untyped(struct env *env, unsigned line)
{
    const struct bh_bootinfo *bi = env->bi;
    unsigned seen = 0;
    for (uint64_t s = bi->untyped_first; s < bi->untyped_last; s++) {
        if (!bi->untyped[s - bi->untyped_first].is_device) continue;
        if (seen++ == line) return s;
    }
    return 0;
}

/* Maps the first 4 KiB of line `line`'s trigger page at vaddr; returns the frame. */
static bh_cptr_t map_trigger(struct env *env, unsigned line, uint64_t vaddr)
{
    bh_cptr_t ut = trigger_untyped(env, line), f = new_slot(env);
    if (!ut || bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, f, 1) != BH_ERR_OK) return 0;
    if (bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, vaddr, BH_RIGHT_READ | BH_RIGHT_WRITE, 3) != BH_ERR_OK) return 0;
    return f;
}

static void trigger(uint64_t vaddr)
{
    *(volatile uint64_t *)vaddr = 0;
    __asm__ volatile("sync" ::: "memory");
}

/* Polls the notification for a while (the XIVE delivers asynchronously under TCG). */
static bh_word_t poll_for(bh_cptr_t n, unsigned tries)
{
    for (unsigned i = 0; i < tries; i++) {
        bh_word_t b = bh_poll(n);
        if (b) return b;
        bh_yield();
    }
    return 0;
}

static int xive_line_to_notification(struct env *env)
{
    const unsigned line = 5, other = 3;
    CHECK(env->bi->irq_lines > line);
    bh_cptr_t irq = new_slot(env), n = new_object(env, BH_OBJ_NOTIFICATION, 0), badged = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL, 0x20));
    bh_cptr_t f = map_trigger(env, line, TRIGGER_VADDR);
    bh_cptr_t g = map_trigger(env, other, TRIGGER_VADDR + 0x10000);
    CHECK(f != 0 && g != 0);
    CHECK_OK(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, line, BH_ROOT_CNODE, irq, 64));
    CHECK_OK(bh_irq_handler_set_notification(irq, badged));
    for (int round = 0; round < 3; round++) {
        trigger(TRIGGER_VADDR);
        CHECK(bh_wait(n) == 0x20);
        /* Masked until Ack: a second trigger now is dropped. */
        trigger(TRIGGER_VADDR);
        CHECK(poll_for(n, 50) == 0);
        CHECK_OK(bh_irq_handler_ack(irq));
    }
    /* Another line's trigger page does not raise this line (that line has no handler). */
    trigger(TRIGGER_VADDR + 0x10000);
    CHECK(poll_for(n, 50) == 0);
    /* After Clear the line raises nothing. */
    CHECK_OK(bh_irq_handler_clear(irq));
    trigger(TRIGGER_VADDR);
    CHECK(poll_for(n, 50) == 0);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, irq, 64));
    CHECK_OK(bh_frame_unmap(f));
    CHECK_OK(bh_frame_unmap(g));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, f, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, g, 64));
    return 0;
}

const struct test tests_platform[] = {
    {"power9_xive_line_to_notification", xive_line_to_notification},
    {"power9_state_hygiene_across_partitions", power9_state_hygiene_across_partitions},
    {"power9_denied_facilities_fault_in_user", power9_denied_facilities_fault_in_user},
    {"power9_fpu_lazy_between_threads", power9_fpu_lazy_between_threads},
    {"power9_fpu_owner_death_writes_nothing", power9_fpu_owner_death_writes_nothing},
    {"power9_kernel_addresses_fault_in_user", power9_kernel_addresses_fault_in_user},
    {0, 0},
};
