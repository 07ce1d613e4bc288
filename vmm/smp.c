/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Several vCPUs: one VMM thread per vCPU, each bound to its VCPU and to its own notification
 * (params slot.notification + id; vCPU 0's is the guest's event line, where the console and
 * the timer server signal too).
 *   The lock (vmm.h): a thread holds it whenever it is outside the guest, so exit handlers see one
 *   consistent VM; it is released for VMEnter and for every wait. The kernel runs the vCPU
 *   threads on one CPU, so a waiter yields to the holder rather than spin.
 *   Kicks: an event for another vCPU (a pending port, an IPI, INIT or SIPI) signals that vCPU's
 *   notification, which ends its VMEnter (an INTERRUPTED exit) or its wait.
 *   Timers: one timeout at the timer server serves the VM (vm_next_deadline: the earliest of
 *   all vCPUs'); it wakes vCPU 0, which fires every vCPU's due timers, kicking their threads.
 *   Start-up: vCPUs other than 0 wait for INIT and a start-up IPI (lapic.c), then begin in real
 *   mode at vector << 12, as an application processor does (Intel SDM vol. 3, 8.4.4; Linux's
 *   PVH guests start their APs so, with the MADT's local APICs, acpi.c).
 */
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "vmm.h"

/* Real-mode segment attributes in the VMCB's packed form: present, S, code readable or data
 * writable, accessed; the LDT and a busy 16-bit TSS for the system segments. */
#define SEG_REAL_CODE 0x9bu
#define SEG_REAL_DATA 0x93u
#define SEG_LDT 0x82u
#define SEG_TSS16_BUSY 0x83u
#define CR0_ET 0x10u

static __thread struct vcpu *self;

/* Another vCPU's thread is signalled (its VMEnter ends, or its wait); the caller's own
 * vCPU needs nothing: it checks for events before it enters or sleeps. */
void vcpu_kick(struct vcpu *target)
{
    if (target != self && target->notification) bh_signal(target->notification);
}

void vm_kick_all(struct vm *vm)
{
    for (unsigned i = 0; i < vm->params->vcpus; i++) vcpu_kick(&vm->vcpu[i]);
}

/* vCPU 0 answers the event line for the VM; every vCPU checks its own timers. */
void vm_poll_sources(struct vcpu *v)
{
    struct vm *vm = v->vm;
    if (v->id != 0) {
        time_check_timers(v);
        return;
    }
    for (unsigned i = 0; i < vm->params->vcpus; i++)
        if (vm->vcpu[i].power == VCPU_RUNNING) time_check_timers(&vm->vcpu[i]);
    console_poll(vm);
    store_poll(vm);
    peer_poll(vm);
}

/* Only running vCPUs' timers: they are the ones vm_poll_sources fires. A timer of a vCPU that
 * waits for INIT or SIPI (set by another vCPU, or kept over an INIT) fires when it starts;
 * counted here, its past deadline made a halted vCPU 0 arm the timer server, wake at once,
 * fire nothing and arm it again, for ever. */
uint64_t vm_next_deadline(struct vm *vm)
{
    uint64_t next = 0;
    for (unsigned i = 0; i < vm->params->vcpus; i++) {
        if (vm->vcpu[i].power != VCPU_RUNNING) continue;
        uint64_t d = time_next_deadline(&vm->vcpu[i]);
        if (d && (next == 0 || d < next)) next = d;
    }
    return next;
}

/* Before any thread runs a vCPU (vCPU 0's thread, under the lock). */
void vcpu_init(struct vm *vm, unsigned id)
{
    struct vcpu *v = &vm->vcpu[id];
    v->vm = vm;
    v->id = id;
    v->cap = VMM_SLOT_VCPU0 + id;
    v->notification = VMM_SLOT_NOTIFICATION + id;
}

/* Binds VCPU `id` to the calling thread (whose TCB is at slot `tcb`) and to its notification.
 * vcpu_init's values come from the read-only parameters, so either thread may set them first. */
int vcpu_bind(struct vm *vm, unsigned id, bh_cptr_t tcb)
{
    struct vcpu *v = &vm->vcpu[id];
    vcpu_init(vm, id);
    self = v;
    int err = bh_tcb_bind_notification(tcb, v->notification);
    if (err == 0) err = bh_vcpu_set_space(v->cap, VMM_SLOT_GUEST_SPACE);
    if (err == 0) err = bh_vcpu_set_tcb(v->cap, tcb);
    return err;
}

/* INIT, SIPI, NMI or a fixed interrupt to `target`'s local APIC (lapic.c decodes the ICR). A start-up IPI counts only after INIT, as on hardware; INIT to a running vCPU
 * sends it back to waiting for one. */
void vcpu_deliver_ipi(struct vcpu *target, unsigned mode, unsigned vector)
{
    switch (mode) {
    case LAPIC_DELIVERY_FIXED:
        if (vector < 32) return;
        lapic_raise(&target->lapic, vector);
        break;
    case LAPIC_DELIVERY_NMI: target->lapic.nmi = true; break;
    case LAPIC_DELIVERY_INIT:
        if (target->id == 0) return;   /* the BSP is not reset by its own guest */
        if (target->power == VCPU_RUNNING) target->init_pending = true;
        else target->power = VCPU_WAIT_SIPI;
        break;
    case LAPIC_DELIVERY_STARTUP:
        if (target->power != VCPU_WAIT_SIPI) return;
        target->sipi_vector = (uint8_t)vector;
        target->power = VCPU_STARTING;
        break;
    default: return;
    }
    vcpu_kick(target);
}

/* Injects the highest waiting fixed interrupt, or an NMI, when nothing else is being injected
 * and (for an interrupt) the guest takes them. Returns with the interrupt left waiting otherwise. */
void vcpu_inject_lapic(struct vcpu *v)
{
    struct lapic *l = &v->lapic;
    if (v->event_inj) return;
    if (l->nmi) {
        l->nmi = false;
        v->event_inj = BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_NMI | 2u;
        v->event_err = 0;
        return;
    }
    for (int w = 3; w >= 0; w--) {
        if (!l->irr[w]) continue;
        if (!vcpu_interruptible(v)) return;
        unsigned bit = 63u - (unsigned)__builtin_clzll(l->irr[w]);
        l->irr[w] &= ~(1ull << bit);
        vcpu_inject_interrupt(v, (unsigned)w * 64u + bit);
        return;
    }
}

/* The state of an application processor after INIT and SIPI: real mode, CS at vector << 12. */
static int start_real_mode(struct vcpu *v)
{
    bh_word_t s[BH_VCPU_IDTR_LIMIT + 1];
    for (unsigned i = 0; i <= BH_VCPU_IDTR_LIMIT; i++) s[i] = 0;
    bh_word_t base = (bh_word_t)v->sipi_vector << 12;
    s[BH_VCPU_RFLAGS] = 0x2;
    s[BH_VCPU_CR0] = CR0_ET;
    s[BH_VCPU_DR7] = 0x400;
    s[BH_VCPU_CS] = BH_VCPU_SEG(v->sipi_vector << 8, SEG_REAL_CODE, 0xffff);
    s[BH_VCPU_CS + 1] = base;
    s[BH_VCPU_ES] = s[BH_VCPU_SS] = s[BH_VCPU_DS] = s[BH_VCPU_FS] = s[BH_VCPU_GS] = BH_VCPU_SEG(0, SEG_REAL_DATA, 0xffff);
    s[BH_VCPU_LDTR] = BH_VCPU_SEG(0, SEG_LDT, 0xffff);
    s[BH_VCPU_TR] = BH_VCPU_SEG(0, SEG_TSS16_BUSY, 0xffff);
    s[BH_VCPU_GDTR_LIMIT] = s[BH_VCPU_IDTR_LIMIT] = 0xffff;
    int err = bh_vcpu_write_state(v->cap, 0, s, BH_VCPU_IDTR_LIMIT + 1);
    bh_word_t controls = VMM_VCPU_CONTROLS;
    if (err == 0) err = bh_vcpu_write_state(v->cap, BH_VCPU_CONTROLS, &controls, 1);
    v->valid = 0;
    v->dirty_lo = v->dirty_hi = 0;
    v->event_inj = 0;
    v->next_rip = 0;
    v->power = VCPU_RUNNING;
    return err;
}

/* An application processor's thread: wait for INIT and SIPI, run, and again after an INIT. */
void vcpu_ap_main(struct vcpu *v)
{
    struct vm *vm = v->vm;
    vm_lock(vm);
    while (!vm->ended) {
        if (v->power != VCPU_STARTING) {
            v->kicked = false;
            vm_unlock(vm);
            (void)bh_wait(v->notification);
            vm_lock(vm);
            continue;
        }
        int err = start_real_mode(v);
        if (err != 0) {
            vm_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
            break;
        }
        vcpu_run(v);       /* returns when the VM ends, or on INIT (back to WAIT_SIPI) */
    }
    vm_unlock(vm);
}
