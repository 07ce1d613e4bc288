/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#include <string.h>

#include "fake_config.h"

const struct pci_grant fake_grants[] = {
    {BADGE_EDU, FAKE_EDU}, {BADGE_NIC, FAKE_NIC}, {BADGE_EDU, FAKE_ABSENT}, {BADGE_EDU, FAKE_BRIDGE},
};
const unsigned fake_grant_count = sizeof fake_grants / sizeof fake_grants[0];

int fake_index(const struct fake_config *c, uint16_t bdf)
{
    for (unsigned i = 0; i < FAKE_FUNCTIONS; i++)
        if (c->bdf[i] == bdf) return (int)i;
    return -1;
}

static void put(uint8_t *s, uint32_t off, uint32_t size, uint32_t v)
{
    for (uint32_t i = 0; i < size; i++) s[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get(const uint8_t *s, uint32_t off, uint32_t size)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < size; i++) v |= (uint32_t)s[off + i] << (8 * i);
    return v;
}

static uint32_t fake_read(void *ctx, uint16_t bdf, uint32_t off, uint32_t size)
{
    struct fake_config *c = ctx;
    int i = fake_index(c, bdf);
    if (i < 0 || off + size > PCI_CONFIG_SIZE) return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return get(c->space[i], off, size);
}

/* A BAR register keeps only the bits its size decodes, and its type bits (dword writes). */
static uint32_t bar_written(const struct fake_config *c, int i, uint32_t off, uint32_t value)
{
    unsigned b = (off - PCI_BAR0) / 4;
    const struct fake_bar *bar = &c->bar[i][b];
    if (bar->upper) return value & (uint32_t)(~(bar->size - 1) >> 32);
    if (!bar->size) return 0;
    return (value & (uint32_t)~(bar->size - 1)) | bar->flags;
}

static void fake_write(void *ctx, uint16_t bdf, uint32_t off, uint32_t size, uint32_t value)
{
    struct fake_config *c = ctx;
    int i = fake_index(c, bdf);
    c->writes++;
    if (i < 0 || off + size > PCI_CONFIG_SIZE) return;
    if (off >= PCI_BAR0 && off < PCI_BAR_END && size == 4) value = bar_written(c, i, off, value);
    put(c->space[i], off, size, value);
    uint8_t pcie = bdf == FAKE_NIC ? NIC_PCIE : 0;
    if (pcie && off == pcie + PCI_EXP_DEVCTL && (value & PCI_EXP_DEVCTL_BCR_FLR)) {
        c->flr_count[i]++;
        put(c->space[i], PCI_COMMAND, 2, 0);
        put(c->space[i], pcie + PCI_EXP_DEVCTL, 2, value & ~PCI_EXP_DEVCTL_BCR_FLR);
    }
}

static void fake_wait(void *ctx, uint32_t ms) { ((struct fake_config *)ctx)->waited_ms += ms; }

static void header(struct fake_config *c, unsigned i, uint16_t bdf, uint32_t id, uint8_t type, uint8_t cap)
{
    c->bdf[i] = bdf;
    uint8_t *s = c->space[i];
    put(s, PCI_VENDOR_ID, 4, id);
    put(s, PCI_COMMAND, 2, FAKE_FIRMWARE_COMMAND);
    put(s, PCI_STATUS, 2, cap ? PCI_STATUS_CAP_LIST : 0);
    put(s, PCI_CLASS_REVISION, 4, 0x00ff0010u);
    s[PCI_HEADER_TYPE] = type;
    c->bar[i][0] = (struct fake_bar){.size = 1u << 20};
    c->bar[i][1] = (struct fake_bar){.size = 1u << 12};
    put(s, PCI_BAR0, 4, 0xfea00000u);
    put(s, PCI_BAR0 + 4, 4, 0xfeb00000u);
    s[PCI_CAPABILITY_LIST] = cap;
    s[PCI_INTERRUPT_LINE + 1] = 1;
}

void fake_config_init(struct fake_config *c)
{
    memset(c, 0, sizeof *c);
    header(c, 0, FAKE_HOST, 0x29c08086u, 0, 0);
    header(c, 1, FAKE_EDU, 0x11e81234u, 0, EDU_MSI);
    put(c->space[1], EDU_MSI, 4, (PCI_MSI_FLAGS_64BIT << 16) | PCI_CAP_ID_MSI); /* next 0 */
    header(c, 2, FAKE_NIC, 0x10d38086u, 0, NIC_MSIX);
    put(c->space[2], NIC_MSIX, 4, 4u << 16 | NIC_MSI << 8 | PCI_CAP_ID_MSIX);
    put(c->space[2], NIC_MSI, 4, (PCI_MSI_FLAGS_64BIT << 16) | NIC_PCIE << 8 | PCI_CAP_ID_MSI);
    put(c->space[2], NIC_PCIE, 2, PCI_CAP_ID_EXP); /* next 0 */
    put(c->space[2], NIC_PCIE + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_FLR);
    /* The NIC: BAR 2 I/O of 32 ports, BARs 4 and 5 one 64-bit prefetchable BAR of 16 KiB. */
    c->bar[2][2] = (struct fake_bar){.size = 32, .flags = PCI_BAR_IO};
    c->bar[2][4] = (struct fake_bar){.size = 1u << 14, .flags = 0xc};
    c->bar[2][5] = (struct fake_bar){.size = 1u << 14, .upper = true};
    put(c->space[2], PCI_BAR0 + 8, 4, 0xc001u);
    put(c->space[2], PCI_BAR0 + 16, 4, 0xe000000cu);
    put(c->space[2], PCI_BAR0 + 20, 4, 0x1u);
    header(c, 3, FAKE_NEIGHBOUR, 0x10001af4u, 0, 0);
    header(c, 4, FAKE_MULTI0, 0x00011b36u, PCI_HEADER_MULTIFUNCTION, 0);
    header(c, 5, FAKE_MULTI2, 0x00021b36u, 0, 0);
    header(c, 6, FAKE_BRIDGE, 0x244e8086u, 1, 0);
    c->space[6][PCI_TYPE1_SECONDARY_BUS] = 1;
    header(c, 7, FAKE_BEHIND, 0x00031b36u, 0, 0);
}

void fake_manager(struct pci_manager *m, struct fake_config *c)
{
    memset(m, 0, sizeof *m);
    m->ops = (struct pci_config_ops){.read = fake_read, .write = fake_write, .wait_ms = fake_wait, .ctx = c};
    m->grants = fake_grants;
    m->grant_count = fake_grant_count;
    pci_enumerate(m);
}
