/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Time for a Xen guest: the PV clock, the wallclock, the runstate area and the timers.
 * System time is nanoseconds since the VMM started the guest, derived from the TSC (which the
 * guest reads directly: no offset, no intercept) at the rate the kernel measured at boot (the
 * parameter page's counter_khz; VMM_TSC_KHZ when the creator gives none). vcpu_time_info, in the
 * registered vcpu_info and in shared_info's vcpu_info[id], gives the guest the same scale
 * (tsc_to_system_mul, tsc_shift), so the guest's clock and the VMM's deadlines agree exactly.
 * Timers: VCPUOP_set_singleshot_timer / set_timer_op (one deadline per vCPU) and
 * VCPUOP_set_periodic_timer; a due timer raises VIRQ_TIMER. The VMM checks a vCPU's deadlines
 * at each of its exits, every vCPU's at vCPU 0's interrupted exits (the host's tick ends a
 * guest's run at least once per tick) and, when the guest blocks, waits for the earliest one.
 */
#include <string.h>
#include <xen/vcpu.h>
#include "vmm.h"

#define WALLCLOCK_SEC 1767225600u   /* 2026-01-01T00:00:00Z: fixed, so that runs are alike */
#define MIN_PERIOD_NS 50000ull      /* Xen's minimum period (50 us) */
#define MAX_PERIOD_NS 0x7fffffffffffffffull /* Xen's STIME_DELTA_MAX: system time stays signed */

/* ns = ((delta << shift) * mul) >> 32, shift in [-31, 31]; mul in [2^31, 2^32). */
static uint64_t scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0) delta >>= -shift;
    else delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

void time_init(struct vm *vm)
{
    /* ns per tick = 10^6 / khz, as a 32-bit fraction times 2^shift. */
    vm->tsc_khz = vm->params->counter_khz ? vm->params->counter_khz : VMM_TSC_KHZ;
    uint64_t num = 1000000ull, den = vm->tsc_khz;
    int shift = 0;
    while (num >= den) { den <<= 1; shift++; }
    while (num * 2 < den) { num <<= 1; shift--; }
    vm->tsc_mul = (uint32_t)((num << 32) / den);
    vm->tsc_shift = (int8_t)shift;
    vm->tsc0 = bh_arch_counter();
}

/* The TSC value at system time ns (for the timer server, which counts in TSC). A deadline
 * the TSC never reaches (the guest may set any 64-bit one) is the last value, not a wrapped
 * one in the past: the server would signal at once, and the VMM would arm it again, for ever. */
uint64_t time_tsc_at(struct vm *vm, uint64_t ns)
{
    unsigned __int128 tsc = vm->tsc0 + (unsigned __int128)ns * vm->tsc_khz / 1000000u;
    return tsc > UINT64_MAX ? UINT64_MAX : (uint64_t)tsc;
}

uint64_t time_now_ns(struct vm *vm)
{
    return scale(bh_arch_counter() - vm->tsc0, vm->tsc_mul, vm->tsc_shift);
}

/* Every copy of a vCPU's time info gets the same snapshot, as Xen's update writes one. */
static void write_time_info(struct vm *vm, struct vcpu_time_info *t, uint64_t tsc)
{
    t->version |= 1;                    /* odd: being updated */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = scale(tsc - vm->tsc0, vm->tsc_mul, vm->tsc_shift);
    t->tsc_to_system_mul = vm->tsc_mul;
    t->tsc_shift = vm->tsc_shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}

void time_update_vcpu(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t tsc = bh_arch_counter();
    if (v->vcpu_info_gpa) {
        struct vcpu_info *vi = gpa_ptr(vm, v->vcpu_info_gpa, sizeof *vi);
        if (vi) write_time_info(vm, &vi->time, tsc);
    }
    if (vm->shared_info_gpa && v->id < XEN_LEGACY_MAX_VCPUS) {
        struct shared_info *si = gpa_ptr(vm, vm->shared_info_gpa, sizeof *si);
        if (si) write_time_info(vm, &si->vcpu_info[v->id].time, tsc);
    }
    if (v->time_area_gpa) {
        struct vcpu_time_info *t = gpa_ptr(vm, v->time_area_gpa, sizeof *t);
        if (t) write_time_info(vm, t, tsc);
    }
}

void time_write_wallclock(struct vm *vm)
{
    struct shared_info *si = gpa_ptr(vm, vm->shared_info_gpa, sizeof *si);
    if (!si) return;
    si->wc_version |= 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    si->wc_sec = WALLCLOCK_SEC;
    si->wc_nsec = 0;
    si->wc_sec_hi = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    si->wc_version++;
}

/* The vCPU is always running as far as the guest can tell: the time it spends descheduled by
 * the host is not accounted yet (no steal time). */
void time_update_runstate(struct vcpu *v)
{
    struct vcpu_runstate_info *r = gpa_ptr(v->vm, v->runstate_gpa, sizeof *r);
    if (!v->runstate_gpa || !r) return;
    uint64_t now = time_now_ns(v->vm);
    r->state_entry_time = now | XEN_RUNSTATE_UPDATE;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r->state = RUNSTATE_running;
    r->time[0] = now;
    r->time[1] = r->time[2] = r->time[3] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r->state_entry_time = now;
}

uint64_t time_next_deadline(struct vcpu *v)
{
    uint64_t d = v->timer_ns;
    if (v->period_ns && (d == 0 || v->periodic_next_ns < d)) d = v->periodic_next_ns;
    return d;
}

void time_check_timers(struct vcpu *v)
{
    uint64_t d = time_next_deadline(v);
    if (d == 0) return;
    uint64_t now = time_now_ns(v->vm);
    if (now < d) return;
    if (v->timer_ns && v->timer_ns <= now) v->timer_ns = 0;
    if (v->period_ns && v->periodic_next_ns <= now) {
        /* Every period missed at once, as Xen does: one event, and the next deadline after now
         * (a division, not a loop: the period may be as long as MAX_PERIOD_NS). */
        v->periodic_next_ns += ((now - v->periodic_next_ns) / v->period_ns + 1) * v->period_ns;
    }
    v->vm->timer_events++;
    time_update_vcpu(v);
    evtchn_send_virq(v, VIRQ_TIMER);
}

/* A deadline in the past fires at once (Xen: on the next check), unless the guest asked for
 * -ETIME with VCPU_SSHOTTMR_future. */
static int64_t set_singleshot(struct vcpu *target, uint64_t deadline_ns, bool future_only)
{
    if (future_only && deadline_ns < time_now_ns(target->vm)) return -XEN_ETIME;
    target->timer_ns = deadline_ns ? deadline_ns : 1;
    return 0;
}

int64_t time_vcpu_op(struct vcpu *target, struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    switch (cmd) {
    case VCPUOP_register_runstate_memory_area: {
        uint64_t gva, gpa;
        if (guest_copy_from(v, arg, &gva, sizeof gva) != 0) return -XEN_EFAULT;
        int rc = guest_gpa(v, gva, sizeof(struct vcpu_runstate_info), true, &gpa);
        if (rc != 0) return rc;
        target->runstate_gpa = gpa;
        time_update_runstate(target);
        return 0;
    }
    /* Xen keeps the handle and writes through it at each update; the VMM translates it once,
     * as QEMU's Xen emulation does (Linux registers a page of its direct map, which does not
     * move). A null handle stops the updates. */
    case VCPUOP_register_vcpu_time_memory_area: {
        struct vcpu_register_time_memory_area area;
        uint64_t gpa = 0;
        if (guest_copy_from(v, arg, &area, sizeof area) != 0) return -XEN_EFAULT;
        if (area.addr.h) {
            int rc = guest_gpa(v, area.addr.h, sizeof(struct vcpu_time_info), true, &gpa);
            if (rc != 0) return rc;
        }
        target->time_area_gpa = gpa;
        time_update_vcpu(target);
        return 0;
    }
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer p;
        if (guest_copy_from(v, arg, &p, sizeof p) != 0) return -XEN_EFAULT;
        if (p.period_ns < MIN_PERIOD_NS || p.period_ns > MAX_PERIOD_NS) return -XEN_EINVAL;
        target->period_ns = p.period_ns;
        target->periodic_next_ns = time_now_ns(v->vm) + p.period_ns;
        return 0;
    }
    case VCPUOP_stop_periodic_timer: target->period_ns = 0; return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer t;
        if (guest_copy_from(v, arg, &t, sizeof t) != 0) return -XEN_EFAULT;
        if (t.flags & ~VCPU_SSHOTTMR_future) return -XEN_EINVAL;
        return set_singleshot(target, t.timeout_abs_ns, (t.flags & VCPU_SSHOTTMR_future) != 0);
    }
    case VCPUOP_stop_singleshot_timer: target->timer_ns = 0; return 0;
    default: return -XEN_ENOSYS;
    }
}

/* set_timer_op(timeout): a single-shot deadline in system time for the calling vCPU; 0 cancels. */
int64_t hc_set_timer_op(struct vcpu *v, const uint64_t *a)
{
    if (a[0] == 0) {
        v->timer_ns = 0;
        return 0;
    }
    return set_singleshot(v, a[0], false);
}
