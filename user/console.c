/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Console output for every architecture, over a sink the program chooses (musl formats). */
#include <bulkhead/runtime.h>
#include <stdarg.h>
#include <assert.h>
#include <stdio.h>
#include <string.h>

/* A piece (up to 256 bytes, the kernel's limit per call) goes to the kernel in one system
 * call, so other threads' output never lands inside it: the text is copied into the IPC
 * buffer's message words, whose contents are saved before and restored after (a server may
 * print while a message is in them). A piece the kernel's budget cannot cover yet waits for
 * the next tick (the thread yields). Without an IPC buffer, a character at a time. */
void bh_console_debug(const char *s, size_t len)
{
    bh_ipc_buffer_t *b = bh_ipc_buffer_ptr;
    if (!b) {
        for (size_t i = 0; i < len; i++)
            while (bh_debug_put_char(s[i]) == 0) bh_yield();
        return;
    }
    enum { CHUNK = 256 };
    static_assert(CHUNK <= sizeof b->mr, "a chunk fits the message words");
    while (len) {
        size_t n = len < CHUNK ? len : CHUNK;
        unsigned char saved[CHUNK];
        memcpy(saved, b->mr, n);
        memcpy(b->mr, s, n);
        size_t written = bh_debug_put_string(n);
        memcpy(b->mr, saved, n);
        if (written == 0) {
            bh_yield();
            continue;
        }
        s += written;
        len -= written;
    }
}

static bh_console_sink_t sink = bh_console_debug;

void bh_console_set_sink(bh_console_sink_t s)
{
    sink = s ? s : bh_console_debug;
}

/* The labelled debug console: each line begins "[<label>] " (a server without a console
 * server to label its lines). */
static char debug_label[24];
static size_t debug_label_len;

static void labelled_debug(const char *text, size_t len)
{
    static int midline;
    for (size_t i = 0; i < len;) {
        if (!midline) bh_console_debug(debug_label, debug_label_len);
        size_t n = 0;
        while (i + n < len && text[i + n] != '\n') n++;
        if (i + n < len) n++;
        bh_console_debug(text + i, n);
        midline = text[i + n - 1] != '\n';
        i += n;
    }
}

void bh_console_set_labelled_debug(const char *label)
{
    size_t n = 0;
    debug_label[n++] = '[';
    while (*label && n < sizeof debug_label - 2) debug_label[n++] = *label++;
    debug_label[n++] = ']';
    debug_label[n++] = ' ';
    debug_label_len = n;
    bh_console_set_sink(labelled_debug);
}

void bh_console_discard(const char *text, size_t len)
{
    (void)text;
    (void)len;
}

void bh_putc(char c)
{
    sink(&c, 1);
}

void bh_puts(const char *s)
{
    sink(s, strlen(s));
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
