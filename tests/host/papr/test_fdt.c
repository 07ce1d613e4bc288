/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the pseries device tree (vmm/papr/fdt*.c, config.c): a tree for a 2-vCPU
 * guest read back with libfdt, property by property, the way Linux 6.1 reads it (the file
 * and function that reads each is named at its check); every configuration error; trees at
 * the limits. With a file argument, also writes the 2-vCPU tree there (the suite gives it to
 * dtc).   usage: test_fdt [out.dtb]
 */
#define CHECK_SUITE "papr"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "papr.h"
#include "../../lib/check.h"

#define MiB (1ull << 20)

static uint8_t blob[PAPR_FDT_MAX];
static char why[256];

static void config_2cpu(struct papr_config *cfg)
{
    papr_config_defaults(cfg, 256 * MiB, 2);
    cfg->cmdline = "console=hvc0 rdinit=/init";
    cfg->kernel_bytes = 0x287ca18;           /* Debian's 6.1 vmlinux, bss included */
    cfg->initrd_start = 48 * MiB;
    cfg->initrd_bytes = 5 * MiB + 123;
}

static int build(const struct papr_config *cfg)
{
    memset(blob, 0xa5, sizeof blob);
    why[0] = 0;
    return papr_fdt_build(cfg, blob, sizeof blob, why, sizeof why);
}

static const void *prop(const char *path, const char *name, int *len)
{
    int node = fdt_path_offset(blob, path);
    if (node < 0) return NULL;
    return fdt_getprop(blob, node, name, len);
}

static int prop_u32(const char *path, const char *name, uint32_t *v)
{
    int len;
    const fdt32_t *p = prop(path, name, &len);
    if (!p || len != 4) return -1;
    *v = fdt32_to_cpu(*p);
    return 0;
}

static int prop_str(const char *path, const char *name, const char *want)
{
    int len;
    const char *p = prop(path, name, &len);
    return p && len == (int)strlen(want) + 1 && memcmp(p, want, (size_t)len) == 0 ? 0 : -1;
}

/* A string list property contains s (fdt_stringlist_search). */
static int has_string(const char *path, const char *name, const char *s)
{
    int node = fdt_path_offset(blob, path);
    return node >= 0 && fdt_stringlist_search(blob, node, name, s) >= 0;
}

static void tree_is_valid(void)
{
    struct papr_config cfg;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    CHECK_EQ(fdt_check_full(blob, sizeof blob), 0);
    CHECK_EQ(fdt_magic(blob), FDT_MAGIC);
    CHECK(fdt_totalsize(blob) <= PAPR_FDT_MAX);
    CHECK(fdt_version(blob) >= 17);
    /* early_init_dt_scan_cpus matches it against ibm,ppc-interrupt-server#s. */
    CHECK_EQ(fdt_boot_cpuid_phys(blob), 0);
}

/* pSeries_probe (platforms/pseries/setup.c): device_type "chrp". */
static void root_is_chrp(void)
{
    struct papr_config cfg;
    uint32_t v;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    CHECK_EQ(prop_str("/", "device_type", "chrp"), 0);
    CHECK(prop("/", "model", NULL) != NULL);
    CHECK(prop("/", "compatible", NULL) != NULL);
    CHECK(prop_u32("/", "#address-cells", &v) == 0 && v == 2);
    CHECK(prop_u32("/", "#size-cells", &v) == 0 && v == 2);
}

static void memory_node(void)
{
    struct papr_config cfg;
    int len;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    CHECK_EQ(prop_str("/memory@0", "device_type", "memory"), 0);
    const uint8_t *reg = prop("/memory@0", "reg", &len);
    CHECK(reg && len == 16);
    CHECK_EQ(fdt64_ld((const fdt64_t *)reg), 0);
    CHECK_EQ(fdt64_ld((const fdt64_t *)(reg + 8)), 256 * MiB);
}

