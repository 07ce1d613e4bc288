/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM fuzzers' stand-in for the x86_64 system-call stubs: first on the include path, it
 * replaces user/arch/x86_64/include/bulkhead/arch/syscall_stubs.h, so the real syscalls.h and
 * the generated invocations.h reach the fuzzers' fake kernel (tests/fuzz/host/vmm/kernel.c) instead
 * of the `syscall` instruction. Same meaning as the real bh_sys, on which syscalls.h builds the
 * named calls.
 */
#ifndef BULKHEAD_ARCH_SYSCALL_STUBS_H
#define BULKHEAD_ARCH_SYSCALL_STUBS_H

/* The fake kernel's entry: nr, the capability (in) or badge (out), the message info. */
void fake_syscall(bh_word_t nr, bh_word_t *dest, bh_word_t *info);

static inline void bh_sys(bh_word_t nr, bh_word_t *dest, bh_word_t *info) { fake_syscall(nr, dest, info); }

/* Registers only in the real stub; the fake kernel reads and writes message registers in the
 * IPC buffer, so they pass through it here. */
static inline void bh_sys_mrs(bh_word_t nr, bh_word_t *dest, bh_word_t *info, bh_word_t mr[4])
{
    for (unsigned i = 0; i < 4; i++) bh_ipc_buffer_ptr->mr[i] = mr[i];
    fake_syscall(nr, dest, info);
    for (unsigned i = 0; i < 4; i++) mr[i] = bh_ipc_buffer_ptr->mr[i];
}

#endif
