/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What both VMMs (x86's vmm/report.c, POWER9's vmm/power9/console.c) share of the console
 * channel: a line goes on the channel's output ring as "<source>] <text>\n" (the console
 * server puts "[<guest> " before it: "[linux hvc] ...", "[linux vmm] ...") and the console
 * server's notification is signalled.
 */
#ifndef VMM_CONSOLE_LINE_H
#define VMM_CONSOLE_LINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <bulkhead/byte_ring.h>
#include <bulkhead/console_ring.h>
#include <bulkhead/runtime.h>

#define VMM_SOURCE_MAX 8u   /* the source's characters kept ("hvc", "uart", "vmm") */

/* The ring room a line of len text bytes takes. */
static inline uint32_t vmm_console_line_bytes(unsigned len)
{
    return VMM_SOURCE_MAX + 2u + len + 1u;
}

/* Puts the line whole (text cut to what a console line holds) and signals, or drops it when
 * the ring has no room; the bytes dropped (0 when it went in). */
uint32_t vmm_console_line(struct bh_byte_ring *ring, bh_cptr_t signal, const char *source, const char *text,
                          unsigned len);

/* The same, or without a ring (a creator that gives no console channel) the debug console's
 * "[<guest> <source>] <text>", which drops nothing. */
uint32_t vmm_put_line(struct bh_byte_ring *ring, bh_cptr_t signal, const char *guest, const char *source,
                      const char *text, unsigned len);

/* The text of a VMM's own line: fmt formatted into text[size], cut to fit; its length. */
#define VMM_SAY_TEXT_SIZE (BH_CONSOLE_LINE_MAX - VMM_SOURCE_MAX - 2 + 1)
unsigned vmm_format_line(char *text, size_t size, const char *fmt, va_list ap);

#endif
