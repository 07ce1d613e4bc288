/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Local APIC (the scheduler tick) and I/O APIC (device interrupt lines, numbered as GSIs).
 * The legacy PICs are masked. The APIC timer is calibrated against PIT channel 2.
 * References: Intel SDM vol. 3A ch. 11 (local APIC register offsets), the 82093AA I/O APIC
 * datasheet (IOREGSEL/IOWIN, redirection entries at 0x10 + 2n).
 */
#include "x86.h"
#include "irte.h"

#define LAPIC_ID 0x20u
#define LAPIC_EOI 0xb0u
#define LAPIC_SVR 0xf0u
#define LAPIC_ISR 0x100u
#define LAPIC_IRR 0x200u
#define LAPIC_LVT_TIMER 0x320u
#define LAPIC_TIMER_INIT 0x380u
#define LAPIC_TIMER_CUR 0x390u
#define LAPIC_TIMER_DIV 0x3e0u
#define LAPIC_ICR_LOW 0x300u
#define ICR_SELF (1u << 18)       /* destination shorthand 01: this processor */
#define ICR_DELIVERY_STATUS (1u << 12)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TICK_US 1000u

static volatile uint32_t *lapic(uint32_t reg)
{
    return (volatile uint32_t *)paddr_to_ptr(LAPIC_PADDR + reg);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)paddr_to_ptr(IOAPIC_PADDR) = reg;
    *(volatile uint32_t *)paddr_to_ptr(IOAPIC_PADDR + 0x10) = v;
}

static uint32_t ioapic_read(uint32_t reg)
{
    *(volatile uint32_t *)paddr_to_ptr(IOAPIC_PADDR) = reg;
    return *(volatile uint32_t *)paddr_to_ptr(IOAPIC_PADDR + 0x10);
}

static word_t ioapic_pins = IOAPIC_PINS;
static uint32_t ioapic_low[IOAPIC_PINS];

void x86_lapic_eoi(void)
{
    *lapic(LAPIC_EOI) = 0;
}

/* A fixed interrupt to this processor: an MSI line's pending interrupt, raised again. */
void x86_lapic_self_ipi(word_t vector)
{
    /* A previous IPI still being sent: wait a bounded while (the kernel sends no other IPIs
     * on this processor, so this is at most the last self-IPI's delivery). */
    for (unsigned i = 0; i < 100000u && (*lapic(LAPIC_ICR_LOW) & ICR_DELIVERY_STATUS); i++) {}
    *lapic(LAPIC_ICR_LOW) = ICR_SELF | (uint32_t)vector;
}

uint8_t x86_boot_apic_id(void)
{
    return (uint8_t)(*lapic(LAPIC_ID) >> 24);
}

bool x86_lapic_in_service(word_t vector)
{
    if (vector > 255) return false;
    return (*lapic(LAPIC_ISR + 0x10 * (uint32_t)(vector / 32)) >> (vector % 32)) & 1u;
}

/* TSC ticks per ms, measured with the APIC timer's rate (0 without a PIT). */
static word_t tsc_khz;

/* Calibration against PIT channel 2 (1.193182 MHz, gated through port 0x61), loaded once
 * with 65535 in mode 0 per window. A sample reads the PIT count, its output, the APIC timer and
 * the TSC between two TSC readings; a sample whose readings lie far apart was interrupted
 * (on a loaded host QEMU's thread is preempted) and is taken again. A window is two samples at
 * least 10 ms of PIT counts apart: the rates come from the counts measured, never from an
 * assumed length, so a preemption between samples costs nothing. The median of the windows is
 * kept, so one bad window cannot move it. (Before, one 10 ms window assumed to be 10 ms: 9 of
 * 75 boots on a loaded host measured more than 25% high, up to 23.9 GHz.) */
#define PIT_HZ 1193182u
#define CAL_WINDOW_PIT 11932u        /* 10 ms */
#define CAL_WINDOWS 5u
#define CAL_TRIES 10u
#define CAL_SAMPLES_PER_WINDOW 2000000u
#define CAL_NO_PIT_SAMPLES 100000u   /* a count never below 0xff00: no PIT (microvm) */

