/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Translations between the VMM-facing VCPU ABI, which uses SVM's encodings (exit codes,
 * EXITINFO layouts, EVENTINJ, packed segment attributes), and Intel VT-x's (Intel SDM vol. 3C,
 * chapters 24 to 28). Pure functions of their arguments, so that the host unit tests check
 * them (tests/host/vmx_codec/): QEMU TCG has no VMX to run the backend itself.
 */
#ifndef X86_VMX_CODEC_H
#define X86_VMX_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <bulkhead/vcpu_x86_64.h> /* the SVM exit codes the ABI reports, BH_VM_EXIT_* */

/* Not an exit of the guest: a host interrupt, NMI or INIT ended the run. */
#define VMX_EXIT_HOST_EVENT 0xfffffffeu

/* What a VM exit gives the translation (VMCS exit-information fields). */
struct vmx_exit_in {
    uint32_t reason;         /* VM_EXIT_REASON: basic reason in 15:0, entry failure in bit 31 */
    uint64_t qualification;  /* EXIT_QUALIFICATION */
    uint32_t intr_info;      /* VM_EXIT_INTR_INFO */
    uint32_t intr_error;     /* VM_EXIT_INTR_ERROR_CODE */
    uint32_t insn_len;       /* VM_EXIT_INSTRUCTION_LEN */
    uint32_t insn_info;      /* VMX_INSTRUCTION_INFO */
    uint64_t guest_phys;     /* GUEST_PHYSICAL_ADDRESS */
    uint64_t rip;            /* GUEST_RIP at the exit */
};

struct vmx_exit_out {
    uint32_t code;           /* SVM exit code (BH_VM_EXIT_*, BH_VM_EXIT_VMX_UNMAPPED(n)) or VMX_EXIT_HOST_EVENT */
    uint64_t info1, info2;   /* EXITINFO1/2 as SVM defines them for that code */
    uint64_t next_rip;       /* rip + instruction length where VT-x reports one, else 0 */
};

void vmx_translate_exit(const struct vmx_exit_in *in, struct vmx_exit_out *out);

/* A #DB that exits leaves DR6 as it was (SDM 27.1); its causes are in the exit qualification
 * (B0-B3, BD, BS; RTM active high). The DR6 a #DB handler would see, as SVM saves it before
 * its intercept, from the guest's DR6 and the exit; unchanged for INT1 (ICEBP), which does
 * not touch DR6. */
uint64_t vmx_dr6_after_db(uint64_t dr6, uint64_t qualification, uint32_t intr_info);

/* Segment attributes: SVM's packed 12 bits <-> VT-x access rights (unusable when not present). */
uint32_t vmx_access_rights(uint16_t svm_attrib);
uint16_t vmx_svm_attrib(uint32_t access_rights);

/* EVENTINJ (error code in 63:32) -> VM-entry interruption information and error code.
 * False for what VT-x cannot inject the SVM way: a software interrupt needs an instruction
 * length, and length 0 is allowed only when IA32_VMX_MISC bit 30 says so. */
bool vmx_entry_event(uint64_t eventinj, bool zero_length_ok, uint32_t *info, uint32_t *error, uint32_t *length);
/* IDT-vectoring information -> EXITINTINFO (error code in 63:32). */
uint64_t vmx_exit_int_info(uint32_t idt_vectoring, uint32_t error);

/* A control word from what we want and the capability MSR (allowed-0 settings in 31:0 must be
 * 1, allowed-1 settings in 63:32 may be 1); false when a wanted bit cannot be set. */
bool vmx_adjust_controls(uint64_t capability, uint32_t want, uint32_t *out);

/* EPT (SDM 28.3.2): leaf and table entries. A leaf is readable always (the ABI requires the
 * read right), writable and executable as asked, write-back; bit 7 for a 2 MiB page. */
uint64_t vmx_ept_leaf(uint64_t paddr, bool writable, bool executable, bool large);
uint64_t vmx_ept_table(uint64_t paddr);
/* The EPT pointer: write-back paging structures, a 4-level walk. */
uint64_t vmx_eptp(uint64_t root_paddr);

#endif
