/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* A VMM's line on the console channel (console_line.h), for both VMMs. */
#include <stdio.h>
#include <string.h>
#include <bulkhead/console_ring.h>
#include "console_line.h"

_Static_assert(VMM_SOURCE_MAX + 2 < BH_CONSOLE_LINE_MAX, "a source leaves room for text");

uint32_t vmm_console_line(struct bh_byte_ring *ring, bh_cptr_t signal, const char *source, const char *text,
                          unsigned len)
{
    char line[BH_CONSOLE_LINE_MAX + 1];
    unsigned n = 0;
    while (n < VMM_SOURCE_MAX && source[n]) n++;
    if (len > BH_CONSOLE_LINE_MAX - VMM_SOURCE_MAX - 2) len = BH_CONSOLE_LINE_MAX - VMM_SOURCE_MAX - 2;
    memcpy(line, source, n);
    line[n++] = ']';
    line[n++] = ' ';
    memcpy(line + n, text, len);
    n += len;
    line[n++] = '\n';
    if (!bh_byte_ring_put_all(ring, (const uint8_t *)line, n)) return n;
    bh_signal(signal);
    return 0;
}

uint32_t vmm_put_line(struct bh_byte_ring *ring, bh_cptr_t signal, const char *guest, const char *source,
                      const char *text, unsigned len)
{
    if (ring) return vmm_console_line(ring, signal, source, text, len);
    bh_printf("[%s %s] %.*s\n", guest, source, (int)len, text);
    return 0;
}

unsigned vmm_format_line(char *text, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(text, size, fmt, ap);
    return n < 0 ? 0 : (size_t)n < size ? (unsigned)n : (unsigned)size - 1;
}
