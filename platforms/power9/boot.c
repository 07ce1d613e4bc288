/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 boot after entry.S: OPAL console, the flattened device tree (read with libfdt:
 * memory nodes, the reserve map and /reserved-memory, /chosen's initrd range and bootargs,
 * the CPUs and the timebase frequency, PCIe memory windows as device memory), the exception
 * vectors, LPCR, the radix MMU, the decrementer and what problem state may use
 * (facilities.c); then the portable core's kernel_boot.
 */
#include "power9.h"
#include <libfdt.h>

/* The vectors (0..0x2000), their relocated copies (0x4000..0x5000) and the scv vectors
 * (0x17000 + LEV * 0x20, used only if FSCR[SCV] were set: facilities.c) stay the kernel's. */
#define LOW_VECTOR_AREA 0x18000ul
/* Where hypervisor interrupts from a radix guest with AIL = 3 arrive (entry.S). */
#define RELOCATED_VECTORS 0x4000ul

extern char kernel_image_start[], kernel_image_end[];
uint64_t p9_timebase_hz;

static struct boot_config bc;
static bool bench_counters;

static bool overlaps_ram(paddr_t s, paddr_t e)
{
    for (word_t i = 0; i < bc.nram; i++)
        if (s < bc.ram[i].end && bc.ram[i].start < e) return true;
    return false;
}

/* Firmware lists its ranges twice (reserve map and /reserved-memory): merge overlapping and
 * adjacent ranges, and drop those outside RAM (the core only frees RAM). */
static void reserve(paddr_t s, paddr_t e)
{
    if (s >= e || !overlaps_ram(s, e)) return;
    for (word_t i = 0; i < bc.nreserved; i++) {
        struct boot_region *r = &bc.reserved[i];
        if (s <= r->end && r->start <= e) {
            if (s < r->start) r->start = s;
            if (e > r->end) r->end = e;
            return;
        }
    }
    if (bc.nreserved < ARRAY_SIZE(bc.reserved)) bc.reserved[bc.nreserved++] = (struct boot_region){s, e};
    else kprintf("[kernel] too many reserved ranges: %lx..%lx ignored (not freed either)\n", s, e);
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells; i++) v = (v << 32) | fdt32_to_cpu(p[i]);
    return v;
}

static int root_cells(const void *fdt, const char *name, int dflt)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, 0, name, &len);
    return p && len == 4 ? (int)fdt32_to_cpu(*p) : dflt;
}

/* Calls fn for each (address, size) pair of a node's reg property. */
static void for_each_reg(const void *fdt, int node, int ac, int sc, void (*fn)(uint64_t, uint64_t))
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);
    if (!p || ac < 1 || ac > 2 || sc < 1 || sc > 2) return;
    int n = len / (int)sizeof(fdt32_t) / (ac + sc);
    for (int i = 0; i < n; i++, p += ac + sc) fn(read_cells(p, ac), read_cells(p + ac, sc));
}

static void add_ram(uint64_t base, uint64_t size)
{
    if (size == 0 || base + size < base) return;
    if (bc.nram == ARRAY_SIZE(bc.ram)) {
        kprintf("[kernel] memory %lx+%lx ignored: too many RAM regions\n", base, size);
        return;
    }
    bc.ram[bc.nram++] = (struct boot_region){base, base + size};
}

static void add_reserved(uint64_t base, uint64_t size)
{
    if (size) reserve(base, base + size);
}

static void read_memory(const void *fdt)
{
    int ac = root_cells(fdt, "#address-cells", 2), sc = root_cells(fdt, "#size-cells", 1);
    for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        if (type && strcmp(type, "memory") == 0) for_each_reg(fdt, node, ac, sc, add_ram);
    }
    if (bc.nram == 0) panic("device tree: no memory node");
    int n = fdt_num_mem_rsv(fdt);
    for (int i = 0; i < n; i++) {
        uint64_t a, s;
        if (fdt_get_mem_rsv(fdt, i, &a, &s) == 0) add_reserved(a, s);
    }
    int rm = fdt_path_offset(fdt, "/reserved-memory");
    if (rm >= 0) {
        int rac = 2, rsc = 2, len;
        const fdt32_t *p = fdt_getprop(fdt, rm, "#address-cells", &len);
        if (p && len == 4) rac = (int)fdt32_to_cpu(*p);
        p = fdt_getprop(fdt, rm, "#size-cells", &len);
        if (p && len == 4) rsc = (int)fdt32_to_cpu(*p);
        for (int c = fdt_first_subnode(fdt, rm); c >= 0; c = fdt_next_subnode(fdt, c)) for_each_reg(fdt, c, rac, rsc, add_reserved);
    }
}

