/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * vmm/mmio_decode.c on the host, under ASan and UBSan: instructions as bytes (as GNU as
 * encodes them), each with the length, width, direction and destination the decoder must
 * find, and the forms it must refuse; then every instruction cut short by one byte or more must
 * be refused, and the decoder must never read past the bytes it is given (ASan: each case is
 * copied to a buffer of exactly its length). Prints "PASS vmm.mmio_decode.<case>" or FAIL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmio_decode.h"

struct want {
    const char *name;
    unsigned n;
    uint8_t b[15];
    unsigned op, addr;  /* the code's default sizes: 4, 8 (64-bit) or 4, 4 (32-bit) */
    bool ok;
    unsigned length, size;
    bool write;
    unsigned reg, reg_size;
    bool high_byte, sign_extend;
};

#define L64 4, 8
#define L32 4, 4
static const struct want cases[] = {
    /* reads */
    {"mov_al", 2, {0x8a, 0x07}, L64, true, 2, 1, false, 0, 1, false, false},                    /* mov (%rdi),%al */
    {"mov_ah", 2, {0x8a, 0x27}, L64, true, 2, 1, false, 4, 1, true, false},                     /* mov (%rdi),%ah */
    {"mov_spl_rex", 3, {0x40, 0x8a, 0x27}, L64, true, 3, 1, false, 4, 1, false, false},         /* mov (%rdi),%spl */
    {"mov_r10b", 3, {0x44, 0x8a, 0x17}, L64, true, 3, 1, false, 10, 1, false, false},           /* mov (%rdi),%r10b */
    {"mov_ax", 3, {0x66, 0x8b, 0x07}, L64, true, 3, 2, false, 0, 2, false, false},              /* mov (%rdi),%ax */
    {"mov_ecx", 2, {0x8b, 0x0f}, L64, true, 2, 4, false, 1, 4, false, false},                   /* mov (%rdi),%ecx */
    {"mov_rdx", 3, {0x48, 0x8b, 0x17}, L64, true, 3, 8, false, 2, 8, false, false},             /* mov (%rdi),%rdx */
    {"mov_r9", 3, {0x4c, 0x8b, 0x0f}, L64, true, 3, 8, false, 9, 8, false, false},              /* mov (%rdi),%r9 */
    {"mov_sib_disp8", 4, {0x8b, 0x54, 0x8f, 0x40}, L64, true, 4, 4, false, 2, 4, false, false},  /* mov 0x40(%rdi,%rcx,4),%edx */
    {"mov_disp32", 6, {0x8b, 0x87, 0x00, 0x10, 0x00, 0x00}, L64, true, 6, 4, false, 0, 4, false, false}, /* mov 0x1000(%rdi),%eax */
    {"mov_rip_rel", 6, {0x8b, 0x05, 0x10, 0x00, 0x00, 0x00}, L64, true, 6, 4, false, 0, 4, false, false}, /* mov 0x10(%rip),%eax */
    {"mov_sib_no_base", 7, {0x8b, 0x04, 0x25, 0x00, 0x00, 0x80, 0x00}, L64, true, 7, 4, false, 0, 4, false, false}, /* mov 0x800000,%eax */
    {"mov_fs_prefix", 3, {0x64, 0x8b, 0x07}, L64, true, 3, 4, false, 0, 4, false, false},        /* mov %fs:(%rdi),%eax */
    {"mov_addr32", 3, {0x67, 0x8b, 0x07}, L64, true, 3, 4, false, 0, 4, false, false},           /* mov (%edi),%eax */
    {"movzbl", 3, {0x0f, 0xb6, 0x07}, L64, true, 3, 1, false, 0, 4, false, false},              /* movzbl (%rdi),%eax */
    {"movzwq", 4, {0x48, 0x0f, 0xb7, 0x07}, L64, true, 4, 2, false, 0, 8, false, false},         /* movzwq (%rdi),%rax */
    {"movsbq", 4, {0x48, 0x0f, 0xbe, 0x07}, L64, true, 4, 1, false, 0, 8, false, true},          /* movsbq (%rdi),%rax */
    {"movswl", 3, {0x0f, 0xbf, 0x07}, L64, true, 3, 2, false, 0, 4, false, true},               /* movswl (%rdi),%eax */
    {"movabs_a1_64", 10, {0x48, 0xa1, 0, 0, 0x80, 0, 0, 0, 0, 0}, L64, true, 10, 8, false, 0, 8, false, false},
    {"movabs_a0", 9, {0xa0, 0, 0, 0x80, 0, 0, 0, 0, 0}, L64, true, 9, 1, false, 0, 1, false, false},
    {"moffs_addr32", 6, {0x67, 0xa1, 0, 0, 0x80, 0}, L64, true, 6, 4, false, 0, 4, false, false},
    /* writes */
    {"mov_from_bl", 2, {0x88, 0x1f}, L64, true, 2, 1, true, 0, 0, false, false},                 /* mov %bl,(%rdi) */
    {"mov_from_rax_sib", 4, {0x48, 0x89, 0x04, 0xd7}, L64, true, 4, 8, true, 0, 0, false, false}, /* mov %rax,(%rdi,%rdx,8) */
    {"movb_imm", 3, {0xc6, 0x07, 0x5a}, L64, true, 3, 1, true, 0, 0, false, false},              /* movb $0x5a,(%rdi) */
    {"movw_imm", 5, {0x66, 0xc7, 0x07, 0x5a, 0x5a}, L64, true, 5, 2, true, 0, 0, false, false},  /* movw $0x5a5a,(%rdi) */
    {"movl_imm_disp32", 10, {0xc7, 0x87, 0, 2, 0, 0, 0x5a, 0x5a, 0x5a, 0x5a}, L64, true, 10, 4, true, 0, 0, false, false},
    {"movq_imm", 7, {0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff}, L64, true, 7, 8, true, 0, 0, false, false},
    {"movabs_a3", 9, {0xa3, 0, 0, 0x80, 0, 0, 0, 0, 0}, L64, true, 9, 4, true, 0, 0, false, false},
    /* 32-bit code: no REX (0x40..0x4f are INC/DEC), moffs of 4 bytes */
    {"c32_mov_ecx", 3, {0x8b, 0x4f, 0x08}, L32, true, 3, 4, false, 1, 4, false, false},          /* mov 0x8(%edi),%ecx */
    {"c32_movw_sib", 5, {0x66, 0x8b, 0x14, 0x77}, L32, true, 4, 2, false, 2, 2, false, false},   /* mov (%edi,%esi,2),%dx */
    {"c32_moffs", 5, {0xa1, 0, 0, 0x80, 0}, L32, true, 5, 4, false, 0, 4, false, false},
    {"c32_rex_is_inc", 3, {0x48, 0x8b, 0x07}, L32, false, 0, 0, false, 0, 0, false, false},
    /* refused */
    {"rep_movsb", 2, {0xf3, 0xa4}, L64, false, 0, 0, false, 0, 0, false, false},
    {"rep_stosl", 2, {0xf3, 0xab}, L64, false, 0, 0, false, 0, 0, false, false},
    {"register_operand", 2, {0x8b, 0xc1}, L64, false, 0, 0, false, 0, 0, false, false},        /* mov %ecx,%eax */
    {"c6_not_reg0", 3, {0xc6, 0x0f, 0x5a}, L64, false, 0, 0, false, 0, 0, false, false},
    {"or_to_memory", 2, {0x09, 0x07}, L64, false, 0, 0, false, 0, 0, false, false},
    {"addr16_in_32bit_code", 3, {0x67, 0x8b, 0x07}, L32, false, 0, 0, false, 0, 0, false, false},
    {"0f_other", 3, {0x0f, 0xb0, 0x07}, L64, false, 0, 0, false, 0, 0, false, false},          /* cmpxchg */
    {"empty", 0, {0}, L64, false, 0, 0, false, 0, 0, false, false},
    {"prefixes_only", 15, {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66}, L64,
     false, 0, 0, false, 0, 0, false, false},
};

