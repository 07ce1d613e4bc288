/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server: writes its clients' text to the kernel debug console, each line
 * prefixed with the client's name, which it knows from the badge of the client's
 * capability (not from anything the client says).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/runtime.h>
#include "glue.h"

#define ERR_TOO_LONG 3 /* the server's own error: len > 96 */

struct client { bh_word_t badge; const char *name; };
static const struct client clients[] = CONN_out_CLIENT_TABLE;
#define NCLIENTS (sizeof clients / sizeof clients[0])

static bool midline[NCLIENTS + 1]; /* the last entry: a badge the table does not know */

static size_t client_index(bh_word_t badge)
{
    size_t i = 0;
    while (i < NCLIENTS && clients[i].badge != badge) i++;
    return i;
}

/* Each piece of a line goes out in one bh_puts (one kernel operation), so the input thread's
 * lines never land inside a client's. */
int out_put_string(bh_word_t badge, const uint8_t text[96], uint32_t len, uint32_t *ret)
{
    if (len > 96) return ERR_TOO_LONG;
    size_t c = client_index(badge);
    bool *mid = &midline[c];
    char line[96 + 48];
    size_t n = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (!*mid) n = (size_t)snprintf(line, 48, "[%.40s] ", c < NCLIENTS ? clients[c].name : "?");
        line[n++] = (char)text[i];
        *mid = text[i] != '\n';
        if (!*mid || i + 1 == len) {
            line[n] = 0;
            bh_puts(line);
            n = 0;
        }
    }
    *ret = len;
    return 0;
}

int main(void)
{
    bh_printf("[console] console server ready\n");
    out_run();
}
