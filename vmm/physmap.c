/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * memory_op(cmd, arg). XENMEM_memory_map returns the guest's E820 map (RAM [0, top) and the
 * console ring's page [top, ram_size) reserved: console.c; with a store, its page at 0xfeffc000
 * reserved: store.c), truncated to the room the guest gives, with nr_entries set to what was
 * written. XENMEM_add_to_physmap with XENMAPSPACE_shared_info places shared_info: the VMM
 * takes the guest's RAM page at gpfn as shared_info (it needs no mapping of its own: it reaches
 * guest RAM through its window), clears it, masks no port, and writes the wallclock and vCPU
 * time. XENMAPSPACE_grant_table places a grant frame (gnttab.c). Other spaces (gmfn, ...) are
 * -ENOSYS.
 */
#include <string.h>
#include <xen/memory.h>
#include "vmm.h"

#define MEMORY_MAP_ENTRIES 3u

static int64_t memory_map(struct vcpu *v, uint64_t arg)
{
    struct xen_memory_map map;
    struct e820entry e820[MEMORY_MAP_ENTRIES] = {
        {.addr = 0, .size = console_ring_gpa(v->vm->ram_size), .type = E820_RAM},
        {.addr = console_ring_gpa(v->vm->ram_size), .size = 4096, .type = E820_RESERVED},
        {.addr = VMM_STORE_GPA, .size = 4096, .type = E820_RESERVED},
    };
    uint32_t entries = v->vm->params->store_vaddr ? 3u : 2u;
    if (guest_copy_from(v, arg, &map, sizeof map) != 0) return -XEN_EFAULT;
    uint32_t n = map.nr_entries < entries ? map.nr_entries : entries;
    if (guest_copy_to(v, map.buffer, e820, n * sizeof e820[0]) != 0) return -XEN_EFAULT;
    map.nr_entries = n;
    return guest_copy_to(v, arg, &map, sizeof map.nr_entries);
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
    struct vm *vm = v->vm;
    struct xen_add_to_physmap x;
    if (guest_copy_from(v, arg, &x, sizeof x) != 0) return -XEN_EFAULT;
    if (x.domid != DOMID_SELF) return -XEN_ESRCH;
    if (x.space == XENMAPSPACE_grant_table) return gnttab_add_to_physmap(vm, x.idx, x.gpfn);
    if (x.space != XENMAPSPACE_shared_info) return -XEN_ENOSYS;
    if (x.idx != 0) return -XEN_EINVAL;
    if (x.gpfn >= vm->ram_size >> 12) return -XEN_EINVAL;
    struct shared_info *si = gpa_ptr(vm, x.gpfn << 12, 4096);
    if (!si) return -XEN_EINVAL;
    memset(si, 0, 4096);
    vm->shared_info_gpa = x.gpfn << 12;
    time_write_wallclock(vm);
    for (unsigned i = 0; i < vm->params->vcpus; i++) time_update_vcpu(&vm->vcpu[i]);
    return 0;
}

int64_t hc_memory_op(struct vcpu *v, const uint64_t *a)
{
    switch (a[0] & VMM_MEMOP_CMD_MASK) {
    case XENMEM_memory_map: return memory_map(v, a[1]);
    case XENMEM_add_to_physmap: return add_to_physmap(v, a[1]);
    default: return -XEN_ENOSYS;
    }
}
