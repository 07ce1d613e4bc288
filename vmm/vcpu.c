/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * One vCPU: its VMEnter loop, the register cache and exit dispatch. VMEnter returns the exit
 * reason, EXITINFO1/2, RIP and EXITINTINFO in MR0..MR5; everything else is read on demand with
 * one READ_STATE per exit (from the lowest index not yet read) and written back with one
 * WRITE_STATE before the next entry. The new RIP travels in VMEnter's MR0.
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "vmm.h"

#define RFLAGS_IF (1ull << 9)
#define EFER_LMA (1ull << 10)
#define CS_ATTR_L (1ull << (16 + 9))   /* the L bit of the packed attributes in the CS word */
#define INTINFO_VALID (1u << 31)

#define EXIT_INVLPGA 0x7au
#define EXIT_VMLOAD 0x82u
#define EXIT_SKINIT 0x86u
#define EXIT_MONITOR 0x8au
#define EXIT_MWAIT_COND 0x8cu

static void load_regs(struct vcpu *v, unsigned upto)
{
    unsigned first = v->loaded;
    if (bh_vcpu_read_state(v->cap, first, upto - first, NULL) != 0) {
        memset(&v->reg[first], 0, (upto - first) * sizeof v->reg[0]);
    } else {
        for (unsigned i = first; i < upto; i++) v->reg[i] = bh_get_mr(i - first);
    }
    v->loaded = upto;
}

bh_word_t vcpu_reg(struct vcpu *v, unsigned index)
{
    if (index >= v->loaded) load_regs(v, index < BH_VCPU_R8 + 4 ? BH_VCPU_R8 + 4 : VCPU_CACHE_WORDS);
    return v->reg[index];
}

void vcpu_set_reg(struct vcpu *v, unsigned index, bh_word_t value)
{
    (void)vcpu_reg(v, index);
    v->reg[index] = value;
    if (v->dirty_hi == v->dirty_lo) {
        v->dirty_lo = index;
        v->dirty_hi = index + 1;
    } else {
        if (index < v->dirty_lo) v->dirty_lo = index;
        if (index + 1 > v->dirty_hi) v->dirty_hi = index + 1;
    }
}

int vcpu_flush(struct vcpu *v)
{
    int err = 0;
    if (v->dirty_hi > v->dirty_lo)
        err = bh_vcpu_write_state(v->cap, v->dirty_lo, &v->reg[v->dirty_lo], v->dirty_hi - v->dirty_lo);
    v->dirty_lo = v->dirty_hi = 0;
    if (err == 0 && v->event_inj) {
        bh_word_t inj = v->event_inj | (bh_word_t)v->event_err << 32;
        err = bh_vcpu_write_state(v->cap, BH_VCPU_EVENT_INJ, &inj, 1);
        v->event_inj = 0;
    }
    return err;
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
    v->event_inj = BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXCEPTION | vector |
                   (has_error ? BH_VCPU_EVENT_ERROR_VALID : 0);
    v->event_err = error;
    v->next_rip = v->exit[BH_VM_MR_RIP]; /* a fault: the instruction did not complete */
}

void vcpu_inject_interrupt(struct vcpu *v, unsigned vector)
{
    v->event_inj = BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_INTR | (vector & 0xffu);
    v->event_err = 0;
}

bool vcpu_long_mode(struct vcpu *v)
{
    return (vcpu_reg(v, BH_VCPU_EFER) & EFER_LMA) && (vcpu_reg(v, BH_VCPU_CS) & CS_ATTR_L);
}

void vm_end(struct vm *vm, enum vmm_end why, uint64_t detail, uint64_t detail2)
{
    vm->ended = true;
    report_end(vm, why, detail, detail2);
}

void vm_event_arrived(struct vm *vm)
{
    vm->event_pending = true;
}

/* An event for the guest: raise the upcall flag in vcpu_info, and the callback vector when
 * the guest takes interrupts (EVENTINJ ignores RFLAGS.IF, so the VMM checks it). */
static void deliver_event(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t cb = vm->hvm_param[HVM_PARAM_CALLBACK_IRQ];
    vm->event_pending = false;
    if (v->vcpu_info_gpa) {
        struct xen_vcpu_info *vi = gpa_ptr(vm, v->vcpu_info_gpa, sizeof *vi);
        if (vi) vi->evtchn_upcall_pending = 1;
    }
    if (HVM_PARAM_CALLBACK_TYPE(cb) == HVM_PARAM_CALLBACK_TYPE_VECTOR && (cb & 0xff) >= 32 &&
        (vcpu_reg(v, BH_VCPU_RFLAGS) & RFLAGS_IF))
        vcpu_inject_interrupt(v, (unsigned)(cb & 0xff));
}

