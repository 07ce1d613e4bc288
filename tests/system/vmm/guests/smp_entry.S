/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The application processors' way in (mode=smp): smp.c copies ap_trampoline to
 * SMP_TRAMPOLINE_GPA (a start-up IPI's vector << 12), where an AP begins in real mode. It
 * loads its own GDT, enters protected mode, then long mode on entry.S's page tables, and
 * jumps to ap_long in the image, which switches to entry.S's GDT and IDT, takes the stack
 * smp.c left in ap_stack_top, and calls ap_main.
 */
#define SMP_TRAMPOLINE_GPA 0x8000
#include "long_mode.inc"
#define AT(label) (SMP_TRAMPOLINE_GPA + (label - ap_trampoline))

    .section .text, "ax"
    .code16
    .globl ap_trampoline, ap_trampoline_end
ap_trampoline:
    cli
    lgdtl %cs:(tramp_gdt_desc - ap_trampoline)
    movl %cr0, %eax
    orl $1, %eax                /* PE */
    movl %eax, %cr0
    ljmpl $0x08, $AT(ap_protected)

    .code32
ap_protected:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    enter_long_mode
    ljmp $0x18, $ap_long

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff    /* 0x10: data */
    .quad 0x00af9a000000ffff    /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
    .word tramp_gdt_end - tramp_gdt - 1
    .long AT(tramp_gdt)
ap_trampoline_end:

    .code64
ap_long:
    movq ap_stack_top(%rip), %rsp
    lgdt gdt_desc(%rip)
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    pushq $0x08
    leaq 1f(%rip), %rax
    pushq %rax
    lretq
1:  lidt idt_desc(%rip)
    call ap_main
2:  cli
    hlt
    jmp 2b
