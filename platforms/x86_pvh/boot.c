/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * x86 boot after entry.S: check the PVH start info (Xen's public arch-x86/hvm/start_info.h,
 * version 1 with the memory map), validate every memory-map entry, set up the CPU (FPU,
 * SMEP/SMAP, global pages), paging, traps and interrupts, and describe memory to the core.
 */
#include "x86.h"
#include <bulkhead/layout.h>
#include <xen/arch-x86/hvm/start_info.h>

#define MEMMAP_MAX_ENTRIES 128u
#define LOW_DEVICE_END (4ull << 30)

extern char kernel_image_start_phys[], kernel_image_end_phys[];
NORETURN void x86_boot(uint32_t start_info);

static struct boot_config bc;
/* Every region the firmware described, whatever its type (for the device gaps). */
static struct boot_region described[MEMMAP_MAX_ENTRIES + ARRAY_SIZE(bc.kept) + 1];
static word_t ndescribed;

static void describe(paddr_t s, paddr_t e)
{
    if (ndescribed < ARRAY_SIZE(described)) described[ndescribed++] = (struct boot_region){s, e};
}

static bool overlaps_ram(paddr_t s, paddr_t e)
{
    for (word_t i = 0; i < bc.nram; i++)
        if (s < bc.ram[i].end && bc.ram[i].start < e) return true;
    return false;
}

/* Returns false (with a message) for an entry that must be ignored. */
static bool entry_valid(word_t i, const struct hvm_memmap_table_entry *m)
{
    const char *why = NULL;
    if (m->size == 0) why = "zero size";
    else if (m->addr + m->size < m->addr) why = "wraps around";
    else if (m->addr + m->size > X86_PHYS_ADDR_LIMIT) why = "beyond the 52-bit physical limit";
    else if (m->type == 0 || m->type > XEN_HVM_MEMMAP_TYPE_UNUSABLE) why = "unknown type";
    else if (m->type == XEN_HVM_MEMMAP_TYPE_RAM && overlaps_ram(m->addr, m->addr + m->size)) why = "overlaps other RAM";
    if (!why) return true;
    kprintf("[kernel] memory map entry %lu (%lx+%lx type %u) ignored: %s\n", i, m->addr, m->size, m->type, why);
    return false;
}

static paddr_t read_memory_map(const struct hvm_start_info *si)
{
    if (si->memmap_entries == 0 || si->memmap_entries > MEMMAP_MAX_ENTRIES || si->memmap_paddr == 0)
        panic("PVH start info: memory map missing or too long");
    const struct hvm_memmap_table_entry *map = paddr_to_ptr(si->memmap_paddr);
    paddr_t max = 0;
    for (word_t i = 0; i < si->memmap_entries; i++) {
        if (!entry_valid(i, &map[i])) continue;
        paddr_t s = map[i].addr, e = map[i].addr + map[i].size;
        describe(s, e);
        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM) continue;
        if (bc.nram == ARRAY_SIZE(bc.ram)) {
            kprintf("[kernel] memory map entry %lu ignored: too many RAM regions\n", i);
            continue;
        }
        bc.ram[bc.nram++] = (struct boot_region){s, e};
        if (e > max) max = e;
    }
    if (bc.nram == 0) panic("PVH start info: no RAM in the memory map");
    return max;
}

static void reserve(paddr_t s, paddr_t e)
{
    if (bc.nreserved < ARRAY_SIZE(bc.reserved)) bc.reserved[bc.nreserved++] = (struct boot_region){s, e};
}

static void read_module(const struct hvm_start_info *si)
{
    if (si->nr_modules < 1 || si->modlist_paddr == 0) panic("no boot module: pass the boot archive with -initrd");
    const struct hvm_modlist_entry *m = paddr_to_ptr(si->modlist_paddr);
    if (m->size == 0 || m->paddr + m->size < m->paddr || !overlaps_ram(m->paddr, m->paddr + m->size))
        panic("boot module is empty or outside RAM");
    bc.module_start = m->paddr;
    bc.module_end = m->paddr + m->size;
    reserve(bc.module_start, bc.module_end);
}

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if ((s[n] == '\0' || s[n] == ' ') && memcmp(s, w, n) == 0) return true;
    return false;
}

void x86_keep_device(struct boot_config *c, paddr_t start, paddr_t end, word_t kind)
{
    start &= ~MASK(PAGE_BITS);
    end = (end + MASK(PAGE_BITS)) & ~MASK(PAGE_BITS);
    for (word_t i = 0; i < c->nkept; i++)
        if (c->kept[i].start == start && c->kept[i].end == end && c->kept[i].kind == kind) return;
    if (c->nkept == ARRAY_SIZE(c->kept)) panic("too many interrupt controllers and IOMMUs to keep");
    c->kept[c->nkept++] = (struct kernel_device){start, end, kind};
    /* A firmware table lies where the firmware put it, which a memory map may call RAM. */
    if (kind == BH_KERNEL_DEVICE_IOMMU_TABLE) reserve(start, end);
}

