/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Intel VT-x (Intel SDM vol. 3C, chapters 23 to 29) behind the same VCPU objects and ABI as
 * SVM (svm.c): the VMCS in the VCPU's first page, EPT in place of nested paging, VT-x exits
 * translated into the ABI's SVM encodings by vmx_codec.c. Chosen at boot on a processor with
 * VMX, EPT, VPID-free operation and unrestricted guests (virt.c).
 *
 * NOT EXECUTED ANYWHERE YET: QEMU TCG, where Bulkhead is developed and tested, has no VMX. The
 * translations are unit-tested on the host; this file is written against the SDM and reviewed,
 * and must be brought up on hardware (docs/vmm.md says what to check first).
 *
 * What the kernel fixes, as with SVM: external-interrupt and NMI exiting, unconditional I/O
 * exiting, MSR bitmaps of all ones (or all ones but the MSRs the kernel switches, with
 * BH_VCPU_CTL_MSR_SWITCHED), INVD/WBINVD/MWAIT/MONITOR/RDPMC/XSETBV and every VMX instruction
 * exit (VT-x makes some unconditional), #DB, #AC and #MC intercepted, EPT with the kernel's
 * tables, TSC offset 0. CPUID always exits on VT-x, whatever BH_VCPU_CTL_CPUID says. The
 * guest's CR0 keeps the bits VMX requires set (NE; PE and PG may be clear with unrestricted
 * guests). CR4: every bit outside BH_VCPU_CR4_ALLOWED is owned by the host (guest/host mask),
 * so a guest's MOV to CR4 that sets one exits (reported as SVM's CR4-write intercept, for the
 * VMM to refuse); VMXE, which VMX requires, is hidden by the read shadow.
 * STAR, LSTAR, CSTAR, SFMASK and KernelGSBase are not in the VMCS: with MSR_SWITCHED they are
 * switched by hand around the run, as VMLOAD/VMSAVE do for SVM; so is CR2, always.
 * Debug registers: DR7 and IA32_DEBUGCTL are loaded and saved through the VMCS (load/save
 * debug controls); DR0-DR3 and DR6 are not, and are switched lazily as in svm.c, with
 * MOV-DR exiting in place of SVM's DR intercepts. A #DB that exits does not update DR6 (SDM
 * 27.1): the kernel updates the guest's DR6 from the exit qualification, so a VMM sees what
 * SVM shows it.
 */
#include "x86.h"
#include "virt.h"
#include "vmx_codec.h"

#define MSR_FEATURE_CONTROL 0x3au
#define MSR_VMX_BASIC 0x480u
#define MSR_VMX_PINBASED 0x481u
#define MSR_VMX_PROCBASED 0x482u
#define MSR_VMX_EXIT 0x483u
#define MSR_VMX_ENTRY 0x484u
#define MSR_VMX_MISC 0x485u
#define MSR_VMX_CR0_FIXED0 0x486u
#define MSR_VMX_CR0_FIXED1 0x487u
#define MSR_VMX_CR4_FIXED0 0x488u
#define MSR_VMX_CR4_FIXED1 0x489u
#define MSR_VMX_PROCBASED2 0x48bu
#define MSR_VMX_EPT_VPID_CAP 0x48cu
#define MSR_VMX_TRUE_PINBASED 0x48du /* the TRUE_ MSRs follow in the same order */
#define MSR_PAT 0x277u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_CSTAR 0xc0000083u

#define FEATURE_LOCKED 1u
#define FEATURE_VMXON_OUTSIDE_SMX 4u
#define BASIC_TRUE_CONTROLS (1ull << 55)
#define MISC_ZERO_LENGTH_INJECTION (1ull << 30)
#define EPT_CAP_WALK4 (1ull << 6)
#define EPT_CAP_WB (1ull << 14)
#define EPT_CAP_2M (1ull << 16)
#define EPT_CAP_INVEPT_ALL (1ull << 20 | 1ull << 26) /* INVEPT, all-context type */
#define CR0_PE 1ull
#define CR0_PG (1ull << 31)
#define CR4_VMXE (1ull << 13)

