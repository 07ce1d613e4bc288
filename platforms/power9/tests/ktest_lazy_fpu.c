/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9's lazy FP/VMX/VSX state (platforms/power9/context.c): the registers hold one thread's
 * state, the owner's; another thread's first use traps and swaps.
 *
 * power9_fpu_lazy_between_threads: two threads of one partition take turns through
 * notifications, each keeping its own marker in VS31 (an FPR), VS63 (a VR) and FPSCR; every
 * turn each checks that its values are still there (the trap saved and restored them).
 *
 * power9_fpu_owner_death_writes_nothing: a thread whose TCB comes from an untyped of its own
 * uses FP (it owns the registers) and is destroyed with that untyped; the memory becomes frames
 * the test fills with a pattern; another thread then uses FP. Had the kernel kept the dead
 * owner, that trap would save the registers into the old TCB, now the frames. Between the two
 * traps only threads that never used FP run (a switch to one that trapped lately takes the
 * ownership: context.c), with no vector code (volatile stores; the threads are made
 * beforehand, as bh_thread_create's memset is vectorised). Checked: with plat_thread_finalise
 * empty, this test fails.
 */
#include "../../../tests/system/ktest/ktest.h"
#include "ktest_power9.h"

#define TURNS 20
#define FRAMES_VADDR 0x0000630000000000ull
#define OWN_BITS 17                      /* the dying thread's untyped: 128 KiB */
#define OWN_FRAMES (1u << (OWN_BITS - 12))
#define PATTERN 0xfeedfacecafebeefull

/* A notification with a badge: a signal before its waiter waits is kept, not lost. */
static bh_cptr_t badged_notification(struct env *env)
{
    bh_cptr_t n = new_object(env, BH_OBJ_NOTIFICATION, 0), b = new_slot(env);
    if (!n || !b || bh_cnode_mint(BH_ROOT_CNODE, b, 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL, 1) != BH_ERR_OK) return 0;
    return b;
}

static struct {
    bh_cptr_t note[2], done;
    volatile uint64_t bad[2];
    volatile int finished;
} turn;

static void set_markers(uint64_t mark)
{
    uint64_t v[2] __attribute__((aligned(16))) = {mark, ~mark};
    double f;
    uint64_t fpscr = mark & 3u;          /* RN: the rounding mode, any of 0..3 */
    __builtin_memcpy(&f, &fpscr, sizeof f);
    __asm__ volatile("lxvd2x 31, 0, %0; lxvd2x 63, 0, %0" ::"r"(v) : "vs31", "vs63", "memory");
    __asm__ volatile("mtfsf 0xff, %0, 1, 0" ::"d"(f));
}

/* 0 when VS31, VS63 and FPSCR[RN] still hold what set_markers(mark) put there. */
static int markers_differ(uint64_t mark)
{
    uint64_t v[2] __attribute__((aligned(16))), w[2] __attribute__((aligned(16)));
    double f;
    uint64_t fpscr;
    __asm__ volatile("stxvd2x 31, 0, %0" ::"r"(v) : "memory");
    __asm__ volatile("stxvd2x 63, 0, %0" ::"r"(w) : "memory");
    __asm__ volatile("mffs %0" : "=d"(f));
    __builtin_memcpy(&fpscr, &f, sizeof f);
    return v[0] != mark || v[1] != ~mark || w[0] != mark || w[1] != ~mark || (fpscr & 3u) != (mark & 3u);
}

static void taker(bh_word_t me)
{
    uint64_t mark = me ? 0x1111222233334445ull : 0xaaaabbbbccccdddeull;
    set_markers(mark);
    for (int i = 0; i < TURNS; i++) {
        (void)bh_wait(turn.note[me]);
        if (markers_differ(mark)) turn.bad[me]++;
        bh_signal(turn.note[!me]);
    }
    __atomic_fetch_add(&turn.finished, 1, __ATOMIC_SEQ_CST);
    bh_signal(turn.done);
    for (;;) (void)bh_wait(turn.note[me]);
}

int power9_fpu_lazy_between_threads(struct env *env)
{
    struct bh_thread a, b;
    __builtin_memset(&turn, 0, sizeof turn);
    turn.note[0] = badged_notification(env);
    turn.note[1] = badged_notification(env);
    turn.done = badged_notification(env);
    CHECK(turn.note[0] && turn.note[1] && turn.done);
    CHECK_OK(bh_thread_create(&env->alloc, &a, taker, 0, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &b, taker, 1, 50));
    CHECK_OK(bh_thread_start(&a));
    CHECK_OK(bh_thread_start(&b));
    bh_signal(turn.note[0]);
    /* Both threads report on one notification: wait until each has (they may coalesce). */
    while (turn.finished < 2) (void)bh_wait(turn.done);
    CHECK_OK(bh_tcb_suspend(a.tcb));
    CHECK_OK(bh_tcb_suspend(b.tcb));
    if (turn.bad[0] || turn.bad[1])
        bh_printf("  lost FP state: thread 0 %lu turns, thread 1 %lu turns\n", (unsigned long)turn.bad[0],
                  (unsigned long)turn.bad[1]);
    CHECK(turn.bad[0] == 0 && turn.bad[1] == 0);
    return 0;
}

static struct {
    bh_cptr_t used, park, kill, go, done, own;
    struct env *env;
    volatile int failed;
    volatile uint64_t found;
} death;

static void owner_then_parked(bh_word_t arg)
{
    (void)arg;
    set_markers(0x0badc0de0badc0deull);
    bh_signal(death.kill);
    for (;;) (void)bh_wait(death.park);
}

/* Kills the owner with its memory and turns that memory into frames full of a pattern. It has
 * never used FP, so a switch to it leaves the ownership where it is (a thread that trapped
 * lately takes its state at the switch: context.c). Volatile stores: no vector code here. */
static void killer(bh_word_t arg)
{
    (void)arg;
    (void)bh_wait(death.kill);
    struct env *env = death.env;
    if (bh_cnode_revoke(BH_ROOT_CNODE, death.own, 64) != BH_ERR_OK) death.failed = 1;
    for (unsigned i = 0; i < OWN_FRAMES && !death.failed; i++) {
        bh_cptr_t f = new_slot(env);
        if (!f || bh_untyped_retype(death.own, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, f, 1) != BH_ERR_OK ||
            bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, FRAMES_VADDR + i * 4096ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1) != BH_ERR_OK)
            death.failed = 1;
    }
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)FRAMES_VADDR;
    for (unsigned i = 0; i < OWN_FRAMES * 512u && !death.failed; i++) words[i] = PATTERN;
    bh_signal(death.go);
    for (;;) (void)bh_wait(death.park);
}

