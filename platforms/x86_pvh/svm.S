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
#include "guest_regs.h"
#include "mitigations.h"

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
    GUEST_REGS_LOAD
    sti
    vmrun
    push %rdi                    /* the guest's rdi */
    mov 16(%rsp), %rdi
    GUEST_REGS_STORE
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
