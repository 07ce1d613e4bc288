/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Minimal ACPI tables for a PVH guest (ACPI 6.x, 5.2): an RSDP (revision 2), an XSDT and a MADT
 * with one enabled local APIC per vCPU and no I/O APIC. Xen gives PVH guests a MADT; Linux needs
 * it to choose its x2APIC driver (without one it keeps the memory-mapped xAPIC driver and
 * faults on the APIC page). There is no FADT or DSDT: Linux runs without an ACPI interpreter.
 * The tables live at ACPI_GPA in the legacy BIOS area [0xe0000, 0x100000), which a PVH Linux
 * reserves itself; hvm_start_info.rsdp_paddr points at the RSDP.
 */
#include <string.h>
#include "vmm.h"

#define ACPI_GPA 0xe0000ull
#define XSDT_OFF 0x40u
#define MADT_OFF 0x80u
#define HDR_LEN 36u

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t checksum(const uint8_t *p, unsigned len)
{
    uint8_t sum = 0;
    for (unsigned i = 0; i < len; i++) sum = (uint8_t)(sum + p[i]);
    return (uint8_t)-sum;
}

/* The common header: signature, length, revision, checksum (byte 9, filled last), OEM ids. */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "BLKHD ", 6);
    memcpy(t + 16, "BULKHEAD", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "BHVM", 4);
    put32(t + 32, 1);
}

uint64_t acpi_build(struct vm *vm)
{
    unsigned vcpus = (unsigned)vm->params->vcpus;
    uint32_t madt_len = HDR_LEN + 8 + 8 * vcpus;
    uint8_t *base = gpa_ptr(vm, ACPI_GPA, MADT_OFF + madt_len);
    if (!base || vm->ram_size < ACPI_GPA + 0x1000) return 0;
    memset(base, 0, MADT_OFF + madt_len);

    uint8_t *madt = base + MADT_OFF;
    header(madt, "APIC", madt_len, 4);
    put32(madt + HDR_LEN, 0xfee00000u);   /* local APIC address */
    put32(madt + HDR_LEN + 4, 0);         /* flags: no 8259 */
    for (unsigned i = 0; i < vcpus; i++) {
        uint8_t *e = madt + HDR_LEN + 8 + 8 * i;
        e[0] = 0;                          /* processor local APIC */
        e[1] = 8;
        e[2] = (uint8_t)i;                 /* processor UID */
        e[3] = (uint8_t)i;                 /* APIC id */
        put32(e + 4, 1);                   /* enabled */
    }
    madt[9] = checksum(madt, madt_len);

    uint8_t *xsdt = base + XSDT_OFF;
    header(xsdt, "XSDT", HDR_LEN + 8, 1);
    put64(xsdt + HDR_LEN, ACPI_GPA + MADT_OFF);
    xsdt[9] = checksum(xsdt, HDR_LEN + 8);

    uint8_t *rsdp = base;
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "BLKHD ", 6);
    rsdp[15] = 2;                          /* revision: ACPI 2.0+, with the XSDT */
    put32(rsdp + 20, 36);
    put64(rsdp + 24, ACPI_GPA + XSDT_OFF);
    rsdp[8] = checksum(rsdp, 20);
    rsdp[32] = checksum(rsdp, 36);
    return ACPI_GPA;
}
