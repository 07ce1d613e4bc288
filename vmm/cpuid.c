/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * CPUID policy: the hardware's answer, masked to what this VMM virtualizes, plus the Xen
 * leaves at 0x40000000 (arch-x86/cpuid.h). Hidden: SVM and VMX (no nested virtualization),
 * MONITOR/MWAIT (intercepted), XSAVE and everything that needs it (XCR0 is host state, XSETBV
 * exits), the local APIC, x2APIC and the TSC deadline timer (not emulated yet), and the power
 * management leaf, machine check and MTRRs (their MSRs are not emulated), RDTSCP (TSC_AUX is
 * host state). Shown: the hypervisor bit and the vCPU number as APIC id.
 */
#include <xen/arch-x86/cpuid.h>
#include "vmm.h"

struct cpuid_regs {
    uint32_t a, b, c, d;
};

#define BIT(n) (1u << (n))
#define L1_ECX_HIDDEN (BIT(3) | BIT(5) | BIT(6) | BIT(24) | BIT(26) | BIT(27) | BIT(28))
#define L1_ECX_X2APIC BIT(21)
#define L1_ECX_HYPERVISOR BIT(31)
#define L1_EDX_APIC BIT(9)
/* Machine check (MCE, MCA: the MSR banks are not emulated) and MTRRs (not emulated). */
#define L1_EDX_HIDDEN (BIT(7) | BIT(12) | BIT(14))
/* RDTSCP: TSC_AUX is host state, not switched. */
#define X1_EDX_RDTSCP BIT(27)
/* Leaf 7: AVX2 and the AVX-512 family (they need XSAVE state). */
#define L7_EBX_HIDDEN (BIT(5) | BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31))
#define X1_ECX_SVM BIT(2)

static struct cpuid_regs native(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

static struct cpuid_regs xen_leaf(struct vcpu *v, uint32_t leaf)
{
    struct cpuid_regs r = {0, 0, 0, 0};
    switch (leaf - XEN_CPUID_FIRST_LEAF) {
    case 0:
        r = (struct cpuid_regs){XEN_CPUID_LEAF(4), XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                                XEN_CPUID_SIGNATURE_EDX};
        break;
    case 1: r.a = VMM_XEN_VERSION; break;
    case 2: r.a = 1; r.b = VMM_HYPERCALL_MSR; break;   /* one hypercall page, its MSR */
    /* Per-vCPU upcall vectors (HVMOP_set_evtchn_upcall_vector) work but are not offered: Linux
     * then acknowledges every upcall with an EOI, an MSR exit each (about 700 more in a boot),
     * where the domain's callback vector needs none. */
    case 4: r.a = XEN_HVM_CPUID_VCPU_ID_PRESENT; r.b = v->id; break;
    default: break;
    }
    return r;
}

static struct cpuid_regs policy(struct vcpu *v, uint32_t leaf, uint32_t sub)
{
    if (leaf >= 0x40000000u && leaf <= 0x4fffffffu) return xen_leaf(v, leaf);
    struct cpuid_regs r = native(leaf, sub);
    switch (leaf) {
    case 1:
        r.c = (r.c & ~L1_ECX_HIDDEN) | L1_ECX_HYPERVISOR | L1_ECX_X2APIC;
        r.d = (r.d & ~L1_EDX_HIDDEN) | L1_EDX_APIC;
        r.b = (r.b & 0x0000ffffu) | (v->id << 24) | (1u << 16);
        break;
    case 6:
    case 0xd:
    case 0x8000000au: r = (struct cpuid_regs){0, 0, 0, 0}; break;
    case 7:
        if (sub == 0) r.b &= ~L7_EBX_HIDDEN;
        r.c = r.d = 0;
        if (sub != 0) r.a = r.b = 0;
        break;
    case 0x80000001u:
        r.c &= ~X1_ECX_SVM;
        r.d &= ~(X1_EDX_RDTSCP | BIT(7) | BIT(12) | BIT(14));
        break;
    default: break;
    }
    return r;
}

void cpuid_exit(struct vcpu *v)
{
    uint32_t leaf = (uint32_t)vcpu_reg(v, BH_VCPU_RAX), sub = (uint32_t)vcpu_reg(v, BH_VCPU_RCX);
    struct cpuid_regs r = policy(v, leaf, sub);
    vcpu_set_rax_to_rdx(v, r.a, r.b, r.c, r.d);
    v->next_rip = v->exit[BH_VM_MR_RIP] + 2;
}
