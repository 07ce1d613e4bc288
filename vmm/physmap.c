/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * memory_op(cmd, arg). XENMEM_memory_map returns the guest's E820 map (one RAM range,
 * [0, ram_size)), truncated to the room the guest gives, with nr_entries set to what was
 * written. Nothing else yet (add_to_physmap for shared info and grant frames comes with Linux).
 */
#include "vmm.h"

#define MEMORY_MAP_ENTRIES 1u

static int64_t memory_map(struct vcpu *v, uint64_t arg)
{
    struct xen_memory_map map;
    struct xen_e820_entry e820[MEMORY_MAP_ENTRIES] = {
        {.addr = 0, .size = v->vm->ram_size, .type = XEN_E820_RAM},
    };
    if (guest_copy_from(v, arg, &map, sizeof map) != 0) return -XEN_EFAULT;
    uint32_t n = map.nr_entries < MEMORY_MAP_ENTRIES ? map.nr_entries : MEMORY_MAP_ENTRIES;
    if (guest_copy_to(v, map.buffer, e820, n * sizeof e820[0]) != 0) return -XEN_EFAULT;
    map.nr_entries = n;
    return guest_copy_to(v, arg, &map, sizeof map.nr_entries);
}

int64_t hc_memory_op(struct vcpu *v, const uint64_t *a)
{
    switch (a[0] & XEN_MEMOP_CMD_MASK) {
    case XENMEM_memory_map: return memory_map(v, a[1]);
    default: return -XEN_ENOSYS;
    }
}
