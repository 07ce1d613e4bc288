/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * GNTTABOP_map_grant_ref and unmap_grant_ref between guests: the mapping side (grant_peer.h).
 * The guest is auto-translated: host_addr is a guest-physical address, outside its RAM, where
 * the page appears. A map, in Xen's order:
 *   1, 2  the flags (grant_check_map_flags: GNTST_bad_gntref, GNTST_general_error)
 *   3     dom names no `grant` channel of this guest, or its guest has ended: GNTST_bad_domain
 *         (Xen's answer for a domain it cannot find, a dead one included)
 *   5     no handle or capability slot left: GNTST_no_device_space (Xen's for no maptrack handle)
 *   6-9   the granter's checks (PEER_REQ_MAP_GRANT, asked without the VM lock): its status
 *   then  the page at host_addr >> 12: inside RAM, beyond the guest's physical address width,
 *         where something is mapped already, or out of page tables: GNTST_general_error (Xen's
 *         p2m insertion failing; the pin is given back)
 * An unmap: a handle not in use (or still being mapped) is GNTST_bad_handle; host_addr 0 undoes
 * nothing and answers GNTST_okay (Xen's unmap_common, for a mapping without device_map); a
 * host_addr that is not the handle's page GNTST_general_error. The capability is deleted (the kernel removes
 * the mapping), then the granter drops its pin (PEER_REQ_UNMAP_GRANT). When the granter has
 * ended, its pages are gone already (the root revoked its RAM): the unmap frees the handle.
 */
#include <bulkhead/invocations.h>
#include <xen/grant_table.h>
#include "vmm.h"

#define PAGE 4096u
#define PENDING_GPA (~0ull)   /* a handle whose map is being asked for */

static bool gpa_in_use(const struct vm *vm, uint64_t gpfn)
{
    for (unsigned h = 0; h < VMM_GRANT_MAPPINGS; h++)
        if (vm->mapped[h].used && vm->mapped[h].gpa != PENDING_GPA && vm->mapped[h].gpa / PAGE == gpfn) return true;
    return false;
}

static int16_t place(struct vm *vm, uint64_t host_addr, uint32_t slot, bool readonly)
{
    uint64_t gpfn = host_addr / PAGE;
    if (host_addr < vm->ram_size || gpfn >= vm->gnttab_gpfn_limit || gpa_in_use(vm, gpfn)) return GNTST_general_error;
    bh_word_t rights = readonly ? BH_RIGHT_READ : (BH_RIGHT_READ | BH_RIGHT_WRITE);
    return guest_space_map_page(vm, slot, gpfn * PAGE, rights) == 0 ? GNTST_okay : GNTST_general_error;
}

/* Gives a page back to the granter, without the lock. */
static void give_back(struct vm *vm, unsigned k, int64_t export, uint32_t ref)
{
    int64_t out[2];
    bool got;
    vm_unlock(vm);
    (void)peer_request_grant(vm, k, PEER_REQ_UNMAP_GRANT, (uint32_t)export, ref, 0, out, &got);
    vm_lock(vm);
}

static void delete_slot(struct vm *vm, uint32_t slot)
{
    const struct vmm_cap_slots *c = &vm->params->caps;
    (void)bh_cnode_delete(c->cnode, slot, c->cnode_bits);
    cap_slot_free(vm, slot);
}

static int16_t map_one(struct vm *vm, struct gnttab_map_grant_ref *op)
{
    int16_t st = grant_check_map_flags(op->flags);
    if (st != GNTST_okay) return st;
    int k = peer_grant_channel(vm, op->dom);
    if (k < 0 || peer_gone(vm, (unsigned)k)) return GNTST_bad_domain;
    unsigned h = 0;
    while (h < VMM_GRANT_MAPPINGS && vm->mapped[h].used) h++;
    uint32_t slot = h < VMM_GRANT_MAPPINGS ? cap_slot_alloc(vm) : 0;
    if (!slot) return GNTST_no_device_space;
    bool readonly = (op->flags & GNTMAP_readonly) != 0;
    vm->mapped[h] = (struct grant_mapping){.used = true, .readonly = readonly, .peer = (uint8_t)k, .dom = op->dom,
                                           .ref = op->ref, .slot = slot, .gpa = PENDING_GPA};
    int64_t out[2];
    bool got;
    vm_unlock(vm);
    uint64_t err = peer_request_grant(vm, (unsigned)k, PEER_REQ_MAP_GRANT, op->ref, op->flags, slot, out, &got);
    vm_lock(vm);
    st = err == XEN_ESRCH ? GNTST_bad_domain : err != 0 ? GNTST_general_error : (int16_t)out[0];
    bool pinned = st == GNTST_okay;
    if (pinned && !got) st = GNTST_general_error;   /* the granter said yes and sent no page */
    if (st == GNTST_okay) st = place(vm, op->host_addr, slot, readonly);
    if (st != GNTST_okay) {
        delete_slot(vm, slot);
        vm->mapped[h] = (struct grant_mapping){0};
        if (pinned) give_back(vm, (unsigned)k, out[1], op->ref);
        return st;
    }
    vm->mapped[h].gpa = op->host_addr / PAGE * PAGE;
    vm->mapped[h].export = (uint32_t)out[1];
    vm->grant_maps++;
    op->handle = h;
    op->dev_bus_addr = 0;
    return GNTST_okay;
}

static int16_t unmap_one(struct vm *vm, const struct gnttab_unmap_grant_ref *op)
{
    if (op->handle >= VMM_GRANT_MAPPINGS) return GNTST_bad_handle;
    struct grant_mapping m = vm->mapped[op->handle];
    if (!m.used || m.gpa == PENDING_GPA) return GNTST_bad_handle;
    if (op->host_addr == 0) return GNTST_okay;   /* Xen unmaps only what host_addr names: nothing */
    if (op->host_addr / PAGE != m.gpa / PAGE) return GNTST_general_error;
    vm->mapped[op->handle] = (struct grant_mapping){0};
    delete_slot(vm, m.slot);
    vm->grant_unmaps++;
    if (!peer_gone(vm, m.peer)) give_back(vm, m.peer, m.export, m.ref);
    return GNTST_okay;
}

bool grant_mapped_readonly(struct vm *vm, uint64_t gpa)
{
    for (unsigned h = 0; h < VMM_GRANT_MAPPINGS; h++) {
        const struct grant_mapping *m = &vm->mapped[h];
        if (m->used && m->readonly && m->gpa != PENDING_GPA && m->gpa / PAGE == gpa / PAGE) return true;
    }
    return false;
}

int64_t grant_map_ops(struct vcpu *v, uint64_t uop, uint32_t count)
{
    if ((int32_t)count < 0) return -XEN_EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        struct gnttab_map_grant_ref op;
        uint64_t at = uop + (uint64_t)i * sizeof op;
        if (guest_copy_from(v, at, &op, sizeof op) != 0) return -XEN_EFAULT;
        op.status = map_one(v->vm, &op);
        if (guest_copy_to(v, at, &op, sizeof op) != 0) return -XEN_EFAULT;
    }
    return 0;
}

int64_t grant_unmap_ops(struct vcpu *v, uint64_t uop, uint32_t count)
{
    if ((int32_t)count < 0) return -XEN_EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        struct gnttab_unmap_grant_ref op;
        uint64_t at = uop + (uint64_t)i * sizeof op;
        if (guest_copy_from(v, at, &op, sizeof op) != 0) return -XEN_EFAULT;
        op.status = unmap_one(v->vm, &op);
        if (guest_copy_to(v, at, &op, sizeof op) != 0) return -XEN_EFAULT;
    }
    return 0;
}
