/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The generated test's client: calls every procedure of the probe interface and checks the
 * answers, waits for both emitters of its event, reads the dataports, and waits on the
 * notifications of its two channels.
 */
#include <bulkhead/syscalls.h>
#include "say.h"

int main(void)
{
    verdict("rpc void", p_ping() == 0);

    uint32_t doubled = 0;
    int64_t acc = -5;
    struct pair in = { .a = 7, .b = { 1, 2, -3 }, .ok = true, .m = ON };
    const uint8_t arr[5] = { 1, 2, 3, 4, 250 };
    uint64_t sum = 0;
    int err = p_all(200, 60000, 0x80000000u, 1ull << 40, -100, -30000, -2000000000, -7, true, &doubled, &acc, &in, arr,
                    &sum);
    uint64_t want = 200 + 60000 + (1ull << 40) + (uint64_t)(int64_t)(-100 - 30000 - 2000000000) + 1000 + 7 +
                    (uint64_t)(int64_t)-3 + 260 + 1;
    verdict("rpc scalars, in/out/inout, struct and array", err == 0 && doubled == 0 && acc == -12 && sum == want);

    struct pair back = { 0 };
    struct nested n = { 0 };
    err = p_give(HEX, &back, &n);
    verdict("rpc struct return, enum, out struct",
            err == 0 && back.a == 65535 && back.b[0] == -128 && back.b[2] == 127 && back.ok && back.m == HEX &&
                n.p[0].m == HEX && n.p[1].m == OFF && n.tail == 0xfedcba9876543210ull);

    uint32_t landed = 0;
    err = p_keep(CHAN_ev_PEER_NOTIFICATION_CPTR, &landed); /* a copy it can spare */
    verdict("rpc capability", err == 0 && landed == 1);

    /* The event: from the server (and the capability it was given), and from the watcher. */
    bh_word_t seen = 0;
    for (unsigned k = 0; k < 8 && seen != (EVT_done_FROM_srv | EVT_done_FROM_watch); k++) seen |= done_wait();
    verdict("events from two emitters", seen == (EVT_done_FROM_srv | EVT_done_FROM_watch));

    verdict("dataport read", strcmp((const char *)shared_ptr(), "written by srv") == 0 &&
                                 ((volatile const uint8_t *)big_ptr())[big_size() - 1] == 0xa5);
    bh_wait(CHAN_ev_NOTIFICATION_CPTR);
    bh_wait(CHAN_gr_NOTIFICATION_CPTR);
    verdict("component channels", 1);
    return 0;
}
