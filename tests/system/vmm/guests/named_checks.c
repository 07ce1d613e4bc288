/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Named checks over the UART, for the test guests that report by name (guest.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guest.h"

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

void nc_num(char *out, uint64_t v)
{
    char d[24];
    int k = 0, n = 0;
    for (; v || k == 0; v /= 10) d[k++] = (char)('0' + v % 10);
    while (k) out[n++] = d[--k];
    out[n] = 0;
}

void nc_say(const struct named_checks *c, const char *what, const char *tail)
{
    uart_puts(c->suite);
    uart_puts(": ");
    uart_puts(c->me);
    uart_puts(": ");
    uart_puts(what);
    uart_puts(tail);
    uart_puts("\n");
}

void nc_say_num(const struct named_checks *c, const char *what, uint64_t v)
{
    char n[24];
    nc_num(n, v);
    nc_say(c, what, n);
}

void nc_expect(struct named_checks *c, const char *what, bool ok, int64_t value)
{
    if (ok) {
        c->passed++;
        nc_say(c, what, ": ok");
        return;
    }
    c->failed++;
    char line[40] = ": FAILED (", n[24];
    size_t at = length(line);
    if (value < 0) line[at++] = '-';
    nc_num(n, (uint64_t)(value < 0 ? -value : value));
    memcpy(line + at, n, length(n));
    at += length(n);
    line[at++] = ')';
    line[at] = 0;
    nc_say(c, what, line);
}
