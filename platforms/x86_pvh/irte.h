/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * VT-d interrupt-remapping encodings (Intel VT-d spec rev. 3+: 9.10 the interrupt remapping
 * table entry, 5.1.5.1 the I/O APIC's remappable redirection entry, 5.1.5.2 the remappable MSI
 * address, 7.1.3 the interrupt-remapping fault reasons). Pure functions of their arguments, so
 * that the host unit tests check every bit (tests/host/irte/).
 */
#ifndef X86_IRTE_H
#define X86_IRTE_H

#include <stdbool.h>
#include <stdint.h>

struct irte { uint64_t lo, hi; };

/* A remapped (not posted) entry: fixed delivery to one processor in xAPIC physical mode (an
 * 8-bit destination: QEMU refuses extended interrupt mode under TCG), edge or level. With
 * verify_sid the unit delivers only requests whose requester id is `sid` (SVT 01, SQ 00: all
 * 16 bits compared); without it any requester may use the entry. */
struct irte irte_remapped(uint8_t vector, uint8_t apic_id, bool level, uint16_t sid, bool verify_sid);

/* The MSI address a device writes to reach entry `handle` (remappable format, no subhandle:
 * the data word is then 0 and ignored). */
uint32_t msi_remappable_address(uint16_t handle);

/* An I/O APIC redirection entry in remappable format: the high dword carries the handle's bits
 * 14:0 and the format bit, the low dword keeps vector, trigger, polarity and mask (the vector
 * must equal the entry's, for the EOI that ends a level-triggered interrupt) and takes the
 * handle's bit 15 at bit 11. */
uint32_t ioapic_remappable_high(uint16_t handle);
uint32_t ioapic_remappable_low(uint32_t low, uint16_t handle);

/* Fault reasons 0x20..0x27 are interrupt-remapping faults (the fault record's index field then
 * names the entry, not a page). */
bool vtd_reason_is_interrupt(unsigned reason);

#endif
