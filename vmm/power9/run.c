/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A vCPU's thread. vCPU 0 enters in real mode at the vmlinux entry with r3 = the FDT and
 * r4 = r5 = 0 (Linux's kexec-style pseries entry); vCPU n enters where RTAS start-cpu said
 * (start_pc, r3 = start_r3, its MSR), its thread waking on the kick. Every hcall goes to
 * papr_hcall (vmm/papr/hcall.c) under the VM's lock, its results back to r3..r12; the
 * partition state it sets (H_SET_MODE: LPCR[ILE] and [AIL]; H_REGISTER_PROC_TBL: the process
 * table) is written to each VCPU when it changes. An interrupt XICS presents to the vCPU (an
 * H_IPI from another vCPU) is injected as 0x500 before the next entry; a kick or the console
 * server's signal only interrupts the guest. H_CEDE returns at once with MSR[EE] set, which
 * PAPR allows (a pending decrementer or interrupt is taken then), after yielding the CPU.
 * stop-self sends the vCPU back to waiting for start-cpu. The guest ends with RTAS power-off,
 * system-reboot or ibm,os-term, or an exit this VMM does not handle: all reported.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/arch/vcpu.h>
#include "vmm9.h"

#define MSR_SF (1ull << 63)
#define MSR_EE (1ull << 15)
#define MSR_PR (1ull << 14)
#define MSR_ME (1ull << 12)
#define LPCR_ILE 0x02000000ull
#define LPCR_AIL_SHIFT 23u

enum { BY_HCALL, BY_HDEC, BY_INTERRUPTED, BY_HDSI, BY_HISI, BY_EMULATION, BY_FACILITY, BY_OTHER };

static unsigned reason_class(bh_word_t reason)
{
    switch (reason) {
    case BH_VM_EXIT_HCALL: return BY_HCALL;
    case BH_VM_EXIT_HDEC: return BY_HDEC;
    case BH_VM_EXIT_INTERRUPTED: return BY_INTERRUPTED;
    case BH_VM_EXIT_HDSI: return BY_HDSI;
    case BH_VM_EXIT_HISI: return BY_HISI;
    case BH_VM_EXIT_EMULATION: return BY_EMULATION;
    case BH_VM_EXIT_FACILITY: return BY_FACILITY;
    default: return BY_OTHER;
    }
}

static int put(const struct vcpu9 *v, bh_word_t index, bh_word_t value)
{
    return bh_vcpu_write_state(v->cap, index, &value, 1);
}

int vm9_bind(struct vm9 *vm, unsigned id, bh_cptr_t tcb)
{
    struct vcpu9 *v = &vm->vcpu[id];
    v->vm = vm;
    v->id = id;
    v->cap = vm->params->slot.vcpu0 + id;
    v->notification = vm->params->slot.notification + id;
    int err = bh_tcb_bind_notification(tcb, v->notification);
    if (err == 0) err = bh_vcpu_set_space(v->cap, vm->params->slot.guest_space);
    if (err == 0) err = bh_vcpu_set_tcb(v->cap, tcb);
    return err;
}

/* Before an entry, under the lock: the partition state papr_hcall may have changed, and an
 * interrupt XICS presents to this vCPU. */
static void prepare_entry(struct vcpu9 *v)
{
    struct vm9 *vm = v->vm;
    bh_word_t m = (vm->papr.interrupts_le ? LPCR_ILE : 0) | ((bh_word_t)vm->papr.ail << LPCR_AIL_SHIFT);
    if (m != v->mode && put(v, BH_VCPU_MODE, m) == 0) v->mode = m;
    if (vm->papr.pate1 != v->table && put(v, BH_VCPU_PROCESS_TABLE, vm->papr.pate1) == 0) v->table = vm->papr.pate1;
    if (!v->event_outstanding && xics_pending(&vm->papr, v->id) &&
        put(v, BH_VCPU_EVENT, BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXTERNAL) == 0) {
        v->event_outstanding = true;
        vm->injected++;
    }
}

/* An hcall exit, under the lock: its arguments from the exit summary (r3..r10) and the VCPU
 * (r11, r12). */
static enum papr_action hcall(struct vcpu9 *v, const bh_word_t *x)
{
    struct vm9 *vm = v->vm;
    struct papr_hcall c;
    for (unsigned i = 3; i <= 10; i++) c.r[i] = x[BH_VM_MR_SUMMARY + i - 3];
    bh_word_t r11 = 0, r12 = 0;
    (void)bh_vcpu_read_state(v->cap, 11, 1, &r11);
    (void)bh_vcpu_read_state(v->cap, 12, 1, &r12);
    c.r[11] = r11;
    c.r[12] = r12;
    c.problem_state = (x[BH_VM_MR_MODE] & MSR_PR) != 0;
    uint64_t errors = vm->papr.stats.hcall_errors;
    enum papr_action a = papr_hcall(&vm->papr, v->id, &c);
    vm->hcalls++;
    if (vm->papr.stats.hcall_errors != errors) vm->hcall_errors++;
    bh_word_t out[10];
    for (unsigned i = 0; i < 10; i++) out[i] = c.r[3 + i];
    (void)bh_vcpu_write_state(v->cap, BH_VCPU_R3, out, 10);
    return a;
}

/* Runs the vCPU from pc until it stops itself (returns) or the guest ends (returns). */
static void run(struct vcpu9 *v, bh_word_t pc)
{
    struct vm9 *vm = v->vm;
    bh_word_t x[BH_VM_MR_MODE + 1];
    int set_pc = 1;
    for (;;) {
        vm9_lock(vm);
        if (vm->ended) {
            vm9_unlock(vm);
            return;
        }
        prepare_entry(v);
        vm9_unlock(vm);
        bh_word_t dest = 0;
        bh_msginfo_t info = bh_msginfo(0, 0, 0, set_pc ? 1u : 0u);
        bh_set_mr(0, pc);
        bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
        for (unsigned i = 0; i <= BH_VM_MR_MODE; i++) x[i] = bh_get_mr(i);
        set_pc = 0;
        vm9_lock(vm);
        if (vm->ended || bh_msginfo_label(info)) {   /* ended by another vCPU while this one ran */
            vm9_end(vm, VMM_END_BAD_STATE, pc, (uint64_t)bh_msginfo_label(info));
            vm9_unlock(vm);
            return;
        }
        /* An interrupt being delivered when the exit came goes in again at the next entry. */
        v->event_outstanding = x[BH_VM_MR_EVENT] != 0;
        if (v->event_outstanding) (void)put(v, BH_VCPU_EVENT, x[BH_VM_MR_EVENT]);
        vm->exits_by_reason[reason_class(x[BH_VM_MR_REASON])]++;
        if (x[BH_VM_MR_REASON] == BH_VM_EXIT_INTERRUPTED) {
            vm9_unlock(vm);
            (void)bh_poll(v->notification);
            continue;
        }
        vm->exits++;
        if (x[BH_VM_MR_REASON] == BH_VM_EXIT_HDEC) {
            vm9_unlock(vm);
            continue;
        }
        if (x[BH_VM_MR_REASON] != BH_VM_EXIT_HCALL) {
            vm9_end(vm, VMM_END_UNSUPPORTED, x[BH_VM_MR_REASON], x[BH_VM_MR_PC]);
            vm9_unlock(vm);
            return;
        }
        enum papr_action a = hcall(v, x);
        pc = x[BH_VM_MR_NEXT_PC];
        set_pc = 1;
        switch (a) {
        case PAPR_POWER_OFF: vm9_end(vm, VMM_END_SHUTDOWN, 0, VMM_SHUTDOWN_VIA_RTAS); break; /* Xen's SHUTDOWN_poweroff */
        case PAPR_REBOOT: vm9_end(vm, VMM_END_SHUTDOWN, 1, VMM_SHUTDOWN_VIA_RTAS); break;    /* SHUTDOWN_reboot */
        case PAPR_OS_TERM:
            vm9_say(vm, "ibm,os-term: %s", vm->papr.os_term);
            vm9_end(vm, VMM_END_SHUTDOWN, 3, VMM_SHUTDOWN_VIA_RTAS);                          /* SHUTDOWN_crash */
            break;
        case PAPR_STOP_SELF: vm9_unlock(vm); return;
        case PAPR_CEDE: (void)put(v, BH_VCPU_MSR, (x[BH_VM_MR_MODE] | MSR_EE) & BH_VCPU_MSR_ALLOWED); break;
        case PAPR_WAIT_PROD:
        case PAPR_YIELD:
        case PAPR_CONTINUE: break;
        }
        bool yield = a == PAPR_CEDE || a == PAPR_WAIT_PROD || a == PAPR_YIELD;
        vm9_unlock(vm);
        if (yield) bh_yield();
    }
}

/* Under the lock: whether start-cpu has started the vCPU; takes its entry state if so. */
static bool take_start(struct vcpu9 *v, bh_word_t *pc, bh_word_t *r3, bh_word_t *msr)
{
    struct papr_vcpu *p = &v->vm->papr.vcpu[v->id];
    if (!p->start_pending) return false;
    p->start_pending = false;
    *pc = p->start_pc;
    *r3 = p->start_r3;
    *msr = p->start_msr;
    return true;
}

_Noreturn void vm9_vcpu_main(struct vcpu9 *v)
{
    struct vm9 *vm = v->vm;
    bh_word_t pc = vm->entry, r3 = vm->cfg.fdt_base, msr = MSR_SF | MSR_ME;
    bool started = v->id == 0;
    if (started) {
        vm9_lock(vm);
        vm9_say(vm, "running %s: command line \"%s\" on %lu vCPU(s)", vm->params->name, vm->params->cmdline,
                (unsigned long)vm->params->vcpus);
        vm9_unlock(vm);
    }
    for (;;) {
        while (!started) {
            vm9_lock(vm);
            bool ended = vm->ended;
            started = !ended && take_start(v, &pc, &r3, &msr);
            vm9_unlock(vm);
            if (!started) (void)bh_wait(v->notification);
        }
        started = false;
        if (put(v, BH_VCPU_MSR, msr) || put(v, BH_VCPU_R3, r3) || put(v, BH_VCPU_R4, 0) || put(v, BH_VCPU_R5, 0)) {
            vm9_lock(vm);
            vm9_end(vm, VMM_END_BAD_STATE, pc, v->id);
            vm9_unlock(vm);
            continue;
        }
        run(v, pc);
    }
}
