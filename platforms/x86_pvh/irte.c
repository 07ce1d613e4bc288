/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* VT-d interrupt-remapping encodings (irte.h). */
#include "irte.h"

#define IRTE_PRESENT 0x1ull
#define IRTE_TRIGGER_LEVEL (1ull << 4)
#define IRTE_VECTOR_SHIFT 16
#define IRTE_DEST_XAPIC_SHIFT 40   /* xAPIC: the destination's bits 15:8 of the 32-bit field */
#define IRTE_SVT_ALL_BITS (1ull << 18) /* SVT 01 with SQ 00: compare the whole requester id */

#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_FORMAT_REMAPPABLE (1u << 4)
#define MSI_HANDLE_LOW_SHIFT 5     /* handle bits 14:0 at address bits 19:5 */
#define MSI_HANDLE_15_SHIFT 2      /* handle bit 15 at address bit 2 */

#define RTE_FORMAT_REMAPPABLE (1u << 16) /* bit 48 of the entry */
#define RTE_HANDLE_LOW_SHIFT 17          /* handle bits 14:0 at entry bits 63:49 */
#define RTE_HANDLE_15_BIT 11

struct irte irte_remapped(uint8_t vector, uint8_t apic_id, bool level, uint16_t sid, bool verify_sid)
{
    struct irte e;
    e.lo = IRTE_PRESENT | (level ? IRTE_TRIGGER_LEVEL : 0) | (uint64_t)vector << IRTE_VECTOR_SHIFT |
           (uint64_t)apic_id << IRTE_DEST_XAPIC_SHIFT;
    e.hi = verify_sid ? (IRTE_SVT_ALL_BITS | sid) : 0;
    return e;
}

uint32_t msi_remappable_address(uint16_t handle)
{
    return MSI_ADDRESS_BASE | (uint32_t)(handle & 0x7fffu) << MSI_HANDLE_LOW_SHIFT | MSI_FORMAT_REMAPPABLE |
           (uint32_t)(handle >> 15) << MSI_HANDLE_15_SHIFT;
}

uint32_t ioapic_remappable_high(uint16_t handle)
{
    return (uint32_t)(handle & 0x7fffu) << RTE_HANDLE_LOW_SHIFT | RTE_FORMAT_REMAPPABLE;
}

uint32_t ioapic_remappable_low(uint32_t low, uint16_t handle)
{
    return (low & ~(1u << RTE_HANDLE_15_BIT)) | (uint32_t)(handle >> 15) << RTE_HANDLE_15_BIT;
}

bool vtd_reason_is_interrupt(unsigned reason)
{
    return reason >= 0x20 && reason <= 0x27;
}
