/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Debug builds: the debug system calls. They need no capability, so they are a channel
 * around the system's configuration; the release build (release.c) has none of them.
 *
 * The console is polled with interrupts off: on a real 115,200-baud line every byte keeps the
 * kernel busy for 87 us, so unbounded output let any thread take time from every partition
 * (a 960-byte line was 83 ms). Output is bounded per call (DEBUG_PUT_STRING_MAX bytes) and per
 * tick: a budget that refills by DEBUG_BYTES_PER_TICK each tick and holds one maximal call.
 * A call the budget cannot cover writes nothing and returns 0: retry after a tick.
 */
#include "kernel.h"
#include <bulkhead/layout.h>

const word_t debug_bootinfo_flags = BH_BOOTINFO_DEBUG_CALLS;

#define DEBUG_PUT_STRING_MAX 256u
#define DEBUG_BYTES_PER_TICK 16u

static word_t budget = DEBUG_PUT_STRING_MAX, budget_tick;

/* Takes n bytes from this tick's budget, or nothing (false) when it cannot cover them. */
static bool take_budget(word_t n)
{
    word_t elapsed = sched_ticks - budget_tick;
    budget_tick = sched_ticks;
    if (elapsed >= DEBUG_PUT_STRING_MAX / DEBUG_BYTES_PER_TICK) budget = DEBUG_PUT_STRING_MAX;
    else if ((budget += elapsed * DEBUG_BYTES_PER_TICK) > DEBUG_PUT_STRING_MAX) budget = DEBUG_PUT_STRING_MAX;
    if (n > budget) return false;
    budget -= n;
    return true;
}

/* The bytes are in the IPC buffer's message words (memory, not the message registers), in
 * one kernel operation: no other thread's output lands inside them. Returns the bytes
 * written: all of them (at most DEBUG_PUT_STRING_MAX), or 0. */
static word_t put_string(struct tcb *t, word_t len)
{
    if (!t->ipc_buffer) return 0;
    if (len > DEBUG_PUT_STRING_MAX) len = DEBUG_PUT_STRING_MAX;
    if (!take_budget(len)) return 0;
    for (word_t i = 0; i < len; i++) plat_console_putc((char)(t->ipc_buffer->mr[i / sizeof(word_t)] >> (8 * (i % sizeof(word_t)))));
    return len;
}

static word_t put_char(char c)
{
    if (!take_budget(1)) return 0;
    plat_console_putc(c);
    return 1;
}

bool debug_syscall(struct tcb *t, word_t number)
{
    switch ((long)number) {
    case SYS_DEBUG_PUT_CHAR: *ctx_mr(&t->ctx, 0) = put_char((char)*ctx_mr(&t->ctx, 0)); return true;
    case SYS_DEBUG_PUT_STRING: *ctx_mr(&t->ctx, 0) = put_string(t, ctx_syscall_cptr(&t->ctx)); return true;
    case SYS_DEBUG_CHECK_KERNEL: *ctx_mr(&t->ctx, 0) = check_invariants(); return true;
    case SYS_DEBUG_HALT:
        kprintf("[kernel] stopping the machine at user level's request (status %lu)\n", *ctx_mr(&t->ctx, 0));
        plat_power_off(*ctx_mr(&t->ctx, 0));
    default: return false;
    }
}
