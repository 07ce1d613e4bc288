/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The network device protocol (Xen's public io/netif.h): two rings (io/ring.h). On the transmit
 * ring the front end offers packets in granted pages (one request per slot, NETTXF_more_data
 * chaining the slots of one packet, extra info slots after NETTXF_extra_info); on the receive
 * ring it offers granted pages for the back end to fill. Front and back end find each other,
 * and agree on features, in xenstore.
 */
#ifndef XEN_PUBLIC_IO_NETIF_H
#define XEN_PUBLIC_IO_NETIF_H

#include <stdint.h>
#include "ring.h"
#include "../grant_table.h"

/* A back end must accept packets of at least this many slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18

#define NETTXF_csum_blank (1u << 0)       /* the checksum is still to be computed */
#define NETTXF_data_validated (1u << 1)
#define NETTXF_more_data (1u << 2)        /* the packet goes on in the next slot */
#define NETTXF_extra_info (1u << 3)       /* a struct netif_extra_info slot follows */
#define XEN_NETIF_MAX_TX_SIZE 0xffff

struct netif_tx_request {
    grant_ref_t gref;           /* the page holding the data */
    uint16_t offset;            /* within the page */
    uint16_t flags;             /* NETTXF_* */
    uint16_t id;                /* echoed in the response */
    uint16_t size;              /* first slot: the whole packet's size; others: this slot's */
};
_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request");
typedef struct netif_tx_request netif_tx_request_t;

#define XEN_NETIF_EXTRA_TYPE_NONE 0
#define XEN_NETIF_EXTRA_TYPE_GSO 1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define XEN_NETIF_EXTRA_TYPE_HASH 4
#define XEN_NETIF_EXTRA_TYPE_MAX 5
#define XEN_NETIF_EXTRA_FLAG_MORE (1u << 0)   /* another extra info slot follows */
#define XEN_NETIF_GSO_TYPE_NONE 0
#define XEN_NETIF_GSO_TYPE_TCPV4 1
#define XEN_NETIF_GSO_TYPE_TCPV6 2

/* Takes a request slot on either ring. */
struct netif_extra_info {
    uint8_t type;               /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags;              /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size;      /* the segment size */
            uint8_t type;       /* XEN_NETIF_GSO_TYPE_* */
            uint8_t pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t addr[6];
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
_Static_assert(sizeof(struct netif_extra_info) == 8, "netif_extra_info");
typedef struct netif_extra_info netif_extra_info_t;

struct netif_tx_response {
    uint16_t id;
    int16_t status;             /* NETIF_RSP_* */
};
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response");
typedef struct netif_tx_response netif_tx_response_t;

struct netif_rx_request {
    uint16_t id;                /* echoed in the response */
    uint16_t pad;
    grant_ref_t gref;           /* a page for the back end to fill */
};
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request");
typedef struct netif_rx_request netif_rx_request_t;

#define NETRXF_data_validated (1u << 0)
#define NETRXF_csum_blank (1u << 1)
#define NETRXF_more_data (1u << 2)
#define NETRXF_extra_info (1u << 3)
#define NETRXF_gso_prefix (1u << 4)

struct netif_rx_response {
    uint16_t id;
    uint16_t offset;            /* of the data within the page */
    uint16_t flags;             /* NETRXF_* */
    int16_t status;             /* bytes received, or NETIF_RSP_* when negative */
};
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response");
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);
_Static_assert(__CONST_RING_SIZE(netif_tx, 4096) == 256, "netif_tx ring of one page");
_Static_assert(__CONST_RING_SIZE(netif_rx, 4096) == 256, "netif_rx ring of one page");

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR (-1)
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1   /* a response for an extra info slot */

#endif
