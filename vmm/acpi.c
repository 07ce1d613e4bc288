/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's ACPI platform, what a PVH domU has: hardware-reduced ACPI with no legacy devices
 * (the FADT's HW_REDUCED_ACPI flag, ACPI 5.0 and later), and the two registers
 * that ACPI 5.0 added for such platforms to enter sleep states (the FADT's SLEEP_CONTROL_REG
 * and SLEEP_STATUS_REG), which the VMM emulates on I/O ports it owns.
 *
 * Tables, at ACPI_GPA in the legacy BIOS area [0xe0000, 0x100000), which a PVH Linux reserves
 * itself; hvm_start_info.rsdp_paddr points at the RSDP:
 *   RSDP  revision 2, pointing at the XSDT
 *   XSDT  the FADT and the MADT
 *   FADT  revision 5.1: HW_REDUCED_ACPI; IAPC boot flags: no legacy devices, no 8042, no VGA,
 *         no CMOS RTC (so Linux neither probes the RTC nor the keyboard controller); no PM
 *         timer, no PM1/GPE blocks, no SCI, no FACS (optional on hardware-reduced platforms);
 *         the sleep control and status registers as byte-wide system I/O registers
 *   MADT  one enabled local APIC per vCPU, no I/O APIC (Linux needs it for its x2APIC driver)
 *   DSDT  \_S5 only: Package {SLP_TYP, SLP_TYP, 0, 0}
 * Sleep registers: control: SLP_TYP in bits 4:2, SLP_EN in bit 5 (the others reserved);
 * status: WAK_STS in bit 7, write 1 to clear. Writing SLP_EN with the _S5 type powers the guest
 * off exactly like SCHEDOP_shutdown(SHUTDOWN_poweroff). Another type would be a sleep state
 * the DSDT does not offer: the VMM wakes the guest at once (WAK_STS set) and says so.
 */
#include <string.h>
#include <bulkhead/runtime.h>
#include <xen/sched.h>
#include "vmm.h"

#define ACPI_GPA 0xe0000ull
#define XSDT_OFF 0x40u
#define FADT_OFF 0x100u
#define MADT_OFF 0x300u
#define DSDT_OFF 0x400u
#define ACPI_END 0x1000u
#define HDR_LEN 36u

/* FADT field offsets (ACPI 5.1; ACPICA's struct acpi_table_fadt): 268 bytes up to SLEEP_STATUS_REG. */
#define FADT_LEN 268u
#define FADT_REVISION 5u
#define FADT_MINOR 1u
#define FADT_FACS 36u
#define FADT_DSDT 40u
#define FADT_BOOT_FLAGS 109u
#define FADT_FLAGS 112u
#define FADT_MINOR_VERSION 131u
#define FADT_X_DSDT 140u
#define FADT_SLEEP_CONTROL 244u
#define FADT_SLEEP_STATUS 256u

#define BOOT_NO_VGA (1u << 2)
#define BOOT_NO_CMOS_RTC (1u << 5)   /* bits 0 (legacy devices) and 1 (8042) stay clear */
#define FLAG_WBINVD (1u << 0)
#define FLAG_C1 (1u << 2)
#define FLAG_POWER_BUTTON (1u << 4)   /* set: no fixed power button */
#define FLAG_SLEEP_BUTTON (1u << 5)   /* set: no fixed sleep button */
#define FLAG_HW_REDUCED (1u << 20)

/* Generic Address Structure: space id, bit width, bit offset, access size, 64-bit address. */
#define GAS_SYSTEM_IO 1u
#define GAS_ACCESS_BYTE 1u

/* Sleep control and status register bits (ACPICA: ACPI_X_SLEEP_TYPE_MASK etc.). */
#define SLEEP_TYPE_SHIFT 2
#define SLEEP_TYPE_MASK 0x1cu
#define SLEEP_ENABLE 0x20u
#define WAKE_STATUS 0x80u

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
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

static void gas_port(uint8_t *g, uint16_t port)
{
    g[0] = GAS_SYSTEM_IO;
    g[1] = 8;                              /* register bit width */
    g[2] = 0;                              /* bit offset */
    g[3] = GAS_ACCESS_BYTE;
    put64(g + 4, port);
}

static void build_fadt(uint8_t *f)
{
    header(f, "FACP", FADT_LEN, FADT_REVISION);
    put32(f + FADT_FACS, 0);               /* no FACS */
    put32(f + FADT_DSDT, (uint32_t)(ACPI_GPA + DSDT_OFF));
    put16(f + FADT_BOOT_FLAGS, BOOT_NO_VGA | BOOT_NO_CMOS_RTC);
    put32(f + FADT_FLAGS, FLAG_WBINVD | FLAG_C1 | FLAG_POWER_BUTTON | FLAG_SLEEP_BUTTON | FLAG_HW_REDUCED);
    f[FADT_MINOR_VERSION] = FADT_MINOR;
    put64(f + FADT_X_DSDT, ACPI_GPA + DSDT_OFF);
    gas_port(f + FADT_SLEEP_CONTROL, VMM_ACPI_SLEEP_CONTROL_PORT);
    gas_port(f + FADT_SLEEP_STATUS, VMM_ACPI_SLEEP_STATUS_PORT);
    f[9] = checksum(f, FADT_LEN);
}

/* AML: Name (_S5_, Package (4) {S5, S5, Zero, Zero}), where a package's
 * PkgLength counts itself, NumElements and the elements; 0x0a is BytePrefix. */
static const uint8_t dsdt_aml[] = {
    0x08, '_', 'S', '5', '_',              /* NameOp, NameSeg */
    0x12, 0x08, 0x04,                      /* PackageOp, PkgLength 8, NumElements 4 */
    0x0a, VMM_ACPI_SLP_TYP_S5, 0x0a, VMM_ACPI_SLP_TYP_S5, 0x00, 0x00,
};

static void build_dsdt(uint8_t *d)
{
    uint32_t len = HDR_LEN + (uint32_t)sizeof dsdt_aml;
    header(d, "DSDT", len, 2);             /* revision 2: 64-bit integers */
    memcpy(d + HDR_LEN, dsdt_aml, sizeof dsdt_aml);
    d[9] = checksum(d, len);
}

static uint32_t build_madt(uint8_t *madt, unsigned vcpus)
{
    uint32_t len = HDR_LEN + 8 + 8 * vcpus;
    header(madt, "APIC", len, 4);
    put32(madt + HDR_LEN, 0xfee00000u);    /* local APIC address */
    put32(madt + HDR_LEN + 4, 0);          /* flags: no 8259 */
    for (unsigned i = 0; i < vcpus; i++) {
        uint8_t *e = madt + HDR_LEN + 8 + 8 * i;
        e[0] = 0;                          /* processor local APIC */
        e[1] = 8;
        e[2] = (uint8_t)i;                 /* processor UID */
        e[3] = (uint8_t)i;                 /* APIC id */
        put32(e + 4, 1);                   /* enabled */
    }
    madt[9] = checksum(madt, len);
    return len;
}

uint64_t acpi_build(struct vm *vm)
{
    unsigned vcpus = (unsigned)vm->params->vcpus;
    _Static_assert(HDR_LEN + 8 + 8 * VMM_MAX_VCPUS <= DSDT_OFF - MADT_OFF, "the MADT fits");
    _Static_assert(DSDT_OFF + HDR_LEN + sizeof dsdt_aml <= ACPI_END, "the DSDT fits");
    uint8_t *base = gpa_ptr(vm, ACPI_GPA, ACPI_END);
    if (!base) return 0;
    memset(base, 0, ACPI_END);

    build_dsdt(base + DSDT_OFF);
    build_fadt(base + FADT_OFF);
    build_madt(base + MADT_OFF, vcpus);

    uint8_t *xsdt = base + XSDT_OFF;
    header(xsdt, "XSDT", HDR_LEN + 16, 1);
    put64(xsdt + HDR_LEN, ACPI_GPA + FADT_OFF);
    put64(xsdt + HDR_LEN + 8, ACPI_GPA + MADT_OFF);
    xsdt[9] = checksum(xsdt, HDR_LEN + 16);

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

/* The sleep registers: true if the port is one of them. */
bool acpi_port_out(struct vm *vm, unsigned port, uint8_t value)
{
    if (port == VMM_ACPI_SLEEP_STATUS_PORT) {
        vm->acpi_wake_status &= (uint8_t)~(value & WAKE_STATUS);
        return true;
    }
    if (port != VMM_ACPI_SLEEP_CONTROL_PORT) return false;
    if (!(value & SLEEP_ENABLE)) return true;
    unsigned type = (value & SLEEP_TYPE_MASK) >> SLEEP_TYPE_SHIFT;
    if (type == VMM_ACPI_SLP_TYP_S5) {
        vm_shutdown(vm, SHUTDOWN_poweroff, VMM_SHUTDOWN_VIA_ACPI);
        return true;
    }
    vmm_say(vm, "guest asked for ACPI sleep type %u, which its DSDT does not offer: woken at once",
            type);
    vm->acpi_wake_status = WAKE_STATUS;
    return true;
}

bool acpi_port_in(struct vm *vm, unsigned port, uint8_t *value)
{
    if (port == VMM_ACPI_SLEEP_STATUS_PORT) *value = vm->acpi_wake_status;
    else if (port == VMM_ACPI_SLEEP_CONTROL_PORT) *value = 0; /* SLP_EN reads as 0; nothing else is kept */
    else return false;
    return true;
}
