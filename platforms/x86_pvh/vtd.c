/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Intel VT-d DMA remapping (Intel Virtualization Technology for Directed I/O, rev. 3+:
 * 9.1 root entry, 9.3 context entry, 9.8 second-level paging entries, 10.4 registers, 6.5.2
 * queued invalidation, 7.3 fault recording). One remapping unit (the DMAR's only DRHD): a
 * machine with several is left untranslated, with a message, and the kernel offers no IOMMU.
 *
 * The root table and the context tables of buses 0..IOMMU_BUSES-1 are static; the root entries
 * of other buses stay absent, so their functions' DMA faults. Translation is on from boot with
 * every context entry absent: no function reaches memory until it is bound to an IOSpace. An
 * IOSpace's tables are legacy-mode second-level tables (3 or 4 levels, as SAGAW allows): its
 * root page and PageTable objects, leaves R, W and PS. Invalidation goes through the queue
 * with a wait descriptor that writes a status word (SW without IF: QEMU 7.2 aborts on SW|IF),
 * and every change is complete in the IOMMU before the function returns. Fault events are an
 * MSI to VECTOR_IOMMU_FAULT on this processor; each fault record of a bound function goes to
 * the core (io_space_fault) with its domain, interrupt-remapping faults too (with the entry's
 * index as address). Interrupt remapping itself (when ECAP.IR offers it) is intremap.c's.
 */
#include "x86.h"
#include "irte.h"

#define REG_CAP 0x08u
#define REG_ECAP 0x10u
#define REG_GCMD 0x18u
#define REG_GSTS 0x1cu
#define REG_RTADDR 0x20u
#define REG_FSTS 0x34u
#define REG_FECTL 0x38u
#define REG_FEDATA 0x3cu
#define REG_FEADDR 0x40u
#define REG_FEUADDR 0x44u
#define REG_IQT 0x88u
#define REG_IQA 0x90u
#define GCMD_TE (1u << 31)
#define GCMD_SRTP (1u << 30)
#define GCMD_QIE (1u << 26)
#define GSTS_TES (1u << 31)
#define GSTS_RTPS (1u << 30)
#define GSTS_QIES (1u << 26)
#define FSTS_PFO 0x1u
#define FSTS_IQE 0x10u
#define CAP_RWBF (1ull << 4)
#define CAP_CM (1ull << 7)
#define ECAP_C 0x1ull
#define ECAP_QI 0x2ull
#define ECAP_IR 0x8ull
#define FRCD_F (1ull << 63)
#define FRCD_T_READ (1ull << 62)

#define SL_R 0x1ull
#define SL_W 0x2ull
#define SL_PS 0x80ull
#define SL_ADDR 0x000ffffffffff000ull
#define CTX_PRESENT 0x1ull

#define DESC_CONTEXT_DEVICE (0x1ull | 3ull << 4)
#define DESC_CONTEXT_GLOBAL (0x1ull | 1ull << 4)
#define DESC_IOTLB_DOMAIN (0x2ull | 2ull << 4)
#define DESC_IOTLB_GLOBAL (0x2ull | 1ull << 4)
#define DESC_WAIT_SW (0x5ull | 1ull << 5 | 1ull << 32) /* status data 1 */
#define QUEUE_ENTRIES 256u
#define SPIN_LIMIT 100000000ul

struct entry128 { uint64_t lo, hi; };

static paddr_t unit_base;
static word_t units;
static volatile uint8_t *regs;
static uint64_t cap, ecap;
static uint32_t gcmd;      /* the persistent command bits set so far (TE, QIE) */
static unsigned levels;    /* of an IOSpace's tables: 3 or 4 */
static word_t iova_top;
static bool present;

static struct entry128 root_table[256] __attribute__((aligned(4096)));
static struct entry128 context_table[IOMMU_BUSES][256] __attribute__((aligned(4096)));
static struct entry128 queue[QUEUE_ENTRIES] __attribute__((aligned(4096)));
static unsigned queue_tail;
static volatile uint32_t queue_status;

static uint32_t rd32(unsigned r) { return *(volatile uint32_t *)(regs + r); }
static uint64_t rd64(unsigned r) { return *(volatile uint64_t *)(regs + r); }
static void wr32(unsigned r, uint32_t v) { *(volatile uint32_t *)(regs + r) = v; }
static void wr64(unsigned r, uint64_t v) { *(volatile uint64_t *)(regs + r) = v; }

/* Without page-walk coherency (ECAP.C = 0) the unit reads tables from memory, not caches. */
static void written(const volatile void *p)
{
    if (!(ecap & ECAP_C)) __asm__ volatile("clflush (%0); mfence" ::"r"(p) : "memory");
}

static void spin_until(bool (*done)(void), const char *what)
{
    for (word_t i = 0; i < SPIN_LIMIT; i++)
        if (done()) return;
    kprintf("[kernel] VT-d: %s never completed\n", what);
    panic("VT-d unit not responding");
}

static uint32_t awaited_status;
static bool status_set(void) { return (rd32(REG_GSTS) & awaited_status) != 0; }
static bool queue_done(void)
{
    if (rd32(REG_FSTS) & FSTS_IQE) panic("VT-d: invalidation queue error");
    return queue_status != 0;
}

static void command(uint32_t bit, uint32_t status)
{
    wr32(REG_GCMD, gcmd | bit);
    awaited_status = status;
    spin_until(status_set, "a global command");
}

/* For intremap.c: persistent bits (IRE) join gcmd; one-shot ones (SIRTP) are written once. */
void x86_vtd_command(uint32_t persistent, uint32_t one_shot, uint32_t status)
{
    gcmd |= persistent;
    command(one_shot, status);
}

uint64_t x86_vtd_ecap(void) { return ecap; }
void x86_vtd_set_register64(unsigned reg, uint64_t value) { wr64(reg, value); }
void x86_vtd_flush_cache_line(const volatile void *p) { written(p); }

static void invalidate_and_wait(void);

static void submit(uint64_t lo, uint64_t hi)
{
    queue[queue_tail] = (struct entry128){lo, hi};
    written(&queue[queue_tail]);
    queue_tail = (queue_tail + 1) % QUEUE_ENTRIES;
}

void x86_vtd_submit(uint64_t lo, uint64_t hi) { submit(lo, hi); }

/* Submits what is queued with a wait descriptor and returns when the unit has done it all. */
void x86_vtd_invalidate_and_wait(void) { invalidate_and_wait(); }

static void invalidate_and_wait(void)
{
    queue_status = 0;
    submit(DESC_WAIT_SW, image_paddr((const void *)&queue_status));
    __asm__ volatile("mfence" ::: "memory");
    wr64(REG_IQT, (uint64_t)queue_tail << 4);
    spin_until(queue_done, "an invalidation");
}

/* acpi.c: a DRHD of the DMAR, and the I/O APIC in its device scope. */
void x86_vtd_unit_found(paddr_t base)
{
    unit_base = base;
    units++;
}

static uint16_t ioapic_source;
static bool ioapic_source_known;

void x86_vtd_ioapic_found(uint16_t source)
{
    if (ioapic_source_known) return; /* the kernel drives the first I/O APIC only */
    ioapic_source = source;
    ioapic_source_known = true;
}

static const char *unusable(void)
{
    if (units != 1) return units ? "more than one remapping unit" : NULL;
    if (!(ecap & ECAP_QI)) return "no queued invalidation";
    if (cap & (CAP_RWBF | CAP_CM)) return "write-buffer flushing or caching mode required";
    if ((cap & 7u) < 4u) return "fewer domain ids than ASIDs";
    if (!(cap & (0x6u << 8))) return "neither 3- nor 4-level tables";
    return NULL;
}

static void init_tables(void)
{
    for (unsigned b = 0; b < IOMMU_BUSES; b++) {
        root_table[b].lo = image_paddr(context_table[b]) | CTX_PRESENT;
        for (unsigned i = 0; i < 256; i += 4) written(&context_table[b][i]);
    }
    for (unsigned i = 0; i < 256; i += 4) written(&root_table[i]);
}

/* Fault events: an MSI to this processor's local APIC (physical destination, fixed). */
static void init_fault_events(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    wr32(REG_FEDATA, VECTOR_IOMMU_FAULT);
    wr32(REG_FEADDR, (uint32_t)(MSI_WINDOW_START | (r[1] >> 24) << 12));
    wr32(REG_FEUADDR, 0);
    wr32(REG_FECTL, 0);
}

void x86_vtd_init(void)
{
    if (!units) return;
    regs = paddr_to_ptr(unit_base);
    cap = rd64(REG_CAP);
    ecap = rd64(REG_ECAP);
    const char *why = unusable();
    if (why) {
        kprintf("[kernel] VT-d at %lx not used (%s): no IOSpaces, DMA is not confined\n", unit_base, why);
        return;
    }
    levels = (cap & (0x4u << 8)) ? 4 : 3;
    unsigned mgaw = (unsigned)((cap >> 16) & 0x3f) + 1;
    iova_top = BIT(12 + 9 * levels < mgaw ? 12 + 9 * levels : mgaw);
    init_tables();
    wr64(REG_IQA, image_paddr(queue)); /* 256 descriptors of 128 bits (QS = 0) */
    wr64(REG_IQT, 0);
    gcmd |= GCMD_QIE;
    command(0, GSTS_QIES);
    wr64(REG_RTADDR, image_paddr(root_table));
    command(GCMD_SRTP, GSTS_RTPS);
    submit(DESC_CONTEXT_GLOBAL, 0);
    submit(DESC_IOTLB_GLOBAL, 0);
    invalidate_and_wait();
    wr32(REG_FSTS, rd32(REG_FSTS)); /* faults left from before */
    init_fault_events();
    gcmd |= GCMD_TE;
    command(0, GSTS_TES);
    present = true;
    kprintf("[kernel] VT-d at %lx: DMA remapping on, %u-level tables, IOVAs below %lx\n", unit_base, levels, iova_top);
    if (ecap & ECAP_IR) x86_intremap_init(ioapic_source, ioapic_source_known);
    else kprintf("[kernel] VT-d: no interrupt remapping: a function's MSI can name any vector\n");
}

bool plat_iommu_present(void) { return present; }
word_t plat_iommu_top(void) { return iova_top; }
bool plat_iommu_large_pages(void) { return (cap >> 34) & 1u; }

static unsigned index_at(word_t iova, unsigned level) { return (unsigned)((iova >> (12 + 9 * level)) & 511u); }
static uint64_t *table_of(uint64_t e) { return paddr_to_ptr(e & SL_ADDR); }

/* The table holding iova's entry of level `want` (0: 4 KiB leaves), or NULL with *r = the
 * level of the missing entry, or -1 when a large leaf covers iova. */
static uint64_t *table_for(void *root, word_t iova, unsigned want, int *r)
{
    uint64_t *t = root;
    for (unsigned l = levels - 1; l > want; l--) {
        uint64_t e = t[index_at(iova, l)];
        if (e & SL_PS) { *r = -1; return NULL; }
        if (!(e & SL_R)) { *r = (int)l; return NULL; }
        t = table_of(e);
    }
    return t;
}

static unsigned leaf_level(unsigned size_bits) { return size_bits == PAGE_BITS ? 0 : 1; }

int plat_iommu_frame_slot(void *root, word_t iova, unsigned size_bits, paddr_t *mapped)
{
    int r = 0;
    unsigned want = leaf_level(size_bits);
    uint64_t *t = table_for(root, iova, want, &r);
    *mapped = ~(paddr_t)0;
    if (!t) return r;
    uint64_t e = t[index_at(iova, want)];
    if (!e) return 0;
    if (want == 0 || (e & SL_PS)) *mapped = e & SL_ADDR;
    return -1;
}

int plat_iommu_table_slot(void *root, word_t iova)
{
    int r = -1;
    return table_for(root, iova, 0, &r) ? -1 : r;
}

void plat_iommu_map_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits, word_t rights)
{
    int r;
    unsigned want = leaf_level(size_bits);
    uint64_t *e = &table_for(root, iova, want, &r)[index_at(iova, want)];
    *e = paddr | SL_R | ((rights & RIGHT_WRITE) ? SL_W : 0) | (want ? SL_PS : 0);
    written(e);
}