/* Device memory from the device tree: the MMIO windows of the PCIe host bridges (PHB4
 * "ranges" entries of the 32-bit and 64-bit memory spaces: 3 child cells, the parent's
 * address cells, 2 size cells). OPAL reaches a PHB through its registers ("reg"), never
 * through these windows. Everything else the tree describes (LPC/OPB windows, PSI, XIVE
 * management pages, the TIMA) is OPAL's or the kernel's and is not handed out. */
static void add_device(uint64_t base, uint64_t size)
{
    if (size == 0 || base + size < base || overlaps_ram(base, base + size)) return;
    if (bc.ndevice < ARRAY_SIZE(bc.device)) bc.device[bc.ndevice++] = (struct boot_region){base, base + size};
}

static void read_pci_windows(const void *fdt)
{
    for (int node = fdt_node_offset_by_compatible(fdt, -1, "ibm,power9-pciex"); node >= 0;
         node = fdt_node_offset_by_compatible(fdt, node, "ibm,power9-pciex")) {
        int len, pac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
        const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
        int cells = 3 + pac + 2;
        if (!r || pac < 1 || pac > 2) continue;
        for (int i = 0; i + cells <= len / 4; i += cells) {
            uint32_t space = (fdt32_to_cpu(r[i]) >> 24) & 3u;
            if (space == 2 || space == 3) add_device(read_cells(r + i + 3, pac), read_cells(r + i + 3 + pac, 2));
        }
    }
}

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if ((s[n] == '\0' || s[n] == ' ') && memcmp(s, w, n) == 0) return true;
    return false;
}

static uint64_t prop_u(const void *fdt, int node, const char *name)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    if (!p || (len != 4 && len != 8)) return 0;
    return read_cells(p, len / 4);
}

static void read_chosen(const void *fdt)
{
    int ch = fdt_path_offset(fdt, "/chosen");
    if (ch < 0) panic("device tree: no /chosen");
    const char *args = fdt_getprop(fdt, ch, "bootargs", NULL);
    if (args) {
        kprintf("[kernel] bootargs: %s\n", args);
        debug_errors = has_word(args, "debug_errors");
        bench_counters = has_word(args, "bench_counters");
    }
    uint64_t s = prop_u(fdt, ch, "linux,initrd-start"), e = prop_u(fdt, ch, "linux,initrd-end");
    if (s == 0 || e <= s) panic("no boot module: pass the boot archive with -initrd");
    bc.module_start = s;
    bc.module_end = e;
    reserve(s, e);
}

static void read_cpus(const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    unsigned n = 0;
    if (cpus < 0) panic("device tree: no /cpus");
    p9_timebase_hz = prop_u(fdt, cpus, "timebase-frequency");
    for (int c = fdt_first_subnode(fdt, cpus); c >= 0; c = fdt_next_subnode(fdt, c)) {
        const char *type = fdt_getprop(fdt, c, "device_type", NULL);
        if (!type || strcmp(type, "cpu") != 0) continue;
        if (!p9_timebase_hz) p9_timebase_hz = prop_u(fdt, c, "timebase-frequency");
        n++;
    }
    if (!p9_timebase_hz) {
        kprintf("[kernel] no timebase-frequency: assuming 512 MHz\n");
        p9_timebase_hz = 512000000;
    }
    kprintf("[kernel] %u CPU(s) (the kernel uses the boot CPU), timebase %lu Hz\n", n, p9_timebase_hz);
}

