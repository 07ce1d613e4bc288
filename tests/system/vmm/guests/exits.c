/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The exits guest: every exit the VMM handles and every hypercall, with their error paths.
 * Each check reports to the debug port with the next number; the test root expects exactly
 * VT_EXITS_CHECKS passes and no failure. Then benchmarks, and a jump outside RAM
 * (VT_EXITS_NPF_GPA): an instruction fetch from nothing, which the VMM must report and end the
 * guest on (a read there returns all ones: mode=probe).
 */
#include <xen/arch-x86/cpuid.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include "guest.h"

#define ALIAS_VA 0x40000000ull     /* entry.S maps it to gpa 0x200000 */
#define ALIAS_GPA 0x200000ull
#define UNMAPPED_VA 0xdead00000000ull     /* not canonical (bit 47 set, 63:48 clear) */
#define UNMAPPED_CANONICAL_VA 0x7f0000000000ull
#define CALLBACK_VECTOR 0xf3u

static uint32_t next_id;
#define CHECK(cond, value) check(++next_id, (cond) ? 1 : 0, (uint64_t)(value))

static uint8_t vcpu_info_page[4096] __attribute__((aligned(4096)));
static uint8_t grant_page[2][4096] __attribute__((aligned(4096)));
static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));
static char buf[64];

static void boot_info(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *mm = (const void *)(uintptr_t)si->memmap_paddr;
    const struct hvm_modlist_entry *mod = (const void *)(uintptr_t)si->modlist_paddr;
    const char *cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
    CHECK(si->magic == XEN_HVM_START_MAGIC_VALUE && si->version >= 1, si->magic);
    /* RAM, then the console ring's page, reserved (type 2), at the top. */
    CHECK(si->memmap_entries == 2 && mm[0].addr == 0 && mm[0].size == VT_RAM_SIZE - 4096 && mm[0].type == 1 &&
              mm[1].addr == VT_RAM_SIZE - 4096 && mm[1].size == 4096 && mm[1].type == 2,
          si->memmap_entries);
    CHECK(memcmp(cmdline, VT_EXITS_CMDLINE, sizeof VT_EXITS_CMDLINE) == 0, cmdline[0]);
    CHECK(si->nr_modules == 1 && mod->size == sizeof VT_INITRD_TEXT - 1, si->nr_modules);
    CHECK((mod->paddr & 0xfff) == 0 && mod->paddr + mod->size <= VT_RAM_SIZE - 4096, mod->paddr);
    CHECK(memcmp((const void *)(uintptr_t)mod->paddr, VT_INITRD_TEXT, sizeof VT_INITRD_TEXT - 1) == 0, 0);
}

static void cpuid_leaves(void)
{
    struct cpuid_out r = cpuid(0x40000000, 0);
    CHECK(r.b == XEN_CPUID_SIGNATURE_EBX && r.c == XEN_CPUID_SIGNATURE_ECX && r.d == XEN_CPUID_SIGNATURE_EDX, r.b);
    CHECK(r.a >= 0x40000002, r.a);
    CHECK(cpuid(0x40000001, 0).a == ((4u << 16) | 17u), cpuid(0x40000001, 0).a);
    r = cpuid(0x40000002, 0);
    CHECK(r.a == 1 && r.b == VMM_HYPERCALL_MSR, r.a);
    r = cpuid(1, 0);
    CHECK((r.c >> 31) & 1, r.c);                    /* hypervisor present */
    CHECK(!((r.c >> 5) & 1) && !((r.c >> 26) & 1), r.c); /* no VMX, no XSAVE */
    CHECK(!((cpuid(0x80000001, 0).c >> 2) & 1), 0);  /* no SVM */
    CHECK(cpuid(0, 0).a >= 1, 0);                    /* native leaves pass through */
}

static void msrs(void)
{
    uint32_t gp = gp_count;
    wrmsr(VMM_HYPERCALL_MSR, (uint64_t)(uintptr_t)hypercall_page);
    CHECK(gp_count == gp, gp_count);
    CHECK(hypercall_page[0] == 0xb8 && hypercall_page[5] == 0x0f && hypercall_page[7] == 0xd9 &&
          hypercall_page[8] == 0xc3, hypercall_page[0]);
    CHECK(hypercall_page[17 * 32 + 1] == 17, hypercall_page[17 * 32 + 1]);
    wrmsr(VMM_HYPERCALL_MSR, 0x10000000);            /* outside RAM */
    CHECK(gp_count == gp + 1, gp_count);
    wrmsr(VMM_HYPERCALL_MSR, (uint64_t)(uintptr_t)hypercall_page | 1); /* page 1 does not exist */
    CHECK(gp_count == gp + 2, gp_count);
    (void)rdmsr(0x12345678);
    CHECK(gp_count == gp + 3, gp_count);
    wrmsr(0x12345678, 1);
    CHECK(gp_count == gp + 4, gp_count);
    (void)rdmsr(VMM_HYPERCALL_MSR);                  /* write-only */
    CHECK(gp_count == gp + 5, gp_count);
    uint64_t efer = rdmsr(0xc0000080);
    CHECK((efer & 0x500) == 0x500, efer);            /* LME and LMA */
    wrmsr(0xc0000080, efer | (1ull << 20));          /* a reserved bit */
    CHECK(gp_count == gp + 6, gp_count);
    CHECK(rdmsr(0x277) == 0x0007040600070406ull, 0);
    wrmsr(0x277, 0x0202020202020202ull);            /* type 2 is reserved */
    CHECK(gp_count == gp + 7, gp_count);
    wrmsr(0x277, 0x0006060606060606ull);
    CHECK(rdmsr(0x277) == 0x0006060606060606ull && gp_count == gp + 7, gp_count);
    uint64_t t0 = rdmsr(0x10), t1 = rdmsr(0x10);
    CHECK(t1 > t0, t1 - t0);
}

