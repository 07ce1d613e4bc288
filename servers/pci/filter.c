/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PCI manager's write filter: which bytes of a type 0 header a client may write, and with
 * what. Each byte of configuration space is in one class; a write is refused when any byte it
 * covers is refused (the strictest class first: a BAR, then a read-only register), so that no
 * refused write changes anything. What passes: the command register's memory, bus master and
 * INTx-disable bits (INTx is forced off: guests have MSI only), status (its error bits are
 * write-1-to-clear), cache line size, latency timer, interrupt line (a scratch byte), and the
 * message fields of the MSI capability and the MSI-X message control word. Everything else,
 * vendor-specific registers included, is refused: the list grows with the devices we pass.
 */
#include "pci.h"

enum byte_class { BYTE_ALLOW, BYTE_COMMAND, BYTE_READ_ONLY, BYTE_BAR };

enum pci_error pci_check_shape(uint32_t offset, uint32_t size)
{
    if (size != 1 && size != 2 && size != 4) return PCI_ERR_SIZE;
    if (offset % size) return PCI_ERR_ALIGNMENT;
    if (offset >= PCI_CONFIG_SIZE || PCI_CONFIG_SIZE - offset < size) return PCI_ERR_OFFSET;
    return PCI_OK;
}

static bool within(uint32_t at, uint32_t first, uint32_t length) { return at >= first && at - first < length; }

/* The class of one byte of f's header or capability area. */
static enum byte_class class_of(const struct pci_function *f, uint32_t at)
{
    if (at < PCI_COMMAND) return BYTE_READ_ONLY;                     /* vendor, device */
    if (at < PCI_STATUS) return BYTE_COMMAND;
    if (at < PCI_CLASS_REVISION) return BYTE_ALLOW;                  /* status: write 1 to clear */
    if (at < PCI_CACHE_LINE_SIZE) return BYTE_READ_ONLY;             /* revision, class */
    if (at == PCI_CACHE_LINE_SIZE || at == PCI_LATENCY_TIMER) return BYTE_ALLOW;
    if (at < PCI_BAR0) return BYTE_READ_ONLY;                        /* header type, BIST */
    if (at < PCI_BAR_END) return BYTE_BAR;
    if (within(at, PCI_ROM_BAR, 4)) return BYTE_BAR;
    if (at == PCI_INTERRUPT_LINE) return BYTE_ALLOW;
    if (at < 0x40u) return BYTE_READ_ONLY;                           /* CIS, subsystem, capability pointer, pin */
    /* MSI: everything after the ID and next pointer (flags, address, data, mask, pending). */
    if (f->msi_cap && within(at, f->msi_cap + 2u, f->msi_len - 2u)) return BYTE_ALLOW;
    /* MSI-X: the message control word; the table and PBA live in a BAR, not here. */
    if (f->msix_cap && within(at, f->msix_cap + 2u, 2)) return BYTE_ALLOW;
    return BYTE_READ_ONLY;
}

/* The command register after the write: the bytes written over the current ones. */
static uint16_t merged_command(uint32_t offset, uint32_t size, uint32_t value, uint16_t command)
{
    uint32_t merged = command;
    for (uint32_t i = 0; i < size; i++) {
        uint32_t at = offset + i;
        if (at != PCI_COMMAND && at != PCI_COMMAND + 1) continue;
        uint32_t shift = 8u * (at - PCI_COMMAND);
        merged = (merged & ~(0xffu << shift)) | (((value >> (8u * i)) & 0xffu) << shift);
    }
    return (uint16_t)merged;
}

static enum pci_error check_command(const struct pci_function *f, uint16_t now, uint16_t next)
{
    uint16_t changed = now ^ next;
    if (changed & ~PCI_COMMAND_CLIENT_BITS) return PCI_ERR_COMMAND;
    if ((changed & next & PCI_COMMAND_MASTER) && !f->dma_confined) return PCI_ERR_BUS_MASTER;
    return PCI_OK;
}

enum pci_error pci_filter_write(const struct pci_function *f, uint32_t offset, uint32_t size, uint32_t value,
                                uint16_t command, uint32_t *out)
{
    enum pci_error err = pci_check_shape(offset, size);
    if (err != PCI_OK) return err;
    if (f->header_type != 0) return PCI_ERR_BRIDGE;
    enum byte_class worst = BYTE_ALLOW;
    for (uint32_t i = 0; i < size; i++) {
        enum byte_class c = class_of(f, offset + i);
        if (c > worst) worst = c;
    }
    if (worst == BYTE_BAR) return PCI_ERR_BAR;
    if (worst == BYTE_READ_ONLY) return PCI_ERR_READ_ONLY;
    *out = value;
    if (worst == BYTE_ALLOW) return PCI_OK;
    uint16_t next = merged_command(offset, size, value, command);
    if ((err = check_command(f, command, next)) != PCI_OK) return err;
    next |= PCI_COMMAND_INTX_DISABLE;
    /* Put the forced bit back into the bytes written (offset is aligned: 4, 5 or 4..7). */
    if (offset == PCI_COMMAND + 1) *out = next >> 8;
    else if (size == 1) *out = next & 0xffu;
    else *out = (value & ~0xffffu) | next;
    return PCI_OK;
}
