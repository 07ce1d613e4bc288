/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * CPU side-channel mitigations (docs/security.md). At boot: what this CPU is affected by and
 * what it offers, from CPUID and IA32_ARCH_CAPABILITIES, with the kernel command line's
 * overrides; one boot line says what was chosen. After boot: the flushes at a partition
 * switch and before a guest runs. The entry and exit paths (traps.S) read x86_exit_variant
 * and x86_meltdown_window; svm.S and vmx.S read x86_rsb_fill_on_vm_exit.
 *
 * Sources: Intel's "Speculative Execution Side Channel Mitigations" and the per-issue
 * guidance, AMD's "Software Techniques for Managing Speculation", the bit layouts in the SDM
 * (CPUID leaf 7, MSRs 0x48, 0x49, 0x10a, 0x10b) and the APM (CPUID 0x80000008, 0x80000021).
 */
#include "x86.h"
#include <bulkhead/layout.h>

/* CPUID.7.0:EDX */
#define L7D_MD_CLEAR (1u << 10)
#define L7D_SPEC_CTRL (1u << 26) /* IBRS and IBPB */
#define L7D_L1D_FLUSH (1u << 28)
#define L7D_ARCH_CAP (1u << 29)
/* CPUID.7.0:EBX */
#define L7B_RTM (1u << 11)
/* CPUID.80000008:EBX (AMD) */
#define A8B_IBPB (1u << 12)
#define A8B_IBPB_RET (1u << 30)
/* CPUID.80000021:EAX (AMD) */
#define A21A_AUTO_IBRS (1u << 8)
/* IA32_ARCH_CAPABILITIES */
#define ARCH_RDCL_NO (1ull << 0)
#define ARCH_IBRS_ALL (1ull << 1)
#define ARCH_SKIP_L1DFL_VMENTRY (1ull << 3)
#define ARCH_MDS_NO (1ull << 5)
#define ARCH_TAA_NO (1ull << 8)
#define ARCH_SBDR_SSDP_NO (1ull << 13)
#define ARCH_FBSDP_NO (1ull << 14)
#define ARCH_PSDP_NO (1ull << 15)
#define ARCH_FB_CLEAR (1ull << 17)

#define MSR_SPEC_CTRL 0x48u
#define MSR_PRED_CMD 0x49u
#define MSR_ARCH_CAPABILITIES 0x10au
#define MSR_FLUSH_CMD 0x10bu
#define SPEC_CTRL_IBRS 1u
#define EFER_AUTO_IBRS (1ull << 21)

/* Software L1D flush: read a buffer twice the largest L1D of the CPUs we run on (48 KiB). */
#define L1D_DISPLACE_BYTES (96u * 1024u)
#define CACHE_LINE 64u

enum vendor { VENDOR_OTHER, VENDOR_INTEL, VENDOR_AMD };

struct cpu_bits {
    enum vendor vendor;
    uint32_t l7_ebx, l7_edx, amd8_ebx, amd21_eax;
    uint64_t arch_cap;
    bool has_arch_cap;
};

/* What the command line asks: -1 = decide from the CPU, 0 = off, 1 = on. */
struct overrides {
    int all, window, verw;
};

struct x86_mitigations x86_mitigations;
/* Read by traps.S and svm.S/vmx.S: see x86.h. */
uint8_t x86_exit_variant;
uint8_t x86_rsb_fill_on_vm_exit;

static const void *last_guest_space;
static uint8_t l1d_displacement[L1D_DISPLACE_BYTES] __attribute__((aligned(4096)));

static struct cpu_bits read_cpu_bits(void)
{
    struct cpu_bits b = {0};
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max = r[0];
    if (r[1] == 0x756e6547u && r[3] == 0x49656e69u && r[2] == 0x6c65746eu) b.vendor = VENDOR_INTEL; /* GenuineIntel */
    if (r[1] == 0x68747541u && r[3] == 0x69746e65u && r[2] == 0x444d4163u) b.vendor = VENDOR_AMD;   /* AuthenticAMD */
    if (max >= 7) {
        cpuid(7, 0, r);
        b.l7_ebx = r[1];
        b.l7_edx = r[3];
    }
    cpuid(0x80000000u, 0, r);
    uint32_t ext = r[0];
    if (ext >= 0x80000008u) {
        cpuid(0x80000008u, 0, r);
        b.amd8_ebx = r[1];
    }
    if (ext >= 0x80000021u) {
        cpuid(0x80000021u, 0, r);
        b.amd21_eax = r[0];
    }
    b.has_arch_cap = (b.l7_edx & L7D_ARCH_CAP) != 0;
    if (b.has_arch_cap) b.arch_cap = rdmsr(MSR_ARCH_CAPABILITIES);
    return b;
}

