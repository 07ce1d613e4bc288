/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * memory_op(cmd, arg) (Xen's public memory.h): the guest-physical memory map and where Xen's
 * pages (shared_info, grant frames) appear in guest-physical space.
 */
#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include <stdint.h>
#include "xen.h"

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_machphys_mfn_list 5
#define XENMEM_populate_physmap 6

/* Map Xen's page idx of space at guest frame gpfn. */
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_shared_info 0   /* idx 0 */
#define XENMAPSPACE_grant_table 1   /* idx: a grant frame; | XENMAPIDX_grant_table_status */
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
struct xen_add_to_physmap {
    domid_t domid;              /* IN: DOMID_SELF */
    uint16_t size;              /* IN: pages, for XENMAPSPACE_gmfn_range only */
    uint32_t space;             /* IN: XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000u   /* a status frame (grant tables v2) */
    xen_ulong_t idx;            /* IN */
    xen_pfn_t gpfn;             /* IN */
};
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8, "xen_add_to_physmap idx");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");

/* The guest's memory map, as BIOS INT 15h E820 gives it. */
#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
struct xen_memory_map {
    uint32_t nr_entries;                /* IN: room in buffer; OUT: entries written */
    uint32_t pad;
    XEN_GUEST_HANDLE(void) buffer;      /* OUT: struct e820entry[nr_entries] */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map");

/*
 * The format of the memory map's entries: upstream's memory.h names it only as the BIOS's E820
 * format and leaves the structure to the guest; this is Xen's own name for it.
 */
struct __attribute__((packed)) e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* E820_* */
};
_Static_assert(sizeof(struct e820entry) == 20, "e820entry");
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5

#define XENMEM_exchange 11
#define XENMEM_machphys_mapping 12
#define XENMEM_set_memory_map 13
#define XENMEM_maximum_gpfn 14
#define XENMEM_remove_from_physmap 15
#define XENMEM_add_to_physmap_batch 23

#endif
