/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * PVH entry of the test guest: 32-bit protected mode, paging off, %ebx = hvm_start_info.
 * Builds identity page tables for the first GiB (2 MiB pages) plus an alias at 1 GiB for the
 * RAM at 2 MiB (to test guest-virtual hypercall arguments), enters long mode through EFER
 * (RDMSR/WRMSR exits to the VMM), installs the IDT and calls guest_main(start_info).
 * Exception stubs: #GP skips a 2-byte RDMSR/WRMSR, #UD skips a 3-byte instruction (the tests
 * raise them only there), vector 0xf3 is the event callback, other vectors from 32 up are
 * counted and ignored (the hostile guest may program a random callback vector, timers and
 * self-IPIs, which the VMM then rightly delivers); any other exception fails check 999 and
 * halts with interrupts off.
 */
#include "long_mode.inc"
#define ALIAS_PD_ENTRY (0x200000 + 0x83)

    .section .note.Xen, "a"
    .balign 4
    .long 4, 4, 18              /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_entry

    .section .text.entry, "ax"
    .code32
    .globl pvh_entry
pvh_entry:
    movl %ebx, %esi
    /* PML4[0] -> PDPT; PDPT[0] -> PD0 (identity 1 GiB); PDPT[1] -> PD1 (alias). */
    movl $pdpt + 3, pml4
    movl $pd0 + 3, pdpt
    movl $pd1 + 3, pdpt + 8
    movl $ALIAS_PD_ENTRY, pd1
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, pd0(,%ecx,8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b
    enter_long_mode
    lgdt gdt_desc
    ljmp $0x08, $long_entry

    .code64
long_entry:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    leaq stack_top(%rip), %rsp
    call idt_install
    movl %esi, %edi
    call guest_main
2:  cli
    hlt
    jmp 2b

idt_install:
    leaq idt(%rip), %rdi
    xorl %ecx, %ecx
3:  leaq unexpected(%rip), %rax
    cmpl $32, %ecx
    jb 8f
    leaq irq_stub(%rip), %rax
8:  cmpl $6, %ecx
    jne 4f
    leaq ud_stub(%rip), %rax
4:  cmpl $13, %ecx
    jne 9f
    leaq gp_stub(%rip), %rax
9:  cmpl $14, %ecx
    jne 10f
    leaq pf_stub(%rip), %rax
10: cmpl $1, %ecx
    jne 5f
    leaq db_stub(%rip), %rax
5:  cmpl $0xf3, %ecx
    jne 6f
    leaq callback_stub(%rip), %rax
6:  movw %ax, (%rdi)
    movw $0x08, 2(%rdi)
    movw $0x8e00, 4(%rdi)       /* present, DPL 0, 64-bit interrupt gate */
    shrq $16, %rax
    movw %ax, 6(%rdi)
    shrq $16, %rax
    movl %eax, 8(%rdi)
    movl $0, 12(%rdi)
    addq $16, %rdi
    incl %ecx
    cmpl $256, %ecx
    jne 3b
    lidt idt_desc(%rip)
    ret

    .globl gp_count, ud_count, callback_count, irq_count, pf_count, pf_cr2, pf_error, gp_skip
    .globl db_count, db_dr6
pf_stub:                        /* records CR2 and the error code; the faulting instruction is 2 bytes */
    pushq %rax
    movq %cr2, %rax
    movq %rax, pf_cr2(%rip)
    movq 8(%rsp), %rax
    movl %eax, pf_error(%rip)
    popq %rax
    addq $2, 8(%rsp)            /* past the error code: the saved RIP */
    incl pf_count(%rip)
    addq $8, %rsp
    iretq
gp_stub:
    pushq %rax
    movq gp_skip(%rip), %rax
    addq %rax, 16(%rsp)         /* past the error code: the saved RIP */
    popq %rax
    incl gp_count(%rip)
    addq $8, %rsp
    iretq
ud_stub:
    addq $3, (%rsp)
    incl ud_count(%rip)
    iretq
db_stub:                        /* records DR6 and resets it, as a handler does; clears TF */
    pushq %rax
    movq %dr6, %rax
    movq %rax, db_dr6(%rip)
    movq $0xffff0ff0, %rax
    movq %rax, %dr6
    popq %rax
    andq $~0x100, 16(%rsp)
    incl db_count(%rip)
    iretq
callback_stub:
    incl callback_count(%rip)
    iretq
irq_stub:
    incl irq_count(%rip)
    iretq
unexpected:
    movl $0x504, %edx
    movq (%rsp), %rax
    outl %eax, %dx
    movl $0x500, %edx
    movl $(999 | 0x80000000), %eax
    outl %eax, %dx
7:  cli
    hlt
    jmp 7b

    .section .rodata
    .globl gdt_desc, idt_desc, pml4   /* the APs' too (smp_entry.S) */
    .balign 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff    /* 0x10: data */
    .quad 0x00cf9a000000ffff    /* 0x18: 32-bit code (compatibility mode: mode=probe) */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .quad gdt
idt_desc:
    .word 256 * 16 - 1
    .quad idt

    .section .data
    .balign 8
gp_skip: .quad 2                /* the length of the instruction the #GP handler skips */

    .section .bss
    .balign 4096
    .globl pd1
pml4: .skip 4096
pdpt: .skip 4096
pd0: .skip 4096
pd1: .skip 4096
idt: .skip 256 * 16
    .globl hypercall_page
    .balign 4096
hypercall_page: .skip 4096
stack: .skip 16384
stack_top:
gp_count: .long 0
ud_count: .long 0
db_count: .long 0
    .balign 8
db_dr6: .quad 0
callback_count: .long 0
irq_count: .long 0
pf_count: .long 0
pf_error: .long 0
    .balign 8
pf_cr2: .quad 0
