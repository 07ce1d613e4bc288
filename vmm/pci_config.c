/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's PCI configuration space (pci_config.h): configuration mechanism 1 (PCI 3.0,
 * 3.2.2.3.2: 0xcf8 a 32-bit address latch with bit 31 enable, bus 23:16, device 15:11,
 * function 10:8, register 7:2; 0xcfc..0xcff the data, 1, 2 or 4 bytes), a host bridge and one
 * passed-through function on bus 0, everything else absent (all ones). Linux's type-1 probe
 * (arch/x86/pci/direct.c pci_check_type1) writes a byte to 0xcfb and expects the latch to read
 * back 0x80000000: both are answered as hardware does.
 */
#include "pci_config.h"

#define HOST_BRIDGE_ID 0x00081b36u      /* 1b36:0008, QEMU's PCIe host bridge IDs */
#define HOST_BRIDGE_CLASS 0x06000000u   /* host bridge, revision 0 */
#define COMMAND_IO 0x1u
#define COMMAND_MEMORY 0x2u
#define COMMAND_MASTER 0x4u
#define COMMAND_INTX_DISABLE 0x400u
#define STATUS_CAP_LIST 0x10u
#define MSI_LENGTH 14u                  /* 64-bit address, no per-vector masking */
#define MSI_FLAGS_WRITABLE (VPCI_MSI_FLAGS_ENABLE) /* one message: MME stays 0 */

static uint32_t all_ones(unsigned size) { return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }

void vpci_reset(struct vpci *v)
{
    v->address = 0;
    v->command = 0;
    v->cache_line = v->interrupt_line = 0;
    for (unsigned i = 0; i < VPCI_BARS; i++) {
        const struct vpci_bar *b = &v->bar[i];
        bool upper = i > 0 && v->bar[i - 1].size && (v->bar[i - 1].flags & 6u) == 4u;
        if (upper) v->bar_value[i] = (uint32_t)(v->bar[i - 1].gpa >> 32);
        else v->bar_value[i] = b->size ? ((uint32_t)b->gpa & ~(uint32_t)(b->size - 1)) | b->flags : 0;
    }
    v->msi_control = VPCI_MSI_FLAGS_64BIT;
    v->msi_address = 0;
    v->msi_data = 0;
}

/* The 32 bits of the function's header at a dword-aligned offset. */
static uint32_t function_dword(const struct vpci *v, uint32_t at)
{
    switch (at) {
    case 0x00: return v->id;
    case 0x04: return (uint32_t)(v->has_msi ? STATUS_CAP_LIST : 0) << 16 | v->command | COMMAND_INTX_DISABLE;
    case 0x08: return v->class_revision;
    case 0x0c: return v->cache_line;                        /* latency 0, header type 0, BIST 0 */
    case 0x2c: return v->subsystem;
    case 0x34: return v->has_msi ? VPCI_MSI_CAP : 0;
    case 0x3c: return v->interrupt_line;                    /* pin 0: no INTx */
    default: break;
    }
    if (at >= 0x10 && at < 0x28) return v->bar_value[(at - 0x10) / 4];
    if (v->has_msi && at == VPCI_MSI_CAP) return (uint32_t)v->msi_control << 16 | 0x05u; /* ID 5, next 0 */
    if (v->has_msi && at == VPCI_MSI_CAP + 4) return (uint32_t)v->msi_address;
    if (v->has_msi && at == VPCI_MSI_CAP + 8) return (uint32_t)(v->msi_address >> 32);
    if (v->has_msi && at == VPCI_MSI_CAP + 12) return v->msi_data;
    return 0;                                                /* ROM BAR, CIS, reserved, the rest */
}

static uint32_t bridge_dword(uint32_t at)
{
    if (at == 0x00) return HOST_BRIDGE_ID;
    if (at == 0x08) return HOST_BRIDGE_CLASS;
    return 0;
}

uint32_t vpci_config_read(const struct vpci *v, uint8_t devfn, uint32_t offset, unsigned size)
{
    if (offset >= 256 || (size != 1 && size != 2 && size != 4) || offset % size) return all_ones(size);
    uint32_t dword;
    if (devfn == VPCI_HOST_BRIDGE_DEVFN) dword = bridge_dword(offset & 0xfcu);
    else if (devfn == v->devfn) dword = function_dword(v, offset & 0xfcu);
    else return all_ones(size);
    return (dword >> (8 * (offset & 3u))) & all_ones(size);
}

/* A BAR write: all ones probes the size; anything else is kept as the guest wrote it (a base
 * other than the VMM's is counted: the VMM maps the BAR only where it chose). */
static void write_bar(struct vpci *v, unsigned i, uint32_t value)
{
    const struct vpci_bar *b = &v->bar[i];
    bool upper = i > 0 && v->bar[i - 1].size && (v->bar[i - 1].flags & 6u) == 4u;
    if (upper) {
        uint64_t mask = ~(v->bar[i - 1].size - 1);
        v->bar_value[i] = value & (uint32_t)(mask >> 32);
        if (value != 0xffffffffu && v->bar_value[i] != (uint32_t)(v->bar[i - 1].gpa >> 32)) v->bars_moved++;
        return;
    }
    if (!b->size) return;                                    /* no BAR: reads 0 always */
    uint32_t mask = (uint32_t)~(b->size - 1) & (b->flags & 1u ? ~3u : ~15u);
    v->bar_value[i] = (value & mask) | b->flags;
    if (value != 0xffffffffu && (value & mask) != ((uint32_t)b->gpa & mask)) v->bars_moved++;
}

