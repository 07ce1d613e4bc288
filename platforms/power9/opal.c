/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * OPAL services: the console (OPAL_CONSOLE_WRITE on terminal 0; OPAL reads its arguments
 * big-endian) and power-down (OPAL_CEC_POWER_DOWN, then OPAL_POLL_EVENTS until the BMC
 * turns the machine off: QEMU exits with status 0).
 */
#include "power9.h"

uint64_t p9_opal_base, p9_opal_entry;

static int64_t opal0(uint64_t token, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return p9_opal_call(token, a0, a1, a2, 0, 0, 0, 0);
}

static void console_write(const char *buf, uint64_t n)
{
    while (n > 0) {
        uint64_t len_be = __builtin_bswap64(n);
        int64_t rc = opal0(OPAL_CONSOLE_WRITE, 0, (uint64_t)(uintptr_t)&len_be, (uint64_t)(uintptr_t)buf);
        uint64_t done = __builtin_bswap64(len_be);
        if (rc != OPAL_SUCCESS && rc != OPAL_BUSY && rc != OPAL_BUSY_EVENT) return;
        if (done > n) return;
        if (done == 0) opal0(OPAL_POLL_EVENTS, 0, 0, 0);
        buf += done;
        n -= done;
    }
}

void plat_console_putc(char c)
{
    if (!p9_opal_entry) return;
    if (c == '\n') console_write("\r\n", 2);
    else console_write(&c, 1);
}

/* Ends QEMU (status 0 with the BMC present); a test verdict is printed before. */
/* OPAL has no exit status: the test runners read the console. */
void plat_power_off(word_t status)
{
    (void)status;
    plat_halt();
}

void plat_halt(void)
{
    int64_t rc;
    if (!p9_opal_entry)
        for (;;) __asm__ volatile("or 1, 1, 1");
    do {
        rc = opal0(OPAL_CEC_POWER_DOWN, 0, 0, 0);
        if (rc == OPAL_BUSY_EVENT) opal0(OPAL_POLL_EVENTS, 0, 0, 0);
    } while (rc == OPAL_BUSY || rc == OPAL_BUSY_EVENT);
    for (;;) opal0(OPAL_POLL_EVENTS, 0, 0, 0);
}
