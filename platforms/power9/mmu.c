/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Radix MMU (Power ISA 3.0 book III, 6.7.10-6.7.11), hypervisor host mode: LPCR[HR, UPRT],
 * PTCR -> partition table; entry 0 (the host, LPID 0) -> process table, indexed by PID.
 * A VSpace's PID is its ASID. POWER9 (and QEMU) walk only 52-bit trees with a 13-bit root
 * (64 KiB) and 9-bit lower levels: 4 KiB pages at level 0, 2 MiB at level 1. The core's
 * VSpace object is one 4 KiB page, so it holds the first 512 root entries (user space is
 * below 2^47 and uses entries 0..255); the hardware walks a 64 KiB shadow root from a small
 * pool, in which the platform mirrors those entries (only plat_map_table/plat_unmap_table
 * write root entries). A VSpace without a shadow gets one when it is switched to, evicting
 * the least recently assigned (its PID's process-table entry is cleared and its TLB flushed).
 * Tables are big-endian in memory. The kernel runs in real mode; PID 0's tree maps all RAM
 * with privileged 1 GiB pages in quadrant 3 (0xc000...) for translated kernel code and
 * debugging, and has no user mappings.
 * Root entry 511 (addresses at the top of the 48-bit space, never user-mappable because
 * USER_TOP is 2^47) is invalid and records the VSpace's PID once it has run.
 *
 * Guests (LPARs): a GuestSpace's LPID is its ASID (ASID pools hand both out; ASIDS = 4096 =
 * the LPIDs of POWER9), so the partition table has 4096 entries. Its tree is partition-scoped
 * (guest real to host real) in the same format, rooted in a shadow from the same pool: its
 * partition-table entry points at the shadow, and root entry 511 records the LPID (marked
 * apart from a PID) once it has run. Leaves carry the mapping's rights (read, write, execute)
 * and never the privileged bit (partition scope has none). Every change is flushed per LPID,
 * partition- and process-scoped (tlbie RIC = 2, IS = 2).
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
#define RTS_52 ((2ul << 61) | (5ul << 5)) /* RTS = 21: 2^(21 + 31) bytes */
#define ROOT_NLS 13ul
#define ROOT_ENTRIES 8192u
#define USER_ROOT_ENTRIES 256u
#define SHADOWS 32u
#define PATE_HR (1ul << 63)
#define PATS_64K 4u /* partition table of 2^(12 + 4) bytes: 4096 LPIDs */
#define LPIDS 4096u
#define STASH_MARK (1ul << 40)
#define STASH_GUEST (1ul << 41)
#define STASH_ID 0xffffful
#define STASH_SLOT 511u

typedef uint64_t pte_t;

_Static_assert(ASIDS <= LPIDS, "every GuestSpace's ASID is an LPID");
static uint64_t partition_table[2 * LPIDS] __attribute__((aligned(LPIDS * 16)));
static uint64_t process_table[2 * ASIDS] __attribute__((aligned(ASIDS * 16)));
static pte_t kernel_root[ROOT_ENTRIES] __attribute__((aligned(ROOT_ENTRIES * 8)));
static pte_t shadow[SHADOWS][ROOT_ENTRIES] __attribute__((aligned(ROOT_ENTRIES * 8)));
static void *shadow_owner[SHADOWS];
static uint64_t shadow_pid[SHADOWS]; /* the PID, or for a guest's tree the LPID */
static bool shadow_guest[SHADOWS];
static unsigned shadow_next;
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

/* Invalidate every TLB and page-walk-cache entry of one LPID, partition-scoped (PRS = 0) and
 * the guest's process-scoped ones (PRS = 1): tlbie IS = 2 (all of RS's LPID), RIC = 2. */
static void flush_lpid(uint64_t lpid)
{
    uint64_t rb = 2ul << 10, rs = lpid;
    __asm__ volatile("ptesync; tlbie %0, %1, 2, 0, 1; tlbie %0, %1, 2, 1, 1; eieio; tlbsync; ptesync" ::"r"(rb), "r"(rs)
                     : "memory");
}

static uint64_t root_dword(const void *root)
{
    return RTS_52 | (ptr_to_paddr(root) & PDE_NLB) | ROOT_NLS;
}

static int shadow_of(const void *root)
{
    for (unsigned i = 0; i < SHADOWS; i++)
        if (shadow_owner[i] == root) return (int)i;
    return -1;
}

/* The shadow of slot i is going: its owner's table entry no longer points at it. */
static void drop_shadow(unsigned i)
{
    uint64_t old = shadow_pid[i];
    if (shadow_guest[i]) {
        if (__builtin_bswap64(partition_table[2 * old]) == (PATE_HR | root_dword(shadow[i]))) partition_table[2 * old] = 0;
        ptesync();
        flush_lpid(old);
    } else {
        if (__builtin_bswap64(process_table[2 * old]) == root_dword(shadow[i])) process_table[2 * old] = 0;
        ptesync();
        flush_pid(old);
    }
    shadow_owner[i] = NULL;
}

