/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * AMD SVM (AMD64 APM vol. 2, chapter 15): enabling at boot, the VMCB of each VCPU, the checked
 * state interface, ASIDs, nested paging and the run loop around svm.S.
 *
 * What the kernel fixes, whatever the VMM asks: the intercepts of physical interrupts, NMI,
 * SMI, INIT, every I/O port (a kernel-owned IOPM of all ones), every MSR but the ones VMLOAD/
 * VMSAVE switch (kernel-owned MSRPMs), VMRUN/VMMCALL/VMLOAD/VMSAVE/STGI/CLGI/SKINIT/INVLPGA,
 * MONITOR/MWAIT, XSETBV, INVD, WBINVD, MOV to CR4 (the VMM checks it against
 * BH_VCPU_CR4_ALLOWED), shutdown, and the exceptions #DB, #AC (CVE-2015-8104, CVE-2015-5307:
 * a benign exception that recurs during its own delivery never lets the processor out) and
 * #MC; V_INTR_MASKING (the guest's IF never masks host interrupts); nested paging with the
 * kernel's tables; EFER.SVME in the guest's EFER (the APM requires it for VMRUN; the VMM never
 * sees it). TSC offset 0: the guest's TSC passes through. A VMRUN that fails its consistency
 * checks is an exit (VMEXIT_INVALID). The kernel does not rely on the processor for those:
 * every value the VMM writes is checked on its own (reserved bits of CR0, CR3, RFLAGS, EFER,
 * canonical bases), and before each VMRUN the combinations the APM lists (15.5.1) are; a
 * state that fails is a VMEXIT_INVALID without a VMRUN, EXITINFO1 naming the rule. QEMU's
 * TCG checks less than the APM and, given such a state, ran on in a mode that no exit ended.
 *
 * Debug registers: DR6 and DR7 are in the VMCB; DR0-DR3 are not, and the kernel never uses
 * them, so they are switched lazily (as KVM does): MOV DR0-DR3 is intercepted until the guest
 * touches one; that exit loads the guest's values and runs the guest again at once without
 * the intercept, and the exit that ends that run saves them and intercepts again. A guest
 * whose DR7 enables a breakpoint gets its DR0-DR3 loaded before every run. So a guest only
 * ever sees its own values, and one that never uses them costs nothing.
 *
 * ASIDs: the VMCB's ASID is valid while the VCPU's generation matches the global one. A new
 * ASID is taken when the generation moved, when the VCPU changed GuestSpace, or when a guest
 * mapping was removed (plat_tlb_flush on a root that is not the current CR3 bumps
 * x86_guest_tlb_epoch). When the ASIDs run out the generation moves and that VMRUN flushes
 * the whole TLB (TLB_CONTROL 1): TCG has no flush-by-ASID, so fresh ASIDs are the way.
 */
#include "x86.h"
#include "virt.h"

#define MSR_VM_CR 0xc0010114u
#define MSR_VM_HSAVE_PA 0xc0010117u
#define VM_CR_SVMDIS (1u << 4)
#define EFER_SVME (1ull << 12)
#define EFER_GUEST_BITS 0xed01ull /* SCE LME LMA NXE LMSLE FFXSR TCE (APM vol. 2, 3.1.7) */

/* Intercept vector 3 (offset 0x0c) and 4 (0x10) bits. */
#define I3_INTR (1u << 0)
#define I3_NMI (1u << 1)
#define I3_SMI (1u << 2)
#define I3_INIT (1u << 3)
#define I3_CPUID (1u << 18)
#define I3_INVD (1u << 22)
#define I3_HLT (1u << 24)
#define I3_INVLPGA (1u << 26)
#define I3_IOIO (1u << 27)
#define I3_MSR (1u << 28)
#define I3_SHUTDOWN (1u << 31)
#define I4_VMRUN (1u << 0)
#define I4_SVM_INSNS 0x7fu         /* VMRUN VMMCALL VMLOAD VMSAVE STGI CLGI SKINIT */
#define I4_WBINVD (1u << 9)        /* WBINVD and WBNOINVD */
#define I4_MONITOR_MWAIT (7u << 10) /* MONITOR MWAIT MWAIT-conditional */
#define I4_XSETBV (1u << 13)
#define CR_WRITE(n) (1u << (16 + (n)))
#define DR_ACCESS_0_3 0x000f000fu  /* reads (bits 0-3) and writes (bits 16-19) of DR0-DR3 */
#define DR7_ENABLE_BITS 0xffu       /* L0 G0 ... L3 G3 */
#define INT_CTL_V_INTR_MASKING (1u << 24)
#define TLB_FLUSH_ALL 1u