/* One node per vCPU, in order, as early_init_dt_scan_cpus and smp_setup_cpu_maps read them. */
static void cpu_nodes(void)
{
    struct papr_config cfg;
    char path[64];
    uint32_t v;
    int len, cpus, n = 0, node;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    cpus = fdt_path_offset(blob, "/cpus");
    CHECK(cpus >= 0);
    CHECK(prop_u32("/cpus", "#address-cells", &v) == 0 && v == 1);
    CHECK(prop_u32("/cpus", "#size-cells", &v) == 0 && v == 0);
    fdt_for_each_subnode(node, blob, cpus) {
        snprintf(path, sizeof path, "PowerPC,POWER9@%x", n);
        CHECK_EQ(strcmp(fdt_get_name(blob, node, NULL), path), 0);
        n++;
    }
    CHECK_EQ(n, 2);
    for (uint32_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/cpus/PowerPC,POWER9@%x", i);
        CHECK_EQ(prop_str(path, "device_type", "cpu"), 0);
        CHECK(prop_u32(path, "reg", &v) == 0 && v == i);
        CHECK(prop_u32(path, "ibm,ppc-interrupt-server#s", &v) == 0 && v == i);
        const fdt32_t *g = prop(path, "ibm,ppc-interrupt-gserver#s", &len);
        CHECK(g && len == 8 && fdt32_to_cpu(g[0]) == i && fdt32_to_cpu(g[1]) == 0);
        CHECK(prop_u32(path, "timebase-frequency", &v) == 0 && v == PAPR_TIMEBASE_HZ);
        CHECK(prop_u32(path, "clock-frequency", &v) == 0 && v == PAPR_CLOCK_HZ);
        CHECK(prop_u32(path, "cpu-version", &v) == 0 && v == PAPR_PVR_POWER9);
        CHECK(prop_u32(path, "d-cache-block-size", &v) == 0 && v == 128);
        CHECK(prop_u32(path, "i-cache-block-size", &v) == 0 && v == 128);
        CHECK(prop_u32(path, "ibm,vmx", &v) == 0 && v == 2);
        CHECK(prop(path, "64-bit", &len) && len == 0);
        CHECK_EQ(prop_str(path, "status", "okay"), 0);
        /* Hash-only properties are absent; no large decrementer (no LPCR[LD]). */
        CHECK(prop(path, "ibm,segment-page-sizes", NULL) == NULL);
        CHECK(prop(path, "ibm,pft-size", NULL) == NULL);
        CHECK(prop(path, "ibm,dec-bits", NULL) == NULL);
    }
}

/* prom.c scan_features: header (length, type 0), then byte b bit i at [2 + b] >> (7 - i). */
static int pa_bit(const uint8_t *pa, unsigned byte, unsigned bit)
{
    return (pa[2 + byte] >> (7 - bit)) & 1;
}

static void pa_features(void)
{
    struct papr_config cfg;
    int len;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    const uint8_t *pa = prop("/cpus/PowerPC,POWER9@1", "ibm,pa-features", &len);
    CHECK(pa && len == 68);
    CHECK_EQ(pa[0], 66);
    CHECK_EQ(pa[1], 0);
    CHECK_EQ(pa_bit(pa, 0, 0), 1);       /* PPC_FEATURE_HAS_MMU */
    CHECK_EQ(pa_bit(pa, 0, 1), 1);       /* PPC_FEATURE_HAS_FPU */
    CHECK_EQ(pa_bit(pa, 0, 6), 1);       /* CPU_FTR_NOEXECUTE */
    CHECK_EQ(pa_bit(pa, 5, 0), 1);       /* CPU_FTR_REAL_LE */
    CHECK_EQ(pa_bit(pa, 22, 0), 0);      /* no TM */
    CHECK_EQ(pa_bit(pa, 40, 0), 1);      /* MMU_FTR_TYPE_RADIX | MMU_FTR_GTSE: cleared if 0 */
    CHECK_EQ(pa_bit(pa, 64, 0), 0);      /* no DAWR1 */
}

/* radix_dt_scan_page_sizes: shift = v & ~(0xe << 28), ap = v >> 29; 4K 64K 2M 1G. */
static void radix_page_sizes(void)
{
    static const uint32_t shifts[4] = {12, 16, 21, 30}, aps[4] = {0, 5, 1, 2};
    struct papr_config cfg;
    int len;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    const fdt32_t *p = prop("/cpus/PowerPC,POWER9@0", "ibm,processor-radix-AP-encodings", &len);
    CHECK(p && len == 16);
    for (unsigned i = 0; i < 4; i++) {
        uint32_t v = fdt32_to_cpu(p[i]);
        CHECK_EQ(v & ~(0xeu << 28), shifts[i]);
        CHECK_EQ(v >> 29, aps[i]);
    }
}

/* early_check_vec5 (mm/init_64.c): vec5[OV5_INDX(0x18C0)] & 0xC0 == 0x40 radix, [0x1A] & 0x40
 * GTSE; [23] 0: XICS. Byte 0: the vector's length less one. */
