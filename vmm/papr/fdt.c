/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The device tree a Linux pseries guest boots from when entered kexec-style (r3 = FDT, r5 =
 * 0; head_64.S): what early_init_devtree and the pseries platform read, and nothing it does
 * not. Checked against Linux 6.1 (arch/powerpc/kernel/prom.c, mm/init_64.c early_check_vec5,
 * platforms/pseries/{setup,firmware}.c, sysdev/xics/icp-hv.c, drivers/tty/hvc/hvc_vio.c) and
 * QEMU's hw/ppc/spapr.c (spapr_build_fdt, spapr_dt_chosen) and hw/intc/xics_spapr.c.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "papr.h"

#define PHANDLE_XICP 0x1111u
#define VEC5_BYTES 27u               /* the length byte, then PAPR vector-5 bytes 1..26 */

/* A string property whose length is only known at run time (libfdt's fdt_setprop_string
 * passes strlen's size_t as an int). The command line's length was checked already. */
static int setprop_text(void *fdt, int node, const char *name, const char *text)
{
    return fdt_setprop(fdt, node, name, text, (int)(strlen(text) + 1));
}

/* Root: pSeries_probe wants device_type "chrp"; two address and size cells everywhere. */
static int root_node(void *fdt)
{
    int e;
    if ((e = fdt_setprop_string(fdt, 0, "device_type", "chrp")) ||
        (e = fdt_setprop_string(fdt, 0, "model", "IBM pSeries (Bulkhead PAPR VMM)")) ||
        (e = fdt_setprop_string(fdt, 0, "compatible", "bulkhead,pseries")) ||
        (e = fdt_setprop_u32(fdt, 0, "#address-cells", 2)) ||
        (e = fdt_setprop_u32(fdt, 0, "#size-cells", 2)))
        return e;
    return 0;
}

static int memory_node(void *fdt, const struct papr_config *cfg)
{
    int node = fdt_add_subnode(fdt, 0, "memory@0"), e;
    if (node < 0) return node;
    fdt64_t reg[2] = {cpu_to_fdt64(0), cpu_to_fdt64(cfg->memory_bytes)};
    if ((e = fdt_setprop_string(fdt, node, "device_type", "memory")) ||
        (e = fdt_setprop(fdt, node, "reg", reg, sizeof reg)))
        return e;
    return 0;
}

/* ibm,architecture-vec-5 as the hypervisor's answer to client-architecture-support: byte 0 is
 * the length less one, byte i is vector byte i (QEMU spapr_ovec_populate_dt). Byte 23 0x00:
 * XICS; byte 24 0x40: radix only; byte 26 0x40: radix with GTSE (Linux OV5_MMU_RADIX 0x1840,
 * OV5_RADIX_GTSE 0x1A40; without GTSE pSeries_setup_arch needs hcall-rpt-invalidate). */
static void vec5(uint8_t v[VEC5_BYTES])
{
    memset(v, 0, VEC5_BYTES);
    v[0] = VEC5_BYTES - 2;
    v[23] = 0x00;
    v[24] = 0x40;
    v[26] = 0x40;
}

static int chosen_node(void *fdt, const struct papr_config *cfg)
{
    char stdout_path[32];
    uint8_t v5[VEC5_BYTES];
    int node = fdt_add_subnode(fdt, 0, "chosen"), e;
    if (node < 0) return node;
    snprintf(stdout_path, sizeof stdout_path, "/vdevice/vty@%x", PAPR_VTY_REG);
    vec5(v5);
    if ((e = setprop_text(fdt, node, "bootargs", cfg->cmdline)) ||
        (e = setprop_text(fdt, node, "stdout-path", stdout_path)) ||
        (e = setprop_text(fdt, node, "linux,stdout-path", stdout_path)) ||
        (e = fdt_setprop(fdt, node, "ibm,architecture-vec-5", v5, sizeof v5)))
        return e;
    if (cfg->initrd_bytes &&
        ((e = fdt_setprop_u64(fdt, node, "linux,initrd-start", cfg->initrd_start)) ||
         (e = fdt_setprop_u64(fdt, node, "linux,initrd-end", cfg->initrd_start + cfg->initrd_bytes))))
        return e;
    return 0;
}

/* The console: hvc_vio_init_early wants a "vty" node compatible with "hvterm1" whose reg is
 * the termno of H_PUT_TERM_CHAR. No interrupts property: hvc polls. */
