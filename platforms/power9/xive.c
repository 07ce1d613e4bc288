/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Interrupt lines on POWER9: the XIVE interrupt controller in exploitation mode, driven
 * through OPAL (skiboot doc/xive.rst; opal-api.h OPAL_XIVE_*).
 *
 * The boot CPU's physical virtual processor (VP number = PIR) gets one event queue at
 * priority QUEUE_PRIO; every source we route writes its logical number there and the
 * thread's HV physical ring (TIMA quad word 3) raises the hypervisor virtualization
 * interrupt (0xEA0, LPCR[HVICE]). p9_xive_interrupt acknowledges it (TIMA 0x830), drains the
 * queue and restores the CPPR.
 *
 * Lines: QEMU 7.2's powernv LPC model sends every LPC SerIRQ to one OPAL-owned PSI source,
 * so no ISA device interrupt reaches the OS. The lines the kernel offers are therefore
 * XIVE interrupts that OPAL allocates for us (OPAL_XIVE_ALLOCATE_IRQ, "generic IPIs"), and
 * the device that raises them is the XIVE itself: a store to a line's ESB *trigger* page.
 * Each line's trigger page is handed to the root server as one device untyped, in line
 * order before any other device memory: holding a frame of it is the authority to raise that
 * line and nothing else. The ESB *management* (EOI) pages, which mask and acknowledge, stay
 * with the kernel. A line is masked with ESB PQ = 01 and unmasked with PQ = 00; a trigger
 * while it is masked is dropped, as an edge on a masked I/O APIC pin.
 *
 * OPAL's own interrupts ("opal-interrupts" in /ibm,opal) are routed to the same queue and
 * served with OPAL_HANDLE_INTERRUPT followed by their EOI, as skiboot requires of the OS in
 * exploitation mode.
 */
#include "power9.h"
#include <libfdt.h>

#define XIVE_LINES 8u
#define MAX_OPAL_IRQS 16u
#define LIRQ_OPAL 0x100u /* logical numbers of OPAL's interrupts start here */
#define QUEUE_PRIO 6u
#define QUEUE_SHIFT 12u
#define QUEUE_GEN 0x80000000u

/* TIMA, HV view (the second "reg" of the ibm,opal-xive-pe node). */
#define TM_QW3_NSR 0x030u
#define TM_QW3_CPPR 0x031u
#define TM_SPC_ACK_HV 0x830u
#define TM_NSR_HE_MASK 0xc0u
#define TM_ACK_HE_MASK 0xc000u
#define TM_ACK_HE_PHYS 0x8000u

/* ESB management-page offsets (loads unless noted). */
#define ESB_LOAD_EOI 0x000u
#define ESB_STORE_EOI 0x400u /* store */
#define ESB_SET_PQ_00 0xc00u
#define ESB_SET_PQ_01 0xd00u
#define ESB_VAL_Q 0x1u

#define OPAL_XIVE_MODE_EXPL 1u
#define OPAL_XIVE_IRQ_STORE_EOI 0x2u
#define OPAL_XIVE_IRQ_LSI 0x4u
#define OPAL_XIVE_IRQ_EOI_VIA_FW 0x20u
#define OPAL_XIVE_EQ_ENABLED 0x1u
#define OPAL_XIVE_EQ_ALWAYS_NOTIFY 0x2u
#define OPAL_XIVE_ANY_CHIP 0xffffffffu

struct source {
    uint32_t girq;
    uint32_t esb_shift;
    uint64_t flags, eoi, trig, trig_size;
};

static struct source lines[XIVE_LINES];
static word_t nlines;
static struct source opal_irqs[MAX_OPAL_IRQS];
static word_t nopal;
static uint64_t tima;
static uint32_t queue[BIT(QUEUE_SHIFT) / 4] __attribute__((aligned(4096)));
static uint32_t qidx, qgen = QUEUE_GEN;

/* Cache-inhibited accesses in hypervisor real mode; XIVE registers are big-endian. */
static uint64_t ci_ld64(uint64_t a)
{
    uint64_t v;
    __asm__ volatile("sync; ldcix %0, 0, %1" : "=r"(v) : "r"(a) : "memory");
    return __builtin_bswap64(v);
}

static void ci_st64(uint64_t a, uint64_t v)
{
    __asm__ volatile("sync; stdcix %0, 0, %1" ::"r"(__builtin_bswap64(v)), "r"(a) : "memory");
}

static uint16_t ci_ld16(uint64_t a)
{
    uint64_t v;
    __asm__ volatile("sync; lhzcix %0, 0, %1" : "=r"(v) : "r"(a) : "memory");
    return __builtin_bswap16((uint16_t)v);
}