static void write_command(struct vpci *v, uint16_t value)
{
    uint16_t next = value & (COMMAND_MEMORY | COMMAND_MASTER);
    if (next == v->command) return;
    v->command = next;
    if (v->ops.write_command && v->ops.write_command(v->ops.ctx, next | COMMAND_INTX_DISABLE) != 0)
        v->refused_by_manager++;
}

/* Bytes of the MSI capability: flags (enable only), address, data. */
static void write_msi_byte(struct vpci *v, uint32_t at, uint8_t byte, bool *changed)
{
    uint32_t rel = at - VPCI_MSI_CAP, shift;
    if (rel == 2) {
        uint16_t next = (uint16_t)((v->msi_control & ~MSI_FLAGS_WRITABLE) | (byte & MSI_FLAGS_WRITABLE));
        *changed = *changed || next != v->msi_control;
        v->msi_control = next;
    } else if (rel >= 4 && rel < 12) {
        shift = 8 * (rel - 4);
        uint64_t next = (v->msi_address & ~(0xffull << shift)) | (uint64_t)byte << shift;
        next &= ~3ull;                                       /* dword aligned: bits 1:0 read 0 */
        *changed = *changed || next != v->msi_address;
        v->msi_address = next;
    } else if (rel >= 12 && rel < 14) {
        shift = 8 * (rel - 12);
        uint16_t next = (uint16_t)((v->msi_data & ~(0xffu << shift)) | (uint32_t)byte << shift);
        *changed = *changed || next != v->msi_data;
        v->msi_data = next;
    } else if (rel != 3) {
        v->dropped_writes++;                                 /* ID and next pointer */
    }                                                        /* byte 3: MMC and MME, one message */
}

void vpci_config_write(struct vpci *v, uint8_t devfn, uint32_t offset, unsigned size, uint32_t value)
{
    if (offset >= 256 || (size != 1 && size != 2 && size != 4) || offset % size) return;
    if (devfn != v->devfn || devfn == VPCI_HOST_BRIDGE_DEVFN) return; /* the bridge and empty slots ignore writes */
    uint32_t at = offset & 0xfcu, shift = 8 * (offset & 3u);
    if (at == 0x04) {
        if (shift < 16) {
            uint32_t cur = v->command, mask = all_ones(size) << shift;
            write_command(v, (uint16_t)((cur & ~mask) | ((value << shift) & mask)));
        }
        return;                                              /* status: nothing to clear */
    }
    if (at >= 0x10 && at < 0x28) {
        unsigned i = (at - 0x10) / 4;
        if (size == 4) write_bar(v, i, value);
        else write_bar(v, i, (v->bar_value[i] & ~(all_ones(size) << shift)) | (value & all_ones(size)) << shift);
        return;
    }
    if (offset == 0x0c && size == 1) { v->cache_line = (uint8_t)value; return; }
    if (offset == 0x3c && size == 1) { v->interrupt_line = (uint8_t)value; return; }
    if (v->has_msi && at >= VPCI_MSI_CAP && at < VPCI_MSI_CAP + 16u) {
        bool changed = false;
        for (unsigned i = 0; i < size; i++)
            if (offset + i < VPCI_MSI_CAP + MSI_LENGTH) write_msi_byte(v, offset + i, (uint8_t)(value >> (8 * i)), &changed);
        if (changed && v->ops.msi_changed) v->ops.msi_changed(v->ops.ctx);
        return;
    }
    v->dropped_writes++;
}

bool vpci_port_in(struct vpci *v, uint16_t port, unsigned size, uint32_t *value)
{
    if (port < VPCI_PORT_ADDRESS || port > VPCI_PORT_DATA + 3) return false;
    if (port == VPCI_PORT_ADDRESS && size == 4) { *value = v->address; return true; }
    if (port < VPCI_PORT_DATA || port + size > VPCI_PORT_DATA + 4u || !(v->address & 0x80000000u) ||
        (v->address >> 16 & 0xffu) != 0) {
        *value = all_ones(size);
        return true;
    }
    uint8_t devfn = (uint8_t)(v->address >> 8);
    *value = vpci_config_read(v, devfn, (v->address & 0xfcu) + (port - VPCI_PORT_DATA), size);
    return true;
}

bool vpci_port_out(struct vpci *v, uint16_t port, unsigned size, uint32_t value)
{
    if (port < VPCI_PORT_ADDRESS || port > VPCI_PORT_DATA + 3) return false;
    if (port == VPCI_PORT_ADDRESS && size == 4) { v->address = value & 0x80fffffcu; return true; }
    if (port < VPCI_PORT_DATA || port + size > VPCI_PORT_DATA + 4u || !(v->address & 0x80000000u) ||
        (v->address >> 16 & 0xffu) != 0)
        return true;                                         /* 0xcfb's probe byte and the like */
    uint8_t devfn = (uint8_t)(v->address >> 8);
    vpci_config_write(v, devfn, (v->address & 0xfcu) + (port - VPCI_PORT_DATA), size, value);
    return true;
}

bool vpci_msi_target(const struct vpci *v, struct vpci_msi_target *t)
{
    if (!v->has_msi || !(v->msi_control & VPCI_MSI_FLAGS_ENABLE)) return false;
    if ((v->msi_address >> 20) != (VPCI_MSI_ADDRESS_BASE >> 20)) return false;
    uint32_t delivery = v->msi_data >> 8 & 7u, vector = v->msi_data & 0xffu;
    if (delivery > 1 || (v->msi_data & 0x8000u) || vector < 16) return false; /* fixed or lowest priority, edge */
    t->vector = (uint8_t)vector;
    t->apic_id = (uint32_t)(v->msi_address >> 12 & 0xffu);
    return true;
}
