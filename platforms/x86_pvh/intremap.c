/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * VT-d interrupt remapping (Intel VT-d spec rev. 3+: 5.1 interrupt remapping, 9.10 the table
 * entry, 10.4.29 IRTA, 6.5.2.7 the interrupt entry cache invalidation). On when the unit offers
 * it (ECAP.IR): the table is set (SIRTP), its cache invalidated, remapping enabled (IRE) with
 * CFI clear, so compatibility-format requests are blocked, and the I/O APIC's lines move to
 * remappable entries 0..lines-1 (validated against the I/O APIC's requester id from the DMAR).
 *
 * MSI lines (kernel/platform.h): line irq has vector irq and remapping entry irq, so one
 * number names all three. Its entry is present only while a handler holds the line, and
 * delivers only for the requester id it was bound to (SVT 01, SQ 00). Masking is in software:
 * an MSI that arrives masked is kept pending and raised again by a self-IPI at the unmask.
 *
 * The table is 256 entries (4 KiB) in the kernel image, like the root and context tables: the
 * kernel has fewer vectors than that to hand out, so it cannot run out before them.
 */
#include "x86.h"
#include "irte.h"

#define REG_IRTA 0xb8u
#define GCMD_IRE (1u << 25)
#define GCMD_SIRTP (1u << 24)
#define GSTS_IRES (1u << 25)
#define GSTS_IRTPS (1u << 24)
#define IRT_ENTRIES 256u
#define IRTA_SIZE 7u /* 2^(S+1) entries */
#define DESC_IEC_GLOBAL 0x4ull
#define DESC_IEC_INDEX(i) (0x4ull | 1ull << 4 | (uint64_t)(i) << 32)

_Static_assert(IRQ_MSI_FIRST == VECTOR_MSI_FIRST, "an MSI line's number is its vector");
_Static_assert(VECTOR_IRQ_BASE + IOAPIC_PINS <= VECTOR_MSI_FIRST, "the I/O APIC's vectors come first");
_Static_assert(VECTOR_MSI_FIRST + IRQ_MSI_LINES <= VECTOR_IOMMU_FAULT, "MSI vectors stay below the kernel's own");
_Static_assert(IRQ_LINES <= IRT_ENTRIES && IOAPIC_PINS <= IRQ_MSI_FIRST, "entries: I/O APIC lines, then MSI lines");
_Static_assert((1u << (IRTA_SIZE + 1)) == IRT_ENTRIES, "IRTA.S");

static struct irte irt[IRT_ENTRIES] __attribute__((aligned(4096)));
static bool remapping;
static bool msi_bound[IRQ_MSI_LINES], msi_masked[IRQ_MSI_LINES], msi_pending[IRQ_MSI_LINES];

/* The unit may cache entries: each change is invalidated before the caller goes on. */
static void entry_changed(word_t index)
{
    x86_vtd_flush_cache_line(&irt[index]);
    x86_vtd_submit(DESC_IEC_INDEX(index), 0);
    x86_vtd_invalidate_and_wait();
}

void x86_intremap_init(uint16_t ioapic_source, bool ioapic_source_known)
{
    uint8_t apic = x86_boot_apic_id();
    for (word_t g = 0; g < x86_ioapic_lines(); g++) {
        irt[g] = irte_remapped((uint8_t)(VECTOR_IRQ_BASE + g), apic, x86_ioapic_level(g), ioapic_source, ioapic_source_known);
        x86_vtd_flush_cache_line(&irt[g]);
    }
    x86_vtd_set_register64(REG_IRTA, image_paddr(irt) | IRTA_SIZE);
    x86_vtd_command(0, GCMD_SIRTP, GSTS_IRTPS);
    x86_vtd_submit(DESC_IEC_GLOBAL, 0);
    x86_vtd_invalidate_and_wait();
    x86_vtd_command(GCMD_IRE, 0, GSTS_IRES); /* CFI stays clear: compatibility format blocked */
    x86_ioapic_remap();
    remapping = true;
    if (ioapic_source_known)
        kprintf("[kernel] VT-d: interrupt remapping on (%u entries; I/O APIC lines from requester %x; MSI lines %u..%u)\n",
                IRT_ENTRIES, ioapic_source, IRQ_MSI_FIRST, IRQ_LINES - 1);
    else
        kprintf("[kernel] VT-d: interrupt remapping on (%u entries; the DMAR names no I/O APIC: its lines unvalidated; "
                "MSI lines %u..%u)\n", IRT_ENTRIES, IRQ_MSI_FIRST, IRQ_LINES - 1);
}

bool plat_msi_available(void) { return remapping; }

void plat_msi_bind(word_t irq, word_t source, word_t *address, word_t *data)
{
    word_t i = irq - IRQ_MSI_FIRST;
    msi_bound[i] = true;
    msi_masked[i] = true; /* until the handler names a notification */
    msi_pending[i] = false;
    struct irte e = irte_remapped((uint8_t)irq, x86_boot_apic_id(), false, (uint16_t)source, true);
    irt[irq].hi = e.hi;
    __asm__ volatile("" ::: "memory");
    irt[irq].lo = e.lo; /* present last */
    entry_changed(irq);
    *address = msi_remappable_address((uint16_t)irq);
    *data = 0;
}

void plat_msi_unbind(word_t irq)
{
    word_t i = irq - IRQ_MSI_FIRST;
    if (!msi_bound[i]) return;
    msi_bound[i] = false;
    msi_pending[i] = false;
    irt[irq].lo = 0; /* not present first */
    __asm__ volatile("" ::: "memory");
    irt[irq].hi = 0;
    entry_changed(irq);
}

bool x86_msi_vector(word_t vector)
{
    return vector >= VECTOR_MSI_FIRST && vector < VECTOR_MSI_FIRST + IRQ_MSI_LINES && msi_bound[vector - VECTOR_MSI_FIRST];
}

/* Acknowledged at the local APIC already. */
void x86_msi_arrived(word_t vector)
{
    word_t i = vector - VECTOR_MSI_FIRST;
    if (msi_masked[i]) {
        msi_pending[i] = true;
        return;
    }
    handle_irq_entry(vector);
}

void x86_msi_mask(word_t irq, bool masked)
{
    if (irq < IRQ_MSI_FIRST || irq >= IRQ_LINES) return;
    word_t i = irq - IRQ_MSI_FIRST;
    msi_masked[i] = masked;
    if (!masked && msi_pending[i] && msi_bound[i]) {
        msi_pending[i] = false;
        x86_lapic_self_ipi(irq); /* taken when the kernel returns to user level */
    }
}
