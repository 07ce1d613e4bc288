/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Virtual CPUs on x86_64 (AMD SVM): the VCPU state indices of VCPU READ_STATE/WRITE_STATE,
 * the intercepts a VMM may choose, and the VM_ENTER exit reasons (abi/bulkhead.abi, docs/vmm.md).
 * Plain constants: the kernel's platform includes this file too, so both sides agree.
 */
#ifndef BULKHEAD_ARCH_VCPU_H
#define BULKHEAD_ARCH_VCPU_H

/* State indices. 0..14: rax rbx rcx rdx rsi rdi rbp r8..r15. */
#define BH_VCPU_RAX 0u
#define BH_VCPU_RBX 1u
#define BH_VCPU_RCX 2u
#define BH_VCPU_RDX 3u
#define BH_VCPU_RSI 4u
#define BH_VCPU_RDI 5u
#define BH_VCPU_RBP 6u
#define BH_VCPU_R8 7u
#define BH_VCPU_R15 14u
#define BH_VCPU_RSP 15u
#define BH_VCPU_RIP 16u
#define BH_VCPU_RFLAGS 17u
#define BH_VCPU_CR0 18u
#define BH_VCPU_CR2 19u
#define BH_VCPU_CR3 20u
#define BH_VCPU_CR4 21u
#define BH_VCPU_EFER 22u   /* EFER.SVME is forced on in the VMCB and hidden here */
#define BH_VCPU_DR7 23u
/* Segments: two words each, selector | attributes << 16 | limit << 32, then the base.
 * Attributes in the VMCB's packed form (APM vol. 2, 15.5.1): type, S, DPL, P, AVL, L, D/B, G. */
#define BH_VCPU_ES 24u
#define BH_VCPU_CS 26u
#define BH_VCPU_SS 28u
#define BH_VCPU_DS 30u
#define BH_VCPU_FS 32u
#define BH_VCPU_GS 34u
#define BH_VCPU_LDTR 36u
#define BH_VCPU_TR 38u
#define BH_VCPU_GDTR_BASE 40u
#define BH_VCPU_GDTR_LIMIT 41u
#define BH_VCPU_IDTR_BASE 42u
#define BH_VCPU_IDTR_LIMIT 43u
#define BH_VCPU_CONTROLS 44u
#define BH_VCPU_EXCEPTIONS 45u  /* bit n: intercept guest exception n (exit 0x40 + n) */
#define BH_VCPU_EVENT_INJ 46u
#define BH_VCPU_INT_SHADOW 47u
/* The debug registers the hardware does not switch: the kernel keeps them per VCPU and loads
 * them only while the guest may use them (docs/vmm.md, "Debug registers"). DR6 and DR7 take
 * 32-bit values. */
#define BH_VCPU_DR0 48u
#define BH_VCPU_DR3 51u
#define BH_VCPU_DR6 52u
#define BH_VCPU_STATE_COUNT 53u

/* CR4 bits a guest may have: WRITE_STATE refuses any other, and a guest's own MOV to CR4
 * always exits (BH_VM_EXIT_WRITE_CR4) for its VMM to check and write. Left out because the
 * kernel does not switch their state: PKE (PKRU), OSXSAVE (XCR0 and the XSAVE state beyond
 * x87/SSE), CET, PKS, Key Locker, UINTR; and VMXE, SMXE. */
#define BH_VCPU_CR4_ALLOWED 0x331fffull /* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT
                                           UMIP LA57, FSGSBASE PCIDE, SMEP SMAP */

#define BH_VCPU_SEG(sel, attr, limit) ((bh_word_t)(sel) | (bh_word_t)(attr) << 16 | (bh_word_t)(limit) << 32)

/* Controls: the intercepts the VMM may choose. All others are fixed by the kernel. */
#define BH_VCPU_CTL_CPUID 0x1u       /* CPUID exits (0x72) */
#define BH_VCPU_CTL_HLT 0x2u         /* HLT exits (0x78) */
#define BH_VCPU_CTL_MSR_SWITCHED 0x4u /* let the guest reach the MSRs the kernel switches with
                                         VMLOAD/VMSAVE (FS/GS/KernelGS base, STAR, LSTAR, CSTAR,
                                         SFMASK, SYSENTER_*); all other MSRs always exit */