/* VMCS field encodings (SDM appendix B). */
enum vmcs_field {
    GUEST_ES_SELECTOR = 0x0800, HOST_ES_SELECTOR = 0x0c00, HOST_CS_SELECTOR = 0x0c02, HOST_SS_SELECTOR = 0x0c04,
    HOST_DS_SELECTOR = 0x0c06, HOST_FS_SELECTOR = 0x0c08, HOST_GS_SELECTOR = 0x0c0a, HOST_TR_SELECTOR = 0x0c0c,
    IO_BITMAP_A = 0x2000, IO_BITMAP_B = 0x2002, MSR_BITMAP = 0x2004, TSC_OFFSET = 0x2010, EPT_POINTER = 0x201a,
    GUEST_PHYSICAL_ADDRESS = 0x2400, VMCS_LINK_POINTER = 0x2800, GUEST_DEBUGCTL = 0x2802, GUEST_PAT = 0x2804,
    GUEST_EFER = 0x2806,
    HOST_PAT = 0x2c00, HOST_EFER = 0x2c02,
    PIN_CONTROLS = 0x4000, PROC_CONTROLS = 0x4002, EXCEPTION_BITMAP = 0x4004, EXIT_CONTROLS = 0x400c,
    ENTRY_CONTROLS = 0x4012, ENTRY_INTR_INFO = 0x4016, ENTRY_EXCEPTION_ERROR = 0x4018, ENTRY_INSN_LEN = 0x401a,
    PROC_CONTROLS2 = 0x401e, VM_INSTRUCTION_ERROR = 0x4400, EXIT_REASON = 0x4402, EXIT_INTR_INFO = 0x4404,
    EXIT_INTR_ERROR = 0x4406, IDT_VECTORING_INFO = 0x4408, IDT_VECTORING_ERROR = 0x440a, EXIT_INSN_LEN = 0x440c,
    EXIT_INSN_INFO = 0x440e, GUEST_ES_LIMIT = 0x4800, GUEST_GDTR_LIMIT = 0x4810, GUEST_IDTR_LIMIT = 0x4812,
    GUEST_ES_AR = 0x4814, GUEST_INTERRUPTIBILITY = 0x4824, GUEST_ACTIVITY = 0x4826, GUEST_SYSENTER_CS = 0x482a,
    HOST_SYSENTER_CS = 0x4c00,
    CR0_MASK = 0x6000, CR4_MASK = 0x6002, CR0_SHADOW = 0x6004, CR4_SHADOW = 0x6006, EXIT_QUALIFICATION = 0x6400,
    GUEST_CR0 = 0x6800, GUEST_CR3 = 0x6802, GUEST_CR4 = 0x6804, GUEST_ES_BASE = 0x6806, GUEST_GDTR_BASE = 0x6816,
    GUEST_IDTR_BASE = 0x6818, GUEST_DR7 = 0x681a, GUEST_RSP = 0x681c, GUEST_RIP = 0x681e, GUEST_RFLAGS = 0x6820,
    GUEST_SYSENTER_ESP = 0x6824, GUEST_SYSENTER_EIP = 0x6826,
    HOST_CR0 = 0x6c00, HOST_CR3 = 0x6c02, HOST_CR4 = 0x6c04, HOST_FS_BASE = 0x6c06, HOST_GS_BASE = 0x6c08,
    HOST_TR_BASE = 0x6c0a, HOST_GDTR_BASE = 0x6c0c, HOST_IDTR_BASE = 0x6c0e, HOST_SYSENTER_ESP = 0x6c10,
    HOST_SYSENTER_EIP = 0x6c12, HOST_RIP = 0x6c16,
};

/* Control bits (SDM 24.6, 24.7, 24.8). */
#define PIN_EXTERNAL_INT (1u << 0)
#define PIN_NMI (1u << 3)
#define PIN_VIRTUAL_NMI (1u << 5)
#define PROC_HLT (1u << 7)
#define PROC_MWAIT (1u << 10)
#define PROC_RDPMC (1u << 11)
#define PROC_MOV_DR (1u << 23)
#define PROC_UNCONDITIONAL_IO (1u << 24)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR (1u << 29)
#define PROC_SECONDARY (1u << 31)
#define PROC2_EPT (1u << 1)
#define PROC2_WBINVD (1u << 6)
#define PROC2_UNRESTRICTED (1u << 7)
#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64 (1u << 9)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E (1u << 9)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)
#define DR7_ENABLE_BITS 0xffu
#define CR4_HOST_OWNED (~(uint64_t)BH_VCPU_CR4_ALLOWED)
#define EFER_LMA (1ull << 10)
#define EFER_SVME_BIT (1ull << 12)

struct vmx_caps {
    uint32_t pin, proc, proc2, exit, entry; /* adjusted control words, without the VMM's choices */
    uint32_t revision;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    bool zero_length_injection;
};

