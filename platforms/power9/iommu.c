/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 has an IOMMU (the PHB's TCE tables) that the kernel does not drive yet: no
 * IOSpaceControl is given to the root server and Retype refuses IOSpaces, so the core never
 * calls the functions below; reaching one is a kernel bug.
 */
#include "power9.h"

bool plat_iommu_present(void) { return false; }
word_t plat_iommu_top(void) { return 0; }
bool plat_iommu_large_pages(void) { return false; }

int plat_iommu_frame_slot(void *root, word_t iova, unsigned size_bits, paddr_t *mapped)
{
    (void)root, (void)iova, (void)size_bits, (void)mapped;
    panic("no IOMMU");
}

int plat_iommu_table_slot(void *root, word_t iova)
{
    (void)root, (void)iova;
    panic("no IOMMU");
}

void plat_iommu_map_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits, word_t rights)
{
    (void)root, (void)iova, (void)paddr, (void)size_bits, (void)rights;
    panic("no IOMMU");
}

int plat_iommu_map_table(void *root, word_t iova, paddr_t table)
{
    (void)root, (void)iova, (void)table;
    panic("no IOMMU");
}

void plat_iommu_unmap_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits)
{
    (void)root, (void)iova, (void)paddr, (void)size_bits;
    panic("no IOMMU");
}

void plat_iommu_unmap_table(void *root, word_t iova, unsigned level, paddr_t table)
{
    (void)root, (void)iova, (void)level, (void)table;
    panic("no IOMMU");
}

void plat_iommu_flush(word_t domain)
{
    (void)domain;
    panic("no IOMMU");
}

bool plat_iommu_bound(word_t source)
{
    (void)source;
    panic("no IOMMU");
}

void plat_iommu_bind(word_t source, void *root, word_t domain)
{
    (void)source, (void)root, (void)domain;
    panic("no IOMMU");
}

void plat_iommu_unbind(word_t source)
{
    (void)source;
    panic("no IOMMU");
}

void plat_iommu_unbind_domains(word_t first, word_t count)
{
    (void)first, (void)count;
    panic("no IOMMU");
}

/* No interrupt remapping: PCI_DEVICE capabilities do not exist here, so GET_MSI is never
 * decoded; the answer stays right should one ever be. */
bool plat_msi_available(void) { return false; }

void plat_msi_bind(word_t irq, word_t source, word_t *address, word_t *data)
{
    (void)irq, (void)source, (void)address, (void)data;
    panic("no interrupt remapping");
}

void plat_msi_unbind(word_t irq)
{
    (void)irq;
    panic("no interrupt remapping");
}
