/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * QEMU's `edu` device (1234:11e8; hw/misc/edu.c, docs/specs/edu.txt) for the tests that need a
 * PCI device: configuration space through ports 0xcf8..0xcff, BAR0's first page mapped once at
 * EDU_REGS_VA, its MSI capability (one vector, 64-bit addresses).
 */
#ifndef KTEST_EDU_H
#define KTEST_EDU_H

#include "../../../tests/system/ktest/ktest.h"

#define EDU_ID 0x11e81234u
#define EDU_REGS_VA 0x0000650000000000ull
/* BAR0 registers: 0x60 raise an interrupt (the value is ORed into the status; with MSI on,
 * every raise sends the message), 0x64 acknowledge (clears status bits); 32-bit accesses. */
#define EDU_IRQ_RAISE 0x60u
#define EDU_IRQ_ACK 0x64u

/* Issues the configuration ports (once) and finds edu on bus 0: its device number, or -1. */
int edu_find(struct env *env);
uint32_t pci_config_read(unsigned dev, unsigned reg);
void pci_config_write(unsigned dev, unsigned reg, uint32_t v);
/* The device frame at paddr, from the device untyped that covers it (0 if none). */
bh_cptr_t device_frame_at(struct env *env, uint64_t paddr);
/* Memory decoding and bus mastering on, BAR0's first page mapped at EDU_REGS_VA (once). */
int edu_regs_map(struct env *env, unsigned dev);
static inline volatile uint32_t *edu_reg32(unsigned off) { return (volatile uint32_t *)(EDU_REGS_VA + off); }
static inline volatile uint64_t *edu_reg64(unsigned off) { return (volatile uint64_t *)(EDU_REGS_VA + off); }
/* Programs edu's MSI capability with the message and enables it (-1: no MSI capability). */
int edu_msi_set(unsigned dev, uint64_t address, uint32_t data);
void edu_msi_disable(unsigned dev);

#endif