static struct vmx_caps caps;
static bool vmx_ok;
static uint8_t vmxon_region[4096] __attribute__((aligned(4096)));
static uint8_t msr_bitmap_all[4096] __attribute__((aligned(4096)));
static uint8_t msr_bitmap_switched[4096] __attribute__((aligned(4096)));
static paddr_t current_vmcs; /* the VMCS VMPTRLD made current, 0 if none */

void x86_vmx_run_guest(uint64_t *gprs, bool launched); /* vmx.S: returns after the VM exit or a failed entry */
int x86_vmx_entry_failed(void);                         /* vmx.S: 1 when the last entry failed */
extern char x86_vmx_exit[];

/* ---- VMX instructions: CF or ZF set means VMfail ---- */

static bool vmxon(paddr_t region)
{
    bool fail;
    __asm__ volatile("vmxon %1; setbe %0" : "=q"(fail) : "m"(region) : "cc", "memory");
    return !fail;
}

static bool vmclear(paddr_t vmcs)
{
    bool fail;
    __asm__ volatile("vmclear %1; setbe %0" : "=q"(fail) : "m"(vmcs) : "cc", "memory");
    return !fail;
}

static bool vmptrld(paddr_t vmcs)
{
    bool fail;
    __asm__ volatile("vmptrld %1; setbe %0" : "=q"(fail) : "m"(vmcs) : "cc", "memory");
    return !fail;
}

static uint64_t vmread(enum vmcs_field f)
{
    uint64_t v;
    __asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"((uint64_t)f) : "cc");
    return v;
}

static void vmwrite(enum vmcs_field f, uint64_t v)
{
    __asm__ volatile("vmwrite %1, %0" ::"r"((uint64_t)f), "rm"(v) : "cc");
}

static paddr_t vmcs_pa(const struct vcpu_arch *v)
{
    return ptr_to_paddr(v->vmcb);
}

/* Every VMREAD/VMWRITE goes to the current VMCS: make it this VCPU's (one CPU, so a
 * VMCS is current here or nowhere). */
static void use(const struct vcpu_arch *v)
{
    paddr_t pa = vmcs_pa(v);
    if (current_vmcs == pa) return;
    current_vmcs = vmptrld(pa) ? pa : 0;
}

/* ---- Boot ---- */

static uint64_t true_or_plain(unsigned plain, unsigned true_msr, bool use_true)
{
    return rdmsr(use_true ? true_msr : plain);
}

/* The fixed part of every control word; false when the processor lacks something we need. */
static bool read_caps(void)
{
    uint64_t basic = rdmsr(MSR_VMX_BASIC);
    bool t = (basic & BASIC_TRUE_CONTROLS) != 0;
    caps.revision = (uint32_t)basic & 0x7fffffffu;
    bool ok = vmx_adjust_controls(true_or_plain(MSR_VMX_PINBASED, MSR_VMX_TRUE_PINBASED, t),
                                  PIN_EXTERNAL_INT | PIN_NMI | PIN_VIRTUAL_NMI, &caps.pin);
    ok = ok && vmx_adjust_controls(true_or_plain(MSR_VMX_PROCBASED, MSR_VMX_TRUE_PINBASED + 1, t),
                                   PROC_UNCONDITIONAL_IO | PROC_MSR_BITMAPS | PROC_MWAIT | PROC_MONITOR |
                                       PROC_RDPMC | PROC_SECONDARY | PROC_MOV_DR,
                                   &caps.proc);
    ok = ok && vmx_adjust_controls(rdmsr(MSR_VMX_PROCBASED2), PROC2_EPT | PROC2_UNRESTRICTED | PROC2_WBINVD,
                                   &caps.proc2);
    ok = ok && vmx_adjust_controls(true_or_plain(MSR_VMX_EXIT, MSR_VMX_TRUE_PINBASED + 2, t),
                                   EXIT_HOST_64 | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
                                       EXIT_SAVE_DEBUG,
                                   &caps.exit);
    ok = ok && vmx_adjust_controls(true_or_plain(MSR_VMX_ENTRY, MSR_VMX_TRUE_PINBASED + 3, t),
                                   ENTRY_LOAD_PAT | ENTRY_LOAD_EFER | ENTRY_LOAD_DEBUG, &caps.entry);
    /* MOV-DR exiting is chosen per run (lazy debug registers): it must be possible to clear. */
    ok = ok && !((uint32_t)true_or_plain(MSR_VMX_PROCBASED, MSR_VMX_TRUE_PINBASED + 1, t) & PROC_MOV_DR);
    caps.entry &= ~ENTRY_IA32E; /* per entry, from the guest's EFER.LMA */
    uint64_t ept = rdmsr(MSR_VMX_EPT_VPID_CAP);
    ok = ok && (ept & EPT_CAP_WALK4) && (ept & EPT_CAP_WB) && (ept & EPT_CAP_2M) &&
         (ept & EPT_CAP_INVEPT_ALL) == EPT_CAP_INVEPT_ALL;
    caps.cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    caps.cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    caps.cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    caps.cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    caps.zero_length_injection = (rdmsr(MSR_VMX_MISC) & MISC_ZERO_LENGTH_INJECTION) != 0;
    return ok;
}

