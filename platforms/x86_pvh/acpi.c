/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The firmware's ACPI tables, read once at boot for one purpose: finding the interrupt
 * controllers and IOMMUs that the kernel keeps, so that they are never handed
 * out as device memory. References: ACPI 6.5 section 5.2.5 (RSDP), 5.2.7-8 (RSDT, XSDT),
 * 5.2.12 (MADT; entry type 1 I/O APIC, type 5 local APIC address override); Intel VT-d
 * specification section 8.3 (DRHD: register base at offset 8, size byte at offset 5, 2^N
 * pages in bits 3:0); AMD I/O Virtualization Technology specification section 5.2 (IVRS: IVHD
 * types 0x10, 0x11, 0x40 with the IOMMU's base at offset 8; its registers, performance
 * counters included, span 512 KiB). Every length and checksum is checked; a table that fails is ignored
 * with a message (the kernel still keeps the addresses it uses itself).
 */
#include "x86.h"
#include <bulkhead/layout.h>

#define RSDP_SCAN_START 0xe0000ul
#define RSDP_SCAN_END 0x100000ul
#define ACPI_HEADER_SIZE 36u
#define ACPI_TABLE_MAX (1u << 20)
#define MADT_IO_APIC 1u
#define MADT_LOCAL_APIC_OVERRIDE 5u
#define DMAR_DRHD 0u
#define DMAR_SCOPE_IOAPIC 3u
#define DMAR_ENTRIES_OFFSET 48u
#define MADT_ENTRIES_OFFSET 44u
#define IVRS_ENTRIES_OFFSET 48u
#define IVHD_MMIO_SIZE (512ul << 10)

static paddr_t window_end;

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static bool sums_to_zero(const uint8_t *p, word_t len)
{
    uint8_t s = 0;
    for (word_t i = 0; i < len; i++) s = (uint8_t)(s + p[i]);
    return s == 0;
}

static bool mapped(paddr_t pa, word_t len)
{
    return pa != 0 && pa + len > pa && pa + len <= window_end;
}

/* The table at pa if its header, length and checksum hold, else NULL. */
static const uint8_t *table_at(paddr_t pa, word_t *len)
{
    if (!mapped(pa, ACPI_HEADER_SIZE)) return NULL;
    const uint8_t *t = paddr_to_ptr(pa);
    uint32_t n = rd32(t + 4);
    if (n < ACPI_HEADER_SIZE || n > ACPI_TABLE_MAX || !mapped(pa, n) || !sums_to_zero(t, n)) {
        kprintf("[kernel] ACPI table %c%c%c%c at %lx ignored: bad length or checksum\n", t[0], t[1], t[2], t[3], pa);
        return NULL;
    }
    *len = n;
    return t;
}

static paddr_t scan_rsdp(void)
{
    for (paddr_t pa = RSDP_SCAN_START; pa < RSDP_SCAN_END; pa += 16)
        if (memcmp(paddr_to_ptr(pa), "RSD PTR ", 8) == 0 && sums_to_zero(paddr_to_ptr(pa), 20)) return pa;
    return 0;
}

/* The RSDT or XSDT: its address and the width of its entries. */
static const uint8_t *root_table(paddr_t rsdp_pa, word_t *len, word_t *entry_size)
{
    if (!mapped(rsdp_pa, 36)) return NULL;
    const uint8_t *rsdp = paddr_to_ptr(rsdp_pa);
    if (memcmp(rsdp, "RSD PTR ", 8) != 0 || !sums_to_zero(rsdp, 20)) {
        kprintf("[kernel] ACPI: no valid RSDP at %lx\n", rsdp_pa);
        return NULL;
    }
    if (rsdp[15] >= 2 && rd32(rsdp + 20) >= 36 && sums_to_zero(rsdp, 36) && rd64(rsdp + 24)) {
        *entry_size = 8;
        return table_at(rd64(rsdp + 24), len);
    }
    *entry_size = 4;
    return table_at(rd32(rsdp + 16), len);
}

static void add(struct boot_config *bc, paddr_t start, word_t size, word_t kind)
{
    if (start + size < start || start + size > X86_PHYS_ADDR_LIMIT) {
        kprintf("[kernel] ACPI: device at %lx+%lx is beyond the physical address limit: ignored\n", start, size);
        return;
    }
    x86_keep_device(bc, start, start + size, kind);
}

