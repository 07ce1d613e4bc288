/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's input thread: bytes typed on COM1 go to the first console channel's
 * guest (vm0: the default system's Linux). The kernel keeps the UART's configuration
 * registers (FIFO, line and modem control), so this thread only enables the receive interrupt
 * and reads the line status and receive buffer. Each burst goes into the channel's input ring
 * (bulkhead/console_ring.h) and one signal tells the guest's VMM; bytes that find the ring
 * full are dropped and counted (the guest is not reading).
 */
#include <bulkhead/console_ring.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include <bulkhead/uart.h>
#include "glue.h"

#define COM1_IER 0x3f9u
#define IER_RECEIVED_DATA 0x01u
#define LSR_DATA_READY 0x01u
#define BURST 64u

static unsigned long dropped;

/* Reads what the UART holds, up to one burst; returns the byte count. */
static uint32_t read_burst(uint8_t *buf)
{
    uint32_t n = 0;
    bh_word_t lsr = 0, c = 0;
    while (n < BURST && bh_io_port_in8(HW_com1_status_IOPORT_CPTR, BH_COM1_STATUS, &lsr) == 0 &&
           (lsr & LSR_DATA_READY) && bh_io_port_in8(HW_com1_data_IOPORT_CPTR, BH_COM1_DATA_FIRST, &c) == 0)
        buf[n++] = (uint8_t)c;
    return n;
}

static void pass_on(const uint8_t *buf, uint32_t n)
{
    uint32_t put = CHAN_vm0_CONNECTED ? bh_byte_ring_put(bh_console_input_ring(CHAN_vm0_RING_VADDR), buf, n) : 0;
    if (put < n && dropped++ == 0) bh_printf("[console] %s is not reading its input: dropping it\n", CHAN_vm0_PEER);
    if (put) bh_signal(CHAN_vm0_PEER_NOTIFICATION_CPTR);
}

void thread_input(void)
{
    uint8_t buf[BURST];
    if (bh_io_port_out8(HW_com1_data_IOPORT_CPTR, COM1_IER, IER_RECEIVED_DATA) != 0) {
        bh_printf("[console] cannot enable COM1's receive interrupt: no input\n");
        return;
    }
    if (CHAN_vm0_CONNECTED) bh_printf("[console] COM1 input goes to %s's console (hvc0)\n", CHAN_vm0_PEER);
    for (;;) {
        uint32_t n;
        while ((n = read_burst(buf)) != 0) pass_on(buf, n);
        bh_irq_handler_ack(HW_com1_irq_IRQ_CPTR);
        (void)bh_wait(HW_IRQ_NOTIFICATION_CPTR);
    }
}
