/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's input thread: bytes typed on COM1 go to one guest's console at a time,
 * at first the first console channel's (vm0: the default system's Linux). Ctrl-] (as in
 * telnet, `virsh console` and `xl console`) starts a command: Ctrl-] 1 or 2 sends what is
 * typed next to the guest on vm0 or vm1, Ctrl-] l lists the consoles and which one has the
 * input, Ctrl-] Ctrl-] types a Ctrl-] itself; the others keep writing their output, labelled.
 * The kernel keeps the UART's configuration registers (FIFO, line and modem control), so this
 * thread only enables the receive interrupt and reads the line status and receive buffer.
 * Each burst goes into the channel's input ring (bulkhead/console_ring.h) and one signal tells
 * the guest's VMM; bytes that find the ring full are dropped and counted (the guest is not
 * reading).
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
#define ESCAPE 0x1du /* Ctrl-] */

struct input {
    int connected;
    const char *peer;
    uintptr_t page;
    bh_cptr_t signal;
    unsigned long dropped;
};

static struct input inputs[] = {
    {CHAN_vm0_CONNECTED, CHAN_vm0_PEER, CHAN_vm0_RING_VADDR, CHAN_vm0_PEER_NOTIFICATION_CPTR, 0},
    {CHAN_vm1_CONNECTED, CHAN_vm1_PEER, CHAN_vm1_RING_VADDR, CHAN_vm1_PEER_NOTIFICATION_CPTR, 0},
};
#define INPUTS (sizeof inputs / sizeof inputs[0])

static unsigned target;  /* the console typed input goes to */
static bool escaped;     /* the last byte was Ctrl-] */

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
    struct input *in = &inputs[target];
    if (n == 0 || !in->connected) return;
    uint32_t put = bh_byte_ring_put(bh_console_input_ring(in->page), buf, n);
    if (put < n && in->dropped++ == 0) bh_printf("[console] %s is not reading its input: dropping it\n", in->peer);
    if (put) bh_signal(in->signal);
}

static void list_consoles(void)
{
    for (unsigned i = 0; i < INPUTS; i++)
        if (inputs[i].connected)
            bh_printf("[console] console %u: %s%s\n", i + 1, inputs[i].peer, i == target ? " (has the input)" : "");
    bh_printf("[console] Ctrl-] then a number gives that console the input; Ctrl-] Ctrl-] types Ctrl-]\n");
}

/* The byte after Ctrl-]. */
static void command(uint8_t c)
{
    unsigned i = (unsigned)(c - '1');
    if (c == ESCAPE) pass_on(&c, 1);
    else if (c >= '1' && i < INPUTS && inputs[i].connected) {
        target = i;
        bh_printf("[console] COM1 input goes to %s's console\n", inputs[i].peer);
    } else list_consoles();  /* 'l', '?' and anything else: what there is and how to choose */
}

/* Passes a burst on, taking the commands out of it. */
static void type(const uint8_t *buf, uint32_t n)
{
    uint32_t from = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (escaped) {
            escaped = false;
            command(buf[i]);
            from = i + 1;
        } else if (buf[i] == ESCAPE) {
            pass_on(buf + from, i - from);
            escaped = true;
            from = i + 1;
        }
    }
    pass_on(buf + from, n - from);
}

void thread_input(void)
{
    uint8_t buf[BURST];
    if (bh_io_port_out8(HW_com1_data_IOPORT_CPTR, COM1_IER, IER_RECEIVED_DATA) != 0) {
        bh_printf("[console] cannot enable COM1's receive interrupt: no input\n");
        return;
    }
    if (CHAN_vm0_CONNECTED)
        bh_printf("[console] COM1 input goes to %s's console (hvc0); Ctrl-] l lists the consoles\n", CHAN_vm0_PEER);
    for (;;) {
        uint32_t n;
        while ((n = read_burst(buf)) != 0) type(buf, n);
        bh_irq_handler_ack(HW_com1_irq_IRQ_CPTR);
        (void)bh_wait(HW_IRQ_NOTIFICATION_CPTR);
    }
}