/* INS/OUTS: REP OUTSB to the UART, REP INSB from an empty port, REP INSW backwards (DF), a REP
 * longer than the VMM's batch (it resumes), and OUTSL without REP. */
static void string_io(void)
{
    static const char text[] = "string output through the UART\n";
    static uint8_t big[10000];
    const char *src = text;
    uint64_t n = sizeof text - 1;
    __asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(0x3f8) : "memory");
    CHECK(n == 0 && src == text + sizeof text - 1, n);
    uint8_t bytes[8];
    memset(bytes, 0, sizeof bytes);
    uint8_t *dst = bytes;
    n = sizeof bytes;
    __asm__ volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(0x1234) : "memory");
    CHECK(n == 0 && dst == bytes + 8 && bytes[0] == 0xff && bytes[7] == 0xff, bytes[0]);
    uint16_t words[3] = {0, 0, 0};
    uint16_t *dw = &words[2];
    n = 2;
    __asm__ volatile("std; rep insw; cld" : "+D"(dw), "+c"(n) : "d"(0x1234) : "memory");
    CHECK(n == 0 && (uintptr_t)dw == (uintptr_t)words && words[0] == 0 && words[1] == 0xffff && words[2] == 0xffff,
          words[0]);
    dst = big;
    n = sizeof big;
    __asm__ volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(0x1234) : "memory");
    CHECK(n == 0 && dst == big + sizeof big && big[0] == 0xff && big[sizeof big - 1] == 0xff, n);
    static const uint32_t word32 = 0x600d;
    const uint32_t *s32 = &word32;
    __asm__ volatile("outsl" : "+S"(s32) : "d"(0x1234) : "memory");
    CHECK((uintptr_t)s32 == (uintptr_t)&word32 + 4, 0);
    /* Unmapped memory: #PF with CR2 and the write bit for INS, nothing done; a non-canonical
     * address: #GP(0). (entry.S's handlers skip the 2-byte instruction.) */
    uint32_t pf = pf_count, gp = gp_count;
    dst = (uint8_t *)UNMAPPED_CANONICAL_VA;
    n = 4;
    __asm__ volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(0x1234) : "memory");
    CHECK(pf_count == pf + 1 && pf_cr2 == UNMAPPED_CANONICAL_VA && pf_error == 2 && n == 4 &&
              dst == (uint8_t *)UNMAPPED_CANONICAL_VA,
          pf_error);
    src = (const char *)UNMAPPED_CANONICAL_VA + 8;
    __asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(0x1234) : "memory");
    CHECK(pf_count == pf + 2 && pf_cr2 == UNMAPPED_CANONICAL_VA + 8 && pf_error == 0 && n == 4, pf_error);
    src = (const char *)UNMAPPED_VA;
    __asm__ volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(0x1234) : "memory");
    CHECK(gp_count == gp + 1 && pf_count == pf + 2 && n == 4, gp_count);
}

static void ports(void)
{
    uart_puts("hello from the test guest through the UART\n");
    CHECK(inb(0x3fd) == 0x60, inb(0x3fd));
    outb(0x3ff, 0x5a);
    CHECK(inb(0x3ff) == 0x5a, inb(0x3ff));
    outb(0x3fb, 0x80);                               /* DLAB: divisor latch */
    outb(0x3f8, 0x01);
    CHECK(inb(0x3f8) == 0x01, 0);
    outb(0x3fb, 0x03);
    CHECK(inb(0x3fa) == 0x01, 0);                    /* no interrupt pending */
    CHECK(inb(0x1234) == 0xff, 0);                   /* nothing there */
    CHECK(inl(0x1234) == 0xffffffffu, 0);
    uint32_t v;
    __asm__ volatile("movl $0x12345678, %%eax; inw $0x60, %%ax; movl %%eax, %0" : "=r"(v) : : "eax");
    CHECK(v == 0x1234ffffu, v);                      /* a 16-bit IN keeps the upper half */
    string_io();
}

