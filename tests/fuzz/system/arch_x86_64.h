/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The structured fuzzer's x86_64 part: a system call made with random RFLAGS bits (the ones
 * user level can set: arithmetic flags, DF, AC, NT and, rarely, TF) set just before the
 * `syscall` and cleared right after it, and random data segment selectors. FS is left alone:
 * loading it would reset the FS base that the runtime's TLS needs.
 */
#ifndef SYSFUZZ_ARCH_X86_64_H
#define SYSFUZZ_ARCH_X86_64_H

#include <bulkhead/runtime.h>

#define SF_RFLAGS_TF 0x100ull
#define SF_RFLAGS_DF 0x400ull
#define SF_RFLAGS_NT 0x4000ull
#define SF_RFLAGS_AC 0x40000ull
#define SF_RFLAGS_ARITH 0x8d5ull /* CF PF AF ZF SF OF */

/* The bits set before one call. */
static inline bh_word_t sf_random_flags(uint64_t r)
{
    bh_word_t f = r & (SF_RFLAGS_ARITH | SF_RFLAGS_DF | SF_RFLAGS_NT | SF_RFLAGS_AC);
    if ((r >> 32) % 512 == 0) f |= SF_RFLAGS_TF; /* a #DB after the return: a fault message */
    return f;
}

/* The system call `nr` with MR0..MR3 from the IPC buffer, `set_flags` ORed into RFLAGS for
 * the `syscall` alone (DF, AC, NT and TF are cleared again before any compiled code runs).
 * pushfq may write below the stack pointer: user code is built without a red zone. */
static inline bh_msginfo_t sf_syscall(bh_word_t nr, bh_word_t *dest, bh_msginfo_t info, bh_word_t set_flags)
{
    bh_ipc_buffer_t *b = bh_ipc_buffer_ptr;
    register bh_word_t mr0 __asm__("r10") = b->mr[0];
    register bh_word_t mr1 __asm__("r8") = b->mr[1];
    register bh_word_t mr2 __asm__("r9") = b->mr[2];
    register bh_word_t mr3 __asm__("r15") = b->mr[3];
    const bh_word_t keep = ~(SF_RFLAGS_TF | SF_RFLAGS_DF | SF_RFLAGS_NT | SF_RFLAGS_AC);
    __asm__ volatile("pushfq\n"
                     "orq %[set], (%%rsp)\n"
                     "popfq\n"
                     "syscall\n"
                     "pushfq\n"
                     "andq %[keep], (%%rsp)\n"
                     "popfq\n"
                     : "+D"(*dest), "+S"(info), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3), "+a"(nr)
                     : [set] "r"(set_flags), [keep] "r"(keep)
                     : "rcx", "r11", "memory", "cc");
    b->mr[0] = mr0;
    b->mr[1] = mr1;
    b->mr[2] = mr2;
    b->mr[3] = mr3;
    return info;
}

/* NT and AC survive everything compiled code does (no instruction but popfq and iretq changes
 * them), so they are set around whole operations, the generated stubs' calls included. */
static inline void sf_set_sticky_flags(uint64_t r)
{
    bh_word_t f = r & (SF_RFLAGS_NT | SF_RFLAGS_AC);
    __asm__ volatile("pushfq; orq %0, (%%rsp); popfq" ::"r"(f) : "cc", "memory");
}

static inline void sf_clear_sticky_flags(void)
{
    const bh_word_t keep = ~(SF_RFLAGS_NT | SF_RFLAGS_AC);
    __asm__ volatile("pushfq; andq %0, (%%rsp); popfq" ::"r"(keep) : "cc", "memory");
}

static inline uint64_t sf_timestamp(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Null, the user data segment or the user code segment (readable), any RPL the CPU takes. */
static inline void sf_random_selectors(uint64_t r)
{
    static const uint16_t choice[8] = {0, 0x18, 0x1b, 0x20, 0x23, 0x1b, 0, 3};
    uint16_t ds = choice[r & 7], es = choice[(r >> 3) & 7], gs = choice[(r >> 6) & 7];
    __asm__ volatile("mov %0, %%ds; mov %1, %%es; mov %2, %%gs" ::"r"(ds), "r"(es), "r"(gs));
}

#endif
