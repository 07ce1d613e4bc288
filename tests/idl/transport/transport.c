/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Test transport (see bulkhead/syscalls.h beside it): Call copies the message registers
 * and the transferred capability pointer from the client's IPC buffer to the server's,
 * runs the server's dispatcher, and copies the reply back, like the kernel would.
 */
#include <bulkhead/syscalls.h>

#include <stdio.h>
#include <stdlib.h>

__thread bh_ipc_buffer_t *bh_ipc_buffer_ptr;
static bh_ipc_buffer_t client_buf, server_buf;

bh_msginfo_t (*rt_server)(bh_word_t badge, bh_msginfo_t info);
bh_word_t rt_badge = 1;
bh_cptr_t rt_cap_to_server, rt_cap_to_client, rt_client_recv_slot, rt_last_dest;
int rt_truncate_reply;
bh_word_t rt_signal_badge, rt_pending;

void rt_use_client_buffer(void) { bh_ipc_buffer_ptr = &client_buf; }

bh_msginfo_t bh_call(bh_cptr_t dest, bh_msginfo_t info)
{
    unsigned len = bh_msginfo_length(info), caps = bh_msginfo_extra_caps(info);
    rt_last_dest = dest;
    rt_client_recv_slot = client_buf.receive_index;
    for (unsigned i = 0; i < len; i++) server_buf.mr[i] = client_buf.mr[i];
    rt_cap_to_server = caps ? client_buf.caps_or_badges[0] : 0;
    bh_ipc_buffer_ptr = &server_buf;
    bh_msginfo_t r = rt_server(rt_badge, bh_msginfo(bh_msginfo_label(info), 0, caps, len));
    bh_ipc_buffer_ptr = &client_buf;
    unsigned rlen = bh_msginfo_length(r), rcaps = bh_msginfo_extra_caps(r);
    for (unsigned i = 0; i < rlen; i++) client_buf.mr[i] = server_buf.mr[i];
    rt_cap_to_client = rcaps ? server_buf.caps_or_badges[0] : 0;
    if (rt_truncate_reply && rlen > 0) rlen--;
    return bh_msginfo(bh_msginfo_label(r), 0, rcaps, rlen);
}

void bh_send(bh_cptr_t dest, bh_msginfo_t info)
{
    (void)info;
    rt_last_dest = dest;
    rt_pending |= rt_signal_badge;
}

void bh_nbsend(bh_cptr_t dest, bh_msginfo_t info) { bh_send(dest, info); }

bh_msginfo_t bh_nbrecv(bh_cptr_t src, bh_word_t *badge)
{
    rt_last_dest = src;
    if (badge) *badge = rt_pending;
    rt_pending = 0;
    return 0;
}

bh_msginfo_t bh_recv(bh_cptr_t src, bh_word_t *badge) { return bh_nbrecv(src, badge); }

/* The harness never runs a server loop; these only have to link. */
void bh_reply(bh_msginfo_t info)
{
    (void)info;
    fputs("transport: bh_reply is not supported\n", stderr);
    abort();
}

bh_msginfo_t bh_reply_recv(bh_cptr_t src, bh_msginfo_t info, bh_word_t *badge)
{
    (void)src, (void)info, (void)badge;
    fputs("transport: bh_reply_recv is not supported\n", stderr);
    abort();
}

void bh_yield(void) {}
