/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * PIT channel 0 through an IOPort capability for ports 0x40..0x43. Mode 0 raises OUT0, and so
 * ISA IRQ 0, once when the count reaches zero and holds it there: exactly one edge per load,
 * which suits an edge-triggered I/O APIC line and a server that re-arms for the next deadline.
 */
#include <bulkhead/invocations.h>
#include "pit.h"

#define PIT_CH0 0x40u
#define PIT_CMD 0x43u
#define CMD_CH0_LOHI_MODE0 0x30u /* channel 0, low then high byte, mode 0, binary */
#define CMD_READBACK_CH0 0xc2u  /* read-back: latch count and status of channel 0 */
#define STATUS_OUT 0x80u

int pit_arm(bh_cptr_t ports, uint16_t count)
{
    int err = bh_io_port_out8(ports, PIT_CMD, CMD_CH0_LOHI_MODE0);
    if (!err) err = bh_io_port_out8(ports, PIT_CH0, count & 0xffu);
    if (!err) err = bh_io_port_out8(ports, PIT_CH0, count >> 8);
    return err;
}

int pit_read(bh_cptr_t ports, uint16_t *count, bool *out_high)
{
    bh_word_t status = 0, lo = 0, hi = 0;
    int err = bh_io_port_out8(ports, PIT_CMD, CMD_READBACK_CH0);
    if (!err) err = bh_io_port_in8(ports, PIT_CH0, &status);
    if (!err) err = bh_io_port_in8(ports, PIT_CH0, &lo);
    if (!err) err = bh_io_port_in8(ports, PIT_CH0, &hi);
    *count = (uint16_t)((hi & 0xffu) << 8 | (lo & 0xffu));
    *out_high = (status & STATUS_OUT) != 0;
    return err;
}
