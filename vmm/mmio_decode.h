/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* mmio_decode.c: an instruction that touched guest-physical memory, from its bytes alone. */
#ifndef VMM_MMIO_DECODE_H
#define VMM_MMIO_DECODE_H

#include <stdbool.h>
#include <stdint.h>

struct insn_mmio {
    unsigned length;     /* bytes of the instruction */
    unsigned size;       /* bytes accessed in memory: 1, 2, 4 or 8 */
    bool write;
    unsigned reg;        /* a read's destination: x86 register number 0..15 (0 rAX .. 15 r15) */
    unsigned reg_size;   /* its width in bytes: 1, 2, 4 or 8 */
    bool high_byte;      /* AH, CH, DH or BH (reg 4..7 without REX): bits 15:8 of reg - 4 */
    bool sign_extend;    /* MOVSX; otherwise zero-extended (MOVZX) or of the same width */
};

/* The n bytes at the instruction pointer (n <= 15), in code whose default operand and address
 * sizes are op and addr bytes (4 and 8 in 64-bit code, 4 and 4 in 32-bit code; 16-bit code is
 * not taken), long_mode for 64-bit code (REX). False: not one of the forms taken, or longer
 * than the bytes given. */
bool mmio_decode(const uint8_t *b, unsigned n, unsigned op, unsigned addr, bool long_mode, struct insn_mmio *out);

#endif
