/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Program entry: the kernel or the loader sets rsp, rdi and rsi; bh_start never returns. */
    .section .note.GNU-stack,"",@progbits
    .section .text.start, "ax"
    .globl _start
_start:
    and $-16, %rsp
    xor %ebp, %ebp
    call bh_start
    ud2