static void chosen_vec5(void)
{
    struct papr_config cfg;
    int len;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    const uint8_t *v = prop("/chosen", "ibm,architecture-vec-5", &len);
    CHECK(v && len == 27);
    CHECK_EQ(v[0], len - 2);
    CHECK_EQ(v[24] & 0xc0, 0x40);
    CHECK_EQ(v[26] & 0x40, 0x40);
    CHECK_EQ(v[23], 0);
}

/* bootargs (CMDLINE_FROM_BOOTLOADER), initrd (early_init_dt_check_for_initrd reads any cell
 * count), stdout-path to the vty (hvc_vio_init_early: name "vty", reg, compatible hvterm1). */
static void chosen_boot(void)
{
    struct papr_config cfg;
    int len;
    uint32_t v;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    CHECK_EQ(prop_str("/chosen", "bootargs", "console=hvc0 rdinit=/init"), 0);
    const fdt64_t *s = prop("/chosen", "linux,initrd-start", &len);
    CHECK(s && len == 8 && fdt64_ld(s) == 48 * MiB);
    const fdt64_t *e = prop("/chosen", "linux,initrd-end", &len);
    CHECK(e && len == 8 && fdt64_ld(e) == 53 * MiB + 123);
    const char *path = prop("/chosen", "stdout-path", &len);
    CHECK(path);
    CHECK_EQ(prop_str("/chosen", "linux,stdout-path", path), 0);
    int vty = fdt_path_offset(blob, path);
    CHECK(vty >= 0);
    CHECK_EQ(strncmp(fdt_get_name(blob, vty, NULL), "vty", 3), 0);
    CHECK_EQ(fdt_node_check_compatible(blob, vty, "hvterm1"), 0);
    CHECK_EQ(prop_str(path, "device_type", "serial"), 0);
    CHECK(prop_u32(path, "reg", &v) == 0 && v == PAPR_VTY_REG);
    CHECK_EQ(prop_str("/vdevice", "device_type", "vdevice"), 0);
    CHECK_EQ(prop_str("/vdevice", "compatible", "IBM,vdevice"), 0);
    CHECK(prop_u32("/vdevice", "#address-cells", &v) == 0 && v == 1);
}

/* early_init_dt_scan_rtas and rtas_initialize read base, entry and size; rtas_token() the
 * service properties; fw_feature_init the function sets; ics_rtas_init needs get/set-xive. */
static void rtas_node(void)
{
    struct papr_config cfg;
    uint32_t v;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    CHECK(prop_u32("/rtas", "linux,rtas-base", &v) == 0 && v == cfg.rtas_base);
    CHECK(prop_u32("/rtas", "linux,rtas-entry", &v) == 0 && v == cfg.rtas_base);
    CHECK(prop_u32("/rtas", "rtas-size", &v) == 0 && v == PAPR_RTAS_SIZE);
    CHECK(has_string("/rtas", "ibm,hypertas-functions", "hcall-splpar"));
    CHECK(has_string("/rtas", "ibm,hypertas-functions", "hcall-set-mode"));
    CHECK(has_string("/rtas", "ibm,hypertas-functions", "hcall-term"));
    CHECK(has_string("/rtas", "ibm,hypertas-functions", "hcall-interrupt"));
    CHECK(!has_string("/rtas", "ibm,hypertas-functions", "hcall-vphn"));
    CHECK(!has_string("/rtas", "ibm,hypertas-functions", "hcall-pft"));
    CHECK(!has_string("/rtas", "ibm,hypertas-functions", "hcall-tce"));
    CHECK(!has_string("/rtas", "ibm,hypertas-functions", "hcall-debug"));
    CHECK(prop("/rtas", "ibm,extended-os-term", NULL) != NULL);
    for (size_t i = 0; i < papr_rtas_service_count; i++) {
        CHECK(prop_u32("/rtas", papr_rtas_services[i].name, &v) == 0);
        CHECK_EQ(v, papr_rtas_services[i].token);
    }
    CHECK(prop_u32("/rtas", "ibm,get-xive", &v) == 0);
    CHECK(prop_u32("/rtas", "ibm,set-xive", &v) == 0);
    CHECK(prop_u32("/rtas", "start-cpu", &v) == 0);
}