static void version(void)
{
    struct xen_feature_info fi = {0, 0};
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0) == ((4 << 16) | 17), 0);
    memset(buf, 0, sizeof buf);
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uint64_t)buf, 0) == 0, 0);
    CHECK(memcmp(buf, "-bulkhead", 10) == 0, buf[0]);
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, UNMAPPED_VA, 0) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, VT_RAM_SIZE - 8, 0) == -XEN_EFAULT, 0);
    /* A guest-virtual address that is not the physical one: the VMM walks the page tables. */
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, ALIAS_VA + 0x100, 0) == 0, 0);
    CHECK(memcmp((const void *)(uintptr_t)(ALIAS_GPA + 0x100), "-bulkhead", 10) == 0, 0);
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uint64_t)&fi, 0) == 0, 0);
    CHECK((fi.submap & (1u << XENFEAT_auto_translated_physmap)) && (fi.submap & (1u << XENFEAT_hvm_callback_vector)),
          fi.submap);
    fi.submap_idx = 1;
    CHECK(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uint64_t)&fi, 0) == -XEN_EINVAL, 0);
    CHECK(hypercall(__HYPERVISOR_xen_version, 99, 0, 0) == -XEN_ENOSYS, 0);
}

static void console_and_sched(void)
{
    static const char msg[] = "hello through console_io\n";
    CHECK(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof msg - 1, (uint64_t)msg) == 0, 0);
    CHECK(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, UNMAPPED_VA) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 0x1000, VT_RAM_SIZE - 0x800) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_console_io, 7, 0, 0) == -XEN_ENOSYS, 0);
    CHECK(hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0) == 0, 0);
    CHECK(hypercall(__HYPERVISOR_sched_op, 99, 0, 0) == -XEN_ENOSYS, 0);
    CHECK(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, UNMAPPED_VA, 0) == -XEN_EFAULT, 0);
    struct sched_shutdown bad = {77};
    CHECK(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)&bad, 0) == -XEN_EINVAL, 0);
}

static void memory_map(void)
{
    struct e820entry e[4];
    struct xen_memory_map m = {4, 0, (uint64_t)e};
    memset(e, 0, sizeof e);
    CHECK(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (uint64_t)&m, 0) == 0, 0);
    CHECK(m.nr_entries == 2 && e[0].addr == 0 && e[0].size == VT_RAM_SIZE - 4096 && e[0].type == 1 &&
              e[1].addr == VT_RAM_SIZE - 4096 && e[1].size == 4096 && e[1].type == 2,
          m.nr_entries);
    m.nr_entries = 0;
    CHECK(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (uint64_t)&m, 0) == 0 && m.nr_entries == 0, 0);
    CHECK(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, UNMAPPED_VA, 0) == -XEN_EFAULT, 0);
    m = (struct xen_memory_map){4, 0, UNMAPPED_VA};
    CHECK(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (uint64_t)&m, 0) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_memory_op, 99 & 0x3f, 0, 0) == -XEN_ENOSYS, 0);
}

static void hvm_params(void)
{
    struct xen_hvm_param p = {DOMID_SELF, 0, HVM_PARAM_CALLBACK_IRQ, 0x55};
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p, 0) == 0 && p.value == 0, p.value);
    /* The PV console: the ring's frame (the top page) and the VMM's port (the first one). */
    p.index = HVM_PARAM_CONSOLE_PFN;
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p, 0) == 0 && p.value == (VT_RAM_SIZE >> 12) - 1,
          p.value);
    p.index = HVM_PARAM_CONSOLE_EVTCHN;
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p, 0) == 0 && p.value == 1, p.value);
    p.index = 1000;
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)&p, 0) == -XEN_EINVAL, 0);
    p.index = HVM_PARAM_STORE_PFN;
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)&p, 0) == -XEN_EPERM, 0);
    p = (struct xen_hvm_param){5, 0, HVM_PARAM_CALLBACK_IRQ, 0};
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p, 0) == -XEN_ESRCH, 0);
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, UNMAPPED_VA, 0) == -XEN_EFAULT, 0);
    p = (struct xen_hvm_param){DOMID_SELF, 0, HVM_PARAM_CALLBACK_IRQ, (2ull << 56) | CALLBACK_VECTOR};
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)&p, 0) == 0, 0);
    p.value = 0;
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)&p, 0) == 0 && p.value == ((2ull << 56) | CALLBACK_VECTOR),
          p.value);
    CHECK(hypercall(__HYPERVISOR_hvm_op, 77, 0, 0) == -XEN_ENOSYS, 0);
}

