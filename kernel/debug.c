/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Debug builds: the debug system calls. They need no capability, so they are a channel
 * around the system's configuration; the release build (release.c) has none of them.
 */
#include "kernel.h"

/* The bytes are in the IPC buffer's message words (memory, not the message registers), in
 * one kernel operation: no other thread's output lands inside them. */
static void put_string(struct tcb *t, word_t len)
{
    if (!t->ipc_buffer) return;
    if (len > BH_MSG_MAX_LENGTH * sizeof(word_t)) len = BH_MSG_MAX_LENGTH * sizeof(word_t);
    for (word_t i = 0; i < len; i++) plat_console_putc((char)(t->ipc_buffer->mr[i / sizeof(word_t)] >> (8 * (i % sizeof(word_t)))));
}

bool debug_syscall(struct tcb *t, word_t number)
{
    switch ((long)number) {
    case SYS_DEBUG_PUT_CHAR: plat_console_putc((char)*ctx_mr(&t->ctx, 0)); return true;
    case SYS_DEBUG_PUT_STRING: put_string(t, ctx_syscall_cptr(&t->ctx)); return true;
    case SYS_DEBUG_CHECK_KERNEL: *ctx_mr(&t->ctx, 0) = check_invariants(); return true;
    case SYS_DEBUG_HALT:
        kprintf("[kernel] stopping the machine at user level's request (status %lu)\n", *ctx_mr(&t->ctx, 0));
        plat_power_off(*ctx_mr(&t->ctx, 0));
    default: return false;
    }
}
