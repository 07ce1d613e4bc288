/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the guest's PCI configuration space (vmm/pci_config.c), under ASan and UBSan:
 * Linux's type-1 probe, the host bridge, absent functions, the virtualised header of a
 * passed-through function (IDs, status, INTx off, pin 0, ROM), BAR size probing of 32- and
 * 64-bit BARs and moved BARs, the command register as it reaches the manager, and the virtual
 * MSI capability with its delivery target.
 */
#include <string.h>

#include "pci_config.h"
#define CHECK_SUITE "pci"
#include "../../lib/check.h"

#define SLOT 0x18u /* 00:03.0 */
static struct vpci v;
static uint16_t commands[16];
static unsigned ncommands, msi_changes;
static int manager_answer;

static int record_command(void *ctx, uint16_t command)
{
    if (ncommands < 16) commands[ncommands] = command;
    ncommands++;
    return manager_answer;
}
static void record_msi(void *ctx) { msi_changes++; }

static void fresh(void)
{
    memset(&v, 0, sizeof v);
    ncommands = msi_changes = 0;
    manager_answer = 0;
    v.devfn = SLOT;
    v.id = 0x11e81234u;
    v.class_revision = 0x00ff0010u;
    v.subsystem = 0x11001af4u;
    v.has_msi = true;
    v.bar[0] = (struct vpci_bar){.gpa = 0xe0000000u, .size = 1u << 20, .flags = 0};
    v.bar[2] = (struct vpci_bar){.gpa = 0x4000000000ull, .size = 1u << 14, .flags = 0xc}; /* 64-bit prefetchable */
    v.ops = (struct vpci_ops){.write_command = record_command, .msi_changed = record_msi};
    vpci_reset(&v);
}

static uint32_t in(uint16_t port, unsigned size)
{
    uint32_t value = 0x5a5a5a5au;
    return vpci_port_in(&v, port, size, &value) ? value : 0x5a5a5a5au;
}
static void out(uint16_t port, unsigned size, uint32_t value) { (void)vpci_port_out(&v, port, size, value); }
static uint32_t cfg(uint8_t devfn, uint32_t off, unsigned size)
{
    out(VPCI_PORT_ADDRESS, 4, 0x80000000u | (uint32_t)devfn << 8 | (off & 0xfcu));
    return in((uint16_t)(VPCI_PORT_DATA + (off & 3u)), size);
}
static void cfg_write(uint8_t devfn, uint32_t off, unsigned size, uint32_t value)
{
    out(VPCI_PORT_ADDRESS, 4, 0x80000000u | (uint32_t)devfn << 8 | (off & 0xfcu));
    out((uint16_t)(VPCI_PORT_DATA + (off & 3u)), size, value);
}

static void linux_type1_probe(void)
{
    fresh();
    out(0xcfb, 1, 0x01);
    uint32_t saved = in(VPCI_PORT_ADDRESS, 4);
    out(VPCI_PORT_ADDRESS, 4, 0x80000000u);
    CHECK_EQ(in(VPCI_PORT_ADDRESS, 4), 0x80000000u);
    out(VPCI_PORT_ADDRESS, 4, saved);
    uint32_t other = 0;
    CHECK(!vpci_port_in(&v, 0x3f8, 1, &other));
    CHECK(!vpci_port_out(&v, 0xd00, 4, 0));
}

static void host_bridge_and_absent_slots(void)
{
    fresh();
    CHECK_EQ(cfg(0, 0, 4), 0x00081b36u);
    CHECK_EQ(cfg(0, 0x0b, 1), 0x06);                           /* base class: bridge */
    CHECK_EQ(cfg(0, 0x0a, 1), 0x00);                           /* subclass: host */
    CHECK_EQ(cfg(0x08, 0, 4), 0xffffffffu);                    /* 00:01.0 */
    CHECK_EQ(cfg(SLOT + 1, 0, 2), 0xffffu);                    /* 00:03.1 */
    out(VPCI_PORT_ADDRESS, 4, 0x80010000u | SLOT << 8);        /* bus 1 */
    CHECK_EQ(in(VPCI_PORT_DATA, 4), 0xffffffffu);
    out(VPCI_PORT_ADDRESS, 4, SLOT << 8);                      /* enable bit clear */
    CHECK_EQ(in(VPCI_PORT_DATA, 1), 0xffu);
    cfg_write(0, 0x04, 2, 0x7);                                /* ignored */
    CHECK_EQ(cfg(0, 0x04, 2), 0);
    CHECK_EQ(ncommands, 0);
}

