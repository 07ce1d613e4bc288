/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Grant tables (Xen's public grant_table.h), the guest's own only: a version 1 table of up to
 * VMM_GNTTAB_FRAMES frames. An auto-translated guest (PVH) places frame idx at a frame of its
 * physical space with memory_op(add_to_physmap, XENMAPSPACE_grant_table, idx, gpfn); here
 * that frame must be guest RAM, which then holds the grant frame (cleared when new, its
 * contents carried along when it moves, as Xen moves the frame itself). The VMM owns no memory
 * of its own to put behind a frame outside RAM, so such a gpfn is refused (-EINVAL).
 *   query_size    the table's size and the maximum (DOMID_SELF, else GNTST_bad_domain)
 *   setup_table   grows the table to nr_frames (more than the maximum: GNTST_general_error)
 *                 and lists where each frame is placed (XEN_INVALID_GFN for nowhere)
 *   set_version   1 (2 is -ENOSYS, as from a Xen that offers only version 1; others -EINVAL)
 *   get_version   1 (another domain: -ESRCH)
 * Mapping, copying and transferring grants between guests (map_grant_ref, unmap_grant_ref,
 * copy, transfer, unmap_and_replace, swap_grant_ref, cache_flush), dump_table and the v2-only
 * get_status_frames: -ENOSYS (a later issue: grants between guests through declared channels).
 * As in Xen: count must be 1 for the commands served here (-EINVAL otherwise); results and
 * status go back with one copy, -EFAULT when it fails.
 */
#include <string.h>
#include <bulkhead/runtime.h>
#include "vmm.h"

static int64_t query_size(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct gnttab_query_size q;
    if (guest_copy_from(v, arg, &q, sizeof q) != 0) return -XEN_EFAULT;
    if (q.dom != XEN_DOMID_SELF) {
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
    if (s.dom != XEN_DOMID_SELF) {
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
    if (gv.dom != XEN_DOMID_SELF) return -XEN_ESRCH;
    gv.version = 1;
    return guest_copy_to(v, arg, &gv, sizeof gv);
}

/* grant_table_op(cmd, uop, count) */
int64_t hc_grant_table_op(struct vcpu *v, const uint64_t *a)
{
    uint32_t count = (uint32_t)a[2];
    switch (a[0]) {
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

void gnttab_init(struct vm *vm)
{
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++) vm->gnttab_gpfn[i] = XEN_INVALID_GFN;
}

/* memory_op(add_to_physmap, XENMAPSPACE_grant_table): frame idx at RAM frame gpfn. */
int64_t gnttab_add_to_physmap(struct vm *vm, uint64_t idx, uint64_t gpfn)
{
    if (idx & XENMAPIDX_grant_table_status) return -XEN_EINVAL; /* status frames: v2 only */
    if (idx >= VMM_GNTTAB_FRAMES) return -XEN_EINVAL;
    if (gpfn >= console_ring_gpa(vm->ram_size) >> 12) {
        /* Not RAM: the VMM has no memory to put there. Said once, as a guest may keep trying. */
        if (!vm->gnttab_refusal_said)
            bh_printf("[vmm %s] grant frame %lu refused at gpfn %#lx: not guest RAM, and the VMM has no memory of its own to put there\n",
                      vm->params->name, (unsigned long)idx, (unsigned long)gpfn);
        vm->gnttab_refusal_said = true;
        return -XEN_EINVAL;
    }
    uint8_t *page = gpa_ptr(vm, gpfn << 12, 4096);
    if (!page) return -XEN_EINVAL;
    uint64_t old = vm->gnttab_gpfn[idx];
    if (old == gpfn) return 0;
    uint8_t *from = old != XEN_INVALID_GFN ? gpa_ptr(vm, old << 12, 4096) : NULL;
    if (from) memcpy(page, from, 4096);
    else memset(page, 0, 4096);
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++)
        if (vm->gnttab_gpfn[i] == gpfn) vm->gnttab_gpfn[i] = XEN_INVALID_GFN; /* replaced, as in Xen */
    vm->gnttab_gpfn[idx] = gpfn;
    if (idx + 1 > vm->gnttab_frames) vm->gnttab_frames = (uint32_t)idx + 1;
    return 0;
}