static uint8_t ci_ld8(uint64_t a)
{
    uint64_t v;
    __asm__ volatile("lbzcix %0, 0, %1" : "=r"(v) : "r"(a) : "memory");
    return (uint8_t)v;
}

static void ci_st8(uint64_t a, uint8_t v)
{
    __asm__ volatile("stbcix %0, 0, %1; sync" ::"r"((uint64_t)v), "r"(a) : "memory");
}

static int64_t opal(uint64_t token, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    int64_t rc;
    do rc = p9_opal_call(token, a0, a1, a2, a3, a4, a5, 0);
    while (rc == OPAL_BUSY);
    return rc;
}

static uint32_t boot_vp(void)
{
    return (uint32_t)mfspr(SPRN_PIR);
}

/* Reads a source's ESB pages and routes it to our queue with logical number lirq. */
static bool route(struct source *s, uint32_t girq, uint32_t lirq)
{
    uint64_t flags_be = 0, eoi_be = 0, trig_be = 0;
    uint32_t shift_be = 0, chip_be = 0;
    int64_t rc = opal(OPAL_XIVE_GET_IRQ_INFO, girq, (uint64_t)(uintptr_t)&flags_be, (uint64_t)(uintptr_t)&eoi_be,
                      (uint64_t)(uintptr_t)&trig_be, (uint64_t)(uintptr_t)&shift_be, (uint64_t)(uintptr_t)&chip_be);
    if (rc != OPAL_SUCCESS) {
        kprintf("[kernel] XIVE: no information on interrupt %u (%ld)\n", girq, rc);
        return false;
    }
    s->girq = girq;
    s->flags = __builtin_bswap64(flags_be);
    s->eoi = __builtin_bswap64(eoi_be);
    s->trig = __builtin_bswap64(trig_be);
    s->esb_shift = __builtin_bswap32(shift_be);
    rc = opal(OPAL_XIVE_SET_IRQ_CONFIG, girq, boot_vp(), QUEUE_PRIO, lirq, 0, 0);
    if (rc != OPAL_SUCCESS) {
        kprintf("[kernel] XIVE: cannot route interrupt %u (%ld)\n", girq, rc);
        return false;
    }
    return true;
}

static void eoi(const struct source *s)
{
    if (s->flags & OPAL_XIVE_IRQ_STORE_EOI) ci_st64(s->eoi + ESB_STORE_EOI, 0);
    else if (s->flags & OPAL_XIVE_IRQ_LSI) (void)ci_ld64(s->eoi + ESB_LOAD_EOI);
    else if ((ci_ld64(s->eoi + ESB_SET_PQ_00) & ESB_VAL_Q) && s->trig) ci_st64(s->trig, 0);
}

/* A line is offered to user level only if its trigger page is its own (a page apart from
 * the management page): the root server gets that page as device untyped. */
static void alloc_lines(struct boot_config *bc)
{
    while (nlines < XIVE_LINES) {
        int64_t girq = opal(OPAL_XIVE_ALLOCATE_IRQ, OPAL_XIVE_ANY_CHIP, 0, 0, 0, 0, 0);
        if (girq < 0) {
            kprintf("[kernel] XIVE: OPAL_XIVE_ALLOCATE_IRQ: %ld\n", girq);
            break;
        }
        struct source *s = &lines[nlines];
        if (!route(s, (uint32_t)girq, (uint32_t)nlines)) break;
        (void)ci_ld64(s->eoi + ESB_SET_PQ_01);
        /* OPAL reports the shift of the page pair (measured on QEMU 7.2: 17, the EOI page
         * 64 KiB after the trigger page): the trigger page ends where the EOI page starts. */
        word_t size = s->esb_shift < 64 ? BIT(s->esb_shift) : 0;
        if (s->eoi > s->trig && s->eoi - s->trig < size) size = s->eoi - s->trig;
        if (!s->trig || size < BIT(PAGE_BITS) || (size & (size - 1)) || (s->trig & (size - 1)) ||
            (s->trig <= s->eoi && s->eoi < s->trig + size) || bc->ndevice == ARRAY_SIZE(bc->device)) {
            kprintf("[kernel] XIVE: interrupt %u has no separate trigger page: not offered\n", s->girq);
            break;
        }
        s->trig_size = size;
        bc->device[bc->ndevice++] = (struct boot_region){s->trig, s->trig + size};
        nlines++;
    }
}