int plat_iommu_map_table(void *root, word_t iova, paddr_t table)
{
    int level = -1, unused;
    ASSERT(!table_for(root, iova, 0, &level) && level > 0);
    uint64_t *e = &table_for(root, iova, (unsigned)level, &unused)[index_at(iova, (unsigned)level)];
    *e = table | SL_R | SL_W;
    written(e);
    return level;
}

void plat_iommu_unmap_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits)
{
    int r;
    unsigned want = leaf_level(size_bits);
    uint64_t *t = table_for(root, iova, want, &r);
    if (!t) return;
    uint64_t *e = &t[index_at(iova, want)];
    if ((*e & SL_ADDR) != paddr || !(*e & SL_R) || (want && !(*e & SL_PS))) return;
    *e = 0;
    written(e);
}

void plat_iommu_unmap_table(void *root, word_t iova, unsigned level, paddr_t table)
{
    int r;
    if (level == 0 || level >= levels) return;
    uint64_t *t = table_for(root, iova, level, &r);
    if (!t) return;
    uint64_t *e = &t[index_at(iova, level)];
    if ((*e & SL_ADDR) != table || (*e & SL_PS) || !(*e & SL_R)) return;
    *e = 0;
    written(e);
}

void plat_iommu_flush(word_t domain)
{
    submit(DESC_IOTLB_DOMAIN | domain << 16, 0);
    invalidate_and_wait();
}

