/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The two hardware-virtualization back ends behind the plat_vcpu_* interface (virt.c). */
#ifndef X86_VIRT_H
#define X86_VIRT_H

#include "x86.h"

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
