/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * event_channel_op(cmd, arg), within the guest only: ports 1..VMM_EVTCHN_PORTS-1 (port 0 is
 * never allocated, as in Xen). alloc_unbound reserves a port for a remote domain; send on an
 * unbound port does nothing (Xen's behaviour); close frees a port. bind_virq binds a virtual
 * interrupt (only VIRQ_TIMER is ever raised) to a new port of a vCPU, bind_ipi a port that
 * send raises on its vCPU, bind_vcpu moves a VIRQ or IPI port's delivery to another vCPU;
 * unmask re-delivers a pending port. A port bound to the VMM (EVTCHN_VMM, the console's: console.c)
 * is taken at start; send on it makes the VMM drain the console ring, and the VMM raises it;
 * so is the store's (store.c), whose send signals the xenstore server. Delivery is Xen's 2-level ABI: the port's bit in shared_info's evtchn_pending,
 * then, unless the port is masked, its word's bit in the vCPU's evtchn_pending_sel and
 * evtchn_upcall_pending in its vcpu_info; the VMM then injects the callback vector (vcpu.c).
 * Between guests (peer.c, over the channels the system description declares): alloc_unbound
 * for any remote domain, as Xen (a domain without a channel can never bind it); bind_interdomain
 * asks the peer's VMM to bind its unbound port (-ESRCH for a domain without a channel, or whose
 * guest ended), then marks the new local port pending, as Xen does; send sets the peer's port
 * pending through the channel's ring, with no IPC; close asks the peer's VMM to return its port
 * to unbound; status reports ports as Xen's EVTCHNSTAT_*; bind_vcpu moves unbound and
 * interdomain ports. Ports 1..4,095: Xen's 2-level limit on 64-bit.
 */
#include <string.h>
#include <xen/event_channel.h>
#include "vmm.h"

static bool port_in_use(struct vm *vm, uint32_t port)
{
    return port > 0 && port < VMM_EVTCHN_PORTS && vm->port[port].state != EVTCHN_FREE;
}

struct vcpu_info *evtchn_vcpu_info(struct vcpu *v)
{
    struct vm *vm = v->vm;
    if (v->vcpu_info_gpa) return gpa_ptr(vm, v->vcpu_info_gpa, sizeof(struct vcpu_info));
    if (vm->shared_info_gpa && v->id < XEN_LEGACY_MAX_VCPUS) {
        struct shared_info *si = gpa_ptr(vm, vm->shared_info_gpa, sizeof *si);
        return si ? &si->vcpu_info[v->id] : NULL;
    }
    return NULL;
}

bool evtchn_upcall_pending(struct vcpu *v)
{
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_RELAXED);
}

/* Xen's local_events_need_delivery: an upcall pending and not masked. */
bool evtchn_events_need_delivery(struct vcpu *v)
{
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_RELAXED) &&
           !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_RELAXED);
}

