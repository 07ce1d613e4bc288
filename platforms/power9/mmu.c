/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Radix MMU (Power ISA 3.0 book III, 6.7.10-6.7.11), hypervisor host mode: LPCR[HR, UPRT],
 * PTCR -> partition table; entry 0 (the host, LPID 0) -> process table, indexed by PID.
 * A VSpace's PID is its ASID. Every tree has four levels of 512 entries (4 KiB tables, as the
 * core's PageTable and VSpace objects), so the radix tree size is 48 bits (RTS = 17); leaves
 * are 4 KiB pages at level 0 and 2 MiB pages at level 1, as on x86. (POWER9 hardware walks
 * only 52-bit trees with a 64 KiB root; QEMU walks any size: see docs/platforms.md.)
 * Tables are big-endian in memory. The kernel runs in real mode; PID 0's tree maps all RAM
 * with privileged 1 GiB pages in quadrant 3 (0xc000...) for translated kernel code and
 * debugging, and has no user mappings.
 * Root entry 511 (addresses at the top of the 48-bit space, never user-mappable because
 * USER_TOP is 2^47) is invalid and records the VSpace's PID once it has run.
 */
#include "power9.h"

#define PTE_V (1ul << 63)
#define PTE_LEAF (1ul << 62)
#define PTE_RPN 0x01fffffffffff000ul
#define PTE_REF (1ul << 8)
#define PTE_CHG (1ul << 7)
#define PTE_ATT_IO (2ul << 4) /* non-idempotent I/O: cache-inhibited, guarded */
#define PTE_PRIV (1ul << 3)
#define PTE_READ (1ul << 2)
#define PTE_RW (1ul << 1)
#define PTE_EXEC (1ul << 0)
#define PDE_NLB 0x0fffffffffffff00ul
#define NLS 9ul
#define RTS_48 ((2ul << 61) | (1ul << 5)) /* RTS = 17: 2^(17 + 31) bytes */
#define PATE_HR (1ul << 63)
#define STASH_MARK (1ul << 40)
#define STASH_SLOT 511u

typedef uint64_t pte_t;

static uint64_t partition_table[2 * 256] __attribute__((aligned(4096)));
static uint64_t process_table[2 * ASIDS] __attribute__((aligned(ASIDS * 16)));
static pte_t kernel_root[512] __attribute__((aligned(4096)));
static pte_t kernel_l2[512] __attribute__((aligned(4096)));

static inline pte_t get(const pte_t *e) { return __builtin_bswap64(*(const volatile pte_t *)e); }
static inline void set(pte_t *e, pte_t v) { *(volatile pte_t *)e = __builtin_bswap64(v); }

static void ptesync(void)
{
    __asm__ volatile("ptesync" ::: "memory");
}

/* Invalidate every TLB and page-walk-cache entry of one PID (tlbie IS = 1, RIC = 2). */
static void flush_pid(uint64_t pid)
{
    uint64_t rb = 1ul << 10, rs = pid << 32;
    __asm__ volatile("ptesync; tlbie %0, %1, 2, 1, 1; eieio; tlbsync; ptesync" ::"r"(rb), "r"(rs) : "memory");
}

static uint64_t root_dword(const void *root)
{
    return RTS_48 | (ptr_to_paddr(root) & PDE_NLB) | NLS;
}

void p9_init_mmu(void)
{
    _Static_assert(sizeof(struct tcb) <= (1u << OBJ_TCB_SIZE_BITS), "TCB object too small for the POWER9 context");
    /* PID 0: all RAM (up to 512 GiB) in 1 GiB privileged pages, index 0 of the root. */
    for (uint64_t g = 0; g < 512; g++)
        set(&kernel_l2[g], PTE_V | PTE_LEAF | (g << 30) | PTE_REF | PTE_CHG | PTE_PRIV | PTE_READ | PTE_RW | PTE_EXEC);
    set(&kernel_root[0], PTE_V | ptr_to_paddr(kernel_l2) | NLS);
    set(&kernel_root[STASH_SLOT], STASH_MARK | 0);
    process_table[0] = __builtin_bswap64(root_dword(kernel_root));
    process_table[1] = 0;
    partition_table[0] = __builtin_bswap64(PATE_HR | root_dword(kernel_root));
    partition_table[1] = __builtin_bswap64(ptr_to_paddr(process_table) | 4u); /* PRTS 4: 64 KiB */
    ptesync();
    mtspr(SPRN_PTCR, ptr_to_paddr(partition_table)); /* PATS 0: 4 KiB, 256 partitions */
    mtspr(SPRN_PID, 0);
    __asm__ volatile("isync" ::: "memory");
    flush_pid(0);
    kprintf("[kernel] radix MMU: 48-bit trees, 4 KiB and 2 MiB pages, %u PIDs\n", ASIDS);
}

