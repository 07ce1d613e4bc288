/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Endpoint IPC: call/reply, long messages, badges, capability transfer, across address spaces. */
#include "ktest.h"

static bh_cptr_t server_ep;
static volatile bh_word_t server_last_badge;

/* Echo server: replies with label + 1 and each word + 1. */
static void echo_server(bh_word_t arg)
{
    (void)arg;
    bh_word_t badge;
    bh_msginfo_t info = bh_recv(server_ep, &badge);
    for (;;) {
        server_last_badge = badge;
        unsigned n = bh_msginfo_length(info);
        for (unsigned i = 0; i < n; i++) bh_set_mr(i, bh_get_mr(i) + 1);
        info = bh_reply_recv(server_ep, bh_msginfo(bh_msginfo_label(info) + 1, 0, 0, n), &badge);
    }
}

static int start_echo(struct env *env)
{
    static struct bh_thread t;
    static int started;
    if (started) return 0;
    server_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    CHECK(server_ep != 0);
    CHECK_OK(bh_thread_create(&env->alloc, &t, echo_server, 0, 200));
    CHECK_OK(bh_thread_start(&t));
    started = 1;
    return 0;
}

static int call_reply(struct env *env)
{
    if (start_echo(env)) return 1;
    bh_set_mr(0, 41);
    bh_set_mr(1, 99);
    bh_msginfo_t r = bh_call(server_ep, bh_msginfo(7, 0, 0, 2));
    CHECK(bh_msginfo_label(r) == 8);
    CHECK(bh_msginfo_length(r) == 2);
    CHECK(bh_get_mr(0) == 42 && bh_get_mr(1) == 100);
    return 0;
}

static int long_message(struct env *env)
{
    if (start_echo(env)) return 1;
    for (unsigned i = 0; i < BH_MSG_MAX_LENGTH; i++) bh_set_mr(i, i * 3);
    bh_msginfo_t r = bh_call(server_ep, bh_msginfo(1, 0, 0, BH_MSG_MAX_LENGTH));
    CHECK(bh_msginfo_length(r) == BH_MSG_MAX_LENGTH);
    for (unsigned i = 0; i < BH_MSG_MAX_LENGTH; i++) CHECK(bh_get_mr(i) == i * 3 + 1);
    /* A length field above the maximum is cut to the maximum. */
    r = bh_call(server_ep, bh_msginfo(1, 0, 0, 127));
    CHECK(bh_msginfo_length(r) == BH_MSG_MAX_LENGTH);
    return 0;
}

static int badges(struct env *env)
{
    if (start_echo(env)) return 1;
    bh_cptr_t b = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, b, 64, BH_ROOT_CNODE, server_ep, 64, BH_RIGHTS_ALL, 0xbadbad));
    bh_call(b, bh_msginfo(0, 0, 0, 0));
    CHECK(server_last_badge == 0xbadbad);
    bh_call(server_ep, bh_msginfo(0, 0, 0, 0));
    CHECK(server_last_badge == 0);
    return 0;
}

/* Capability transfer: the server receives a capability into its receive slot. */
static bh_cptr_t cap_ep, cap_recv_slot;
static volatile int cap_server_ok;

static void cap_server(bh_word_t arg)
{
    (void)arg;
    bh_word_t badge;
    bh_set_receive_slot(0, cap_recv_slot, 64);
    bh_msginfo_t info = bh_recv(cap_ep, &badge);
    if (bh_msginfo_extra_caps(info) == 1 && bh_msginfo_caps_unwrapped(info) == 0) {
        bh_signal(cap_recv_slot);
        cap_server_ok = 1;
    }
    /* Second message: the endpoint itself, which arrives unwrapped as its badge. */
    bh_reply(bh_msginfo(0, 0, 0, 0));
    info = bh_recv(cap_ep, &badge);
    if (bh_msginfo_caps_unwrapped(info) == 1 && bh_get_badge(0) == 0x77) cap_server_ok = 2;
    bh_reply(bh_msginfo(0, 0, 0, 0));
    for (;;) bh_recv(cap_ep, &badge);
}

static int cap_transfer(struct env *env)
{
    static struct bh_thread t;
    cap_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    cap_recv_slot = new_slot(env);
    bh_cptr_t ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t badged_ntfn = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged_ntfn, 64, BH_ROOT_CNODE, ntfn, 64, BH_RIGHTS_ALL, 4));
    CHECK_OK(bh_thread_create(&env->alloc, &t, cap_server, 0, 200));
    CHECK_OK(bh_thread_start(&t));
    bh_set_cap(0, badged_ntfn);
    bh_call(cap_ep, bh_msginfo(0, 0, 1, 0));
    CHECK(cap_server_ok == 1);
    CHECK(bh_poll(ntfn) == 4);
    bh_cptr_t badged_ep = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged_ep, 64, BH_ROOT_CNODE, cap_ep, 64, BH_RIGHTS_ALL, 0x77));
    bh_set_cap(0, badged_ep);
    bh_call(cap_ep, bh_msginfo(0, 0, 1, 0));
    CHECK(cap_server_ok == 2);
    return 0;
}

static int no_grant_no_transfer(struct env *env)
{
    if (start_echo(env)) return 1;
    bh_cptr_t nogrant = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, nogrant, 64, BH_ROOT_CNODE, server_ep, 64, BH_RIGHT_READ | BH_RIGHT_WRITE));
    bh_set_cap(0, BH_ROOT_TCB);
    bh_msginfo_t r = bh_call(nogrant, bh_msginfo(0, 0, 1, 0));
    CHECK(bh_msginfo_extra_caps(r) == 0);
    return 0;
}