/* `key=on` / `key=off` anywhere in the command line; the last one counts. */
static int option(const char *cmdline, const char *key)
{
    int v = -1;
    size_t n = strlen(key);
    for (const char *s = cmdline; s && *s; s++) {
        if ((s != cmdline && s[-1] != ' ') || memcmp(s, key, n) != 0 || s[n] != '=') continue;
        const char *val = s + n + 1;
        if (memcmp(val, "on", 2) == 0 && (val[2] == ' ' || val[2] == '\0')) v = 1;
        if (memcmp(val, "off", 3) == 0 && (val[3] == ' ' || val[3] == '\0')) v = 0;
    }
    return v;
}

static bool choose(int override, bool all_off, bool needed)
{
    if (override >= 0) return override == 1;
    return !all_off && needed;
}

/* Meltdown (and L1TF, which needs the same fault to be taken): Intel parts that do not say
 * RDCL_NO. AMD and others never forward data from a faulting load across privilege. */
static bool meltdown_affected(const struct cpu_bits *b)
{
    return b->vendor == VENDOR_INTEL && !(b->arch_cap & ARCH_RDCL_NO);
}

/* Buffers that VERW clears on MD_CLEAR microcode: MDS, TSX async abort, MMIO stale data. */
static bool buffers_affected(const struct cpu_bits *b)
{
    if (b->vendor != VENDOR_INTEL) return false;
    bool mds = !(b->arch_cap & ARCH_MDS_NO);
    bool taa = (b->l7_ebx & L7B_RTM) && !(b->arch_cap & ARCH_TAA_NO);
    uint64_t mmio_no = ARCH_SBDR_SSDP_NO | ARCH_FBSDP_NO | ARCH_PSDP_NO;
    bool mmio = (b->arch_cap & mmio_no) != mmio_no;
    return mds || taa || mmio;
}

static void decide(const struct cpu_bits *b, const struct overrides *o)
{
    struct x86_mitigations *m = &x86_mitigations;
    bool off = o->all == 0;
    bool verw_works = (b->l7_edx & L7D_MD_CLEAR) || (b->arch_cap & ARCH_FB_CLEAR);
    m->ibpb = !off && ((b->l7_edx & L7D_SPEC_CTRL) || (b->amd8_ebx & A8B_IBPB));
    /* Intel's IBPB also clears the RSB; AMD's does only with IBPB_RET. A fill is cheap
     * next to the rest of a partition switch, so do it always. */
    m->rsb_fill = !off;
    m->l1d_flush_msr = (b->l7_edx & L7D_L1D_FLUSH) != 0;
    m->meltdown_affected = meltdown_affected(b);
    m->buffers_affected = buffers_affected(b);
    m->verw_available = verw_works;
    m->window = choose(o->window, off, m->meltdown_affected);
    /* VERW is an old instruction that every CPU executes; only MD_CLEAR microcode makes it
     * clear buffers. Forced on, it measures its cost where it does nothing. */
    m->verw = choose(o->verw, off, m->buffers_affected && verw_works);
    m->l1d_flush_vm_entry = !off && m->meltdown_affected && !(b->arch_cap & ARCH_SKIP_L1DFL_VMENTRY);
    m->partition_flush = !off;
    m->enhanced_ibrs = !off && (b->arch_cap & ARCH_IBRS_ALL) != 0;
    m->auto_ibrs = !off && b->vendor == VENDOR_AMD && (b->amd21_eax & A21A_AUTO_IBRS) != 0;
    x86_exit_variant = (uint8_t)((m->window ? EXIT_WINDOW : 0) | (m->verw ? EXIT_VERW : 0));
    x86_meltdown_window = m->window;
    x86_rsb_fill_on_vm_exit = m->rsb_fill;
}

/* "on", "off" and why: as Linux's /sys/devices/system/cpu/vulnerabilities words it. */
static const char *state(bool on, bool needed, int override, bool works)
{
    if (on) return override == 1 ? "on (forced)" : "on";
    if (override == 0) return needed ? "off (forced, vulnerable)" : "off (forced)";
    if (!needed) return "off (not affected)";
    return works ? "off (vulnerable)" : "off (vulnerable: no microcode support)";
}

