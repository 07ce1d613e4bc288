/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target of the PCI manager's request handling (servers/pci/manager.c, filter.c) on
 * the host tests' fake configuration space: each input is a sequence of client requests of 8
 * bytes (operation: read, write, release or BAR query; client badge, function, offset, size,
 * value) as a hostile VMM would send
 * them. After every request: a refused one, and any BAR query, wrote nothing; a BAR size is a
 * power of two or 0; an accepted write changed only the
 * bytes it names, of a function given to that client; no BAR, ID, class or capability pointer
 * of any function ever changes; a granted function never has INTx enabled nor I/O decoding
 * turned on; functions no client is given are never touched.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fake_config.h"

#define ENSURE(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct fake_config cfg, before;
static struct pci_manager mgr;
static const uint16_t targets[] = {FAKE_HOST, FAKE_EDU, FAKE_NIC, FAKE_NEIGHBOUR, FAKE_ABSENT, FAKE_BRIDGE, FAKE_BEHIND,
                                   FAKE_MULTI2};

static bool given_to(uint64_t badge, uint16_t bdf)
{
    for (unsigned i = 0; i < fake_grant_count; i++)
        if (fake_grants[i].badge == badge && fake_grants[i].bdf == bdf) return true;
    return false;
}

static uint16_t word(const uint8_t *s, uint32_t off) { return (uint16_t)(s[off] | s[off + 1] << 8); }

/* What must hold of every function after any request. */
static void invariants(void)
{
    for (unsigned i = 0; i < FAKE_FUNCTIONS; i++) {
        const uint8_t *now = cfg.space[i], *was = before.space[i];
        ENSURE(memcmp(now, was, PCI_COMMAND) == 0);                                         /* IDs */
        ENSURE(memcmp(now + PCI_CLASS_REVISION, was + PCI_CLASS_REVISION, 4) == 0);
        ENSURE(memcmp(now + PCI_BAR0, was + PCI_BAR0, PCI_BAR_END - PCI_BAR0) == 0);
        ENSURE(memcmp(now + PCI_ROM_BAR, was + PCI_ROM_BAR, 8) == 0);                       /* ROM, capability pointer */
        ENSURE(now[PCI_HEADER_TYPE] == was[PCI_HEADER_TYPE]);
        bool granted = cfg.bdf[i] == FAKE_EDU || cfg.bdf[i] == FAKE_NIC;
        if (granted) {
            uint16_t command = word(now, PCI_COMMAND);
            ENSURE(command & PCI_COMMAND_INTX_DISABLE);
            ENSURE(!(command & PCI_COMMAND_IO));
        } else {
            ENSURE(memcmp(now, was, PCI_CONFIG_SIZE) == 0);
        }
    }
}

static void one(const uint8_t *r)
{
    unsigned op = r[0] % 4u;
    uint64_t badge = r[1] % 4u;
    uint32_t bdf = targets[r[2] % (sizeof targets / sizeof targets[0])];
    if (r[2] & 0x80) bdf |= (uint32_t)r[2] << 16; /* out of range high bits */
    uint32_t offset = r[3] | (r[4] & 0x80 ? (uint32_t)r[4] << 24 : 0);
    uint32_t size = r[4] % 6u;
    uint32_t value = (uint32_t)r[5] | (uint32_t)r[6] << 8 | (uint32_t)r[7] << 16 | (uint32_t)r[7] << 24;
    unsigned writes = cfg.writes;
    struct fake_config was = cfg;
    enum pci_error err;
    if (op == 0) {
        uint32_t v = 0xdeadbeefu;
        err = pci_client_read(&mgr, badge, bdf, offset, size, &v);
        ENSURE(cfg.writes == writes);
        if (err != PCI_OK) ENSURE(v == 0xdeadbeefu);
    } else if (op == 1) {
        err = pci_client_write(&mgr, badge, bdf, offset, size, value);
        if (err != PCI_OK) {
            ENSURE(cfg.writes == writes);
        } else {
            int i = fake_index(&cfg, (uint16_t)bdf);
            ENSURE(i >= 0 && given_to(badge, (uint16_t)bdf));
            for (unsigned f = 0; f < FAKE_FUNCTIONS; f++)
                for (uint32_t b = 0; b < PCI_CONFIG_SIZE; b++)
                    if ((int)f != i || b < offset || b >= offset + size) ENSURE(cfg.space[f][b] == was.space[f][b]);
        }
    } else if (op == 2) {
        err = pci_client_release(&mgr, badge, bdf);
        if (err != PCI_OK) ENSURE(cfg.writes == writes);
    } else {
        uint64_t bar_size = 3;
        uint32_t flags = 0;
        err = pci_client_bar(&mgr, badge, bdf, r[5], &bar_size, &flags);
        ENSURE(cfg.writes == writes);
        if (err == PCI_OK) ENSURE((bar_size & (bar_size - 1)) == 0 && r[5] < PCI_BARS);
    }
    if (err == PCI_OK) ENSURE(given_to(badge, (uint16_t)bdf));
    invariants();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fake_config_init(&cfg);
    fake_manager(&mgr, &cfg);
    before = cfg;
    /* Enumeration stopped the granted functions: that is the state to compare with. */
    for (size_t at = 0; at + 8 <= size && at < 8 * 512; at += 8) one(data + at);
    return 0;
}
