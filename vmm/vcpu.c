/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * One vCPU: its VMEnter loop, the register cache and exit dispatch. VMEnter returns the exit
 * reason, EXITINFO1/2, RIP and EXITINTINFO in MR0..MR5, then rax rbx rcx rdx rsi rdi r8 r10
 * and a mode word in MR6..MR14: a hypercall, CPUID or port exit needs nothing more. Other
 * registers are read on demand with one READ_STATE. Results in rax..rdx go back in the next
 * VMEnter's MR1..MR4 (with the new RIP in MR0); anything else with one WRITE_STATE.
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include <xen/sched.h>
#include "vmm.h"

#define RFLAGS_IF (1ull << 9)

static const unsigned summary_regs[BH_VM_SUMMARY_REGS_COUNT] = BH_VM_SUMMARY_REGS;

static uint64_t range_mask(unsigned first, unsigned upto)
{
    return (upto >= 64 ? ~0ull : (1ull << upto) - 1) & ~((1ull << first) - 1);
}

/* Reads [first, upto) with one READ_STATE, keeping the registers already valid. */
static void load_regs(struct vcpu *v, unsigned first, unsigned upto)
{
    int err = bh_vcpu_read_state(v->cap, first, upto - first, NULL);
    for (unsigned i = first; i < upto; i++)
        if (!(v->valid & (1ull << i))) v->reg[i] = err ? 0 : bh_get_mr(i - first);
    v->valid |= range_mask(first, upto);
}

bh_word_t vcpu_reg_miss(struct vcpu *v, unsigned index)
{
    load_regs(v, index, VCPU_CACHE_WORDS);
    return v->reg[index];
}

int vcpu_flush(struct vcpu *v)
{
    int err = 0;
    /* Results only in rax..rdx travel with the entry (see enter); the rest needs a WriteState. */
    v->pass_results = v->dirty_hi > v->dirty_lo && v->dirty_hi <= BH_VCPU_RDX + 1;
    if (v->dirty_hi > v->dirty_lo && !v->pass_results) {
        /* The range may span registers never read this exit (set apart: CR2 and RDI, say):
         * read them first, so that the write puts back what the guest has. */
        uint64_t missing = range_mask(v->dirty_lo, v->dirty_hi) & ~v->valid;
        if (missing) load_regs(v, (unsigned)__builtin_ctzll(missing), v->dirty_hi);
        err = bh_vcpu_write_state(v->cap, v->dirty_lo, &v->reg[v->dirty_lo], v->dirty_hi - v->dirty_lo);
    }
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
    return (v->mode & BH_VM_MODE_LMA) && (v->mode & BH_VM_MODE_CS_L);
}

/* The first end counts: other vCPUs' threads are kicked so that they see it and stop. */
void vm_end(struct vm *vm, enum vmm_end why, uint64_t detail, uint64_t detail2)
{
    if (vm->ended) return;
    vm->ended = true;
    peer_end(vm);
    report_end(vm, why, detail, detail2);
    vm_kick_all(vm);
}

void vm_shutdown(struct vm *vm, uint32_t reason, enum vmm_shutdown_via via)
{
    static const char *const names[] = {"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"};
    vmm_say(vm, "guest shut down: %s (%s)", reason <= SHUTDOWN_soft_reset ? names[reason] : "unknown",
            via == VMM_SHUTDOWN_VIA_ACPI ? "ACPI sleep state S5" : "SCHEDOP_shutdown");
    vm_end(vm, VMM_END_SHUTDOWN, reason, via);
}

