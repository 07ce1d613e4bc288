/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The test guest on interdomain event channels (mode=peers-alice, peers-bob, peers-hostile; run
 * by tests/suites/peers.sh in tests/system/peers/peers.bh, where alice is domain 1, bob 2 and
 * mallory 3, alice and bob share an `event` channel and so do mallory and bob). The two sides
 * find each other's ports without a store: each allocates in a fixed order, and each waits for
 * the other's step by polling EVTCHNOP_status. Events are awaited with interrupts on (sti; hlt)
 * and seen through the upcall: the callback vector counted, the port's bit in shared_info.
 * Every check prints "peers: <name>: <what>: ok" or "... FAILED (<value>)"; the last line says
 * how many failed.
 *   both     first 3,000 binds to the other at once, each a call to the other's VMM (refused:
 *            -EINVAL), while the other's VMM calls this one's
 *   alice    error paths; binds bob's port 2, finds its new port pending (Xen's bind), sends,
 *            gets bob's event through the upcall, closes (bob's port returns to unbound),
 *            closes again (-EINVAL); allocates port 2 for mallory and port 3 for bob, sees bob
 *            bind port 3 (with his port 2), get his event, close and bind again; then sends and
 *            shuts down, bound
 *   bob      allocates port 2 for alice and 3 for mallory; error paths; gets alice's event
 *            through the upcall, status from his side, bind_vcpu, sends back; sees alice's
 *            close; binds alice's port 3 (port 2 of hers is for another domain: -EINVAL), sends,
 *            closes it and binds it again, gets her event; sees alice end (his port unbound, -ESRCH to bind to
 *            her) and runs on ("bob alive N"), while mallory hammers his ports
 *   hostile  binds every port of bob's it can name (only the one bob allocated for it binds),
 *            then random event-channel operations with random arguments, for ever, a line
 *            every 2,000
 */
#include <stdbool.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include "guest.h"
#include "../../../../vmm/peer_proto.h"

#define ALICE 1u
#define BOB 2u
#define MALLORY 3u
#define CALLBACK_VECTOR 0xf3u
#define STEP_TSC (60ull * 2000 * 1000 * 1000)   /* ~60 s at the nominal 2 GHz: a step that never comes */
#define CROSSFIRE_CALLS 3000u
#define HOSTILE_REPORT 2000u   /* random operations between two lines */

static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));
static struct named_checks checks = {.suite = "peers", .me = "?"};
static volatile struct shared_info *si(void) { return (volatile struct shared_info *)shared_info_page; }

static void say(const char *what, const char *tail) { nc_say(&checks, what, tail); }
static void say_num(const char *what, uint64_t v) { nc_say_num(&checks, what, v); }
static void expect(const char *what, bool ok, int64_t value) { nc_expect(&checks, what, ok, value); }

static long evtchn(uint32_t cmd, void *arg) { return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint64_t)(uintptr_t)arg, 0); }

static long alloc_unbound(uint16_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound a = {DOMID_SELF, remote, 0};
    long rc = evtchn(EVTCHNOP_alloc_unbound, &a);
    *port = a.port;
    return rc;
}

static long bind(uint16_t remote, uint32_t remote_port, uint32_t *port)
{
    struct evtchn_bind_interdomain b = {remote, remote_port, 0};
    long rc = evtchn(EVTCHNOP_bind_interdomain, &b);
    *port = b.local_port;
    return rc;
}

static long send(uint32_t port)
{
    struct evtchn_send s = {port};
    return evtchn(EVTCHNOP_send, &s);
}

static long close(uint32_t port)
{
    struct evtchn_close c = {port};
    return evtchn(EVTCHNOP_close, &c);
}

static long status(uint16_t dom, uint32_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){.dom = dom, .port = port};
    return evtchn(EVTCHNOP_status, st);
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = {port, vcpu};
    return evtchn(EVTCHNOP_bind_vcpu, &b);
}

