/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The two hardware-virtualization back ends behind the plat_vcpu_* interface (virt.c). */
#ifndef X86_VIRT_H
#define X86_VIRT_H

#include "x86.h"

/* VMEnter's exit summary for both back ends, in BH_VM_SUMMARY_REGS order, unrolled (it runs on
 * every exit); rax is passed apart because SVM keeps it in the VMCB. Then the mode word
 * (bh_vm_mode_t, abi/x86_64.abi). */
static inline unsigned virt_exit_summary(word_t *out, uint64_t rax, const uint64_t *gpr, word_t cpl, word_t lma,
                                         word_t cs_l, word_t pg)
{
    _Static_assert(BH_VM_SUMMARY_REGS_COUNT == 8, "the summary below has 8 registers");
    out[0] = rax;
    out[1] = gpr[BH_VCPU_RBX];
    out[2] = gpr[BH_VCPU_RCX];
    out[3] = gpr[BH_VCPU_RDX];
    out[4] = gpr[BH_VCPU_RSI];
    out[5] = gpr[BH_VCPU_RDI];
    out[6] = gpr[BH_VCPU_R8];
    out[7] = gpr[BH_VCPU_R8 + 2];
    out[BH_VM_SUMMARY_REGS_COUNT] = bh_vm_mode((unsigned)pg, (unsigned)cs_l, (unsigned)lma, (unsigned)cpl);
    return BH_VM_SUMMARY_REGS_COUNT + 1;
}

/* VMEnter's results (BH_VM_RESULT_REGS): rax (wherever the back end keeps it), rbx, rcx, rdx. */
static inline void virt_set_results(uint64_t *rax, uint64_t *gpr, const word_t *in)
{
    *rax = in[0];
    gpr[BH_VCPU_RBX] = in[1];
    gpr[BH_VCPU_RCX] = in[2];
    gpr[BH_VCPU_RDX] = in[3];
}

/* A write of CR0, CR3 or CR4 changes how the guest translates addresses: a VMM emulating the
 * guest's MOV expects the TLB flush the instruction does. */
static inline bool virt_changes_translation(word_t index)
{
    return index == BH_VCPU_CR0 || index == BH_VCPU_CR3 || index == BH_VCPU_CR4;
}

/* A new VCPU's x87/SSE state: the reset values, FCW 0x037f and MXCSR 0x1f80, the rest 0. */
static inline void virt_fpu_reset(struct fpu_state *f)
{
    memset(f, 0, sizeof *f);
    f->fxsave[0] = 0x7f;
    f->fxsave[1] = 0x03;
    f->fxsave[24] = 0x80;
    f->fxsave[25] = 0x1f;
}

/*
 * The MSR permission maps of both back ends: one that intercepts every MSR, and one that lets
 * a VCPU with BH_VCPU_CTL_MSR_SWITCHED read and write the MSRs the kernel switches around its
 * runs (STAR, LSTAR, CSTAR, SFMASK, FS and GS bases, KernelGSBase, SYSENTER), all in the
 * ranges of 0x2000 MSRs from 0 and from 0xc0000000. The formats differ only in where an MSR's
 * read and write bits are: SVM (APM vol. 2, 15.11) has two adjacent bits per MSR, VT-x (SDM
 * 24.6.9) a read bitmap and a write bitmap 2 KiB on.
 */
struct virt_msr_map_format {
    uint32_t bits_per_msr;      /* SVM 2, VT-x 1 */
    uint32_t write_bit;         /* the write bit's distance from the read bit */
    uint32_t range_bit[2];      /* where the ranges from 0 and from 0xc0000000 start */
};

static inline void virt_msr_maps_build(uint8_t *all, uint8_t *switched, size_t size, struct virt_msr_map_format f)
{
    static const uint32_t switched_msrs[] = {0xc0000081u, 0xc0000082u, 0xc0000083u, 0xc0000084u, 0xc0000100u,
                                             0xc0000101u, 0xc0000102u, 0x174u, 0x175u, 0x176u};
    memset(all, 0xff, size);
    memset(switched, 0xff, size);
    for (unsigned i = 0; i < ARRAY_SIZE(switched_msrs); i++) {
        uint32_t msr = switched_msrs[i];
        uint32_t read = f.range_bit[msr >= 0xc0000000u] + (msr & 0x1fffu) * f.bits_per_msr;
        uint32_t write = read + f.write_bit;
        switched[read / 8] &= (uint8_t)~(1u << (read % 8));
        switched[write / 8] &= (uint8_t)~(1u << (write % 8));
    }
}

bool x86_svm_init(void);
bool svm_vcpu_supported(void);
void svm_vcpu_init(struct vcpu_arch *v);
bool svm_vcpu_check_state(word_t index, word_t value);
void svm_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value);
word_t svm_vcpu_read_state(const struct vcpu_arch *v, word_t index);
void svm_vcpu_space_changed(struct vcpu_arch *v);
void svm_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *x);
int svm_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights);
unsigned svm_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out);
void svm_vcpu_set_results(struct vcpu_arch *v, const word_t *in);

bool x86_vmx_init(void);
bool vmx_vcpu_supported(void);
void vmx_vcpu_init(struct vcpu_arch *v);
void vmx_vcpu_destroy(struct vcpu_arch *v);
bool vmx_vcpu_check_state(word_t index, word_t value);
void vmx_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value);
word_t vmx_vcpu_read_state(const struct vcpu_arch *v, word_t index);
void vmx_vcpu_space_changed(struct vcpu_arch *v);
void vmx_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *x);
int vmx_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights);
unsigned vmx_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out);
void vmx_vcpu_set_results(struct vcpu_arch *v, const word_t *in);

#endif