/* MSR bitmap (SDM 24.6.9): read bitmaps for 0..0x1fff and 0xc0000000..0xc0001fff in the
 * first 2 KiB, the write bitmaps in the second; a set bit exits. */
static void init_maps(void)
{
    virt_msr_maps_build(msr_bitmap_all, msr_bitmap_switched, sizeof msr_bitmap_all,
                        (struct virt_msr_map_format){1, 2048u * 8, {0, 1024u * 8}});
}

/* Firmware must allow VMXON outside SMX, or leave the feature-control MSR unlocked. */
static bool feature_control_ok(void)
{
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    if (!(fc & FEATURE_LOCKED)) {
        wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_LOCKED | FEATURE_VMXON_OUTSIDE_SMX);
        return true;
    }
    return (fc & FEATURE_VMXON_OUTSIDE_SMX) != 0;
}

bool x86_vmx_init(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 5))) return false; /* CPUID.1:ECX.VMX */
    if (!feature_control_ok()) {
        kprintf("[kernel] VMX disabled by firmware: virtual CPUs are not available\n");
        return false;
    }
    if (!read_caps()) {
        kprintf("[kernel] VMX without EPT (4-level, write-back, 2 MiB) or unrestricted guests: "
                "virtual CPUs are not available\n");
        return false;
    }
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
    __asm__ volatile("mov %0, %%cr0" ::"r"((cr0 | caps.cr0_fixed0) & caps.cr0_fixed1));
    __asm__ volatile("mov %0, %%cr4" ::"r"((cr4 | caps.cr4_fixed0 | CR4_VMXE) & caps.cr4_fixed1));
    *(uint32_t *)vmxon_region = caps.revision;
    if (!vmxon(image_paddr(vmxon_region))) {
        kprintf("[kernel] VMXON failed: virtual CPUs are not available\n");
        return false;
    }
    init_maps();
    vmx_ok = true;
    kprintf("[kernel] Intel VT-x with EPT and unrestricted guests (NOT YET TESTED ON HARDWARE)\n");
    return true;
}

/* ---- A VCPU's VMCS ---- */

static void write_host_state(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr, idtr;
    uint64_t cr0, cr4;
    __asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    __asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
    const uint64_t *gdt = (const uint64_t *)gdtr.base;
    uint64_t tss_lo = gdt[SEL_TSS / 8], tss_hi = gdt[SEL_TSS / 8 + 1];
    uint64_t tr_base = ((tss_lo >> 16) & 0xffffffu) | ((tss_lo >> 56) << 24) | (tss_hi << 32);
    vmwrite(HOST_CR0, cr0);
    vmwrite(HOST_CR4, cr4);
    vmwrite(HOST_CS_SELECTOR, SEL_KCODE);
    vmwrite(HOST_SS_SELECTOR, SEL_KDATA);
    vmwrite(HOST_DS_SELECTOR, SEL_KDATA);
    vmwrite(HOST_ES_SELECTOR, SEL_KDATA);
    vmwrite(HOST_FS_SELECTOR, 0);
    vmwrite(HOST_GS_SELECTOR, 0);
    vmwrite(HOST_TR_SELECTOR, SEL_TSS);
    vmwrite(HOST_TR_BASE, tr_base);
    vmwrite(HOST_GDTR_BASE, gdtr.base);
    vmwrite(HOST_IDTR_BASE, idtr.base);
    vmwrite(HOST_GS_BASE, 0);
    vmwrite(HOST_SYSENTER_CS, 0);
    vmwrite(HOST_SYSENTER_ESP, 0);
    vmwrite(HOST_SYSENTER_EIP, 0);
    vmwrite(HOST_PAT, rdmsr(MSR_PAT));
    vmwrite(HOST_EFER, rdmsr(MSR_EFER));
    vmwrite(HOST_RIP, (uint64_t)x86_vmx_exit);
}