/* Its state as status sees it: EVTCHNSTAT_* << 32 | the other end's domain << 16 | its port. */
static uint64_t state(uint32_t port)
{
    struct evtchn_status st;
    if (status(DOMID_SELF, port, &st) != 0) return ~0ull;
    if (st.status == EVTCHNSTAT_unbound) return (uint64_t)st.status << 32 | (uint64_t)st.u.unbound.dom << 16;
    if (st.status == EVTCHNSTAT_interdomain)
        return (uint64_t)st.status << 32 | (uint64_t)st.u.interdomain.dom << 16 | st.u.interdomain.port;
    return (uint64_t)st.status << 32;
}
#define UNBOUND(dom) ((uint64_t)EVTCHNSTAT_unbound << 32 | (uint64_t)(dom) << 16)
#define INTERDOMAIN(dom, port) ((uint64_t)EVTCHNSTAT_interdomain << 32 | (uint64_t)(dom) << 16 | (port))

/* Polls the port's state until it is `want` (the other side's step); false after STEP_TSC. */
static bool await_state(uint32_t port, uint64_t want)
{
    uint64_t until = rdtsc() + STEP_TSC;
    while (state(port) != want)
        if (rdtsc() > until) return false;
    return true;
}

static bool pending(uint32_t port) { return (si()->evtchn_pending[port / 64] >> (port % 64)) & 1; }
static void clear(uint32_t port) { __atomic_fetch_and(&si()->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST); }

/* Clears the upcall flag and every selector bit: the next pending port raises both again. */
static void drain(void)
{
    volatile struct vcpu_info *vi = &si()->vcpu_info[0];
    vi->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/* Waits for the port's event, then takes it through the upcall: true when the VMM set the
 * port's bit, its word's selector bit and the upcall flag, and the callback vector ran as soon
 * as interrupts were on (sti; hlt: the flag is up, so the VMM injects at once). */
static bool await_event(uint32_t port)
{
    volatile struct vcpu_info *vi = &si()->vcpu_info[0];
    uint64_t until = rdtsc() + STEP_TSC;
    while (!pending(port) && rdtsc() < until) __asm__ volatile("pause");
    bool raised = pending(port) && (vi->evtchn_pending_sel >> (port / 64) & 1) && vi->evtchn_upcall_pending;
    uint32_t before = callback_count;
    if (raised) __asm__ volatile("sti; hlt; cli" : : : "memory");
    bool ok = raised && callback_count != before;
    clear(port);
    drain();
    return ok;
}

static void setup(void)
{
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, (uint64_t)(uintptr_t)shared_info_page >> 12};
    hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x, 0);
    struct xen_hvm_param p = {DOMID_SELF, 0, HVM_PARAM_CALLBACK_IRQ, (2ull << 56) | CALLBACK_VECTOR};
    hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)(uintptr_t)&p, 0);
    drain();
}

static void finish(bool end)
{
    say_num("checks passed: ", checks.passed);
    if (checks.failed) say_num("checks FAILED: ", checks.failed);
    else say("all checks passed", "");
    if (end) {
        struct sched_shutdown s = {SHUTDOWN_poweroff};
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&s, 0);
    }
}

static void alive(void)
{
    for (uint32_t n = 1;; n++) {
        uint64_t until = rdtsc() + VT_HEARTBEAT_TSC;
        while (rdtsc() < until) __asm__ volatile("pause");
        say_num("alive ", n);
    }
}

/* Both alice and bob start with this, at once: every bind is a call to the other's VMM, which
 * refuses it (port 4,095 is not unbound), while the other's VMM calls this one's. Neither hangs. */
static void crossfire(uint16_t peer)
{
    uint32_t refused = 0, port;
    for (uint32_t i = 0; i < CROSSFIRE_CALLS; i++) refused += bind(peer, PEER_PORTS - 1, &port) == -XEN_EINVAL;
    expect("crossfire: 3,000 binds refused by the peer's VMM while it called ours", refused == CROSSFIRE_CALLS, refused);
}

