/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A component's console output through the console server: linked into a component whose
 * spec gives it a `uses console log` port, compiled against that component's glue. After
 * console_client_init, the runtime's bh_printf goes to the server in put_string calls of up
 * to 96 bytes (the server labels the lines and holds the component to its rate), not to the
 * kernel's debug console, which the release kernel does not have.
 */
#include <string.h>
#include <bulkhead/runtime.h>
#include "glue.h"

void console_client_init(void);

static void through_server(const char *text, size_t len)
{
    while (len) {
        uint8_t chunk[96] = {0};
        size_t n = len < sizeof chunk ? len : sizeof chunk;
        uint32_t written = 0;
        memcpy(chunk, text, n);
        if (log_put_string(chunk, (uint32_t)n, &written) != BHIDL_OK) return;
        text += n;
        len -= n;
    }
}

void console_client_init(void)
{
    bh_console_set_sink(through_server);
}
