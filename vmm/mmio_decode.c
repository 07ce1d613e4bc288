/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The instructions an NPF exit can come from that the VMM completes (unbacked.c), decoded
 * from their bytes: the memory forms of MOV (88, 89, 8A, 8B, C6 /0, C7 /0, A0..A3) and
 * MOVZX/MOVSX (0F B6, B7, BE, BF), at 1, 2, 4 and 8 bytes, with the operand-size (66),
 * address-size (67) and segment prefixes and REX: what Linux's readb..readq and writeb..writeq
 * compile to. The result is the instruction's length, the access's width and direction, and
 * where a read's value goes. Pure (no VMM state), so the host tests check it byte by byte.
 * Refused: REP (string instructions), register operands (no memory access), 16-bit addressing,
 * and every other opcode.
 */
#include "mmio_decode.h"

#define INSN_MAX 15u

static bool is_legacy_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e ||
           b == 0x26 || b == 0x64 || b == 0x65;
}

/* The bytes of a ModRM memory operand after the ModRM byte (SIB, displacement) with 32- or
 * 64-bit addressing; -1 for a register operand or when the SIB byte is missing. */
static int memory_operand_tail(uint8_t modrm, const uint8_t *after, unsigned avail)
{
    unsigned mod = modrm >> 6, rm = modrm & 7u, n = 0;
    if (mod == 3) return -1;
    if (rm == 4) {
        if (avail < 1) return -1;
        n = 1;
        if (mod == 0 && (after[0] & 7u) == 5) n += 4; /* SIB with no base: disp32 */
    } else if (mod == 0 && rm == 5) {
        n += 4; /* disp32, RIP-relative in 64-bit code */
    }
    if (mod == 1) n += 1;
    if (mod == 2) n += 4;
    return (int)n;
}

bool mmio_decode(const uint8_t *b, unsigned n, unsigned op, unsigned addr, bool long_mode, struct insn_mmio *out)
{
    unsigned i = 0, imm = 0;
    uint8_t rex = 0;
    if (n > INSN_MAX) n = INSN_MAX;
    for (; i < n && is_legacy_prefix(b[i]); i++) {
        if (b[i] == 0x66) op = 2;
        if (b[i] == 0x67) addr = long_mode ? 4 : 2;
        if (b[i] == 0xf2 || b[i] == 0xf3) return false;
    }
    if (addr == 2) return false;
    if (i < n && long_mode && (b[i] & 0xf0u) == 0x40u) rex = b[i++];
    if (rex & 8u) op = 8;
    if (i >= n) return false;
    *out = (struct insn_mmio){0};
    uint8_t opcode = b[i++];
    bool has_modrm = true;
    switch (opcode) {
    case 0x88: out->write = true; out->size = 1; break;
    case 0x89: out->write = true; out->size = op; break;
    case 0x8a: out->size = out->reg_size = 1; break;
    case 0x8b: out->size = out->reg_size = op; break;
    case 0xc6: out->write = true; out->size = 1; imm = 1; break;
    case 0xc7: out->write = true; out->size = op; imm = op == 2 ? 2 : 4; break; /* imm32 sign-extended for 8 */
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        has_modrm = false;
        out->write = opcode >= 0xa2;
        out->size = (opcode & 1u) ? op : 1;
        if (!out->write) out->reg_size = out->size; /* into AL or rAX: reg 0 */
        i += addr; /* the absolute address (moffs) */
        break;
    case 0x0f:
        if (i >= n) return false;
        opcode = b[i++];
        if (opcode != 0xb6 && opcode != 0xb7 && opcode != 0xbe && opcode != 0xbf) return false;
        out->size = (opcode & 1u) ? 2 : 1;
        out->reg_size = op;
        out->sign_extend = opcode >= 0xbe;
        break;
    default: return false;
    }
    if (has_modrm) {
        if (i >= n) return false;
        uint8_t modrm = b[i++];
        unsigned reg = ((modrm >> 3) & 7u) | (rex & 4u) << 1;
        if ((opcode == 0xc6 || opcode == 0xc7) && ((modrm >> 3) & 7u) != 0) return false;
        int tail = memory_operand_tail(modrm, &b[i], n - i);
        if (tail < 0) return false;
        i += (unsigned)tail + imm;
        if (!out->write) {
            out->reg = reg;
            out->high_byte = out->reg_size == 1 && !rex && reg >= 4;
        }
    }
    if (i > n) return false;
    out->length = i;
    return true;
}