/* Blocks the vCPU until its event line (the notification) has been signalled. */
void vcpu_wait_event(struct vcpu *v)
{
    if (!v->vm->event_pending) (void)bh_wait(VMM_SLOT_NOTIFICATION);
    deliver_event(v);
}

unsigned vcpu_cpl(struct vcpu *v)
{
    return (unsigned)(vcpu_reg(v, BH_VCPU_SS) >> (16 + 5)) & 3u;   /* SS.DPL */
}

/* HLT: with interrupts off nothing can wake the vCPU, so the guest has stopped for good. */
static void hlt_exit(struct vcpu *v)
{
    struct vm *vm = v->vm;
    if (!(vcpu_reg(v, BH_VCPU_RFLAGS) & RFLAGS_IF)) {
        vm_end(vm, VMM_END_HALTED, v->exit[BH_VM_MR_RIP], 0);
        return;
    }
    v->next_rip = v->exit[BH_VM_MR_RIP] + 1;
    vcpu_wait_event(v);
}

static void interrupted(struct vcpu *v)
{
    if (bh_poll(VMM_SLOT_NOTIFICATION)) vm_event_arrived(v->vm);
}

/* Instructions whose CPUID feature the guest does not see: #UD, as on hardware without them. */
static bool undefined_here(uint32_t reason)
{
    return reason == EXIT_INVLPGA || (reason >= BH_VM_EXIT_VMRUN && reason <= EXIT_SKINIT && reason != BH_VM_EXIT_VMMCALL) ||
           (reason >= EXIT_MONITOR && reason <= EXIT_MWAIT_COND) || reason == BH_VM_EXIT_XSETBV;
}

static void dispatch(struct vcpu *v)
{
    uint32_t reason = (uint32_t)v->exit[BH_VM_MR_REASON];
    bh_word_t rip = v->exit[BH_VM_MR_RIP];
    switch (reason) {
    case BH_VM_EXIT_CPUID: cpuid_exit(v); return;
    case BH_VM_EXIT_HLT: hlt_exit(v); return;
    case BH_VM_EXIT_IOIO: ioport_exit(v); return;
    case BH_VM_EXIT_MSR: msr_exit(v); return;
    case BH_VM_EXIT_VMMCALL: hypercall_exit(v); return;
    case BH_VM_EXIT_SHUTDOWN: vm_end(v->vm, VMM_END_CRASH, rip, 0); return;
    case BH_VM_EXIT_NPF: vm_end(v->vm, VMM_END_NPF, v->exit[BH_VM_MR_INFO2], rip); return;
    case BH_VM_EXIT_INVALID: vm_end(v->vm, VMM_END_BAD_STATE, rip, 0); return;
    default:
        if (undefined_here(reason))
            vcpu_inject_exception(v, 6, false, 0);
        else
            vm_end(v->vm, VMM_END_UNSUPPORTED, reason, rip);
    }
}

/* An event that was being delivered when the exit happened is delivered again. */
static void redeliver(struct vcpu *v)
{
    bh_word_t intinfo = v->exit[BH_VM_MR_INTINFO];
    if (!(intinfo & INTINFO_VALID)) return;
    v->event_inj = (uint32_t)intinfo;
    v->event_err = (uint32_t)(intinfo >> 32);
}

static int enter(struct vcpu *v, bool set_rip)
{
    bh_word_t dest = 0;
    bh_msginfo_t info = bh_msginfo(0, 0, 0, set_rip ? 1u : 0u);
    bh_set_mr(0, v->next_rip);
    bh_x86_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
    for (unsigned i = 0; i < BH_VM_MR_COUNT; i++) v->exit[i] = bh_get_mr(i);
    return (int)bh_msginfo_label(info);
}

void vcpu_run(struct vcpu *v)
{
    struct vm *vm = v->vm;
    bool set_rip = true;
    while (!vm->ended) {
        int err = vcpu_flush(v);
        if (err == 0) err = enter(v, set_rip);
        if (err != 0) {
            vm_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
            return;
        }
        v->loaded = 0;
        redeliver(v);
        if (v->exit[BH_VM_MR_REASON] == BH_VM_EXIT_INTERRUPTED) {
            interrupted(v);
            set_rip = false;
            continue;
        }
        vm->exits++;
        v->next_rip = v->exit[BH_VM_MR_RIP];
        dispatch(v);
        set_rip = true;
    }
}
