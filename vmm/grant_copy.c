/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * GNTTABOP_copy, within the guest or between guests (grant_check.h has Xen's order). A side
 * given by frame is a gfn of the guest's own RAM (another domain's: GNTST_permission_denied;
 * outside RAM: GNTST_bad_page, Xen's invalid frame). A side given by ref is another guest's
 * grant: dom must name a `grant` channel whose guest runs (else GNTST_bad_domain); the
 * granter pins it (PEER_REQ_COPY_GRANT: read-only for the source, writable for the
 * destination) and sends its page, which the VMM maps into its own VSpace for the copy, in a
 * window of the grant frames' page table (two pages per vCPU after the frames), then deletes
 * and gives back (PEER_REQ_UNMAP_GRANT). Each op has its status; the hypercall returns 0, or
 * -EFAULT when an op cannot be read or written back, -EINVAL for a negative count.
 * A granter that dies during a copy has its pages revoked by the root: the copying VMM's access
 * to the window then faults and its guest ends (docs/vmm.md says so).
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <xen/grant_table.h>
#include "vmm.h"

#define PAGE 4096u

struct side {
    uint8_t *page;
    bool remote;
    unsigned k;
    uint32_t slot, ref;
    int64_t export;
};

static uint64_t window(const struct vcpu *v, bool dest)
{
    return v->vm->params->grant.vaddr + (VMM_GNTTAB_FRAMES + 2u * v->id + (dest ? 1u : 0u)) * PAGE;
}
_Static_assert(VMM_GNTTAB_FRAMES + 2u * VMM_MAX_VCPUS <= 512u, "the windows share the grant frames' page table");

static int16_t domain_of(struct vm *vm, const struct gnttab_copy_ptr *p, bool by_ref, unsigned *k)
{
    if (!by_ref) return GNTST_okay;
    int c = peer_grant_channel(vm, p->domid);
    if (c < 0 || peer_gone(vm, (unsigned)c) || !vm->params->caps.cnode)
        return GNTST_bad_domain;
    *k = (unsigned)c;
    return GNTST_okay;
}

static void release(struct vcpu *v, struct side *s)
{
    struct vm *vm = v->vm;
    if (!s->remote) return;
    const struct vmm_cap_slots *c = &vm->params->caps;
    (void)bh_cnode_delete(c->cnode, s->slot, c->cnode_bits);   /* its window mapping goes */
    cap_slot_free(vm, s->slot);
    if (s->export >= 0 && !peer_gone(vm, s->k)) {
        int64_t out[2];
        bool got;
        vm_unlock(vm);
        (void)peer_request_grant(vm, s->k, PEER_REQ_UNMAP_GRANT, (uint32_t)s->export, s->ref, 0, out, &got);
        vm_lock(vm);
    }
    s->remote = false;
}

static int16_t acquire(struct vcpu *v, const struct gnttab_copy_ptr *p, bool by_ref, bool dest, unsigned k, struct side *s)
{
    struct vm *vm = v->vm;
    *s = (struct side){.export = -1};
    if (!by_ref) {
        if (p->u.gmfn >= console_ring_gpa(vm->ram_size) / PAGE) return GNTST_bad_page;
        s->page = gpa_ptr(vm, p->u.gmfn * PAGE, PAGE);
        return GNTST_okay;
    }
    uint32_t slot = cap_slot_alloc(vm);
    if (!slot) return GNTST_no_space;
    *s = (struct side){.remote = true, .k = k, .slot = slot, .ref = p->u.ref, .export = -1};
    int64_t out[2];
    bool got;
    vm_unlock(vm);
    uint64_t err = peer_request_grant(vm, k, PEER_REQ_COPY_GRANT, p->u.ref, dest, slot, out, &got);
    vm_lock(vm);
    int16_t st = err == XEN_ESRCH ? GNTST_bad_domain : err != 0 ? GNTST_general_error : (int16_t)out[0];
    if (st == GNTST_okay) s->export = out[1];
    if (st == GNTST_okay && !got) st = GNTST_general_error;
    bh_word_t rights = dest ? (BH_RIGHT_READ | BH_RIGHT_WRITE) : BH_RIGHT_READ;
    if (st == GNTST_okay && bh_frame_map(slot, vm->params->caps.vspace, window(v, dest), rights, 0) != BH_ERR_OK)
        st = GNTST_general_error;
    if (st != GNTST_okay) {
        release(v, s);
        return st;
    }
    s->page = (uint8_t *)(uintptr_t)window(v, dest);
    return GNTST_okay;
}

static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
    struct vm *vm = v->vm;
    if (grant_copy_nothing(op)) return GNTST_okay;
    int16_t st = grant_check_copy_sides(op);
    bool src_ref = (op->flags & GNTCOPY_source_gref) != 0, dst_ref = (op->flags & GNTCOPY_dest_gref) != 0;
    unsigned ks = 0, kd = 0;
    if (st == GNTST_okay) st = domain_of(vm, &op->source, src_ref, &ks);
    if (st == GNTST_okay) st = domain_of(vm, &op->dest, dst_ref, &kd);
    if (st != GNTST_okay) return st;
    struct side src, dst = {.export = -1};
    st = acquire(v, &op->source, src_ref, false, ks, &src);
    if (st == GNTST_okay) st = acquire(v, &op->dest, dst_ref, true, kd, &dst);
    if (st == GNTST_okay) st = grant_check_copy_bounds(op);
    if (st == GNTST_okay) {
        memmove(dst.page + op->dest.offset, src.page + op->source.offset, op->len);
        vm->grant_copies++;
    }
    release(v, &dst);
    release(v, &src);
    return st;
}

int64_t grant_copy_ops(struct vcpu *v, uint64_t uop, uint32_t count)
{
    if ((int32_t)count < 0) return -XEN_EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        struct gnttab_copy op;
        uint64_t at = uop + (uint64_t)i * sizeof op;
        if (guest_copy_from(v, at, &op, sizeof op) != 0) return -XEN_EFAULT;
        op.status = copy_one(v, &op);
        if (guest_copy_to(v, at, &op, sizeof op) != 0) return -XEN_EFAULT;
    }
    return 0;
}
