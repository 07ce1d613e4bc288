/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Channels to other guests' VMMs (docs/vmm.md, "Peers"; the protocol in peer_proto.h). The
 * system description declares a `grant` or `event` channel between two guests; the root passes
 * its caps and ring to both VMMs (params peer[]). Per channel:
 *   a service thread (the VMM's thread vcpus + k) receives the peer VMM's requests on the
 *   channel's endpoint and answers them under the VM lock; it never calls anyone, so two VMMs
 *   calling each other at once are both answered;
 *   events go through the ring page without IPC: a bit in the peer's half and a signal on the
 *   peer's event line, which ends its vCPU 0's run or wait; peer_poll takes them after every exit
 *   of vCPU 0 and raises those of its ports bound over this channel, nothing else;
 *   the end of a guest (vm_end) sets `gone` in the peer's half and signals: the peer unbinds its
 *   ports bound over the channel (Xen's evtchn_destroy closes a dying domain's ports, which
 *   returns each peer port to unbound) and runs on; requests to an ended guest's VMM are
 *   answered ESRCH by its service threads, which outlive its vCPU threads.
 */
#include <bulkhead/runtime.h>
#include "vmm.h"

static struct peer_ring *ring(const struct vm *vm, unsigned k)
{
    return (struct peer_ring *)(uintptr_t)vm->params->peer[k].ring_vaddr;
}

/* What the peer writes for us, and what we write for the peer. */
static struct peer_half *mine(const struct vm *vm, unsigned k) { return &ring(vm, k)->half[vm->params->peer[k].side & 1u]; }
static struct peer_half *theirs(const struct vm *vm, unsigned k) { return &ring(vm, k)->half[(vm->params->peer[k].side & 1u) ^ 1u]; }

int peer_of_domain(struct vm *vm, uint32_t domid)
{
    for (unsigned k = 0; k < vm->params->peer_count && k < VMM_PEER_CHANNELS; k++)
        if (vm->params->peer[k].domid == domid) return (int)k;
    return -1;
}

int peer_grant_channel(struct vm *vm, uint32_t domid)
{
    for (unsigned k = 0; k < vm->params->peer_count && k < VMM_PEER_CHANNELS; k++)
        if (vm->params->peer[k].domid == domid && vm->params->peer[k].kind == VMM_PEER_GRANT) return (int)k;
    return -1;
}

bool peer_gone(struct vm *vm, unsigned k)
{
    return vm->peer_gone[k] || __atomic_load_n(&mine(vm, k)->gone, __ATOMIC_ACQUIRE) != 0;
}

void peer_send(struct vm *vm, unsigned k, uint32_t remote_port)
{
    if (peer_gone(vm, k) || remote_port == 0 || remote_port >= VMM_EVTCHN_PORTS) {
        vm->peer_dropped++;
        return;
    }
    peer_ring_post(theirs(vm, k), remote_port);
    vm->peer_sends++;
    bh_signal(vm->params->peer[k].peer_signal);
}

static void raise_port(void *ctx, uint32_t port)
{
    struct vm *vm = ctx;
    vm->peer_raised++;
    evtchn_raise(vm, port);
}

/* The peer's events and its end (peer_ports.c: only this guest's ports bound over channel k
 * are raised, whatever the bits say). */
void peer_poll(struct vm *vm)
{
    for (unsigned k = 0; k < vm->params->peer_count && k < VMM_PEER_CHANNELS; k++) {
        struct peer_half *h = mine(vm, k);
        if (!vm->peer_gone[k] && __atomic_load_n(&h->gone, __ATOMIC_ACQUIRE)) {
            vm->peer_gone[k] = true;
            peer_ports_unbind_all(vm->port, k, vm->params->peer[k].domid);
            unsigned taken = grant_serve_peer_gone(vm, k);
            if (vm->params->peer[k].kind == VMM_PEER_GRANT)
                vmm_say(vm, "domain %u ended: its event channels to this guest are unbound, %u pages it held taken back",
                        vm->params->peer[k].domid, taken);
            else
                vmm_say(vm, "domain %u ended: its event channels to this guest are unbound", vm->params->peer[k].domid);
        }
        peer_ring_take(h, vm->port, k, raise_port, vm);
    }
}

/* Called with the VM lock released (the peer's service thread may be waiting for nothing of
 * ours, but our own service threads need the lock to answer the peer meanwhile). */
uint64_t peer_request(struct vm *vm, unsigned k, enum peer_request what, uint32_t a0, uint32_t a1)
{
    bh_set_mr(0, a0);
    bh_set_mr(1, a1);
    bh_msginfo_t info = bh_call(vm->params->peer[k].peer_endpoint, bh_msginfo(what, 0, 0, PEER_REQ_WORDS));
    if (bh_msginfo_label(info) != 0 || bh_msginfo_length(info) < PEER_REPLY_WORDS) return XEN_EINVAL;
    uint64_t err = bh_get_mr(0);
    return err <= XEN_ENOSYS ? err : XEN_EINVAL;
}

/* A grant request (PEER_REQ_MAP_GRANT, _UNMAP_GRANT, _COPY_GRANT), made without the VM lock: 0
 * or a positive Xen errno; out[0] the GNTST_* status, out[1] the peer's export index. A page
 * capability in the reply goes to our slot recv_slot (0: none expected); *got says it came. */
uint64_t peer_request_grant(struct vm *vm, unsigned k, enum peer_request what, uint32_t a0, uint32_t a1,
                            uint32_t recv_slot, int64_t out[2], bool *got)
{
    const struct vmm_cap_slots *c = &vm->params->caps;
    *got = false;
    out[0] = GNTST_general_error;
    out[1] = 0;
    if (recv_slot) bh_set_receive_slot(c->cnode, recv_slot, c->cnode_bits);
    bh_set_mr(0, a0);
    bh_set_mr(1, a1);
    bh_msginfo_t info = bh_call(vm->params->peer[k].peer_endpoint, bh_msginfo(what, 0, 0, PEER_REQ_WORDS));
    bh_set_receive_slot(0, 0, 0);
    if (bh_msginfo_label(info) != 0 || bh_msginfo_length(info) < PEER_REPLY_WORDS) return XEN_EINVAL;
    uint64_t err = bh_get_mr(0);
    if (err != 0) return err <= XEN_ENOSYS ? err : XEN_EINVAL;
    if (bh_msginfo_length(info) < PEER_GRANT_REPLY_WORDS) return XEN_EINVAL;
    out[0] = (int16_t)bh_get_mr(1);
    out[1] = (int64_t)bh_get_mr(2);
    *got = recv_slot && bh_msginfo_extra_caps(info) == 1 && bh_msginfo_caps_unwrapped(info) == 0;
    return 0;
}

/* The guest ended (vm_end, under the lock): every peer learns it through its half. */
void peer_end(struct vm *vm)
{
    for (unsigned k = 0; k < vm->params->peer_count && k < VMM_PEER_CHANNELS; k++) {
        __atomic_store_n(&theirs(vm, k)->gone, 1u, __ATOMIC_RELEASE);
        bh_signal(vm->params->peer[k].peer_signal);
    }
}

/* One request of the peer on channel k, under the lock: 0 or a positive Xen errno; a grant
 * request's further words and page in *out. */
static uint64_t answer(struct vm *vm, unsigned k, bh_word_t label, bh_word_t a0, bh_word_t a1, struct peer_reply *out)
{
    uint16_t peer_dom = vm->params->peer[k].domid;
    if (vm->ended) return XEN_ESRCH;
    switch (label) {
    case PEER_REQ_BIND: return peer_ports_bind(vm->port, k, peer_dom, a0, a1);
    case PEER_REQ_CLOSE: return peer_ports_close(vm->port, k, peer_dom, a0, a1);
    case PEER_REQ_MAP_GRANT:
    case PEER_REQ_UNMAP_GRANT:
    case PEER_REQ_COPY_GRANT: return grant_serve(vm, k, label, a0, a1, out);
    default: return XEN_ENOSYS;
    }
}

/* The service thread of channel k: from the VM's set-up (or its end) on, for ever. */
int peer_serve(struct vm *vm, unsigned k)
{
    while (!__atomic_load_n(&vm->started, __ATOMIC_ACQUIRE) && !__atomic_load_n(&vm->ended, __ATOMIC_ACQUIRE)) bh_yield();
    bh_cptr_t ep = VMM_PARAMS->peer[k].endpoint;
    bh_word_t badge = 0;
    bh_set_receive_slot(0, 0, 0); /* a request carries no capability */
    bh_msginfo_t info = bh_recv(ep, &badge);
    for (;;) {
        bh_word_t label = bh_msginfo_label(info);
        bh_word_t a0 = bh_get_mr(0), a1 = bh_get_mr(1);
        uint64_t err = XEN_EINVAL;
        struct peer_reply out = {0};
        if (bh_msginfo_length(info) >= PEER_REQ_WORDS) {
            vm_lock(vm);
            err = answer(vm, k, label, a0, a1, &out);
            vm_unlock(vm);
        }
        bh_set_mr(0, err);
        for (unsigned i = 0; i < out.words && err == 0; i++) bh_set_mr(1 + i, out.word[i]);
        unsigned caps = 0;
        if (out.cap && err == 0) bh_set_cap(caps++, out.cap);
        unsigned words = PEER_REPLY_WORDS + (err == 0 ? out.words : 0);
        info = bh_reply_recv(ep, bh_msginfo(0, 0, caps, words), &badge);
    }
}