static void install_vectors(void)
{
    size_t n = (size_t)(p9_vectors_end - p9_vectors_start);
    size_t r = (size_t)(p9_reloc_vectors_end - p9_reloc_vectors_start);
    memcpy(paddr_to_ptr(0), p9_vectors_start, n);
    memcpy(paddr_to_ptr(RELOCATED_VECTORS), p9_reloc_vectors_start, r);
    for (uint64_t a = RELOCATED_VECTORS; a < RELOCATED_VECTORS + r; a += 32)
        __asm__ volatile("dcbst 0, %0; sync; icbi 0, %0" ::"r"(a) : "memory");
    uint64_t toc;
    __asm__ volatile("mr %0, 2" : "=r"(toc));
    *(volatile uint64_t *)paddr_to_ptr(SLOT_STACK) = (uint64_t)(uintptr_t)p9_kernel_stack_top - 64;
    *(volatile uint64_t *)paddr_to_ptr(SLOT_TOC) = toc;
    *(volatile uint64_t *)paddr_to_ptr(SLOT_R13) = p9_kernel_r13;
    *(volatile uint64_t *)paddr_to_ptr(SLOT_HANDLER) = (uint64_t)(uintptr_t)p9_handle_trap;
    for (uint64_t a = 0; a < n; a += 32) __asm__ volatile("dcbst 0, %0; sync; icbi 0, %0" ::"r"(a) : "memory");
    __asm__ volatile("sync; isync" ::: "memory");
}

static void print_memory_map(void)
{
    for (word_t i = 0; i < bc.nram; i++)
        kprintf("[kernel] RAM      %016lx..%016lx (%lu MiB)\n", bc.ram[i].start, bc.ram[i].end,
                (bc.ram[i].end - bc.ram[i].start) >> 20);
    for (word_t i = 0; i < bc.nreserved; i++)
        kprintf("[kernel] reserved %016lx..%016lx\n", bc.reserved[i].start, bc.reserved[i].end);
    kprintf("[kernel] boot module %016lx..%016lx\n", bc.module_start, bc.module_end);
}

static void print_device_memory(void)
{
    for (word_t i = 0; i < bc.ndevice; i++)
        kprintf("[kernel] device   %016lx..%016lx\n", bc.device[i].start, bc.device[i].end);
}

void p9_boot(void *fdt, uint64_t opal_base, uint64_t opal_entry)
{
    p9_opal_base = opal_base;
    p9_opal_entry = opal_entry;
    kprintf("\n[kernel] Bulkhead kernel (POWER9, ppc64le, OPAL), ABI %u\n", ABI_VERSION);
    /* Hypervisor interrupts arrive little-endian; the MMU is radix. */
    int64_t rc = p9_opal_call(OPAL_REINIT_CPUS, OPAL_REINIT_CPUS_HILE_LE | OPAL_REINIT_CPUS_MMU_RADIX, 0, 0, 0, 0, 0, 0);
    if (rc != OPAL_SUCCESS) rc = p9_opal_call(OPAL_REINIT_CPUS, OPAL_REINIT_CPUS_HILE_LE, 0, 0, 0, 0, 0, 0);
    if (rc != OPAL_SUCCESS) panic("OPAL_REINIT_CPUS: cannot make interrupts little-endian");
    if (fdt_check_header(fdt) != 0) panic("r3 does not point to a flattened device tree");
    read_memory(fdt);
    read_chosen(fdt);
    read_cpus(fdt);
    p9_lpc_init(fdt);
    reserve(0, LOW_VECTOR_AREA);
    reserve((paddr_t)(uintptr_t)kernel_image_start, (paddr_t)(uintptr_t)kernel_image_end);
    reserve((paddr_t)(uintptr_t)fdt, (paddr_t)(uintptr_t)fdt + fdt_totalsize(fdt));
    print_memory_map();
    install_vectors();
    uint64_t lpcr = mfspr(SPRN_LPCR);
    lpcr = (lpcr | LPCR_HR | LPCR_UPRT) & ~(LPCR_AIL | LPCR_HDICE | LPCR_LD);
    mtspr(SPRN_LPCR, lpcr);
    __asm__ volatile("isync" ::: "memory");
    p9_xive_init(fdt, &bc);
    read_pci_windows(fdt);
    print_device_memory();
    p9_init_mmu();
    p9_init_timer();
    p9_init_problem_state(bench_counters);
    kernel_boot(&bc);
}
