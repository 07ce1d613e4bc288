/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Notifications: signal, wait, poll, badges ORed, binding to a thread. */
#include "ktest.h"

static int signal_poll(struct env *env)
{
    bh_cptr_t n = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t b1 = new_slot(env), b2 = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, b1, 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL, 1));
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, b2, 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL, 8));
    CHECK(bh_poll(n) == 0);
    bh_signal(b1);
    bh_signal(b2);
    bh_signal(b1);
    CHECK(bh_poll(n) == 9);
    CHECK(bh_poll(n) == 0);
    return 0;
}

static bh_cptr_t wake_ntfn;
static void signaller(bh_word_t arg)
{
    bh_signal(arg);
}

static int wait_wakes(struct env *env)
{
    static struct bh_thread t;
    wake_ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t b = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, b, 64, BH_ROOT_CNODE, wake_ntfn, 64, BH_RIGHTS_ALL, 0x20));
    CHECK_OK(bh_thread_create(&env->alloc, &t, signaller, b, 100));
    CHECK_OK(bh_thread_start(&t));
    CHECK(bh_wait(wake_ntfn) == 0x20); /* blocks until the lower-priority thread runs */
    return 0;
}

static bh_cptr_t bound_ep, bound_ntfn;
static volatile bh_word_t bound_seen;
static void bound_waiter(bh_word_t arg)
{
    (void)arg;
    bh_word_t badge = 0;
    bh_recv(bound_ep, &badge); /* woken by the bound notification, not the endpoint */
    bound_seen = badge;
}

static int bound_notification(struct env *env)
{
    static struct bh_thread t;
    bound_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    bound_ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t b = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, b, 64, BH_ROOT_CNODE, bound_ntfn, 64, BH_RIGHTS_ALL, 0x3));
    CHECK_OK(bh_thread_create(&env->alloc, &t, bound_waiter, 0, 255));
    CHECK_OK(bh_tcb_bind_notification(t.tcb, bound_ntfn));
    CHECK_ERR(bh_tcb_bind_notification(t.tcb, bound_ntfn), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_thread_start(&t));
    bh_yield(); /* equal priority: it runs and blocks on the endpoint */
    bh_signal(b);
    CHECK(bound_seen == 0x3);
    CHECK_OK(bh_tcb_unbind_notification(t.tcb));
    CHECK_ERR(bh_tcb_unbind_notification(t.tcb), BH_ERR_ILLEGAL_OPERATION);
    CHECK_ERR(bh_tcb_bind_notification(t.tcb, bound_ep), BH_ERR_WRONG_OBJECT_TYPE);
    return 0;
}

static void waiter(bh_word_t n)
{
    bh_wait(n);
}

static int deleted_notification_wakes_waiter(struct env *env)
{
    /* Deleting the last capability of a notification with a waiter restarts the waiter,
     * whose wait then faults (no capability): the system goes on. */
    static struct bh_thread t;
    wake_ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    CHECK_OK(bh_thread_create(&env->alloc, &t, waiter, wake_ntfn, 250));
    CHECK_OK(bh_thread_start(&t));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, wake_ntfn, 64));
    return 0;
}

static int bind_while_waiting_elsewhere(struct env *env)
{
    static struct bh_thread t;
    wake_ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t other = new_object(env, BH_OBJ_NOTIFICATION, 0);
    CHECK_OK(bh_thread_create(&env->alloc, &t, waiter, wake_ntfn, 255));
    CHECK_OK(bh_thread_start(&t));
    bh_yield(); /* it waits on wake_ntfn */
    CHECK_ERR(bh_tcb_bind_notification(t.tcb, other), BH_ERR_ILLEGAL_OPERATION);
    CHECK_OK(bh_tcb_bind_notification(t.tcb, wake_ntfn));
    CHECK_OK(bh_tcb_suspend(t.tcb));
    return 0;
}

const struct test tests_notification[] = {
    {"notification_bind_refused_while_waiting_on_another", bind_while_waiting_elsewhere},
    {"notification_signal_poll_badges", signal_poll},
    {"notification_wait_wakes", wait_wakes},
    {"notification_bound_to_thread", bound_notification},
    {"notification_deleted_with_waiter", deleted_notification_wakes_waiter},
    {0, 0},
};
