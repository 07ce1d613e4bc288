/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PCI manager component (docs/passthrough.md): it holds configuration space as the I/O
 * port capability of 0xcf8..0xcff (configuration mechanism 1, PCI 3.0 section 3.2.2.3.2)
 * rather than ECAM, because the ports need no device memory, no MCFG parsing and no mapping,
 * and they are what a PVH guest probes first (Linux's pci_check_type1); the cost is the
 * legacy 256 bytes per function (no PCI Express extended space). It enumerates once, then
 * serves its clients over IPC: each may use only the functions its own `pci` declarations
 * name (the glue's CONN_clients_CLIENT_PCI_TABLE), through the engine in manager.c.
 *
 * Interface `pci_config` (the system description declares it; tests/system/pci/pci.bh):
 *   u32 read(in u32 function, in u32 offset, in u32 size);
 *   void write(in u32 function, in u32 offset, in u32 size, in u32 value);
 *   void release(in u32 function);
 *   u64 bar(in u32 function, in u32 index, out u32 flags);   (size in bytes, 0: none)
 * function is bus << 8 | device << 3 | function; errors are pci.h's enum pci_error.
 */
#include <bulkhead/arch/machine.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "glue.h"
#include "pci.h"

#define CONFIG_ADDRESS 0xcf8u
#define CONFIG_DATA 0xcfcu

#ifdef CONN_clients_CLIENT_PCI_TABLE
static const struct pci_grant grants[] = CONN_clients_CLIENT_PCI_TABLE;
#define GRANTS (sizeof grants / sizeof grants[0])
#else
static const struct pci_grant grants[1];
#define GRANTS 0u
#endif

static struct pci_manager manager;

static void select_register(uint16_t bdf, uint32_t offset)
{
    (void)bh_io_port_out32(HW_config_IOPORT_CPTR, CONFIG_ADDRESS, 0x80000000u | (uint32_t)bdf << 8 | (offset & 0xfcu));
}

static uint32_t port_read(void *ctx, uint16_t bdf, uint32_t offset, uint32_t size)
{
    bh_word_t v = ~(bh_word_t)0;
    bh_word_t port = CONFIG_DATA + (offset & 3u);
    select_register(bdf, offset);
    if (size == 1) (void)bh_io_port_in8(HW_config_IOPORT_CPTR, port, &v);
    else if (size == 2) (void)bh_io_port_in16(HW_config_IOPORT_CPTR, port, &v);
    else (void)bh_io_port_in32(HW_config_IOPORT_CPTR, port, &v);
    return size == 4 ? (uint32_t)v : (uint32_t)v & ((1u << (8 * size)) - 1);
}

static void port_write(void *ctx, uint16_t bdf, uint32_t offset, uint32_t size, uint32_t value)
{
    bh_word_t port = CONFIG_DATA + (offset & 3u);
    select_register(bdf, offset);
    if (size == 1) (void)bh_io_port_out8(HW_config_IOPORT_CPTR, port, value & 0xffu);
    else if (size == 2) (void)bh_io_port_out16(HW_config_IOPORT_CPTR, port, value & 0xffffu);
    else (void)bh_io_port_out32(HW_config_IOPORT_CPTR, port, value);
}

/* By the counter the kernel measured; without it, yields (a rough wait, said at start). */
static void wait_ms(void *ctx, uint32_t ms)
{
    if (!bh_counter_khz) {
        for (uint32_t i = 0; i < ms * 1000u; i++) bh_yield();
        return;
    }
    uint64_t end = bh_arch_counter() + bh_counter_khz * ms;
    while (bh_arch_counter() < end) bh_yield();
}

int clients_read(bh_word_t badge, uint32_t function, uint32_t offset, uint32_t size, uint32_t *ret)
{
    return (int)pci_client_read(&manager, badge, function, offset, size, ret);
}

int clients_write(bh_word_t badge, uint32_t function, uint32_t offset, uint32_t size, uint32_t value)
{
    return (int)pci_client_write(&manager, badge, function, offset, size, value);
}

int clients_bar(bh_word_t badge, uint32_t function, uint32_t index, uint32_t *flags, uint64_t *ret)
{
    return (int)pci_client_bar(&manager, badge, function, index, ret, flags);
}

int clients_release(bh_word_t badge, uint32_t function)
{
    return (int)pci_client_release(&manager, badge, function);
}

static void report(void)
{
    for (unsigned i = 0; i < manager.count; i++) {
        const struct pci_function *f = &manager.fn[i];
        bh_printf("%02x:%02x.%x %04x:%04x%s%s%s%s%s\n", f->bdf >> 8, f->bdf >> 3 & 31u, f->bdf & 7u, f->vendor,
                  f->device, f->header_type ? " bridge" : "", f->msi_cap ? " msi" : "", f->msix_cap ? " msi-x" : "",
                  f->flr ? " flr" : "", f->dma_confined ? " (given to a client, stopped)" : "");
    }
    for (unsigned g = 0; g < GRANTS; g++) {
        bool found = false;
        for (unsigned i = 0; i < manager.count; i++) found = found || manager.fn[i].bdf == grants[g].bdf;
        if (!found)
            bh_printf("warning: client %lu is given %02x:%02x.%x, which is absent: its accesses are refused\n",
                      (unsigned long)grants[g].badge, grants[g].bdf >> 8, grants[g].bdf >> 3 & 31u, grants[g].bdf & 7u);
    }
}

int main(void)
{
    bh_console_set_labelled_debug("pci");
    manager.ops = (struct pci_config_ops){.read = port_read, .write = port_write, .wait_ms = wait_ms};
    manager.grants = grants;
    manager.grant_count = GRANTS;
    pci_enumerate(&manager);
    bh_printf("%u functions; configuration space through ports 0xcf8..0xcff; %u grant(s)\n", manager.count,
              (unsigned)GRANTS);
    report();
    clients_run();
}
