/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The port-table transitions of peer channels and the ring's bitmaps (peer_ports.h). The
 * table has PEER_PORTS entries; port 0 is never used. Everything the peer sends (request words,
 * bitmap words) is a number checked here before it indexes anything.
 */
#include <xen/errno.h>
#include "peer_ports.h"

static int in_range(uint64_t port) { return port != 0 && port < PEER_PORTS; }

static void unbind(struct evtchn *e, uint16_t peer_dom)
{
    *e = (struct evtchn){.state = EVTCHN_UNBOUND, .remote_dom = peer_dom, .vcpu = e->vcpu};
}

unsigned peer_ports_bind(struct evtchn *ports, unsigned k, uint16_t peer_dom, uint64_t port, uint64_t remote)
{
    if (!in_range(port) || !in_range(remote)) return XEN_EINVAL;
    struct evtchn *e = &ports[port];
    if (e->state != EVTCHN_UNBOUND || e->remote_dom != peer_dom) return XEN_EINVAL;
    e->state = EVTCHN_INTERDOMAIN;
    e->peer = (uint8_t)k;
    e->remote_port = (uint16_t)remote;
    return 0;
}

unsigned peer_ports_close(struct evtchn *ports, unsigned k, uint16_t peer_dom, uint64_t port, uint64_t remote)
{
    if (!in_range(port)) return XEN_EINVAL;
    struct evtchn *e = &ports[port];
    if ((e->state != EVTCHN_INTERDOMAIN && e->state != EVTCHN_BINDING) || e->peer != k || e->remote_port != remote)
        return XEN_EINVAL;
    unbind(e, peer_dom);
    return 0;
}

unsigned peer_ports_unbind_all(struct evtchn *ports, unsigned k, uint16_t peer_dom)
{
    unsigned n = 0;
    for (uint32_t port = 1; port < PEER_PORTS; port++) {
        struct evtchn *e = &ports[port];
        if ((e->state == EVTCHN_INTERDOMAIN || e->state == EVTCHN_BINDING) && e->peer == k) {
            unbind(e, peer_dom);
            n++;
        }
    }
    return n;
}

void peer_ring_post(struct peer_half *h, uint32_t port)
{
    uint32_t w = (port % PEER_PORTS) / 64u;
    __atomic_fetch_or(&h->pending[w], 1ull << (port % 64u), __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&h->summary, 1ull << w, __ATOMIC_SEQ_CST);
}

unsigned peer_ring_take(struct peer_half *h, const struct evtchn *ports, unsigned k,
                        void (*raise)(void *ctx, uint32_t port), void *ctx)
{
    unsigned n = 0;
    if (!__atomic_load_n(&h->summary, __ATOMIC_RELAXED)) return 0;
    uint64_t words = __atomic_exchange_n(&h->summary, 0, __ATOMIC_SEQ_CST);
    while (words) {
        unsigned w = (unsigned)__builtin_ctzll(words);
        words &= words - 1;
        uint64_t bits = __atomic_exchange_n(&h->pending[w], 0, __ATOMIC_SEQ_CST);
        while (bits) {
            uint32_t port = w * 64u + (unsigned)__builtin_ctzll(bits);
            bits &= bits - 1;
            if (port == 0 || ports[port].state != EVTCHN_INTERDOMAIN || ports[port].peer != k) continue;
            raise(ctx, port);
            n++;
        }
    }
    return n;
}
