/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PV console ring page (Xen's public io/console.h): bytes in both directions, indexes
 * free-running and masked with the ring's size. The guest produces out (out_prod) and consumes
 * in (in_cons); the console back end the other way round. Found through HVM_PARAM_CONSOLE_PFN
 * and HVM_PARAM_CONSOLE_EVTCHN (hvm/params.h).
 */
#ifndef XEN_PUBLIC_IO_CONSOLE_H
#define XEN_PUBLIC_IO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];              /* to the guest */
    char out[2048];             /* from the guest */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
#define XENCONSOLE_DISCONNECTED 1
#define XENCONSOLE_CONNECTED 0
    uint8_t connection;         /* XENCONSOLE_*: the back end is (re)connecting */
};
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072, "xencons_interface in_cons");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 3084, "xencons_interface out_prod");
_Static_assert(offsetof(struct xencons_interface, connection) == 3088, "xencons_interface connection");

#endif
