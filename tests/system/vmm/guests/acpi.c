/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The ACPI guest (mode=acpi-poweroff): reads the tables the way an OS does, from
 * hvm_start_info.rsdp_paddr, and checks what Linux relies on: checksums, a hardware-reduced
 * FADT of revision 5 or later without legacy devices, CMOS RTC or PM timer, byte-wide sleep
 * control and status registers in system I/O space, a DSDT whose \_S5 package gives the sleep
 * type, the MADT. Then the registers: a sleep type the DSDT does not offer wakes at once
 * (WAK_STS, write 1 to clear), the S5 type without SLP_EN does nothing, and S5 with SLP_EN
 * ends the guest (the root expects a poweroff shutdown via ACPI after VT_ACPI_CHECKS checks).
 */
#include "guest.h"

#define SLP_EN 0x20u
#define WAK_STS 0x80u

static uint32_t next_id;
#define CHECK(cond, value) check(++next_id, (cond) ? 1 : 0, (uint64_t)(value))

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static int sums_to_zero(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++) sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

/* A table: its signature and a checksum over its length. */
static int table_ok(const uint8_t *t, const char *sig)
{
    return memcmp(t, sig, 4) == 0 && get32(t + 4) >= 36 && sums_to_zero(t, get32(t + 4));
}

/* A byte-wide system I/O register (GAS); its port, or 0. */
static uint16_t io_register(const uint8_t *gas)
{
    if (gas[0] != 1 || gas[1] != 8 || gas[2] != 0 || gas[3] > 1) return 0;
    uint64_t port = get64(gas + 4);
    return port > 0 && port < 0x10000 ? (uint16_t)port : 0;
}

/* The SLP_TYP value of \_S5: Name (_S5_, Package (n) {BytePrefix t, ...}); -1 if absent. */
static int s5_type(const uint8_t *dsdt)
{
    uint32_t len = get32(dsdt + 4);
    for (uint32_t i = 36; i + 9 < len; i++) {
        const uint8_t *p = dsdt + i;
        if (p[0] == 0x08 && memcmp(p + 1, "_S5_", 4) == 0 && p[5] == 0x12 && p[7] >= 1) {
            if (p[8] == 0x0a) return p[9];           /* BytePrefix */
            if (p[8] <= 1) return p[8];              /* ZeroOp, OneOp */
        }
    }
    return -1;
}

void test_acpi_poweroff(const struct hvm_start_info *si)
{
    const uint8_t *rsdp = (const uint8_t *)(uintptr_t)si->rsdp_paddr;
    CHECK(si->rsdp_paddr != 0 && memcmp(rsdp, "RSD PTR ", 8) == 0, si->rsdp_paddr);
    CHECK(rsdp[15] >= 2 && sums_to_zero(rsdp, 20) && sums_to_zero(rsdp, get32(rsdp + 20)), rsdp[15]);
    const uint8_t *xsdt = (const uint8_t *)(uintptr_t)get64(rsdp + 24);
    CHECK(table_ok(xsdt, "XSDT"), get32(xsdt + 4));
    const uint8_t *fadt = NULL, *madt = NULL;
    for (uint32_t off = 36; off + 8 <= get32(xsdt + 4); off += 8) {
        const uint8_t *t = (const uint8_t *)(uintptr_t)get64(xsdt + off);
        if (memcmp(t, "FACP", 4) == 0) fadt = t;
        if (memcmp(t, "APIC", 4) == 0) madt = t;
    }
    CHECK(fadt && table_ok(fadt, "FACP") && fadt[8] >= 5 && get32(fadt + 4) >= 268, fadt ? fadt[8] : 0);
    if (!fadt) return;
    uint32_t flags = get32(fadt + 112);
    uint16_t boot = (uint16_t)(fadt[109] | fadt[110] << 8);
    CHECK(flags & (1u << 20), flags);                              /* HW_REDUCED_ACPI */
    CHECK(!(boot & 3u) && (boot & (1u << 2)) && (boot & (1u << 5)), boot); /* no legacy, 8042; no VGA, RTC */
    CHECK(fadt[91] == 0 && get64(fadt + 208 + 4) == 0 && get32(fadt + 76) == 0, fadt[91]); /* no PM timer */
    CHECK(get32(fadt + 36) == 0 && get64(fadt + 132) == 0, 0);    /* no FACS */
    uint16_t control = io_register(fadt + 244), status = io_register(fadt + 256);
    CHECK(control != 0 && status != 0 && control != status, control);
    const uint8_t *dsdt = (const uint8_t *)(uintptr_t)get64(fadt + 140);
    CHECK(get64(fadt + 140) == get32(fadt + 40) && table_ok(dsdt, "DSDT"), get64(fadt + 140));
    int s5 = s5_type(dsdt);
    CHECK(s5 >= 0 && s5 <= 7, s5);
    CHECK(madt && table_ok(madt, "APIC") && get32(madt + 4) == 36 + 8 + 8 && madt[44] == 0 && (madt[48] & 1),
          madt ? get32(madt + 4) : 0);

    CHECK(inb(status) == 0, inb(status));                          /* not woken yet */
    uint8_t other = (uint8_t)((s5 == 3 ? 4 : 3) << 2);             /* a type \_S5 does not name */
    outb(control, other | SLP_EN);
    CHECK(inb(status) == WAK_STS, inb(status));                    /* woken at once */
    outb(status, WAK_STS);
    CHECK(inb(status) == 0, inb(status));                          /* write 1 to clear */
    outb(control, (uint8_t)(s5 << 2));                             /* no SLP_EN: nothing happens */
    CHECK(1, 0);
    outb(control, (uint8_t)(s5 << 2) | SLP_EN);
    CHECK(0, 0);                                                   /* not reached */
}