struct vmcb_seg {
    uint16_t selector, attrib;
    uint32_t limit;
    uint64_t base;
};

/* APM vol. 2, appendix B: the control area (0x000..0x3ff) and the state-save area. */
struct vmcb {
    uint32_t intercept_cr, intercept_dr, intercept_exc, intercept3, intercept4, intercept5;
    uint8_t pad0[0x40 - 0x18];
    uint64_t iopm_pa, msrpm_pa, tsc_offset;
    uint32_t asid;
    uint8_t tlb_control, pad1[3];
    uint32_t int_ctl, int_vector, int_state, pad2;
    uint32_t exit_code, exit_code_hi;
    uint64_t exit_info1, exit_info2;
    uint32_t exit_int_info, exit_int_info_err;
    uint64_t nested_ctl, avic_bar, ghcb;
    uint32_t event_inj, event_inj_err;
    uint64_t nested_cr3, virt_ext;
    uint32_t clean, pad3;
    uint64_t next_rip;
    uint8_t pad4[0x400 - 0xd0];
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
    uint8_t pad5[0xcb - 0xa0];
    uint8_t cpl;
    uint32_t pad6;
    uint64_t efer;
    uint8_t pad7[0x148 - 0xd8];
    uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;
    uint8_t pad8[0x1d8 - 0x180];
    uint64_t rsp, s_cet, ssp, isst;
    uint64_t rax, star, lstar, cstar, sfmask, kernel_gs_base, sysenter_cs, sysenter_esp, sysenter_eip, cr2;
    uint8_t pad9[0x268 - 0x248];
    uint64_t g_pat;
};
_Static_assert(offsetof(struct vmcb, iopm_pa) == 0x40, "VMCB iopm");
_Static_assert(offsetof(struct vmcb, asid) == 0x58, "VMCB asid");
_Static_assert(offsetof(struct vmcb, int_ctl) == 0x60, "VMCB int_ctl");
_Static_assert(offsetof(struct vmcb, exit_code) == 0x70, "VMCB exit code");
_Static_assert(offsetof(struct vmcb, exit_int_info) == 0x88, "VMCB exitintinfo");
_Static_assert(offsetof(struct vmcb, nested_ctl) == 0x90, "VMCB nested_ctl");
_Static_assert(offsetof(struct vmcb, event_inj) == 0xa8, "VMCB eventinj");
_Static_assert(offsetof(struct vmcb, nested_cr3) == 0xb0, "VMCB ncr3");
_Static_assert(offsetof(struct vmcb, next_rip) == 0xc8, "VMCB nrip");
_Static_assert(offsetof(struct vmcb, es) == 0x400, "VMCB save area");
_Static_assert(offsetof(struct vmcb, tr) == 0x490, "VMCB tr");
_Static_assert(offsetof(struct vmcb, cpl) == 0x4cb, "VMCB cpl");
_Static_assert(offsetof(struct vmcb, efer) == 0x4d0, "VMCB efer");
_Static_assert(offsetof(struct vmcb, cr4) == 0x548, "VMCB cr4");
_Static_assert(offsetof(struct vmcb, rip) == 0x578, "VMCB rip");
_Static_assert(offsetof(struct vmcb, rsp) == 0x5d8, "VMCB rsp");
_Static_assert(offsetof(struct vmcb, rax) == 0x5f8, "VMCB rax");
_Static_assert(offsetof(struct vmcb, cr2) == 0x640, "VMCB cr2");
_Static_assert(offsetof(struct vmcb, g_pat) == 0x668, "VMCB g_pat");
_Static_assert(sizeof(struct vmcb) <= VMCB_SIZE, "VMCB size");

