/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * I/O ports on POWER9: the LPC bus's I/O space (ISA-style ports of the devices behind the
 * LPC master, as on x86), reached through OPAL_LPC_READ/OPAL_LPC_WRITE on the chip that holds
 * the LPC master (device-tree node compatible "ibm,power9-lpc"). IOPort capabilities work as
 * on x86. OPAL's own devices are reserved: the UART it prints through (0x3f8..0x3ff) and the
 * IPMI BT interface to the BMC that power-off needs (0xe4..0xe6).
 */
#include "power9.h"
#include <libfdt.h>

static bool lpc_present;
static uint32_t lpc_chip;

void p9_lpc_init(const void *fdt)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "ibm,power9-lpc");
    if (node < 0) node = fdt_node_offset_by_compatible(fdt, -1, "ibm,power8-lpc");
    if (node < 0) {
        kprintf("[kernel] no LPC bus: no I/O ports\n");
        return;
    }
    for (int n = node; n >= 0; n = fdt_parent_offset(fdt, n)) {
        int len;
        const fdt32_t *p = fdt_getprop(fdt, n, "ibm,chip-id", &len);
        if (p && len == 4) {
            lpc_chip = fdt32_to_cpu(*p);
            break;
        }
        if (n == 0) break;
    }
    lpc_present = true;
    kprintf("[kernel] I/O ports: LPC I/O space of chip %u through OPAL\n", lpc_chip);
}

bool plat_io_ports_exist(void)
{
    return lpc_present;
}

bool plat_io_port_reserved(word_t port)
{
    return (port >= 0x3f8 && port <= 0x3ff) || (port >= 0xe4 && port <= 0xe6);
}

word_t plat_io_in(word_t port, unsigned bytes)
{
    uint32_t data_be = 0;
    int64_t rc = p9_opal_call(OPAL_LPC_READ, lpc_chip, OPAL_LPC_IO, port, (uint64_t)(uintptr_t)&data_be, bytes, 0, 0);
    if (rc != OPAL_SUCCESS) return MASK(8 * bytes); /* floating bus */
    return __builtin_bswap32(data_be) & MASK(8 * bytes);
}

void plat_io_out(word_t port, unsigned bytes, word_t value)
{
    p9_opal_call(OPAL_LPC_WRITE, lpc_chip, OPAL_LPC_IO, port, value & MASK(8 * bytes), bytes, 0, 0);
}
