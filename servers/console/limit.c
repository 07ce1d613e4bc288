/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Per-client rate limits: a token bucket of `burst` bytes that refills at `rate` bytes per
 * second, kept in cycles of the counter (a byte costs cost = kHz * 1000 / rate cycles), so no
 * division happens per line. The defaults hold every client; the table below gives some
 * clients more (the configuration of a system's console). The rates together should stay below
 * what the line carries, 11,520 bytes/s at 115,200 baud: then every client gets its rate
 * whatever the others do (the default system: five clients at 1,024 and Linux at 4,096).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/runtime.h>
#include "console.h"

#define RATE_DEFAULT 1024u   /* bytes per second */
#define BURST_DEFAULT 4096u  /* bytes */
#define SAY_EVERY_MS 1000u   /* drop lines, per client */

static const struct {
    const char *client;
    uint32_t rate, burst;
} rates[] = {
    {"linux", 4096u, 16384u},  /* its boot log (4 KiB at loglevel 6) and its shell */
};

void limit_init(struct client *c, const char *name)
{
    memset(c, 0, sizeof *c);
    c->name = name;
    c->rate = RATE_DEFAULT;
    c->burst = BURST_DEFAULT;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (strcmp(rates[i].client, name) == 0) c->rate = rates[i].rate, c->burst = rates[i].burst;
    uint64_t khz = console_clock_khz();
    c->cost = khz ? khz * 1000u / c->rate : 0;
    c->level = c->burst * c->cost;
    c->stamp = console_clock();
}

bool limit_take(struct client *c, uint64_t n)
{
    uint64_t now = console_clock();
    if (!c->first) c->first = now ? now : 1;
    if (c->cost) {
        uint64_t full = c->burst * c->cost, elapsed = now - c->stamp;
        c->level = elapsed >= full - c->level ? full : c->level + elapsed;
        c->stamp = now;
        if (c->level < n * c->cost) return false;
        c->level -= n * c->cost;
    }
    c->written += n;
    return true;
}

void limit_drop(struct client *c, uint64_t n)
{
    c->dropped += n;
}

void limit_report(struct client *c, bool force)
{
    if (c->dropped == c->dropped_said) return;
    uint64_t now = console_clock(), khz = console_clock_khz();
    if (!force && khz && c->said_at && now - c->said_at < SAY_EVERY_MS * khz) return;
    uint64_t ms = khz && c->first ? (now - c->first) / khz : 0;
    bh_printf("[console] %s: %llu bytes dropped (%llu written in %llu ms, at most %llu bytes/s after a burst of %llu)\n",
              c->name, (unsigned long long)(c->dropped - c->dropped_said), (unsigned long long)c->written,
              (unsigned long long)ms, (unsigned long long)c->rate, (unsigned long long)c->burst);
    c->dropped_said = c->dropped;
    c->said_at = now;
}

void limit_describe(void)
{
    if (!console_clock_khz()) {
        bh_printf("[console] no counter frequency: clients are not rate-limited\n");
        return;
    }
    char line[256];
    int n = snprintf(line, sizeof line, "every client at most %u bytes/s after a burst of %u", RATE_DEFAULT, BURST_DEFAULT);
    for (size_t i = 0; i < sizeof rates / sizeof rates[0] && n > 0 && (size_t)n < sizeof line; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "; %s %u, %u", rates[i].client, rates[i].rate, rates[i].burst);
    bh_printf("[console] %s\n", line);
}