#define BH_VCPU_CTL_ALL 0x7u

/* Event injection (EVENTINJ, APM vol. 2, 15.20). */
#define BH_VCPU_EVENT_VALID (1u << 31)
#define BH_VCPU_EVENT_ERROR_VALID (1u << 11)
#define BH_VCPU_EVENT_INTR (0u << 8)
#define BH_VCPU_EVENT_NMI (2u << 8)
#define BH_VCPU_EVENT_EXCEPTION (3u << 8)
#define BH_VCPU_EVENT_SOFT_INT (4u << 8)

/* GUEST_SPACE MAP_FRAME rights: BH_RIGHT_READ, BH_RIGHT_WRITE and this one. */
#define BH_VCPU_RIGHT_EXECUTE 8u

/* VM_ENTER exit reasons in MR0: the SVM exit code (APM vol. 2, appendix C), or these. */
#define BH_VM_EXIT_WRITE_CR4 0x14u  /* MOV to CR4; INFO1 bit 63 set: bits 3:0 name the source
                                       register (x86 encoding), else the VMM decodes */
#define BH_VM_EXIT_EXCEPTION(n) (0x40u + (n))
/* Exceptions that always exit, whatever the exception bitmap says (the benign-exception loops
 * of CVE-2015-5307 and CVE-2015-8104 would otherwise hang the processor): a VMM that did not
 * ask for them reflects them into the guest. #MC also always exits. */
#define BH_VCPU_EXCEPTIONS_ALWAYS ((1u << 1) | (1u << 17) | (1u << 18)) /* #DB #AC #MC */
#define BH_VM_EXIT_CPUID 0x72u
#define BH_VM_EXIT_INVD 0x76u
#define BH_VM_EXIT_HLT 0x78u
#define BH_VM_EXIT_IOIO 0x7bu
#define BH_VM_EXIT_MSR 0x7cu
#define BH_VM_EXIT_SHUTDOWN 0x7fu
#define BH_VM_EXIT_VMRUN 0x80u
#define BH_VM_EXIT_VMMCALL 0x81u
#define BH_VM_EXIT_WBINVD 0x89u     /* WBINVD or WBNOINVD */
#define BH_VM_EXIT_XSETBV 0x8du
#define BH_VM_EXIT_NPF 0x400u
#define BH_VM_EXIT_INVALID 0xffffffffu
#define BH_VM_EXIT_INTERRUPTED (1ull << 32)

/* VM_ENTER's reply: MR0..MR5. */
#define BH_VM_MR_REASON 0u
#define BH_VM_MR_INFO1 1u
#define BH_VM_MR_INFO2 2u
#define BH_VM_MR_RIP 3u
#define BH_VM_MR_NEXT_RIP 4u
#define BH_VM_MR_INTINFO 5u
#define BH_VM_MR_COUNT 6u
/* Then the exit summary: rax rbx rcx rdx rsi rdi r8 r10 in MR6..MR13, the mode in MR14. */
#define BH_VM_MR_SUMMARY 6u
#define BH_VM_SUMMARY_REGS {BH_VCPU_RAX, BH_VCPU_RBX, BH_VCPU_RCX, BH_VCPU_RDX, \
                            BH_VCPU_RSI, BH_VCPU_RDI, BH_VCPU_R8,  BH_VCPU_R8 + 2}
#define BH_VM_SUMMARY_REG_COUNT 8u
#define BH_VM_MR_MODE (BH_VM_MR_SUMMARY + BH_VM_SUMMARY_REG_COUNT)
#define BH_VM_MODE_CPL 0x3u      /* SS.DPL */
#define BH_VM_MODE_LMA 0x4u      /* EFER.LMA */
#define BH_VM_MODE_CS_L 0x8u     /* a 64-bit code segment */
#define BH_VM_MODE_PG 0x10u      /* CR0.PG */

/* The guest PAT a VCPU starts with, IA32_PAT's power-on value (Intel SDM vol. 3, 13.12.4; the
 * APM's is the same): the kernel loads it for nested paging and a VMM emulating IA32_PAT
 * starts from it. */
#define BH_VCPU_PAT_RESET 0x0007040600070406ull

#endif
