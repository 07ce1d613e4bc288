/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * 4-level paging (AMD64 APM vol. 2, 5.3). The kernel half (PML4 entries 256..511) is the
 * same in every address space: the physical window at PHYS_WINDOW (2 MiB pages, the low
 * 4 GiB and all RAM) and the kernel image at KERNEL_VIRT; global, so CR3 switches keep them.
 * User tables come from PageTable objects; the leaf rights come from the mapping.
 * Levels, counted as the core sees them: 3 = PDPT, 2 = PD, 1 = PT.
 */
#include "x86.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define PTE_G 0x100ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PHYS_WINDOW_GIB 64u

typedef uint64_t pte_t;

static pte_t kernel_pml4[512] __attribute__((aligned(4096)));
static pte_t phys_pdpt[512] __attribute__((aligned(4096)));
static pte_t phys_pd[PHYS_WINDOW_GIB][512] __attribute__((aligned(4096)));
static pte_t image_pdpt[512] __attribute__((aligned(4096)));
static pte_t image_pd[512] __attribute__((aligned(4096)));

/* Kernel-image pointers are not in the physical window. */
static paddr_t image_paddr(const void *p)
{
    return (uint64_t)p - KERNEL_VIRT;
}

void x86_load_cr3(paddr_t root)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(root) : "memory");
}

void x86_init_kernel_paging(paddr_t max_ram)
{
    uint64_t gib = (max_ram + (1ull << 30) - 1) >> 30;
    if (gib < 4) gib = 4;
    if (gib > PHYS_WINDOW_GIB) {
        kprintf("[kernel] RAM above %u GiB is not used\n", PHYS_WINDOW_GIB);
        gib = PHYS_WINDOW_GIB;
    }
    for (uint64_t g = 0; g < gib; g++) {
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t pa = (g << 30) | (i << 21);
            /* 3..4 GiB holds the local APIC, I/O APIC and PCI holes: uncached. */
            uint64_t cache = (g == 3) ? PTE_PCD | PTE_PWT : 0;
            phys_pd[g][i] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | cache;
        }
        phys_pdpt[g] = image_paddr(phys_pd[g]) | PTE_P | PTE_W;
    }
    for (uint64_t i = 0; i < 512; i++) image_pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS | PTE_G;
    image_pdpt[510] = image_paddr(image_pd) | PTE_P | PTE_W;
    kernel_pml4[256] = image_paddr(phys_pdpt) | PTE_P | PTE_W;
    kernel_pml4[511] = image_paddr(image_pdpt) | PTE_P | PTE_W;
    x86_load_cr3(image_paddr(kernel_pml4));
}

void *plat_kernel_vspace(void)
{
    return kernel_pml4;
}

void plat_vspace_init(void *vspace_root)
{
    pte_t *root = vspace_root;
    for (unsigned i = 256; i < 512; i++) root[i] = kernel_pml4[i];
}

static unsigned index_at(vaddr_t va, unsigned level)
{
    return (unsigned)((va >> (12 + 9 * level)) & 511u);
}

static pte_t *table_of(pte_t e)
{
    return paddr_to_ptr(e & PTE_ADDR);
}

/* Pointer to the entry for va at `level` (0 = PT entry .. 3 = PML4 entry), or NULL with
 * *missing set to the level of the first table that is not there. */
static pte_t *walk(void *vspace_root, vaddr_t va, unsigned level, int *missing)
{
    pte_t *t = vspace_root;
    for (unsigned l = 3; l > level; l--) {
        pte_t e = t[index_at(va, l)];
        if (!(e & PTE_P)) {
            *missing = (int)l;
            return NULL;
        }
        if (e & PTE_PS) {
            *missing = -1;
            return NULL;
        }
        t = table_of(e);
    }
    return &t[index_at(va, level)];
}

/* Installs a leaf entry built by the caller (host format, or EPT's: bit 0 is present/readable
 * in both). Returns 0, the level of the first missing table, or -1 when taken. */
int x86_map_leaf(void *root, vaddr_t vaddr, unsigned size_bits, uint64_t entry)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing = 0;
    pte_t *e = walk(root, vaddr, level, &missing);
    if (!e) return missing;
    if (*e & PTE_P) return -1;
    *e = entry;
    return 0;
}

int plat_map_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    pte_t v = paddr | PTE_P | PTE_U;
    if (rights & RIGHT_WRITE) v |= PTE_W;
    if (attributes & 1u) v |= PTE_NX;
    if (attributes & 2u) v |= PTE_PCD | PTE_PWT;
    if (level == 1) v |= PTE_PS;
    return x86_map_leaf(vspace_root, vaddr, size_bits, v);
}

void plat_unmap_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (e && (*e & PTE_P) && (*e & PTE_ADDR) == paddr && ((*e & PTE_PS) != 0) == (level == 1)) *e = 0;
}

int plat_map_table(void *vspace_root, vaddr_t vaddr, paddr_t table)
{
    pte_t *t = vspace_root;
    for (unsigned l = 3; l >= 1; l--) {
        pte_t *e = &t[index_at(vaddr, l)];
        if (!(*e & PTE_P)) {
            *e = table | PTE_P | PTE_W | PTE_U;
            return (int)l;
        }
        if (*e & PTE_PS) return -1;
        t = table_of(*e);
    }
    return -1;
}

void plat_unmap_table(void *vspace_root, vaddr_t vaddr, unsigned level, paddr_t table)
{
    int missing;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (e && (*e & PTE_P) && !(*e & PTE_PS) && (*e & PTE_ADDR) == table) *e = 0;
}

void plat_tlb_flush(void *vspace_root)
{
    paddr_t cur;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cur));
    if (cur == ptr_to_paddr(vspace_root)) x86_load_cr3(cur);
    else x86_guest_tlb_epoch++; /* it may be a GuestSpace: VCPUs take fresh ASIDs (svm.c) or flush EPT (vmx.c) */
}

bool plat_user_address_ok(word_t addr)
{
    return addr < USER_TOP;
}