void x86_svm_run(uint64_t *gprs, paddr_t vmcb, paddr_t host_save);

static bool svm_ok;
static uint32_t asid_count;     /* ASIDs 1..asid_count-1 are for guests */
static uint32_t asid_next = 1;
static uint64_t asid_generation = 1;
uint64_t x86_guest_tlb_epoch;

static uint8_t host_save_area[4096] __attribute__((aligned(4096)));   /* VM_HSAVE_PA */
static uint8_t host_vmsave_area[4096] __attribute__((aligned(4096))); /* host VMSAVE/VMLOAD */
static uint8_t iopm[3 * 4096] __attribute__((aligned(4096)));
static uint8_t msrpm_all[2 * 4096] __attribute__((aligned(4096)));
static uint8_t msrpm_switched[2 * 4096] __attribute__((aligned(4096)));

static struct vmcb *vmcb_of(const struct vcpu_arch *v)
{
    return (struct vmcb *)(uintptr_t)v->vmcb;
}

/* MSRPM (APM vol. 2, 15.11): two bits (read, write) per MSR; the ranges at bytes 0 and 0x800. */
static void init_maps(void)
{
    memset(iopm, 0xff, sizeof iopm);
    virt_msr_maps_build(msrpm_all, msrpm_switched, sizeof msrpm_all,
                        (struct virt_msr_map_format){2, 1, {0, 0x800u * 8}});
}

/* At boot: enable SVM only when CPUID has it with nested paging and firmware did not lock it. */
bool x86_svm_init(void)
{
    uint32_t r[4];
    cpuid(0x80000000u, 0, r);
    if (r[0] < 0x8000000au) return false;
    cpuid(0x80000001u, 0, r);
    if (!(r[2] & (1u << 2))) return false;
    cpuid(0x8000000au, 0, r);
    if (!(r[3] & 1u) || r[1] < 2) {
        kprintf("[kernel] SVM without nested paging: virtual CPUs are not available\n");
        return false;
    }
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        kprintf("[kernel] SVM disabled by firmware: virtual CPUs are not available\n");
        return false;
    }
    asid_count = r[1];
    init_maps();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, image_paddr(host_save_area));
    svm_ok = true;
    kprintf("[kernel] AMD SVM with nested paging, %u ASIDs\n", asid_count);
    return true;
}

bool svm_vcpu_supported(void)
{
    return svm_ok;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
    s->selector = sel;
    s->attrib = attrib;
    s->limit = limit;
    s->base = base;
}

/* Real mode at address 0, interrupts off: the VMM sets what its guest needs. */
static void init_guest_state(struct vmcb *c)
{
    struct vmcb_seg *data[] = {&c->es, &c->ss, &c->ds, &c->fs, &c->gs};
    for (unsigned i = 0; i < ARRAY_SIZE(data); i++) set_seg(data[i], 0, 0x93, 0xffff, 0);
    set_seg(&c->cs, 0, 0x9b, 0xffff, 0);
    set_seg(&c->gdtr, 0, 0, 0xffff, 0);
    set_seg(&c->idtr, 0, 0, 0xffff, 0);
    set_seg(&c->ldtr, 0, 0x82, 0xffff, 0);
    set_seg(&c->tr, 0, 0x8b, 0xffff, 0);
    c->cr0 = 0x10; /* ET */
    c->efer = EFER_SVME;
    c->rflags = 0x2;
    c->dr6 = 0xffff0ff0u;
    c->dr7 = 0x400;
    c->g_pat = BH_VCPU_PAT_RESET;
}