/* icp_hv_init: compatible "ibm,ppc-xicp" (case-insensitive in Linux) or the device_type. */
static void xics_node(void)
{
    struct papr_config cfg;
    uint32_t v;
    int len;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    const char *ic = "/interrupt-controller";
    CHECK_EQ(prop_str(ic, "device_type", "PowerPC-External-Interrupt-Presentation"), 0);
    CHECK_EQ(prop_str(ic, "compatible", "IBM,ppc-xicp"), 0);
    CHECK(prop(ic, "interrupt-controller", &len) && len == 0);
    const fdt32_t *r = prop(ic, "ibm,interrupt-server-ranges", &len);
    CHECK(r && len == 8 && fdt32_to_cpu(r[0]) == 0 && fdt32_to_cpu(r[1]) == 2);
    CHECK(prop_u32(ic, "#interrupt-cells", &v) == 0 && v == 2);
    CHECK(fdt_get_phandle(blob, fdt_path_offset(blob, ic)) != 0);
}

static void reserve_map(void)
{
    struct papr_config cfg;
    uint64_t a, s;
    config_2cpu(&cfg);
    CHECK_EQ(build(&cfg), 0);
    CHECK_EQ(fdt_num_mem_rsv(blob), 2);
    CHECK_EQ(fdt_get_mem_rsv(blob, 0, &a, &s), 0);
    CHECK(a == cfg.rtas_base && s == PAPR_RTAS_SIZE);
    CHECK_EQ(fdt_get_mem_rsv(blob, 1, &a, &s), 0);
    CHECK(a == cfg.initrd_start && s == cfg.initrd_bytes);
    /* Without an initrd: no initrd properties, one reservation. */
    cfg.initrd_bytes = 0;
    CHECK_EQ(build(&cfg), 0);
    CHECK_EQ(fdt_num_mem_rsv(blob), 1);
    CHECK(prop("/chosen", "linux,initrd-start", NULL) == NULL);
}

static void layout_defaults(void)
{
    struct papr_config cfg;
    papr_config_defaults(&cfg, 8ull << 30, 1);
    /* Memory above 4 GiB: RTAS stays under it, the FDT right below RTAS. */
    CHECK_EQ(cfg.rtas_base, (4ull << 30) - PAPR_RTAS_SIZE);
    CHECK_EQ(cfg.fdt_base, cfg.rtas_base - PAPR_FDT_MAX);
    papr_config_defaults(&cfg, 256 * MiB, 1);
    CHECK_EQ(cfg.rtas_base + PAPR_RTAS_SIZE, 256 * MiB);
    cfg.cmdline = "";
    CHECK_EQ(papr_config_check(&cfg, why, sizeof why), PAPR_CONFIG_OK);
}

static void eight_vcpus(void)
{
    struct papr_config cfg;
    char path[64];
    int len;
    config_2cpu(&cfg);
    cfg.vcpus = PAPR_MAX_VCPUS;
    CHECK_EQ(build(&cfg), 0);
    for (unsigned i = 0; i < PAPR_MAX_VCPUS; i++) {
        snprintf(path, sizeof path, "/cpus/PowerPC,POWER9@%x", i);
        CHECK(fdt_path_offset(blob, path) >= 0);
    }
    const fdt32_t *r = prop("/interrupt-controller", "ibm,interrupt-server-ranges", &len);
    CHECK(r && fdt32_to_cpu(r[1]) == PAPR_MAX_VCPUS);
}

/* Each refused configuration: its error, a sentence, and no tree. */
static int refused(const struct papr_config *cfg, enum papr_config_error want, const char *word)
{
    enum papr_config_error got = papr_config_check(cfg, why, sizeof why);
    if (got != want) {
        check_fail(__FILE__, __LINE__, "error %d, want %d (%s): %s", got, want, word, why);
        return -1;
    }
    CHECK_R(strstr(why, word) != NULL);
    CHECK_R(build(cfg) == -FDT_ERR_BADVALUE);
    CHECK_R(strstr(why, word) != NULL);
    CHECK_R(fdt_magic(blob) != FDT_MAGIC);
    return 0;
}

