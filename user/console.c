/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Console output for every architecture, over the runtime's bh_putc (musl formats). */
#include <bulkhead/runtime.h>
#include <stdarg.h>
#include <assert.h>
#include <stdio.h>
#include <string.h>

/* A line (up to 256 bytes) goes to the kernel in one system call, so other threads' output
 * never lands inside it: the text is copied into the IPC buffer's message words, whose contents are saved before
 * and restored after (a server may print while a message is in them). Without an IPC buffer,
 * a character at a time. */
void bh_puts(const char *s)
{
    bh_ipc_buffer_t *b = bh_ipc_buffer_ptr;
    if (!b) {
        while (*s) bh_putc(*s++);
        return;
    }
    /* 256 bytes: a line, and at most 22 ms of a 115200-baud UART with the kernel busy. */
    enum { CHUNK = 256 };
    static_assert(CHUNK <= sizeof b->mr, "a chunk fits the message words");
    size_t len = strlen(s);
    while (len) {
        size_t n = len < CHUNK ? len : CHUNK;
        unsigned char saved[CHUNK];
        memcpy(saved, b->mr, n);
        memcpy(b->mr, s, n);
        bh_debug_put_string(n);
        memcpy(b->mr, saved, n);
        s += n;
        len -= n;
    }
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
