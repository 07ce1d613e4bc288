/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Program entry: the kernel or the loader sets r1, r3 and r4; bh_start never returns.
 * The TOC pointer (r2) is computed position-independently; r13 (TLS) is set by the runtime. */
    .section .note.GNU-stack,"",@progbits
    .section .text.start, "ax"
    .globl _start
_start:
    bcl 20, 31, 1f
1:  mflr %r12
    addis %r2, %r12, (.TOC. - 1b)@ha
    addi %r2, %r2, (.TOC. - 1b)@l
    clrrdi %r1, %r1, 4
    li %r0, 0
    stdu %r0, -64(%r1)
    bl bh_start
    nop
    trap