/* The domain's callback vector (HVM_PARAM_CALLBACK_IRQ of type vector, 32 or more), 0 for none. */
static unsigned callback_vector(const struct vm *vm)
{
    uint64_t cb = vm->hvm_param[HVM_PARAM_CALLBACK_IRQ];
    if ((cb & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56 != HVM_PARAM_CALLBACK_TYPE_VECTOR || (cb & 0xff) < 32) return 0;
    return (unsigned)(cb & 0xff);
}

/* The vCPU wakes from HLT. A signal on the guest's event line (vCPU 0's notification) that
 * brought nothing else becomes an upcall: the flag in vcpu_info, and the callback vector when
 * the guest takes interrupts (EVENTINJ ignores RFLAGS.IF, so the VMM checks it). Kicks between
 * vCPUs always bring their event (a pending port, an IPI), which is injected as it is. */
static void deliver_event(struct vcpu *v)
{
    struct vm *vm = v->vm;
    unsigned vector = callback_vector(vm);
    bool line = v->kicked && v->id == 0 && !vcpu_lapic_pending(v);
    v->kicked = false;
    if (!line) return;
    if (v->vcpu_info_gpa) {
        struct vcpu_info *vi = gpa_ptr(vm, v->vcpu_info_gpa, sizeof *vi);
        if (vi) vi->evtchn_upcall_pending = 1;
    }
    if (v->upcall_vector) {
        evtchn_assert_upcall(v);   /* its own vector, through the local APIC */
        return;
    }
    if (vector && (vcpu_reg(v, BH_VCPU_RFLAGS) & RFLAGS_IF)) vcpu_inject_interrupt(v, vector);
}

/* Sleeps on the vCPU's notification, the lock released meanwhile. With `deadline` (system
 * time, 0 for none) it first arms the timer server at the VM's earliest deadline; without a
 * timer server it only polls and yields. Returns when woken or after the yield. */
static void sleep_until(struct vcpu *v, uint64_t deadline)
{
    struct vm *vm = v->vm;
    vm_unlock(vm);   /* before the call: the other vCPUs must never wait on the timer server */
    bool sleep = deadline == 0 || timer_arm(vm, deadline);
    bh_word_t word = sleep ? bh_wait(v->notification) : bh_poll(v->notification);
    if (!sleep && !word) bh_yield();
    vm_lock(vm);
    if (word & ~BH_VMM_KICK_BADGE) v->kicked = true;   /* an outside event; a kick brought its own */
}

/* Blocks the vCPU until an event is pending for it (a kick: a signal on its notification;
 * evtchn_upcall_pending; a local APIC interrupt), one of its timers is due, or the VM ends.
 * The timer server's signal (at the VM's earliest deadline) wakes vCPU 0, which fires the
 * timers of all vCPUs, kicking the others. */
void vcpu_wait_event(struct vcpu *v)
{
    struct vm *vm = v->vm;
    for (;;) {
        vm_poll_sources(v);
        if (v->kicked || evtchn_upcall_pending(v) || vcpu_lapic_pending(v) || vm->ended || v->init_pending) break;
        sleep_until(v, vm_next_deadline(vm));
    }
    deliver_event(v);
}

/* SCHEDOP_poll: the vCPU sleeps until one of the ports is pending (masked or not: a newly
 * pending port wakes pollers, evtchn.c), the timeout (system time, 0 for none) has passed, or
 * an event awaits delivery to it (an early return, which Xen's callers tolerate: they poll
 * again). The event itself is delivered at the next entry, HLT or block. */
void vcpu_poll_ports(struct vcpu *v, const uint32_t *ports, uint32_t n, uint64_t timeout)
{
    struct vm *vm = v->vm;
    for (;;) {
        vm_poll_sources(v);
        for (uint32_t i = 0; i < n; i++)
            if (evtchn_port_pending(vm, ports[i])) return;
        /* As Xen: also back when events await delivery (an unmasked upcall). A bare kick is
         * not a reason: the sources it stands for were just polled, and a PV spinlock that
         * polls again must sleep again. */
        if ((timeout && time_now_ns(vm) >= timeout) || evtchn_events_need_delivery(v) || vcpu_lapic_pending(v) ||
            vm->ended || v->init_pending)
            return;
        uint64_t next = vm_next_deadline(vm);
        if (timeout && (!next || timeout < next)) next = timeout;
        v->polling = true;
        sleep_until(v, next);
        v->polling = false;
    }
}

/* Whether the guest takes an interrupt at the next entry: RFLAGS.IF and no interrupt shadow
 * (after STI or MOV SS). No shadow when the exit's instruction completed, as the kernel ends it
 * with a new RIP; else the VMM asks. */
bool vcpu_interruptible(struct vcpu *v)
{
    if (!(vcpu_reg(v, BH_VCPU_RFLAGS) & RFLAGS_IF)) return false;
    if (v->shadow_over) return true;
    return bh_vcpu_read_state(v->cap, BH_VCPU_INT_SHADOW, 1, NULL) == 0 && !(bh_get_mr(0) & 1);
}

/* The callback vector is level-triggered on evtchn_upcall_pending, as in Xen: it is injected
 * at the next entry while the flag is set and the guest takes interrupts (IF set, no interrupt
 * shadow), unless another event is being injected. */
static void inject_upcall(struct vcpu *v)
{
    unsigned vector = callback_vector(v->vm);
    if (v->event_inj || v->upcall_vector || !vector || !evtchn_upcall_pending(v) || !vcpu_interruptible(v)) return;
    vcpu_inject_interrupt(v, vector);
}

static unsigned exit_class(uint64_t reason)
{
    switch (reason) {
    case BH_VM_EXIT_CPUID: return VMM_EXIT_CLASS_CPUID;
    case BH_VM_EXIT_MSR: return VMM_EXIT_CLASS_MSR;
    case BH_VM_EXIT_IOIO: return VMM_EXIT_CLASS_IOIO;
    case BH_VM_EXIT_HLT: return VMM_EXIT_CLASS_HLT;
    case BH_VM_EXIT_VMMCALL: return VMM_EXIT_CLASS_VMMCALL;
    case BH_VM_EXIT_NPF: return VMM_EXIT_CLASS_NPF;
    case BH_VM_EXIT_INTERRUPTED: return VMM_EXIT_CLASS_INTERRUPTED;
    default: return VMM_EXIT_CLASS_OTHER;
    }
}

unsigned vcpu_cpl(struct vcpu *v)
{
    return (unsigned)(v->mode & BH_VM_MODE_CPL);
}

/* True when no vCPU can run again by itself: every started one halted with interrupts off. */
static bool all_stopped(const struct vm *vm)
{
    for (unsigned i = 0; i < vm->params->vcpus; i++) {
        const struct vcpu *o = &vm->vcpu[i];
        if (o->power == VCPU_RUNNING && !o->stopped) return false;
    }
    return true;
}

/* HLT with interrupts off: only an NMI or INIT (from another vCPU) can wake the vCPU, as
 * Linux's stop_this_cpu expects of the CPUs it parks; when no vCPU is left to send one, the
 * guest has stopped for good. Stopped, vCPU 0 still answers the VM's event line: the timer
 * server's signal is for the other vCPUs' timers too, which only vCPU 0 fires. */
static void stopped_hlt(struct vcpu *v)
{
    struct vm *vm = v->vm;
    v->stopped = true;
    while (!vm->ended && !v->lapic.nmi && !v->init_pending) {
        if (all_stopped(vm)) {
            vm_end(vm, VMM_END_HALTED, v->exit[BH_VM_MR_RIP], 0);
            break;
        }
        v->kicked = false;
        vm_unlock(vm);
        (void)bh_wait(v->notification);
        vm_lock(vm);
        vm_poll_sources(v);
    }
    v->stopped = false;
}

static void hlt_exit(struct vcpu *v)
{
    /* Past the HLT, the interrupt shadow of a preceding STI is over (Linux idles with
     * "sti; hlt"): the kernel ends it with the new RIP, so the wake-up's interrupt goes in at
     * once (shadow_over). */
    v->next_rip = v->exit[BH_VM_MR_RIP] + 1;
    if (!(vcpu_reg(v, BH_VCPU_RFLAGS) & RFLAGS_IF)) {
        stopped_hlt(v);
        return;
    }
    vcpu_wait_event(v);
}

static void interrupted(struct vcpu *v)
{
    if (bh_poll(v->notification) & ~BH_VMM_KICK_BADGE) v->kicked = true;
}

/* Instructions whose CPUID feature the guest does not see: #UD, as on hardware without them. */
static bool undefined_here(uint32_t reason)
{
    return reason == BH_VM_EXIT_INVLPGA || (reason >= BH_VM_EXIT_VMRUN && reason <= BH_VM_EXIT_SKINIT && reason != BH_VM_EXIT_VMMCALL) ||
           (reason >= BH_VM_EXIT_MONITOR && reason <= BH_VM_EXIT_MWAIT_COND) || reason == BH_VM_EXIT_XSETBV;
}

/* #DB and #AC always exit (the kernel intercepts them against the benign-exception loops of
 * CVE-2015-8104 and CVE-2015-5307); this VMM does not want them, so the guest gets them as the
 * processor would have delivered them: the VMCB already holds the DR6 and DR7 a #DB handler
 * sees, the RIP is the one to push, and #AC's error code (0) is in EXITINFO1. An event that
 * the exit interrupted (EXITINTINFO) goes in first; a trap that recurs exits again. */
static void reflect_exception(struct vcpu *v, unsigned vector)
{
    if (v->event_inj) return;
    vcpu_inject_exception(v, vector, vector == 17, (uint32_t)v->exit[BH_VM_MR_INFO1]);
}

/* INT1 (ICEBP): VT-x's #DB intercept catches it (reported as SVM's ICEBP exit; on SVM the
 * kernel leaves that intercept off). The guest gets its #DB past the instruction, as INT1
 * delivers it. */
static void icebp_exit(struct vcpu *v)
{
    if (v->event_inj || !v->exit[BH_VM_MR_NEXT_RIP]) return;
    vcpu_inject_exception(v, 1, false, 0);
    v->next_rip = v->exit[BH_VM_MR_NEXT_RIP];
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
    case BH_VM_EXIT_WRITE_CR4: insn_cr4_write_exit(v); return;
    case BH_VM_EXIT_INVD:
    case BH_VM_EXIT_WBINVD: insn_skip_cache_exit(v); return;
    case BH_VM_EXIT_EXCEPTION(1):
    case BH_VM_EXIT_EXCEPTION(17): reflect_exception(v, reason - BH_VM_EXIT_EXCEPTION(0)); return;
    case BH_VM_EXIT_ICEBP: icebp_exit(v); return;
    case BH_VM_EXIT_SHUTDOWN: vm_end(v->vm, VMM_END_CRASH, rip, 0); return;
    case BH_VM_EXIT_NPF: npf_exit(v); return;
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
    if (!(intinfo & BH_VCPU_EVENT_VALID)) return;
    v->event_inj = (uint32_t)intinfo;
    v->event_err = bh_vcpu_event_error(intinfo);
}

static int enter(struct vcpu *v, bool set_rip)
{
    bh_word_t dest = 0;
    unsigned len = set_rip ? 1u : 0u;
    if (v->pass_results && set_rip) {
        for (unsigned i = 0; i < 4; i++) bh_set_mr(1 + i, v->reg[BH_VCPU_RAX + i]);
        len = 5;
    } else if (v->pass_results) {
        int err = bh_vcpu_write_state(v->cap, BH_VCPU_RAX, &v->reg[BH_VCPU_RAX], 4);
        if (err) return err;
    }
    v->pass_results = false;
    bh_msginfo_t info = bh_msginfo(0, 0, 0, len);
    bh_set_mr(0, v->next_rip);
    bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
    const bh_word_t *mr = bh_ipc_buffer_ptr->mr;
    memcpy(v->exit, mr, sizeof v->exit);
    /* The exit summary: these registers and the mode are valid without a ReadState. Unrolled,
     * the indices and the mask are constants (a loop over the table cost 100 instructions). */
#pragma GCC unroll 16
    for (unsigned i = 0; i < BH_VM_SUMMARY_REGS_COUNT; i++) v->reg[summary_regs[i]] = mr[BH_VM_MR_SUMMARY + i];
    v->valid = BH_VM_SUMMARY_REGS_MASK;
    v->mode = mr[BH_VM_MR_MODE];
    return (int)bh_msginfo_label(info);
}

/* Runs the vCPU until the VM ends or, for an application processor, an INIT arrives (it then
 * waits for a start-up IPI again: smp.c). Called and returns with the VM's lock held, which
 * it releases only while the guest runs. */
void vcpu_run(struct vcpu *v)
{
    struct vm *vm = v->vm;
    bool set_rip = true;
    while (!vm->ended) {
        if (v->init_pending) {
            v->init_pending = false;
            v->power = VCPU_WAIT_SIPI;
            return;
        }
        int err = vcpu_flush(v);
        vm_unlock(vm);
        if (err == 0) err = enter(v, set_rip);
        vm_lock(vm);
        if (err != 0) {
            vm_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
            return;
        }
        redeliver(v);
        vm->exits_by_reason[exit_class(v->exit[BH_VM_MR_REASON])]++;
        if (v->exit[BH_VM_MR_REASON] == BH_VM_EXIT_INTERRUPTED) {
            interrupted(v);
            set_rip = false;
        } else {
            vm->exits++;
            v->next_rip = v->exit[BH_VM_MR_RIP];
            dispatch(v);
            set_rip = true;
        }
        v->shadow_over = set_rip && v->next_rip != v->exit[BH_VM_MR_RIP];
        if (vm->ended) break;
        /* Other sources (console, xenstore, peers, the timer server) signal the event line,
         * which makes the VMEnter return interrupted; an exit the guest made can only have
         * brought its own timer due (a deadline it set in the past). */
        if (set_rip) time_check_timers(v);
        else vm_poll_sources(v);
        if (vcpu_lapic_pending(v)) vcpu_inject_lapic(v);
        inject_upcall(v);
    }
}
