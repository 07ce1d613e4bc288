/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the PCI manager's engine (servers/pci/manager.c, filter.c) on a fake
 * configuration space (fake_config.c), under ASan and UBSan: enumeration behind a bridge and
 * of multifunction devices, capabilities, the start state of granted functions, every refusal
 * with its own error and configuration space unchanged after it, the command register's
 * filter, MSI fields, and stopping a function with and without FLR.
 */
#include <string.h>

#include "fake_config.h"
#define CHECK_SUITE "pci"
#include "../../lib/check.h"

static struct fake_config cfg;
static struct pci_manager mgr;

static void fresh(void)
{
    fake_config_init(&cfg);
    fake_manager(&mgr, &cfg);
}

static const struct pci_function *found(uint16_t bdf)
{
    for (unsigned i = 0; i < mgr.count; i++)
        if (mgr.fn[i].bdf == bdf) return &mgr.fn[i];
    return 0;
}

static uint32_t space16(uint16_t bdf, uint32_t off)
{
    const uint8_t *s = cfg.space[fake_index(&cfg, bdf)];
    return (uint32_t)s[off] | (uint32_t)s[off + 1] << 8;
}

static void enumeration_finds_every_function(void)
{
    fresh();
    CHECK_EQ(mgr.count, FAKE_FUNCTIONS);
    uint16_t want[] = {FAKE_HOST, FAKE_EDU, FAKE_NIC, FAKE_NEIGHBOUR, FAKE_MULTI0, FAKE_MULTI2, FAKE_BRIDGE, FAKE_BEHIND};
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++) CHECK(found(want[i]) != 0);
    CHECK(found(FAKE_ABSENT) == 0);
    CHECK_EQ(found(FAKE_EDU)->vendor, 0x1234);
    CHECK_EQ(found(FAKE_EDU)->device, 0x11e8);
    CHECK_EQ(found(FAKE_BRIDGE)->header_type, 1);
}

static void capabilities_found(void)
{
    fresh();
    const struct pci_function *edu = found(FAKE_EDU), *nic = found(FAKE_NIC), *host = found(FAKE_HOST);
    CHECK_EQ(edu->msi_cap, EDU_MSI);
    CHECK_EQ(edu->msi_len, 14);
    CHECK_EQ(edu->msix_cap, 0);
    CHECK(!edu->flr);
    CHECK_EQ(nic->msix_cap, NIC_MSIX);
    CHECK_EQ(nic->msi_cap, NIC_MSI);
    CHECK_EQ(nic->pcie_cap, NIC_PCIE);
    CHECK(nic->flr);
    CHECK_EQ(host->msi_cap, 0);
}

/* A capability list that points back at itself ends after 48 steps, not never. */
static void capability_loop_bounded(void)
{
    fake_config_init(&cfg);
    uint8_t *s = cfg.space[fake_index(&cfg, FAKE_EDU)];
    s[EDU_MSI] = 0x09; /* vendor-specific */
    s[EDU_MSI + 1] = EDU_MSI;
    fake_manager(&mgr, &cfg);
    CHECK_EQ(found(FAKE_EDU)->msi_cap, 0);
    CHECK_EQ(mgr.count, FAKE_FUNCTIONS);
}

/* Firmware's SERR bit cleared too: with it left on, a client's plain "memory and bus master"
 * write was refused as a change of SERR (seen on QEMU with SeaBIOS). */
static void granted_functions_start_stopped(void)
{
    fresh();
    CHECK_EQ(space16(FAKE_EDU, PCI_COMMAND), PCI_COMMAND_INTX_DISABLE);
    CHECK(found(FAKE_EDU)->dma_confined);
    /* Functions nobody is given are left as the firmware left them. */
    CHECK_EQ(space16(FAKE_NEIGHBOUR, PCI_COMMAND), FAKE_FIRMWARE_COMMAND);
    CHECK(!found(FAKE_NEIGHBOUR)->dma_confined);
    CHECK(!found(FAKE_BRIDGE)->dma_confined);
}

