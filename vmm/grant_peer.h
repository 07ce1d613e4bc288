/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Grants between guests (docs/vmm.md, "Grants between guests"): what each VMM keeps.
 *   The granter (grant_serve.c) answers its peers' PEER_REQ_MAP_GRANT, PEER_REQ_COPY_GRANT and
 *   PEER_REQ_UNMAP_GRANT: grant_check against its guest's table, then a 4 KiB page capability
 *   derived from its guest's RAM frame, kept in one of its free slots and recorded as an export
 *   (which peer, which ref, which slot, map or copy, read-only or not). Unmapping revokes the
 *   export's slot, which takes the peer's copy of the capability and its mapping with it.
 *   The mapper (grant_map.c) keeps a mapping per handle: the peer, the ref, the guest-physical
 *   address, the slot its copy of the capability arrived in, and the granter's export index.
 *   Capability slots: the VMM's free slots (params caps.free_first..free_last), a bitmap taken
 *   and given back with atomics (vCPU and service threads both use it).
 */
#ifndef VMM_GRANT_PEER_H
#define VMM_GRANT_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include "grant_check.h"

#define VMM_GRANT_EXPORTS 256u    /* pages a granter hands out at once, to all its peers */
#define VMM_GRANT_EXPORTS_PER_PEER 64u  /* ... and to one peer: GNTST_no_space beyond */
#define VMM_GRANT_MAPPINGS 256u   /* a mapper's handles (Xen's maptrack entries) */
#define VMM_CAP_SLOT_WORDS 16u    /* free slots the bitmap can track: 1,024 */

struct grant_export {
    bool used;
    bool copy;                    /* pinned for GNTTABOP_copy (grant_check_copy_*), else a map */
    bool readonly;
    uint8_t peer;                 /* the channel (params peer[]) */
    uint32_t ref;
    uint32_t slot;                /* the derived page capability */
};

struct grant_mapping {
    bool used;
    bool readonly;
    uint8_t peer;
    uint16_t dom;
    uint32_t ref;
    uint32_t slot;                /* the received page capability, mapped at gpa */
    uint32_t export;              /* the granter's index for it (PEER_REQ_UNMAP_GRANT) */
    uint64_t gpa;
};

#endif