static void set_intercepts(struct vmcb *c, const struct vcpu_arch *v)
{
    c->intercept3 = I3_INTR | I3_NMI | I3_SMI | I3_INIT | I3_INVLPGA | I3_IOIO | I3_MSR | I3_SHUTDOWN | I3_INVD;
    if (v->controls & BH_VCPU_CTL_CPUID) c->intercept3 |= I3_CPUID;
    if (v->controls & BH_VCPU_CTL_HLT) c->intercept3 |= I3_HLT;
    c->intercept4 = I4_SVM_INSNS | I4_MONITOR_MWAIT | I4_XSETBV | I4_WBINVD;
    c->intercept_cr = CR_WRITE(4);
    c->intercept_exc = (uint32_t)v->exceptions | BH_VCPU_EXCEPTIONS_ALWAYS;
    c->msrpm_pa = image_paddr((v->controls & BH_VCPU_CTL_MSR_SWITCHED) ? msrpm_switched : msrpm_all);
}

void svm_vcpu_init(struct vcpu_arch *v)
{
    struct vmcb *c = vmcb_of(v);
    v->controls = 0;
    v->exceptions = 0;
    memset(v->dr, 0, sizeof v->dr);
    set_intercepts(c, v);
    c->iopm_pa = image_paddr(iopm);
    c->int_ctl = INT_CTL_V_INTR_MASKING;
    c->nested_ctl = 1; /* NP_ENABLE */
    init_guest_state(c);
    virt_fpu_reset(&v->fpu);
}

/* ---- Guest state: BH_VCPU_* indices ---- */

static struct vmcb_seg *seg_of(struct vmcb *c, word_t index)
{
    struct vmcb_seg *segs[] = {&c->es, &c->cs, &c->ss, &c->ds, &c->fs, &c->gs, &c->ldtr, &c->tr};
    return segs[(index - BH_VCPU_ES) / 2];
}

/* The plain 64-bit fields, or NULL. */
static uint64_t *word_of(struct vcpu_arch *v, word_t index)
{
    struct vmcb *c = vmcb_of(v);
    switch (index) {
    case BH_VCPU_RAX: return &c->rax;
    case BH_VCPU_RSP: return &c->rsp;
    case BH_VCPU_RIP: return &c->rip;
    case BH_VCPU_RFLAGS: return &c->rflags;
    case BH_VCPU_CR0: return &c->cr0;
    case BH_VCPU_CR2: return &c->cr2;
    case BH_VCPU_CR3: return &c->cr3;
    case BH_VCPU_CR4: return &c->cr4;
    case BH_VCPU_DR7: return &c->dr7;
    case BH_VCPU_GDTR_BASE: return &c->gdtr.base;
    case BH_VCPU_IDTR_BASE: return &c->idtr.base;
    case BH_VCPU_DR6: return &c->dr6;
    default:
        if (index >= BH_VCPU_DR0 && index <= BH_VCPU_DR3) return &v->dr[index - BH_VCPU_DR0];
        return index <= BH_VCPU_R15 ? &v->gpr[index] : NULL;
    }
}

/* EVENTINJ (APM vol. 2, 15.20; bh_vcpu_event_t): valid types INTR, NMI, exception, software
 * interrupt; bits 30:12 reserved; an error code only with an exception; an exception vector
 * below 32 and not 2 (NMI is its own type). */
static bool event_ok(word_t e)
{
    uint32_t lo = (uint32_t)e, type = lo & BH_VCPU_EVENT_TYPE, vector = bh_vcpu_event_vector(e);
    if (!(lo & BH_VCPU_EVENT_VALID)) return e == 0;
    if (lo & ~(uint32_t)BH_VCPU_EVENT_ALL) return false;
    if (type != BH_VCPU_EVENT_INTR && type != BH_VCPU_EVENT_NMI && type != BH_VCPU_EVENT_EXCEPTION &&
        type != BH_VCPU_EVENT_SOFT_INT)
        return false;
    if ((lo & BH_VCPU_EVENT_ERROR_VALID) && type != BH_VCPU_EVENT_EXCEPTION) return false;
    if (type == BH_VCPU_EVENT_EXCEPTION && (vector >= 32 || vector == 2)) return false;
    if (type == BH_VCPU_EVENT_NMI && vector != 2) return false;
    return true;
}

/* Bits 63:47 all equal. */
static bool canonical(word_t a)
{
    return (word_t)((int64_t)(a << 16) >> 16) == a;
}

