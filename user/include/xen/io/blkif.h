/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The block device protocol (Xen's public io/blkif.h): a ring (io/ring.h) of requests, each
 * naming up to BLKIF_MAX_SEGMENTS_PER_REQUEST granted pages and the 512-byte sectors within
 * each, and responses with a status. Front and back end find each other in xenstore.
 */
#ifndef XEN_PUBLIC_IO_BLKIF_H
#define XEN_PUBLIC_IO_BLKIF_H

#include <stdint.h>
#include "ring.h"
#include "../grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;   /* 512-byte sectors, whatever the device's own size */

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_RESERVED_1 4
#define BLKIF_OP_DISCARD 5
#define BLKIF_OP_INDIRECT 6

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

struct blkif_request_segment {
    grant_ref_t gref;           /* the granted page */
    uint8_t first_sect;         /* first sector in the page, inclusive (0..7) */
    uint8_t last_sect;          /* last sector in the page, inclusive */
};
_Static_assert(sizeof(struct blkif_request_segment) == 8, "blkif_request_segment");

struct blkif_request {
    uint8_t operation;          /* BLKIF_OP_* */
    uint8_t nr_segments;        /* 1..BLKIF_MAX_SEGMENTS_PER_REQUEST for read and write */
    blkif_vdev_t handle;        /* the device, for read and write */
    uint64_t id;                /* the front end's, echoed in the response */
    blkif_sector_t sector_number;   /* where the transfer starts */
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
_Static_assert(offsetof(struct blkif_request, id) == 8, "blkif_request id");
_Static_assert(offsetof(struct blkif_request, seg) == 24, "blkif_request seg");
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request");
typedef struct blkif_request blkif_request_t;

#define BLKIF_DISCARD_SECURE (1u << 0)
struct blkif_request_discard {
    uint8_t operation;          /* BLKIF_OP_DISCARD */
    uint8_t flag;               /* BLKIF_DISCARD_SECURE or 0 */
    blkif_vdev_t handle;
    uint64_t id;
    blkif_sector_t sector_number;
    uint64_t nr_sectors;
};
_Static_assert(sizeof(struct blkif_request_discard) == 32, "blkif_request_discard");

/* Segments in granted pages of struct blkif_request_segment, up to 8 such pages. */
struct blkif_request_indirect {
    uint8_t operation;          /* BLKIF_OP_INDIRECT */
    uint8_t indirect_op;        /* BLKIF_OP_READ or BLKIF_OP_WRITE */
    uint16_t nr_segments;
    uint64_t id;
    blkif_sector_t sector_number;
    blkif_vdev_t handle;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
_Static_assert(offsetof(struct blkif_request_indirect, indirect_grefs) == 28, "blkif_request_indirect grefs");
_Static_assert(sizeof(struct blkif_request_indirect) == 64, "blkif_request_indirect");

struct blkif_response {
    uint64_t id;                /* the request's */
    uint8_t operation;          /* the request's */
    int16_t status;             /* BLKIF_RSP_* */
};
_Static_assert(offsetof(struct blkif_response, status) == 10, "blkif_response status");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response");
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);
_Static_assert(offsetof(struct blkif_sring, ring) == 64, "blkif_sring header");
_Static_assert(__CONST_RING_SIZE(blkif, 4096) == 32, "blkif ring of one page");

/* The back end's "info" in xenstore */
#define VDISK_CDROM 0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY 0x4

#endif