static void alice(void)
{
    crossfire(BOB);
    uint32_t port = 0, port2 = 0, a_mallory = 0, a_bob = 0;
    struct evtchn_status st;
    struct evtchn_alloc_unbound a = {5, BOB, 0};
    expect("alloc_unbound for another domain's port: -EPERM", evtchn(EVTCHNOP_alloc_unbound, &a) == -XEN_EPERM, 0);
    long rc = bind(MALLORY, 2, &port);
    expect("bind_interdomain to an undeclared domain (3): -ESRCH", rc == -XEN_ESRCH, rc);
    rc = bind(77, 2, &port);
    expect("bind_interdomain to a domain that is not there (77): -ESRCH", rc == -XEN_ESRCH, rc);
    rc = bind(BOB, 0, &port);
    expect("bind_interdomain to remote port 0: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = bind(BOB, 4096, &port);
    expect("bind_interdomain to remote port 4096: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = close(9999);
    expect("close of port 9999: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = status(BOB, 2, &st);
    expect("status of another domain's port: -EPERM", rc == -XEN_EPERM, rc);
    /* Bob allocates port 2 for us at his start: retry while it is not yet unbound for us. */
    uint64_t until = rdtsc() + STEP_TSC;
    while ((rc = bind(BOB, 2, &port)) == -XEN_EINVAL && rdtsc() < until) {
    }
    expect("bind_interdomain to bob's port 2", rc == 0 && port == 2, rc ? rc : port);
    expect("the new port is pending at once (Xen's bind)", pending(port), (int64_t)si()->evtchn_pending[0]);
    clear(port);
    drain();
    expect("status: interdomain, domain 2 port 2", state(port) == INTERDOMAIN(BOB, 2), (int64_t)state(port));
    rc = bind(BOB, 2, &port2);
    expect("bind_interdomain to bob's port 2 again (not unbound): -EINVAL", rc == -XEN_EINVAL, rc);
    expect("send to bob", send(port) == 0, 0);
    expect("bob's event through the upcall", await_event(port), 0);
    expect("close", close(port) == 0, 0);
    rc = close(port);
    expect("close again: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = send(port);
    expect("send on the closed port: -EINVAL", rc == -XEN_EINVAL, rc);
    expect("status of the closed port: closed", state(port) == (uint64_t)EVTCHNSTAT_closed << 32, (int64_t)state(port));
    /* Second round: our ports, bob binds. Port 2 for mallory (bob may not take it), 3 for bob. */
    expect("alloc_unbound for domain 3: port 2", alloc_unbound(MALLORY, &a_mallory) == 0 && a_mallory == 2, a_mallory);
    expect("alloc_unbound for domain 2: port 3", alloc_unbound(BOB, &a_bob) == 0 && a_bob == 3, a_bob);
    expect("status of port 3: unbound for domain 2 (or bound by bob already)",
           state(a_bob) == UNBOUND(BOB) || state(a_bob) == INTERDOMAIN(BOB, 2), (int64_t)state(a_bob));
    expect("bob binds port 3", await_state(a_bob, INTERDOMAIN(BOB, 2)), (int64_t)state(a_bob));
    expect("bob's event on port 3 through the upcall", await_event(a_bob), 0);
    expect("bob closes: port 3 unbound for domain 2", await_state(a_bob, UNBOUND(BOB)), (int64_t)state(a_bob));
    expect("bob binds port 3 again", await_state(a_bob, INTERDOMAIN(BOB, 2)), (int64_t)state(a_bob));
    uint64_t later = rdtsc() + 4000000000ull;   /* bob's hypercall returns after our port is bound */
    while (rdtsc() < later) __asm__ volatile("pause");
    expect("send to bob on port 3", send(a_bob) == 0, 0);
    say("shutting down with port 3 bound", "");
    finish(true);
}

static void bob(void)
{
    uint32_t for_alice = 0, for_mallory = 0, port = 0, port2 = 0;
    struct evtchn_status st;
    crossfire(ALICE);
    expect("alloc_unbound for domain 1: port 2", alloc_unbound(ALICE, &for_alice) == 0 && for_alice == 2, for_alice);
    expect("alloc_unbound for domain 3: port 3", alloc_unbound(MALLORY, &for_mallory) == 0 && for_mallory == 3, for_mallory);
    expect("status of port 2: unbound for domain 1", state(for_alice) == UNBOUND(ALICE) || state(for_alice) >> 32 == EVTCHNSTAT_interdomain,
           (int64_t)state(for_alice));
    long rc = status(77, 2, &st);
    expect("status of a domain that is not there: -ESRCH", rc == -XEN_ESRCH, rc);
    rc = status(DOMID_SELF, 4096, &st);
    expect("status of port 4096: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = status(DOMID_SELF, 1, &st);
    expect("status of the console's port (the VMM's): -EACCES", rc == -XEN_EACCES, rc);
    expect("alice binds port 2", await_state(for_alice, INTERDOMAIN(ALICE, 2)), (int64_t)state(for_alice));
    expect("alice's event through the upcall", await_event(for_alice), 0);
    expect("bind_vcpu of the interdomain port to vCPU 1", bind_vcpu(for_alice, 1) == 0, 0);
    expect("status: vCPU 1", status(DOMID_SELF, for_alice, &st) == 0 && st.vcpu == 1, st.vcpu);
    expect("bind_vcpu back to vCPU 0", bind_vcpu(for_alice, 0) == 0, 0);
    rc = bind_vcpu(for_alice, 9);
    expect("bind_vcpu to vCPU 9: -ENOENT", rc == -XEN_ENOENT, rc);
    expect("send to alice", send(for_alice) == 0, 0);
    expect("alice closes: port 2 unbound for domain 1", await_state(for_alice, UNBOUND(ALICE)), (int64_t)state(for_alice));
    expect("send on the unbound port: dropped, 0", send(for_alice) == 0, 0);
    expect("close of the unbound port", close(for_alice) == 0, 0);
    /* Second round: alice's port 3 is for us, her port 2 for mallory. */
    uint64_t until = rdtsc() + STEP_TSC;
    while ((rc = bind(ALICE, 3, &port)) == -XEN_EINVAL && rdtsc() < until) {
    }
    expect("bind_interdomain to alice's port 3: port 2", rc == 0 && port == 2, rc ? rc : port);
    expect("the new port is pending at once (Xen's bind)", pending(port), 0);
    clear(port);
    drain();
    rc = bind(ALICE, 2, &port2);
    expect("bind_interdomain to alice's port 2, unbound for domain 3: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = bind(ALICE, 3, &port2);
    expect("bind_interdomain to alice's port 3 again (bound): -EINVAL", rc == -XEN_EINVAL, rc);
    expect("send to alice on port 2", send(port) == 0, 0);
    /* Let alice see the binding and the event before we close. */
    until = rdtsc() + 4000000000ull;
    while (rdtsc() < until) __asm__ volatile("pause");
    expect("close port 2", close(port) == 0, 0);
    rc = close(port);
    expect("close port 2 again: -EINVAL", rc == -XEN_EINVAL, rc);
    rc = bind(ALICE, 3, &port);
    expect("bind_interdomain to alice's port 3 once more: port 2", rc == 0 && port == 2, rc ? rc : port);
    clear(port);
    drain();
    expect("alice's event on port 2 through the upcall", await_event(port), 0);
    expect("alice ends: port 2 unbound for domain 1", await_state(port, UNBOUND(ALICE)), (int64_t)state(port));
    rc = bind(ALICE, 3, &port2);
    expect("bind_interdomain to the ended domain 1: -ESRCH", rc == -XEN_ESRCH, rc);
    expect("send on the port alice's end left unbound: dropped, 0", send(port) == 0, 0);
    finish(false);
    alive();
}

static uint64_t rng = 0x5eedbeefcafe1234ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void hostile(void)
{
    uint32_t port, bound = 0, bound_port = 0;
    uint64_t until = rdtsc() + STEP_TSC;
    while (bound == 0 && rdtsc() < until)   /* bob allocates its port for us at its start */
        for (uint32_t p = 1; p < 64; p++)
            if (bind(BOB, p, &port) == 0) bound++, bound_port = p;
    say_num("bound of bob's ports 1..63: ", bound);
    say_num("the one it bound: bob's port ", bound_port);
    static uint32_t arg[16];
    uint64_t errors = 0;
    for (uint64_t i = 1;; i++) {
        uint64_t r = next();
        for (unsigned w = 0; w < 16; w++) arg[w] = (uint32_t)next();
        /* Mostly plausible arguments: bob's domain and small ports, so that the VMM's paths run. */
        if (r & 1) arg[0] = (arg[0] & 0xffff0000u) | BOB;
        if (r & 2) arg[1] = arg[1] % 70;
        if (r & 4) arg[0] = arg[0] % 70;
        uint32_t cmd = (uint32_t)(r >> 8) % 15;
        if (cmd == EVTCHNOP_bind_pirq || cmd >= EVTCHNOP_reset) cmd = EVTCHNOP_send;
        if (evtchn(cmd, arg) < 0) errors++;
        if (i % HOSTILE_REPORT == 0) {
            say_num("random operations so far: ", i);
            say_num("of which refused: ", errors);
        }
    }
}

void test_peers(int which)
{
    setup();
    if (which == 0) checks.me = "alice", alice();
    else if (which == 1) checks.me = "bob", bob();
    else checks.me = "mallory", hostile();
}
