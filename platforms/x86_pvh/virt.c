/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Which hardware virtualization backs the VCPU objects: AMD SVM (svm.c) or Intel VT-x
 * (vmx.c), chosen once at boot from CPUID. The ABI is the same for both (SVM's encodings;
 * vmx_codec.c translates). Direct calls behind one branch: the kernel makes no indirect call
 * after boot (kernel.x86_no_indirect_branches).
 */
#include "x86.h"
#include "virt.h"

static bool use_vmx;

void x86_virt_init(void)
{
    if (x86_svm_init()) return;
    use_vmx = x86_vmx_init();
}

bool plat_vcpu_supported(void)
{
    return use_vmx ? vmx_vcpu_supported() : svm_vcpu_supported();
}

void plat_vcpu_init(struct vcpu_arch *v)
{
    if (use_vmx) vmx_vcpu_init(v);
    else svm_vcpu_init(v);
}

void plat_vcpu_destroy(struct vcpu_arch *v)
{
    if (use_vmx) vmx_vcpu_destroy(v);
}

/* SVM's checks are the ABI's; VT-x adds what it cannot take the SVM way. */
bool plat_vcpu_check_state(word_t index, word_t value)
{
    return svm_vcpu_check_state(index, value) && (!use_vmx || vmx_vcpu_check_state(index, value));
}

void plat_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value)
{
    if (use_vmx) vmx_vcpu_write_state(v, index, value);
    else svm_vcpu_write_state(v, index, value);
}

word_t plat_vcpu_read_state(const struct vcpu_arch *v, word_t index)
{
    return use_vmx ? vmx_vcpu_read_state(v, index) : svm_vcpu_read_state(v, index);
}

void plat_vcpu_space_changed(struct vcpu_arch *v)
{
    if (use_vmx) vmx_vcpu_space_changed(v);
    else svm_vcpu_space_changed(v);
}

void plat_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *x)
{
    if (use_vmx) vmx_vcpu_run(v, guest_root, host_fpu, x);
    else svm_vcpu_run(v, guest_root, host_fpu, x);
}

unsigned plat_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out)
{
    return use_vmx ? vmx_vcpu_exit_summary(v, out) : svm_vcpu_exit_summary(v, out);
}

void plat_vcpu_set_results(struct vcpu_arch *v, const word_t *in)
{
    if (use_vmx) vmx_vcpu_set_results(v, in);
    else svm_vcpu_set_results(v, in);
}

/* Both back ends keep the pending injection in the ABI's form under BH_VCPU_EVENT_INJ. */
word_t plat_vcpu_take_event(struct vcpu_arch *v)
{
    word_t event = plat_vcpu_read_state(v, BH_VCPU_EVENT_INJ);
    plat_vcpu_write_state(v, BH_VCPU_EVENT_INJ, 0);
    return event;
}

int plat_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights)
{
    return use_vmx ? vmx_guest_map_frame(guest_root, gpa, paddr, size_bits, rights)
                   : svm_guest_map_frame(guest_root, gpa, paddr, size_bits, rights);
}

/* A table entry with R, W and X (EPT) is one with P, RW and U (nested paging): one format. */
int plat_guest_map_table(void *guest_root, word_t gpa, paddr_t table)
{
    return plat_map_table(guest_root, gpa, table);
}