static void config_errors(void)
{
    static char long_line[PAPR_CMDLINE_MAX + 2];
    struct papr_config cfg;
    config_2cpu(&cfg);
    cfg.vcpus = PAPR_MAX_VCPUS + 1;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_TOO_MANY_VCPUS, "vCPUs"), 0);
    cfg.vcpus = 0;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_NO_VCPUS, "vCPU"), 0);
    config_2cpu(&cfg);
    cfg.memory_bytes += 4096;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_MEMORY_UNALIGNED, "multiple"), 0);
    cfg.memory_bytes = 32 * MiB;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_MEMORY_TOO_SMALL, "at least"), 0);
    cfg.memory_bytes = 128ull << 30;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_MEMORY_TOO_LARGE, "at most"), 0);
    config_2cpu(&cfg);
    memset(long_line, 'x', PAPR_CMDLINE_MAX + 1);
    cfg.cmdline = long_line;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_CMDLINE_TOO_LONG, "command line"), 0);
    long_line[PAPR_CMDLINE_MAX] = 0;        /* exactly the limit is accepted */
    CHECK_EQ(build(&cfg), 0);
    cfg.cmdline = NULL;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_NO_CMDLINE, "command line"), 0);
    config_2cpu(&cfg);
    cfg.kernel_bytes = 300 * MiB;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_KERNEL_OUTSIDE_MEMORY, "kernel"), 0);
    config_2cpu(&cfg);
    cfg.initrd_start = 255 * MiB;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_INITRD_OUTSIDE_MEMORY, "initrd"), 0);
    cfg.initrd_start = UINT64_MAX - 4096;    /* wraps */
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_INITRD_OUTSIDE_MEMORY, "initrd"), 0);
    config_2cpu(&cfg);
    cfg.initrd_start = 16 * MiB;             /* inside the kernel image */
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_OVERLAP, "overlap"), 0);
    config_2cpu(&cfg);
    cfg.initrd_start = cfg.fdt_base - MiB;   /* runs into the FDT */
    cfg.initrd_bytes = MiB + 4096;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_OVERLAP, "overlap"), 0);
    config_2cpu(&cfg);
    cfg.fdt_base = cfg.rtas_base;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_OVERLAP, "overlap"), 0);
    cfg.fdt_base = 100 * MiB + 4;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_FDT_MISPLACED, "aligned"), 0);
    config_2cpu(&cfg);
    cfg.rtas_base += 8;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_RTAS_MISPLACED, "RTAS"), 0);
    papr_config_defaults(&cfg, 8ull << 30, 1);
    cfg.cmdline = "";
    cfg.rtas_base = 6ull << 30;              /* in memory, but above 4 GiB */
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_RTAS_MISPLACED, "below"), 0);
    config_2cpu(&cfg);
    cfg.timebase_hz = 0;
    CHECK_EQ(refused(&cfg, PAPR_CONFIG_BAD_FREQUENCY, "timebase"), 0);
}

static void buffer_too_small(void)
{
    struct papr_config cfg;
    static uint8_t small[512];
    config_2cpu(&cfg);
    CHECK_EQ(papr_fdt_build(&cfg, small, sizeof small, why, sizeof why), -FDT_ERR_NOSPACE);
    CHECK(strstr(why, "device tree") != NULL);
}

static void rtas_blob(void)
{
    static const uint8_t want[PAPR_RTAS_BLOB_BYTES] = {
        0x7c, 0x64, 0x1b, 0x78, 0x3c, 0x60, 0x00, 0x00, 0x60, 0x63, 0xf0, 0x00,
        0x44, 0x00, 0x00, 0x22, 0x4e, 0x80, 0x00, 0x20};
    uint8_t got[PAPR_RTAS_BLOB_BYTES];
    papr_rtas_blob(got);
    CHECK_EQ(memcmp(got, want, sizeof want), 0);
    /* The ori's immediate is H_RTAS. */
    CHECK_EQ((got[10] << 8 | got[11]), H_RTAS);
}

int main(int argc, char **argv)
{
    RUN("fdt_valid_tree", tree_is_valid);
    RUN("fdt_root_chrp", root_is_chrp);
    RUN("fdt_memory", memory_node);
    RUN("fdt_cpu_nodes", cpu_nodes);
    RUN("fdt_pa_features", pa_features);
    RUN("fdt_radix_page_sizes", radix_page_sizes);
    RUN("fdt_chosen_vec5_radix_gtse_xics", chosen_vec5);
    RUN("fdt_chosen_bootargs_initrd_console", chosen_boot);
    RUN("fdt_rtas_node", rtas_node);
    RUN("fdt_xics_node", xics_node);
    RUN("fdt_reserve_map", reserve_map);
    RUN("fdt_layout_defaults", layout_defaults);
    RUN("fdt_eight_vcpus", eight_vcpus);
    RUN("fdt_config_errors", config_errors);
    RUN("fdt_buffer_too_small", buffer_too_small);
    RUN("rtas_blob", rtas_blob);
    if (argc > 1) {
        struct papr_config cfg;
        FILE *f = fopen(argv[1], "wb");
        config_2cpu(&cfg);
        if (!f || build(&cfg) || fwrite(blob, 1, fdt_totalsize(blob), f) != fdt_totalsize(blob)) {
            perror(argv[1]);
            return 2;
        }
        fclose(f);
    }
    return check_summary();
}