static void set_segment(unsigned n, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
    vmwrite(GUEST_ES_SELECTOR + 2 * n, sel);
    vmwrite(GUEST_ES_AR + 2 * n, vmx_access_rights(attrib));
    vmwrite(GUEST_ES_LIMIT + 2 * n, limit);
    vmwrite(GUEST_ES_BASE + 2 * n, base);
}

/* The VMCS segment order is ES CS SS DS FS GS LDTR TR, the ABI's too. */
static void init_guest_state(void)
{
    for (unsigned n = 0; n < 6; n++) set_segment(n, 0, n == 1 ? 0x9b : 0x93, 0xffff, 0);
    set_segment(6, 0, 0x82, 0xffff, 0);
    set_segment(7, 0, 0x8b, 0xffff, 0);
    vmwrite(GUEST_GDTR_LIMIT, 0xffff);
    vmwrite(GUEST_IDTR_LIMIT, 0xffff);
    vmwrite(GUEST_GDTR_BASE, 0);
    vmwrite(GUEST_IDTR_BASE, 0);
    vmwrite(GUEST_CR0, (0x10u | caps.cr0_fixed0) & ~(CR0_PE | CR0_PG) & caps.cr0_fixed1);
    vmwrite(CR0_SHADOW, 0x10u);
    vmwrite(GUEST_CR4, caps.cr4_fixed0 & caps.cr4_fixed1);
    vmwrite(CR4_MASK, CR4_HOST_OWNED);
    vmwrite(CR4_SHADOW, 0);
    vmwrite(GUEST_CR3, 0);
    vmwrite(GUEST_EFER, 0);
    vmwrite(GUEST_PAT, BH_VCPU_PAT_RESET);
    vmwrite(GUEST_RFLAGS, 0x2);
    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_DEBUGCTL, 0);
    vmwrite(GUEST_RSP, 0);
    vmwrite(GUEST_RIP, 0);
    vmwrite(GUEST_INTERRUPTIBILITY, 0);
    vmwrite(GUEST_ACTIVITY, 0);
    vmwrite(GUEST_SYSENTER_CS, 0);
    vmwrite(GUEST_SYSENTER_ESP, 0);
    vmwrite(GUEST_SYSENTER_EIP, 0);
    vmwrite(VMCS_LINK_POINTER, ~0ull);
}

static uint32_t proc_controls(const struct vcpu_arch *v)
{
    uint32_t proc = caps.proc & ~PROC_MOV_DR;
    if (v->controls & BH_VCPU_CTL_HLT) proc |= PROC_HLT;
    if (!v->debug_live) proc |= PROC_MOV_DR;
    return proc;
}

static void set_controls(struct vcpu_arch *v)
{
    vmwrite(PROC_CONTROLS, proc_controls(v));
    vmwrite(MSR_BITMAP, image_paddr((v->controls & BH_VCPU_CTL_MSR_SWITCHED) ? msr_bitmap_switched : msr_bitmap_all));
    vmwrite(EXCEPTION_BITMAP, (uint32_t)v->exceptions | BH_VCPU_EXCEPTIONS_ALWAYS);
}

bool vmx_vcpu_supported(void)
{
    return vmx_ok;
}

void vmx_vcpu_init(struct vcpu_arch *v)
{
    *(uint32_t *)v->vmcb = caps.revision;
    if (current_vmcs == vmcs_pa(v)) current_vmcs = 0;
    (void)vmclear(vmcs_pa(v));
    v->launched = 0;
    v->controls = 0;
    v->exceptions = 0;
    v->event_inj = 0;
    v->cr2 = 0;
    v->debug_live = 0;
    memset(v->dr, 0, sizeof v->dr);
    v->dr6 = 0xffff0ff0u;
    virt_fpu_reset(&v->fpu);
    use(v);
    vmwrite(PIN_CONTROLS, caps.pin);
    vmwrite(PROC_CONTROLS2, caps.proc2);
    vmwrite(EXIT_CONTROLS, caps.exit);
    vmwrite(ENTRY_CONTROLS, caps.entry);
    vmwrite(TSC_OFFSET, 0);
    vmwrite(CR0_MASK, 0);
    write_host_state();
    init_guest_state();
    set_controls(v);
}