static struct entry128 *context_of(word_t source) { return &context_table[source >> 8][source & 0xff]; }

bool plat_iommu_bound(word_t source) { return context_of(source)->lo & CTX_PRESENT; }

/* A context entry going from absent to present needs no invalidation (caching mode is off). */
void plat_iommu_bind(word_t source, void *root, word_t domain)
{
    struct entry128 *c = context_of(source);
    c->hi = (levels - 2) | domain << 8; /* AW: 1 = 3 levels, 2 = 4 levels */
    __asm__ volatile("" ::: "memory");
    c->lo = ptr_to_paddr(root) | CTX_PRESENT; /* TT 0: second-level translation only */
    written(c);
}

void plat_iommu_unbind(word_t source)
{
    struct entry128 *c = context_of(source);
    if (!(c->lo & CTX_PRESENT)) return;
    word_t domain = (c->hi >> 8) & 0xffff;
    c->lo = 0;
    written(c);
    submit(DESC_CONTEXT_DEVICE | domain << 16 | (uint64_t)source << 32, 0);
    submit(DESC_IOTLB_DOMAIN | domain << 16, 0);
    invalidate_and_wait();
}

/* Bounded: IOMMU_BUSES * 256 context entries. */
void plat_iommu_unbind_domains(word_t first, word_t count)
{
    for (word_t s = 0; s < IOMMU_BUSES * 256u; s++) {
        struct entry128 *c = context_of(s);
        if ((c->lo & CTX_PRESENT) && ((c->hi >> 8) & 0xffff) - first < count) {
            c->lo = 0;
            written(c);
        }
    }
    submit(DESC_CONTEXT_GLOBAL, 0);
    submit(DESC_IOTLB_GLOBAL, 0);
    invalidate_and_wait();
}

