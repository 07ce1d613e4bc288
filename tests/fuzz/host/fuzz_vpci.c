/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target of the guest's PCI configuration space (vmm/pci_config.c): each input is a
 * sequence of port accesses of 7 bytes (direction, port 0xcf8..0xcff or a neighbour, size,
 * value) as a hostile guest would make them, on a function with a 32-bit BAR, a 64-bit BAR and
 * MSI. After every access: every command the manager is sent has INTx disabled and nothing but
 * memory and bus master besides; the device's IDs read back unchanged, the interrupt pin 0, the
 * ROM BAR 0; each BAR reads its type bits with the base within its size mask; the BARs'
 * guest-physical addresses (where the VMM maps them) never change; an MSI target, when there is
 * one, names a vector the guest may receive (16..255).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pci_config.h"

#define ENSURE(c) do { if (!(c)) __builtin_trap(); } while (0)
#define SLOT 0x18u

static struct vpci v;

static int check_command(void *ctx, uint16_t command)
{
    ENSURE(command & 0x400u);
    ENSURE((command & ~0x406u) == 0);
    return 0;
}
static void msi_changed(void *ctx) {}

static void setup(void)
{
    memset(&v, 0, sizeof v);
    v.devfn = SLOT;
    v.id = 0x11e81234u;
    v.class_revision = 0x00ff0010u;
    v.has_msi = true;
    v.bar[0] = (struct vpci_bar){.gpa = 0xe0000000u, .size = 1u << 20, .flags = 0};
    v.bar[2] = (struct vpci_bar){.gpa = 0x4000000000ull, .size = 1u << 14, .flags = 0xc};
    v.ops = (struct vpci_ops){.write_command = check_command, .msi_changed = msi_changed};
    vpci_reset(&v);
}

static void invariants(void)
{
    ENSURE(vpci_config_read(&v, SLOT, 0, 4) == 0x11e81234u);
    ENSURE(vpci_config_read(&v, SLOT, 0x3d, 1) == 0);
    ENSURE(vpci_config_read(&v, SLOT, 0x30, 4) == 0);
    ENSURE(vpci_config_read(&v, SLOT, 0x04, 2) & 0x400u);
    uint32_t bar0 = vpci_config_read(&v, SLOT, 0x10, 4), bar2 = vpci_config_read(&v, SLOT, 0x18, 4);
    ENSURE((bar0 & 0xfffffu) == 0);
    ENSURE((bar2 & 0x3fffu) == 0xc);
    ENSURE(vpci_config_read(&v, SLOT, 0x14, 4) == 0);
    ENSURE(v.bar[0].gpa == 0xe0000000u && v.bar[2].gpa == 0x4000000000ull);
    struct vpci_msi_target t;
    if (vpci_msi_target(&v, &t)) ENSURE(t.vector >= 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    for (size_t at = 0; at + 7 <= size && at < 7 * 1024; at += 7) {
        const uint8_t *r = data + at;
        uint16_t port = (uint16_t)(0xcf6u + r[1] % 12u);
        unsigned sizes[] = {1, 2, 4, 4};
        unsigned sz = sizes[r[2] % 4u];
        uint32_t value = (uint32_t)r[3] | (uint32_t)r[4] << 8 | (uint32_t)r[5] << 16 | (uint32_t)r[6] << 24;
        if (r[0] & 1) {
            uint32_t got = 0;
            bool mine = vpci_port_in(&v, port, sz, &got);
            ENSURE(mine == (port >= 0xcf8u && port <= 0xcffu));
            if (mine && sz < 4) ENSURE(got >> (8 * sz) == 0);
        } else {
            /* Aim the latch at the function or the bridge most of the time. */
            if ((r[0] & 6) == 0 && port == VPCI_PORT_ADDRESS)
                value = 0x80000000u | (r[2] & 0x80 ? 0u : SLOT << 8) | (value & 0xfcu);
            (void)vpci_port_out(&v, port, sz, value);
        }
        invariants();
    }
    return 0;
}
