/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM fuzzers' stand-in for the x86_64 system-call stubs: first on the include path, it
 * replaces user/arch/x86_64/include/bulkhead/arch/syscall_stubs.h, so the real syscalls.h and
 * the generated invocations.h reach the fuzzers' fake kernel (tests/fuzz/host/vmm/kernel.c) instead
 * of the `syscall` instruction. Same names and meanings as the real stubs.
 */
#ifndef BULKHEAD_ARCH_SYSCALL_STUBS_H
#define BULKHEAD_ARCH_SYSCALL_STUBS_H

/* The fake kernel's entry: nr, the capability (in) or badge (out), the message info. */
void fake_syscall(bh_word_t nr, bh_word_t *dest, bh_word_t *info);

static inline void bh_sys(bh_word_t nr, bh_word_t *dest, bh_word_t *info) { fake_syscall(nr, dest, info); }

static inline bh_msginfo_t bh_call(bh_cptr_t dest, bh_msginfo_t info)
{
    bh_word_t d = dest;
    fake_syscall((bh_word_t)BH_SYS_CALL, &d, &info);
    return info;
}
static inline void bh_send(bh_cptr_t dest, bh_msginfo_t info)
{
    bh_word_t d = dest;
    fake_syscall((bh_word_t)BH_SYS_SEND, &d, &info);
}
static inline bh_msginfo_t bh_recv(bh_cptr_t src, bh_word_t *badge)
{
    bh_word_t d = src;
    bh_msginfo_t info = 0;
    fake_syscall((bh_word_t)BH_SYS_RECV, &d, &info);
    if (badge) *badge = d;
    return info;
}
static inline bh_msginfo_t bh_nbrecv(bh_cptr_t src, bh_word_t *badge)
{
    bh_word_t d = src;
    bh_msginfo_t info = 0;
    fake_syscall((bh_word_t)BH_SYS_NBRECV, &d, &info);
    if (badge) *badge = d;
    return info;
}
static inline void bh_yield(void)
{
    bh_word_t d = 0, i = 0;
    fake_syscall((bh_word_t)BH_SYS_YIELD, &d, &i);
}

#endif
