/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A minimal local APIC in x2APIC mode (Intel SDM vol. 3, 11.12), reached only through MSRs
 * (0x800..0x8ff, and IA32_APIC_BASE), so no MMIO decode is needed. It exists because Linux sets
 * up its per-CPU clock events (the Xen VCPUOP timer) only when it finds a local APIC, and
 * starts its other CPUs with INIT and start-up IPIs. APIC_BASE reads as enabled, x2APIC on,
 * and BSP on vCPU 0; the guest may not turn it off. The x2APIC ID is the vCPU's number.
 * Registers keep what the guest writes (TPR, SVR, LVTs, timer divide/initial count, ESR reads
 * 0); no interrupt comes from the LVTs: the guest's timer is Xen's. Interrupt command (ICR)
 * writes send fixed IPIs, NMIs, INIT and SIPI to one vCPU (physical destination), to itself,
 * or to all with or without itself (smp.c delivers them); fixed interrupts are injected
 * highest vector first, without ISR or priority tracking, so EOI has nothing to do and ISR,
 * IRR and TMR read 0. Unknown or reserved registers raise #GP(0).
 */
#include "vmm.h"

#define APIC_BASE_ADDR 0xfee00000ull
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_VALUE (APIC_BASE_ADDR | APIC_BASE_EXTD | APIC_BASE_EN)
#define ICR_SHORTHAND_NONE 0u
#define ICR_SHORTHAND_SELF 1u
#define ICR_SHORTHAND_ALL 2u
#define ICR_SHORTHAND_OTHERS 3u
#define ICR_DEST_LOGICAL (1ull << 11)
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

static uint64_t apic_base(const struct vcpu *v)
{
    return APIC_BASE_VALUE | (v->id == 0 ? APIC_BASE_BSP : 0);
}

/* An ICR write: the IPI goes to the vCPUs its destination names. A logical destination
 * (x2APIC cluster mode: cluster in bits 31:16, a bit per CPU in 15:0) is decoded as the
 * LDR reads (lapic_rdmsr); an ID of no vCPU reaches nobody, as on hardware. */
static void send_ipi(struct vcpu *v, uint64_t icr)
{
    struct vm *vm = v->vm;
    unsigned mode = (unsigned)(icr >> 8) & 7u, vector = (unsigned)icr & 0xffu;
    unsigned shorthand = (unsigned)(icr >> 18) & 3u;
    uint32_t dest = (uint32_t)(icr >> 32);
    for (unsigned i = 0; i < vm->params->vcpus; i++) {
        struct vcpu *t = &vm->vcpu[i];
        bool to;
        switch (shorthand) {
        case ICR_SHORTHAND_SELF: to = t == v; break;
        case ICR_SHORTHAND_ALL: to = true; break;
        case ICR_SHORTHAND_OTHERS: to = t != v; break;
        default:
            if (icr & ICR_DEST_LOGICAL)
                to = (dest >> 16) == (i >> 4) && (dest & (1u << (i & 15))) != 0;
            else
                to = dest == i || dest == 0xffffffffu;
        }
        if (to) vcpu_deliver_ipi(t, mode, vector);
    }
}

int lapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    struct lapic *l = &v->lapic;
    if (msr == LAPIC_MSR_APIC_BASE) {
        *value = apic_base(v);
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
    if (msr == LAPIC_MSR_APIC_BASE) return value == apic_base(v) ? 0 : -1;
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
        l->icr = value & ~(1ull << 12);   /* delivery status: idle, at once */
        send_ipi(v, value);
        return 0;
    case R_SELF_IPI:
        if (value >> 8) return -1;
        vcpu_deliver_ipi(v, LAPIC_DELIVERY_FIXED, (unsigned)value);
        return 0;
    default: return -1;
    }
}
