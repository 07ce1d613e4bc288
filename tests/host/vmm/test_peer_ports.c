/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the VMM's peer-channel port logic (vmm/peer_ports.c), under ASan and UBSan (the
 * peers suite): the transitions a peer's bind and close requests make, a peer's end, and the
 * ring's pending bitmaps, including a hostile peer writing whatever it likes into them.
 * One line per test: "PASS peers.ports_<name>" or "FAIL peers.ports_<name>: <why>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/errno.h>
#include "peer_ports.h"

#define ME_FOR_A 7u       /* the peer's domain on channel 0 */
#define ME_FOR_B 9u       /* another peer's, on channel 1 */

static struct evtchn ports[PEER_PORTS];
static unsigned raised_count[PEER_PORTS];
static int failures;

static void result(const char *name, int ok, const char *why)
{
    if (ok) printf("PASS peers.ports_%s\n", name);
    else {
        printf("FAIL peers.ports_%s: %s\n", name, why);
        failures++;
    }
}

static void reset(void)
{
    memset(ports, 0, sizeof ports);
    memset(raised_count, 0, sizeof raised_count);
}

static void count_raise(void *ctx, uint32_t port)
{
    (void)ctx;
    if (port >= PEER_PORTS) abort();
    raised_count[port]++;
}

static void unbound_for(uint32_t port, uint16_t dom, uint32_t vcpu)
{
    ports[port] = (struct evtchn){.state = EVTCHN_UNBOUND, .remote_dom = dom, .vcpu = vcpu};
}

static void test_bind(void)
{
    reset();
    unbound_for(2, ME_FOR_A, 0);
    unbound_for(3, ME_FOR_B, 0);
    ports[4] = (struct evtchn){.state = EVTCHN_VIRQ};
    int ok = peer_ports_bind(ports, 0, ME_FOR_A, 2, 5) == 0 && ports[2].state == EVTCHN_INTERDOMAIN &&
             ports[2].peer == 0 && ports[2].remote_port == 5;
    result("bind_unbound_port_of_the_peers_domain", ok, "port 2, unbound for the peer, was not bound to its port 5");
    ok = peer_ports_bind(ports, 0, ME_FOR_A, 2, 6) == XEN_EINVAL && ports[2].remote_port == 5;
    result("bind_bound_port_refused", ok, "a port already bound was bound again");
    ok = peer_ports_bind(ports, 0, ME_FOR_A, 3, 5) == XEN_EINVAL && ports[3].state == EVTCHN_UNBOUND;
    result("bind_port_unbound_for_another_domain_refused", ok, "port 3, unbound for another domain, was bound");
    ok = peer_ports_bind(ports, 0, ME_FOR_A, 4, 5) == XEN_EINVAL && peer_ports_bind(ports, 0, ME_FOR_A, 9, 5) == XEN_EINVAL &&
         ports[4].state == EVTCHN_VIRQ && ports[9].state == EVTCHN_FREE;
    result("bind_virq_or_free_port_refused", ok, "a VIRQ or free port was bound");
    ok = peer_ports_bind(ports, 0, ME_FOR_A, 0, 5) == XEN_EINVAL && peer_ports_bind(ports, 0, ME_FOR_A, PEER_PORTS, 5) == XEN_EINVAL &&
         peer_ports_bind(ports, 0, ME_FOR_A, UINT64_MAX, 5) == XEN_EINVAL;
    unbound_for(6, ME_FOR_A, 0);
    ok = ok && peer_ports_bind(ports, 0, ME_FOR_A, 6, 0) == XEN_EINVAL &&
         peer_ports_bind(ports, 0, ME_FOR_A, 6, PEER_PORTS) == XEN_EINVAL && ports[6].state == EVTCHN_UNBOUND;
    result("bind_out_of_range_ports_refused", ok, "port 0, 4096 or ~0 (ours or the peer's) was accepted");
}

static void test_close(void)
{
    reset();
    unbound_for(2, ME_FOR_A, 3);
    peer_ports_bind(ports, 0, ME_FOR_A, 2, 5);
    int ok = peer_ports_close(ports, 0, ME_FOR_A, 2, 6) == XEN_EINVAL && peer_ports_close(ports, 1, ME_FOR_A, 2, 5) == XEN_EINVAL &&
             ports[2].state == EVTCHN_INTERDOMAIN;
    result("close_with_wrong_remote_port_or_channel_refused", ok, "a close naming another port or channel unbound port 2");
    ok = peer_ports_close(ports, 0, ME_FOR_A, 2, 5) == 0 && ports[2].state == EVTCHN_UNBOUND &&
         ports[2].remote_dom == ME_FOR_A && ports[2].vcpu == 3;
    result("close_returns_port_to_unbound_for_the_peer", ok, "port 2 is not unbound for the peer's domain on its vCPU");
    ok = peer_ports_close(ports, 0, ME_FOR_A, 2, 5) == XEN_EINVAL;
    result("close_twice_refused", ok, "a second close of the same binding was accepted");
    ports[8] = (struct evtchn){.state = EVTCHN_BINDING, .peer = 0, .remote_port = 4};
    ok = peer_ports_close(ports, 0, ME_FOR_A, 8, 4) == 0 && ports[8].state == EVTCHN_UNBOUND;
    result("close_while_binding_leaves_unbound", ok, "a port still binding was not left unbound");
    ok = peer_ports_close(ports, 0, ME_FOR_A, 0, 0) == XEN_EINVAL && peer_ports_close(ports, 0, ME_FOR_A, PEER_PORTS, 0) == XEN_EINVAL;
    result("close_out_of_range_refused", ok, "port 0 or 4096 was accepted");
}

