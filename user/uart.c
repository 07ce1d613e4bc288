/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A 16550's transmitter from user level. With the FIFOs on (the kernel's setting), the line
 * status bit THRE says the transmit FIFO is empty: 16 bytes then go in without another look,
 * which halves the system calls of a byte-by-byte poll. On a real 115,200-baud line the wait
 * is the caller's own time (87 us a byte), not the kernel's.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/uart.h>

#define LSR_THRE 0x20u
#define FIFO_DEPTH 16u

static int wait_empty(const struct bh_uart *u)
{
    for (;;) {
        bh_word_t lsr = 0;
        int err = bh_io_port_in8(u->status, u->lsr, &lsr);
        if (err != 0) return err;
        if (lsr & LSR_THRE) return 0;
    }
}

int bh_uart_write(const struct bh_uart *u, const char *text, size_t len)
{
    size_t i = 0;
    int cr_sent = 0;  /* the "\r" of text[i] == '\n' is out, its "\n" not yet */
    while (i < len) {
        int err = wait_empty(u);
        for (unsigned n = 0; err == 0 && n < FIFO_DEPTH && i < len; n++) {
            char c = text[i];
            if (c == '\n' && !cr_sent) {
                c = '\r';
                cr_sent = 1;
            } else {
                cr_sent = 0;
                i++;
            }
            err = bh_io_port_out8(u->data, u->base, (uint8_t)c);
        }
        if (err != 0) return err;
    }
    return 0;
}
