/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The test guest of the kernel API suite (tests/system/ktest/t_vcpu.c): 16-bit real-mode code
 * that the test copies to guest-physical TESTGUEST_BASE and runs with CS = 0, SS:SP = 0:0x7000.
 * Every absolute address is a difference of labels plus the base, so the bytes are position
 * independent in the ktest image. Each step ends in an exit the test expects, in this order:
 *   CPUID, OUT 0x80, VMMCALL (eax 0xc0ffee), NPF at 0x9000 (the test maps it and re-enters),
 *   VMMCALL (eax = what 0x9000 held), HLT (the test injects vector 0x20 and skips the HLT),
 *   VMMCALL (eax = what the interrupt handler stored), then MEASURE_ROUNDS times:
 *   VMMCALL (the timed one), VMMCALL (eax = TSC ticks of the round trip), then
 *   VMMCALL (eax = what 0x8000 holds; the test revokes that frame), NPF at 0x8000.
 */
#define TESTGUEST_BASE 0x1000
#define A(label) (label - testguest_start + TESTGUEST_BASE)
#define VMMCALL .byte 0x0f, 0x01, 0xd9

    .section .rodata
    .code16
    .globl testguest_start, testguest_end, testguest_cpuid, testguest_out, testguest_hlt
    .globl testguest_measure, testguest_npf2
testguest_start:
    pxor %xmm7, %xmm7            /* the VMM's xmm7 must survive (CR4.OSFXSR is set) */
    movw $A(isr), 0x80           /* IVT entry 0x20: offset, segment 0 */
    movw $0, 0x82
    xorl %eax, %eax
testguest_cpuid:
    cpuid
    movb $0x5a, %al
testguest_out:
    outb %al, $0x80
    movl $0xc0ffee, %eax
    VMMCALL
    movl 0x9000, %eax
    VMMCALL
    sti
testguest_hlt:
    hlt
    movl 0x504, %eax
    VMMCALL
    movw $5, %cx
testguest_measure:
    rdtsc
    movl %eax, %esi
    VMMCALL
    rdtsc
    subl %esi, %eax
    VMMCALL
    loop testguest_measure
    movl 0x8000, %eax
    VMMCALL
testguest_npf2:
    movl 0x8000, %eax
    cli
1:  hlt
    jmp 1b
isr:
    movw $0x77, 0x504
    iret
testguest_end:
    .code64

    .section .note.GNU-stack,"",@progbits