static int vdevice_node(void *fdt)
{
    int vdev = fdt_add_subnode(fdt, 0, "vdevice"), e;
    if (vdev < 0) return vdev;
    if ((e = fdt_setprop_string(fdt, vdev, "device_type", "vdevice")) ||
        (e = fdt_setprop_string(fdt, vdev, "compatible", "IBM,vdevice")) ||
        (e = fdt_setprop_u32(fdt, vdev, "#address-cells", 1)) ||
        (e = fdt_setprop_u32(fdt, vdev, "#size-cells", 0)) ||
        (e = fdt_setprop_u32(fdt, vdev, "#interrupt-cells", 2)) ||
        (e = fdt_setprop_empty(fdt, vdev, "interrupt-controller")))
        return e;
    char name[24];
    snprintf(name, sizeof name, "vty@%x", PAPR_VTY_REG);
    int vty = fdt_add_subnode(fdt, vdev, name);
    if (vty < 0) return vty;
    if ((e = fdt_setprop_string(fdt, vty, "device_type", "serial")) ||
        (e = fdt_setprop_string(fdt, vty, "compatible", "hvterm1")) ||
        (e = fdt_setprop_u32(fdt, vty, "reg", PAPR_VTY_REG)))
        return e;
    return 0;
}

/* The XICS presentation layer served by hcalls: icp_hv_init matches "ibm,ppc-xicp" or the
 * device_type; one server per vCPU, numbered from 0 (QEMU xics_spapr_dt). */
static int xicp_node(void *fdt, const struct papr_config *cfg)
{
    int node = fdt_add_subnode(fdt, 0, "interrupt-controller"), e;
    if (node < 0) return node;
    fdt32_t ranges[2] = {cpu_to_fdt32(0), cpu_to_fdt32(cfg->vcpus)};
    if ((e = fdt_setprop_string(fdt, node, "device_type", "PowerPC-External-Interrupt-Presentation")) ||
        (e = fdt_setprop_string(fdt, node, "compatible", "IBM,ppc-xicp")) ||
        (e = fdt_setprop_empty(fdt, node, "interrupt-controller")) ||
        (e = fdt_setprop_u32(fdt, node, "#address-cells", 0)) ||
        (e = fdt_setprop(fdt, node, "ibm,interrupt-server-ranges", ranges, sizeof ranges)) ||
        (e = fdt_setprop_u32(fdt, node, "#interrupt-cells", 2)) ||
        (e = fdt_setprop_u32(fdt, node, "linux,phandle", PHANDLE_XICP)) ||
        (e = fdt_setprop_u32(fdt, node, "phandle", PHANDLE_XICP)))
        return e;
    return 0;
}

/* The RTAS area is nobody's to allocate (kvmtool adds the same reservation); the kernel image,
 * the initrd and the FDT itself Linux reserves on its own (early_reserve_mem), the initrd is
 * listed as QEMU does. */
static int reserve_map(void *fdt, const struct papr_config *cfg)
{
    int e = fdt_add_mem_rsv(fdt, cfg->rtas_base, PAPR_RTAS_SIZE);
    if (!e && cfg->initrd_bytes) e = fdt_add_mem_rsv(fdt, cfg->initrd_start, cfg->initrd_bytes);
    return e;
}

int papr_fdt_build(const struct papr_config *cfg, void *buf, size_t size, char *why, size_t why_size)
{
    int e;
    if (papr_config_check(cfg, why, why_size) != PAPR_CONFIG_OK) return -FDT_ERR_BADVALUE;
    if (size > PAPR_FDT_MAX) size = PAPR_FDT_MAX;
    if ((e = fdt_create_empty_tree(buf, (int)size)) || (e = reserve_map(buf, cfg)) ||
        (e = root_node(buf)) || (e = memory_node(buf, cfg)) || (e = papr_fdt_cpus(buf, cfg)) ||
        (e = chosen_node(buf, cfg)) || (e = papr_fdt_rtas(buf, cfg)) || (e = vdevice_node(buf)) ||
        (e = xicp_node(buf, cfg)) || (e = fdt_pack(buf))) {
        if (why && why_size) snprintf(why, why_size, "building the device tree: %s", fdt_strerror(e));
        return e;
    }
    /* The boot CPU's server number, which early_init_dt_scan_cpus matches. */
    fdt_set_boot_cpuid_phys(buf, 0);
    return 0;
}