/* Gives root (with PID or LPID id) a shadow and points the process or partition table at it. */
static void assign_shadow(pte_t *root, uint64_t id, bool guest)
{
    unsigned i = shadow_next;
    shadow_next = (shadow_next + 1) % SHADOWS;
    if (shadow_owner[i]) drop_shadow(i);
    for (unsigned e = 0; e < ROOT_ENTRIES; e++) shadow[i][e] = e < USER_ROOT_ENTRIES ? root[e] : 0;
    shadow_owner[i] = root;
    shadow_pid[i] = id;
    shadow_guest[i] = guest;
    if (guest) {
        partition_table[2 * id] = __builtin_bswap64(PATE_HR | root_dword(shadow[i]));
    } else {
        process_table[2 * id] = __builtin_bswap64(root_dword(shadow[i]));
        process_table[2 * id + 1] = 0;
    }
    ptesync();
}

void p9_init_mmu(void)
{
    /* PID 0: all RAM (up to 512 GiB) in 1 GiB privileged pages, index 0 of the root. */
    for (uint64_t g = 0; g < 512; g++)
        set(&kernel_l2[g], PTE_V | PTE_LEAF | (g << 30) | PTE_REF | PTE_CHG | PTE_PRIV | PTE_READ | PTE_RW | PTE_EXEC);
    set(&kernel_root[0], PTE_V | ptr_to_paddr(kernel_l2) | NLS);
    set(&kernel_root[STASH_SLOT], STASH_MARK | 0);
    process_table[0] = __builtin_bswap64(root_dword(kernel_root));
    for (unsigned i = 0; i < SHADOWS; i++) shadow_owner[i] = NULL;
    process_table[1] = 0;
    partition_table[0] = __builtin_bswap64(PATE_HR | root_dword(kernel_root));
    partition_table[1] = __builtin_bswap64(ptr_to_paddr(process_table) | 4u); /* PRTS 4: 64 KiB */
    ptesync();
    mtspr(SPRN_PTCR, ptr_to_paddr(partition_table) | PATS_64K);
    mtspr(SPRN_PID, 0);
    __asm__ volatile("isync" ::: "memory");
    flush_pid(0);
    kprintf("[kernel] radix MMU: 52-bit trees, 4 KiB and 2 MiB pages, %u PIDs, %u shadow roots\n", ASIDS, SHADOWS);
}

/* The PID of a VSpace: recorded in its root on first use, found through the core's ASID
 * table. A fresh PID gets its process-table entry and loses whatever an earlier owner of the
 * same ASID left in the TLB. */
static uint64_t pid_of(pte_t *root)
{
    if (root == kernel_root) return 0;
    pte_t v = get(&root[STASH_SLOT]);
    uint64_t pid = 0;
    if (v & STASH_MARK) {
        pid = v & STASH_ID;
    } else {
        for (word_t a = 1; a < ASIDS && !pid; a++)
            if (asid_lookup(a) == root) pid = a;
        if (!pid) return 0;
        set(&root[STASH_SLOT], STASH_MARK | pid);
        flush_pid(pid);
    }
    if (shadow_of(root) < 0) assign_shadow(root, pid, false);
    return pid;
}

/* The LPID of a GuestSpace, as pid_of: found through the ASID table on its first run, when
 * whatever an earlier owner of the shadow or the LPID left is dropped. Its partition-table
 * entry then points at its shadow, with process_table (BH_VCPU_PROCESS_TABLE, checked) as the
 * second doubleword; a change of either flushes the LPID. 0 if the space has no ASID. */
uint64_t p9_guest_partition(void *guest_root, uint64_t process_table_dword)
{
    pte_t *root = guest_root;
    pte_t v = get(&root[STASH_SLOT]);
    uint64_t lpid = 0;
    if ((v & STASH_MARK) && (v & STASH_GUEST)) {
        lpid = v & STASH_ID;
    } else {
        for (word_t a = 1; a < ASIDS && !lpid; a++)
            if (asid_lookup(a) == root) lpid = a;
        if (!lpid) return 0;
        int s = shadow_of(root);
        if (s >= 0) drop_shadow((unsigned)s);
        set(&root[STASH_SLOT], STASH_MARK | STASH_GUEST | lpid);
        partition_table[2 * lpid + 1] = 0;
        flush_lpid(lpid);
    }
    if (shadow_of(root) < 0) assign_shadow(root, lpid, true);
    uint64_t dw1 = __builtin_bswap64(process_table_dword);
    if (partition_table[2 * lpid + 1] != dw1) {
        partition_table[2 * lpid + 1] = dw1;
        ptesync();
        flush_lpid(lpid);
    }
    return lpid;
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
    for (unsigned i = USER_ROOT_ENTRIES; i < 512; i++) root[i] = 0;
    /* A new VSpace at the address of a deleted one: forget the old one's shadow. */
    int s = shadow_of(root);
    if (s >= 0) drop_shadow((unsigned)s);
}