static void vcpu_info(void)
{
    uint64_t mfn = (uint64_t)(uintptr_t)vcpu_info_page >> 12;
    struct vcpu_register_vcpu_info r = {mfn, 4090, 0};
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint64_t)&r) == -XEN_EINVAL, 0);
    r = (struct vcpu_register_vcpu_info){VT_RAM_SIZE >> 12, 0, 0};
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint64_t)&r) == -XEN_EINVAL, 0);
    r = (struct vcpu_register_vcpu_info){mfn, 64, 0};
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 5, (uint64_t)&r) == -XEN_ENOENT, 0);
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, UNMAPPED_VA) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint64_t)&r) == 0, 0);
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uint64_t)&r) == -XEN_EINVAL, 0);
    CHECK(hypercall(__HYPERVISOR_vcpu_op, 99, 0, 0) == -XEN_ENOSYS, 0);
    /* Periods below 50 us or beyond signed system time are refused (a huge one once hung the
     * VMM's catch-up loop); a valid one is stopped again. */
    struct vcpu_set_periodic_timer pt = {~0ull};
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, (uint64_t)&pt) == -XEN_EINVAL, 0);
    pt.period_ns = 1000;
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, (uint64_t)&pt) == -XEN_EINVAL, 0);
    pt.period_ns = 1ull << 62;
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, (uint64_t)&pt) == 0 &&
              hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0) == 0,
          0);
}

/* VCPUOP_register_vcpu_time_memory_area: the secondary time info Linux's vDSO reads, with its
 * refusals; kept in step with vcpu_info's at each update, and no longer after a null handle. */
static uint8_t time_area_page[4096] __attribute__((aligned(4096)));

static void time_area(void)
{
    volatile struct vcpu_time_info *area = (volatile struct vcpu_time_info *)(time_area_page + 64);
    const volatile struct vcpu_time_info *primary = (const volatile struct vcpu_time_info *)(vcpu_info_page + 64 + offsetof(struct vcpu_info, time));
    struct vcpu_register_time_memory_area r = {.addr.h = UNMAPPED_CANONICAL_VA};
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, UNMAPPED_VA) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, (uint64_t)&r) == -XEN_EFAULT, 0);
    r.addr.h = (uint64_t)(uintptr_t)(time_area_page + 4096 - 8);   /* across the page's end */
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, (uint64_t)&r) == -XEN_EINVAL, 0);
    r.addr.h = (uint64_t)(uintptr_t)area;
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 5, (uint64_t)&r) == -XEN_ENOENT, 0);
    CHECK(area->version == 0, area->version);
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, (uint64_t)&r) == 0, 0);
    uint32_t v1 = area->version;
    CHECK(v1 != 0 && (v1 & 1) == 0, v1);
    CHECK(area->tsc_to_system_mul == primary->tsc_to_system_mul && area->tsc_shift == primary->tsc_shift &&
              area->tsc_to_system_mul != 0, area->tsc_to_system_mul);
    CHECK(area->flags & XEN_PVCLOCK_TSC_STABLE_BIT, area->flags);
    CHECK(area->tsc_timestamp != 0 && area->tsc_timestamp <= rdtsc(), area->tsc_timestamp);
    /* A timer already due fires at the next exit, which updates both copies. */
    uint64_t before = area->system_time;
    CHECK(hypercall(__HYPERVISOR_set_timer_op, 1, 0, 0) == 0, 0);
    (void)hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    CHECK(area->version == v1 + 2 && area->system_time > before && area->system_time == primary->system_time,
          area->version);
    r.addr.h = 0;
    CHECK(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0, (uint64_t)&r) == 0, 0);
    uint32_t v2 = area->version, p2 = primary->version;
    CHECK(hypercall(__HYPERVISOR_set_timer_op, 1, 0, 0) == 0, 0);
    (void)hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    CHECK(area->version == v2 && primary->version == p2 + 2, primary->version);
}

static long sched_poll(const uint32_t *ports, uint32_t n, uint64_t timeout)
{
    struct sched_poll p = {.ports = (uint64_t)(uintptr_t)ports, .nr_ports = n, .timeout = timeout};
    return hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint64_t)(uintptr_t)&p, 0);
}

/* SCHEDOP_poll: its refusals, a timeout already past, and a pending (masked) port. */
/* The date as Xen gives it: wc_sec at system time 0 plus system time. The vmm suite checks it
 * against the host's clock around the run. */
static void wallclock(const struct shared_info *si)
{
    CHECK((si->wc_version & 1) == 0, si->wc_version);
    uint64_t now = si->wc_sec + ((uint64_t)si->wc_sec_hi << 32) +
                   (si->wc_nsec + si->vcpu_info[0].time.system_time) / 1000000000u;
    char line[48] = "wallclock: ", digits[20];
    int k = 0, at = 11;
    for (uint64_t v = now; v || k == 0; v /= 10) digits[k++] = (char)('0' + v % 10);
    while (k) line[at++] = digits[--k];
    memcpy(line + at, " s since 1970\n", 15);
    uart_puts(line);
}

