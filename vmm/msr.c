/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * MSR policy. The kernel lets the guest reach the MSRs that VMLOAD/VMSAVE switch directly
 * (BH_VCPU_CTL_MSR_SWITCHED); every other RDMSR/WRMSR exits here. Emulated: EFER (through the
 * VCPU state, reserved bits #GP), PAT (kept, not enforced yet), the TSC (read only) and Xen's
 * hypercall-page MSR (write only); APIC_BASE and the x2APIC registers go to lapic.c. AMD's
 * NB_CFG reads as 0 and ignores writes, as KVM and Xen's HVM guests see it: Linux sets its
 * CF8 extended-config bit on AMD CPUs without a fault handler (enable_pci_io_ecs in
 * arch/x86/pci/amd_bus.c) and would print two call traces. Anything else raises
 * #GP(0), as hardware does for an MSR it does not have.
 */
#include <string.h>
#include "vmm.h"

#define MSR_TSC 0x10u
#define MSR_PAT 0x277u
#define MSR_EFER 0xc0000080u
#define MSR_AMD64_NB_CFG 0xc001001fu   /* AMD northbridge configuration */
#define EFER_ALLOWED 0x6d01ull    /* SCE, LME, LMA, NXE, LMSLE, FFXSR (the kernel's list minus TCE) */
#define EFER_LMA 0x400ull
#define VMMCALL_STUB_SIZE 32u

/* Xen's layout: stub i at 32 * i is `mov $i, %eax; vmmcall; ret`. */
void msr_write_hypercall_page(uint8_t *page)
{
    memset(page, 0xcc, 4096);   /* int3 between stubs */
    for (uint32_t i = 0; i < VMM_HYPERCALLS; i++) {
        uint8_t *s = page + i * VMMCALL_STUB_SIZE;
        s[0] = 0xb8;
        memcpy(s + 1, &i, 4);
        s[5] = 0x0f; s[6] = 0x01; s[7] = 0xd9;
        s[8] = 0xc3;
    }
}

/* The value's low 12 bits name the page (only page 0 exists); the rest is its gpa. */
static int write_hypercall_page(struct vm *vm, uint64_t value)
{
    uint8_t *page = gpa_ptr(vm, value & ~0xfffull, 4096);
    if ((value & 0xfff) != 0 || !page) return -1;
    msr_write_hypercall_page(page);
    return 0;
}

static int rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    if (lapic_msr(msr)) return lapic_rdmsr(v, msr, value);
    switch (msr) {
    case MSR_EFER: *value = vcpu_reg(v, BH_VCPU_EFER); return 0;
    case MSR_PAT: *value = v->pat; return 0;
    case MSR_TSC: *value = bh_arch_counter(); return 0;
    case MSR_AMD64_NB_CFG: *value = 0; return 0;
    default: return -1;
    }
}

static bool pat_valid(uint64_t pat)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (unsigned)(pat >> (8 * i)) & 0xffu;
        if (t == 2 || t == 3 || t > 7) return false;
    }
    return true;
}

static int wrmsr(struct vcpu *v, uint32_t msr, uint64_t value)
{
    if (lapic_msr(msr)) return lapic_wrmsr(v, msr, value);
    switch (msr) {
    case MSR_EFER:
        if (value & ~EFER_ALLOWED) return -1;
        /* LMA is the processor's to set (APM vol. 2, 14.6): a write keeps it. */
        vcpu_set_reg(v, BH_VCPU_EFER, (value & ~EFER_LMA) | (vcpu_reg(v, BH_VCPU_EFER) & EFER_LMA));
        return 0;
    case MSR_PAT:
        if (!pat_valid(value)) return -1;
        v->pat = value;
        return 0;
    case VMM_HYPERCALL_MSR: return write_hypercall_page(v->vm, value);
    case MSR_AMD64_NB_CFG: return 0;
    default: return -1;
    }
}

/* EXITINFO1: 0 for RDMSR, 1 for WRMSR. ECX names the MSR; EDX:EAX carries the value. */
void msr_exit(struct vcpu *v)
{
    uint32_t msr = (uint32_t)vcpu_reg(v, BH_VCPU_RCX);
    int rc;
    if (v->exit[BH_VM_MR_INFO1] & 1) {
        uint64_t value = (vcpu_reg(v, BH_VCPU_RDX) << 32) | (uint32_t)vcpu_reg(v, BH_VCPU_RAX);
        rc = wrmsr(v, msr, value);
    } else {
        uint64_t value = 0;
        rc = rdmsr(v, msr, &value);
        if (rc == 0) {
            vcpu_set_reg(v, BH_VCPU_RAX, (uint32_t)value);
            vcpu_set_reg(v, BH_VCPU_RDX, value >> 32);
        }
    }
    if (rc != 0)
        vcpu_inject_exception(v, 13, true, 0);
    else
        v->next_rip = v->exit[BH_VM_MR_RIP] + 2;
}