static void route_opal_interrupts(const void *fdt)
{
    int node = fdt_path_offset(fdt, "/ibm,opal"), len = 0;
    const fdt32_t *p = node >= 0 ? fdt_getprop(fdt, node, "opal-interrupts", &len) : NULL;
    for (int i = 0; p && i < len / 4 && nopal < MAX_OPAL_IRQS; i++) {
        struct source *s = &opal_irqs[nopal];
        if (!route(s, fdt32_to_cpu(p[i]), LIRQ_OPAL + (uint32_t)nopal)) continue;
        (void)ci_ld64(s->eoi + ESB_SET_PQ_00);
        nopal++;
    }
}

void p9_xive_init(const void *fdt, struct boot_config *bc)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "ibm,opal-xive-pe"), len;
    int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
    const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    if (!reg || ac != 2 || sc < 1 || sc > 2 || len < (int)sizeof(fdt32_t) * 2 * (ac + sc)) {
        kprintf("[kernel] no XIVE in the device tree: no interrupt lines\n");
        return;
    }
    tima = ((uint64_t)fdt32_to_cpu(reg[ac + sc]) << 32) | fdt32_to_cpu(reg[ac + sc + 1]);
    int64_t rc = opal(OPAL_XIVE_RESET, OPAL_XIVE_MODE_EXPL, 0, 0, 0, 0, 0);
    if (rc == OPAL_SUCCESS)
        rc = opal(OPAL_XIVE_SET_QUEUE_INFO, boot_vp(), QUEUE_PRIO, (uint64_t)(uintptr_t)queue, QUEUE_SHIFT,
                  OPAL_XIVE_EQ_ENABLED | OPAL_XIVE_EQ_ALWAYS_NOTIFY, 0);
    if (rc != OPAL_SUCCESS) {
        kprintf("[kernel] XIVE: exploitation mode refused (%ld): no interrupt lines\n", rc);
        tima = 0;
        return;
    }
    route_opal_interrupts(fdt);
    alloc_lines(bc);
    ci_st8(tima + TM_QW3_CPPR, 0xff);
    mtspr(SPRN_LPCR, mfspr(SPRN_LPCR) | LPCR_HVICE);
    __asm__ volatile("isync" ::: "memory");
    kprintf("[kernel] XIVE: %lu interrupt lines (trigger pages from %lx, %lu KiB each), %lu OPAL interrupts, TIMA %lx\n",
            nlines, nlines ? lines[0].trig : 0, nlines ? lines[0].trig_size >> 10 : 0, nopal, tima);
}

static void dispatch(uint32_t lirq)
{
    if (lirq < nlines) {
        handle_interrupt(lirq);
    } else if (lirq >= LIRQ_OPAL && lirq - LIRQ_OPAL < nopal) {
        const struct source *s = &opal_irqs[lirq - LIRQ_OPAL];
        uint64_t events_be = 0;
        opal(OPAL_HANDLE_INTERRUPT, s->girq, (uint64_t)(uintptr_t)&events_be, 0, 0, 0, 0);
        if (!(s->flags & OPAL_XIVE_IRQ_EOI_VIA_FW)) eoi(s);
    }
}

/* The hypervisor virtualization interrupt: every notification the HV physical ring holds. */
void p9_xive_interrupt(void)
{
    if (!tima) return;
    for (;;) {
        uint16_t ack = ci_ld16(tima + TM_SPC_ACK_HV);
        if ((ack & TM_ACK_HE_MASK) != TM_ACK_HE_PHYS) break;
        for (;;) {
            uint32_t e = __builtin_bswap32(__atomic_load_n(&queue[qidx], __ATOMIC_ACQUIRE));
            if ((e & QUEUE_GEN) != qgen) break;
            qidx = (qidx + 1) & (uint32_t)(ARRAY_SIZE(queue) - 1);
            if (qidx == 0) qgen ^= QUEUE_GEN;
            dispatch(e & ~QUEUE_GEN);
        }
        ci_st8(tima + TM_QW3_CPPR, 0xff);
    }
}

bool p9_xive_pending(void)
{
    return tima && (ci_ld8(tima + TM_QW3_NSR) & TM_NSR_HE_MASK) != 0;
}

word_t plat_irq_count(void)
{
    return nlines;
}

bool plat_irq_reserved(word_t irq)
{
    return irq >= nlines;
}

void plat_irq_mask(word_t irq, bool masked)
{
    if (irq < nlines) (void)ci_ld64(lines[irq].eoi + (masked ? ESB_SET_PQ_01 : ESB_SET_PQ_00));
}

/* The queue entry was consumed and the CPPR restored in p9_xive_interrupt; the source is
 * masked (PQ = 01) until the handler's Ack. */
void plat_irq_ack(word_t irq)
{
    (void)irq;
}
