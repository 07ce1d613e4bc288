/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* say(): printf to the console server, in put_string calls of up to 96 bytes. Compiled once
 * per instance, against that instance's glue (its `log` port). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "glue.h"
#include "say.h"

#define CHUNK 96u

void say(const char *fmt, ...)
{
    char buf[384];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    for (size_t off = 0; off < len; off += CHUNK) {
        uint8_t text[CHUNK] = {0};
        size_t part = len - off < CHUNK ? len - off : CHUNK;
        uint32_t written = 0;
        memcpy(text, buf + off, part);
        if (log_put_string(text, (uint32_t)part, &written) != BHIDL_OK) return;
    }
}