/* A VCPU object's memory goes back to untyped: it must not stay active on the processor. */
void vmx_vcpu_destroy(struct vcpu_arch *v)
{
    if (current_vmcs == vmcs_pa(v)) current_vmcs = 0;
    (void)vmclear(vmcs_pa(v));
}

/* ---- Guest state: BH_VCPU_* indices ---- */

static bool is_segment(word_t index)
{
    return index >= BH_VCPU_ES && index <= BH_VCPU_TR + 1;
}

static word_t read_segment(word_t index)
{
    unsigned n = (unsigned)(index - BH_VCPU_ES) / 2;
    if ((index - BH_VCPU_ES) & 1u) return vmread(GUEST_ES_BASE + 2 * n);
    return vmread(GUEST_ES_SELECTOR + 2 * n) | (word_t)vmx_svm_attrib((uint32_t)vmread(GUEST_ES_AR + 2 * n)) << 16 |
           vmread(GUEST_ES_LIMIT + 2 * n) << 32;
}

static void write_segment(word_t index, word_t value)
{
    unsigned n = (unsigned)(index - BH_VCPU_ES) / 2;
    if ((index - BH_VCPU_ES) & 1u) vmwrite(GUEST_ES_BASE + 2 * n, value);
    else set_segment(n, (uint16_t)value, (uint16_t)(value >> 16), (uint32_t)(value >> 32), vmread(GUEST_ES_BASE + 2 * n));
}

static enum vmcs_field plain_field(word_t index)
{
    switch (index) {
    case BH_VCPU_RSP: return GUEST_RSP;
    case BH_VCPU_RIP: return GUEST_RIP;
    case BH_VCPU_RFLAGS: return GUEST_RFLAGS;
    case BH_VCPU_CR3: return GUEST_CR3;
    case BH_VCPU_DR7: return GUEST_DR7;
    case BH_VCPU_GDTR_BASE: return GUEST_GDTR_BASE;
    case BH_VCPU_IDTR_BASE: return GUEST_IDTR_BASE;
    case BH_VCPU_GDTR_LIMIT: return GUEST_GDTR_LIMIT;
    case BH_VCPU_IDTR_LIMIT: return GUEST_IDTR_LIMIT;
    case BH_VCPU_EFER: return GUEST_EFER;
    default: return 0;
    }
}

/* Beyond svm.c's checks (virt.c runs both): what VT-x cannot take the SVM way. */
bool vmx_vcpu_check_state(word_t index, word_t value)
{
    uint32_t info, error, length;
    if (index == BH_VCPU_EFER) return (value & EFER_SVME_BIT) == 0; /* reserved on Intel */
    if (index == BH_VCPU_EVENT_INJ) return vmx_entry_event(value, caps.zero_length_injection, &info, &error, &length);
    return true;
}

void vmx_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value)
{
    use(v);
    enum vmcs_field f = plain_field(index);
    /* A new RIP completes the instruction: a shadow of STI or MOV SS before it is over. */
    if (index == BH_VCPU_RIP && value != vmread(GUEST_RIP))
        vmwrite(GUEST_INTERRUPTIBILITY, vmread(GUEST_INTERRUPTIBILITY) & ~3ull);
    if (index <= BH_VCPU_R15 && index != BH_VCPU_RSP) {
        v->gpr[index] = value;
    } else if (f) {
        vmwrite(f, value);
    } else if (is_segment(index)) {
        write_segment(index, value);
    } else {
        switch (index) {
        case BH_VCPU_CR0:
            vmwrite(CR0_SHADOW, value);
            vmwrite(GUEST_CR0, (value | (caps.cr0_fixed0 & ~(CR0_PE | CR0_PG))) & caps.cr0_fixed1);
            break;
        case BH_VCPU_CR2: v->cr2 = value; break;
        case BH_VCPU_CR4:
            vmwrite(CR4_SHADOW, value);
            vmwrite(GUEST_CR4, (value | caps.cr4_fixed0) & caps.cr4_fixed1);
            break;
        case BH_VCPU_CONTROLS: v->controls = value; break;
        case BH_VCPU_EXCEPTIONS: v->exceptions = value; break;
        case BH_VCPU_EVENT_INJ: v->event_inj = value; break;
        case BH_VCPU_INT_SHADOW: vmwrite(GUEST_INTERRUPTIBILITY, value ? 1u : 0u); break;
        case BH_VCPU_DR6: v->dr6 = value; break;
        default:
            if (index >= BH_VCPU_DR0 && index <= BH_VCPU_DR3) v->dr[index - BH_VCPU_DR0] = value;
            break;
        }
    }
    set_controls(v);
}