static void function_header_virtualised(void)
{
    fresh();
    CHECK_EQ(cfg(SLOT, 0, 4), 0x11e81234u);
    CHECK_EQ(cfg(SLOT, 2, 2), 0x11e8);
    CHECK_EQ(cfg(SLOT, 0x08, 4), 0x00ff0010u);
    CHECK_EQ(cfg(SLOT, 0x0e, 1), 0);                           /* header type 0, single function */
    CHECK_EQ(cfg(SLOT, 0x06, 2), 0x10);                        /* capability list */
    CHECK_EQ(cfg(SLOT, 0x04, 2), 0x400);                       /* INTx disabled, nothing else */
    CHECK_EQ(cfg(SLOT, 0x34, 1), VPCI_MSI_CAP);
    CHECK_EQ(cfg(SLOT, 0x3d, 1), 0);                           /* interrupt pin: none */
    CHECK_EQ(cfg(SLOT, 0x2c, 4), 0x11001af4u);
    CHECK_EQ(cfg(SLOT, 0x30, 4), 0);                           /* no expansion ROM */
    cfg_write(SLOT, 0x30, 4, 0xfffff800u);
    CHECK_EQ(cfg(SLOT, 0x30, 4), 0);
    CHECK_EQ(cfg(SLOT, 0x80, 4), 0);                           /* beyond the capability */
    /* Misaligned, oversized or out-of-range reads answer all ones. */
    CHECK_EQ(vpci_config_read(&v, SLOT, 2, 4), 0xffffffffu);
    CHECK_EQ(vpci_config_read(&v, SLOT, 256, 1), 0xff);
    CHECK_EQ(vpci_config_read(&v, SLOT, 0, 3), 0xffffff);
    v.has_msi = false;
    CHECK_EQ(cfg(SLOT, 0x06, 2), 0);
    CHECK_EQ(cfg(SLOT, 0x34, 1), 0);
    CHECK_EQ(cfg(SLOT, VPCI_MSI_CAP, 4), 0);
}

static void bar_probing(void)
{
    fresh();
    CHECK_EQ(cfg(SLOT, 0x10, 4), 0xe0000000u);
    cfg_write(SLOT, 0x10, 4, 0xffffffffu);
    CHECK_EQ(cfg(SLOT, 0x10, 4), 0xfff00000u);
    cfg_write(SLOT, 0x10, 4, 0xe0000000u);
    CHECK_EQ(cfg(SLOT, 0x10, 4), 0xe0000000u);
    CHECK_EQ(v.bars_moved, 0);
    /* An absent BAR reads 0 whatever is written. */
    cfg_write(SLOT, 0x14, 4, 0xffffffffu);
    CHECK_EQ(cfg(SLOT, 0x14, 4), 0);
    /* 64-bit BAR 2/3: flags kept; the upper half probes as all ones (16 KiB < 4 GiB). */
    CHECK_EQ(cfg(SLOT, 0x18, 4), 0x0000000cu);
    CHECK_EQ(cfg(SLOT, 0x1c, 4), 0x40u);
    cfg_write(SLOT, 0x18, 4, 0xffffffffu);
    cfg_write(SLOT, 0x1c, 4, 0xffffffffu);
    CHECK_EQ(cfg(SLOT, 0x18, 4), 0xffffc00cu);
    CHECK_EQ(cfg(SLOT, 0x1c, 4), 0xffffffffu);
    cfg_write(SLOT, 0x18, 4, 0x0000000cu);
    cfg_write(SLOT, 0x1c, 4, 0x40u);
    CHECK_EQ(v.bars_moved, 0);
    /* Moved: kept as written (masked), counted, never followed. */
    cfg_write(SLOT, 0x10, 4, 0xd0012345u);
    CHECK_EQ(cfg(SLOT, 0x10, 4), 0xd0000000u);
    CHECK_EQ(v.bars_moved, 1);
    CHECK_EQ(v.bar[0].gpa, 0xe0000000u);
    /* A word write to the high half of BAR 0. */
    cfg_write(SLOT, 0x12, 2, 0xe000u);
    CHECK_EQ(cfg(SLOT, 0x10, 4), 0xe0000000u);
}

