/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * hvm_op (HVM parameters, per-vCPU upcall vectors) and vcpu_op (vcpu_info registration). The
 * guest is its own only domain: DOMID_SELF or its domain id (the system description's, params
 * domid; VMM_DOMID when it gives none), anything else is -ESRCH. Of the
 * parameters, the guest may set only the callback (HVM_PARAM_CALLBACK_IRQ, type 2 = a vector:
 * the VMM injects it while an upcall is pending, level-triggered); it may read all of them (0
 * unless the creator set them). HVMOP_set_evtchn_upcall_vector gives one vCPU its own vector
 * instead (Xen's per-vCPU upcalls): injected edge-triggered through its local APIC when its
 * upcall flag rises, the guest ending it with an EOI. CPUID does not offer it (cpuid.c says
 * why), so Linux keeps the callback vector; a guest may still use it.
 */
#include <xen/vcpu.h>
#include "vmm.h"

#define VMM_DOMID 1u   /* when the creator gives none (params domid 0) */

static bool own_domain(const struct vm *vm, uint16_t domid)
{
    return domid == DOMID_SELF || domid == (vm->params->domid ? vm->params->domid : VMM_DOMID);
}

static int64_t hvm_param(struct vcpu *v, uint64_t arg, bool set)
{
    struct xen_hvm_param p;
    if (guest_copy_from(v, arg, &p, sizeof p) != 0) return -XEN_EFAULT;
    if (!own_domain(v->vm, p.domid)) return -XEN_ESRCH;
    if (p.index >= HVM_NR_PARAMS) return -XEN_EINVAL;
    if (set) {
        if (p.index != HVM_PARAM_CALLBACK_IRQ) return -XEN_EPERM;
        v->vm->hvm_param[p.index] = p.value;
        return 0;
    }
    p.value = v->vm->hvm_param[p.index];
    return guest_copy_to(v, arg, &p, sizeof p);
}

/* As Xen: vectors below 0x10 are refused; an upcall already pending is delivered at once. */
static int64_t set_upcall_vector(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_evtchn_upcall_vector u;
    if (guest_copy_from(v, arg, &u, sizeof u) != 0) return -XEN_EFAULT;
    if (u.vector < 0x10) return -XEN_EINVAL;
    if (u.vcpu >= v->vm->params->vcpus || u.vcpu >= VMM_MAX_VCPUS) return -XEN_ENOENT;
    struct vcpu *target = &v->vm->vcpu[u.vcpu];
    target->upcall_vector = u.vector;
    if (evtchn_upcall_pending(target)) evtchn_assert_upcall(target);
    return 0;
}

int64_t hc_hvm_op(struct vcpu *v, const uint64_t *a)
{
    switch (a[0]) {
    case HVMOP_set_param: return hvm_param(v, a[1], true);
    case HVMOP_get_param: return hvm_param(v, a[1], false);
    case HVMOP_set_evtchn_upcall_vector: return set_upcall_vector(v, a[1]);
    default: return -XEN_ENOSYS;
    }
}

/* The vcpu_info must lie in one page of guest RAM; it can be registered once (as in Xen). */
static int64_t register_vcpu_info(struct vcpu *target, struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info r;
    if (guest_copy_from(v, arg, &r, sizeof r) != 0) return -XEN_EFAULT;
    if (r.rsvd != 0 || r.offset > 4096 - sizeof(struct vcpu_info)) return -XEN_EINVAL;
    if (r.mfn >= v->vm->ram_size >> 12) return -XEN_EINVAL;
    if (target->vcpu_info_gpa != 0) return -XEN_EINVAL;
    struct vcpu_info *vi = gpa_ptr(v->vm, (r.mfn << 12) + r.offset, sizeof *vi);
    struct vcpu_info *old = evtchn_vcpu_info(target);
    /* As Xen: the new area takes over the state of the one in shared_info. */
    if (old && vi) {
        vi->evtchn_upcall_pending = old->evtchn_upcall_pending;
        vi->evtchn_upcall_mask = old->evtchn_upcall_mask;
        vi->evtchn_pending_sel = old->evtchn_pending_sel;
    }
    target->vcpu_info_gpa = (r.mfn << 12) + r.offset;
    time_update_vcpu(target);
    return 0;
}

/* vcpu_op(cmd, vcpuid, arg) */
int64_t hc_vcpu_op(struct vcpu *v, const uint64_t *a)
{
    if (a[1] >= v->vm->params->vcpus || a[1] >= VMM_MAX_VCPUS) return -XEN_ENOENT;
    struct vcpu *target = &v->vm->vcpu[a[1]];
    switch (a[0]) {
    case VCPUOP_register_vcpu_info: return register_vcpu_info(target, v, a[2]);
    default: return time_vcpu_op(target, v, a[0], a[2]);
    }
}