static int nonblocking(struct env *env)
{
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    bh_nbsend(ep, bh_msginfo(1, 0, 0, 0)); /* nobody waits: dropped */
    bh_word_t badge = 5;
    bh_msginfo_t r = bh_nbrecv(ep, &badge);
    CHECK(r == 0 && badge == 0);
    return 0;
}

static int cross_address_space(struct env *env)
{
    size_t len;
    const void *img = bh_archive_find(env->bi, "ktpeer", &len);
    CHECK(img != NULL);
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    struct bh_process p;
    CHECK_OK(bh_process_create(&env->alloc, &p, "ktpeer", img, len, 200, 0));
    CHECK_OK(bh_process_give(&env->alloc, &p, BH_PROC_SLOT_FIRST_FREE, ep, BH_RIGHTS_ALL, 0));
    CHECK_OK(bh_process_start(&p));
    bh_set_mr(0, 1000);
    bh_msginfo_t r = bh_call(ep, bh_msginfo(3, 0, 0, 1));
    CHECK(bh_msginfo_label(r) == 4);
    CHECK(bh_get_mr(0) == 1001);
    return 0;
}

static bh_cptr_t late_ep;
static volatile bh_word_t late_label;
static void late_receiver(bh_word_t arg)
{
    (void)arg;
    bh_word_t badge;
    late_label = bh_msginfo_label(bh_recv(late_ep, &badge));
    bh_reply(bh_msginfo(0, 0, 0, 0)); /* nobody called: a Reply without a caller does nothing */
}

static int blocking_send_waits_for_receiver(struct env *env)
{
    static struct bh_thread t;
    late_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    late_label = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &t, late_receiver, 0, 255));
    CHECK_OK(bh_thread_start(&t));
    /* The receiver has not run yet (we did not yield), so our Send blocks until it waits; at
     * equal priority it then runs on to record the label before we resume. */
    bh_send(late_ep, bh_msginfo(0x5e, 0, 0, 0));
    CHECK(late_label == 0x5e);
    return 0;
}

static bh_cptr_t revoked_ep, revoked_badged;
static void send_through_badge(bh_word_t arg)
{
    (void)arg;
    bh_send(revoked_badged, bh_msginfo(0x77, 0, 0, 0)); /* blocks: nobody receives yet */
}

static int revoked_badge_not_delivered(struct env *env)
{
    /* A sender blocks with a badge; the badge's capability is deleted; the queued message must
     * not arrive later with that badge. (The sender restarts, finds no capability, faults.) */
    struct bh_thread t;
    revoked_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    revoked_badged = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, revoked_badged, 64, BH_ROOT_CNODE, revoked_ep, 64, BH_RIGHTS_ALL, 0x99));
    CHECK_OK(bh_thread_create(&env->alloc, &t, send_through_badge, 0, 255));
    CHECK_OK(bh_thread_start(&t));
    bh_yield(); /* it runs and blocks in its Send */
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, revoked_badged, 64));
    bh_yield(); /* it restarts and faults (no handler: suspended) */
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_nbrecv(revoked_ep, &badge);
    CHECK(badge == 0 && bh_msginfo_label(info) == 0);
    CHECK_OK(bh_tcb_suspend(t.tcb));
    return 0;
}

/* A server whose replies offer a capability (a notification). */
static bh_cptr_t giver_ep, giver_gift;
static void giver(bh_word_t arg)
{
    (void)arg;
    bh_word_t badge;
    bh_recv(giver_ep, &badge);
    for (;;) {
        bh_set_cap(0, giver_gift);
        bh_reply_recv(giver_ep, bh_msginfo(0, 0, 1, 0), &badge);
    }
}

static int reply_grant_follows_caller_right(struct env *env)
{
    static struct bh_thread t;
    giver_ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    giver_gift = new_object(env, BH_OBJ_NOTIFICATION, 0);
    CHECK_OK(bh_thread_create(&env->alloc, &t, giver, 0, 200));
    CHECK_OK(bh_thread_start(&t));
    bh_cptr_t nogrant = new_slot(env), recv = new_slot(env);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, nogrant, 64, BH_ROOT_CNODE, giver_ep, 64, BH_RIGHT_READ | BH_RIGHT_WRITE));
    bh_set_receive_slot(0, recv, 64);
    /* Called without Grant: the reply brings no capability. */
    CHECK(bh_msginfo_extra_caps(bh_call(nogrant, bh_msginfo(0, 0, 0, 0))) == 0);
    CHECK_ERR(bh_cnode_delete(BH_ROOT_CNODE, recv, 64), BH_ERR_OK);
    /* With Grant it does. */
    bh_set_receive_slot(0, recv, 64);
    CHECK(bh_msginfo_extra_caps(bh_call(giver_ep, bh_msginfo(0, 0, 0, 0))) == 1);
    bh_signal(recv);
    CHECK(bh_poll(giver_gift) == 0); /* unbadged: the signal arrived with no bits, but it did arrive */
    return 0;
}

const struct test tests_ipc[] = {
    {"ipc_reply_grants_only_with_the_callers_grant_right", reply_grant_follows_caller_right},
    {"ipc_revoked_badge_not_delivered", revoked_badge_not_delivered},
    {"ipc_blocking_send_waits_for_receiver", blocking_send_waits_for_receiver},
    {"ipc_call_reply", call_reply},
    {"ipc_long_message_through_ipc_buffer", long_message},
    {"ipc_badges", badges},
    {"ipc_capability_transfer_and_unwrap", cap_transfer},
    {"ipc_no_grant_no_transfer", no_grant_no_transfer},
    {"ipc_nbsend_nbrecv", nonblocking},
    {"ipc_between_address_spaces", cross_address_space},
    {0, 0},
};
