/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The hypervisor CPUID leaves (Xen's public arch-x86/cpuid.h). Xen's leaves start at 0x40000000,
 * or 0x40000100 when Viridian leaves come first; guests search in steps of 0x100.
 *   leaf 0: eax the largest leaf, ebx:ecx:edx the signature "XenVMMXenVMM"
 *   leaf 1: eax the version (major << 16 | minor)
 *   leaf 2: eax pages of hypercall stubs, ebx the MSR that writes them (the page's gpa)
 *   leaf 4: eax XEN_HVM_CPUID_* flags, ebx the vCPU id when XEN_HVM_CPUID_VCPU_ID_PRESENT
 */
#ifndef XEN_PUBLIC_ARCH_X86_CPUID_H
#define XEN_PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000u
#define XEN_CPUID_LEAF(i) (XEN_CPUID_FIRST_LEAF + (i))

#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u   /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du   /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu   /* "nVMM" */

/* leaf 4, eax */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)   /* ebx holds the vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)     /* ecx holds the domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)     /* HVMOP_set_evtchn_upcall_vector works */

#endif
