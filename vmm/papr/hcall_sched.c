/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The shared-processor LPAR hcalls Linux uses with hcall-splpar: H_CEDE (its idle loop),
 * H_PROD and H_CONFER, and H_REGISTER_VPA (the per-CPU lppaca, dispatch trace log and SLB
 * shadow). vCPUs here are dedicated: the VPA is recorded and left as the guest wrote it (QEMU
 * marks it shared; Linux then spins differently). Checks follow QEMU's spapr_hcall.c.
 */
#include "papr.h"

#define VPA_MIN_BYTES 640u            /* QEMU VPA_MIN_SIZE */
#define VPA_ALIGN 128u                /* a cache line */
#define DTL_MIN_BYTES 48u
#define SLB_SHADOW_MIN_BYTES 8u
#define PAGE 4096u

/* H_CEDE(): idle until an interrupt, a prod or the DEC; returns with MSR[EE] set. */
int64_t hc_cede(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    struct papr_vcpu *v = &vm->vcpu[vcpu];
    if (v->prodded) {
        v->prodded = false;
        return H_SUCCESS;
    }
    if (!xics_pending(vm, vcpu)) *action = PAPR_CEDE;
    return H_SUCCESS;
}

/* H_PROD(target): wake it, or make its next cede or confer return at once. */
int64_t hc_prod(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    if (call->r[4] >= vm->cfg->vcpus) return H_PARAMETER;
    vm->vcpu[call->r[4]].prodded = true;
    vm->host->kick(vm->host->ctx, (unsigned)call->r[4]);
    return H_SUCCESS;
}

/* H_CONFER(target, dispatch count): -1 gives the time slice to anyone; itself waits for a
 * prod (QEMU h_confer_self); another vCPU: this one yields. */
int64_t hc_confer(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    int64_t target = (int64_t)call->r[4];
    if (target == -1) {
        *action = PAPR_YIELD;
        return H_SUCCESS;
    }
    if (target < 0 || (uint64_t)target >= vm->cfg->vcpus) return H_PARAMETER;
    if ((unsigned)target != vcpu) {
        *action = PAPR_YIELD;
        return H_SUCCESS;
    }
    if (vm->vcpu[vcpu].prodded)
        vm->vcpu[vcpu].prodded = false;
    else
        *action = PAPR_WAIT_PROD;
    return H_SUCCESS;
}

/* One area: aligned, in guest memory, on one 4 KiB page when asked; its size word says how
 * big it is (be16 at +4 for the VPA, be32 at +4 for the others, as Linux writes them). */
static int64_t area(struct papr_vm *vm, uint64_t gpa, bool size16, uint32_t min, bool one_page, uint64_t *bytes)
{
    uint32_t size;
    uint16_t size16v;
    if (gpa == 0 || (size16 && gpa % VPA_ALIGN)) return H_PARAMETER;
    if (size16) {
        if (!papr_load_be16(vm->mem, gpa + 4, &size16v)) return H_PARAMETER;
        size = size16v;
    } else if (!papr_load_be32(vm->mem, gpa + 4, &size)) {
        return H_PARAMETER;
    }
    if (size < min || !papr_memory_contains(vm->mem, gpa, size)) return H_PARAMETER;
    if (one_page && gpa / PAGE != (gpa + size - 1) / PAGE) return H_PARAMETER;
    *bytes = size;
    return H_SUCCESS;
}

/* H_REGISTER_VPA(flags, cpu, address): the sub-function in flags bits 18..20. */
int64_t hc_register_vpa(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint64_t flags = call->r[4], gpa = call->r[6], bytes = 0;
    if (call->r[5] >= vm->cfg->vcpus || (flags & ~(7ull << H_VPA_FUNC_SHIFT))) return H_PARAMETER;
    struct papr_vcpu *t = &vm->vcpu[call->r[5]];
    int64_t e;
    switch (flags >> H_VPA_FUNC_SHIFT) {
    case H_VPA_REG_VPA:
        if ((e = area(vm, gpa, true, VPA_MIN_BYTES, true, &bytes))) return e;
        t->vpa = gpa;
        return H_SUCCESS;
    case H_VPA_REG_DTL:
        if ((e = area(vm, gpa, false, DTL_MIN_BYTES, false, &bytes))) return e;
        if (!t->vpa) return H_RESOURCE;
        t->dtl = gpa;
        t->dtl_bytes = bytes;
        return H_SUCCESS;
    case H_VPA_REG_SLB:
        if ((e = area(vm, gpa, false, SLB_SHADOW_MIN_BYTES, true, &bytes))) return e;
        if (!t->vpa) return H_RESOURCE;
        t->slb_shadow = gpa;
        t->slb_shadow_bytes = bytes;
        return H_SUCCESS;
    case H_VPA_DEREG_VPA:
        /* The others hang off the VPA: they go first (QEMU deregister_vpa). */
        if (t->dtl || t->slb_shadow) return H_RESOURCE;
        t->vpa = 0;
        return H_SUCCESS;
    case H_VPA_DEREG_DTL:
        t->dtl = t->dtl_bytes = 0;
        return H_SUCCESS;
    case H_VPA_DEREG_SLB:
        t->slb_shadow = t->slb_shadow_bytes = 0;
        return H_SUCCESS;
    default:
        return H_PARAMETER;
    }
}