/* Xen's evtchn_2l_set_pending and its unmask path. */
static void mark_pending_sel(struct vcpu *v, struct shared_info *si, uint32_t port)
{
    struct vcpu_info *vi = evtchn_vcpu_info(v);
    uint64_t bit = 1ull << (port % 64);
    if (__atomic_load_n(&si->evtchn_mask[port / 64], __ATOMIC_RELAXED) & bit) return;
    if (!vi) return;
    uint64_t sel = 1ull << (port / 64);
    if (!(__atomic_fetch_or(&vi->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST) & sel) &&
        !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        evtchn_assert_upcall(v);   /* the flag rose (Xen's vcpu_mark_events_pending) */
}

/* With its own upcall vector, the vCPU gets it as an edge in its local APIC (hvm.c); with
 * the domain's callback vector, vcpu.c injects it while the flag stays up. Either way its
 * thread is woken if it is another vCPU's (smp.c). */
void evtchn_assert_upcall(struct vcpu *v)
{
    if (v->upcall_vector) lapic_raise(&v->lapic, v->upcall_vector);
    vcpu_kick(v);
}

/* vCPUs in SCHEDOP_poll wait for ports that may be masked (Linux's PV spinlocks poll a
 * masked port), so no upcall wakes them: every newly pending port wakes them to look (Xen's
 * evtchn_check_pollers). */
static void wake_pollers(struct vm *vm)
{
    for (unsigned i = 0; i < vm->params->vcpus; i++)
        if (vm->vcpu[i].polling) vcpu_kick(&vm->vcpu[i]);
}

static void set_pending(struct vcpu *v, uint32_t port)
{
    struct shared_info *si = gpa_ptr(v->vm, v->vm->shared_info_gpa, sizeof *si);
    if (!v->vm->shared_info_gpa || !si || port >= VMM_EVTCHN_PORTS) return;
    uint64_t bit = 1ull << (port % 64);
    if (__atomic_fetch_or(&si->evtchn_pending[port / 64], bit, __ATOMIC_SEQ_CST) & bit) return;
    mark_pending_sel(v, si, port);
    wake_pollers(v->vm);
}

/* The port's bit in shared_info's evtchn_pending, masked or not (SCHEDOP_poll). */
bool evtchn_port_pending(struct vm *vm, uint32_t port)
{
    struct shared_info *si = gpa_ptr(vm, vm->shared_info_gpa, sizeof *si);
    if (!vm->shared_info_gpa || !si || port >= VMM_EVTCHN_PORTS) return false;
    return (__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_ACQUIRE) >> (port % 64)) & 1;
}

void evtchn_send_virq(struct vcpu *v, unsigned virq)
{
    if (virq < NR_VIRQS && v->virq_port[virq]) set_pending(v, v->virq_port[virq]);
}

static uint32_t free_port(struct vm *vm)
{
    uint32_t port = 1;
    while (port < VMM_EVTCHN_PORTS && vm->port[port].state != EVTCHN_FREE) port++;
    return port;
}

uint32_t evtchn_bind_vmm(struct vm *vm)
{
    uint32_t port = free_port(vm);
    if (port == VMM_EVTCHN_PORTS) return 0;
    vm->port[port] = (struct evtchn){.state = EVTCHN_VMM, .vcpu = 0};
    return port;
}

void evtchn_raise(struct vm *vm, uint32_t port)
{
    if (!port_in_use(vm, port)) return;
    uint32_t vcpu = vm->port[port].vcpu;
    if (vcpu < VMM_MAX_VCPUS) set_pending(&vm->vcpu[vcpu], port);
}

