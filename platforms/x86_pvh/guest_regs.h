/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's general registers around a world switch, shared by svm.S and vmx.S: an array of
 * 15 words indexed like BH_VCPU_RAX..BH_VCPU_R15 (rsp is in the VMCB or the VMCS). rax is each
 * back end's own: SVM keeps it in the VMCB, VT-x loads and stores it around these macros.
 */
#ifndef X86_GUEST_REGS_H
#define X86_GUEST_REGS_H

#define G(n) (8 * (n))

/* Loads rbx..r15 from the array %rdi points to; rdi last, as it holds the pointer. */
.macro GUEST_REGS_LOAD
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
.endm

/* Stores rbx..r15 into the array %rdi points to. The guest's rdi was pushed before %rdi was
 * pointed at the array: it is popped into its slot. */
.macro GUEST_REGS_STORE
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
.endm

#endif
