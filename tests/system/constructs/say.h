/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The generated test's components print through the console server (their `log` port). */
#ifndef CONSTRUCTS_SAY_H
#define CONSTRUCTS_SAY_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "glue.h"

static inline void say(const char *fmt, ...)
{
    uint8_t text[96] = {0};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf((char *)text, sizeof text, fmt, ap);
    va_end(ap);
    uint32_t taken = 0;
    (void)log_put_string(text, n < 0 ? 0 : n < (int)sizeof text ? (uint32_t)n : (uint32_t)sizeof text - 1, &taken);
}

/* One verdict line per construct: the test looks for each "NAME ok". */
static inline void verdict(const char *name, int ok)
{
    say("%s %s\n", name, ok ? "ok" : "FAILED");
}
#endif
