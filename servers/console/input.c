/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's input thread: bytes typed on COM1 go to the Linux guest's console.
 * The kernel writes its own output to the same UART and keeps its configuration registers
 * (FIFO, line and modem control), so this thread only enables the receive interrupt and reads
 * the line status and receive buffer. Each burst goes into the channel's ring
 * (bulkhead/byte_ring.h) and one signal tells the guest's VMM; bytes that find the ring full
 * are dropped and counted (the guest is not reading).
 */
#include <bulkhead/byte_ring.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "glue.h"

#define COM1_RBR 0x3f8u
#define COM1_IER 0x3f9u
#define COM1_LSR 0x3fdu
#define IER_RECEIVED_DATA 0x01u
#define LSR_DATA_READY 0x01u
#define BURST 64u

static unsigned long dropped;

/* Reads what the UART holds, up to one burst; returns the byte count. */
static uint32_t read_burst(uint8_t *buf)
{
    uint32_t n = 0;
    bh_word_t lsr = 0, c = 0;
    while (n < BURST && bh_io_port_in8(HW_com1_status_IOPORT_CPTR, COM1_LSR, &lsr) == 0 && (lsr & LSR_DATA_READY) &&
           bh_io_port_in8(HW_com1_data_IOPORT_CPTR, COM1_RBR, &c) == 0)
        buf[n++] = (uint8_t)c;
    return n;
}

static void pass_on(const uint8_t *buf, uint32_t n)
{
    struct bh_byte_ring *ring = (struct bh_byte_ring *)(uintptr_t)CHAN_linux_in_RING_VADDR;
    uint32_t put = bh_byte_ring_put(ring, buf, n);
    if (put < n && dropped++ == 0) bh_printf("[console] the Linux guest is not reading its input: dropping it\n");
    if (put) bh_signal(CHAN_linux_in_PEER_NOTIFICATION_CPTR);
}

void thread_input(void)
{
    uint8_t buf[BURST];
    if (bh_io_port_out8(HW_com1_data_IOPORT_CPTR, COM1_IER, IER_RECEIVED_DATA) != 0) {
        bh_printf("[console] cannot enable COM1's receive interrupt: no input\n");
        return;
    }
    bh_printf("[console] COM1 input goes to the Linux guest's console (hvc0)\n");
    for (;;) {
        uint32_t n;
        while ((n = read_burst(buf)) != 0) pass_on(buf, n);
        bh_irq_handler_ack(HW_com1_irq_IRQ_CPTR);
        (void)bh_wait(HW_IRQ_NOTIFICATION_CPTR);
    }
}
