/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Console output for every architecture, over the runtime's bh_putc (musl formats). */
#include <bulkhead/runtime.h>
#include <stdarg.h>
#include <stdio.h>

void bh_puts(const char *s)
{
    while (*s) bh_putc(*s++);
}

int bh_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bh_puts(buf);
    return n;
}
