/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The hostile guest: VT_HOSTILE_CALLS random hypercalls (through the page and bare VMMCALLs
 * with any rax), with random MSR, port, string I/O, CPUID and MMIO accesses (reads and writes
 * where nothing is) in between, from a fixed seed; then a jump outside its RAM. Argument structures hold random words; pointers are random, in
 * a scratch buffer, at the edge of RAM or unmapped. Excluded, because they would end or stall
 * the guest rather than test the VMM: SCHEDOP_shutdown/block/poll, writes that would really install
 * the hypercall page or change EFER, grant map, unmap and copy batches anywhere but a few ops in
 * scratch (and copies into its frames other than scratch's last page), and the UART, debug and
 * ACPI sleep ports (S5 powers off).
 */
#include <xen/grant_table.h>
#include "guest.h"

static uint64_t rng = VT_HOSTILE_SEED;
static uint8_t scratch[65536] __attribute__((aligned(4096)));

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t word(void)
{
    switch (rnd() % 4) {
    case 0: return rnd() % 64;
    case 1: return DOMID_SELF | (rnd() % 48) << 32;
    default: return rnd();
    }
}

/* A pointer argument; when it points into scratch, the structure there is random words. */
static uint64_t pointer(void)
{
    switch (rnd() % 8) {
    case 0: return 0;
    case 1: return VT_RAM_SIZE - rnd() % 64;
    case 2: return rnd();
    case 3: return 0xffff800000000000ull + (rnd() % 4096) * 8;
    case 4: return 0x40000000ull + 0x1f0000 + rnd() % 0x20000;   /* the alias, across its end */
    default: {
        uint64_t off = (rnd() % 32768) & ~7ull;
        for (int i = 0; i < 4; i++) ((volatile uint64_t *)(scratch + off))[i] = word();
        return (uint64_t)(uintptr_t)(scratch + off);
    }
    }
}

static uint64_t bad_pointer(void)
{
    return rnd() % 2 ? rnd() | (1ull << 47) : VT_RAM_SIZE + rnd() % 4096;
}

static const unsigned known[] = {__HYPERVISOR_memory_op, __HYPERVISOR_xen_version, __HYPERVISOR_console_io, __HYPERVISOR_vcpu_op,
                                 __HYPERVISOR_sched_op, __HYPERVISOR_event_channel_op, __HYPERVISOR_hvm_op, __HYPERVISOR_grant_table_op,
                                 __HYPERVISOR_set_timer_op};

/* Ops of GNTTABOP_map_grant_ref, unmap_grant_ref and copy for one_hypercall: a few, of random
 * words, in scratch's last pages; a copy's destination given by frame is scratch's last page.
 * Each op's status is written back over it (and a copy writes its destination), as on Xen:
 * a long batch over the guest's own memory, or a copy into any of its frames, would overwrite
 * its code and tables, which ends the guest rather than tests the VMM. */
static uint64_t grant_ops(uint64_t cmd)
{
    uint8_t *ops = scratch + 49152;
    for (int i = 0; i < 4 * 40 / 8; i++) ((volatile uint64_t *)ops)[i] = word();
    for (int k = 0; cmd == GNTTABOP_copy && k < 4; k++) {
        volatile struct gnttab_copy *c = (volatile struct gnttab_copy *)(ops + 40 * k);
        if (!(c->flags & GNTCOPY_dest_gref)) c->dest.u.gmfn = (uint64_t)(uintptr_t)(scratch + 61440) >> 12;
    }
    return rnd() % 4 ? (uint64_t)(uintptr_t)ops : bad_pointer();
}

static void one_hypercall(void)
{
    unsigned nr = rnd() % 8 ? known[rnd() % (sizeof known / sizeof known[0])] : (unsigned)(rnd() % 64);
    uint64_t cmd = rnd() % 4 ? rnd() % 16 : rnd();
    uint64_t a2 = pointer(), a3 = pointer();
    if (nr == __HYPERVISOR_sched_op && (cmd == SCHEDOP_block || cmd == SCHEDOP_shutdown || cmd == SCHEDOP_poll))
        cmd = SCHEDOP_yield;
    if (nr == __HYPERVISOR_console_io) a3 = bad_pointer();
    if (nr == __HYPERVISOR_vcpu_op) a2 = rnd() % 4;
    if (nr == __HYPERVISOR_grant_table_op &&
        (cmd == GNTTABOP_map_grant_ref || cmd == GNTTABOP_unmap_grant_ref || cmd == GNTTABOP_copy))
        a2 = grant_ops(cmd), a3 = rnd() % 5;
    if (rnd() % 4 == 0) {
        uint64_t rax = rnd() % 2 ? nr : rnd();
        if (rax == __HYPERVISOR_sched_op || rax == __HYPERVISOR_console_io) rax = 1000;
        (void)vmmcall(rax, cmd, a2, a3, pointer(), word());
    } else {
        (void)hypercall(nr, cmd, a2, a3);
    }
}

static uint32_t msr_index(void)
{
    static const uint32_t some[] = {0x10, 0x1b, 0x277, 0x174, 0x175, 0x176, 0xc0000081, 0xc0000082, 0xc0000083,
                                    0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000080, VMM_HYPERCALL_MSR,
                                    0x40000001, 0xc0010000, 0x3a, 0x8b, 0xfe};
    switch (rnd() % 3) {
    case 0: return some[rnd() % (sizeof some / sizeof some[0])];
    case 1: return (uint32_t)(rnd() % 0x2000);
    default: return (uint32_t)rnd();
    }
}

static void one_msr(void)
{
    uint32_t msr = msr_index();
    if (rnd() % 2) {
        (void)rdmsr(msr);
        return;
    }
    uint64_t v = word();
    if (msr == 0xc0000080) v |= 1ull << 20;                   /* reserved: must #GP */
    if (msr == VMM_HYPERCALL_MSR) v = VT_RAM_SIZE + (v << 12); /* outside RAM: must #GP */
    wrmsr(msr, v);
}

static void one_port(void)
{
    uint16_t port = (uint16_t)rnd();
    if ((port >= 0x3f8 && port <= 0x3ff) || (port >= 0x500 && port <= 0x50b) || port == 0x520 || port == 0x521)
        port = 0x80;
    uint32_t v = (uint32_t)rnd();
    switch (rnd() % 6) {
    case 0: (void)inb(port); break;
    case 1: { uint16_t w; __asm__ volatile("inw %1, %0" : "=a"(w) : "Nd"(port)); (void)w; break; }
    case 2: (void)inl(port); break;
    case 3: outb(port, (uint8_t)v); break;
    case 4: __asm__ volatile("outw %0, %1" : : "a"((uint16_t)v), "Nd"(port)); break;
    default: outl(port, v); break;
    }
}

/* REP INS/OUTS of up to 63 elements between a random port and a random pointer. */
static void one_string(void)
{
    uint16_t port = (uint16_t)rnd();
    if ((port >= 0x3f8 && port <= 0x3ff) || (port >= 0x500 && port <= 0x50b) || port == 0x520 || port == 0x521)
        port = 0x80;
    uint64_t count = rnd() % 64;
    void *p = (void *)(uintptr_t)pointer();
    switch (rnd() % 4) {
    case 0: __asm__ volatile("rep insb" : "+D"(p), "+c"(count) : "d"(port) : "memory"); break;
    case 1: __asm__ volatile("rep insl" : "+D"(p), "+c"(count) : "d"(port) : "memory"); break;
    case 2: __asm__ volatile("rep outsb" : "+S"(p), "+c"(count) : "d"(port) : "memory"); break;
    default: __asm__ volatile("rep outsl" : "+S"(p), "+c"(count) : "d"(port) : "memory"); break;
    }
}

/* A read or write of 1, 2, 4 or 8 bytes somewhere in the identity-mapped first GiB above RAM,
 * where nothing is (unless the random hypercalls placed a grant frame or shared_info there):
 * reads return all ones, writes go nowhere, and the guest goes on. */
static void one_mmio(void)
{
    uint64_t at = VT_RAM_SIZE + rnd() % ((1ull << 30) - VT_RAM_SIZE - 8), v = rnd();
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)at;
    switch (rnd() % 8) {
    case 0: (void)*p; break;
    case 1: (void)*(volatile uint16_t *)p; break;
    case 2: (void)*(volatile uint32_t *)p; break;
    case 3: (void)*(volatile uint64_t *)p; break;
    case 4: *p = (uint8_t)v; break;
    case 5: *(volatile uint16_t *)p = (uint16_t)v; break;
    case 6: *(volatile uint32_t *)p = (uint32_t)v; break;
    default: *(volatile uint64_t *)p = v; break;
    }
}

static void one_cpuid(void)
{
    static const uint32_t bases[] = {0, 0x40000000, 0x80000000, 0x4fffff00};
    uint32_t leaf = rnd() % 8 ? bases[rnd() % 4] + (uint32_t)(rnd() % 32) : (uint32_t)rnd();
    (void)cpuid(leaf, (uint32_t)(rnd() % 4 ? rnd() % 4 : rnd()));
}

void test_hostile(void)
{
    for (uint32_t i = 0; i < VT_HOSTILE_CALLS; i++) {
        one_hypercall();
        switch (rnd() % 6) {
        case 0: one_msr(); break;
        case 1: one_port(); break;
        case 2: one_cpuid(); break;
        case 3: one_string(); break;
        case 4: one_mmio(); break;
        default: break;
        }
        if (i % 20000 == 0) uart_puts("hostile guest: still going\n");
    }
    outl(VMM_DEBUG_PORT_VALUE, gp_count);
    check(1, 1, gp_count);
    jump_to_nothing(VT_HOSTILE_NPF_GPA);
}