static void poll(void)
{
    uint32_t ports[2] = {1, 9999};
    CHECK(sched_poll(ports, 129, 0) == -XEN_EINVAL, 0);
    CHECK(sched_poll((const uint32_t *)UNMAPPED_VA, 1, 1) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, UNMAPPED_VA, 0) == -XEN_EFAULT, 0);
    CHECK(sched_poll(ports, 2, 1) == -XEN_EINVAL, 0);
    CHECK(sched_poll(ports, 1, 1) == 0, 0);                  /* system time 1 ns: long past */
    /* shared_info holds the pending bits; the port is masked, so no upcall is raised. */
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                   (uint64_t)(uintptr_t)shared_info_page >> 12};
    CHECK(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x, 0) == 0, 0);
    struct shared_info *si = (struct shared_info *)shared_info_page;
    wallclock(si);
    struct evtchn_bind_ipi ipi = {0, 0};
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (uint64_t)(uintptr_t)&ipi, 0) == 0 && ipi.port < 64,
          ipi.port);
    si->evtchn_mask[0] |= 1ull << ipi.port;
    struct evtchn_send send = {ipi.port};
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)(uintptr_t)&send, 0) == 0 &&
              ((si->evtchn_pending[0] >> ipi.port) & 1),
          si->evtchn_pending[0]);
    /* Back at once, not after the timeout 10 s of system time ahead (20e9 TSC ticks). */
    const struct vcpu_time_info *t = &si->vcpu_info[0].time;
    ports[1] = ipi.port;
    uint64_t t0 = rdtsc();
    long rc = sched_poll(ports, 2, t->system_time + 10000000000ull);
    uint64_t spent = rdtsc() - t0;
    CHECK(rc == 0 && spent < 2000000000ull, spent);
    si->evtchn_pending[0] &= ~(1ull << ipi.port);
    si->evtchn_mask[0] &= ~(1ull << ipi.port);
    struct evtchn_close close = {ipi.port};
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close, (uint64_t)(uintptr_t)&close, 0) == 0, 0);
}

static void event_channels(void)
{
    struct evtchn_alloc_unbound a = {DOMID_SELF, 0, 0};
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uint64_t)&a, 0) == 0 && a.port >= 1, a.port);
    struct evtchn_send p = {a.port};   /* struct evtchn_close has the same one port */
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&p, 0) == 0, 0);
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close, (uint64_t)&p, 0) == 0, 0);
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close, (uint64_t)&p, 0) == -XEN_EINVAL, 0);
    p.port = 0;
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&p, 0) == -XEN_EINVAL, 0);
    p.port = 9999;
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&p, 0) == -XEN_EINVAL, 0);
    a.dom = 5;
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uint64_t)&a, 0) == -XEN_EPERM, 0);
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, UNMAPPED_VA, 0) == -XEN_EFAULT, 0);
    CHECK(hypercall(__HYPERVISOR_event_channel_op, 99, 0, 0) == -XEN_ENOSYS, 0);
    /* All ports of Xen's 2-level ABI: 4,094 allocate (port 0 is never, port 1 is the console's),
     * the next finds none. */
    a.dom = DOMID_SELF;
    int ok = 1;
    for (int i = 0; i < 4094; i++) ok &= hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uint64_t)&a, 0) == 0;
    CHECK(ok, a.port);
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uint64_t)&a, 0) == -XEN_ENOSPC, 0);
}

static long grant_op(uint32_t cmd, void *uop, uint32_t count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uint64_t)(uintptr_t)uop, count);
}

static long place_grant_frame(uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_grant_table, idx, gpfn};
    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x, 0);
}

