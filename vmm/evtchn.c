/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * event_channel_op(cmd, arg), within the guest only: ports 1..VMM_EVTCHN_PORTS-1 (port 0 is
 * never allocated, as in Xen). alloc_unbound reserves a port for a remote domain; send on an
 * unbound port does nothing (Xen's behaviour); close frees a port. Binding between guests
 * (through notification capabilities on declared channels) comes later.
 */
#include "vmm.h"

static bool port_in_use(struct vm *vm, uint32_t port)
{
    return port > 0 && port < VMM_EVTCHN_PORTS && vm->port[port].state != EVTCHN_FREE;
}

static int64_t alloc_unbound(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct evtchn_alloc_unbound op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (op.dom != XEN_DOMID_SELF) return -XEN_EPERM;
    uint32_t port = 1;
    while (port < VMM_EVTCHN_PORTS && vm->port[port].state != EVTCHN_FREE) port++;
    if (port == VMM_EVTCHN_PORTS) return -XEN_ENOSPC;
    op.port = port;
    if (guest_copy_to(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    vm->port[port] = (struct evtchn){.state = EVTCHN_UNBOUND, .remote_dom = op.remote_dom};
    return 0;
}

static int64_t port_op(struct vcpu *v, uint64_t arg, bool close)
{
    struct evtchn_port_arg op;
    if (guest_copy_from(v, arg, &op, sizeof op) != 0) return -XEN_EFAULT;
    if (!port_in_use(v->vm, op.port)) return -XEN_EINVAL;
    if (close) v->vm->port[op.port].state = EVTCHN_FREE;
    return 0;
}

int64_t hc_event_channel_op(struct vcpu *v, const uint64_t *a)
{
    switch (a[0]) {
    case EVTCHNOP_alloc_unbound: return alloc_unbound(v, a[1]);
    case EVTCHNOP_send: return port_op(v, a[1], false);
    case EVTCHNOP_close: return port_op(v, a[1], true);
    default: return -XEN_ENOSYS;
    }
}
