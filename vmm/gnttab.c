/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Grant tables (Xen's public grant_table.h), the guest's own only: a version 1 table of up to
 * VMM_GNTTAB_FRAMES frames. An auto-translated guest (PVH) places frame idx at a frame of its
 * physical space with memory_op(add_to_physmap, XENMAPSPACE_grant_table, idx, gpfn):
 * gnttab_frames.c, in RAM or, outside it, as the VMM's own frames its creator gave it.
 *   query_size    the table's size and the maximum (DOMID_SELF, else GNTST_bad_domain)
 *   setup_table   grows the table to nr_frames (more than the maximum: GNTST_general_error)
 *                 and lists where each frame is placed (VMM_INVALID_GFN for nowhere)
 *   set_version   1 (2 is -ENOSYS, as from a Xen that offers only version 1; others -EINVAL)
 *   get_version   1 (another domain: -ESRCH)
 *   map_grant_ref, unmap_grant_ref   another guest's grant, over a `grant` channel (grant_map.c)
 *   copy          between the guest's RAM and other guests' grants (grant_copy.c)
 * These three take count ops, each with its status. Transferring grants (transfer,
 * unmap_and_replace, swap_grant_ref), cache_flush, dump_table and the v2-only
 * get_status_frames: -ENOSYS. As in Xen: count must be 1 for the four table commands (-EINVAL
 * otherwise); results and status go back with one copy, -EFAULT when it fails.
 */
#include <xen/grant_table.h>
#include "vmm.h"

static int64_t query_size(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct gnttab_query_size q;
    if (guest_copy_from(v, arg, &q, sizeof q) != 0) return -XEN_EFAULT;
    if (q.dom != DOMID_SELF) {
        q.status = GNTST_bad_domain;
    } else {
        q.nr_frames = vm->gnttab_frames;
        q.max_nr_frames = VMM_GNTTAB_FRAMES;
        q.status = GNTST_okay;
    }
    return guest_copy_to(v, arg, &q, sizeof q);
}

static int64_t setup_table(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct gnttab_setup_table s;
    uint64_t frames[VMM_GNTTAB_FRAMES];
    if (guest_copy_from(v, arg, &s, sizeof s) != 0) return -XEN_EFAULT;
    if (s.dom != DOMID_SELF) {
        s.status = GNTST_bad_domain;
    } else if (s.nr_frames > VMM_GNTTAB_FRAMES) {
        s.status = GNTST_general_error;
    } else {
        if (s.nr_frames > vm->gnttab_frames) vm->gnttab_frames = s.nr_frames;
        for (uint32_t i = 0; i < s.nr_frames; i++) frames[i] = vm->gnttab_gpfn[i];
        s.status = GNTST_okay;
        if (s.nr_frames > 0 && guest_copy_to(v, s.frame_list, frames, s.nr_frames * sizeof frames[0]) != 0)
            s.status = GNTST_bad_virt_addr;
    }
    return guest_copy_to(v, arg, &s, sizeof s);
}

static int64_t set_version(struct vcpu *v, uint64_t arg)
{
    struct gnttab_set_version sv;
    int64_t rc = 0;
    if (guest_copy_from(v, arg, &sv, sizeof sv) != 0) return -XEN_EFAULT;
    if (sv.version == 2) rc = -XEN_ENOSYS;
    else if (sv.version != 1) rc = -XEN_EINVAL;
    sv.version = 1;                        /* the version in force, whatever was asked */
    if (guest_copy_to(v, arg, &sv, sizeof sv) != 0) return -XEN_EFAULT;
    return rc;
}

static int64_t get_version(struct vcpu *v, uint64_t arg)
{
    struct gnttab_get_version gv;
    if (guest_copy_from(v, arg, &gv, sizeof gv) != 0) return -XEN_EFAULT;
    if (gv.dom != DOMID_SELF) return -XEN_ESRCH;
    gv.version = 1;
    return guest_copy_to(v, arg, &gv, sizeof gv);
}

/* grant_table_op(cmd, uop, count) */
int64_t hc_grant_table_op(struct vcpu *v, const uint64_t *a)
{
    uint32_t count = (uint32_t)a[2];
    switch (a[0]) {
    case GNTTABOP_map_grant_ref: return grant_map_ops(v, a[1], count);
    case GNTTABOP_unmap_grant_ref: return grant_unmap_ops(v, a[1], count);
    case GNTTABOP_copy: return grant_copy_ops(v, a[1], count);
    case GNTTABOP_query_size:
    case GNTTABOP_setup_table:
    case GNTTABOP_set_version:
    case GNTTABOP_get_version:
        if (count != 1) return -XEN_EINVAL;
        break;
    default: return -XEN_ENOSYS;
    }
    switch (a[0]) {
    case GNTTABOP_query_size: return query_size(v, a[1]);
    case GNTTABOP_setup_table: return setup_table(v, a[1]);
    case GNTTABOP_set_version: return set_version(v, a[1]);
    default: return get_version(v, a[1]);
    }
}
