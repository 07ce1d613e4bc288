/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * /cpus: one PowerPC,POWER9@N node per vCPU, one thread each (so Linux clears CPU_FTR_SMT and
 * sends IPIs through H_IPI, pSeries_smp_probe). Properties as QEMU's spapr_dt_cpu writes them
 * for a POWER9, less what only a hash MMU reads (ibm,segment-page-sizes, ibm,slb-size,
 * ibm,pft-size, ibm,processor-segment-sizes): this platform offers radix only.
 */
#include <stdio.h>
#include <libfdt.h>
#include "papr.h"

#define CACHE_LINE 128u
#define L1_BYTES 0x8000u

/* ibm,pa-features: QEMU's pa_features_300 (2-byte header, 66 bytes). Linux scan_features
 * (prom.c) sets or clears each feature it knows from these bits, so radix (byte 40 bit 0:
 * MMU_FTR_TYPE_RADIX | MMU_FTR_GTSE) must be set here as well as in vec5. TM (byte 22) is off:
 * the LPAR does not switch transactional state. */
static const uint8_t pa_features[68] = {
    66, 0,
    0xf6, 0x1f, 0xc7, 0xc0, 0x00, 0xf0,   /* 0: MMU FPU SLB RUN DABR NX; 1: fri[nzpm] DABRX SPRG3
                                             SLB0 PP110; 2: VPM DS205 PPR DS202 DS206; 3: LSD
                                             URG; 5: LE CFAR EB LSQ */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00,   /* 6: DS207 */
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00,   /* 16: vector */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00,   /* 18: vector scalar, 20: vector XOR, 22: no TM */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00,   /* 24: ext. DEC, 26: 64-bit, 28: PM */
    0x00, 0x00, 0x80, 0x00, 0xc0, 0x00,   /* 32: LE atomics, 34: EBB */
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00,   /* 40: radix MMU */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00,   /* 42: PM, 44: PC RA, 46: SC vectored */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00,   /* 48: SIMD, 50: QP BFP, 52: string */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00,   /* 54: DecFP, 56: DecI, 58: SHA */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00,   /* 60: NM atomics, 62: RNG */
};

/* ibm,processor-radix-AP-encodings: AP in the top 3 bits, page shift below (radix_pgtable.c
 * radix_dt_scan_page_sizes): 4K AP 0, 64K AP 5, 2M AP 1, 1G AP 2 (QEMU POWER9 radix_page_info). */
static const uint32_t radix_ap[4] = {0x0000000cu, 0xa0000010u, 0x20000015u, 0x4000001eu};

static int cpu_node(void *fdt, int cpus, const struct papr_config *cfg, uint32_t n)
{
    char name[32];
    fdt32_t ap[4], gserver[2] = {cpu_to_fdt32(n), cpu_to_fdt32(0)};
    int e;
    snprintf(name, sizeof name, "PowerPC,POWER9@%x", n);
    int node = fdt_add_subnode(fdt, cpus, name);
    if (node < 0) return node;
    for (unsigned i = 0; i < 4; i++) ap[i] = cpu_to_fdt32(radix_ap[i]);
    if ((e = fdt_setprop_string(fdt, node, "device_type", "cpu")) ||
        (e = fdt_setprop_u32(fdt, node, "reg", n)) ||
        (e = fdt_setprop_u32(fdt, node, "cpu-version", cfg->pvr)) ||
        (e = fdt_setprop_u32(fdt, node, "d-cache-block-size", CACHE_LINE)) ||
        (e = fdt_setprop_u32(fdt, node, "d-cache-line-size", CACHE_LINE)) ||
        (e = fdt_setprop_u32(fdt, node, "i-cache-block-size", CACHE_LINE)) ||
        (e = fdt_setprop_u32(fdt, node, "i-cache-line-size", CACHE_LINE)) ||
        (e = fdt_setprop_u32(fdt, node, "d-cache-size", L1_BYTES)) ||
        (e = fdt_setprop_u32(fdt, node, "i-cache-size", L1_BYTES)) ||
        (e = fdt_setprop_u32(fdt, node, "timebase-frequency", cfg->timebase_hz)) ||
        (e = fdt_setprop_u32(fdt, node, "clock-frequency", cfg->clock_hz)) ||
        (e = fdt_setprop_string(fdt, node, "status", "okay")) ||
        (e = fdt_setprop_empty(fdt, node, "64-bit")) ||
        (e = fdt_setprop_u32(fdt, node, "ibm,purr", 1)) ||
        (e = fdt_setprop_u32(fdt, node, "ibm,spurr", 1)) ||
        (e = fdt_setprop_u32(fdt, node, "ibm,vmx", 2)) ||   /* 2: VSX */
        (e = fdt_setprop_u32(fdt, node, "ibm,dfp", 1)) ||
        (e = fdt_setprop(fdt, node, "ibm,pa-features", pa_features, sizeof pa_features)) ||
        (e = fdt_setprop_u32(fdt, node, "ibm,chip-id", 0)) ||
        (e = fdt_setprop_u32(fdt, node, "ibm,ppc-interrupt-server#s", n)) ||
        (e = fdt_setprop(fdt, node, "ibm,ppc-interrupt-gserver#s", gserver, sizeof gserver)) ||
        (e = fdt_setprop(fdt, node, "ibm,processor-radix-AP-encodings", ap, sizeof ap)))
        return e;
    /* No ibm,dec-bits: the DEC stays 32 bits wide, so the LPAR needs no LPCR[LD]. */
    return 0;
}

int papr_fdt_cpus(void *fdt, const struct papr_config *cfg)
{
    int cpus = fdt_add_subnode(fdt, 0, "cpus"), e;
    if (cpus < 0) return cpus;
    if ((e = fdt_setprop_u32(fdt, cpus, "#address-cells", 1)) || (e = fdt_setprop_u32(fdt, cpus, "#size-cells", 0)))
        return e;
    /* fdt_add_subnode puts a new node first: add them last to first so they read in order. */
    for (uint32_t n = cfg->vcpus; n-- > 0;)
        if ((e = cpu_node(fdt, cpus, cfg, n)) < 0) return e;
    return 0;
}