/* What the kernel drives itself: the local APIC where APIC_BASE puts it and where the kernel
 * addresses it, the MSI window, the I/O APIC it programs, and whatever the firmware's MADT
 * and DMAR describe. A holder of any of them could mask the tick or redirect interrupts. */
static void keep_interrupt_controllers(const struct hvm_start_info *si, paddr_t mapped_end)
{
    paddr_t apic_base = rdmsr(MSR_APIC_BASE) & (X86_PHYS_ADDR_LIMIT - 1) & ~MASK(PAGE_BITS);
    x86_keep_device(&bc, apic_base, apic_base + BIT(PAGE_BITS), BH_KERNEL_DEVICE_LOCAL_APIC);
    x86_keep_device(&bc, LAPIC_PADDR, LAPIC_PADDR + BIT(PAGE_BITS), BH_KERNEL_DEVICE_LOCAL_APIC);
    x86_keep_device(&bc, MSI_WINDOW_START, MSI_WINDOW_END, BH_KERNEL_DEVICE_MSI_WINDOW);
    x86_keep_device(&bc, IOAPIC_PADDR, IOAPIC_PADDR + BIT(PAGE_BITS), BH_KERNEL_DEVICE_IO_APIC);
    x86_acpi_find_devices(si->rsdp_paddr, mapped_end, &bc);
    kprintf("[kernel] kept from device memory:");
    for (word_t i = 0; i < bc.nkept; i++) {
        const char *name = bh_kernel_device_name(bc.kept[i].kind);
        kprintf(" %s %lx..%lx", name ? name : "device", bc.kept[i].start, bc.kept[i].end);
    }
    kprintf("\n");
}

/* Device untyped: the low 4 GiB that no firmware entry describes, less what the kernel keeps. */
static void find_device_regions(void)
{
    for (word_t i = 0; i < bc.nkept; i++) describe(bc.kept[i].start, bc.kept[i].end);
    if (ndescribed == ARRAY_SIZE(described)) panic("too many memory regions to find device memory safely");
    paddr_t pos = 0x100000;
    while (pos < LOW_DEVICE_END && bc.ndevice < ARRAY_SIZE(bc.device)) {
        paddr_t next = LOW_DEVICE_END;
        bool covered = false;
        for (word_t i = 0; i < ndescribed; i++) {
            if (described[i].start <= pos && pos < described[i].end) {
                pos = described[i].end;
                covered = true;
                break;
            }
            if (described[i].start > pos && described[i].start < next) next = described[i].start;
        }
        if (covered) continue;
        paddr_t s = (pos + MASK(PAGE_BITS)) & ~MASK(PAGE_BITS), e = next & ~MASK(PAGE_BITS);
        if (s < e) bc.device[bc.ndevice++] = (struct boot_region){s, e};
        pos = next;
    }
}

static void init_cpu_features(void)
{
    uint32_t r[4];
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1ull << 2)) | (1ull << 1) | (1ull << 5) | (1ull << 16); /* !EM, MP, NE, WP */
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1ull << 9) | (1ull << 10) | (1ull << 7); /* OSFXSR, OSXMMEXCPT, PGE */
    cpuid(7, 0, r);
    if (r[1] & (1u << 7)) cr4 |= 1ull << 20;  /* SMEP */
    if (r[1] & (1u << 20)) cr4 |= 1ull << 21; /* SMAP */
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
    __asm__ volatile("fninit");
    x86_fpu_init();
}

void x86_boot(uint32_t start_info)
{
    x86_serial_init();
    kprintf("\n[kernel] Bulkhead kernel (x86_64, PVH), ABI %u\n", ABI_VERSION);
    const struct hvm_start_info *si = paddr_to_ptr(start_info);
    if (si->magic != XEN_HVM_START_MAGIC_VALUE) panic("PVH start info: bad magic");
    if (si->version < 1) panic("PVH start info: version 0 has no memory map");
    if (si->cmdline_paddr) debug_errors = has_word(paddr_to_ptr(si->cmdline_paddr), "debug_errors");
    paddr_t max_ram = read_memory_map(si);
    read_module(si);
    reserve(0, 0x100000);
    reserve((paddr_t)kernel_image_start_phys, (paddr_t)kernel_image_end_phys);
    init_cpu_features();
    x86_mitigations_init(si->cmdline_paddr ? paddr_to_ptr(si->cmdline_paddr) : "");
    x86_init_kernel_paging(max_ram);
    keep_interrupt_controllers(si, max_ram > LOW_DEVICE_END ? max_ram : LOW_DEVICE_END);
    find_device_regions();
    x86_init_cpu_tables();
    x86_init_interrupts();
    x86_vtd_init();
    x86_virt_init();
    x86_set_kernel_entry_stack((uint64_t)&x86_idle_frame_bottom.fs_base);
    kernel_boot(&bc);
}
