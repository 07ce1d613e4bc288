/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's output on x86: COM1's transmitter, through the I/O port capabilities
 * of its spec (the root server hands over its own: servers/root/console_com1.c). The
 * server's threads share one lock, so each piece goes out whole; the wait for the UART is
 * the server's own time, in its own partition. The clock is the TSC, at the frequency the
 * root passed in the start message.
 */
#include <bulkhead/arch/machine.h>
#include <bulkhead/runtime.h>
#include <bulkhead/uart.h>
#include "console.h"
#include "glue.h"

static const struct bh_uart com1 = {HW_com1_data_IOPORT_CPTR, HW_com1_status_IOPORT_CPTR, BH_COM1_DATA_FIRST,
                                    BH_COM1_STATUS};
static int lock;

void console_write(const char *text, size_t len)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) bh_yield();
    (void)bh_uart_write(&com1, text, len);
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

void console_out_init(void)
{
    bh_console_set_sink(console_write);
}

uint64_t console_clock(void)
{
    return bh_arch_counter();
}

uint64_t console_clock_khz(void)
{
    return bh_counter_khz;
}
