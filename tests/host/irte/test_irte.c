/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host unit tests of platforms/x86_pvh/irte.c, the VT-d interrupt-remapping encodings. Expected
 * values are worked out by hand from the VT-d specification (rev. 3+: 9.10 the remapping table
 * entry, 5.1.5.1 the I/O APIC's remappable redirection entry, 5.1.5.2 the remappable MSI
 * address, 7.1.3 fault reasons), bit by bit, not from the code. Prints "PASS irte.<test>" /
 * "FAIL irte.<test>: why".
 */
#include <stdio.h>
#include "irte.h"

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("FAIL irte.%s: %s (line %d)\n", __func__, #cond, __LINE__);       \
            failures++;                                                              \
            return;                                                                  \
        }                                                                            \
    } while (0)
#define PASS() printf("PASS irte.%s\n", __func__)

/* Present (bit 0), FPD 0, DM 0 (physical), RH 0, TM (bit 4), DLM 000 (fixed), IM 0 (remapped),
 * vector at 23:16, the xAPIC destination at 47:40; high: SID 15:0, SQ 17:16, SVT 19:18. */
static void remapped_edge_with_source(void)
{
    struct irte e = irte_remapped(0x41, 0x00, false, 0x0018, true);
    CHECK(e.lo == 0x0000000000410001ull);
    CHECK(e.hi == 0x0000000000040018ull); /* SVT 01, SQ 00, SID 00:03.0 */
    PASS();
}

static void remapped_level_destination(void)
{
    struct irte e = irte_remapped(0x30, 0x03, true, 0xff00, true);
    CHECK(e.lo == 0x0000030000300011ull); /* APIC 3 at bits 47:40, TM at bit 4 */
    CHECK(e.hi == 0x000000000004ff00ull);
    PASS();
}

static void remapped_without_validation(void)
{
    struct irte e = irte_remapped(0xfe, 0xff, false, 0x1234, false);
    CHECK(e.lo == 0x0000ff0000fe0001ull);
    CHECK(e.hi == 0); /* SVT 00: any requester; no SID kept */
    PASS();
}

/* 0xFEE at 31:20, handle[14:0] at 19:5, format (bit 4) 1, SHV (bit 3) 0, handle[15] at bit 2. */
static void msi_address(void)
{
    CHECK(msi_remappable_address(0) == 0xfee00010u);
    CHECK(msi_remappable_address(64) == 0xfee00810u);
    CHECK(msi_remappable_address(0x7fff) == 0xfeeffff0u);
    CHECK(msi_remappable_address(0x8000) == 0xfee00014u);
    CHECK(msi_remappable_address(0xffff) == 0xfeeffff4u);
    PASS();
}

/* High dword: handle[14:0] at entry bits 63:49 (dword bits 31:17), format at bit 48 (16).
 * Low dword: handle[15] at bit 11; vector, trigger, polarity and mask kept. */
static void ioapic_entry(void)
{
    CHECK(ioapic_remappable_high(0) == 0x00010000u);
    CHECK(ioapic_remappable_high(4) == 0x00090000u);
    CHECK(ioapic_remappable_high(0x7fff) == 0xffff0000u);
    CHECK(ioapic_remappable_low(0x0001a030u, 4) == 0x0001a030u);
    CHECK(ioapic_remappable_low(0x0001a030u, 0x8004) == 0x0001a830u);
    CHECK(ioapic_remappable_low(0x00000830u, 4) == 0x00000030u); /* a stale bit 11 cleared */
    PASS();
}

static void fault_reasons(void)
{
    CHECK(!vtd_reason_is_interrupt(0x05)); /* write to a read-only page: DMA */
    CHECK(!vtd_reason_is_interrupt(0x1f));
    CHECK(vtd_reason_is_interrupt(0x20)); /* reserved field in an interrupt request */
    CHECK(vtd_reason_is_interrupt(0x22)); /* entry not present */
    CHECK(vtd_reason_is_interrupt(0x25)); /* compatibility format blocked */
    CHECK(vtd_reason_is_interrupt(0x26)); /* source-id validation */
    CHECK(vtd_reason_is_interrupt(0x27));
    CHECK(!vtd_reason_is_interrupt(0x28));
    PASS();
}

int main(void)
{
    remapped_edge_with_source();
    remapped_level_destination();
    remapped_without_validation();
    msi_address();
    ioapic_entry();
    fault_reasons();
    return failures ? 1 : 0;
}
