/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * System calls, seL4-style. Message registers 0..3 travel in machine registers and are
 * mirrored in the IPC buffer: bh_set_mr/bh_get_mr always work on the IPC buffer and the
 * stubs move the first four in and out; bh_call_mrs and bh_reply_recv_mrs keep them in
 * registers only.
 */
#ifndef BULKHEAD_SYSCALLS_H
#define BULKHEAD_SYSCALLS_H

#include <bulkhead/types.h>
#include <bulkhead/abi.h>

/* The calling thread's IPC buffer (set by the runtime at thread start). */
extern __thread bh_ipc_buffer_t *bh_ipc_buffer_ptr;

static inline bh_ipc_buffer_t *bh_ipc_buffer(void) { return bh_ipc_buffer_ptr; }
static inline void bh_set_mr(unsigned i, bh_word_t v) { bh_ipc_buffer_ptr->mr[i] = v; }
static inline bh_word_t bh_get_mr(unsigned i) { return bh_ipc_buffer_ptr->mr[i]; }
static inline void bh_set_cap(unsigned i, bh_cptr_t c) { bh_ipc_buffer_ptr->caps_or_badges[i] = c; }
static inline bh_word_t bh_get_badge(unsigned i) { return bh_ipc_buffer_ptr->caps_or_badges[i]; }
/* Where the next received capability goes. */
static inline void bh_set_receive_slot(bh_cptr_t cnode, bh_cptr_t index, bh_word_t depth)
{
    bh_ipc_buffer_ptr->receive_cnode = cnode;
    bh_ipc_buffer_ptr->receive_index = index;
    bh_ipc_buffer_ptr->receive_depth = depth;
}

#include <bulkhead/arch/syscall_stubs.h>

/* The named system calls, written once on the architecture's bh_sys (arch/syscall_stubs.h:
 * the registers and the trap instruction). */
static inline bh_msginfo_t bh_call(bh_cptr_t dest, bh_msginfo_t info)
{
    bh_word_t d = dest;
    bh_sys((bh_word_t)BH_SYS_CALL, &d, &info);
    return info;
}
static inline void bh_send(bh_cptr_t dest, bh_msginfo_t info)
{
    bh_word_t d = dest;
    bh_sys((bh_word_t)BH_SYS_SEND, &d, &info);
}
static inline void bh_nbsend(bh_cptr_t dest, bh_msginfo_t info)
{
    bh_word_t d = dest;
    bh_sys((bh_word_t)BH_SYS_NBSEND, &d, &info);
}
static inline bh_msginfo_t bh_recv(bh_cptr_t src, bh_word_t *badge)
{
    bh_word_t d = src;
    bh_msginfo_t info = 0;
    bh_sys((bh_word_t)BH_SYS_RECV, &d, &info);
    if (badge) *badge = d;
    return info;
}
static inline bh_msginfo_t bh_nbrecv(bh_cptr_t src, bh_word_t *badge)
{
    bh_word_t d = src;
    bh_msginfo_t info = 0;
    bh_sys((bh_word_t)BH_SYS_NBRECV, &d, &info);
    if (badge) *badge = d;
    return info;
}
static inline void bh_reply(bh_msginfo_t info)
{
    bh_word_t d = 0;
    bh_sys((bh_word_t)BH_SYS_REPLY, &d, &info);
}
static inline bh_msginfo_t bh_reply_recv(bh_cptr_t src, bh_msginfo_t info, bh_word_t *badge)
{
    bh_word_t d = src;
    bh_sys((bh_word_t)BH_SYS_REPLY_RECV, &d, &info);
    if (badge) *badge = d;
    return info;
}
static inline void bh_yield(void)
{
    bh_word_t d = 0, i = 0;
    bh_sys((bh_word_t)BH_SYS_YIELD, &d, &i);
}

/* Call and ReplyRecv with a message of at most four words in machine registers only (as
 * seL4_CallWithMRs): mr[0..3] go out and come back; the IPC buffer is not touched, so a
 * longer message or capabilities need bh_call and bh_reply_recv. */
static inline bh_msginfo_t bh_call_mrs(bh_cptr_t dest, bh_msginfo_t info, bh_word_t mr[4])
{
    bh_word_t d = dest;
    bh_sys_mrs((bh_word_t)BH_SYS_CALL, &d, &info, mr);
    return info;
}
static inline bh_msginfo_t bh_reply_recv_mrs(bh_cptr_t src, bh_msginfo_t info, bh_word_t mr[4], bh_word_t *badge)
{
    bh_word_t d = src;
    bh_sys_mrs((bh_word_t)BH_SYS_REPLY_RECV, &d, &info, mr);
    if (badge) *badge = d;
    return info;
}

/* Notifications: a signal is a send on the notification capability. */
static inline void bh_signal(bh_cptr_t ntfn) { bh_send(ntfn, bh_msginfo(0, 0, 0, 0)); }
/* Blocks until a signal; returns the accumulated badge bits. */
static inline bh_word_t bh_wait(bh_cptr_t ntfn)
{
    bh_word_t bits = 0;
    (void)bh_recv(ntfn, &bits);
    return bits;
}
/* Returns the accumulated badge bits, 0 when nothing is pending; never blocks. */
static inline bh_word_t bh_poll(bh_cptr_t ntfn)
{
    bh_word_t bits = 0;
    (void)bh_nbrecv(ntfn, &bits);
    return bits;
}

#endif