struct cal_sample {
    uint64_t tsc;      /* middle of the bracket */
    uint64_t span;     /* TSC ticks the sample took */
    uint32_t apic;     /* APIC timer current count (counts down) */
    uint16_t pit;      /* PIT channel 2 count (counts down) */
    bool ran_out;      /* the PIT output is high: the count reached 0 */
};

static void cal_read(struct cal_sample *s)
{
    uint64_t t0 = rdtsc();
    outb(0x43, 0x80); /* latch channel 2's count */
    uint8_t lo = inb(0x42);
    uint8_t hi = inb(0x42);
    s->ran_out = (inb(0x61) & 0x20) != 0;
    s->apic = *lapic(LAPIC_TIMER_CUR);
    uint64_t t1 = rdtsc();
    s->pit = (uint16_t)(lo | (hi << 8));
    s->tsc = t0 + (t1 - t0) / 2;
    s->span = t1 - t0;
}

/* The shortest of a few samples: the yardstick for an uninterrupted one. */
static uint64_t cal_min_span(void)
{
    uint64_t best = ~0ull;
    for (int i = 0; i < 16; i++) {
        struct cal_sample s;
        cal_read(&s);
        if (s.span < best) best = s.span;
    }
    return best;
}

/* One window: true with the APIC counts per 10 ms and the TSC kHz it measured. */
static bool cal_window(uint64_t max_span, uint32_t *apic_per_10ms, uint64_t *khz, bool *no_pit)
{
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02u) | 0x01u)); /* gate on, speaker off */
    outb(0x43, 0xb0);                                     /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    struct cal_sample first, s;
    /* The first sample once the count has surely been loaded (a read before the load is
     * undefined): 0xff00 leaves 45 ms of count, more than a window needs. */
    uint32_t n = 0;
    do {
        if (++n == CAL_NO_PIT_SAMPLES) {
            *no_pit = true;
            return false;
        }
        cal_read(&first);
    } while (first.span > max_span || first.pit > 0xff00u);
    if (first.ran_out) return false;
    for (n = 0; n < CAL_SAMPLES_PER_WINDOW; n++) {
        cal_read(&s);
        if (s.ran_out) return false;
        uint16_t pit_ticks = (uint16_t)(first.pit - s.pit);
        if (s.span > max_span || pit_ticks < CAL_WINDOW_PIT) continue;
        *apic_per_10ms = (uint32_t)((uint64_t)(first.apic - s.apic) * CAL_WINDOW_PIT / pit_ticks);
        *khz = (s.tsc - first.tsc) * PIT_HZ / ((uint64_t)pit_ticks * 1000u);
        return true;
    }
    return false;
}

/* What the boot line reports: the windows kept and the spread of their TSC rates. */
static uint32_t cal_windows;
static uint64_t cal_khz_low, cal_khz_high;

