/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Writing to a 16550 UART from user level (x86), through two I/O port capabilities: the
 * data range (transmit buffer at its first port) and the line status register. The kernel
 * programs the line at boot (115,200 8N1, FIFOs on) and keeps the configuration registers
 * (0x3fa..0x3fc on COM1), so a holder only sends. Used by the root server until its console
 * server runs, and by the console server (docs/console.md).
 */
#ifndef BULKHEAD_UART_H
#define BULKHEAD_UART_H

#include <stddef.h>
#include <bulkhead/syscalls.h>

#define BH_COM1_DATA_FIRST 0x3f8u  /* transmit/receive buffer */
#define BH_COM1_DATA_LAST 0x3f9u   /* interrupt enable */
#define BH_COM1_STATUS 0x3fdu      /* line status */

struct bh_uart {
    bh_cptr_t data, status;  /* I/O port capabilities */
    bh_word_t base, lsr;     /* their ports: transmit buffer, line status */
};

/* Writes len bytes ("\n" as "\r\n"), waiting for the transmitter to be empty before each
 * burst of up to 16 bytes (the FIFO's depth). Returns 0 or the kernel's error. */
int bh_uart_write(const struct bh_uart *u, const char *text, size_t len);

#endif
