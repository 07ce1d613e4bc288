/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's view of PCI configuration space (docs/passthrough.md, "The VMM's side"): the
 * mechanism-1 ports 0xcf8..0xcff, a virtual host bridge at 00:00.0 (Linux's pci_sanity_check
 * wants a host bridge on bus 0 of a machine without DMI), and one passed-through function at a
 * guest slot of bus 0 with a virtualised header: its IDs and class are the device's, its BARs
 * sit at guest-physical addresses the VMM chose outside RAM (size probing answered from the
 * sizes, a moved BAR is noted, never followed), INTx is disabled and the interrupt pin is 0 (a
 * PVH guest has no IOAPIC: MSI only), the expansion ROM reads 0, and the capability list holds
 * one virtual MSI capability (64-bit, one message) whose address and data stay virtual. Only
 * the command register's memory and bus-master bits reach the device, through the PCI
 * manager (servers/pci), which filters them again. Pure logic: the VMM supplies the manager
 * call and hears of MSI changes through ops; the host tests and a fuzzer drive it directly.
 */
#ifndef VMM_PCI_CONFIG_H
#define VMM_PCI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define VPCI_PORT_ADDRESS 0xcf8u
#define VPCI_PORT_DATA 0xcfcu
#define VPCI_BARS 6u
#define VPCI_HOST_BRIDGE_DEVFN 0x00u
#define VPCI_MSI_CAP 0x40u         /* where the guest sees the virtual MSI capability */
#define VPCI_MSI_ADDRESS_BASE 0xfee00000u
#define VPCI_MSI_FLAGS_ENABLE 0x1u
#define VPCI_MSI_FLAGS_64BIT 0x80u

struct vpci_bar {
    uint64_t gpa;      /* where the VMM maps it in the guest (size-aligned) */
    uint64_t size;     /* a power of two, at least 16 bytes; 0: no BAR here */
    uint32_t flags;    /* the device's low bits: bit 0 I/O, bits 2:1 type (2: 64-bit), bit 3 prefetchable */
};

struct vpci_ops {
    /* A write to the device's command register (memory and bus master, INTx disabled), through
     * the PCI manager; returns its answer (0, or servers/pci's error). */
    int (*write_command)(void *ctx, uint16_t command);
    /* The guest enabled, disabled or reprogrammed the MSI: the VMM (re)arms delivery. */
    void (*msi_changed)(void *ctx);
    void *ctx;
};

struct vpci {
    /* Set up by the VMM before the guest runs. */
    uint8_t devfn;                 /* the function's slot on the guest's bus 0 (not 0) */
    uint32_t id;                   /* device << 16 | vendor, the device's */
    uint32_t class_revision;       /* the device's */
    uint32_t subsystem;            /* the device's */
    bool has_msi;                  /* the device has MSI: the guest gets the virtual capability */
    struct vpci_bar bar[VPCI_BARS];
    struct vpci_ops ops;
    /* The guest's state. */
    uint32_t address;              /* the 0xcf8 latch */
    uint16_t command;              /* memory and bus master as the guest set them */
    uint8_t cache_line, interrupt_line;
    uint32_t bar_value[VPCI_BARS]; /* what the guest reads back (probes and restores) */
    uint16_t msi_control;
    uint64_t msi_address;
    uint16_t msi_data;
    /* Counts for the VMM's report. */
    unsigned bars_moved;           /* BAR writes naming another base: not followed */
    unsigned dropped_writes;       /* writes to registers nobody may write */
    unsigned refused_by_manager;   /* command writes the manager refused */
};

/* Where the guest's MSI goes: its vector and destination APIC ID (physical, fixed delivery). */
struct vpci_msi_target {
    uint8_t vector;
    uint32_t apic_id;
};

/* Prepares the guest's state from the setup fields (BARs at their GPAs, everything off). */
void vpci_reset(struct vpci *v);
/* A guest IN of size bytes (1, 2, 4) at port 0xcf8..0xcff; false: not a configuration port. */
bool vpci_port_in(struct vpci *v, uint16_t port, unsigned size, uint32_t *value);
/* A guest OUT; false: not a configuration port. */
bool vpci_port_out(struct vpci *v, uint16_t port, unsigned size, uint32_t value);
/* The function's configuration space as the guest sees it (offset aligned to size). */
uint32_t vpci_config_read(const struct vpci *v, uint8_t devfn, uint32_t offset, unsigned size);
void vpci_config_write(struct vpci *v, uint8_t devfn, uint32_t offset, unsigned size, uint32_t value);
/* The guest's MSI when enabled and deliverable (address 0xfeexxxxx, fixed delivery, edge):
 * true and the target; false otherwise (the VMM then delivers nothing). */
bool vpci_msi_target(const struct vpci *v, struct vpci_msi_target *t);

#endif