/* Grant tables, the guest's own: sizes, versions, placing frames in RAM, and the refusals. */
static void grant_tables(void)
{
    uint64_t gpfn0 = (uint64_t)(uintptr_t)grant_page[0] >> 12, gpfn1 = (uint64_t)(uintptr_t)grant_page[1] >> 12;
    struct gnttab_query_size q = {.dom = DOMID_SELF, .nr_frames = 77, .max_nr_frames = 77, .status = 77};
    CHECK(grant_op(GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_okay && q.nr_frames == 0 && q.max_nr_frames == 4,
          q.max_nr_frames);
    q.dom = 5;
    CHECK(grant_op(GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_bad_domain, q.status);
    CHECK(grant_op(GNTTABOP_query_size, &q, 2) == -XEN_EINVAL, 0);
    CHECK(grant_op(GNTTABOP_query_size, (void *)UNMAPPED_VA, 1) == -XEN_EFAULT, 0);
    struct gnttab_set_version sv = {1};
    CHECK(grant_op(GNTTABOP_set_version, &sv, 1) == 0 && sv.version == 1, sv.version);
    sv.version = 2;
    CHECK(grant_op(GNTTABOP_set_version, &sv, 1) == -XEN_ENOSYS && sv.version == 1, sv.version);
    sv.version = 3;
    CHECK(grant_op(GNTTABOP_set_version, &sv, 1) == -XEN_EINVAL, 0);
    struct gnttab_get_version gv = {DOMID_SELF, 0, 0};
    CHECK(grant_op(GNTTABOP_get_version, &gv, 1) == 0 && gv.version == 1, gv.version);
    gv.dom = 5;
    CHECK(grant_op(GNTTABOP_get_version, &gv, 1) == -XEN_ESRCH, 0);
    /* Frame 0 at a RAM page: the page is cleared, and setup_table lists where it is. */
    memset(grant_page, 0xaa, sizeof grant_page);
    CHECK(place_grant_frame(0, gpfn0) == 0 && grant_page[0][0] == 0 && grant_page[0][4095] == 0, grant_page[0][0]);
    uint64_t frames[4] = {0, 0, 0, 0};
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 2, .status = 77, .frame_list = (uint64_t)(uintptr_t)frames};
    CHECK(grant_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay && frames[0] == gpfn0 &&
              frames[1] == VMM_INVALID_GFN && frames[2] == 0,
          frames[0]);
    st.nr_frames = 5;
    CHECK(grant_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_general_error, st.status);
    st = (struct gnttab_setup_table){.dom = DOMID_SELF, .nr_frames = 1, .frame_list = UNMAPPED_VA};
    CHECK(grant_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_bad_virt_addr, st.status);
    st.dom = 5;
    CHECK(grant_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_bad_domain, st.status);
    q.dom = DOMID_SELF;
    CHECK(grant_op(GNTTABOP_query_size, &q, 1) == 0 && q.nr_frames == 2, q.nr_frames); /* setup_table grew it */
    /* Refused: beyond the maximum, a v2 status frame, the console's page. */
    CHECK(place_grant_frame(4, gpfn1) == -XEN_EINVAL, 0);
    CHECK(place_grant_frame(XENMAPIDX_grant_table_status, gpfn1) == -XEN_EINVAL, 0);
    CHECK(place_grant_frame(1, (VT_RAM_SIZE >> 12) - 1) == -XEN_EINVAL, 0);
    /* Moving frame 0 carries its contents along. */
    grant_page[0][8] = 0x5c;
    CHECK(place_grant_frame(0, gpfn1) == 0 && grant_page[1][8] == 0x5c && grant_page[1][0] == 0, grant_page[1][8]);
    st = (struct gnttab_setup_table){.dom = DOMID_SELF, .nr_frames = 1, .frame_list = (uint64_t)(uintptr_t)frames};
    CHECK(grant_op(GNTTABOP_setup_table, &st, 1) == 0 && frames[0] == gpfn1, frames[0]);
    /* Grants between guests need a `grant` channel (the peers suite has them); without one, a map
     * is refused for its flags first, then for its domain, and no handle exists to unmap. */
    struct gnttab_map_grant_ref m = {.host_addr = 1ull << 31, .flags = GNTMAP_host_map, .ref = 8, .dom = 5};
    CHECK(grant_op(GNTTABOP_map_grant_ref, &m, 1) == 0 && m.status == GNTST_bad_domain, m.status);
    m.flags = 0;
    CHECK(grant_op(GNTTABOP_map_grant_ref, &m, 1) == 0 && m.status == GNTST_bad_gntref, m.status);
    struct gnttab_unmap_grant_ref u = {.host_addr = 1ull << 31, .handle = 0};
    CHECK(grant_op(GNTTABOP_unmap_grant_ref, &u, 1) == 0 && u.status == GNTST_bad_handle, u.status);
    CHECK(grant_op(GNTTABOP_transfer, frames, 1) == -XEN_ENOSYS && grant_op(99, frames, 1) == -XEN_ENOSYS, 0);
}

#define WINDOW_VA 0x40200000ull /* pd1[1]: 2 MiB of guest-physical space, anywhere */
#define GIB_PAGES (1ull << 18)

/* Shows the 2 MiB of guest-physical space around gpfn at WINDOW_VA; gpfn's grant entries there. */
static volatile struct grant_entry_v1 *window(uint64_t gpfn)
{
    pd1[1] = ((gpfn << 12) & ~0x1fffffull) | 0x83;
    __asm__ volatile("invlpg (%0)" : : "r"(WINDOW_VA) : "memory");
    return (volatile struct grant_entry_v1 *)(uintptr_t)(WINDOW_VA + ((gpfn << 12) & 0x1fffff));
}

/* setup_table's list of where the four frames are. */
static int frames_at(uint64_t f0, uint64_t f1, uint64_t f2, uint64_t f3)
{
    uint64_t frames[4] = {0, 0, 0, 0};
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 4, .status = 77, .frame_list = (uint64_t)(uintptr_t)frames};
    return grant_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay && frames[0] == f0 &&
           frames[1] == f1 && frames[2] == f2 && frames[3] == f3;
}

static int entry_is(volatile struct grant_entry_v1 *e, uint16_t flags, uint16_t domid, uint32_t frame)
{
    return e->flags == flags && e->domid == domid && e->frame == frame;
}