static void client_reads_its_function(void)
{
    fresh();
    uint32_t v = 0;
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, PCI_VENDOR_ID, 4, &v), PCI_OK);
    CHECK_EQ(v, 0x11e81234u);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, PCI_BAR0, 4, &v), PCI_OK);
    CHECK_EQ(v, 0xfea00000u);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 0xff, 1, &v), PCI_OK);
    CHECK_EQ(pci_client_read(&mgr, BADGE_NIC, FAKE_NIC, NIC_PCIE, 2, &v), PCI_OK);
    CHECK_EQ(v, PCI_CAP_ID_EXP);
}

static void other_functions_refused(void)
{
    fresh();
    uint32_t v = 0xabcd;
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_NIC, 0, 4, &v), PCI_ERR_NOT_YOURS);
    CHECK_EQ(pci_client_read(&mgr, BADGE_NIC, FAKE_EDU, 0, 4, &v), PCI_ERR_NOT_YOURS);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_NEIGHBOUR, 0, 4, &v), PCI_ERR_NOT_YOURS);
    CHECK_EQ(pci_client_read(&mgr, BADGE_NOBODY, FAKE_EDU, 0, 4, &v), PCI_ERR_NOT_YOURS);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, 0x10018u, 0, 4, &v), PCI_ERR_NOT_YOURS); /* bdf beyond 16 bits */
    CHECK_EQ(v, 0xabcd);
    unsigned writes = cfg.writes;
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_NIC, PCI_COMMAND, 2, PCI_COMMAND_MASTER), PCI_ERR_NOT_YOURS);
    CHECK_EQ(pci_client_release(&mgr, BADGE_NIC, FAKE_EDU), PCI_ERR_NOT_YOURS);
    CHECK_EQ(cfg.writes, writes);
    /* Given, but absent or a bridge. */
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_ABSENT, 0, 4, &v), PCI_ERR_ABSENT);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_BRIDGE, 0, 4, &v), PCI_ERR_BRIDGE);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_BRIDGE, PCI_TYPE1_SECONDARY_BUS, 1, 7), PCI_ERR_BRIDGE);
    CHECK_EQ(cfg.writes, writes);
}

static void shapes_refused(void)
{
    fresh();
    uint32_t v = 0;
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 0, 3, &v), PCI_ERR_SIZE);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 0, 0, &v), PCI_ERR_SIZE);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 0, 8, &v), PCI_ERR_SIZE);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 2, 4, &v), PCI_ERR_ALIGNMENT);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 1, 2, &v), PCI_ERR_ALIGNMENT);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 256, 1, &v), PCI_ERR_OFFSET);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, 0xfffffffcu, 4, &v), PCI_ERR_OFFSET);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, 0x100, 4, 0), PCI_ERR_OFFSET);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 3, 0), PCI_ERR_SIZE);
}

/* Every byte, word and dword write over a BAR or the ROM BAR: refused, nothing written. */
static void bar_writes_refused(void)
{
    fresh();
    struct fake_config before = cfg;
    for (uint32_t size = 1; size <= 4; size *= 2) {
        for (uint32_t off = PCI_BAR0; off < PCI_BAR_END; off += size)
            CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, off, size, 0xffffffffu), PCI_ERR_BAR);
        for (uint32_t off = PCI_ROM_BAR; off < PCI_ROM_BAR + 4; off += size)
            CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, off, size, 0xffffffffu), PCI_ERR_BAR);
    }
    CHECK(memcmp(cfg.space, before.space, sizeof cfg.space) == 0);
    CHECK_EQ(cfg.writes, before.writes);
}

static void read_only_registers_refused(void)
{
    fresh();
    struct fake_config before = cfg;
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_VENDOR_ID, 4, 0), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_CLASS_REVISION, 4, 0), PCI_ERR_READ_ONLY);
    /* Cache line size may be written alone, not with header type and BIST. */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_CACHE_LINE_SIZE, 4, 0x10), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_BIST, 1, 0x40), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_CAPABILITY_LIST, 1, 0x80), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_INTERRUPT_LINE + 1, 1, 1), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI, 1, 0x11), PCI_ERR_READ_ONLY); /* capability ID */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI, 4, 0x00810005u), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, 0x80, 4, 1), PCI_ERR_READ_ONLY); /* vendor-specific */
    CHECK_EQ(pci_client_write(&mgr, BADGE_NIC, FAKE_NIC, NIC_PCIE + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR),
             PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_NIC, FAKE_NIC, NIC_MSIX + 4, 4, 0), PCI_ERR_READ_ONLY); /* table offset */
    CHECK(memcmp(cfg.space, before.space, sizeof cfg.space) == 0);
    CHECK_EQ(cfg.writes, before.writes);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_CACHE_LINE_SIZE, 1, 0x10), PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_INTERRUPT_LINE, 1, 0x0b), PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_STATUS, 2, 0xf900), PCI_OK);
}

