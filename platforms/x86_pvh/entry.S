/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * PVH entry. The loader jumps to pvh_entry in 32-bit protected mode with paging off and
 * %ebx = physical address of the hvm_start_info (Xen's arch-x86/hvm/start_info.h). We build
 * temporary page tables that map the first GiB three times (identity, the physical-memory
 * window at 0xffff800000000000 and the kernel window at 0xffffffff80000000), enter long mode
 * and jump to x86_boot() in the kernel window. x86_boot builds the real tables.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define KERNEL_VIRT 0xffffffff80000000

    .section .note.Xen, "a"
    .p2align 2
    .long 4                        /* name size: "Xen\0" */
    .long 4                        /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_entry

    .section .boot.bss, "aw", @nobits
    .p2align 12
boot_pml4:  .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:    .skip 4096
boot_stack: .skip 4096
boot_stack_top:

    .section .boot.data, "aw"
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff       /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff       /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .boot.text, "ax"
    .code32
    .globl pvh_entry
pvh_entry:
    cli
    cld
    mov %ebx, %esi                 /* keep start_info */
    mov $boot_stack_top, %esp

    /* Clear the boot tables (the loader does not promise zeroed memory). */
    mov $boot_pml4, %edi
    mov $(4096 * 4 / 4), %ecx
    xor %eax, %eax
    rep stosl

    /* PD: 512 x 2 MiB pages covering the first GiB. */
    mov $boot_pd, %edi
    mov $0x83, %eax                /* present | writable | large */
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b

    mov $boot_pd, %eax
    or $3, %eax
    mov %eax, boot_pdpt_low        /* PDPT_low[0] -> PD */
    mov %eax, boot_pdpt_high + 510 * 8   /* PDPT_high[510] -> PD (0xffffffff80000000) */
    mov $boot_pdpt_low, %eax
    or $3, %eax
    mov %eax, boot_pml4            /* PML4[0]: identity */
    mov %eax, boot_pml4 + 256 * 8  /* PML4[256]: physical window */
    mov $boot_pdpt_high, %eax
    or $3, %eax
    mov %eax, boot_pml4 + 511 * 8  /* PML4[511]: kernel window */

    mov %cr4, %eax
    or $(1 << 5), %eax             /* PAE */
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx          /* EFER */
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax   /* LME | NXE */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax           /* PG | PE */
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_mode_low

    .code64
long_mode_low:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    movabs $x86_boot_stack_top, %rsp
    mov %esi, %edi                 /* x86_boot(start_info physical address) */
    movabs $x86_boot, %rax
    call *%rax
2:  hlt
    jmp 2b

    .section .note.GNU-stack,"",@progbits