/* Grant frames beyond RAM are the VMM's own frames, mapped where the guest places them: frame 0
 * comes from RAM (page 1, byte 8 = 0x5c) to 1 GiB, takes a grant entry, moves to the last page
 * below the physical address limit (new page tables up to the PDPT), is replaced there by frame
 * 1, placed again at 1 GiB and then in RAM, its entry going with it every time. Then the page
 * tables run out (frame 2 one GiB further each time): -ENOMEM, the frame stays where it was. */
static void grant_frames_outside_ram(void)
{
    uint64_t gpfn0 = (uint64_t)(uintptr_t)grant_page[0] >> 12;
    unsigned bits = cpuid(0x80000008, 0).a & 0xffu;
    uint64_t limit = 1ull << ((bits < 48 ? bits : 48) - 12), top = limit - 1, g1 = GIB_PAGES;
    CHECK(place_grant_frame(0, g1) == 0, 0);
    volatile struct grant_entry_v1 *e = window(g1);
    CHECK(((volatile uint8_t *)e)[8] == 0x5c && ((volatile uint8_t *)e)[0] == 0, ((volatile uint8_t *)e)[8]);
    e[2].frame = 0x1234;
    e[2].domid = 7;
    e[2].flags = GTF_permit_access;
    CHECK(entry_is(&e[2], GTF_permit_access, 7, 0x1234) && frames_at(g1, VMM_INVALID_GFN, VMM_INVALID_GFN, VMM_INVALID_GFN),
          e[2].frame);
    CHECK(place_grant_frame(0, top) == 0 && frames_at(top, VMM_INVALID_GFN, VMM_INVALID_GFN, VMM_INVALID_GFN), top);
    e = window(top);
    CHECK(entry_is(&e[2], GTF_permit_access, 7, 0x1234), e[2].frame);
    /* Beyond the limit, or an idx too large: refused, nothing moves. */
    CHECK(place_grant_frame(1, limit) == -XEN_EINVAL && place_grant_frame(1, ~0ull) == -XEN_EINVAL &&
              place_grant_frame(1, 1ull << 52) == -XEN_EINVAL && place_grant_frame(5, g1) == -XEN_EINVAL,
          0);
    CHECK(frames_at(top, VMM_INVALID_GFN, VMM_INVALID_GFN, VMM_INVALID_GFN), 0);
    /* Frame 1 (new: zeros) where frame 0 is: frame 0 goes nowhere, its entry kept. */
    CHECK(place_grant_frame(1, top) == 0 && entry_is(&e[2], 0, 0, 0) && frames_at(VMM_INVALID_GFN, top, VMM_INVALID_GFN, VMM_INVALID_GFN),
          e[2].frame);
    CHECK(place_grant_frame(0, g1) == 0 && entry_is(&window(g1)[2], GTF_permit_access, 7, 0x1234), 0);
    grant_page[0][16] = 0xee;
    CHECK(place_grant_frame(0, gpfn0) == 0 && entry_is(&((volatile struct grant_entry_v1 *)grant_page[0])[2], GTF_permit_access, 7, 0x1234),
          grant_page[0][16]);
    CHECK(frames_at(gpfn0, top, VMM_INVALID_GFN, VMM_INVALID_GFN), 0);
    /* 12 tables: a PD and a PT at 1 GiB, the top's (a PDPT too above 512 GiB); 2 each GiB on. */
    unsigned left = 12 - 2 - (top >= (512 * GIB_PAGES) ? 3 : 2), placed = 0;
    uint64_t gib = 2;
    long rc;
    while ((rc = place_grant_frame(2, gib * GIB_PAGES)) == 0) placed++, gib++;
    CHECK(rc == -XEN_ENOMEM && placed == left / 2, placed);
    CHECK(frames_at(gpfn0, top, (gib - 1) * GIB_PAGES, VMM_INVALID_GFN), gib);
    /* Nearby frames take no table; a frame at the GiB that ran out is still refused. */
    CHECK(place_grant_frame(3, (gib - 1) * GIB_PAGES + 1) == 0 && place_grant_frame(3, g1 + 1) == 0, 0);
    CHECK(place_grant_frame(3, gib * GIB_PAGES) == -XEN_ENOMEM && frames_at(gpfn0, top, (gib - 1) * GIB_PAGES, g1 + 1), 0);
}