word_t vmx_vcpu_read_state(const struct vcpu_arch *v, word_t index)
{
    use(v);
    enum vmcs_field f = plain_field(index);
    if (index <= BH_VCPU_R15 && index != BH_VCPU_RSP) return v->gpr[index];
    if (f) return vmread(f);
    if (is_segment(index)) return read_segment(index);
    switch (index) {
    case BH_VCPU_CR0: { /* the bits VMX forces read as the VMM wrote them; PE and PG are the guest's */
        uint64_t forced = caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
        return (vmread(GUEST_CR0) & ~forced) | (vmread(CR0_SHADOW) & forced);
    }
    case BH_VCPU_CR2: return v->cr2;
    case BH_VCPU_CR4: return (vmread(GUEST_CR4) & ~CR4_HOST_OWNED) | (vmread(CR4_SHADOW) & CR4_HOST_OWNED);
    case BH_VCPU_CONTROLS: return v->controls;
    case BH_VCPU_EXCEPTIONS: return v->exceptions;
    case BH_VCPU_EVENT_INJ: return v->event_inj;
    case BH_VCPU_INT_SHADOW: return (vmread(GUEST_INTERRUPTIBILITY) & 3u) != 0;
    case BH_VCPU_DR6: return v->dr6;
    default: return index >= BH_VCPU_DR0 && index <= BH_VCPU_DR3 ? v->dr[index - BH_VCPU_DR0] : 0;
    }
}

/* ---- Running ---- */

static void load_entry_event(struct vcpu_arch *v)
{
    uint32_t info, error, length;
    if (!vmx_entry_event(v->event_inj, caps.zero_length_injection, &info, &error, &length)) info = 0;
    vmwrite(ENTRY_INTR_INFO, info);
    vmwrite(ENTRY_EXCEPTION_ERROR, error);
    vmwrite(ENTRY_INSN_LEN, length);
    v->event_inj = 0; /* delivered, or reported in EXITINTINFO */
}

static void swap_msrs(uint64_t *mine, const uint32_t *msrs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t other = rdmsr(msrs[i]);
        wrmsr(msrs[i], mine[i]);
        mine[i] = other;
    }
}

static const uint32_t switched_msrs[VMX_SWITCHED_MSRS] = {MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
                                                          MSR_KERNEL_GS_BASE};

static void read_exit(struct vcpu_arch *v, struct vm_exit *x, bool entry_failed)
{
    struct vmx_exit_in in = {0};
    struct vmx_exit_out out;
    in.reason = entry_failed ? 1u << 31 : (uint32_t)vmread(EXIT_REASON);
    in.qualification = vmread(EXIT_QUALIFICATION);
    in.intr_info = (uint32_t)vmread(EXIT_INTR_INFO);
    in.intr_error = (uint32_t)vmread(EXIT_INTR_ERROR);
    in.insn_len = (uint32_t)vmread(EXIT_INSN_LEN);
    in.insn_info = (uint32_t)vmread(EXIT_INSN_INFO);
    in.guest_phys = vmread(GUEST_PHYSICAL_ADDRESS);
    in.rip = vmread(GUEST_RIP);
    vmx_translate_exit(&in, &out);
    x->reason = out.code == VMX_EXIT_HOST_EVENT ? VM_EXIT_INTERRUPTED : out.code;
    x->qual1 = out.info1;
    x->qual2 = out.info2;
    x->pc = in.rip;
    x->next_pc = out.next_rip;
    x->event = vmx_exit_int_info((uint32_t)vmread(IDT_VECTORING_INFO), (uint32_t)vmread(IDT_VECTORING_ERROR));
    /* As SVM does before its #DB intercept: DR6 as the guest's handler would see it. */
    if (out.code == BH_VM_EXIT_EXCEPTION(1)) v->dr6 = vmx_dr6_after_db(v->dr6, in.qualification, in.intr_info);
}

static bool is_mov_dr(uint64_t code)
{
    return code >= BH_VM_EXIT_READ_DR(0) && code < BH_VM_EXIT_EXCEPTION(0);
}

/* One VM entry. DR0-DR3 and DR6 go in when the guest may reach them (MOV-DR exiting off) or
 * has a breakpoint enabled, and come back when it may have changed them. True when the entry
 * itself failed. */
