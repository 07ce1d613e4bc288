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
 * Binding between guests (through notification capabilities on declared channels) comes later.
 */
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

static int64_t bind_vcpu(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_bind_vcpu op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (!port_in_use(vm, op.port)) return -XEN_EINVAL;
    if (op.vcpu >= vm->params->vcpus || op.vcpu >= VMM_MAX_VCPUS) return -XEN_ENOENT;
    if (vm->port[op.port].vcpu != op.vcpu) return -XEN_EINVAL;   /* one vCPU: nothing moves */
    return 0;
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
    struct vcpu *target = state == EVTCHN_VIRQ || state == EVTCHN_IPI ? &vm->vcpu[vm->port[op.port].vcpu] : v;
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
    vm->port[port] = (struct evtchn){.state = EVTCHN_UNBOUND, .remote_dom = op.remote_dom};
    return 0;
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
    if (!close) {
        if (e->state == EVTCHN_VIRQ || e->state == EVTCHN_IPI) set_pending(&v->vm->vcpu[e->vcpu], port);
        if (e->state == EVTCHN_VMM && port == v->vm->console_port) console_drain(v->vm);
        if (e->state == EVTCHN_VMM && port == v->vm->store_port) store_notify(v->vm);
        return 0;
    }
    if (e->state == EVTCHN_VIRQ) v->vm->vcpu[e->vcpu].virq_port[e->virq] = 0;
    if (port == v->vm->console_port) v->vm->console_port = 0;   /* the console is gone */
    if (port == v->vm->store_port) v->vm->store_port = 0;       /* so is the store's relay */
    e->state = EVTCHN_FREE;
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
    default: return -XEN_ENOSYS;
    }
}
