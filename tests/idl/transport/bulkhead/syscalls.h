/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Test transport: a host-only stand-in for <bulkhead/syscalls.h>. The message-register
 * accessors are the real ones (they only touch the IPC buffer); the system calls are
 * functions in transport.c that hand a message from the client's IPC buffer to a server
 * dispatcher and the reply back, in one thread.
 */
#ifndef BULKHEAD_SYSCALLS_H
#define BULKHEAD_SYSCALLS_H

#include <bulkhead/types.h>

extern __thread bh_ipc_buffer_t *bh_ipc_buffer_ptr;

static inline bh_ipc_buffer_t *bh_ipc_buffer(void) { return bh_ipc_buffer_ptr; }
static inline void bh_set_mr(unsigned i, bh_word_t v) { bh_ipc_buffer_ptr->mr[i] = v; }
static inline bh_word_t bh_get_mr(unsigned i) { return bh_ipc_buffer_ptr->mr[i]; }
static inline void bh_set_cap(unsigned i, bh_cptr_t c) { bh_ipc_buffer_ptr->caps_or_badges[i] = c; }
static inline bh_word_t bh_get_badge(unsigned i) { return bh_ipc_buffer_ptr->caps_or_badges[i]; }
static inline void bh_set_receive_slot(bh_cptr_t cnode, bh_cptr_t index, bh_word_t depth)
{
    bh_ipc_buffer_ptr->receive_cnode = cnode;
    bh_ipc_buffer_ptr->receive_index = index;
    bh_ipc_buffer_ptr->receive_depth = depth;
}

bh_msginfo_t bh_call(bh_cptr_t dest, bh_msginfo_t info);
void bh_send(bh_cptr_t dest, bh_msginfo_t info);
void bh_nbsend(bh_cptr_t dest, bh_msginfo_t info);
bh_msginfo_t bh_recv(bh_cptr_t src, bh_word_t *badge);
bh_msginfo_t bh_nbrecv(bh_cptr_t src, bh_word_t *badge);
void bh_reply(bh_msginfo_t info);
bh_msginfo_t bh_reply_recv(bh_cptr_t src, bh_msginfo_t info, bh_word_t *badge);
void bh_yield(void);

static inline void bh_signal(bh_cptr_t ntfn) { bh_send(ntfn, bh_msginfo(0, 0, 0, 0)); }
static inline bh_word_t bh_wait(bh_cptr_t ntfn)
{
    bh_word_t bits = 0;
    (void)bh_recv(ntfn, &bits);
    return bits;
}
static inline bh_word_t bh_poll(bh_cptr_t ntfn)
{
    bh_word_t bits = 0;
    (void)bh_nbrecv(ntfn, &bits);
    return bits;
}

/* ---- test controls (transport.c) ---- */
/* The server side: a generated <port>__dispatch function. */
extern bh_msginfo_t (*rt_server)(bh_word_t badge, bh_msginfo_t info);
extern bh_word_t rt_badge;            /* badge the server sees */
extern bh_cptr_t rt_cap_to_server;    /* cptr the client put in its message, if any */
extern bh_cptr_t rt_cap_to_client;    /* cptr the server put in its reply, if any */
extern bh_cptr_t rt_client_recv_slot; /* receive slot the client had set */
extern bh_cptr_t rt_last_dest;        /* capability the last call went to */
extern int rt_truncate_reply;         /* when set, the reply loses its last word */
extern bh_word_t rt_signal_badge;     /* badge bits a signal sets in the pending word */
extern bh_word_t rt_pending;          /* pending notification bits */
void rt_use_client_buffer(void);

#endif