static void command_filtered(void)
{
    fresh();
    /* Memory and bus master on: written with INTx disabled whatever the client says. */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
             PCI_OK);
    CHECK_EQ(space16(FAKE_EDU, PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND + 1, 1, 0), PCI_OK);
    CHECK_EQ(space16(FAKE_EDU, PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    /* A dword at 4 writes status too; the command half is filtered the same way. */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 4, 0xf9000000u), PCI_OK);
    CHECK_EQ(space16(FAKE_EDU, PCI_COMMAND), PCI_COMMAND_INTX_DISABLE);
    struct fake_config before = cfg;
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 2, PCI_COMMAND_IO), PCI_ERR_COMMAND);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 2, 0x100), PCI_ERR_COMMAND);    /* SERR */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 1, 0x40), PCI_ERR_COMMAND);     /* parity */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND + 1, 1, 0x02), PCI_ERR_COMMAND); /* fast b2b */
    CHECK(memcmp(cfg.space, before.space, sizeof cfg.space) == 0);
}

/* Bus master only where an IOSpace confines the function's DMA. */
static void bus_master_needs_confinement(void)
{
    struct pci_function f = {.bdf = FAKE_NEIGHBOUR, .header_type = 0, .dma_confined = false};
    uint32_t out = 0;
    CHECK_EQ(pci_filter_write(&f, PCI_COMMAND, 2, PCI_COMMAND_MASTER, 0, &out), PCI_ERR_BUS_MASTER);
    CHECK_EQ(pci_filter_write(&f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY, 0, &out), PCI_OK);
    CHECK_EQ(out, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
    /* Turning it off is always allowed. */
    CHECK_EQ(pci_filter_write(&f, PCI_COMMAND, 2, 0, PCI_COMMAND_MASTER, &out), PCI_OK);
    f.dma_confined = true;
    CHECK_EQ(pci_filter_write(&f, PCI_COMMAND, 2, PCI_COMMAND_MASTER, 0, &out), PCI_OK);
    CHECK_EQ(out, PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    f.header_type = 1;
    CHECK_EQ(pci_filter_write(&f, PCI_CACHE_LINE_SIZE, 1, 0, 0, &out), PCI_ERR_BRIDGE);
}

static void msi_fields_writable(void)
{
    fresh();
    uint32_t v = 0;
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 4, 4, 0xfee00000u), PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 8, 4, 0), PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 12, 2, 0x41), PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 2, 2, PCI_MSI_FLAGS_64BIT | 1), PCI_OK);
    CHECK_EQ(pci_client_read(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 4, 4, &v), PCI_OK);
    CHECK_EQ(v, 0xfee00000u);
    /* Past the 14 bytes of a 64-bit MSI capability without mask bits. */
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 12, 4, 0x41), PCI_ERR_READ_ONLY);
    CHECK_EQ(pci_client_write(&mgr, BADGE_NIC, FAKE_NIC, NIC_MSIX + 2, 2, PCI_MSIX_FLAGS_ENABLE), PCI_OK);
}