static int failed;

static void fail(const char *name, const char *fmt, unsigned a, unsigned b)
{
    printf("FAIL vmm.mmio_decode.%s: ", name);
    printf(fmt, a, b);
    printf("\n");
    failed = 1;
}

/* The bytes in a heap buffer of exactly n bytes: ASan sees any read beyond. */
static bool decode(const uint8_t *b, unsigned n, unsigned op, unsigned addr, struct insn_mmio *out)
{
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, b, n);
    bool ok = mmio_decode(copy, n, op, addr, addr == 8, out);
    free(copy);
    return ok;
}

int main(void)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct want *w = &cases[k];
        struct insn_mmio got;
        int before = failed;
        bool ok = decode(w->b, w->n, w->op, w->addr, &got);
        if (ok != w->ok) fail(w->name, "decoded %u, want %u", ok, w->ok);
        else if (ok) {
            if (got.length != w->length) fail(w->name, "length %u, want %u", got.length, w->length);
            if (got.size != w->size) fail(w->name, "size %u, want %u", got.size, w->size);
            if (got.write != w->write) fail(w->name, "write %u, want %u", got.write, w->write);
            if (!w->write && (got.reg != w->reg || got.reg_size != w->reg_size))
                fail(w->name, "register %u of %u bytes: wrong", got.reg, got.reg_size);
            if (got.high_byte != w->high_byte || got.sign_extend != w->sign_extend)
                fail(w->name, "high byte %u, sign extension %u: wrong", got.high_byte, got.sign_extend);
            /* Cut short: refused, whatever is missing. */
            for (unsigned n = 0; n < w->length; n++)
                if (decode(w->b, n, w->op, w->addr, &got)) fail(w->name, "decoded from %u of its %u bytes", n, w->length);
        }
        if (failed == before) printf("PASS vmm.mmio_decode.%s\n", w->name);
    }
    return failed;
}
