/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* QEMU's edu device for the kernel API suite (ktest_edu.h). */
#include "ktest_edu.h"

#define PCI_COMMAND 0x04u
#define PCI_STATUS_CAP_LIST (1u << 20) /* in the dword at 0x04 */
#define PCI_CAP_PTR 0x34u
#define PCI_CAP_MSI 0x05u
#define MSI_CTRL_ENABLE (1u << 16)    /* in the capability's first dword */
#define MSI_CTRL_64BIT (1u << 23)

static bh_cptr_t ports;
static int regs_mapped;

uint32_t pci_config_read(unsigned dev, unsigned reg)
{
    bh_word_t v = 0;
    bh_io_port_out32(ports, 0xcf8, 0x80000000u | dev << 11 | reg);
    bh_io_port_in32(ports, 0xcfc, &v);
    return (uint32_t)v;
}

void pci_config_write(unsigned dev, unsigned reg, uint32_t v)
{
    bh_io_port_out32(ports, 0xcf8, 0x80000000u | dev << 11 | reg);
    bh_io_port_out32(ports, 0xcfc, v);
}

int edu_find(struct env *env)
{
    if (!ports) {
        bh_cptr_t p = new_slot(env);
        if (bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0xcf8, 0xcff, BH_ROOT_CNODE, p, 64)) return -1;
        ports = p;
    }
    for (unsigned dev = 0; dev < 32; dev++)
        if (pci_config_read(dev, 0) == EDU_ID) return (int)dev;
    return -1;
}

/* The device untyped covering paddr is skipped up to it with child untypeds (kept, so that the
 * watermark stays), then one frame. */
bh_cptr_t device_frame_at(struct env *env, uint64_t paddr)
{
    struct bh_alloc *a = &env->alloc;
    for (unsigned i = 0; i < a->nuntyped; i++) {
        uint64_t base = a->untyped[i].paddr, size = 1ull << a->untyped[i].size_bits;
        if (!a->untyped[i].is_device || paddr < base || paddr >= base + size) continue;
        if (base + a->untyped[i].used > paddr) return 0; /* handed out already */
        while (base + a->untyped[i].used < paddr) {
            uint64_t at = base + a->untyped[i].used;
            unsigned k = 12;
            while (k < 40 && !(at & (1ull << k)) && at + (2ull << k) <= paddr) k++;
            bh_cptr_t slot = new_slot(env);
            if (bh_untyped_retype(a->untyped[i].cptr, BH_OBJ_UNTYPED, k, a->cnode, 0, 0, slot, 1)) return 0;
            a->untyped[i].used += 1ull << k;
        }
        bh_cptr_t f = new_slot(env);
        if (bh_untyped_retype(a->untyped[i].cptr, BH_OBJ_FRAME, 0, a->cnode, 0, 0, f, 1)) return 0;
        a->untyped[i].used += 4096;
        return f;
    }
    return 0;
}

int edu_regs_map(struct env *env, unsigned dev)
{
    pci_config_write(dev, PCI_COMMAND, pci_config_read(dev, PCI_COMMAND) | 0x6); /* memory, bus master */
    if (regs_mapped) return 0;
    uint64_t bar = pci_config_read(dev, 0x10) & ~0xfull;
    bh_cptr_t regs = bar ? device_frame_at(env, bar) : 0;
    if (!regs) return -1;
    if (bh_map_frame(&env->alloc, regs, BH_ROOT_VSPACE, EDU_REGS_VA, BH_RIGHT_READ | BH_RIGHT_WRITE, 3)) return -1;
    regs_mapped = 1;
    return 0;
}

static int msi_cap(unsigned dev)
{
    if (!(pci_config_read(dev, PCI_COMMAND) & PCI_STATUS_CAP_LIST)) return -1;
    unsigned at = pci_config_read(dev, PCI_CAP_PTR) & 0xfc;
    for (unsigned n = 0; at && n < 48; n++) {
        uint32_t head = pci_config_read(dev, at);
        if ((head & 0xff) == PCI_CAP_MSI) return (int)at;
        at = (head >> 8) & 0xfc;
    }
    return -1;
}

int edu_msi_set(unsigned dev, uint64_t address, uint32_t data)
{
    int cap = msi_cap(dev);
    if (cap < 0) return -1;
    unsigned at = (unsigned)cap;
    uint32_t head = pci_config_read(dev, at);
    pci_config_write(dev, at, head & ~MSI_CTRL_ENABLE);
    pci_config_write(dev, at + 4, (uint32_t)address);
    if (head & MSI_CTRL_64BIT) {
        pci_config_write(dev, at + 8, (uint32_t)(address >> 32));
        pci_config_write(dev, at + 12, data);
    } else {
        pci_config_write(dev, at + 8, data);
    }
    pci_config_write(dev, at, head | MSI_CTRL_ENABLE);
    return 0;
}

void edu_msi_disable(unsigned dev)
{
    int cap = msi_cap(dev);
    if (cap >= 0) pci_config_write(dev, (unsigned)cap, pci_config_read(dev, (unsigned)cap) & ~MSI_CTRL_ENABLE);
}
