/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A guest's event-channel ports (struct evtchn, the VM's port table) and the pure part of what
 * peer channels do to them (peer_ports.c): the transitions a peer's request makes, a peer's end,
 * and the ring page's pending bitmaps (peer_proto.h). No system call and no VM here: the peers
 * suite's host tests run them under ASan and UBSan (tests/host/vmm/test_peer_ports.c).
 */
#ifndef VMM_PEER_PORTS_H
#define VMM_PEER_PORTS_H

#include <stdint.h>
#include "peer_proto.h"

struct evtchn {
    uint8_t state;                     /* EVTCHN_* */
    uint8_t virq;
    uint16_t remote_dom;               /* UNBOUND: who may bind it */
    uint32_t vcpu;
    uint8_t peer;                      /* INTERDOMAIN, BINDING: the peer channel (params peer[]) */
    uint16_t remote_port;              /* INTERDOMAIN, BINDING: the peer's port */
};
#define EVTCHN_FREE 0u
#define EVTCHN_UNBOUND 1u
#define EVTCHN_VIRQ 2u
#define EVTCHN_IPI 3u
#define EVTCHN_VMM 4u                  /* bound to the VMM (the console): send reaches the VMM */
#define EVTCHN_INTERDOMAIN 5u          /* bound to a peer guest's port over a peer channel (peer.c) */
#define EVTCHN_BINDING 6u              /* reserved while bind_interdomain asks the peer */

/* The peer on channel k (domain peer_dom) asks to bind our port `port` to its port `remote`
 * (PEER_REQ_BIND): 0, or XEN_EINVAL when a port is out of range, ours is not unbound, or it is
 * unbound for another domain. */
unsigned peer_ports_bind(struct evtchn *ports, unsigned k, uint16_t peer_dom, uint64_t port, uint64_t remote);
/* The peer closed its port `remote` bound to our `port` (PEER_REQ_CLOSE): ours returns to unbound
 * for the peer's domain; XEN_EINVAL when it was not bound so. */
unsigned peer_ports_close(struct evtchn *ports, unsigned k, uint16_t peer_dom, uint64_t port, uint64_t remote);
/* The peer on channel k ended: every port bound (or binding) over it returns to unbound for its
 * domain, keeping its vCPU. The number of ports unbound. */
unsigned peer_ports_unbind_all(struct evtchn *ports, unsigned k, uint16_t peer_dom);

/* The sender's side: the remote port's bit, then its word's summary bit. */
void peer_ring_post(struct peer_half *h, uint32_t port);
/* The receiver's side: takes the summary, then each word it names, and calls raise(ctx, port)
 * for each port of ours that is interdomain over channel k; any other bit is dropped. The number
 * of ports raised. */
unsigned peer_ring_take(struct peer_half *h, const struct evtchn *ports, unsigned k,
                        void (*raise)(void *ctx, uint32_t port), void *ctx);

#endif
