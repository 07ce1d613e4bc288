/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A tiny ppc64le LPAR guest for the POWER9 VCPU tests (ktest_vcpu.c), copied to guest-real 0
 * and entered in real mode, little-endian, with r3 = FDT address or 0. Its own interrupt
 * vectors: 0x500 (external: r21 = 0x500) and 0x900 (decrementer: r20 = 1, DEC far away).
 * Each step ends in an exit the test checks: H_PUT_TERM_CHAR with a line, an unknown hcall,
 * loads from unmapped guest-real memory (one at the host kernel's address), a store to a
 * read-only page, a jump into a no-execute page, FP state both ways, a load from a page the
 * VMM has just unmapped, a decrementer interrupt, an injected external interrupt; the test
 * hcalls are 0xF1xx (REPORT 0xF100.., DONE 0xF1FF, FAIL 0xF1EE with the failing address).
 *
 * Two more guests for the isolation test, each copied to guest-real 0 of its own partition:
 * p9guest_a writes its guest-visible SPRs (TIDR and PSPB too: supervisor-writable, not VCPU
 * state) and reports its page 1's first word (0xF1A0);
 * p9guest_b reports what it finds in the same SPRs and its own page 1 (0xF1B0).
 */
#define H_PUT_TERM_CHAR 0x58
#define HC(n) li %r3, 0; ori %r3, %r3, (n); sc 1

    .section .rodata.p9guest, "a"
    .balign 4096
    .globl p9guest_start, p9guest_end
p9guest_start:
    b main

    .org p9guest_start + 0x500
    li %r21, 0x500
    rfid

    .org p9guest_start + 0x900
    li %r20, 1
    lis %r0, 0x7fff
    mtdec %r0
    rfid

    .org p9guest_start + 0x1000
main:
    mr %r31, %r3
    /* the console: 16 characters in r6, r7, first character most significant */
    li %r3, H_PUT_TERM_CHAR
    li %r4, 0
    li %r5, 16
    li %r9, msg - p9guest_start
    ldbrx %r6, 0, %r9
    addi %r9, %r9, 8
    ldbrx %r7, 0, %r9
    sc 1
    cmpdi %r3, 0
    bne fail
    /* an hcall nobody implements: H_FUNCTION (-2) */
    li %r3, 0x7ff0
    sc 1
    cmpdi %r3, -2
    bne fail
    /* unmapped guest-real memory: the VMM answers 0x1234 */
    lis %r9, 0x10
    ld %r5, 0(%r9)
    cmpdi %r5, 0x1234
    bne fail
    /* where the host kernel lives (host-real 0x20000000): an exit, never its memory */
    lis %r9, 0x2000
    ld %r5, 0(%r9)
    cmpdi %r5, 0x5678
    bne fail
    /* a store to the read-only page 2 exits and changes nothing */
    li %r9, 0x2000
    li %r5, 0x66
    std %r5, 0(%r9)
    ld %r4, 0(%r9)
    HC(0xf100)
    /* a jump into the no-execute page 3: the VMM resumes at LR */
    li %r9, 0x3000
    mtctr %r9
    bctrl
    /* FP: f2 is the VMM's, f31 becomes page 4's second doubleword */
    li %r9, 0x4000
    stfd %f2, 0(%r9)
    ld %r4, 0(%r9)
    lfd %f31, 8(%r9)
    mfvscr %v1                /* VSCR as the VMM set it, both halves of the quadword */
    li %r9, 0x4010
    stvx %v1, 0, %r9
    ld %r5, 0(%r9)
    ld %r6, 8(%r9)
    HC(0xf101)
    /* page 4 was unmapped meanwhile: this load exits (the VMM answers 0) */
    li %r9, 0x4000
    ld %r5, 0(%r9)
    mr %r4, %r5
    HC(0xf102)
    /* the decrementer, with MSR[EE] on */
    mfmsr %r9
    ori %r9, %r9, 0x8000
    mtmsrd %r9, 1
    li %r20, 0
    li %r9, 2000
    mtdec %r9
    lis %r10, 0x100
    mtctr %r10
1:  cmpdi %r20, 1
    beq 2f
    bdnz 1b
    b fail
2:  mr %r4, %r20
    HC(0xf103)
    /* the VMM injected an external interrupt at that exit */
    mr %r4, %r21
    HC(0xf104)
    /* hcall round trips timed with the timebase: 0xF105, then the time in 0xF106 */
    li %r16, 5
    mtctr %r16
4:  mftb %r14
    HC(0xf105)
    mftb %r15
    subf %r4, %r14, %r15
    HC(0xf106)
    bdnz 4b
    mr %r4, %r31
    HC(0xf1ff)
fail:
    bl 3f
3:  mflr %r4
    HC(0xf1ee)
    b fail
msg:
    .ascii "guest: hello p9\n"
    .balign 8
p9guest_end:

    .balign 8
    .globl p9guest_a_start, p9guest_a_end
p9guest_a_start:
    lis %r9, 0x5a5a
    ori %r9, %r9, 0x5a5a
    mtsprg0 %r9
    mtsprg1 %r9
    mtsprg2 %r9
    mtsprg3 %r9
    mtspr 29, %r9             /* AMR */
    mtspr 19, %r9             /* DAR */
    mtspr 18, %r9             /* DSISR */
    mtspr 26, %r9             /* SRR0 */
    mtspr 157, %r9            /* UAMOR */
    mtspr 144, %r9            /* TIDR */
    mtspr 159, %r9            /* PSPB */
    mtspr 48, %r9             /* PIDR */
    mfspr %r5, 136            /* CTRL as found (r5), then the run latch flipped */
    xori %r10, %r5, 1
    mtspr 152, %r10
    li %r10, 0x1000
    ld %r4, 0(%r10)
    HC(0xf1a0)
5:  b 5b
p9guest_a_end:

    .balign 8
    .globl p9guest_b_start, p9guest_b_end
p9guest_b_start:
    mfsprg0 %r4
    mfsprg1 %r9
    or %r4, %r4, %r9
    mfsprg2 %r9
    or %r4, %r4, %r9
    mfsprg3 %r9
    or %r4, %r4, %r9
    mfspr %r5, 29             /* AMR */
    mfspr %r6, 19             /* DAR */
    mfspr %r7, 18             /* DSISR */
    li %r10, 0x1000
    ld %r8, 0(%r10)
    mfspr %r9, 157            /* UAMOR | TIDR | PSPB */
    mfspr %r11, 144
    or %r9, %r9, %r11
    mfspr %r11, 159
    or %r9, %r9, %r11
    mfspr %r10, 48            /* PIDR */
    mfspr %r3, 136            /* CTRL in r3's upper half */
    sldi %r3, %r3, 32
    or %r8, %r8, %r3
    HC(0xf1b0)
6:  b 6b
p9guest_b_end:

/*
 * The hostile guest: the VMM chooses every action (hcall 0xF1C0 returns r3 = what, r4, r5,
 * r6): 0 an hcall r4 with arguments r5, r6 and whatever r7..r12 hold; 1 execute the instruction
 * word r4 (an mtspr or mfspr of a random SPR, written into page 3 before a blr); 2 a load from
 * r4; 3 a store of r5 to r4; anything else ends it (0xF1FF). Each of its own interrupts
 * reports the vector with SRR0/SRR1 (0xF1E0: r4 SRR0, r5 SRR1, r6 the vector); the VMM
 * resumes it after the instruction.
 */
.macro GUEST_INTERRUPT vector
    mfsrr0 %r4
    mfsrr1 %r5
    li %r6, \vector
    HC(0xf1e0)
    b .
.endm
    .balign 4096
    .globl p9guest_h_start, p9guest_h_end
p9guest_h_start:
    b hostile_loop
    .org p9guest_h_start + 0x200
    GUEST_INTERRUPT 0x200
    .org p9guest_h_start + 0x300
    GUEST_INTERRUPT 0x300
    .org p9guest_h_start + 0x380
    GUEST_INTERRUPT 0x380
    .org p9guest_h_start + 0x400
    GUEST_INTERRUPT 0x400
    .org p9guest_h_start + 0x480
    GUEST_INTERRUPT 0x480
    .org p9guest_h_start + 0x500
    GUEST_INTERRUPT 0x500
    .org p9guest_h_start + 0x600
    GUEST_INTERRUPT 0x600
    .org p9guest_h_start + 0x700
    GUEST_INTERRUPT 0x700
    .org p9guest_h_start + 0x800
    GUEST_INTERRUPT 0x800
    .org p9guest_h_start + 0x900
    GUEST_INTERRUPT 0x900
    .org p9guest_h_start + 0xa00
    GUEST_INTERRUPT 0xa00
    .org p9guest_h_start + 0xb00
    GUEST_INTERRUPT 0xb00
    .org p9guest_h_start + 0xd00
    GUEST_INTERRUPT 0xd00
    .org p9guest_h_start + 0xf00
    GUEST_INTERRUPT 0xf00
    .org p9guest_h_start + 0xf20
    GUEST_INTERRUPT 0xf20
    .org p9guest_h_start + 0xf40
    GUEST_INTERRUPT 0xf40
    .org p9guest_h_start + 0xf60
    GUEST_INTERRUPT 0xf60
    .org p9guest_h_start + 0x1000
hostile_loop:
    HC(0xf1c0)
    cmpdi %r3, 0
    beq 1f
    cmpdi %r3, 1
    beq 2f
    cmpdi %r3, 2
    beq 3f
    cmpdi %r3, 3
    beq 4f
    HC(0xf1ff)
    b .
1:  mr %r3, %r4
    mr %r4, %r5
    mr %r5, %r6
    sc 1
    b hostile_loop
2:  li %r9, 0x3000
    stw %r4, 0(%r9)
    dcbst 0, %r9
    sync
    icbi 0, %r9
    isync
    mtctr %r9
    bctrl
    b hostile_loop
3:  ld %r5, 0(%r4)
    b hostile_loop
4:  std %r5, 0(%r4)
    b hostile_loop
p9guest_h_end:


/*
 * The translated guest: entered at 0xC000000000000000 (guest-real 0 through its own radix tree,
 * built by the VMM, PID 0's process-table entry) with IR and DR on, AIL = 3 and ILE. It reports
 * a word read through the translation (0xF1D0), then takes its own data storage interrupt at an
 * unmapped address, which AIL = 3 sends to 0xC000000000004300 translated (0xF1D1: DAR, MSR);
 * an external interrupt the VMM injects arrives at 0xC000000000004500 (0xF1D2: SRR0, MSR).
 */
    .section .rodata.p9guest_t, "a"
    .balign 4096
    .globl p9guest_t_start, p9guest_t_end, p9guest_t_after
p9guest_t_start:
    bcl 20, 31, 1f
1:  mflr %r9
    ld %r4, (tdata - 1b)(%r9)
    mfmsr %r5
    HC(0xf1d0)
    lis %r9, 0x1234
    ld %r5, 0(%r9)
p9guest_t_after:
    b p9guest_t_after
    .balign 8
tdata:
    .quad 0x7472616e736c6174  /* "translat" */
    .org p9guest_t_start + 0x4300
    mfdar %r4
    mfmsr %r5
    HC(0xf1d1)
    b .
    .org p9guest_t_start + 0x4500
    mfsrr0 %r4
    mfmsr %r5
    HC(0xf1d2)
    b .
p9guest_t_end:

    .section .note.GNU-stack,"",@progbits
