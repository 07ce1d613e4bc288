/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The state-hygiene guest of the kernel API suite (tests/system/ktest/t_vcpu_hygiene.c):
 * 16-bit real-mode code copied to guest-physical HYGIENE_BASE and run with CS = 0,
 * SS:SP = 0:0x7000, CR4.OSFXSR set, the switched MSRs reachable and #UD intercepted.
 *
 * hygiene_write (guest A) puts a marker in every piece of CPU state a guest can write: DR0-DR3,
 * DR6, DR7, CR2, FS and GS, the MSRs the kernel switches, TSC_AUX (WRMSR exits), PKRU (needs
 * CR4.PKE), XCR0 (needs CR4.OSXSAVE; XSETBV exits), every xmm register, MXCSR, the x87 stack
 * and, with its last x87 instruction, FIP, FDP and FOP. Then VMMCALL.
 * hygiene_read (guest B, or A again) first FXSAVEs (before any x87 instruction of its own),
 * then stores what it sees in the results page (HYGIENE_RESULTS, layout in t_vcpu_hygiene.c),
 * then VMMCALL. Instructions that fault or exit are handled by the test, which skips them.
 */
#define HYGIENE_BASE 0x1000
#define HYGIENE_RESULTS 0x2000
#define A(label) (label - hygiene_start + HYGIENE_BASE)
#define R(off) (HYGIENE_RESULTS + (off))
#define VMMCALL .byte 0x0f, 0x01, 0xd9
#define WRPKRU .byte 0x0f, 0x01, 0xef
#define RDPKRU .byte 0x0f, 0x01, 0xee
#define CR4_OSXSAVE 0x40000
#define CR4_PKE 0x400000

    .section .rodata
    .code16
    .globl hygiene_start, hygiene_end, hygiene_write, hygiene_read, hygiene_fld, hygiene_fpu_marker
    .globl hygiene_msrs
hygiene_start:
hygiene_write:
    movl $0x11111111, %eax
    movl %eax, %dr0
    movl $0x22222222, %eax
    movl %eax, %dr1
    movl $0x33333333, %eax
    movl %eax, %dr2
    movl $0x44444444, %eax
    movl %eax, %dr3
    movl $0xffff400f, %eax       /* B0-B3 and BS: no breakpoint is enabled below */
    movl %eax, %dr6
    movl $0x00ff0700, %eax       /* LE, GE and every R/W and LEN field, no enable bit */
    movl %eax, %dr7
    movl $0x5a5a5a5a, %eax
    movl %eax, %cr2
    movw $0x1234, %ax
    movw %ax, %fs
    movw %ax, %gs
    /* The MSRs the kernel switches: marker 0x6d000000 + index (FS and GS base after the
     * selectors, which set them in real mode). */
    movw $A(hygiene_msrs), %si
    xorw %bp, %bp
1:  movl (%si), %ecx
    movl $0x6d000000, %eax
    addw %bp, %ax
    xorl %edx, %edx
    wrmsr
    addw $4, %si
    incw %bp
    cmpw $10, %bp
    jne 1b
    movl $0xc0000103, %ecx       /* TSC_AUX: always exits */
    movl $0x77, %eax
    xorl %edx, %edx
    wrmsr
    movl %cr4, %eax
    orl $CR4_PKE, %eax
    movl %eax, %cr4
    xorl %ecx, %ecx
    xorl %edx, %edx
    movl $0x5555555c, %eax       /* PKRU: deny access to keys 1, 2, 3 ... */
    WRPKRU
    movl %cr4, %eax
    orl $CR4_OSXSAVE, %eax
    movl %eax, %cr4
    xorl %ecx, %ecx
    xorl %edx, %edx
    movl $7, %eax                /* XCR0: x87, SSE, AVX */
    xsetbv
    pcmpeqd %xmm0, %xmm0
    pcmpeqd %xmm1, %xmm1
    pcmpeqd %xmm2, %xmm2
    pcmpeqd %xmm3, %xmm3
    pcmpeqd %xmm4, %xmm4
    pcmpeqd %xmm5, %xmm5
    pcmpeqd %xmm6, %xmm6
    pcmpeqd %xmm7, %xmm7
    ldmxcsr A(mxcsr_marker)
    fninit
    fldpi
hygiene_fld:                     /* the last x87 instruction: FIP, FDP (the marker) and FOP */
    fldl A(hygiene_fpu_marker)
    VMMCALL

hygiene_read:
    fxsave R(0x200)
    movl %dr0, %eax
    movl %eax, R(0x00)
    movl %dr1, %eax
    movl %eax, R(0x04)
    movl %dr2, %eax
    movl %eax, R(0x08)
    movl %dr3, %eax
    movl %eax, R(0x0c)
    movl %dr6, %eax
    movl %eax, R(0x10)
    movl %dr7, %eax
    movl %eax, R(0x14)
    movl %cr2, %eax
    movl %eax, R(0x18)
    movw %fs, R(0x1c)
    movw %gs, R(0x1e)
    movw $A(hygiene_msrs), %si
    movw $R(0x20), %di
1:  movl (%si), %ecx
    rdmsr
    movl %eax, (%di)
    addw $4, %si
    addw $4, %di
    cmpw $R(0x48), %di
    jne 1b
    rdtscp                       /* TSC_AUX in ecx */
    movl %ecx, R(0x48)
    movl %cr4, %eax
    orl $CR4_PKE, %eax
    movl %eax, %cr4
    xorl %ecx, %ecx
    RDPKRU
    movl %eax, R(0x4c)
    movl %cr4, %eax
    orl $CR4_OSXSAVE, %eax
    movl %eax, %cr4
    xorl %ecx, %ecx
    xgetbv
    movl %eax, R(0x50)
    movl %edx, R(0x54)
    VMMCALL

    .balign 8
hygiene_fpu_marker:
    .quad 0x400921fb54442d18     /* pi, as a double */
mxcsr_marker:
    .long 0x7f80                 /* round toward zero */
hygiene_msrs:                    /* FS, GS, KernelGS base; STAR LSTAR CSTAR SFMASK; SYSENTER CS ESP EIP */
    .long 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084
    .long 0x174, 0x175, 0x176
hygiene_end:
    .code64

    .section .note.GNU-stack,"",@progbits
