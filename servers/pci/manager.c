/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PCI manager's engine: enumeration (bus 0, and the buses behind the bridges found there,
 * breadth first and bounded), each function's capabilities, and the clients' mediated
 * accesses. A client reaches only the functions its grants name (the system description's
 * `pci` declarations of the connected instance); a granted function is bound to an IOSpace by
 * the root server before anything runs, so its DMA is confined and bus master may be set. It
 * starts stopped: its command register holds INTx disable alone.
 */
#include "pci.h"

static uint32_t rd(struct pci_manager *m, uint16_t bdf, uint32_t off, uint32_t size)
{
    return m->ops.read(m->ops.ctx, bdf, off, size);
}

static void wr(struct pci_manager *m, uint16_t bdf, uint32_t off, uint32_t size, uint32_t value)
{
    m->ops.write(m->ops.ctx, bdf, off, size, value);
}

static bool granted(const struct pci_manager *m, uint16_t bdf)
{
    for (unsigned i = 0; i < m->grant_count; i++)
        if (m->grants[i].bdf == bdf) return true;
    return false;
}

/* MSI capability length from its flags (PCI 3.0, 6.8.1): 32- or 64-bit address, mask bits. */
static uint8_t msi_length(uint16_t flags)
{
    if (flags & PCI_MSI_FLAGS_MASKBIT) return (flags & PCI_MSI_FLAGS_64BIT) ? 24 : 20;
    return (flags & PCI_MSI_FLAGS_64BIT) ? 14 : 10;
}