#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define SEG_ATTR_L (1u << 9)  /* the VMCB's packed attributes: type, S, DPL, P, AVL, L, D/B, G */
#define SEG_ATTR_DB (1u << 10)
/* RFLAGS bits with a meaning (CF, 1, PF, AF, ZF, SF, TF, IF, DF, OF, IOPL, NT, RF, VM, AC, VIF,
 * VIP, ID); bits 3, 5, 15 and 22..63 are reserved (zero). */
#define RFLAGS_DEFINED 0x3f7fd7ull

bool svm_vcpu_check_state(word_t index, word_t value)
{
    if (index >= BH_VCPU_ES && index <= BH_VCPU_TR + 1)
        return ((index - BH_VCPU_ES) & 1u) ? canonical(value) : (value & 0xf0000000ull) == 0;
    switch (index) {
    case BH_VCPU_CR0: return value >> 32 == 0;
    case BH_VCPU_CR3: return value >> 52 == 0; /* MBZ in long mode; legacy modes ignore them */
    case BH_VCPU_RFLAGS: return (value & ~RFLAGS_DEFINED) == 0;
    case BH_VCPU_GDTR_BASE:
    case BH_VCPU_IDTR_BASE: return canonical(value);
    case BH_VCPU_EFER: return (value & ~(EFER_GUEST_BITS | EFER_SVME)) == 0;
    case BH_VCPU_GDTR_LIMIT:
    case BH_VCPU_IDTR_LIMIT: return value <= 0xffff;
    case BH_VCPU_CONTROLS: return (value & ~(word_t)BH_VCPU_CTL_ALL) == 0;
    case BH_VCPU_EXCEPTIONS: return value <= 0xffffffffu;
    case BH_VCPU_EVENT_INJ: return event_ok(value);
    case BH_VCPU_INT_SHADOW: return value <= 1;
    case BH_VCPU_CR4: return (value & ~BH_VCPU_CR4_ALLOWED) == 0;
    case BH_VCPU_DR6:
    case BH_VCPU_DR7: return value <= 0xffffffffu; /* MOV to DR6/DR7 and VMRUN refuse more */
    default: return index < VCPU_STATE_COUNT;
    }
}

static void write_seg(struct vmcb *c, word_t index, word_t value)
{
    struct vmcb_seg *s = seg_of(c, index);
    if ((index - BH_VCPU_ES) & 1u) {
        s->base = value;
        return;
    }
    s->selector = (uint16_t)value;
    s->attrib = (uint16_t)(value >> 16);
    s->limit = (uint32_t)(value >> 32);
    if (s == &c->ss) c->cpl = (uint8_t)((s->attrib >> 5) & 3u); /* CPL is SS.DPL (15.5.1) */
}

/* Only after plat_vcpu_check_state accepted the value. */
void svm_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value)
{
    struct vmcb *c = vmcb_of(v);
    /* A new RIP completes the instruction: a shadow of STI or MOV SS before it is over. The
     * one write of most VMEnters, so first and alone. */
    if (index == BH_VCPU_RIP) {
        if (value != c->rip) c->int_state = 0;
        c->rip = value;
        return;
    }
    uint64_t *w = word_of(v, index);
    /* A VMM that emulates MOV to CR0, CR3 or CR4 changes the translation: as the instruction
     * would, flush the guest's TLB (a fresh ASID at the next run). */
    if (virt_changes_translation(index) && value != *w) v->asid_generation = 0;
    if (w) {
        *w = value;
    } else if (index >= BH_VCPU_ES && index <= BH_VCPU_TR + 1) {
        write_seg(c, index, value);
    } else {
        switch (index) {
        case BH_VCPU_EFER: c->efer = value | EFER_SVME; break;
        case BH_VCPU_GDTR_LIMIT: c->gdtr.limit = (uint32_t)value; break;
        case BH_VCPU_IDTR_LIMIT: c->idtr.limit = (uint32_t)value; break;
        /* The intercepts follow from these two alone. */
        case BH_VCPU_CONTROLS: v->controls = value; set_intercepts(c, v); break;
        case BH_VCPU_EXCEPTIONS: v->exceptions = value; set_intercepts(c, v); break;
        case BH_VCPU_EVENT_INJ:
            c->event_inj = (uint32_t)value;
            c->event_inj_err = (uint32_t)(value >> 32);
            break;
        case BH_VCPU_INT_SHADOW: c->int_state = (uint32_t)value; break;
        default: break;
        }
    }
}

