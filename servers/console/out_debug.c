/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's output where it drives no UART (POWER9): the kernel's debug console,
 * whose budget per tick bounds it (docs/kernel-api.md); one piece per call of the runtime's
 * sink, so pieces stay whole. No clock here (the architecture's counter is not the one whose
 * frequency the root passes): no per-client limits.
 */
#include <bulkhead/runtime.h>
#include "console.h"

void console_write(const char *text, size_t len)
{
    char piece[CONSOLE_LABEL_MAX + CONSOLE_LINE_MAX + 2];
    if (len >= sizeof piece) len = sizeof piece - 1;
    for (size_t i = 0; i < len; i++) piece[i] = text[i];
    piece[len] = 0;
    bh_puts(piece);
}

void console_out_init(void)
{
}

uint64_t console_clock(void)
{
    return 0;
}

uint64_t console_clock_khz(void)
{
    return 0;
}