static void release_stops_the_function(void)
{
    fresh();
    /* Enumeration reset the granted NIC already (it offers FLR): a client starts with a clean function. */
    CHECK_EQ(cfg.flr_count[fake_index(&cfg, FAKE_NIC)], 1);
    CHECK_EQ(cfg.waited_ms, 100);
    cfg.flr_count[fake_index(&cfg, FAKE_NIC)] = 0;
    cfg.waited_ms = 0;
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
             PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_EDU, FAKE_EDU, EDU_MSI + 2, 2, PCI_MSI_FLAGS_64BIT | 1), PCI_OK);
    CHECK_EQ(pci_client_release(&mgr, BADGE_EDU, FAKE_EDU), PCI_OK);
    CHECK_EQ(space16(FAKE_EDU, PCI_COMMAND), PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(space16(FAKE_EDU, EDU_MSI + 2), PCI_MSI_FLAGS_64BIT);
    CHECK_EQ(cfg.flr_count[fake_index(&cfg, FAKE_EDU)], 0); /* edu has no FLR */
    CHECK_EQ(cfg.waited_ms, 0);
    /* The NIC offers FLR: initiated, waited for, bus master off after it. */
    CHECK_EQ(pci_client_write(&mgr, BADGE_NIC, FAKE_NIC, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
             PCI_OK);
    CHECK_EQ(pci_client_write(&mgr, BADGE_NIC, FAKE_NIC, NIC_MSIX + 2, 2, PCI_MSIX_FLAGS_ENABLE | 4), PCI_OK);
    CHECK_EQ(pci_client_release(&mgr, BADGE_NIC, FAKE_NIC), PCI_OK);
    CHECK_EQ(cfg.flr_count[fake_index(&cfg, FAKE_NIC)], 1);
    CHECK_EQ(cfg.waited_ms, 100);
    CHECK_EQ(space16(FAKE_NIC, PCI_COMMAND), PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(space16(FAKE_NIC, NIC_MSIX + 2), 4);
}

/* Sized at enumeration: 32-bit memory, I/O (upper bits hardwired 0) and 64-bit BARs; each BAR
 * and the command register restored after. */
static void bars_sized(void)
{
    fresh();
    uint64_t size = 1;
    uint32_t flags = 7;
    CHECK_EQ(pci_client_bar(&mgr, BADGE_EDU, FAKE_EDU, 0, &size, &flags), PCI_OK);
    CHECK_EQ(size, 1u << 20);
    CHECK_EQ(flags, 0);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_EDU, FAKE_EDU, 1, &size, &flags), PCI_OK);
    CHECK_EQ(size, 1u << 12);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_EDU, FAKE_EDU, 2, &size, &flags), PCI_OK);
    CHECK_EQ(size, 0);
    CHECK_EQ(flags, 0);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_NIC, FAKE_NIC, 2, &size, &flags), PCI_OK);
    CHECK_EQ(size, 32);
    CHECK_EQ(flags, PCI_BAR_IO);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_NIC, FAKE_NIC, 4, &size, &flags), PCI_OK);
    CHECK_EQ(size, 1u << 14);
    CHECK_EQ(flags, 0xc);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_NIC, FAKE_NIC, 5, &size, &flags), PCI_OK);
    CHECK_EQ(size, 0);                                            /* the upper half */
    const uint8_t *nic = cfg.space[fake_index(&cfg, FAKE_NIC)];
    CHECK_EQ(nic[PCI_BAR0 + 16], 0x0c);
    CHECK_EQ(nic[PCI_BAR0 + 19], 0xe0);
    CHECK_EQ(nic[PCI_BAR0 + 20], 0x01);
    CHECK_EQ(nic[PCI_BAR0 + 8], 0x01);
    CHECK_EQ(nic[PCI_BAR0 + 9], 0xc0);
    CHECK_EQ(space16(FAKE_NIC, PCI_COMMAND), PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_EDU, FAKE_EDU, 6, &size, &flags), PCI_ERR_INDEX);
    CHECK_EQ(pci_client_bar(&mgr, BADGE_EDU, FAKE_NIC, 0, &size, &flags), PCI_ERR_NOT_YOURS);
}

int main(void)
{
    RUN("enumeration_finds_every_function", enumeration_finds_every_function);
    RUN("capabilities_found", capabilities_found);
    RUN("capability_loop_bounded", capability_loop_bounded);
    RUN("granted_functions_start_stopped", granted_functions_start_stopped);
    RUN("client_reads_its_function", client_reads_its_function);
    RUN("other_functions_refused", other_functions_refused);
    RUN("shapes_refused", shapes_refused);
    RUN("bar_writes_refused", bar_writes_refused);
    RUN("read_only_registers_refused", read_only_registers_refused);
    RUN("command_filtered", command_filtered);
    RUN("bus_master_needs_confinement", bus_master_needs_confinement);
    RUN("msi_fields_writable", msi_fields_writable);
    RUN("release_stops_the_function", release_stops_the_function);
    RUN("bars_sized", bars_sized);
    return check_summary();
}