/* Root entries changed: copy them into the shadow, if any. */
static void root_changed(pte_t *root, unsigned index)
{
    int s = shadow_of(root);
    if (s >= 0 && index < USER_ROOT_ENTRIES) shadow[s][index] = root[index];
    ptesync();
}

static unsigned index_at(vaddr_t va, unsigned level)
{
    return (unsigned)((va >> (12 + 9 * level)) & 511u);
}

static pte_t *table_of(pte_t e)
{
    return paddr_to_ptr(e & PDE_NLB);
}

static ALWAYS_INLINE pte_t *walk(void *vspace_root, vaddr_t va, unsigned level, int *missing)
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

static void set_frame_entry(pte_t *e, paddr_t paddr, word_t rights, word_t attributes)
{
    pte_t v = PTE_V | PTE_LEAF | (paddr & PTE_RPN) | PTE_REF | PTE_CHG | PTE_READ;
    if (rights & RIGHT_WRITE) v |= PTE_RW;
    if (!(attributes & 1u)) v |= PTE_EXEC;
    if (attributes & 2u) v |= PTE_ATT_IO;
    set(e, v);
    ptesync();
}

int plat_map_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing = 0;
    pte_t *e = walk(vspace_root, vaddr, level, &missing);
    if (!e) return missing;
    if (get(e) & PTE_V) return -1;
    set_frame_entry(e, paddr, rights, attributes);
    return 0;
}

void plat_map_frame_at(const struct frame_slot *slot, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    (void)size_bits; /* the level is the slot's */
    set_frame_entry(slot->entry, paddr, rights, attributes);
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

int plat_frame_slot(void *root, vaddr_t vaddr, unsigned size_bits, paddr_t *mapped, struct frame_slot *slot)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing = 0;
    *mapped = ~(paddr_t)0;
    pte_t *e = walk(root, vaddr, level, &missing);
    if (!e) return missing;
    slot->entry = e;
    pte_t v = get(e);
    if (!(v & PTE_V)) return 0;
    if (v & PTE_LEAF) *mapped = v & PTE_RPN;
    return -1;
}

int plat_table_slot(void *root, vaddr_t vaddr)
{
    pte_t *t = root;
    for (unsigned l = 3; l >= 1; l--) {
        pte_t v = get(&t[index_at(vaddr, l)]);
        if (!(v & PTE_V)) return (int)l;
        if (v & PTE_LEAF) return -1;
        t = table_of(v);
    }
    return -1;
}

int plat_map_table(void *vspace_root, vaddr_t vaddr, paddr_t table)
{
    pte_t *t = vspace_root;
    for (unsigned l = 3; l >= 1; l--) {
        pte_t *e = &t[index_at(vaddr, l)];
        pte_t v = get(e);
        if (!(v & PTE_V)) {
            set(e, PTE_V | (table & PDE_NLB) | NLS);
            if (l == 3) root_changed(t, index_at(vaddr, l));
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
    if ((v & PTE_V) && !(v & PTE_LEAF) && (v & PDE_NLB) == table) {
        set(e, 0);
        if (level == 3) root_changed(vspace_root, index_at(vaddr, level));
    }
}

void plat_tlb_flush(void *vspace_root)
{
    pte_t v = get(&((pte_t *)vspace_root)[STASH_SLOT]);
    if (!(v & STASH_MARK)) return;
    if (v & STASH_GUEST) flush_lpid(v & STASH_ID);
    else flush_pid(v & STASH_ID);
}

/* A frame in a partition-scoped tree: the guest's rights, never privileged. */
int plat_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights)
{
    unsigned level = size_bits == LARGE_PAGE_BITS ? 1 : 0;
    int missing = 0;
    pte_t *e = walk(guest_root, gpa, level, &missing);
    if (!e) return missing;
    if (get(e) & PTE_V) return -1;
    pte_t v = PTE_V | PTE_LEAF | (paddr & PTE_RPN) | PTE_REF | PTE_CHG | PTE_READ;
    if (rights & RIGHT_WRITE) v |= PTE_RW;
    if (rights & VCPU_RIGHT_EXECUTE) v |= PTE_EXEC;
    set(e, v);
    ptesync();
    return 0;
}

int plat_guest_map_table(void *guest_root, word_t gpa, paddr_t table)
{
    return plat_map_table(guest_root, gpa, table);
}

bool plat_user_address_ok(word_t addr)
{
    return addr < USER_TOP;
}