static void later_user(bh_word_t arg)
{
    (void)arg;
    (void)bh_wait(death.go);
    uint64_t v[2] __attribute__((aligned(16)));
    __asm__ volatile("stxvd2x 31, 0, %0" ::"r"(v) : "memory");   /* the trap: a fresh thread's zeros */
    death.found = v[0] | v[1];
    bh_signal(death.done);
    for (;;) (void)bh_wait(death.park);
}

int power9_fpu_owner_death_writes_nothing(struct env *env)
{
    __builtin_memset(&death, 0, sizeof death);
    death.env = env;
    death.park = badged_notification(env);
    death.kill = badged_notification(env);
    death.go = badged_notification(env);
    death.done = badged_notification(env);
    death.own = new_object(env, BH_OBJ_UNTYPED, OWN_BITS);
    CHECK(death.park && death.kill && death.go && death.done && death.own);
    struct bh_thread b, k, a;
    CHECK_OK(bh_thread_create(&env->alloc, &b, later_user, 0, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &k, killer, 0, 50));
    /* The owner's frames, page tables and TCB all from `own`; slots from the test's CNode. */
    struct bh_alloc sub = env->alloc;
    sub.nuntyped = 1;
    sub.untyped[0].cptr = death.own;
    sub.untyped[0].size_bits = OWN_BITS;
    sub.untyped[0].is_device = 0;
    sub.untyped[0].used = 0;
    CHECK_OK(bh_thread_create(&sub, &a, owner_then_parked, 0, 50));
    env->alloc.next_slot = sub.next_slot;
    CHECK_OK(bh_thread_start(&b));
    CHECK_OK(bh_thread_start(&k));
    CHECK_OK(bh_thread_start(&a));
    (void)bh_wait(death.done);
    CHECK_OK(bh_tcb_suspend(b.tcb));
    CHECK_OK(bh_tcb_suspend(k.tcb));
    CHECK(!death.failed);
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)FRAMES_VADDR;
    unsigned changed = 0;
    for (unsigned i = 0; i < OWN_FRAMES * 512u; i++) changed += words[i] != PATTERN;
    if (changed) bh_printf("  %u words of the dead owner's memory were written\n", changed);
    CHECK(changed == 0);
    CHECK(death.found == 0);
    return 0;
}