/* The PID of a VSpace: recorded in its root on first use, found through the core's ASID
 * table. A fresh PID gets its process-table entry and loses whatever an earlier owner of the
 * same ASID left in the TLB. */
static uint64_t pid_of(pte_t *root)
{
    pte_t v = get(&root[STASH_SLOT]);
    if (v & STASH_MARK) return v & 0xffffful;
    for (word_t a = 1; a < ASIDS; a++) {
        if (asid_lookup(a) != root) continue;
        process_table[2 * a] = __builtin_bswap64(root_dword(root));
        process_table[2 * a + 1] = 0;
        set(&root[STASH_SLOT], STASH_MARK | a);
        flush_pid(a);
        return a;
    }
    return 0;
}

void p9_switch_vspace(void *vspace_root)
{
    uint64_t pid = pid_of(vspace_root);
    ptesync();
    if (mfspr(SPRN_PID) != pid) mtspr(SPRN_PID, pid);
    __asm__ volatile("isync" ::: "memory");
}

void *plat_kernel_vspace(void)
{
    return kernel_root;
}

void plat_vspace_init(void *vspace_root)
{
    pte_t *root = vspace_root;
    for (unsigned i = 256; i < 512; i++) root[i] = 0;
}

static unsigned index_at(vaddr_t va, unsigned level)
{
    return (unsigned)((va >> (12 + 9 * level)) & 511u);
}

static pte_t *table_of(pte_t e)
{
    return paddr_to_ptr(e & PDE_NLB);
}

static pte_t *walk(void *vspace_root, vaddr_t va, unsigned level, int *missing)
{
    pte_t *t = vspace_root;
    for (unsigned l = 3; l > level; l--) {
        pte_t e = get(&t[index_at(va, l)]);
        if (!(e & PTE_V)) {
            *missing = (int)l;
            return NULL;
        }
        if (e & PTE_LEAF) {
            *missing = -1;
            return NULL;
        }
        t = table_of(e);
    }
    return &t[index_at(va, level)];
}

int plat_map_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing = 0;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (!e) return missing;
    if (get(e) & PTE_V) return -1;
    pte_t v = PTE_V | PTE_LEAF | (paddr & PTE_RPN) | PTE_REF | PTE_CHG | PTE_READ;
    if (rights & RIGHT_WRITE) v |= PTE_RW;
    if (!(attributes & 1u)) v |= PTE_EXEC;
    if (attributes & 2u) v |= PTE_ATT_IO;
    set(e, v);
    ptesync();
    return 0;
}

void plat_unmap_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (!e) return;
    pte_t v = get(e);
    if ((v & PTE_V) && (v & PTE_LEAF) && (v & PTE_RPN) == paddr) set(e, 0);
}

int plat_map_table(void *vspace_root, vaddr_t vaddr, paddr_t table)
{
    pte_t *t = vspace_root;
    for (unsigned l = 3; l >= 1; l--) {
        pte_t *e = &t[index_at(vaddr, l)];
        pte_t v = get(e);
        if (!(v & PTE_V)) {
            set(e, PTE_V | (table & PDE_NLB) | NLS);
            ptesync();
            return (int)l;
        }
        if (v & PTE_LEAF) return -1;
        t = table_of(v);
    }
    return -1;
}

void plat_unmap_table(void *vspace_root, vaddr_t vaddr, unsigned level, paddr_t table)
{
    int missing;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (!e) return;
    pte_t v = get(e);
    if ((v & PTE_V) && !(v & PTE_LEAF) && (v & PDE_NLB) == table) set(e, 0);
}

void plat_tlb_flush(void *vspace_root)
{
    pte_t v = get(&((pte_t *)vspace_root)[STASH_SLOT]);
    if (v & STASH_MARK) flush_pid(v & 0xffffful);
}

bool plat_user_address_ok(word_t addr)
{
    return addr < USER_TOP;
}