/* Walks the capability list, at most 48 entries (the most that fit in 0x40..0xff). */
static void find_capabilities(struct pci_manager *m, struct pci_function *f)
{
    if (!(rd(m, f->bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST)) return;
    uint32_t at = rd(m, f->bdf, PCI_CAPABILITY_LIST, 1) & 0xfcu;
    for (unsigned n = 0; n < 48 && at >= 0x40u; n++) {
        uint32_t id = rd(m, f->bdf, at, 1);
        if (id == PCI_CAP_ID_MSI && !f->msi_cap) {
            f->msi_cap = (uint8_t)at;
            f->msi_len = msi_length((uint16_t)rd(m, f->bdf, at + 2, 2));
        } else if (id == PCI_CAP_ID_MSIX && !f->msix_cap) {
            f->msix_cap = (uint8_t)at;
        } else if (id == PCI_CAP_ID_EXP && !f->pcie_cap) {
            f->pcie_cap = (uint8_t)at;
            f->flr = (rd(m, f->bdf, at + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR) != 0;
        }
        at = rd(m, f->bdf, at + 1, 1) & 0xfcu;
    }
}

/* Sizes the BARs (PCI 3.0, 6.2.5.1: write all ones, read the mask back, restore), with the
 * function's decoding off, as it is while stopped. A 64-bit BAR takes the next index too. */
static void size_bars(struct pci_manager *m, struct pci_function *f)
{
    for (uint32_t i = 0; i < PCI_BARS; i++) {
        uint32_t at = PCI_BAR0 + 4 * i, low = rd(m, f->bdf, at, 4);
        bool io = low & PCI_BAR_IO, wide = !io && (low & 6u) == PCI_BAR_TYPE_64 && i + 1 < PCI_BARS;
        uint32_t high = wide ? rd(m, f->bdf, at + 4, 4) : 0;
        wr(m, f->bdf, at, 4, 0xffffffffu);
        if (wide) wr(m, f->bdf, at + 4, 4, 0xffffffffu);
        uint32_t base = rd(m, f->bdf, at, 4) & (io ? ~3u : ~15u);
        uint64_t mask = (uint64_t)(wide ? rd(m, f->bdf, at + 4, 4) : 0xffffffffu) << 32 | base;
        if (io) mask |= 0xffff0000u; /* I/O BARs may hardwire the upper 16 bits to 0 */
        wr(m, f->bdf, at, 4, low);
        if (wide) wr(m, f->bdf, at + 4, 4, high);
        f->bar_size[i] = base ? ~mask + 1 : 0;
        f->bar_flags[i] = base ? (uint8_t)(low & (io ? 3u : 15u)) : 0;
        if (wide) i++;
    }
}

/* Records the function at bdf if it answers; returns its header type byte, or -1. */
static int probe(struct pci_manager *m, uint16_t bdf)
{
    uint32_t id = rd(m, bdf, PCI_VENDOR_ID, 4);
    if ((id & 0xffffu) == 0xffffu || (id & 0xffffu) == 0) return -1;
    uint32_t header = rd(m, bdf, PCI_HEADER_TYPE, 1);
    if (m->count == PCI_MAX_FUNCTIONS) return (int)header;
    struct pci_function *f = &m->fn[m->count++];
    *f = (struct pci_function){.bdf = bdf, .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
                               .header_type = (uint8_t)(header & PCI_HEADER_TYPE_MASK)};
    find_capabilities(m, f);
    f->dma_confined = granted(m, bdf) && f->header_type == 0;
    if (f->dma_confined) {
        pci_stop_function(m, f);
        size_bars(m, f);
    }
    return (int)header;
}

void pci_enumerate(struct pci_manager *m)
{
    uint8_t buses[PCI_MAX_BUSES] = {0};
    unsigned nbuses = 1;
    m->count = 0;
    for (unsigned b = 0; b < nbuses; b++) {
        for (uint32_t dev = 0; dev < 32; dev++) {
            for (uint32_t fn = 0; fn < 8; fn++) {
                uint16_t bdf = (uint16_t)((uint32_t)buses[b] << 8 | dev << 3 | fn);
                int found = probe(m, bdf);
                if (found < 0) {
                    if (fn == 0) break;
                    continue;
                }
                uint32_t header = (uint32_t)found;
                if ((header & PCI_HEADER_TYPE_MASK) == 1 && nbuses < PCI_MAX_BUSES) {
                    uint8_t secondary = (uint8_t)rd(m, bdf, PCI_TYPE1_SECONDARY_BUS, 1);
                    bool seen = false;
                    for (unsigned i = 0; i < nbuses; i++) seen = seen || buses[i] == secondary;
                    if (!seen) buses[nbuses++] = secondary;
                }
                if (fn == 0 && !(header & PCI_HEADER_MULTIFUNCTION)) break;
            }
        }
    }
}

enum pci_error pci_lookup(struct pci_manager *m, uint64_t badge, uint32_t bdf, struct pci_function **f)
{
    bool mine = false;
    for (unsigned i = 0; i < m->grant_count; i++)
        mine = mine || (m->grants[i].badge == badge && m->grants[i].bdf == bdf);
    if (!mine) return PCI_ERR_NOT_YOURS;
    for (unsigned i = 0; i < m->count; i++) {
        if (m->fn[i].bdf != bdf) continue;
        if (m->fn[i].header_type != 0) return PCI_ERR_BRIDGE;
        *f = &m->fn[i];
        return PCI_OK;
    }
    return PCI_ERR_ABSENT;
}

enum pci_error pci_client_read(struct pci_manager *m, uint64_t badge, uint32_t bdf, uint32_t offset, uint32_t size,
                               uint32_t *value)
{
    struct pci_function *f;
    enum pci_error err = pci_lookup(m, badge, bdf, &f);
    if (err == PCI_OK) err = pci_check_shape(offset, size);
    if (err != PCI_OK) return err;
    *value = rd(m, f->bdf, offset, size);
    return PCI_OK;
}

enum pci_error pci_client_write(struct pci_manager *m, uint64_t badge, uint32_t bdf, uint32_t offset, uint32_t size,
                                uint32_t value)
{
    struct pci_function *f;
    enum pci_error err = pci_lookup(m, badge, bdf, &f);
    if (err == PCI_OK) err = pci_check_shape(offset, size);
    if (err != PCI_OK) return err;
    uint32_t out = 0;
    err = pci_filter_write(f, offset, size, value, (uint16_t)rd(m, f->bdf, PCI_COMMAND, 2), &out);
    if (err == PCI_OK) wr(m, f->bdf, offset, size, out);
    return err;
}

void pci_stop_function(struct pci_manager *m, const struct pci_function *f)
{
    if (f->msi_cap) {
        uint32_t flags = rd(m, f->bdf, f->msi_cap + 2u, 2);
        wr(m, f->bdf, f->msi_cap + 2u, 2, flags & ~PCI_MSI_FLAGS_ENABLE);
    }
    if (f->msix_cap) {
        uint32_t flags = rd(m, f->bdf, f->msix_cap + 2u, 2);
        wr(m, f->bdf, f->msix_cap + 2u, 2, flags & ~PCI_MSIX_FLAGS_ENABLE);
    }
    /* Every other bit off too (firmware leaves SERR and parity reporting on): a client starts
     * from a command register whose only bit is INTx disable, so that it changes only the bits it
     * may (filter.c refuses a change of any other). */
    wr(m, f->bdf, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    if (!f->flr) return;
    /* PCIe 3.0, 6.6.2: software waits 100 ms after initiating FLR before touching the function. */
    uint32_t control = rd(m, f->bdf, f->pcie_cap + PCI_EXP_DEVCTL, 2);
    wr(m, f->bdf, f->pcie_cap + PCI_EXP_DEVCTL, 2, control | PCI_EXP_DEVCTL_BCR_FLR);
    m->ops.wait_ms(m->ops.ctx, 100);
    wr(m, f->bdf, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
}

enum pci_error pci_client_release(struct pci_manager *m, uint64_t badge, uint32_t bdf)
{
    struct pci_function *f;
    enum pci_error err = pci_lookup(m, badge, bdf, &f);
    if (err == PCI_OK) pci_stop_function(m, f);
    return err;
}

enum pci_error pci_client_bar(struct pci_manager *m, uint64_t badge, uint32_t bdf, uint32_t index, uint64_t *size,
                              uint32_t *flags)
{
    struct pci_function *f;
    enum pci_error err = pci_lookup(m, badge, bdf, &f);
    if (err == PCI_OK && index >= PCI_BARS) err = PCI_ERR_INDEX;
    if (err != PCI_OK) return err;
    *size = f->bar_size[index];
    *flags = f->bar_flags[index];
    return PCI_OK;
}
