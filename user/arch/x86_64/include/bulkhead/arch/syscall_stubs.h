/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * x86_64 system-call stubs (included by <bulkhead/syscalls.h>).
 * Entry with the `syscall` instruction:
 *   in:  rax = syscall number (negative; a Linux number arrives as an UnknownSyscall fault)
 *        rdi = capability pointer, rsi = message info, r10 r8 r9 r15 = MR0..MR3
 *   out: rdi = badge, rsi = message info, r10 r8 r9 r15 = MR0..MR3
 *   rax, rcx and r11 are clobbered; all other registers are preserved.
 */
#ifndef BULKHEAD_ARCH_SYSCALL_STUBS_H
#define BULKHEAD_ARCH_SYSCALL_STUBS_H

/* A raw system call with MR0..MR3 passed and returned in registers (mr may be a local
 * array: after inlining it lives in registers, and the IPC buffer is not touched). */
static inline void bh_sys_mrs(bh_word_t nr, bh_word_t *dest, bh_word_t *info, bh_word_t mr[4])
{
    register bh_word_t mr0 __asm__("r10") = mr[0];
    register bh_word_t mr1 __asm__("r8") = mr[1];
    register bh_word_t mr2 __asm__("r9") = mr[2];
    register bh_word_t mr3 __asm__("r15") = mr[3];
    __asm__ volatile("syscall"
                     : "+D"(*dest), "+S"(*info), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3), "+a"(nr)
                     :
                     : "rcx", "r11", "memory");
    mr[0] = mr0;
    mr[1] = mr1;
    mr[2] = mr2;
    mr[3] = mr3;
}

/* Any system call with any message: MR0..3 from the IPC buffer in registers and back; dest
 * returns the badge, info the message info. The named calls (<bulkhead/syscalls.h>) use it. */
static inline void bh_sys(bh_word_t nr, bh_word_t *dest, bh_word_t *info)
{
    bh_sys_mrs(nr, dest, info, bh_ipc_buffer_ptr->mr);
}

/* A Call with MR0 = 0 that touches neither the IPC buffer nor the TLS (a thread that has none). */
static inline void bh_call_without_tls(bh_cptr_t dest, bh_msginfo_t info)
{
    register bh_word_t mr0 __asm__("r10") = 0;
    bh_word_t d = dest, nr = (bh_word_t)BH_SYS_CALL;
    __asm__ volatile("syscall" : "+D"(d), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
}

/* A system call by number alone (tests use it to make unknown ones). */
static inline void bh_raw_syscall(bh_word_t nr)
{
    __asm__ volatile("syscall" : "+a"(nr) : : "rdi", "rsi", "r8", "r9", "r10", "r15", "rcx", "r11", "memory");
}

#endif
