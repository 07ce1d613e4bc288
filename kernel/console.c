/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Kernel console output: a small printf over plat_console_putc. */
#include <stdarg.h>
#include "kernel.h"

bool debug_errors;

static void put_unsigned(word_t v, unsigned base, unsigned width, char pad)
{
    char buf[24];
    unsigned n = 0;
    do {
        word_t d = v % base;
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v && n < sizeof buf);
    while (width > n) {
        plat_console_putc(pad);
        width--;
    }
    while (n) plat_console_putc(buf[--n]);
}

static void put_string(const char *s)
{
    if (!s) s = "(null)";
    while (*s) plat_console_putc(*s++);
}

/* Formats: %[0][width][l|z]{d,u,x,s,c,p} and %%. */
static void vkprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            plat_console_putc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        unsigned width = 0;
        bool is_long = false;
        if (*fmt == '0') pad = '0';
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (unsigned)(*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            is_long = true;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                plat_console_putc('-');
                v = -v;
            }
            put_unsigned((word_t)v, 10, width, pad);
            break;
        }
        case 'u': put_unsigned(is_long ? va_arg(ap, word_t) : va_arg(ap, unsigned), 10, width, pad); break;
        case 'x': put_unsigned(is_long ? va_arg(ap, word_t) : va_arg(ap, unsigned), 16, width, pad); break;
        case 'p': put_string("0x"); put_unsigned((word_t)va_arg(ap, void *), 16, 16, '0'); break;
        case 's': put_string(va_arg(ap, const char *)); break;
        case 'c': plat_console_putc((char)va_arg(ap, int)); break;
        case '%': plat_console_putc('%'); break;
        default: plat_console_putc('?'); break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
}

void panic(const char *why)
{
    kprintf("\n[kernel] PANIC: %s\n", why);
    plat_halt();
}
