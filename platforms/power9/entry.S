/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 entry, OPAL calls, exception vectors, kernel entry and exit.
 *
 * skiboot enters _start big-endian, in hypervisor real mode, with r3 = FDT, r8 = OPAL base,
 * r9 = OPAL entry. The first word is a no-op in little-endian and `b .+8` in big-endian; the
 * big-endian words after it (hand-encoded) flip MSR[LE] with rfid and come back to the
 * little-endian code.
 *
 * Vectors: the block p9_vectors_start..p9_vectors_end is copied to physical address 0. Each
 * vector saves r13 and r12, loads its number and branches (absolute, low memory) to the
 * common code, which saves the user registers into the struct user_context that HSPRG0
 * points to (the current thread's, or the idle context), and calls p9_handle_trap(ctx) on the
 * kernel stack. The kernel runs in real mode (interrupts clear MSR[IR,DR]; LPCR[AIL] = 0).
 */
#define SPRN_DSISR 18
#define SPRN_DAR 19
#define SPRN_SRR0 26
#define SPRN_SRR1 27
#define SPRN_HSPRG0 304
#define SPRN_HSPRG1 305
#define SPRN_HSRR0 314
#define SPRN_HSRR1 315

#include "asm_offsets.h"

/* A big-endian instruction word, emitted in big-endian byte order. */
.macro BEW w
    .byte ((\w) >> 24) & 0xff, ((\w) >> 16) & 0xff, ((\w) >> 8) & 0xff, (\w) & 0xff
.endm

    .section .text.entry, "ax"
    .globl _start
_start:
    tdi 0, 0, 0x48            /* LE: never traps. BE: reads as 0x48000008, b .+8 */
    b 2f
    BEW 0x7d6000a6            /* mfmsr r11 */
    BEW 0x696b0001            /* xori r11, r11, 1 (MSR[LE]) */
    BEW 0x39400000            /* li r10, 0 */
    BEW 0x7d410164            /* mtmsrd r10, 1 (EE = RI = 0) */
    BEW 0x429f0005            /* bcl 20, 31, .+4 */
    BEW 0x7d4802a6            /* mflr r10 */
    BEW 0x394a0014            /* addi r10, r10, 20: the word after rfid */
    BEW 0x7d5a03a6            /* mtsrr0 r10 */
    BEW 0x7d7b03a6            /* mtsrr1 r11 */
    BEW 0x4c000024            /* rfid */
2:  /* Little-endian from here. Keep r3, r8, r9. */
    lis %r2, .TOC.@ha
    addi %r2, %r2, .TOC.@l
    lis %r1, p9_boot_stack_top@ha
    addi %r1, %r1, p9_boot_stack_top@l
    li %r0, 0
    stdu %r0, -64(%r1)
    /* Clear .bss (skiboot does not). */
    lis %r4, __bss_start@ha
    addi %r4, %r4, __bss_start@l
    lis %r5, __bss_end@ha
    addi %r5, %r5, __bss_end@l
3:  cmpld %r4, %r5
    bge 4f
    std %r0, 0(%r4)
    addi %r4, %r4, 8
    b 3b
4:  lis %r13, p9_kernel_r13@ha
    ld %r13, p9_kernel_r13@l(%r13)
    mr %r4, %r8
    mr %r5, %r9
    bl p9_boot
    nop
5:  b 5b

/*
 * int64_t p9_opal_call(uint64_t token, uint64_t a0, ..., uint64_t a6)
 * Enters OPAL big-endian (MSR[LE] = MSR[EE] = 0) with r0 = token, r2 = OPAL base; OPAL
 * returns through LR to p9_opal_return, big-endian code that switches back.
 */
    .section .text
    .globl p9_opal_call
p9_opal_call:
    mflr %r0
    std %r0, 16(%r1)
    stdu %r1, -64(%r1)
    std %r2, 24(%r1)
    std %r13, 32(%r1)
    mr %r0, %r3
    mr %r3, %r4
    mr %r4, %r5
    mr %r5, %r6
    mr %r6, %r7
    mr %r7, %r8
    mr %r8, %r9
    mr %r9, %r10
    addis %r11, %r2, p9_opal_entry@toc@ha
    ld %r12, p9_opal_entry@toc@l(%r11)
    mtspr SPRN_HSRR0, %r12
    mfmsr %r12
    li %r11, 1                /* MSR_LE */
    ori %r11, %r11, 0x8000    /* MSR_EE */
    andc %r12, %r12, %r11
    mtspr SPRN_HSRR1, %r12
    lis %r12, p9_opal_return@ha
    addi %r12, %r12, p9_opal_return@l
    mtlr %r12
    addis %r11, %r2, p9_opal_base@toc@ha
    ld %r2, p9_opal_base@toc@l(%r11)
    hrfid
p9_opal_return:
    BEW 0x7d6000a6            /* mfmsr r11 */
    BEW 0x616b0001            /* ori r11, r11, 1 (MSR[LE]) */
    BEW 0x7d7b4ba6            /* mtspr HSRR1, r11 */
    BEW 0x429f0005            /* bcl 20, 31, .+4 */
    BEW 0x7d6802a6            /* mflr r11 */
    BEW 0x396b0010            /* addi r11, r11, 16: the word after hrfid */
    BEW 0x7d7a4ba6            /* mtspr HSRR0, r11 */
    BEW 0x4c000224            /* hrfid */
    ld %r2, 24(%r1)
    ld %r13, 32(%r1)
    addi %r1, %r1, 64
    ld %r0, 16(%r1)
    mtlr %r0
    blr

/* p9_exit_to_user(ctx): restore ctx and hrfid with the user MSR (hrfid, not rfid: the user
 * runs in hypervisor problem state, MSR[HV] = 1, and QEMU's rfid clears MSR[HV]). */
    .globl p9_exit_to_user
p9_exit_to_user:
    LOAD_CONTEXT_SPRS
    addis %r4, %r2, p9_user_msr@toc@ha
    ld %r4, p9_user_msr@toc@l(%r4)
    mtspr SPRN_HSRR1, %r4
    LOAD_GPRS_AND_HRFID

/* p9_idle_loop(ctx): interrupts on, wait; an interrupt saves into ctx. */
    .globl p9_idle_loop
p9_idle_loop:
    mtspr SPRN_HSPRG0, %r3
    mfmsr %r4
    ori %r4, %r4, 0x8000
    mtmsrd %r4, 1
1:  or 1, 1, 1
    b 1b

/* FP/VMX/VSX state: p9_fpu_save(struct fpu_state *), p9_fpu_restore(const struct fpu_state *).
 * Offsets: asm_offsets.h. The DQ-form stxv/lxv (ISA 3.0): one instruction a register where the
 * indexed stxvd2x needed an addi too. In little-endian mode they keep a VSR as one 16-byte
 * little-endian value: doubleword 1 first (vcpu.c's state index mapping says so). */
#define SPRN_VRSAVE 256
.macro FACILITIES_ON
    mfmsr %r9
    lis %r10, 0x0280          /* MSR_VEC | MSR_VSX */
    ori %r10, %r10, 0x2000    /* MSR_FP */
    or %r10, %r9, %r10
    mtmsrd %r10
    isync
.endm
    .globl p9_fpu_save
p9_fpu_save:
    FACILITIES_ON
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    stxv %vs\n, FPU_VSR + 16 * \n(%r3)
    .endr
    mffs %f0
    stfd %f0, FPU_FPSCR(%r3)
    mfspr %r5, SPRN_VRSAVE
    std %r5, FPU_VRSAVE(%r3)
    mfvscr %v0
    li %r4, FPU_VSCR
    stvx %v0, %r3, %r4
    /* f0 and v0 were clobbered: reload them */
    lxv %vs0, FPU_VSR(%r3)
    lxv %vs32, FPU_VSR + 32 * 16(%r3)
    mtmsrd %r9
    isync
    blr

    .globl p9_fpu_restore
p9_fpu_restore:
    FACILITIES_ON
    li %r4, FPU_VSCR
    lvx %v0, %r3, %r4
    mtvscr %v0
    ld %r5, FPU_VRSAVE(%r3)
    mtspr SPRN_VRSAVE, %r5
    lfd %f0, FPU_FPSCR(%r3)
    mtfsf 0xff, %f0, 1, 0     /* L = 1: all 64 bits (without it the upper word, DRN, stays) */
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    lxv %vs\n, FPU_VSR + 16 * \n(%r3)
    .endr
    mtmsrd %r9
    isync
    blr

/* ---- The vector block, position independent, copied to physical 0. ---- */
    .section .vectors, "ax"
    .balign 4096
    .globl p9_vectors_start, p9_vectors_end
p9_vectors_start:
.macro VEC addr, common
    .org p9_vectors_start + \addr
    mtspr SPRN_HSPRG1, %r13
    mfspr %r13, SPRN_HSPRG0
    std %r12, CTX_GPR(12)(%r13)
    li %r12, \addr
    ba (\common - p9_vectors_start)
.endm
    VEC 0x100, common_srr
    VEC 0x200, common_srr
    VEC 0x300, common_srr
    VEC 0x380, common_srr
    VEC 0x400, common_srr
    VEC 0x480, common_srr
    VEC 0x500, common_hsrr
    VEC 0x600, common_srr
    VEC 0x700, common_srr
    VEC 0x800, common_srr
    VEC 0x900, common_srr
    VEC 0x980, common_hsrr
    VEC 0xa00, common_srr
    VEC 0xb00, common_srr
    VEC 0xc00, common_srr
    VEC 0xd00, common_srr
    VEC 0xe00, common_hsrr
    VEC 0xe20, common_hsrr
    VEC 0xe40, common_hsrr
    VEC 0xe60, common_hsrr
    VEC 0xe80, common_hsrr
    VEC 0xea0, common_hsrr
    VEC 0xf00, common_srr
    VEC 0xf20, common_srr
    VEC 0xf40, common_srr
    VEC 0xf60, common_srr
    VEC 0xf80, common_hsrr
    VEC 0x1500, common_hsrr
    VEC 0x1700, common_hsrr

    .org p9_vectors_start + 0x1800
common_srr:
    std %r11, CTX_GPR(11)(%r13)
    mfspr %r11, SPRN_SRR0
    std %r11, CTX_PC(%r13)
    mfspr %r11, SPRN_SRR1
    std %r11, CTX_MSR(%r13)
    b common
common_hsrr:
    std %r11, CTX_GPR(11)(%r13)
    mfspr %r11, SPRN_HSRR0
    std %r11, CTX_PC(%r13)
    mfspr %r11, SPRN_HSRR1
    std %r11, CTX_MSR(%r13)
common:
    std %r12, CTX_VECTOR(%r13)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    std %r\n, CTX_GPR(\n)(%r13)
    .endr
    mfspr %r11, SPRN_HSPRG1
    std %r11, CTX_GPR(13)(%r13)
    mflr %r11
    std %r11, CTX_LR(%r13)
    mfctr %r11
    std %r11, CTX_CTR(%r13)
    mfcr %r11
    std %r11, CTX_CR(%r13)
    mfxer %r11
    std %r11, CTX_XER(%r13)
    mfspr %r11, SPRN_DAR
    std %r11, CTX_DAR(%r13)
    mfspr %r11, SPRN_DSISR
    std %r11, CTX_DSISR(%r13)
    ld %r1, SLOT_STACK(0)
    ld %r2, SLOT_TOC(0)
    mr %r3, %r13
    ld %r13, SLOT_R13(0)
    ld %r12, SLOT_HANDLER(0)
    mtctr %r12
    bctrl
6:  b 6b
    .org p9_vectors_start + SLOT_STACK
    .skip 0x100
p9_vectors_end:

/*
 * Relocated vectors, copied to physical 0x4000 (boot.c). A hypervisor interrupt from a radix
 * guest that ran with MSR[IR, DR] = 1 honours the guest's LPCR[AIL] = 3 (Power ISA v3.0B,
 * QEMU's ppc_excp_apply_ail: HR = 1 lets it through): it arrives at 0xC000000000004000 +
 * vector with translation on (quadrant 3, LPID 0 and PID 0: the kernel's tree maps that to
 * physical 0x4000 + vector). Each turns translation off with r13 alone (HSPRG1 holds the
 * guest's) and continues in the ordinary vector after its first instruction, in real mode.
 */
    .balign 4096
    .globl p9_reloc_vectors_start, p9_reloc_vectors_end
p9_reloc_vectors_start:
.macro RELOC addr
    .org p9_reloc_vectors_start + \addr
    mtspr SPRN_HSPRG1, %r13
    mfmsr %r13
    ori %r13, %r13, 0x30      /* IR | DR set ... */
    xori %r13, %r13, 0x30     /* ... and cleared */
    mtmsrd %r13
    b . - 0x4000 - 20 + 4     /* the vector at physical \addr, after its mtspr HSPRG1 */
.endm
    RELOC 0x500
    RELOC 0x980
    RELOC 0xc00
    RELOC 0xe00
    RELOC 0xe20
    RELOC 0xe40
    RELOC 0xe60
    RELOC 0xe80
    RELOC 0xea0
    RELOC 0xf80
    .org p9_reloc_vectors_start + 0x1000
p9_reloc_vectors_end:

    .section .bss
    .balign 16
    .globl p9_kernel_stack_top
    .skip 16384
p9_kernel_stack_top:
    .skip 16384
p9_boot_stack_top:

    .section .note.GNU-stack,"",@progbits