static void command_reaches_manager_filtered(void)
{
    fresh();
    cfg_write(SLOT, 0x04, 2, 0xffffu);                         /* everything: I/O, SERR, INTx enable... */
    CHECK_EQ(ncommands, 1);
    CHECK_EQ(commands[0], 0x406);                              /* memory, bus master, INTx disabled */
    CHECK_EQ(cfg(SLOT, 0x04, 2), 0x406);
    cfg_write(SLOT, 0x04, 1, 0x06);                            /* no change: nothing sent */
    CHECK_EQ(ncommands, 1);
    cfg_write(SLOT, 0x05, 1, 0x00);                            /* the high byte alone */
    CHECK_EQ(ncommands, 1);
    cfg_write(SLOT, 0x04, 4, 0xffff0002u);                     /* status half ignored */
    CHECK_EQ(ncommands, 2);
    CHECK_EQ(commands[1], 0x402);
    manager_answer = 9;
    cfg_write(SLOT, 0x04, 2, 0x0006);
    CHECK_EQ(v.refused_by_manager, 1);
}

static void msi_virtual(void)
{
    fresh();
    struct vpci_msi_target t = {0, 0};
    CHECK_EQ(cfg(SLOT, VPCI_MSI_CAP, 4), 0x00800005u);          /* 64-bit, disabled, one message */
    CHECK(!vpci_msi_target(&v, &t));
    cfg_write(SLOT, VPCI_MSI_CAP + 4, 4, 0xfee03000u);          /* APIC ID 3 */
    cfg_write(SLOT, VPCI_MSI_CAP + 8, 4, 0);
    cfg_write(SLOT, VPCI_MSI_CAP + 12, 2, 0x0041);              /* vector 0x41, fixed, edge */
    CHECK(!vpci_msi_target(&v, &t));                            /* not enabled yet */
    unsigned before = msi_changes;
    cfg_write(SLOT, VPCI_MSI_CAP + 2, 2, 0x0071);               /* enable, and MME 7, which stays 0 */
    CHECK_EQ(msi_changes, before + 1);
    CHECK_EQ(cfg(SLOT, VPCI_MSI_CAP + 2, 2), 0x0081);
    CHECK(vpci_msi_target(&v, &t));
    CHECK_EQ(t.vector, 0x41);
    CHECK_EQ(t.apic_id, 3);
    CHECK_EQ(cfg(SLOT, VPCI_MSI_CAP + 4, 4), 0xfee03000u);
    cfg_write(SLOT, VPCI_MSI_CAP + 2, 2, 0x0081);               /* unchanged: no event */
    CHECK_EQ(msi_changes, before + 1);
    cfg_write(SLOT, VPCI_MSI_CAP, 1, 0x11);                     /* the ID: dropped */
    CHECK_EQ(cfg(SLOT, VPCI_MSI_CAP, 1), 0x05);
    /* Undeliverable messages: none is injected. */
    cfg_write(SLOT, VPCI_MSI_CAP + 12, 2, 0x0005);              /* vector below 16 */
    CHECK(!vpci_msi_target(&v, &t));
    cfg_write(SLOT, VPCI_MSI_CAP + 12, 2, 0x8041);              /* level triggered */
    CHECK(!vpci_msi_target(&v, &t));
    cfg_write(SLOT, VPCI_MSI_CAP + 12, 2, 0x0441);              /* NMI delivery */
    CHECK(!vpci_msi_target(&v, &t));
    cfg_write(SLOT, VPCI_MSI_CAP + 12, 2, 0x0041);
    cfg_write(SLOT, VPCI_MSI_CAP + 4, 4, 0xfed00000u);          /* not the interrupt window */
    CHECK(!vpci_msi_target(&v, &t));
}

int main(void)
{
    RUN("vpci_linux_type1_probe", linux_type1_probe);
    RUN("vpci_host_bridge_and_absent_slots", host_bridge_and_absent_slots);
    RUN("vpci_function_header_virtualised", function_header_virtualised);
    RUN("vpci_bar_probing", bar_probing);
    RUN("vpci_command_reaches_manager_filtered", command_reaches_manager_filtered);
    RUN("vpci_msi_virtual", msi_virtual);
    return check_summary();
}