static word_t read_seg(const struct vmcb *c, word_t index)
{
    const struct vmcb_seg *s = seg_of((struct vmcb *)(uintptr_t)c, index);
    if ((index - BH_VCPU_ES) & 1u) return s->base;
    return (word_t)s->selector | (word_t)s->attrib << 16 | (word_t)s->limit << 32;
}

word_t svm_vcpu_read_state(const struct vcpu_arch *v, word_t index)
{
    const struct vmcb *c = vmcb_of(v);
    const uint64_t *w = word_of((struct vcpu_arch *)(uintptr_t)v, index);
    if (w) return *w;
    if (index >= BH_VCPU_ES && index <= BH_VCPU_TR + 1) return read_seg(c, index);
    switch (index) {
    case BH_VCPU_EFER: return c->efer & ~EFER_SVME;
    case BH_VCPU_GDTR_LIMIT: return c->gdtr.limit;
    case BH_VCPU_IDTR_LIMIT: return c->idtr.limit;
    case BH_VCPU_CONTROLS: return v->controls;
    case BH_VCPU_EXCEPTIONS: return v->exceptions;
    case BH_VCPU_EVENT_INJ: return (word_t)c->event_inj | (word_t)c->event_inj_err << 32;
    case BH_VCPU_INT_SHADOW: return c->int_state & 1u;
    default: return 0;
    }
}

/* ---- ASIDs and running ---- */

void svm_vcpu_space_changed(struct vcpu_arch *v)
{
    v->asid_generation = 0;
}

/* A fresh ASID when this VCPU's is stale; returns the TLB_CONTROL for this VMRUN. */
static uint8_t asid_refresh(struct vcpu_arch *v, struct vmcb *c)
{
    if (v->asid_generation == asid_generation && v->tlb_epoch == x86_guest_tlb_epoch) return 0;
    uint8_t flush = 0;
    if (asid_next >= asid_count) {
        asid_generation++;
        asid_next = 1;
        flush = TLB_FLUSH_ALL;
    }
    c->asid = asid_next++;
    v->asid_generation = asid_generation;
    v->tlb_epoch = x86_guest_tlb_epoch;
    return flush;
}

static void read_exit(const struct vmcb *c, struct vm_exit *x)
{
    uint32_t code = c->exit_code;
    bool interrupted = code == BH_VM_EXIT_INTR || code == BH_VM_EXIT_NMI || code == BH_VM_EXIT_SMI || code == BH_VM_EXIT_INIT;
    x->reason = interrupted ? VM_EXIT_INTERRUPTED : code; /* low 32 bits: TCG's VMEXIT_INVALID */
    x->qual1 = c->exit_info1;
    x->qual2 = c->exit_info2;
    x->pc = c->rip;
    x->next_pc = c->next_rip;
    x->event = (word_t)c->exit_int_info | (word_t)c->exit_int_info_err << 32;
}

static bool is_mov_dr0_3(uint32_t code)
{
    return (code >= BH_VM_EXIT_READ_DR(0) && code < BH_VM_EXIT_READ_DR(0) + 4) || (code >= BH_VM_EXIT_WRITE_DR(0) && code < BH_VM_EXIT_WRITE_DR(0) + 4);
}

/* One VMRUN. DR0-DR3 go in when the guest may reach them (live) or has a breakpoint enabled,
 * and come back when it may have changed them. Inlined: it is on every exit's path. */
static inline __attribute__((always_inline)) void run_once(struct vcpu_arch *v, struct vmcb *c, bool live)
{
    c->intercept_dr = live ? 0 : DR_ACCESS_0_3;
    if (live || (c->dr7 & DR7_ENABLE_BITS)) x86_load_dr0_3(v->dr);
    x86_svm_run(v->gpr, ptr_to_paddr(c), image_paddr(host_vmsave_area));
    if (live) x86_save_dr0_3(v->dr);
    c->tlb_control = 0;
    c->event_inj = 0; /* delivered, or reported in EXITINTINFO */
}