static void print_line(const struct cpu_bits *b, const struct overrides *o)
{
    const struct x86_mitigations *m = &x86_mitigations;
    static const char *const vendors[] = {"other", "Intel", "AMD"};
    int verw_override = o->verw >= 0 ? o->verw : (o->all == 0 ? 0 : -1);
    int window_override = o->window >= 0 ? o->window : (o->all == 0 ? 0 : -1);
    kprintf("[kernel] mitigations: cpu %s 7.ebx %x 7.edx %x 80000008.ebx %x 80000021.eax %x arch_cap %lx%s;"
            " meltdown window %s; verw %s; ibpb %s; rsb fill %s; l1d flush %s; ibrs %s\n",
            vendors[b->vendor], b->l7_ebx, b->l7_edx, b->amd8_ebx, b->amd21_eax, b->arch_cap,
            b->has_arch_cap ? "" : " (none)", state(m->window, m->meltdown_affected, window_override, true),
            state(m->verw, m->buffers_affected, verw_override, m->verw_available),
            m->ibpb ? "partition switch, guest switch" : (o->all == 0 ? "off" : "not available"),
            m->rsb_fill ? "partition switch, vm exit" : "off",
            !m->partition_flush ? "off"
            : m->l1d_flush_msr  ? (m->l1d_flush_vm_entry ? "partition switch, vm entry (msr)" : "partition switch (msr)")
                                : (m->l1d_flush_vm_entry ? "partition switch, vm entry (software)" : "partition switch (software)"),
            m->enhanced_ibrs ? "enhanced" : m->auto_ibrs ? "automatic" : "off");
}

void x86_mitigations_init(const char *cmdline)
{
    struct cpu_bits b = read_cpu_bits();
    struct overrides o = {option(cmdline, "mitigations"), option(cmdline, "meltdown_window"), option(cmdline, "verw")};
    decide(&b, &o);
    print_line(&b, &o);
    /* Indirect-branch predictions made at user level or in a guest cannot steer the
     * kernel's (it has no indirect branch after boot, but it has returns). */
    if (x86_mitigations.enhanced_ibrs) wrmsr(MSR_SPEC_CTRL, SPEC_CTRL_IBRS);
    if (x86_mitigations.auto_ibrs) wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_AUTO_IBRS);
}

static void ibpb(void)
{
    wrmsr(MSR_PRED_CMD, 1);
}

static void l1d_flush(void)
{
    if (x86_mitigations.l1d_flush_msr) {
        wrmsr(MSR_FLUSH_CMD, 1);
        return;
    }
    /* Displacement: every line of a buffer larger than the L1D, so nothing a partition
     * left there survives. */
    const volatile uint8_t *p = l1d_displacement;
    for (size_t i = 0; i < sizeof l1d_displacement; i += CACHE_LINE) (void)p[i];
}

static void verw(void)
{
    static const uint16_t selector = SEL_KDATA;
    __asm__ volatile("verw %0" ::"m"(selector) : "cc");
}

/* Every TLB entry, global ones included: toggling CR4.PGE (SDM vol. 3A, 4.10.4.1). */
static void tlb_flush_all(void)
{
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4; mov %1, %%cr4" ::"r"(cr4 & ~(1ull << 7)), "r"(cr4) : "memory");
}

/* No register of the last partition's threads stays readable in the Meltdown window (an exit
 * through sysret leaves an earlier iretq's frame on the trampoline stack). */
static void window_wipe(void)
{
    memset(x86_trampoline_stack, 0, (size_t)(x86_trampoline_top - x86_trampoline_stack));
    x86_window_user_rsp = 0;
}

/* The time partition changes: leave nothing in the caches, TLBs and branch predictors that
 * the next partition could time. Called from the scheduler (kernel/sched.c). */
void plat_partition_switch(void)
{
    if (!x86_mitigations.partition_flush) return;
    if (x86_mitigations.ibpb) ibpb();
    x86_rsb_fill();
    l1d_flush();
    if (x86_mitigations.verw_available || x86_mitigations.verw) verw();
    tlb_flush_all();
    window_wipe();
    last_guest_space = NULL;
}

/* Before VMRUN or VM entry: a barrier between guests (VMs are told apart by their
 * GuestSpace), and what the CPU needs for L1TF and MDS. */
void x86_mitigate_vm_entry(const void *guest_space)
{
    if (guest_space != last_guest_space) {
        if (x86_mitigations.ibpb) ibpb();
        last_guest_space = guest_space;
    }
    if (x86_mitigations.l1d_flush_vm_entry) l1d_flush(); /* the MSR's flush also clears the buffers VERW does */
    else if (x86_mitigations.verw) verw();
}

word_t plat_mitigations(void)
{
    const struct x86_mitigations *m = &x86_mitigations;
    return (m->window ? BH_MITIGATION_MELTDOWN_WINDOW : 0) | (m->verw ? BH_MITIGATION_VERW : 0) |
           (m->ibpb ? BH_MITIGATION_IBPB : 0) | (m->rsb_fill ? BH_MITIGATION_RSB_FILL : 0) |
           (m->partition_flush ? BH_MITIGATION_PARTITION_FLUSH : 0) |
           (m->l1d_flush_vm_entry ? BH_MITIGATION_L1D_FLUSH_VM_ENTRY : 0);
}
