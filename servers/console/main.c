/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server: writes its clients' text to the kernel debug console, each line
 * prefixed with the client's name, which it knows from the badge of the client's
 * capability (not from anything the client says).
 */
#include <bulkhead/runtime.h>
#include "glue.h"
#include "print_lock.h"

#define MAX_CLIENTS 16u
#define ERR_TOO_LONG 3 /* the server's own error: len > 96 */

static bool midline[MAX_CLIENTS];

static const char *client_name(bh_word_t badge)
{
    switch (badge) {
#ifdef CONN_out_CLIENT_ping
    case CONN_out_CLIENT_ping: return "ping";
#endif
#ifdef CONN_out_CLIENT_pong
    case CONN_out_CLIENT_pong: return "pong";
#endif
#ifdef CONN_out_CLIENT_intruder
    case CONN_out_CLIENT_intruder: return "intruder";
#endif
    default: return "?";
    }
}

int out_put_string(bh_word_t badge, const uint8_t text[96], uint32_t len, uint32_t *ret)
{
    if (len > 96) return ERR_TOO_LONG;
    bool *mid = &midline[badge < MAX_CLIENTS ? badge : 0];
    print_lock();
    for (uint32_t i = 0; i < len; i++) {
        if (!*mid) bh_printf("[%s] ", client_name(badge));
        bh_putc((char)text[i]);
        *mid = text[i] != '\n';
    }
    print_unlock();
    *ret = len;
    return 0;
}

volatile int console_print_lock;

int main(void)
{
    print_lock();
    bh_printf("[console] console server ready\n");
    print_unlock();
    out_run();
}
