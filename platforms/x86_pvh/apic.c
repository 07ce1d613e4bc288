/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Local APIC (the scheduler tick) and I/O APIC (device interrupt lines, numbered as GSIs).
 * The legacy PICs are masked. The APIC timer is calibrated against PIT channel 2.
 * References: Intel SDM vol. 3A ch. 11 (local APIC register offsets), the 82093AA I/O APIC
 * datasheet (IOREGSEL/IOWIN, redirection entries at 0x10 + 2n).
 */
#include "x86.h"

#define LAPIC_ID 0x20u
#define LAPIC_EOI 0xb0u
#define LAPIC_SVR 0xf0u
#define LAPIC_IRR 0x200u
#define LAPIC_LVT_TIMER 0x320u
#define LAPIC_TIMER_INIT 0x380u
#define LAPIC_TIMER_CUR 0x390u
#define LAPIC_TIMER_DIV 0x3e0u
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

/* TSC ticks per ms, measured in the same 10 ms as the APIC timer (0 without a PIT). */
static word_t tsc_khz;

/* APIC timer counts in 10 ms of PIT channel 2 (1.193182 MHz, gate through port 0x61); the
 * TSC is measured over the same window, for user level (boot info counter_khz). */
static uint32_t calibrate_lapic_timer(void)
{
    const uint16_t pit_count = 11932;
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02u) | 0x01u));
    outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, (uint8_t)pit_count);
    outb(0x42, (uint8_t)(pit_count >> 8));
    *lapic(LAPIC_TIMER_DIV) = 0xb; /* divide by 1 */
    *lapic(LAPIC_LVT_TIMER) = LVT_MASKED;
    *lapic(LAPIC_TIMER_INIT) = 0xffffffffu;
    uint64_t tsc0 = rdtsc();
    /* Bounded: a machine without the port 0x61 gate (microvm) never sets the bit. */
    for (uint32_t spins = 0; !(inb(0x61) & 0x20); spins++) {
        if (spins == 50000000u) {
            *lapic(LAPIC_TIMER_INIT) = 0;
            return 0;
        }
    }
    uint32_t elapsed = 0xffffffffu - *lapic(LAPIC_TIMER_CUR);
    tsc_khz = (rdtsc() - tsc0) / 10u;
    *lapic(LAPIC_TIMER_INIT) = 0;
    return elapsed;
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
    kprintf("[kernel] APIC timer: %u counts per %u us tick; TSC %lu kHz; I/O APIC with %lu lines\n", per_tick, TICK_US,
            tsc_khz, ioapic_pins);
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
