/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM-to-VMM protocol over a guest's `grant` or `event` channel to another guest (docs/vmm.md,
 * "Peers"). Two parts:
 *   The ring page (the channel's ring frame, mapped in the two VMMs and nowhere else): one half
 *   per side, each read by its side and written by the other. Events cost no IPC: the sender
 *   sets the remote port's bit in the receiver's half, then its summary bit, then signals the
 *   receiver's event line; the receiver takes the summary, then the words it names. `gone` is
 *   set by a VMM whose guest ended: the receiver unbinds every port bound over the channel.
 *   Nothing in the page is trusted: the receiver raises only its own ports that are bound over
 *   this channel, and reads each word once.
 *   Requests (IPC call on the peer's endpoint, answered by the peer's service thread for that
 *   channel, vmm/peer.c): the label says what, the words follow; the reply's label is 0 and its
 *   MR0 a Xen errno (0 for success, else the positive XEN_E* the caller's hypercall returns
 *   negated). A VMM never calls with its VM lock held, and a service thread never calls: two
 *   VMMs calling each other at once are each answered by the other's service thread.
 */
#ifndef VMM_PEER_PROTO_H
#define VMM_PEER_PROTO_H

#include <stdint.h>

/* Event-channel ports of a guest: Xen's 2-level ABI on 64-bit, 64 words of 64 bits. */
#define PEER_PORTS 4096u
#define PEER_PORT_WORDS (PEER_PORTS / 64u)

struct peer_half {
    uint32_t gone;                        /* the other side's guest ended (never cleared) */
    uint32_t reserved;
    uint64_t summary;                     /* bit w: pending[w] may have bits */
    uint64_t pending[PEER_PORT_WORDS];    /* this side's ports the other side sent on */
};
struct peer_ring {
    struct peer_half half[2];             /* half[s]: for the channel's side s (0 left, 1 right) */
};
_Static_assert(sizeof(struct peer_ring) <= 4096, "the ring is one page");

/* Request labels (the caller's call), and their words. */
enum peer_request {
    /* Bind the callee's unbound port to the caller's port (EVTCHNOP_bind_interdomain). MR0 the
     * callee's port, MR1 the caller's new port. Errors: EINVAL when the port is out of range,
     * not unbound, or unbound for another domain; ESRCH when the callee's guest has ended. */
    PEER_REQ_BIND = 1,
    /* The caller closed its port MR1 bound to the callee's port MR0 (EVTCHNOP_close): the
     * callee's port returns to unbound, for the caller's domain. EINVAL when it was not bound
     * to that port; ESRCH when the callee's guest has ended. */
    PEER_REQ_CLOSE = 2,
    /* GNTTABOP_map_grant_ref of the callee's grant MR0 with the GNTMAP_* flags MR1 (vmm/grant_serve.c):
     * the callee checks its guest's entry (grant_check_map, Xen's order and codes), derives the
     * 4 KiB page capability of the granted frame (read-only for a GNTMAP_readonly map) and
     * replies with it in the reply's capability, MR1 the GNTST_* status (sign-extended), MR2 its
     * export index (for PEER_REQ_UNMAP_GRANT); no capability unless MR1 is GNTST_okay. MR1
     * GNTST_no_space when the callee has no export record or slot left. ESRCH when the callee's
     * guest has ended. */
    PEER_REQ_MAP_GRANT = 3,
    /* The caller is done with export MR0, of the callee's grant MR1 (a map's unmap, or the end
     * of a copy): the callee revokes and deletes its page capability (the caller's copy and
     * every mapping of it go), drops the pin and clears GTF_reading/GTF_writing when it was the
     * last. MR1 GNTST_okay, or GNTST_bad_handle when the export is not the caller's for that
     * grant. ESRCH when the callee's guest has ended. */
    PEER_REQ_UNMAP_GRANT = 4,
    /* One side of a GNTTABOP_copy: the callee's grant MR0, pinned read-only for a source (MR1 0)
     * or writable for a destination (MR1 1) with grant_check_copy_acquire; the reply as for
     * PEER_REQ_MAP_GRANT. The caller releases it with PEER_REQ_UNMAP_GRANT after the copy. */
    PEER_REQ_COPY_GRANT = 5,
};
#define PEER_REQ_WORDS 2u
#define PEER_REPLY_WORDS 1u
#define PEER_GRANT_REPLY_WORDS 3u    /* the errno, the GNTST_* status, the export index */

#endif
