/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VT-x world switch (Intel SDM vol. 3C, 26 and 27), NOT EXECUTED YET (no VMX in QEMU TCG).
 * x86_vmx_run_guest(gprs, launched): saves the host's callee-saved registers and the gprs
 * pointer on the stack, writes that stack pointer as HOST_RSP, loads the guest's general
 * registers (15 words indexed like BH_VCPU_RAX..R15; rsp is in the VMCS) and VMLAUNCHes or
 * VMRESUMEs. A VM exit arrives at x86_vmx_exit with the host's rsp and the guest's registers,
 * which it stores; both paths return to the caller. x86_vmx_entry_failed says whether the
 * entry itself failed (VMfailValid/VMfailInvalid: the guest never ran).
 * Interrupts: with external-interrupt exiting and without acknowledge-on-exit, a host
 * interrupt ends the guest's run and stays pending; the exit leaves IF clear.
 * Before the first return after an exit, the RSB is overwritten (mitigations.h).
 */
#include "guest_regs.h"
#include "mitigations.h"
#define HOST_RSP 0x6c14

    .section .bss
    .balign 8
entry_failed:
    .quad 0

    .section .text
    .globl x86_vmx_run_guest
x86_vmx_run_guest:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                    /* (%rsp): gprs, found again at the exit */
    movq $0, entry_failed(%rip)
    mov $HOST_RSP, %eax
    vmwrite %rsp, %rax
    test %esi, %esi              /* the flags survive the loads below */
    mov G(0)(%rdi), %rax
    GUEST_REGS_LOAD
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
2:  /* Only when the entry failed: the guest's registers are still in gprs, untouched. */
    movq $1, entry_failed(%rip)
    jmp 3f

    .globl x86_vmx_exit
x86_vmx_exit:
    push %rdi                    /* the guest's rdi */
    mov 8(%rsp), %rdi
    mov %rax, G(0)(%rdi)
    GUEST_REGS_STORE
    testb $1, x86_rsb_fill_on_vm_exit(%rip)
    jz .Lexit_done
    RSB_FILL
.Lexit_done:
3:  add $8, %rsp                 /* gprs */
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .globl x86_vmx_entry_failed
x86_vmx_entry_failed:
    mov entry_failed(%rip), %eax
    ret

    .section .note.GNU-stack,"",@progbits
