/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * 4-level paging (AMD64 APM vol. 2, 5.3). The kernel's address space (kernel_pml4) maps
 * the physical window at PHYS_WINDOW (2 MiB pages, the low 4 GiB and all RAM) and the kernel
 * image at KERNEL_VIRT. Without the Meltdown window, that kernel half (PML4 entries 256..511)
 * is the same in every address space, in global pages that CR3 switches keep. With it
 * (docs/security.md), user address spaces hold only the window (window_pml4's entry 511: the
 * pages of .window.text and .window.data at their kernel addresses, global, supervisor-only),
 * the kernel's mappings are not global, and the kernel runs in kernel_pml4 alone: it reaches
 * user memory only through the physical window, never at user addresses.
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
/* The Meltdown window: a PML4 whose kernel half user address spaces copy, and its tables. The
 * window's text and data each lie in one 2 MiB region, so two page tables cover it. */
static pte_t window_pml4[512] __attribute__((aligned(4096)));
static pte_t window_pdpt[512] __attribute__((aligned(4096)));
static pte_t window_pd[512] __attribute__((aligned(4096)));
static pte_t window_pt[2][512] __attribute__((aligned(4096)));
static unsigned window_pts_used;
extern char x86_window_text_start[], x86_window_text_end[], x86_window_data_start[], x86_window_data_end[];

static pte_t *table_of_image(pte_t e)
{
    return (pte_t *)((e & PTE_ADDR) + KERNEL_VIRT);
}

void x86_load_cr3(paddr_t root)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(root) : "memory");
}

static void window_map(const char *start, const char *end, pte_t rights)
{
    for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += 1ull << PAGE_BITS) {
        pte_t *pde = &window_pd[(va >> LARGE_PAGE_BITS) & 511u];
        if (!*pde) {
            if (window_pts_used == ARRAY_SIZE(window_pt)) panic("the Meltdown window spans too many 2 MiB regions");
            *pde = image_paddr(window_pt[window_pts_used++]) | PTE_P | PTE_W;
        }
        table_of_image(*pde)[(va >> PAGE_BITS) & 511u] = image_paddr((const void *)va) | rights;
    }
}

static void init_window(void)
{
    window_map(x86_window_text_start, x86_window_text_end, PTE_P | PTE_G);
    window_map(x86_window_data_start, x86_window_data_end, PTE_P | PTE_W | PTE_G | PTE_NX);
    window_pdpt[(KERNEL_VIRT >> 30) & 511u] = image_paddr(window_pd) | PTE_P | PTE_W;
    window_pml4[511] = image_paddr(window_pdpt) | PTE_P | PTE_W;
}

void x86_init_kernel_paging(paddr_t max_ram)
{
    /* With the window, kernel translations must not outlive a switch to a user space. */
    pte_t global = x86_meltdown_window ? 0 : PTE_G;
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
            phys_pd[g][i] = pa | PTE_P | PTE_W | PTE_PS | global | PTE_NX | cache;
        }
        phys_pdpt[g] = image_paddr(phys_pd[g]) | PTE_P | PTE_W;
    }
    for (uint64_t i = 0; i < 512; i++) image_pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS | global;
    image_pdpt[510] = image_paddr(image_pd) | PTE_P | PTE_W;
    kernel_pml4[256] = image_paddr(phys_pdpt) | PTE_P | PTE_W;
    kernel_pml4[511] = image_paddr(image_pdpt) | PTE_P | PTE_W;
    x86_kernel_cr3 = image_paddr(kernel_pml4);
    if (x86_meltdown_window) init_window();
    x86_load_cr3(x86_kernel_cr3);
}

paddr_t x86_user_root(void *vspace_root)
{
    if (vspace_root == kernel_pml4) return image_paddr(x86_meltdown_window ? window_pml4 : kernel_pml4);
    return ptr_to_paddr(vspace_root);
}

void *plat_kernel_vspace(void)
{
    return kernel_pml4;
}

void plat_vspace_init(void *vspace_root)
{
    pte_t *root = vspace_root;
    const pte_t *kernel_half = x86_meltdown_window ? window_pml4 : kernel_pml4;
    for (unsigned i = 256; i < 512; i++) root[i] = kernel_half[i];
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
static ALWAYS_INLINE pte_t *walk(void *vspace_root, vaddr_t va, unsigned level, int *missing)
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

static pte_t frame_entry(paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    pte_t v = paddr | PTE_P | PTE_U;
    if (rights & RIGHT_WRITE) v |= PTE_W;
    if (attributes & 1u) v |= PTE_NX;
    if (attributes & 2u) v |= PTE_PCD | PTE_PWT;
    if (size_bits == LARGE_PAGE_BITS) v |= PTE_PS;
    return v;
}

int plat_map_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    return x86_map_leaf(vspace_root, vaddr, size_bits, frame_entry(paddr, size_bits, rights, attributes));
}

void plat_map_frame_at(const struct frame_slot *slot, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    *slot->entry = frame_entry(paddr, size_bits, rights, attributes);
}

void plat_unmap_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (e && (*e & PTE_P) && (*e & PTE_ADDR) == paddr && ((*e & PTE_PS) != 0) == (level == 1)) *e = 0;
}

int plat_frame_slot(void *root, vaddr_t vaddr, unsigned size_bits, paddr_t *mapped, struct frame_slot *slot)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing = 0;
    *mapped = ~(paddr_t)0;
    pte_t *e = walk(root, vaddr, level, &missing);
    if (!e) return missing;
    slot->entry = e;
    if (!(*e & PTE_P)) return 0;
    if (((*e & PTE_PS) != 0) == (level == 1)) *mapped = *e & PTE_ADDR;
    return -1;
}

int plat_table_slot(void *root, vaddr_t vaddr)
{
    const pte_t *t = root;
    for (unsigned l = 3; l >= 1; l--) {
        pte_t e = t[index_at(vaddr, l)];
        if (!(e & PTE_P)) return (int)l;
        if (e & PTE_PS) return -1;
        t = table_of(e);
    }
    return -1;
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

/* With the Meltdown window the kernel runs in its own space and every exit to user level
 * loads CR3, flushing every user translation: a user space needs no flush of its own. */
void plat_tlb_flush(void *vspace_root)
{
    paddr_t cur;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cur));
    if (!x86_meltdown_window && cur == ptr_to_paddr(vspace_root)) x86_load_cr3(cur);
    else x86_guest_tlb_epoch++; /* it may be a GuestSpace: VCPUs take fresh ASIDs (svm.c) or flush EPT (vmx.c) */
}

bool plat_user_address_ok(word_t addr)
{
    return addr < USER_TOP;
}
