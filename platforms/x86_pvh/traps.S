/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Kernel entry and exit. User registers are saved straight into the current thread's
 * struct user_context (plat/machine.h), as seL4 does: the TSS's RSP0 and x86_entry_ctx_top
 * point at the end of that structure, so the CPU's interrupt frame and our pushes fill it.
 * Then we switch to the one kernel stack. The idle loop runs with its frame area as stack,
 * so interrupts taken while idle land in the same layout.
 */
#define VECTOR_SYSCALL 0x100
#define USER_CS 0x23
#define USER_SS 0x1b
#define CTX_CS 18*8            /* offsetof(struct user_context, cs) */

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
x86_verw_selector: .word 0x10  /* VERW's operand: any writable data segment (kernel data) */
    .p2align 3
    .globl x86_entry_ctx_top
x86_entry_ctx_top: .quad 0
x86_user_rsp: .quad 0

    .section .text

.macro PUSH_GPRS
    push %rax
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

/* syscall: rcx = user rip, r11 = user rflags; interrupts are off (SFMASK). */
    .globl x86_syscall_entry
x86_syscall_entry:
    mov %rsp, x86_user_rsp(%rip)
    mov x86_entry_ctx_top(%rip), %rsp
    push $USER_SS
    push x86_user_rsp(%rip)
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

/* Interrupts and exceptions: vector stubs push the vector (and 0 for no error code). */
trap_common:
    PUSH_GPRS
    mov %rsp, %rdi
    testb $3, CTX_CS(%rsp)
    jnz 1f
    lea x86_idle_frame_bottom(%rip), %rax
    cmp %rax, %rsp
    jne 2f                       /* a trap inside the kernel: a kernel bug */
1:  lea x86_kernel_stack_top(%rip), %rsp
    /* An interrupt gate clears IF, TF and NT but not DF or AC, which user level sets at will:
     * the kernel's C code must run with DF clear (string instructions) and AC clear (SMAP). */
    pushq $2
    popfq
    call x86_handle_trap
    ud2
2:  call x86_kernel_trap
    ud2

.macro STUB n
    .p2align 4
    .if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    push $\n
    .else
    push $0
    push $\n
    .endif
    jmp trap_common
.endm

    .p2align 4
    .globl x86_idt_stubs
x86_idt_stubs:
    .altmacro
    .set i, 0
    .rept 256
    STUB %i
    .set i, i + 1
    .endr
    .noaltmacro

/* Registers from the context (rsp points at it) up to the vector; sysret if the context came
 * from syscall, else iretq. With verw=1, VERW is the last instruction before leaving: with
 * MD_CLEAR microcode it clears the CPU buffers the kernel's loads and stores went through. */
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
    add $16, %rsp
    .if \verw
    verw x86_verw_selector(%rip)
    .endif
    iretq
1:  mov 16(%rsp), %rcx           /* rip */
    /* Never sysret to a non-canonical address: Intel's sysretq would fault in ring 0 on the
     * user's stack. USER_TOP makes it impossible; this keeps it so. */
    mov %rcx, %r11
    shr $47, %r11
    jnz 2f
    mov 32(%rsp), %r11           /* rflags */
    mov 40(%rsp), %rsp           /* user rsp */
    .if \verw
    verw x86_verw_selector(%rip)
    .endif
    sysretq
2:  mov -24(%rsp), %rcx          /* the user's rcx and r11 (popped above) for iretq */
    mov -88(%rsp), %r11
    add $16, %rsp
    .if \verw
    verw x86_verw_selector(%rip)
    .endif
    iretq
.endm

/* x86_exit_to_user(ctx): restore everything from ctx and return to user level, the way
 * x86_exit_variant (mitigations.c) says. */
    .globl x86_exit_to_user
x86_exit_to_user:
    mov %rdi, %rsp
    testb $0xff, x86_exit_variant(%rip)
    jnz 1f
    RESTORE_AND_RETURN 0
1:  RESTORE_AND_RETURN 1

/* x86_idle_loop(frame end): wait for interrupts with the idle frame area as stack. */
    .globl x86_idle_loop
x86_idle_loop:
    mov %rdi, %rsp
1:  sti
    hlt
    cli
    jmp 1b

    .section .note.GNU-stack,"",@progbits
