/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Grant tables (Xen's public grant_table.h). A domain grants another access to one of its
 * pages by filling an entry of its grant table, which lives in grant frames it maps with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table); the other domain names the page by
 * (domain, grant_ref_t). grant_table_op(cmd, uop, count) runs count operations, each with its
 * own status (GNTST_*); the hypercall's return value reports only failures of the call itself.
 */
#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include <stdint.h>
#include "xen.h"

typedef uint32_t grant_ref_t;

/*
 * A version 1 entry; a grant frame holds 512. The granting domain writes domid and frame, then
 * flags (GTF_permit_access last: the entry becomes valid).
 */
struct grant_entry_v1 {
    uint16_t flags;             /* GTF_* */
    domid_t domid;              /* the domain given access */
    uint32_t frame;             /* the granted guest frame */
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
typedef struct grant_entry_v1 grant_entry_v1_t;

/* The first entries are the toolstack's. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* flags: the type in bits 1:0, then the granter's restrictions and Xen's busy bits. */
#define GTF_invalid (0u << 0)
#define GTF_permit_access (1u << 0)
#define GTF_accept_transfer (2u << 0)
#define GTF_transitive (3u << 0)
#define GTF_type_mask (3u << 0)
#define GTF_readonly (1u << 2)      /* the grantee may only read */
#define GTF_reading (1u << 3)       /* Xen: mapped or being read */
#define GTF_writing (1u << 4)       /* Xen: mapped writable or being written */
#define GTF_PWT (1u << 5)
#define GTF_PCD (1u << 6)
#define GTF_PAT (1u << 7)
#define GTF_sub_page (1u << 8)

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

typedef uint32_t grant_handle_t;

/* Map dom's grant ref at host_addr (GNTMAP_host_map) or for a device. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;         /* IN */
    uint32_t flags;             /* IN: GNTMAP_* */
    grant_ref_t ref;            /* IN */
    domid_t dom;                /* IN */
    int16_t status;             /* OUT: GNTST_* */
    grant_handle_t handle;      /* OUT: names the mapping for unmap */
    uint64_t dev_bus_addr;      /* OUT */
};
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "gnttab_map_grant_ref status");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref");

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;         /* IN */
    uint64_t dev_bus_addr;      /* IN */
    grant_handle_t handle;      /* IN */
    int16_t status;             /* OUT: GNTST_* */
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref");

/* Size dom's table to nr_frames and list its frames. */
struct gnttab_setup_table {
    domid_t dom;                            /* IN */
    uint32_t nr_frames;                     /* IN */
    int16_t status;                         /* OUT: GNTST_* */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT: nr_frames frames */
};
_Static_assert(offsetof(struct gnttab_setup_table, status) == 8, "gnttab_setup_table status");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "gnttab_setup_table frame_list");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table");

/* Copy len bytes between frames named by grant ref (GNTCOPY_*_gref) or by the caller's frame. */
#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref (1u << 1)
struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t gmfn;
        } u;
        domid_t domid;
        uint16_t offset;
    } source, dest;             /* IN */
    uint16_t len;               /* IN: within one page on both sides */
    uint16_t flags;             /* IN: GNTCOPY_* */
    int16_t status;             /* OUT: GNTST_* */
};
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "gnttab_copy_ptr");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "gnttab_copy len");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");

struct gnttab_query_size {
    domid_t dom;                /* IN */
    uint32_t nr_frames;         /* OUT: frames now */
    uint32_t max_nr_frames;     /* OUT: the most setup_table accepts */
    int16_t status;             /* OUT: GNTST_* */
};
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "gnttab_query_size status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");

struct gnttab_set_version {
    uint32_t version;           /* IN/OUT: 1 or 2; the version in force on return */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version");

struct gnttab_get_version {
    domid_t dom;                /* IN */
    uint16_t pad;
    uint32_t version;           /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version");

/* map_grant_ref flags */
#define GNTMAP_device_map (1u << 0)
#define GNTMAP_host_map (1u << 1)
#define GNTMAP_readonly (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte (1u << 4)

/* Per-operation status. */
#define GNTST_okay (0)
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

#endif
