/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The instructions the kernel always intercepts and the VMM completes itself: MOV to CR4
 * (checked against BH_VCPU_CR4_ALLOWED and the architecture's rules, then written), INVD and
 * WBINVD/WBNOINVD (no-ops: guest memory is coherent, and a guest's INVD must not discard
 * other partitions' dirty cache lines; KVM does the same). Where the exit gives the next RIP
 * (SVM's nRIP on hardware, VT-x's instruction length) and, for MOV to CR4, the source register
 * (EXITINFO1 bit 63: decode assists, VT-x), nothing is fetched; otherwise (QEMU's TCG has
 * neither) the VMM reads the instruction at CS:RIP and decodes its prefixes and 0F opcode.
 *
 * And the accesses to guest-physical addresses with nothing behind them (unbacked.c): SVM's
 * NPF exit gives the guest-physical address and whether it was a write, not the instruction
 * (nRIP is not saved for it, and TCG has no decode assists), so the instruction is fetched
 * here, decoded by mmio_decode.c (for the code's operand and address sizes), and a read's
 * value is written to its register by the width rules.
 */
#include "vmm.h"

#define INSN_MAX 15u
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_PCIDE (1ull << 17)
#define MOV_TO_CR 0x22u

/* x86 register encoding (ModRM, REX) -> BH_VCPU_* index. */
static const uint8_t gpr_index[16] = {BH_VCPU_RAX, BH_VCPU_RCX, BH_VCPU_RDX, BH_VCPU_RBX, BH_VCPU_RSP,
                                      BH_VCPU_RBP, BH_VCPU_RSI, BH_VCPU_RDI, BH_VCPU_R8, BH_VCPU_R8 + 1,
                                      BH_VCPU_R8 + 2, BH_VCPU_R8 + 3, BH_VCPU_R8 + 4, BH_VCPU_R8 + 5,
                                      BH_VCPU_R8 + 6, BH_VCPU_R8 + 7};

/* A two-byte-opcode instruction (0F xx), decoded as far as these exits need. */
struct insn0f {
    uint8_t opcode, modrm, rex;
    unsigned length; /* up to and including the ModRM byte, when has_modrm */
};

static bool is_legacy_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e ||
           b == 0x26 || b == 0x64 || b == 0x65;
}

/* The bytes at CS:RIP, as many of the first 15 as are in RAM. */
static unsigned fetch(struct vcpu *v, uint8_t *buf)
{
    uint64_t cs_base = vcpu_long_mode(v) ? 0 : vcpu_reg(v, BH_VCPU_CS + 1);
    uint64_t at = cs_base + v->exit[BH_VM_MR_RIP];
    unsigned n = 0;
    while (n < INSN_MAX && guest_copy_from(v, at + n, &buf[n], 1) == 0) n++;
    return n;
}

static bool decode_0f(struct vcpu *v, bool has_modrm, struct insn0f *out)
{
    uint8_t b[INSN_MAX];
    unsigned n = fetch(v, b), i = 0;
    out->rex = 0;
    while (i < n && is_legacy_prefix(b[i])) i++;
    if (i < n && vcpu_long_mode(v) && (b[i] & 0xf0u) == 0x40u) out->rex = b[i++];
    if (i + 1 >= n || b[i] != 0x0f) return false;
    out->opcode = b[i + 1];
    i += 2;
    if (has_modrm) {
        if (i >= n) return false;
        out->modrm = b[i++];
    }
    out->length = i;
    return true;
}

/* INVD, WBINVD, WBNOINVD: nothing to do but go past them. */
void insn_skip_cache_exit(struct vcpu *v)
{
    struct insn0f d;
    if (v->exit[BH_VM_MR_NEXT_RIP]) {
        v->next_rip = v->exit[BH_VM_MR_NEXT_RIP];
    } else if (decode_0f(v, false, &d) && (d.opcode == 0x08 || d.opcode == 0x09)) {
        v->next_rip = v->exit[BH_VM_MR_RIP] + d.length;
    } else {
        vm_end(v->vm, VMM_END_UNSUPPORTED, v->exit[BH_VM_MR_REASON], v->exit[BH_VM_MR_RIP]);
    }
}

/* What a processor would refuse with #GP, or what the kernel does not allow a guest. */
static bool cr4_allowed(struct vcpu *v, uint64_t old, uint64_t new)
{
    bool lma = (v->mode & BH_VM_MODE_LMA) != 0;
    if (new & ~BH_VCPU_CR4_ALLOWED) return false;
    if (lma && !(new & CR4_PAE)) return false;
    if (lma && ((new ^ old) & CR4_LA57)) return false;
    if ((new & CR4_PCIDE) && !(old & CR4_PCIDE) && (!lma || (vcpu_reg(v, BH_VCPU_CR3) & 0xfffu))) return false;
    return true;
}

/* MOV to CR4, register form (the ModRM mod field is ignored). */
void insn_cr4_write_exit(struct vcpu *v)
{
    uint64_t info1 = v->exit[BH_VM_MR_INFO1], next = v->exit[BH_VM_MR_NEXT_RIP];
    unsigned reg;
    struct insn0f d;
    if (bh_vm_mov_valid(info1) && next) {
        reg = bh_vm_mov_gpr(info1);
    } else if (decode_0f(v, true, &d) && d.opcode == MOV_TO_CR && ((d.modrm >> 3) & 7u) == 4 && !(d.rex & 4u)) {
        reg = (d.modrm & 7u) | (d.rex & 1u) << 3;
        next = v->exit[BH_VM_MR_RIP] + d.length;
    } else {
        vm_end(v->vm, VMM_END_UNSUPPORTED, v->exit[BH_VM_MR_REASON], v->exit[BH_VM_MR_RIP]);
        return;
    }
    uint64_t value = vcpu_reg(v, gpr_index[reg]);
    if (!vcpu_long_mode(v)) value &= 0xffffffffu;
    if (!cr4_allowed(v, vcpu_reg(v, BH_VCPU_CR4), value)) {
        vcpu_inject_exception(v, 13, true, 0);
        return;
    }
    vcpu_set_reg(v, BH_VCPU_CR4, value);
    v->next_rip = next;
}

/* The operand and address sizes of the guest's code (bytes), or false for 16-bit code, which
 * the MMIO decoder does not take (a PVH guest starts in 32-bit protected mode). */
static bool code_sizes(struct vcpu *v, unsigned *op, unsigned *addr)
{
    if (vcpu_long_mode(v)) {
        *op = 4;
        *addr = 8;
        return true;
    }
    bool cs_d = (vcpu_reg(v, BH_VCPU_CS) >> (16 + 10)) & 1u; /* the D/B bit of the packed attributes */
    if (!(vcpu_reg(v, BH_VCPU_CR0) & 1u) || !cs_d) return false;
    *op = 4;
    *addr = 4;
    return true;
}

bool insn_decode_mmio(struct vcpu *v, struct insn_mmio *out)
{
    uint8_t b[INSN_MAX];
    unsigned n = fetch(v, b), op, addr;
    if (!code_sizes(v, &op, &addr)) return false;
    return mmio_decode(b, n, op, addr, vcpu_long_mode(v), out);
}

void insn_mmio_read_done(struct vcpu *v, const struct insn_mmio *a, uint64_t value)
{
    unsigned bits = a->size * 8u;
    if (bits < 64) {
        value &= (1ull << bits) - 1;
        if (a->sign_extend && (value >> (bits - 1)) & 1u) value |= ~0ull << bits;
    }
    unsigned reg = gpr_index[a->high_byte ? a->reg - 4 : a->reg];
    uint64_t old = vcpu_reg(v, reg), now;
    switch (a->reg_size) {
    case 1: now = a->high_byte ? (old & ~0xff00ull) | (value & 0xffu) << 8 : (old & ~0xffull) | (value & 0xffu); break;
    case 2: now = (old & ~0xffffull) | (value & 0xffffu); break;
    case 4: now = value & 0xffffffffu; break; /* a 32-bit destination clears bits 63:32 */
    default: now = value; break;
    }
    vcpu_set_reg(v, reg, now);
}
