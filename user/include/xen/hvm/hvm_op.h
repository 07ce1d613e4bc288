/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * hvm_op(cmd, arg) (Xen's public hvm/hvm_op.h): parameters of an HVM or PVH domain
 * (hvm/params.h) and the per-vCPU upcall vector.
 */
#ifndef XEN_PUBLIC_HVM_HVM_OP_H
#define XEN_PUBLIC_HVM_HVM_OP_H

#include <stdint.h>
#include "../xen.h"

#define HVMOP_set_param 0
#define HVMOP_get_param 1
struct xen_hvm_param {
    domid_t domid;              /* IN: DOMID_SELF */
    uint16_t pad;
    uint32_t index;             /* IN: HVM_PARAM_* */
    uint64_t value;             /* IN/OUT */
};
_Static_assert(offsetof(struct xen_hvm_param, value) == 8, "xen_hvm_param value");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

#define HVMOP_set_pci_intx_level 2
#define HVMOP_set_isa_irq_level 3
#define HVMOP_set_pci_link_route 4
#define HVMOP_flush_tlbs 5
#define HVMOP_pagetable_dying 9
#define HVMOP_get_time 10

/* Upcalls for vcpu arrive on vector, before the domain-wide HVM_PARAM_CALLBACK_IRQ. */
#define HVMOP_set_evtchn_upcall_vector 23
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;              /* IN */
    uint8_t vector;             /* IN: 0x10..0xff */
};
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "xen_hvm_evtchn_upcall_vector");

#endif
