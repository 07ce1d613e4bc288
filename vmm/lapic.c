/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A minimal local APIC in x2APIC mode (Intel SDM vol. 3, 11.12), reached only through MSRs
 * (0x800..0x8ff, and IA32_APIC_BASE), so no MMIO decode is needed. It exists because Linux sets
 * up its per-CPU clock events (the Xen VCPUOP timer) only when it finds a local APIC; with none
 * it stays in PIC mode and never arms a timer. APIC_BASE reads as enabled, x2APIC on, BSP; the
 * guest may not turn it off. Registers keep what the guest writes (TPR, SVR, LVTs, timer
 * divide/initial count, ESR reads 0) but nothing is delivered through them: the only interrupt
 * source is the Xen callback vector (vcpu.c), which needs no EOI. ISR, IRR and TMR read 0.
 * A self-IPI is injected as a fixed interrupt. Unknown or reserved registers raise #GP(0).
 */
#include "vmm.h"

#define APIC_BASE_ADDR 0xfee00000ull
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_VALUE (APIC_BASE_ADDR | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN)
#define APIC_VERSION 0x00050014u  /* version 0x14, 6 LVT entries (max index 5) */

enum { R_ID = 0x02, R_VER = 0x03, R_TPR = 0x08, R_PPR = 0x0a, R_EOI = 0x0b, R_LDR = 0x0d, R_SVR = 0x0f,
       R_ISR = 0x10, R_TMR = 0x18, R_IRR = 0x20, R_ESR = 0x28, R_LVT_CMCI = 0x2f, R_ICR = 0x30,
       R_LVT_TIMER = 0x32, R_LVT_ERROR = 0x37, R_TMICT = 0x38, R_TMCCT = 0x39, R_TDCR = 0x3e, R_SELF_IPI = 0x3f };

bool lapic_msr(uint32_t msr)
{
    return msr == LAPIC_MSR_APIC_BASE || (msr >= LAPIC_MSR_FIRST && msr <= LAPIC_MSR_LAST);
}

static uint32_t *reg_slot(struct lapic *l, unsigned r)
{
    switch (r) {
    case R_TPR: return &l->tpr;
    case R_SVR: return &l->svr;
    case R_LVT_CMCI: return &l->lvt[6];
    case R_TMICT: return &l->tmict;
    case R_TDCR: return &l->tdcr;
    default: return r >= R_LVT_TIMER && r <= R_LVT_ERROR ? &l->lvt[r - R_LVT_TIMER] : NULL;
    }
}

int lapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    struct lapic *l = &v->lapic;
    if (msr == LAPIC_MSR_APIC_BASE) {
        *value = APIC_BASE_VALUE;
        return 0;
    }
    unsigned r = msr - LAPIC_MSR_FIRST;
    uint32_t *slot = reg_slot(l, r);
    if (slot) {
        *value = *slot;
        return 0;
    }
    switch (r) {
    case R_ID: *value = v->id; return 0;
    case R_VER: *value = APIC_VERSION; return 0;
    case R_PPR: *value = l->tpr & 0xf0u; return 0;
    case R_LDR: *value = ((v->id >> 4) << 16) | (1u << (v->id & 15)); return 0;
    case R_ESR: *value = 0; return 0;
    case R_ICR: *value = l->icr; return 0;
    case R_TMCCT: *value = 0; return 0;
    default:
        if (r >= R_ISR && r < R_IRR + 8) {   /* ISR, TMR, IRR: nothing in service or pending */
            *value = 0;
            return 0;
        }
        return -1;
    }
}

int lapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value)
{
    struct lapic *l = &v->lapic;
    if (msr == LAPIC_MSR_APIC_BASE) return value == APIC_BASE_VALUE ? 0 : -1;
    unsigned r = msr - LAPIC_MSR_FIRST;
    uint32_t *slot = reg_slot(l, r);
    if (slot) {
        if (value >> 32) return -1;
        *slot = (uint32_t)value;
        return 0;
    }
    switch (r) {
    case R_EOI: return value == 0 ? 0 : -1;
    case R_ESR: return value == 0 ? 0 : -1;
    case R_ICR:
        l->icr = value;
        /* A fixed IPI to itself (shorthand self, or destination = own id): inject it. */
        if (((value >> 8) & 7) == 0 && (((value >> 18) & 3) == 1 || (((value >> 18) & 3) == 0 && (value >> 32) == v->id)))
            if ((value & 0xff) >= 32 && !v->event_inj) vcpu_inject_interrupt(v, (unsigned)(value & 0xff));
        return 0;
    case R_SELF_IPI:
        if ((value & 0xff) >= 32 && !v->event_inj) vcpu_inject_interrupt(v, (unsigned)(value & 0xff));
        return 0;
    default: return -1;
    }
}
