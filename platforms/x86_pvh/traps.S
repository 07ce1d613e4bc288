/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Kernel entry and exit. User registers are saved straight into the current thread's
 * struct user_context (plat/machine.h), as seL4 does: x86_entry_ctx_top (and, without the
 * Meltdown window, the TSS's RSP0) point at the end of that structure, so the CPU's interrupt
 * frame and our pushes fill it. Then we switch to the one kernel stack. The idle loop runs
 * with its frame area as stack, so interrupts taken while idle land in the same layout.
 *
 * The Meltdown window (docs/security.md), chosen at boot: user address spaces map only the
 * pages of .window.text (this file's code) and .window.data (the GDT, IDT, TSS, a trampoline
 * stack and the few words the code below reads before the CR3 switch); the rest of the kernel
 * is mapped only in the kernel's own address space (x86_kernel_cr3), which every entry loads
 * first and every exit leaves for x86_user_cr3. syscall switches with the stack pointer as
 * scratch (it holds nothing yet); an interrupt from user level arrives on the trampoline
 * stack (TSS RSP0), switches, and copies the CPU's frame into the thread's context.
 */
#include "asm_offsets.h"
#include "mitigations.h"
#define VECTOR_SYSCALL 0x100
#define USER_CS 0x23
#define USER_SS 0x1b
/* An offset from the vector field, where the stack pointer is between the registers and the
 * interrupt frame (after a vector stub's pushes, or an exit's pops). */
#define FROM_VECTOR(field) (field - CTX_VECTOR)
#define TRAMPOLINE_BYTES 512

    .section .bss
    .p2align 4
    .globl x86_kernel_stack_top
x86_kernel_stack:
    .skip 16384
x86_kernel_stack_top:
    .globl x86_boot_stack_top
x86_boot_stack:
    .skip 16384
x86_boot_stack_top:

    .section .data
    .p2align 3
    .globl x86_entry_ctx_top, x86_user_cr3
x86_entry_ctx_top: .quad 0
x86_user_cr3: .quad 0          /* the next exit's address space (context.c) */

    /* Mapped in every address space when the window is on: nothing here may be secret. */
    .section .window.data, "aw"
    .p2align 4
    .globl x86_trampoline_stack, x86_trampoline_top
x86_trampoline_stack:
    .skip TRAMPOLINE_BYTES
x86_trampoline_top:
    .globl x86_kernel_cr3, x86_window_user_rsp, x86_meltdown_window
x86_kernel_cr3: .quad 0
x86_window_user_rsp: .quad 0   /* the user's rsp between syscall and the context's frame */
x86_verw_selector: .word 0x10  /* VERW's operand: any writable data segment (kernel data) */
x86_meltdown_window: .byte 0
    /* The NMI's own stack (IST 1, gdt.c): an NMI can arrive anywhere in the kernel, also
     * between syscall and the stack switch, where RSP is still the user's. */
    .p2align 4
    .globl x86_nmi_stack_top
x86_nmi_stack:
    .skip 64
x86_nmi_stack_top:

    .section .window.text, "ax"

.macro PUSH_GPRS_FROM_RBX
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro PUSH_GPRS
    push %rax
    PUSH_GPRS_FROM_RBX
.endm

/* syscall: rcx = user rip, r11 = user rflags; interrupts are off (SFMASK). */
.macro SYSCALL_SAVE
    mov x86_entry_ctx_top(%rip), %rsp
    push $USER_SS
    push x86_window_user_rsp(%rip)
    push %r11
    push $USER_CS
    push %rcx
    push $0
    push $VECTOR_SYSCALL
    PUSH_GPRS
    lea x86_kernel_stack_top(%rip), %rsp
    mov %rax, %rdi
    call handle_syscall
    ud2
.endm

    .globl x86_syscall_entry
x86_syscall_entry:
    mov %rsp, x86_window_user_rsp(%rip)
    SYSCALL_SAVE

    .globl x86_syscall_entry_window
x86_syscall_entry_window:
    mov %rsp, x86_window_user_rsp(%rip)
    mov x86_kernel_cr3(%rip), %rsp
    mov %rsp, %cr3
    SYSCALL_SAVE

/* Interrupts and exceptions: vector stubs push the vector (and 0 for no error code). */
trap_common:
    testb $3, FROM_VECTOR(CTX_CS)(%rsp)
    jz 3f
    cmpb $0, x86_meltdown_window(%rip)
    je 1f
    /* From user level through the window: on the trampoline stack, in the user's CR3. */
    push %rax
    mov x86_kernel_cr3(%rip), %rax
    mov %rax, %cr3
    mov %rsp, %rax               /* the context's rax .. ss, at their offsets from CTX_RAX */
    mov x86_entry_ctx_top(%rip), %rsp
    pushq (CTX_SS - CTX_RAX)(%rax)
    pushq (CTX_RSP - CTX_RAX)(%rax)
    pushq (CTX_RFLAGS - CTX_RAX)(%rax)
    pushq (CTX_CS - CTX_RAX)(%rax)
    pushq (CTX_RIP - CTX_RAX)(%rax)
    pushq (CTX_ERROR - CTX_RAX)(%rax)
    pushq (CTX_VECTOR - CTX_RAX)(%rax)
    pushq (CTX_RAX - CTX_RAX)(%rax)
    /* No other thread's registers stay readable in the window. */
    movq $0, (CTX_RAX - CTX_RAX)(%rax)
    movq $0, (CTX_VECTOR - CTX_RAX)(%rax)
    movq $0, (CTX_ERROR - CTX_RAX)(%rax)
    movq $0, (CTX_RIP - CTX_RAX)(%rax)
    movq $0, (CTX_CS - CTX_RAX)(%rax)
    movq $0, (CTX_RFLAGS - CTX_RAX)(%rax)
    movq $0, (CTX_RSP - CTX_RAX)(%rax)
    movq $0, (CTX_SS - CTX_RAX)(%rax)
    PUSH_GPRS_FROM_RBX
    jmp 2f
1:  PUSH_GPRS
2:  mov %rsp, %rdi
    lea x86_kernel_stack_top(%rip), %rsp
    /* An interrupt gate clears IF, TF and NT but not DF or AC, which user level sets at will:
     * the kernel's C code must run with DF clear (string instructions) and AC clear (SMAP). */
    pushq $2
    popfq
    call x86_handle_trap
    ud2
3:  PUSH_GPRS
    mov %rsp, %rdi
    lea x86_idle_frame_bottom(%rip), %rax
    cmp %rax, %rsp
    je 2b                        /* an interrupt while idle */
    /* A trap inside the kernel: a kernel bug. It may have come between an exit's CR3 switch
     * and sysret or iretq, on the trampoline stack: report it from the kernel's space, on the
     * boot stack (unused after boot). */
    mov x86_kernel_cr3(%rip), %rax
    mov %rax, %cr3
    lea x86_boot_stack_top(%rip), %rsp
    call x86_kernel_trap
    ud2

/* A vector whose exceptions push an error code can also arrive as an interrupt (an MSI or
 * an I/O APIC entry naming it), which pushes none. The frame tells them apart without a
 * memory access: two words above an error code lies CS (a selector, below 0x100); two words
 * above an interrupt's RIP lies RFLAGS, which has IF (0x200) set, as an interrupt is taken
 * only with IF set. An interrupt gets a 0 in the error code's place, so the frame is the
 * same as for every other vector; x86_handle_trap then asks the APIC's in-service register
 * whether it was an interrupt. One stub every X86_IDT_STUB_BYTES (gdt.c). */
.macro STUB n
    .p2align 5
    .if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    cmpq $0x100, 16(%rsp)
    jb 1f
    push $0
1:  push $\n
    .else
    push $0
    push $\n
    .endif
    jmp trap_common
.endm

    .p2align 5
    .globl x86_idt_stubs
x86_idt_stubs:
    .altmacro
    .set i, 0
    .rept 256
    STUB %i
    .set i, i + 1
    .endr
    .noaltmacro

/* NMIs: the kernel asks for none, but a device's MSI can carry the NMI delivery mode, and an
 * NMI is taken even with IF clear, anywhere in the kernel. It is ignored: iretq at once, on
 * its own stack, touching nothing else (so also in the Meltdown window's user CR3). */
    .globl x86_nmi_entry
x86_nmi_entry:
    iretq

/* Registers from the context (rsp points at it) up to the vector; sysret if the context came
 * from syscall, else iretq. With verw=1, VERW is the last instruction before leaving: with
 * MD_CLEAR microcode it clears the CPU buffers the kernel's loads and stores went through. */
.macro VERW_IF verw
    .if \verw
    verw x86_verw_selector(%rip)
    .endif
.endm

.macro RESTORE_AND_RETURN verw
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    cmpq $VECTOR_SYSCALL, (%rsp)
    je 1f
    add $FROM_VECTOR(CTX_RIP), %rsp
    VERW_IF \verw
    iretq
1:  mov FROM_VECTOR(CTX_RIP)(%rsp), %rcx    /* canonical (plat_return_to_user sees to it) */
    mov FROM_VECTOR(CTX_RFLAGS)(%rsp), %r11
    mov FROM_VECTOR(CTX_RSP)(%rsp), %rsp
    VERW_IF \verw
    sysretq
.endm

/* Through the window: every register but the stack pointer (and rcx/r11 for sysret, rax for
 * iretq) restored in the kernel's space; then x86_user_cr3, and only window memory after it. */
.macro WINDOW_RESTORE_AND_RETURN verw
    cmpq $VECTOR_SYSCALL, CTX_VECTOR(%rsp)
    jne 1f
    mov CTX_RIP(%rsp), %rcx      /* canonical (plat_return_to_user sees to it) */
    mov CTX_RSP(%rsp), %r11
    mov %r11, x86_window_user_rsp(%rip)
    mov CTX_RFLAGS(%rsp), %r11
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    add $8, %rsp                 /* r11: sysret's rflags */
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    add $8, %rsp                 /* rcx: sysret's rip */
    pop %rbx
    pop %rax
    mov x86_user_cr3(%rip), %rsp
    mov %rsp, %cr3
    mov x86_window_user_rsp(%rip), %rsp
    VERW_IF \verw
    sysretq
    /* iretq: its frame and rax go to the trampoline stack, where an interrupt's frame would
     * be: (top - 48) rax, then rip, cs, rflags, rsp, ss. */
1:  lea x86_trampoline_top - 48(%rip), %rax
    mov CTX_RAX(%rsp), %rcx
    mov %rcx, (%rax)
    mov CTX_RIP(%rsp), %rcx
    mov %rcx, 8(%rax)
    mov CTX_CS(%rsp), %rcx
    mov %rcx, 16(%rax)
    mov CTX_RFLAGS(%rsp), %rcx
    mov %rcx, 24(%rax)
    mov CTX_RSP(%rsp), %rcx
    mov %rcx, 32(%rax)
    mov CTX_SS(%rsp), %rcx
    mov %rcx, 40(%rax)
    movq $0, x86_window_user_rsp(%rip)
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    mov %rax, %rsp
    mov x86_user_cr3(%rip), %rax
    mov %rax, %cr3
    pop %rax
    VERW_IF \verw
    iretq
.endm

/* x86_exit_to_user(ctx): restore everything from ctx and return to user level, the way
 * x86_exit_variant (mitigations.c) says: one test without mitigations, two with the window. */
    .globl x86_exit_to_user
x86_exit_to_user:
    mov %rdi, %rsp
    testb $0xff, x86_exit_variant(%rip)
    jnz .Lexit_variants
    RESTORE_AND_RETURN 0
.Lexit_variants:
    cmpb $EXIT_WINDOW, x86_exit_variant(%rip)
    jne .Lexit_verw
    WINDOW_RESTORE_AND_RETURN 0
.Lexit_verw:
    testb $EXIT_WINDOW, x86_exit_variant(%rip)
    jnz .Lexit_window_verw
    RESTORE_AND_RETURN 1
.Lexit_window_verw:
    WINDOW_RESTORE_AND_RETURN 1

/* x86_idle_loop(frame end): wait for interrupts with the idle frame area as stack. */
    .globl x86_idle_loop
x86_idle_loop:
    mov %rdi, %rsp
1:  sti
    hlt
    cli
    jmp 1b

    .section .note.GNU-stack,"",@progbits