static void test_unbind_all(void)
{
    reset();
    for (uint32_t p = 1; p < 40; p++) {
        unbound_for(p, p % 2 ? ME_FOR_A : ME_FOR_B, p % 4);
        peer_ports_bind(ports, p % 2 ? 0 : 1, p % 2 ? ME_FOR_A : ME_FOR_B, p, 100 + p);
    }
    ports[50] = (struct evtchn){.state = EVTCHN_BINDING, .peer = 0, .remote_port = 3, .vcpu = 1};
    ports[51] = (struct evtchn){.state = EVTCHN_IPI, .vcpu = 1};
    unsigned n = peer_ports_unbind_all(ports, 0, ME_FOR_A);
    int ok = n == 21;
    for (uint32_t p = 1; p < 40; p++) {
        if (p % 2) ok &= ports[p].state == EVTCHN_UNBOUND && ports[p].remote_dom == ME_FOR_A && ports[p].vcpu == p % 4;
        else ok &= ports[p].state == EVTCHN_INTERDOMAIN && ports[p].peer == 1;
    }
    ok &= ports[50].state == EVTCHN_UNBOUND && ports[51].state == EVTCHN_IPI;
    result("peer_end_unbinds_only_its_channel", ok, "the ended peer's ports were not all unbound, or another's were touched");
}

static void test_ring(void)
{
    static struct peer_half h;
    reset();
    memset(&h, 0, sizeof h);
    unbound_for(5, ME_FOR_A, 0);
    peer_ports_bind(ports, 0, ME_FOR_A, 5, 1);
    unbound_for(4000, ME_FOR_A, 0);
    peer_ports_bind(ports, 0, ME_FOR_A, 4000, 2);
    unbound_for(64, ME_FOR_B, 0);
    peer_ports_bind(ports, 1, ME_FOR_B, 64, 2);
    peer_ring_post(&h, 5);
    peer_ring_post(&h, 5);
    peer_ring_post(&h, 4000);
    peer_ring_post(&h, 64);
    unsigned n = peer_ring_take(&h, ports, 0, count_raise, NULL);
    int ok = n == 2 && raised_count[5] == 1 && raised_count[4000] == 1 && raised_count[64] == 0 && h.summary == 0;
    for (unsigned w = 0; w < PEER_PORT_WORDS; w++) ok &= h.pending[w] == 0;
    result("posted_ports_raised_once_each", ok, "posted ports were not raised exactly once, or another channel's was");
    ok = peer_ring_take(&h, ports, 0, count_raise, NULL) == 0;
    result("nothing_twice", ok, "an empty ring raised something");
    /* A word without its summary bit waits for one: the summary is what the receiver takes. */
    h.pending[0] = 1ull << 5;
    ok = peer_ring_take(&h, ports, 0, count_raise, NULL) == 0 && h.pending[0] == 1ull << 5;
    h.summary = 1;
    ok = ok && peer_ring_take(&h, ports, 0, count_raise, NULL) == 1 && raised_count[5] == 2;
    result("word_waits_for_its_summary_bit", ok, "a word was taken without its summary bit, or not with it");
}

static uint64_t random64(void)
{
    return (uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^ (uint64_t)rand();
}

/* A hostile peer: every bit and summary word random, many rounds; only our ports bound over its
 * channel are ever raised, each at most once a round. */
static void test_hostile_ring(void)
{
    static struct peer_half h;
    reset();
    for (uint32_t p = 1; p < PEER_PORTS; p += 37) {
        unbound_for(p, ME_FOR_A, 0);
        peer_ports_bind(ports, 0, ME_FOR_A, p, 1);
    }
    for (uint32_t p = 2; p < PEER_PORTS; p += 101) {
        if (ports[p].state != EVTCHN_FREE) continue;
        unbound_for(p, ME_FOR_B, 0);
        peer_ports_bind(ports, 1, ME_FOR_B, p, 1);
    }
    ports[3] = (struct evtchn){.state = EVTCHN_VMM};
    ports[4] = (struct evtchn){.state = EVTCHN_UNBOUND, .remote_dom = ME_FOR_A};
    srand(12345);
    int ok = 1;
    for (int round = 0; round < 2000 && ok; round++) {
        unsigned before[PEER_PORTS];
        memcpy(before, raised_count, sizeof before);
        uint64_t all_words = round & 1 ? UINT64_MAX : 0, all_summary = round % 3 == 0 ? UINT64_MAX : 0;
        for (unsigned w = 0; w < PEER_PORT_WORDS; w++)
            h.pending[w] = random64() ^ all_words;
        h.summary = random64() ^ all_summary;
        h.gone = (uint32_t)rand();
        peer_ring_take(&h, ports, 0, count_raise, NULL);
        for (uint32_t p = 0; p < PEER_PORTS; p++) {
            unsigned d = raised_count[p] - before[p];
            if (d > 1 || (d && !(ports[p].state == EVTCHN_INTERDOMAIN && ports[p].peer == 0))) ok = 0;
        }
    }
    result("hostile_bitmaps_raise_only_our_bound_ports", ok, "a port not bound over the channel was raised, or one twice");
    ok = raised_count[0] == 0 && raised_count[3] == 0 && raised_count[4] == 0;
    result("hostile_bitmaps_spare_port_0_vmm_and_unbound", ok, "port 0, the VMM's port or an unbound port was raised");
}

int main(void)
{
    test_bind();
    test_close();
    test_unbind_all();
    test_ring();
    test_hostile_ring();
    return failures ? 1 : 0;
}
