/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Event channels (Xen's public event_channel.h): event_channel_op(cmd, arg), arg a struct
 * evtchn_<cmd> the hypervisor reads (IN) and writes back (OUT). An event channel is a port of a
 * domain; sending on it sets the peer's pending bit (2-level ABI: shared_info.evtchn_pending)
 * and raises an upcall unless the port is masked.
 */
#ifndef XEN_PUBLIC_EVENT_CHANNEL_H
#define XEN_PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>
#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

typedef uint32_t evtchn_port_t;

/* A fresh port of dom (DOMID_SELF unless privileged) that remote_dom may bind to. */
struct evtchn_alloc_unbound {
    domid_t dom;                /* IN */
    domid_t remote_dom;         /* IN */
    evtchn_port_t port;         /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound");

/* A fresh local port connected to remote_dom's unbound remote_port (sets it pending). */
struct evtchn_bind_interdomain {
    domid_t remote_dom;         /* IN */
    evtchn_port_t remote_port;  /* IN */
    evtchn_port_t local_port;   /* OUT */
};
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4,
               "evtchn_bind_interdomain remote_port");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain");

/* A fresh port for VIRQ virq on vcpu (global VIRQs: vCPU 0, rebind with bind_vcpu). */
struct evtchn_bind_virq {
    uint32_t virq;              /* IN: VIRQ_* (xen.h) */
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq");

/* A fresh port, for events between the domain's own vCPUs, notifying vcpu for good. */
struct evtchn_bind_ipi {
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi");

/* Close port; an interdomain peer's end becomes unbound. */
struct evtchn_close {
    evtchn_port_t port;         /* IN */
};
_Static_assert(sizeof(struct evtchn_close) == 4, "evtchn_close");

/* Send an event to the other end of port. */
struct evtchn_send {
    evtchn_port_t port;         /* IN */
};
_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send");

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5
struct evtchn_status {
    domid_t dom;                /* IN */
    evtchn_port_t port;         /* IN */
    uint32_t status;            /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;              /* OUT: the vCPU it notifies */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;                        /* OUT, by status */
};
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status u");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");

/* Which vCPU port notifies (not for IPI and per-vCPU VIRQ ports, bound for good). */
struct evtchn_bind_vcpu {
    evtchn_port_t port;         /* IN */
    uint32_t vcpu;              /* IN */
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu");

/* Clear port's mask bit, raising the upcall if it is pending. */
struct evtchn_unmask {
    evtchn_port_t port;         /* IN */
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "evtchn_unmask");

/* The 2-level ABI: 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

#endif
