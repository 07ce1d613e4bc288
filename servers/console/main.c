/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's components: put_string over RPC. Each client's text collects in its
 * own line buffer; a complete line (or a full buffer) goes out whole, labelled with the
 * client's name, which the server knows from the badge of the client's capability (not from
 * anything the client says), when the client's bucket covers it (limit.c); otherwise the line
 * is dropped and counted, and a drop line says so. Control bytes are dropped: a client cannot
 * move the cursor over another's lines.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/runtime.h>
#include "console.h"
#include "glue.h"

#define ERR_TOO_LONG 3 /* the server's own error: len > 96 */

struct rpc_client {
    bh_word_t badge;
    const char *name;
};
static const struct rpc_client table[] = CONN_out_CLIENT_TABLE;
#define NCLIENTS (sizeof table / sizeof table[0])

/* The last entry: a badge the table does not know. */
static struct client clients[NCLIENTS + 1];
static char lines[NCLIENTS + 1][CONSOLE_LINE_MAX];
static size_t line_len[NCLIENTS + 1];

size_t console_format(char *out, const char *label, bool closed, const char *text, size_t len)
{
    size_t n = (size_t)snprintf(out, CONSOLE_LABEL_MAX, closed ? "[%.40s] " : "[%.40s ", label);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x20 && text[i] != 0x7f) out[n++] = text[i];
        else if (text[i] == '\t') out[n++] = ' ';
    out[n++] = '\n';
    return n;
}

static size_t client_index(bh_word_t badge)
{
    size_t i = 0;
    while (i < NCLIENTS && table[i].badge != badge) i++;
    return i;
}

static void emit(size_t c)
{
    char out[CONSOLE_LABEL_MAX + CONSOLE_LINE_MAX + 1];
    size_t n = console_format(out, clients[c].name, true, lines[c], line_len[c]);
    line_len[c] = 0;
    if (limit_take(&clients[c], n)) console_write(out, n);
    else limit_drop(&clients[c], n);
}

int out_put_string(bh_word_t badge, const uint8_t text[96], uint32_t len, uint32_t *ret)
{
    if (len > 96) return ERR_TOO_LONG;
    size_t c = client_index(badge);
    for (uint32_t i = 0; i < len; i++) {
        if (text[i] == '\n' || line_len[c] == CONSOLE_LINE_MAX) emit(c);
        if (text[i] != '\n') lines[c][line_len[c]++] = (char)text[i];
    }
    limit_report(&clients[c], false);
    *ret = len;
    return 0;
}

int main(void)
{
    console_out_init();
    for (size_t i = 0; i < NCLIENTS; i++) limit_init(&clients[i], table[i].name);
    limit_init(&clients[NCLIENTS], "?");
    bh_printf("[console] console server ready\n");
    limit_describe();
    out_run();
}