static void other_exits(void)
{
    CHECK(hypercall(63, 0, 0, 0) == -XEN_ENOSYS, 0);
    CHECK(vmmcall(1000, 0, 0, 0, 0, 0) == -XEN_ENOSYS, 0);
    CHECK(vmmcall(~0ull, 0, 0, 0, 0, 0) == -XEN_ENOSYS, 0);
    uint32_t ud = ud_count;
    __asm__ volatile(".byte 0x0f, 0x01, 0xda" : : "a"(0) : "memory"); /* VMLOAD */
    CHECK(ud_count == ud + 1, ud_count);
    __asm__ volatile(".byte 0x0f, 0x01, 0xdd" : : : "memory");        /* CLGI */
    CHECK(ud_count == ud + 2, ud_count);
    /* HLT with interrupts on: the VMM waits for the event line (the root signals it), then
     * raises the upcall flag and injects the callback vector. */
    struct vcpu_info *vi = (struct vcpu_info *)(vcpu_info_page + 64);
    __asm__ volatile("sti; hlt; cli" : : : "memory");
    /* At least once: the callback is level-triggered and this guest never clears the upcall
     * flag, so an exit (a timer tick) between the handler's iretq and the cli may rightly
     * deliver it again. */
    CHECK(callback_count >= 1, callback_count);
    CHECK(vi->evtchn_upcall_pending == 1, vi->evtchn_upcall_pending);
}

static uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* MOV to CR4 (3 bytes): a refused value is a #GP, which the handler skips. */
static void write_cr4(uint64_t v)
{
    gp_skip = 3;
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
    gp_skip = 2;
}

/* What the kernel always intercepts and this VMM completes or reflects: MOV to CR4, INVD,
 * WBINVD and WBNOINVD, #DB (a single step, and a data breakpoint through DR0 and DR7). */
static void cpu_state_exits(void)
{
    static volatile uint32_t watched;
    uint64_t cr4 = read_cr4();
    uint32_t gp = gp_count;
    __asm__ volatile("invd; wbinvd; .byte 0xf3, 0x0f, 0x09" : : : "memory"); /* the last is WBNOINVD */
    write_cr4(cr4 & ~(1ull << 7));                                         /* PGE off and on: a TLB flush */
    CHECK(read_cr4() == (cr4 & ~(1ull << 7)), read_cr4());
    write_cr4(cr4 | (1ull << 7));
    CHECK(read_cr4() == (cr4 | (1ull << 7)) && gp_count == gp, read_cr4());
    write_cr4(read_cr4() | (1ull << 22)); /* PKE: PKRU is not switched */
    CHECK(gp_count == gp + 1 && !(read_cr4() & (1ull << 22)), gp_count);
    write_cr4(read_cr4() | (1ull << 18)); /* OSXSAVE: XCR0 is the host's */
    CHECK(gp_count == gp + 2 && !(read_cr4() & (1ull << 18)), gp_count);
    write_cr4(read_cr4() & ~(1ull << 5)); /* PAE off in long mode */
    CHECK(gp_count == gp + 3, gp_count);
    gp_count = gp;
    /* A single step: the trap comes after the instruction that follows POPF. */
    uint32_t db = db_count;
    __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq; nop" : : : "memory", "cc");
    CHECK(db_count == db + 1 && (db_dr6 & (1u << 14)), db_dr6);
    /* A 4-byte write breakpoint on `watched`. */
    uint64_t addr = (uint64_t)(uintptr_t)&watched, dr0;
    __asm__ volatile("mov %0, %%dr0; mov %1, %%dr7" : : "r"(addr), "r"(0x000d0401ull) : "memory");
    __asm__ volatile("mov %%dr0, %0" : "=r"(dr0));
    watched = 1;
    __asm__ volatile("mov %0, %%dr7" : : "r"(0x400ull) : "memory");
    CHECK(dr0 == addr && db_count == db + 2 && (db_dr6 & 1u), db_dr6);
}

void test_exits(const struct hvm_start_info *si)
{
    boot_info(si);
    cpuid_leaves();
    msrs();
    ports();
    version();
    console_and_sched();
    memory_map();
    hvm_params();
    vcpu_info();
    time_area();
    poll();
    event_channels();
    grant_tables();
    grant_frames_outside_ram();
    other_exits();
    cpu_state_exits();
    CHECK(gp_count == 8 && ud_count == 2, gp_count);
    outl(VMM_DEBUG_PORT_VALUE, next_id);
    bench_exits();
    jump_to_nothing(VT_EXITS_NPF_GPA);
}

/* Round trips timed with rdtsc (under -icount shift=0, in instructions): best of 16. */
void bench_exits(void)
{
    uint64_t best[3] = {~0ull, ~0ull, ~0ull};
    for (int i = 0; i < 16; i++) {
        uint64_t t0 = rdtsc();
        (void)hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
        uint64_t t1 = rdtsc();
        (void)cpuid(0x40000000, 0);
        uint64_t t2 = rdtsc();
        (void)inb(0x3fd);
        uint64_t t3 = rdtsc();
        if (t1 - t0 < best[0]) best[0] = t1 - t0;
        if (t2 - t1 < best[1]) best[1] = t2 - t1;
        if (t3 - t2 < best[2]) best[2] = t3 - t2;
    }
    bench(VT_BENCH_HYPERCALL, best[0]);
    bench(VT_BENCH_CPUID, best[1]);
    bench(VT_BENCH_IOPORT, best[2]);
}