static void read_madt(const uint8_t *t, word_t len, struct boot_config *bc)
{
    for (word_t off = MADT_ENTRIES_OFFSET; off + 2 <= len;) {
        uint8_t type = t[off], n = t[off + 1];
        if (n < 2 || off + n > len) break;
        if (type == MADT_IO_APIC && n >= 12) add(bc, rd32(t + off + 4), BIT(PAGE_BITS), BH_KERNEL_DEVICE_IO_APIC);
        if (type == MADT_LOCAL_APIC_OVERRIDE && n >= 12)
            add(bc, rd64(t + off + 4), BIT(PAGE_BITS), BH_KERNEL_DEVICE_LOCAL_APIC);
        off += n;
    }
}

/* A DRHD's device scopes (VT-d spec 8.3.1: type, length, enumeration id, start bus, then
 * device and function pairs): an I/O APIC's requester id, for its remapping entries. A path
 * longer than one pair (behind a bridge) is not followed. */
static void read_dmar_scopes(const uint8_t *s, word_t len)
{
    for (word_t off = 0; off + 6 <= len;) {
        uint8_t type = s[off], n = s[off + 1];
        if (n < 6 || off + n > len) break;
        if (type == DMAR_SCOPE_IOAPIC && n == 8) x86_vtd_ioapic_found((uint16_t)(s[off + 5] << 8 | s[off + 6] << 3 | (s[off + 7] & 7u)));
        off += n;
    }
}

static void read_dmar(const uint8_t *t, word_t len, struct boot_config *bc)
{
    for (word_t off = DMAR_ENTRIES_OFFSET; off + 4 <= len;) {
        uint16_t type = rd16(t + off), n = rd16(t + off + 2);
        if (n < 4 || off + n > len) break;
        if (type == DMAR_DRHD && n >= 16) {
            add(bc, rd64(t + off + 8), BIT(PAGE_BITS) << (t[off + 5] & 0xfu), BH_KERNEL_DEVICE_IOMMU);
            x86_vtd_unit_found(rd64(t + off + 8));
            read_dmar_scopes(t + off + 16, n - 16u);
        }
        off += n;
    }
}

static void read_ivrs(const uint8_t *t, word_t len, struct boot_config *bc)
{
    for (word_t off = IVRS_ENTRIES_OFFSET; off + 4 <= len;) {
        uint8_t type = t[off];
        uint16_t n = rd16(t + off + 2);
        if (n < 4 || off + n > len) break;
        if ((type == 0x10 || type == 0x11 || type == 0x40) && n >= 16)
            add(bc, rd64(t + off + 8), IVHD_MMIO_SIZE, BH_KERNEL_DEVICE_IOMMU);
        off += n;
    }
}

void x86_acpi_find_devices(paddr_t rsdp_pa, paddr_t mapped_end, struct boot_config *bc)
{
    window_end = mapped_end;
    if (!rsdp_pa) rsdp_pa = scan_rsdp();
    if (!rsdp_pa) {
        kprintf("[kernel] ACPI: no RSDP; only the interrupt controllers the kernel uses are kept\n");
        return;
    }
    word_t len = 0, esize = 4;
    const uint8_t *root = root_table(rsdp_pa, &len, &esize);
    if (!root) return;
    for (word_t off = ACPI_HEADER_SIZE; off + esize <= len; off += esize) {
        word_t n = 0;
        const uint8_t *t = table_at(esize == 8 ? rd64(root + off) : rd32(root + off), &n);
        if (!t) continue;
        if (memcmp(t, "APIC", 4) == 0 && n >= MADT_ENTRIES_OFFSET) read_madt(t, n, bc);
        bool dmar = memcmp(t, "DMAR", 4) == 0, ivrs = memcmp(t, "IVRS", 4) == 0;
        if (dmar || ivrs) { /* the IOMMU's description: nobody else may rewrite it */
            paddr_t pa = esize == 8 ? rd64(root + off) : rd32(root + off);
            add(bc, pa, n, BH_KERNEL_DEVICE_IOMMU_TABLE);
        }
        if (dmar && n >= DMAR_ENTRIES_OFFSET) read_dmar(t, n, bc);
        if (ivrs && n >= IVRS_ENTRIES_OFFSET) read_ivrs(t, n, bc);
    }
}
