/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's xenstore (docs/xenstore.md): its store page is its xenstore channel's ring
 * frame, which the creator maps into the GuestSpace at Xen's special PFN 0xfeffc and into the
 * VMM (params store_vaddr). The guest and the xenstore server share it; the VMM copies nothing.
 * HVM_PARAM_STORE_PFN names the page and HVM_PARAM_STORE_EVTCHN a port bound to the VMM at
 * start (as the console's), which stands for the unbound port whose remote end is the xenstore
 * domain in Xen: the guest's EVTCHNOP_send on it signals the server's notification for the
 * channel; the server's signal on the VMM's event line ends a run or a wait, and the poll after
 * it raises the port when the server moved either of its indices (req_cons: room for requests;
 * rsp_prod: replies and events). A guest that writes those indices itself only raises its own
 * port.
 */
#include <xen/io/xs_wire.h>
#include "vmm.h"

static struct xenstore_domain_interface *page(const struct vm *vm)
{
    return (struct xenstore_domain_interface *)(uintptr_t)vm->params->store_vaddr;
}

void store_init(struct vm *vm)
{
    if (!vm->params->store_vaddr || !vm->params->store_signal) return;
    uint32_t port = evtchn_bind_vmm(vm);
    if (port == 0) return;
    vm->store_port = port;
    vm->hvm_param[HVM_PARAM_STORE_PFN] = VMM_STORE_GPA >> 12;
    vm->hvm_param[HVM_PARAM_STORE_EVTCHN] = port;
}

/* The guest's EVTCHNOP_send on the store port. */
void store_notify(struct vm *vm)
{
    vm->store_sends++;
    bh_signal(vm->params->store_signal);
}

/* After every exit of vCPU 0 (smp.c): the server's indices moved since the last look. */
void store_poll(struct vm *vm)
{
    if (!vm->store_port) return;
    const struct xenstore_domain_interface *p = page(vm);
    uint32_t req_cons = __atomic_load_n(&p->req_cons, __ATOMIC_ACQUIRE);
    uint32_t rsp_prod = __atomic_load_n(&p->rsp_prod, __ATOMIC_ACQUIRE);
    if (req_cons == vm->store_req_cons && rsp_prod == vm->store_rsp_prod) return;
    vm->store_req_cons = req_cons;
    vm->store_rsp_prod = rsp_prod;
    vm->store_raised++;
    evtchn_raise(vm, vm->store_port);
}