static bool enter_once(struct vcpu_arch *v)
{
    load_entry_event(v);
    vmwrite(PROC_CONTROLS, proc_controls(v));
    if (v->debug_live || (vmread(GUEST_DR7) & DR7_ENABLE_BITS)) {
        x86_load_dr0_3(v->dr);
        __asm__ volatile("mov %0, %%dr6" ::"r"(v->dr6));
    }
    __asm__ volatile("mov %0, %%cr2" ::"r"(v->cr2));
    x86_vmx_run_guest(v->gpr, v->launched != 0);
    v->cr2 = read_cr2();
    bool failed = x86_vmx_entry_failed() != 0;
    if (v->debug_live) {
        x86_save_dr0_3(v->dr);
        __asm__ volatile("mov %%dr6, %0" : "=r"(v->dr6));
    }
    x86_reload_descriptor_tables(); /* a VM exit leaves the GDT and IDT limits at 0xffff */
    /* A failed entry (VMfail, or an exit with bit 31: the guest never ran) leaves the VMCS
     * unlaunched, so the next entry is VMLAUNCH again. */
    if (!failed && !(vmread(EXIT_REASON) & (1u << 31))) v->launched = 1;
    return failed;
}

void vmx_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *x)
{
    use(v);
    uint64_t host_cr3, efer = vmread(GUEST_EFER);
    __asm__ volatile("mov %%cr3, %0" : "=r"(host_cr3));
    vmwrite(HOST_CR3, host_cr3);
    vmwrite(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(HOST_GS_BASE, rdmsr(MSR_FS_BASE + 1));
    vmwrite(EPT_POINTER, vmx_eptp(ptr_to_paddr(guest_root)));
    vmwrite(ENTRY_CONTROLS, caps.entry | ((efer & EFER_LMA) ? ENTRY_IA32E : 0));
    if (v->tlb_epoch != x86_guest_tlb_epoch || v->asid_generation == 0) {
        struct { uint64_t eptp, zero; } desc = {vmx_eptp(ptr_to_paddr(guest_root)), 0};
        __asm__ volatile("invept %0, %1" ::"m"(desc), "r"(2ull) : "cc", "memory"); /* all contexts */
        v->tlb_epoch = x86_guest_tlb_epoch;
        v->asid_generation = 1;
    }
    bool switched = (v->controls & BH_VCPU_CTL_MSR_SWITCHED) != 0;
    if (switched) swap_msrs(v->msrs, switched_msrs, VMX_SWITCHED_MSRS);
    x86_fpu_save(host_fpu);
    x86_fpu_restore(&v->fpu);
    v->debug_live = 0;
    x86_mitigate_vm_entry(guest_root);
    bool failed = enter_once(v);
    read_exit(v, x, failed);
    /* The guest's first MOV DR: with its own values loaded, it runs again without MOV-DR
     * exiting (the instruction had not executed); at most a second entry, as in svm.c. */
    if (!failed && is_mov_dr(x->reason)) {
        v->debug_live = 1;
        v->event_inj = x->event;
        x86_mitigate_vm_entry(guest_root);
        failed = enter_once(v);
        read_exit(v, x, failed);
        v->debug_live = 0;
    }
    x86_fpu_save(&v->fpu);
    x86_fpu_restore(host_fpu);
    if (switched) swap_msrs(v->msrs, switched_msrs, VMX_SWITCHED_MSRS);
}

void vmx_vcpu_space_changed(struct vcpu_arch *v)
{
    v->asid_generation = 0;
}

/* ---- EPT: the walk and unmap code of mmu.c read EPT entries as host ones, because a
 * table entry's R W X are the host's P RW U bits and every leaf is readable (P) ---- */

int vmx_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights)
{
    bool large = size_bits == LARGE_PAGE_BITS;
    return x86_map_leaf(guest_root, gpa, size_bits,
                        vmx_ept_leaf(paddr, (rights & RIGHT_WRITE) != 0, (rights & VCPU_RIGHT_EXECUTE) != 0, large));
}

/* rax is in gprs here, and the mode comes from the VMCS (access rights: DPL bits 5-6, L bit 13). */
unsigned vmx_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out)
{
    use(v);
    return virt_exit_summary(out, v->gpr[BH_VCPU_RAX], v->gpr, vmread(GUEST_ES_AR + 4) >> 5, vmread(GUEST_EFER) >> 10,
                             vmread(GUEST_ES_AR + 2) >> 13, vmread(GUEST_CR0) >> 31);
}

void vmx_vcpu_set_results(struct vcpu_arch *v, const word_t *in)
{
    virt_set_results(&v->gpr[BH_VCPU_RAX], v->gpr, in);
}