static int64_t bind_virq(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_bind_virq op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (op.virq >= NR_VIRQS) return -XEN_EINVAL;
    if (op.vcpu >= vm->params->vcpus || op.vcpu >= VMM_MAX_VCPUS) return -XEN_ENOENT;
    struct vcpu *target = &vm->vcpu[op.vcpu];
    if (target->virq_port[op.virq]) return -XEN_EEXIST;
    uint32_t port = free_port(vm);
    if (port == VMM_EVTCHN_PORTS) return -XEN_ENOSPC;
    op.port = port;
    if (guest_copy_to(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    vm->port[port] = (struct evtchn){.state = EVTCHN_VIRQ, .virq = (uint8_t)op.virq, .vcpu = op.vcpu};
    target->virq_port[op.virq] = port;
    return 0;
}

static int64_t bind_ipi(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_bind_ipi op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (op.vcpu >= vm->params->vcpus || op.vcpu >= VMM_MAX_VCPUS) return -XEN_ENOENT;
    uint32_t port = free_port(vm);
    if (port == VMM_EVTCHN_PORTS) return -XEN_ENOSPC;
    op.port = port;
    if (guest_copy_to(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    vm->port[port] = (struct evtchn){.state = EVTCHN_IPI, .vcpu = op.vcpu};
    return 0;
}

/* Xen's evtchn_bind_vcpu: unbound and interdomain ports move to any vCPU; VIRQ and IPI ports
 * are bound for good (here every VIRQ is per vCPU), as are the VMM's own. */
static int64_t bind_vcpu(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_bind_vcpu op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (!port_in_use(vm, op.port)) return -XEN_EINVAL;
    if (op.vcpu >= vm->params->vcpus || op.vcpu >= VMM_MAX_VCPUS) return -XEN_ENOENT;
    struct evtchn *e = &vm->port[op.port];
    if (e->state == EVTCHN_UNBOUND || e->state == EVTCHN_INTERDOMAIN) {
        e->vcpu = op.vcpu;
        return 0;
    }
    return e->vcpu == op.vcpu ? 0 : -XEN_EINVAL;
}

static int64_t unmask(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_unmask op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (!port_in_use(vm, op.port)) return -XEN_EINVAL;
    struct shared_info *si = gpa_ptr(vm, vm->shared_info_gpa, sizeof *si);
    if (!vm->shared_info_gpa || !si) return 0;
    uint64_t bit = 1ull << (op.port % 64);
    __atomic_fetch_and(&si->evtchn_mask[op.port / 64], ~bit, __ATOMIC_SEQ_CST);
    uint8_t state = vm->port[op.port].state;
    bool bound = state == EVTCHN_VIRQ || state == EVTCHN_IPI || state == EVTCHN_INTERDOMAIN || state == EVTCHN_UNBOUND;
    struct vcpu *target = bound && vm->port[op.port].vcpu < VMM_MAX_VCPUS ? &vm->vcpu[vm->port[op.port].vcpu] : v;
    if (__atomic_load_n(&si->evtchn_pending[op.port / 64], __ATOMIC_SEQ_CST) & bit) mark_pending_sel(target, si, op.port);
    return 0;
}

static int64_t alloc_unbound(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_alloc_unbound op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (op.dom != DOMID_SELF) return -XEN_EPERM;
    uint32_t port = free_port(vm);
    if (port == VMM_EVTCHN_PORTS) return -XEN_ENOSPC;
    op.port = port;
    if (guest_copy_to(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    uint16_t self = vm->params->domid ? vm->params->domid : 1;
    vm->port[port] = (struct evtchn){.state = EVTCHN_UNBOUND, .remote_dom = op.remote_dom == DOMID_SELF ? self : op.remote_dom};
    return 0;
}

/* Xen's evtchn_bind_interdomain: the peer's VMM binds its port first (it checks that the port
 * is unbound for this domain); the local port is reserved meanwhile, with the VM lock released
 * (the peer may be asking this VMM something at the same moment: its service thread answers).
 * The peer closing its end, or ending, before the lock is taken again leaves the port unbound. */
static int64_t bind_interdomain(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_bind_interdomain op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    int k = peer_of_domain(vm, op.remote_dom);
    if (k < 0 || peer_gone(vm, (unsigned)k)) return -XEN_ESRCH;
    if (op.remote_port == 0 || op.remote_port >= VMM_EVTCHN_PORTS) return -XEN_EINVAL;
    uint32_t port = free_port(vm);
    if (port == VMM_EVTCHN_PORTS) return -XEN_ENOSPC;
    vm->port[port] = (struct evtchn){.state = EVTCHN_BINDING, .peer = (uint8_t)k, .remote_port = (uint16_t)op.remote_port};
    vm_unlock(vm);
    uint64_t err = peer_request(vm, (unsigned)k, PEER_REQ_BIND, op.remote_port, port);
    vm_lock(vm);
    struct evtchn *e = &vm->port[port];
    if (err != 0) {
        if (e->state == EVTCHN_BINDING) e->state = EVTCHN_FREE;
        return -(int64_t)err;
    }
    if (e->state == EVTCHN_BINDING) e->state = EVTCHN_INTERDOMAIN;
    op.local_port = port;
    set_pending(&vm->vcpu[0], port);   /* Xen: covers events sent before the bind */
    return guest_copy_to(v, arg, &op, sizeof op) != 0 ? -XEN_EFAULT : 0;
}

/* Xen's evtchn_status, for this domain only (another domain's ports need privilege). */
static int64_t status(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_status op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    uint16_t self = vm->params->domid ? vm->params->domid : 1;
    if (op.dom != DOMID_SELF && op.dom != self) return peer_of_domain(vm, op.dom) >= 0 ? -XEN_EPERM : -XEN_ESRCH;
    if (op.port >= VMM_EVTCHN_PORTS) return -XEN_EINVAL;
    const struct evtchn *e = &vm->port[op.port];
    op.vcpu = e->vcpu;
    memset(&op.u, 0, sizeof op.u);
    switch (op.port == 0 ? EVTCHN_FREE : e->state) {
    case EVTCHN_FREE: op.status = EVTCHNSTAT_closed; op.vcpu = 0; break;
    case EVTCHN_UNBOUND: op.status = EVTCHNSTAT_unbound; op.u.unbound.dom = e->remote_dom; break;
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_BINDING:
        op.status = EVTCHNSTAT_interdomain;
        op.u.interdomain.dom = vm->params->peer[e->peer].domid;
        op.u.interdomain.port = e->remote_port;
        break;
    case EVTCHN_VIRQ: op.status = EVTCHNSTAT_virq; op.u.virq = e->virq; break;
    case EVTCHN_IPI: op.status = EVTCHNSTAT_ipi; break;
    default: return -XEN_EACCES;   /* the VMM's own (console, store): Xen's consumer_is_xen ports */
    }
    return guest_copy_to(v, arg, &op, sizeof op) != 0 ? -XEN_EFAULT : 0;
}

/* Closing an interdomain port: the peer's end returns to unbound, asked without the lock. */
static void close_interdomain(struct vm *vm, uint32_t port, const struct evtchn *e)
{
    unsigned k = e->peer;
    uint32_t remote = e->remote_port;
    if (peer_gone(vm, k)) return;
    vm_unlock(vm);
    (void)peer_request(vm, k, PEER_REQ_CLOSE, remote, port);
    vm_lock(vm);
}

/* EVTCHNOP_send and EVTCHNOP_close: struct evtchn_send and struct evtchn_close are one port each. */
_Static_assert(sizeof(struct evtchn_send) == sizeof(evtchn_port_t) &&
               sizeof(struct evtchn_close) == sizeof(evtchn_port_t), "one port");
static int64_t port_op(struct vcpu *v, uint64_t arg, bool close)
{
    evtchn_port_t port;
    if (guest_copy_from(v, arg, &port, sizeof port) != 0) return -XEN_EFAULT;
    if (!port_in_use(v->vm, port)) return -XEN_EINVAL;
    struct evtchn *e = &v->vm->port[port];
    if (e->state == EVTCHN_BINDING) return close ? -XEN_EINVAL : 0;   /* not yet bound: reserved */
    if (!close) {
        if (e->state == EVTCHN_VIRQ || e->state == EVTCHN_IPI) set_pending(&v->vm->vcpu[e->vcpu], port);
        if (e->state == EVTCHN_INTERDOMAIN) peer_send(v->vm, e->peer, e->remote_port);
        if (e->state == EVTCHN_VMM && port == v->vm->console_port) console_drain(v->vm);
        if (e->state == EVTCHN_VMM && port == v->vm->store_port) store_notify(v->vm);
        return 0;
    }
    if (e->state == EVTCHN_VIRQ) v->vm->vcpu[e->vcpu].virq_port[e->virq] = 0;
    if (port == v->vm->console_port) v->vm->console_port = 0;   /* the console is gone */
    if (port == v->vm->store_port) v->vm->store_port = 0;       /* so is the store's relay */
    struct evtchn was = *e;
    e->state = EVTCHN_FREE;
    if (was.state == EVTCHN_INTERDOMAIN) close_interdomain(v->vm, port, &was);
    return 0;
}

int64_t hc_event_channel_op(struct vcpu *v, const uint64_t *a)
{
    switch (a[0]) {
    case EVTCHNOP_alloc_unbound: return alloc_unbound(v, a[1]);
    case EVTCHNOP_bind_virq: return bind_virq(v, a[1]);
    case EVTCHNOP_unmask: return unmask(v, a[1]);
    case EVTCHNOP_bind_ipi: return bind_ipi(v, a[1]);
    case EVTCHNOP_bind_vcpu: return bind_vcpu(v, a[1]);
    case EVTCHNOP_send: return port_op(v, a[1], false);
    case EVTCHNOP_close: return port_op(v, a[1], true);
    case EVTCHNOP_bind_interdomain: return bind_interdomain(v, a[1]);
    case EVTCHNOP_status: return status(v, a[1]);
    default: return -XEN_ENOSYS;
    }
}
