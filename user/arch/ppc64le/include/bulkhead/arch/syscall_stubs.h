/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * ppc64le system-call stubs (included by <bulkhead/syscalls.h>).
 * Entry with `sc` (system call, level 0):
 *   in:  r0 = syscall number (negative; a Linux number arrives as an UnknownSyscall fault)
 *        r3 = capability pointer, r4 = message info, r5 r6 r7 r8 = MR0..MR3
 *   out: r3 = badge, r4 = message info, r5 r6 r7 r8 = MR0..MR3
 *   Every other register, r0 included, is preserved (the kernel restores the whole context).
 */
#ifndef BULKHEAD_ARCH_SYSCALL_STUBS_H
#define BULKHEAD_ARCH_SYSCALL_STUBS_H

/* A raw system call with MR0..MR3 passed and returned in registers (mr may be a local
 * array: after inlining it lives in registers, and the IPC buffer is not touched). */
static inline void bh_sys_mrs(bh_word_t nr, bh_word_t *dest, bh_word_t *info, bh_word_t mr[4])
{
    register bh_word_t r0 __asm__("r0") = nr;
    register bh_word_t r3 __asm__("r3") = *dest;
    register bh_word_t r4 __asm__("r4") = *info;
    register bh_word_t r5 __asm__("r5") = mr[0];
    register bh_word_t r6 __asm__("r6") = mr[1];
    register bh_word_t r7 __asm__("r7") = mr[2];
    register bh_word_t r8 __asm__("r8") = mr[3];
    __asm__ volatile("sc" : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8) : : "memory", "cr0");
    *dest = r3;
    *info = r4;
    mr[0] = r5;
    mr[1] = r6;
    mr[2] = r7;
    mr[3] = r8;
}

/* A Call with MR0 = 0 that touches neither the IPC buffer nor the TLS (a thread that has none). */
static inline void bh_call_without_tls(bh_cptr_t dest, bh_msginfo_t info)
{
    bh_word_t d = dest, mr[4] = {0, 0, 0, 0};
    bh_sys_mrs((bh_word_t)BH_SYS_CALL, &d, &info, mr);
}

/* Any system call with any message: MR0..3 from the IPC buffer in registers and back; dest
 * returns the badge, info the message info. The named calls (<bulkhead/syscalls.h>) use it. */
static inline void bh_sys(bh_word_t nr, bh_word_t *dest, bh_word_t *info)
{
    bh_sys_mrs(nr, dest, info, bh_ipc_buffer_ptr->mr);
}

/* A system call by number alone (tests use it to make unknown ones). */
static inline void bh_raw_syscall(bh_word_t nr)
{
    bh_word_t d = 0, i = 0, mr[4] = {0, 0, 0, 0};
    bh_sys_mrs(nr, &d, &i, mr);
}

#endif