/* The VMRUN consistency checks of the APM (vol. 2, 15.5.1) on combinations of values, each
 * checked alone when written; plus EFER.LMA, which the processor keeps as LME && PG but a
 * VMRUN takes from the VMCB, and LME only with PAE. Returns 0, or the number of the rule
 * broken (EXITINFO1). */
static word_t vmrun_inconsistency(const struct vmcb *c)
{
    bool long_paging = (c->efer & EFER_LME) && (c->cr0 & CR0_PG);
    if ((c->cr0 & CR0_NW) && !(c->cr0 & CR0_CD)) return 1;
    if ((c->cr0 & CR0_PG) && !(c->cr0 & CR0_PE)) return 2;
    if (long_paging && !(c->cr4 & CR4_PAE)) return 3;
    if (long_paging && (c->cs.attrib & SEG_ATTR_L) && (c->cs.attrib & SEG_ATTR_DB)) return 4;
    if (((c->efer & EFER_LMA) != 0) != long_paging) return 5;
    /* EFER.LME without CR4.PAE: allowed by the architecture while paging is off, but no mode
     * switch passes through it (the SDM's order is PAE, then LME, then PG), and QEMU's TCG
     * restores the host's CR0 before its CR4 on #VMEXIT, so with the guest's PAE clear it
     * drops the host's CR0 and the host runs on in real mode (a hang the fuzzer found). The
     * guest cannot reach it alone: EFER and CR4 writes exit to the VMM. */
    if ((c->efer & EFER_LME) && !(c->cr4 & CR4_PAE)) return 6;
    return 0;
}

void svm_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *x)
{
    struct vmcb *c = vmcb_of(v);
    word_t broken = vmrun_inconsistency(c);
    if (broken) {
        *x = (struct vm_exit){.reason = BH_VM_EXIT_INVALID, .qual1 = broken, .pc = c->rip};
        return;
    }
    c->nested_cr3 = ptr_to_paddr(guest_root);
    c->tlb_control = asid_refresh(v, c);
    c->next_rip = 0;
    x86_fpu_save(host_fpu);
    x86_fpu_restore(&v->fpu);
    x86_mitigate_vm_entry(guest_root);
    run_once(v, c, false);
    /* The guest's first MOV DR0-DR3: with its own values loaded, it runs again without the
     * intercept (the instruction had not executed). That run cannot end in such an exit, so
     * this is at most a second VMRUN; an event being delivered is delivered again. */
    if (__builtin_expect(is_mov_dr0_3(c->exit_code), 0)) {
        c->event_inj = c->exit_int_info;
        c->event_inj_err = c->exit_int_info_err;
        x86_mitigate_vm_entry(guest_root);
        run_once(v, c, true);
    }
    x86_fpu_save(&v->fpu);
    x86_fpu_restore(host_fpu);
    read_exit(c, x);
}

/* ---- Nested page tables: the host's long-mode format, user bit set (15.25.5); tables are
 * installed by plat_map_table for both back ends (virt.c) ---- */

int svm_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights)
{
    word_t not_executable = (rights & VCPU_RIGHT_EXECUTE) ? 0 : 1;
    return plat_map_frame(guest_root, gpa, paddr, size_bits, rights & (RIGHT_READ | RIGHT_WRITE), not_executable);
}

/* The mode: CPL from SS.DPL (attribute bits 5-6), EFER.LMA (bit 10), CS.L (attribute bit 9), CR0.PG. */
unsigned svm_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out)
{
    const struct vmcb *c = vmcb_of(v);
    return virt_exit_summary(out, c->rax, v->gpr, (word_t)(c->ss.attrib >> 5), c->efer >> 10,
                             (word_t)(c->cs.attrib >> 9), c->cr0 >> 31);
}

void svm_vcpu_set_results(struct vcpu_arch *v, const word_t *in)
{
    virt_set_results(&vmcb_of(v)->rax, v->gpr, in);
}