/* The fault event: every recorded fault goes to the IOSpace of its function's domain. */
void x86_vtd_fault(void)
{
    if (!present) return;
    if (debug_errors) kprintf("[kernel] VT-d fault event: FSTS %x\n", rd32(REG_FSTS));
    unsigned records = (unsigned)((cap >> 40) & 0xff) + 1, first = (unsigned)((cap >> 24) & 0x3ff) * 16;
    for (unsigned i = 0; i < records; i++) {
        unsigned r = first + i * 16;
        uint64_t hi = rd64(r + 8), lo = rd64(r);
        if (!(hi & FRCD_F)) continue;
        wr32(r + 12, (uint32_t)(FRCD_F >> 32)); /* write 1 to clear F */
        word_t source = hi & 0xffff, reason = (hi >> 32) & 0xff;
        word_t kind = reason << 8 | ((hi & FRCD_T_READ) ? 0 : 1);
        /* An interrupt-remapping fault (reasons 0x20..0x27) names the remapping entry's index in
         * the fault info's bits 63:48, where a DMA fault names the page. */
        word_t address = vtd_reason_is_interrupt((unsigned)reason) ? lo >> 48 : lo & ~MASK(PAGE_BITS);
        if ((source >> 8) < IOMMU_BUSES && plat_iommu_bound(source))
            io_space_fault((context_of(source)->hi >> 8) & 0xffff, source, address, kind);
        else if (debug_errors)
            kprintf("[kernel] VT-d: DMA fault of unbound function %lx at %lx, reason %lu\n", source, lo, reason);
    }
    wr32(REG_FSTS, FSTS_PFO);
}
