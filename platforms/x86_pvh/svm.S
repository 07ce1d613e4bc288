/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The SVM world switch (AMD64 APM vol. 2, 15.5 and 15.6).
 * x86_svm_run(gprs, vmcb_pa, host_save_pa): with GIF clear, VMSAVE the host's hidden state
 * (FS/GS/TR/LDTR, KernelGSBase, the syscall and sysenter MSRs), VMLOAD the guest's, load the
 * guest general registers that the VMCB does not hold, VMRUN (interrupts enabled: with the
 * INTR intercept, a host interrupt ends the guest's run and stays pending), then store the
 * guest's registers, VMSAVE its hidden state, VMLOAD the host's and set GIF with IF clear.
 * #VMEXIT restores the host's rax, rsp, rip, segments, control registers and EFER from the
 * host-save area (VM_HSAVE_PA); the other general registers hold the guest's values.
 * gprs: 15 words indexed like BH_VCPU_RAX..R15 (word 0, rax, is not used).
 * Before the first return after the exit, the RSB is overwritten (mitigations.h): the guest
 * may have filled it with addresses of its choosing.
 */
#include "mitigations.h"
#define G(n) (8 * (n))

    .section .text
    .globl x86_svm_run
x86_svm_run:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdx                    /* 24(%rsp) after the guest rdi push: host-save area */
    push %rdi                    /* 16: gprs */
    push %rsi                    /* 8: VMCB */
    clgi
    mov %rdx, %rax
    vmsave
    mov (%rsp), %rax
    vmload
    mov G(1)(%rdi), %rbx
    mov G(2)(%rdi), %rcx
    mov G(3)(%rdi), %rdx
    mov G(4)(%rdi), %rsi
    mov G(6)(%rdi), %rbp
    mov G(7)(%rdi), %r8
    mov G(8)(%rdi), %r9
    mov G(9)(%rdi), %r10
    mov G(10)(%rdi), %r11
    mov G(11)(%rdi), %r12
    mov G(12)(%rdi), %r13
    mov G(13)(%rdi), %r14
    mov G(14)(%rdi), %r15
    mov G(5)(%rdi), %rdi
    sti
    vmrun
    push %rdi                    /* the guest's rdi */
    mov 16(%rsp), %rdi
    mov %rbx, G(1)(%rdi)
    mov %rcx, G(2)(%rdi)
    mov %rdx, G(3)(%rdi)
    mov %rsi, G(4)(%rdi)
    mov %rbp, G(6)(%rdi)
    mov %r8, G(7)(%rdi)
    mov %r9, G(8)(%rdi)
    mov %r10, G(9)(%rdi)
    mov %r11, G(10)(%rdi)
    mov %r12, G(11)(%rdi)
    mov %r13, G(12)(%rdi)
    mov %r14, G(13)(%rdi)
    mov %r15, G(14)(%rdi)
    popq G(5)(%rdi)
    mov (%rsp), %rax
    vmsave
    mov 16(%rsp), %rax
    vmload
    testb $1, x86_rsb_fill_on_vm_exit(%rip)
    jz .Lno_rsb_fill
    RSB_FILL
.Lno_rsb_fill:
    cli
    stgi
    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .section .note.GNU-stack,"",@progbits
