/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Debug builds: the debug system calls. They need no capability, so they are a channel
 * around the system's configuration; the release build (release.c) has none of them.
 */
#include "kernel.h"

bool debug_syscall(struct tcb *t, word_t number)
{
    switch ((long)number) {
    case SYS_DEBUG_PUT_CHAR: plat_console_putc((char)*ctx_mr(&t->ctx, 0)); return true;
    case SYS_DEBUG_CHECK_KERNEL: *ctx_mr(&t->ctx, 0) = check_invariants(); return true;
    case SYS_DEBUG_HALT:
        kprintf("[kernel] stopping the machine at user level's request (status %lu)\n", *ctx_mr(&t->ctx, 0));
        plat_power_off(*ctx_mr(&t->ctx, 0));
    default: return false;
    }
}
