/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * mode=probe: the guest probes guest-physical addresses with nothing behind them, as an
 * operating system probes for a device that is not there: reads of 1, 2, 4 and 8 bytes in the
 * instruction forms Linux's readb..readq and its drivers compile to (MOV to a register, AH
 * and R8..R15 included, MOVZX, MOVSX, the moffs form, SIB and displacement addressing) must
 * return all ones with the rest of the register as the width rules leave it; writes (from a
 * register, an immediate, a high byte register) must be dropped; the same in compatibility
 * mode (32-bit code); then VT_PROBE_LOOP reads, of
 * which the VMM logs only a few. VT_PROBE_CHECKS checks, then a poweroff: the guest survived.
 */
#include "guest.h"

#define ONES8 0xffull
#define ONES16 0xffffull
#define ONES32 0xffffffffull
#define FILL 0x1122334455667788ull /* what a register held before the read */

static uint32_t id = 1;
#define CHECK(ok, value) check(id++, (ok), (value))

static void reads(volatile uint8_t *p)
{
    uint64_t r, r9;
    r = FILL; __asm__ volatile("movb (%1), %b0" : "+a"(r) : "r"(p) : "memory");
    CHECK(r == ((FILL & ~ONES8) | ONES8), r);                               /* 8A: AL */
    r = FILL; __asm__ volatile("movb (%1), %h0" : "+a"(r) : "D"(p) : "memory");
    CHECK(r == ((FILL & ~0xff00ull) | 0xff00ull), r);                       /* 8A: AH, no REX */
    r = FILL; __asm__ volatile("movw (%1), %w0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ((FILL & ~ONES16) | ONES16), r);                             /* 66 8B */
    r = FILL; __asm__ volatile("movl (%1), %k0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ONES32, r);                                                  /* 8B: bits 63:32 cleared */
    r = FILL; __asm__ volatile("movq (%1), %q0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ~0ull, r);                                                   /* REX.W 8B */
    r9 = FILL; __asm__ volatile("movq (%1), %%r9; movq %%r9, %0" : "+r"(r9) : "r"(p) : "r9", "memory");
    CHECK(r9 == ~0ull, r9);                                                 /* REX.R: R9 */
    __asm__ volatile("movq %1, %%r10; movb (%2), %%r10b; movq %%r10, %0" : "=r"(r) : "r"(FILL), "r"(p) : "r10", "memory");
    CHECK(r == ((FILL & ~ONES8) | ONES8), r);                               /* REX 8A: R10B */
    r = FILL; __asm__ volatile("movzbl (%1), %k0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ONES8, r);                                                   /* 0F B6 */
    r = FILL; __asm__ volatile("movzwq (%1), %q0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ONES16, r);                                                  /* REX.W 0F B7 */
    r = FILL; __asm__ volatile("movsbq (%1), %q0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ~0ull, r);                                                   /* REX.W 0F BE */
    r = FILL; __asm__ volatile("movswl (%1), %k0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ONES32, r);                                                  /* 0F BF */
    r = FILL; __asm__ volatile("movl 0x40(%1,%2,4), %k0" : "+r"(r) : "r"(p), "r"(4ull) : "memory");
    CHECK(r == ONES32, r);                                                  /* SIB, disp8 */
    r = FILL; __asm__ volatile("movl 0x1000(%1), %k0" : "+r"(r) : "r"(p) : "memory");
    CHECK(r == ONES32, r);                                                  /* disp32 */
    r = FILL; __asm__ volatile("movabsq %c1, %%rax" : "+a"(r) : "i"(VT_PROBE_GPA) : "memory");
    CHECK(r == ~0ull, r);                                                   /* REX.W A1: moffs64 */
    r = FILL; __asm__ volatile("movabsb %c1, %%al" : "+a"(r) : "i"(VT_PROBE_GPA) : "memory");
    CHECK(r == ((FILL & ~ONES8) | ONES8), r);                               /* A0 */
}

static void writes(volatile uint8_t *p)
{
    uint64_t r = 0x42, seen;
    __asm__ volatile("movb %b1, (%0)" : : "r"(p), "q"(r) : "memory");         /* 88 */
    __asm__ volatile("movb %%ah, (%0)" : : "D"(p), "a"(r << 8) : "memory");   /* 88: AH */
    __asm__ volatile("movw %w1, (%0)" : : "r"(p), "r"(r) : "memory");         /* 66 89 */
    __asm__ volatile("movl %k1, 8(%0)" : : "r"(p), "r"(r) : "memory");        /* 89 disp8 */
    __asm__ volatile("movq %1, (%0,%2,8)" : : "r"(p), "r"(r), "r"(2ull) : "memory"); /* REX.W 89 SIB */
    __asm__ volatile("movb $0x5a, (%0)" : : "r"(p) : "memory");               /* C6 /0 */
    __asm__ volatile("movw $0x5a5a, (%0)" : : "r"(p) : "memory");             /* 66 C7 /0 */
    __asm__ volatile("movl $0x5a5a5a5a, 0x200(%0)" : : "r"(p) : "memory");    /* C7 /0 disp32 */
    __asm__ volatile("movq $-2, (%0)" : : "r"(p) : "memory");                 /* REX.W C7 /0 */
    __asm__ volatile("movabsl %%eax, %c0" : : "i"(VT_PROBE_GPA), "a"((uint32_t)r) : "memory"); /* A3 */
    /* Still nothing there: the writes went nowhere. */
    for (unsigned off = 0; off < 0x210; off += 8) {
        seen = *(volatile uint64_t *)(p + off);
        if (seen != ~0ull) break;
    }
    CHECK(seen == ~0ull, seen);
    CHECK(1, 0);  /* this far: none of the writes ended the guest */
}

/* The same in compatibility mode (a 32-bit code segment, 0x18, under long mode): the VMM
 * decodes with 32-bit operand and address sizes. Reads into BL, ECX and DX with their registers
 * filled beforehand; a write of an immediate. */
static void compat_mode_probe(void)
{
    uint64_t b = 0x11223344, c = 0x55667788, d = 0x99aabbcc;
    __asm__ volatile("pushq $0x18\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     ".code32\n\t"
                     "movb (%%edi), %%bl\n\t"
                     "movl 8(%%edi), %%ecx\n\t"
                     "movw (%%edi,%%esi,2), %%dx\n\t"
                     "movl $0x5a5a5a5a, (%%edi)\n\t"
                     "pushl $0x08\n\t"
                     "pushl $2f\n\t"
                     "lretl\n"
                     "2:\n\t"
                     ".code64"
                     : "+b"(b), "+c"(c), "+d"(d)
                     : "D"((uint64_t)VT_PROBE_GPA), "S"(2ull)
                     : "rax", "memory");
    CHECK((uint32_t)b == 0x112233ffu, b);
    CHECK((uint32_t)c == 0xffffffffu, c);
    CHECK((uint32_t)d == 0x99aaffffu, d);
    CHECK(*(volatile uint32_t *)(uintptr_t)VT_PROBE_GPA == 0xffffffffu, 0);
}

void test_probe(void)
{
    /* Beyond the 4 MiB of RAM inside the identity-mapped first GiB, and near its top. */
    static const uint64_t absent[] = {VT_PROBE_GPA, 0x3ff00000ull};
    for (unsigned i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        reads((volatile uint8_t *)(uintptr_t)absent[i]);
        writes((volatile uint8_t *)(uintptr_t)absent[i]);
    }
    compat_mode_probe();
    uint32_t all_ones = 0;
    for (unsigned i = 0; i < VT_PROBE_LOOP; i++)
        all_ones += *(volatile uint32_t *)(uintptr_t)(VT_PROBE_GPA + 4 * (i % 1024)) == 0xffffffffu;
    CHECK(all_ones == VT_PROBE_LOOP, all_ones);
    uart_puts("probe guest: still running after its probes\n");
    struct sched_shutdown s = {SHUTDOWN_poweroff};
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)&s, 0);
}
