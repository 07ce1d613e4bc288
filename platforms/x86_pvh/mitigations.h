/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Side-channel mitigations shared by C and assembly (mitigations.c, traps.S, svm.S, vmx.S). */
#ifndef X86_PVH_MITIGATIONS_H
#define X86_PVH_MITIGATIONS_H

/* x86_exit_variant: what the exit to user level does beyond restoring registers. */
#define EXIT_VERW 1      /* VERW last (MD_CLEAR microcode clears the CPU's buffers) */
#define EXIT_WINDOW 2    /* through the Meltdown window: CR3 switched to x86_user_cr3 */

#ifdef __ASSEMBLER__
/*
 * Overwrite every return-stack-buffer entry with one that points at a speculation trap, so
 * that no return the kernel makes can be predicted from an entry a guest or another partition
 * left (SpectreRSB). 32 calls cover the RSB of every CPU we know of (Intel's and AMD's
 * guidance); each call's return address is a pause/lfence loop that speculation cannot leave.
 * Unrolled: 34 instructions instead of a loop's 67. Uses 256 bytes below the stack pointer;
 * clobbers the flags. It defines the local labels 1 and 2: jump around it with named labels.
 */
.macro RSB_FILL
    .rept 32
    call 1f
2:  pause
    lfence
    jmp 2b
1:
    .endr
    add $(32 * 8), %rsp
    lfence
.endm
#endif

#endif
