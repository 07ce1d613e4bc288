/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Channel 2 of an 8254 PIT and the gate and output bits of port 0x61, enough for the loops
 * that calibrate against it (Linux's quick_pit_calibrate polls the count's high byte until it
 * moves): the count falls at 1.193182 MHz of the VMM's guest clock (time.c). Channels 0 and 1
 * are not there: writes to them are ignored, reads of ports 0x40/0x41 read as an empty bus.
 * Ports: 0x42 channel 2 data, 0x43 mode/command (write only), 0x61 bit 0 gate 2, bit 1
 * speaker, bit 4 refresh toggle, bit 5 channel 2 output.
 */
#include "vmm.h"

#define PIT_HZ 1193182ull
#define ACCESS_LATCH 0u
#define ACCESS_LO 1u
#define ACCESS_HI 2u
#define ACCESS_LOHI 3u

/* Ticks since the count was loaded (counting starts with the load, gate or not). */
static uint64_t elapsed_ticks(struct vm *vm)
{
    struct pit2 *p = &vm->pit;
    return (time_now_ns(vm) - p->start_ns) * PIT_HZ / 1000000000ull;
}

static uint32_t reload_value(const struct pit2 *p)
{
    return p->reload ? p->reload : 0x10000u; /* 0 counts 65536 */
}

static uint16_t current_count(struct vm *vm)
{
    struct pit2 *p = &vm->pit;
    if (!p->loaded) return p->reload;
    return (uint16_t)((reload_value(p) - (elapsed_ticks(vm) % 0x10000u)) & 0xffffu);
}

static bool output_high(struct vm *vm)
{
    const struct pit2 *p = &vm->pit;
    return p->loaded && elapsed_ticks(vm) >= reload_value(p); /* mode 0: high at terminal count */
}

static void command(struct vm *vm, uint8_t v)
{
    struct pit2 *p = &vm->pit;
    if ((v >> 6) != 2) return;            /* only channel 2 exists */
    unsigned access = (v >> 4) & 3u;
    if (access == ACCESS_LATCH) {
        p->latch = current_count(vm);
        p->latched = true;
        p->read_hi = false;
        return;
    }
    p->access = (uint8_t)access;
    p->mode = (uint8_t)((v >> 1) & 7u);
    p->write_hi = p->read_hi = false;
    p->loaded = false;
}

static void load(struct vm *vm, uint8_t v)
{
    struct pit2 *p = &vm->pit;
    switch (p->access) {
    case ACCESS_LO: p->reload = v; break;
    case ACCESS_HI: p->reload = (uint16_t)(v << 8); break;
    default:
        if (!p->write_hi) {
            p->reload = (uint16_t)((p->reload & 0xff00u) | v);
            p->write_hi = true;
            return; /* counting starts when the high byte arrives */
        }
        p->reload = (uint16_t)((p->reload & 0x00ffu) | (uint16_t)(v << 8));
        p->write_hi = false;
        break;
    }
    p->start_ns = time_now_ns(vm);
    p->loaded = true;
}

static uint8_t read_count(struct vm *vm)
{
    struct pit2 *p = &vm->pit;
    uint16_t value = p->latched ? p->latch : current_count(vm);
    bool hi = p->access == ACCESS_HI || (p->access == ACCESS_LOHI && p->read_hi);
    if (p->access == ACCESS_LOHI) p->read_hi = !p->read_hi;
    if (p->access != ACCESS_LOHI || !p->read_hi) p->latched = false; /* the latch is read out */
    return (uint8_t)(hi ? value >> 8 : value);
}

bool pit_port_out(struct vm *vm, unsigned port, uint8_t value)
{
    switch (port) {
    case 0x40:
    case 0x41: return true;
    case 0x42: load(vm, value); return true;
    case 0x43: command(vm, value); return true;
    case 0x61: vm->pit.port61 = value & 3u; return true;
    default: return false;
    }
}

bool pit_port_in(struct vm *vm, unsigned port, uint8_t *value)
{
    switch (port) {
    case 0x42: *value = read_count(vm); return true;
    case 0x61:
        vm->pit.refresh = !vm->pit.refresh;
        *value = (uint8_t)(vm->pit.port61 | (vm->pit.refresh ? 0x10u : 0) | (output_high(vm) ? 0x20u : 0));
        return true;
    default: return false;
    }
}