static void sort_u64(uint64_t *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* APIC timer counts per 10 ms (0 without a PIT); sets tsc_khz. */
static uint32_t calibrate_lapic_timer(void)
{
    uint64_t apic[CAL_WINDOWS], khz[CAL_WINDOWS];
    uint32_t got = 0;
    bool no_pit = false;
    *lapic(LAPIC_TIMER_DIV) = 0xb; /* divide by 1 */
    *lapic(LAPIC_LVT_TIMER) = LVT_MASKED;
    *lapic(LAPIC_TIMER_INIT) = 0xffffffffu;
    uint64_t max_span = 4 * cal_min_span();
    for (uint32_t t = 0; t < CAL_TRIES && got < CAL_WINDOWS && !no_pit; t++) {
        uint32_t a;
        uint64_t k;
        *lapic(LAPIC_TIMER_INIT) = 0xffffffffu; /* a fresh count: it cannot wrap in a window */
        if (cal_window(max_span, &a, &k, &no_pit)) {
            apic[got] = a;
            khz[got] = k;
            got++;
        }
    }
    *lapic(LAPIC_TIMER_INIT) = 0;
    if (got == 0) {
        tsc_khz = 0;
        return 0;
    }
    sort_u64(apic, got);
    sort_u64(khz, got);
    tsc_khz = khz[got / 2];
    cal_windows = got;
    cal_khz_low = khz[0];
    cal_khz_high = khz[got - 1];
    return (uint32_t)apic[got / 2];
}

static void init_ioapic(void)
{
    uint32_t ver = ioapic_read(1);
    word_t pins = ((ver >> 16) & 0xff) + 1;
    if ((ver & 0xff) == 0 || pins > IOAPIC_PINS) pins = IOAPIC_PINS;
    ioapic_pins = pins;
    for (uint32_t g = 0; g < pins; g++) {
        /* ISA lines (0..15) are edge/active-high; PCI lines (16..) level/active-low. */
        uint32_t low = (VECTOR_IRQ_BASE + g) | (1u << 16);
        if (g >= 16) low |= (1u << 15) | (1u << 13);
        ioapic_low[g] = low;
        ioapic_write(0x10 + 2 * g, low);
        ioapic_write(0x11 + 2 * g, (*lapic(LAPIC_ID) >> 24) << 24);
    }
}

word_t x86_ioapic_lines(void) { return ioapic_pins; }
bool x86_ioapic_level(word_t line) { return line >= 16; }

/* With interrupt remapping on, compatibility-format requests are blocked: line g goes through
 * remapping entry g (intremap.c wrote it), with the same vector for the EOI. */
void x86_ioapic_remap(void)
{
    for (uint32_t g = 0; g < ioapic_pins; g++) {
        ioapic_low[g] = ioapic_remappable_low(ioapic_low[g], (uint16_t)g);
        ioapic_write(0x10 + 2 * g, ioapic_low[g] | (1u << 16)); /* masked while it changes */
        ioapic_write(0x11 + 2 * g, ioapic_remappable_high((uint16_t)g));
        ioapic_write(0x10 + 2 * g, ioapic_low[g]);
    }
}

void x86_init_interrupts(void)
{
    outb(0x21, 0xff); /* mask both 8259 PICs */
    outb(0xa1, 0xff);
    *lapic(LAPIC_SVR) = 0x100u | VECTOR_SPURIOUS;
    uint32_t per_10ms = calibrate_lapic_timer();
    if (per_10ms < 100000u) {
        /* No PIT gate, or one that answers at once (microvm): a timer under 10 MHz is not
         * credible. QEMU's APIC timer runs at 1 GHz; say that we assumed it. */
        per_10ms = 10000000u;
        tsc_khz = 0;
        kprintf("[kernel] APIC timer: PIT channel 2 did not answer; assuming a 1 GHz timer\n");
    }
    uint32_t per_tick = per_10ms / (10000u / TICK_US);
    if (per_tick == 0) per_tick = 1;
    *lapic(LAPIC_TIMER_DIV) = 0xb;
    *lapic(LAPIC_LVT_TIMER) = VECTOR_TIMER | LVT_PERIODIC;
    *lapic(LAPIC_TIMER_INIT) = per_tick;
    init_ioapic();
    if (tsc_khz)
        kprintf("[kernel] APIC timer: %u counts per %u us tick; TSC %lu kHz (median of %u windows, %lu..%lu); "
                "I/O APIC with %lu lines\n", per_tick, TICK_US, tsc_khz, cal_windows, cal_khz_low, cal_khz_high,
                ioapic_pins);
    else
        kprintf("[kernel] APIC timer: %u counts per %u us tick; TSC rate unknown; I/O APIC with %lu lines\n", per_tick,
                TICK_US, ioapic_pins);
}

word_t plat_counter_khz(void)
{
    return tsc_khz;
}

word_t plat_tick_us(void)
{
    return TICK_US;
}

word_t plat_irq_count(void)
{
    return ioapic_pins;
}

bool plat_irq_reserved(word_t irq)
{
    (void)irq;
    return false;
}

void plat_irq_mask(word_t irq, bool masked)
{
    if (irq >= IRQ_MSI_FIRST) {
        x86_msi_mask(irq, masked);
        return;
    }
    if (irq >= ioapic_pins) return;
    uint32_t low = ioapic_low[irq];
    low = masked ? (low | (1u << 16)) : (low & ~(1u << 16));
    ioapic_low[irq] = low;
    ioapic_write(0x10 + 2 * (uint32_t)irq, low);
}

void plat_irq_ack(word_t irq)
{
    (void)irq; /* The local APIC was acknowledged on entry. */
}

/* Any interrupt pending in the IRR (vectors 32..255)? */
bool plat_irq_pending(void)
{
    for (uint32_t i = 1; i < 8; i++)
        if (*lapic(LAPIC_IRR + 0x10 * i)) return true;
    return false;
}
