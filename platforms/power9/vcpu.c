/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 virtual CPUs: LPAR guests, radix, entered with hrfid (guest.S) and back on a
 * hypervisor interrupt. The GuestSpace is the partition (mmu.c: its LPID is its ASID, its
 * partition-scoped tree the space's tables). The kernel owns LPCR, LPIDR, HFSCR, AMOR, HDEC and
 * the partition table; the VMM sets the guest state the ABI lists (abi/ppc64le.abi), checked.
 *
 * LPCR while a guest runs (the policy KVM-HV uses for a radix guest, docs/platforms.md): the
 * host's PECE bits, HR | UPRT | GTSE (radix, the guest's process table, guest tlbie), HVICE
 * (host device interrupts from the XIVE end the run as 0xEA0), HDICE (the host's tick runs on
 * HDEC: the DEC is the guest's), LPES = 0 (external interrupts go to the hypervisor), LD = 0
 * (a 32-bit guest DEC), and the VMM's ILE and AIL (BH_VCPU_MODE).
 *
 * Switched at every entry and exit, so that nothing of a guest is left for a thread or another
 * guest: the GPRs, LR, CTR, CR, XER, FP/VMX/VSX (eagerly), SRR0/1, SPRG0-3, DAR, DSISR, PID,
 * DEC, AMR, IAMR, UAMOR, FSCR, TIDR, PSPB, the SLB (cleared: a radix guest may still write it) and the
 * per-CPU state of a thread switch (PPR, reservation, copy buffer). On the way out they get the
 * host's fixed values (facilities.c). Facilities HFSCR denies (TAR, DSCR, EBB, PMU, TM, BHRB,
 * msgsndp) exit as 0xF80 instead of being switched; their SPRs get the host's values back after
 * every run all the same (HOST_KEPT_SPRS: QEMU 7.2 lets some through).
 */
#include "power9.h"

#define SPRN_DSISR 18
#define SPRN_DAR 19
#define SPRN_SRR0 26
#define SPRN_SRR1 27
#define SPRN_AMR 29
#define SPRN_IAMR 61
#define SPRN_CTRLF 136
#define SPRN_TIDR 144
#define SPRN_CTRLT 152
#define SPRN_UAMOR 157
#define SPRN_PSPB 159
#define SPRN_HFSCR 190
#define SPRN_SPRG0 272
#define SPRN_SPRG1 273
#define SPRN_SPRG2 274
#define SPRN_SPRG3 275
#define SPRN_HDSISR 306
#define SPRN_HDAR 307
#define SPRN_HDEC 310
#define SPRN_LPIDR 319
#define SPRN_HMER 336
#define SPRN_AMOR 349
#define SPRN_ASDR 816

#define LPCR_ILE (1ul << 25)
#define LPCR_ONL (1ul << 18)
#define LPCR_GTSE (1ul << 10)
#define LPCR_MER (1ul << 11)
#define LPCR_LPES (3ul << 2)
#define LPCR_HEIC (1ul << 4)
#define LPCR_VPM (3ul << 62)
#define LPCR_ISL (1ul << 61)
#define LPCR_GUEST_CLEAR (LPCR_VPM | LPCR_ISL | LPCR_ILE | LPCR_AIL | LPCR_LD | LPCR_MER | LPCR_LPES | LPCR_HEIC)
#define LPCR_GUEST_SET (LPCR_HR | LPCR_UPRT | LPCR_GTSE | LPCR_HVICE | LPCR_HDICE)

#define HFSCR_GUEST 3ul          /* FP, VECVSX */
#define SRR1_INTERRUPT_BITS 0x783f0000ul /* SRR1 bits 33:36 and 42:47: the interrupt's, not the MSR's */
#define AIL_3 (3ul << 23)
#define PID_MASK 0xffffful /* POWER9 implements 20 PID bits */
#define AIL_3_OFFSET 0xc000000000004000ul
#define PRTB_ALLOWED (0x0ffffffffffff000ul | (1ul << 63) | 0x1ful)

static uint64_t backstop_ticks(void)
{
    uint64_t t = p9_timebase_hz / 100000u; /* 10 us */
    return t ? t : 1;
}

bool plat_vcpu_supported(void)
{
    return true;
}

void plat_vcpu_init(struct vcpu_arch *v)
{
    memset(v, 0, sizeof *v);
    v->ctx.msr = MSR_SF | MSR_ME;
    v->dec_expiry = ~0ul >> 1;
}

static bool event_ok(word_t e)
{
    if (e == 0) return true;
    unsigned vector = bh_vcpu_event_vector(e);
    return (e & ~(word_t)BH_VCPU_EVENT_ALL) == 0 && bh_vcpu_event_valid(e) &&
           (vector == BH_VCPU_EVENT_EXTERNAL || vector == BH_VCPU_EVENT_DECREMENTER);
}

bool plat_vcpu_check_state(word_t index, word_t value)
{
    switch (index) {
    case BH_VCPU_MSR: return (value & ~(word_t)BH_VCPU_MSR_ALLOWED) == 0;
    case BH_VCPU_CR:
    case BH_VCPU_DSISR:
    case BH_VCPU_VSCR:
    case BH_VCPU_VRSAVE:
    case BH_VCPU_PSPB: return value <= 0xffffffffu;
    case BH_VCPU_PID: return value < (1u << 20);
    case BH_VCPU_MODE: return (value & ~(word_t)BH_VCPU_MODE_ALLOWED) == 0;
    case BH_VCPU_PROCESS_TABLE: return (value & ~PRTB_ALLOWED) == 0 && (value & 0x1fu) <= 24u;
    case BH_VCPU_FSCR: return value <= 0xffffu; /* facility enables only, no interrupt cause */
    case BH_VCPU_EVENT: return event_ok(value);
    default: return index < VCPU_STATE_COUNT;
    }
}

/* The word at index, or NULL for those stored elsewhere (the VSRs, VSCR). */
static uint64_t *state_word(struct vcpu_arch *v, word_t i)
{
    if (i <= BH_VCPU_R31) return &v->ctx.gpr[i];
    switch (i) {
    case BH_VCPU_NIA: return &v->ctx.pc;
    case BH_VCPU_MSR: return &v->ctx.msr;
    case BH_VCPU_CR: return &v->ctx.cr;
    case BH_VCPU_LR: return &v->ctx.lr;
    case BH_VCPU_CTR: return &v->ctx.ctr;
    case BH_VCPU_XER: return &v->ctx.xer;
    case BH_VCPU_SRR0: return &v->srr0;
    case BH_VCPU_SRR1: return &v->srr1;
    case BH_VCPU_SPRG0:
    case BH_VCPU_SPRG1:
    case BH_VCPU_SPRG2:
    case BH_VCPU_SPRG3: return &v->sprg[i - BH_VCPU_SPRG0];
    case BH_VCPU_DAR: return &v->ctx.dar;
    case BH_VCPU_DSISR: return &v->ctx.dsisr;
    case BH_VCPU_PID: return &v->pid;
    case BH_VCPU_DEC_EXPIRY: return &v->dec_expiry;
    case BH_VCPU_MODE: return &v->mode;
    case BH_VCPU_PROCESS_TABLE: return &v->process_table;
    case BH_VCPU_AMR: return &v->amr;
    case BH_VCPU_IAMR: return &v->iamr;
    case BH_VCPU_UAMOR: return &v->uamor;
    case BH_VCPU_FSCR: return &v->fscr;
    case BH_VCPU_TIDR: return &v->tidr;
    case BH_VCPU_PSPB: return &v->pspb;
    case BH_VCPU_EVENT: return &v->event;
    case BH_VCPU_FPSCR: return &v->fpu.fpscr;
    case BH_VCPU_VRSAVE: return &v->fpu.vrsave;
    default: break;
    }
    if (i >= BH_VCPU_VSR(0) && i < BH_VCPU_VSR(BH_VCPU_VSR_COUNT)) {
        /* entry.S's stxv keeps doubleword 0 (the FPR of VSR 0..31) in the second word. */
        word_t k = i - BH_VCPU_VSR(0);
        return &v->fpu.vsr[k / 2][1 - k % 2];
    }
    return NULL;
}

/* VSCR is the low word of the quadword stvx stores (little-endian: its first word). */
void plat_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value)
{
    if (index == BH_VCPU_VSCR) {
        v->fpu.vscr[0] = value;
        v->fpu.vscr[1] = 0;
        return;
    }
    uint64_t *w = state_word(v, index);
    if (w) *w = value;
}

word_t plat_vcpu_read_state(const struct vcpu_arch *v, word_t index)
{
    if (index == BH_VCPU_VSCR) return v->fpu.vscr[0] & 0xffffffffu;
    uint64_t *w = state_word((struct vcpu_arch *)v, index);
    return w ? *w : 0;
}

/* The processor holds nothing of a VCPU once plat_vcpu_run has returned. */
void plat_vcpu_destroy(struct vcpu_arch *v)
{
    (void)v;
}

/* The partition-table entry is written at each entry from the space's LPID (mmu.c). */
void plat_vcpu_space_changed(struct vcpu_arch *v)
{
    (void)v;
}

unsigned plat_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out)
{
    static const unsigned regs[] = BH_VM_SUMMARY_REGS;
    for (unsigned i = 0; i < BH_VM_SUMMARY_REGS_COUNT; i++) out[i] = v->ctx.gpr[regs[i]];
    out[BH_VM_SUMMARY_REGS_COUNT] = v->ctx.msr;
    return VCPU_EXIT_SUMMARY_WORDS;
}

void plat_vcpu_set_results(struct vcpu_arch *v, const word_t *in)
{
    static const unsigned regs[] = BH_VM_RESULT_REGS;
    for (unsigned i = 0; i < BH_VM_RESULT_REGS_COUNT; i++) v->ctx.gpr[regs[i]] = in[i];
}

word_t plat_vcpu_take_event(struct vcpu_arch *v)
{
    word_t e = v->event;
    v->event = 0;
    return e;
}

/* Delivers the pending event as the hardware would (Power ISA v3.0B book III, 7.5): SRR0/1
 * get the guest's PC and MSR, the guest continues at the vector with SF | ME (| LE with
 * LPCR[ILE]), relocated with AIL = 3 when it ran with translation on. Only when MSR[EE] = 1:
 * otherwise it stays pending (false). */
static bool deliver_event(struct vcpu_arch *v)
{
    if (!v->event) return true;
    if (!(v->ctx.msr & MSR_EE)) return false;
    uint64_t msr = v->ctx.msr;
    v->srr0 = v->ctx.pc;
    v->srr1 = msr & ~SRR1_INTERRUPT_BITS;
    v->ctx.pc = bh_vcpu_event_vector(v->event);
    v->ctx.msr = MSR_SF | MSR_ME | ((v->mode & LPCR_ILE) ? MSR_LE : 0);
    if ((v->mode & LPCR_AIL) == AIL_3 && (msr & MSR_IR) && (msr & MSR_DR)) {
        v->ctx.pc += AIL_3_OFFSET;
        v->ctx.msr |= MSR_IR | MSR_DR;
    }
    v->event = 0;
    return true;
}

/* DEC from an absolute expiry: expired is -1 (pending), far away the largest positive DEC. */
static uint64_t guest_dec(uint64_t expiry, uint64_t tb)
{
    int64_t d = (int64_t)(expiry - tb);
    if (d > (int64_t)BH_VCPU_DEC_FAR) d = BH_VCPU_DEC_FAR;
    if (d < INT32_MIN) d = -1;
    return (uint64_t)d & 0xffffffffu;
}

static void load_guest_sprs(const struct vcpu_arch *v)
{
    mtspr(SPRN_AMOR, ~0ul); /* the guest's AMR, IAMR and UAMOR are its own */
    mtspr(SPRN_SRR0, v->srr0);
    mtspr(SPRN_SRR1, v->srr1);
    mtspr(SPRN_SPRG0, v->sprg[0]);
    mtspr(SPRN_SPRG1, v->sprg[1]);
    mtspr(SPRN_SPRG2, v->sprg[2]);
    mtspr(SPRN_SPRG3, v->sprg[3]);
    mtspr(SPRN_DAR, v->ctx.dar);
    mtspr(SPRN_DSISR, v->ctx.dsisr);
    mtspr(SPRN_AMR, v->amr);
    mtspr(SPRN_IAMR, v->iamr);
    mtspr(SPRN_UAMOR, v->uamor);
    mtspr(SPRN_FSCR, v->fscr);
    mtspr(SPRN_TIDR, v->tidr);
    mtspr(SPRN_PSPB, v->pspb);
    mtspr(SPRN_HFSCR, HFSCR_GUEST);
}

/* Saves the guest's SPRs and gives the host its fixed values back (facilities.c). */
static void save_guest_sprs(struct vcpu_arch *v, uint64_t host_amor, uint64_t host_hfscr)
{
    v->srr0 = mfspr(SPRN_SRR0);
    v->srr1 = mfspr(SPRN_SRR1);
    v->sprg[0] = mfspr(SPRN_SPRG0);
    v->sprg[1] = mfspr(SPRN_SPRG1);
    v->sprg[2] = mfspr(SPRN_SPRG2);
    v->sprg[3] = mfspr(SPRN_SPRG3);
    v->amr = mfspr(SPRN_AMR);
    v->iamr = mfspr(SPRN_IAMR);
    v->uamor = mfspr(SPRN_UAMOR);
    v->fscr = mfspr(SPRN_FSCR) & 0xffffu;
    v->tidr = mfspr(SPRN_TIDR);
    v->pspb = mfspr(SPRN_PSPB) & 0xffffffffu;
    /* DAR and DSISR are in ctx (the vectors saved them), PID in plat_vcpu_run. */
    mtspr(SPRN_SRR0, 0);
    mtspr(SPRN_SRR1, 0);
    mtspr(SPRN_SPRG0, 0);
    mtspr(SPRN_SPRG1, 0);
    mtspr(SPRN_SPRG2, 0);
    mtspr(SPRN_SPRG3, 0);
    mtspr(SPRN_DAR, 0);
    mtspr(SPRN_DSISR, 0);
    mtspr(SPRN_AMR, 0);
    mtspr(SPRN_IAMR, 0);
    mtspr(SPRN_UAMOR, 0);
    mtspr(SPRN_FSCR, 0);
    mtspr(SPRN_TIDR, 0);
    mtspr(SPRN_PSPB, 0);
    mtspr(SPRN_AMOR, host_amor);
    mtspr(SPRN_HFSCR, host_hfscr);
    /* A radix guest can still write SLB entries: leave none behind. */
    __asm__ volatile("slbmte %0, %0; slbia" ::"r"(0ul) : "memory");
}

/* SPRs of facilities HFSCR denies to guests (PMU, DSCR, TAR, EBB), and CTRL. QEMU 7.2 does not check
 * HFSCR[PM] for every PMU register, so a guest can write MMCR0 and the counters (found by
 * the hostile-guest test: the host's problem state then faulted on the counters): the kernel
 * keeps the host's values across every run instead of trusting the facility bit. */
#define HOST_KEPT_SPRS(X) X(17) X(780) X(781) X(784) X(785) X(786) X(787) X(788) X(789) X(790) X(791) X(792) \
    X(798) X(804) X(805) X(806) X(815)
#define SPRN_MMCR0 795
#define MMCR0_FC (1ul << 31)
struct host_kept {
    uint64_t mmcr0, ctrl;
#define KEPT_FIELD(n) uint64_t spr##n;
    HOST_KEPT_SPRS(KEPT_FIELD)
};

static void keep_host_sprs(struct host_kept *k)
{
    k->mmcr0 = mfspr(SPRN_MMCR0);
    k->ctrl = mfspr(SPRN_CTRLF);
#define KEEP(n) k->spr##n = mfspr(n);
    HOST_KEPT_SPRS(KEEP)
}

static void restore_host_sprs(const struct host_kept *k)
{
    mtspr(SPRN_MMCR0, MMCR0_FC); /* frozen while the counters are written */
#define RESTORE(n) mtspr(n, k->spr##n);
    HOST_KEPT_SPRS(RESTORE)
    mtspr(SPRN_MMCR0, k->mmcr0);
    mtspr(SPRN_CTRLT, k->ctrl & 1u); /* the run latch: a guest could pass a bit on in it */
}

/* The exit record of the hypervisor interrupt the vectors saved (v->ctx.vector). */
static void describe_exit(struct vcpu_arch *v, struct vm_exit *x, bool host_tick_due)
{
    uint64_t vector = v->ctx.vector;
    x->reason = vector;
    x->pc = v->ctx.pc;
    switch (vector) {
    case BH_VM_EXIT_HCALL:
        v->ctx.pc -= 4; /* SRR0 is after the sc: the exit is at the sc, as on x86 */
        x->pc = v->ctx.pc;
        x->next_pc = v->ctx.pc + 4;
        x->qual1 = v->ctx.gpr[3];
        break;
    case BH_VM_EXIT_HDSI:
        x->qual1 = mfspr(SPRN_HDSISR);
        x->qual2 = (mfspr(SPRN_ASDR) & ~0xffful) | (mfspr(SPRN_HDAR) & 0xffful);
        x->next_pc = v->ctx.pc + 4;
        break;
    case BH_VM_EXIT_HISI:
        x->qual1 = v->ctx.msr & SRR1_INTERRUPT_BITS;
        x->qual2 = mfspr(SPRN_ASDR) & ~0xffful;
        break;
    case BH_VM_EXIT_SYSTEM_RESET: x->qual1 = v->ctx.msr; break;
    case BH_VM_EXIT_MACHINE_CHECK:
        x->qual1 = v->ctx.msr;
        x->qual2 = v->ctx.dar;
        break;
    case BH_VM_EXIT_MAINTENANCE: x->qual1 = mfspr(SPRN_HMER); break;
    case BH_VM_EXIT_FACILITY: {
        uint64_t h = mfspr(SPRN_HFSCR);
        x->qual1 = h >> 56;
        break;
    }
    case BH_VM_EXIT_HDEC:
        /* The host's tick (HDEC stood in for DEC), or the backstop of a waiting event. */
        if (host_tick_due || !v->event) x->reason = VM_EXIT_INTERRUPTED;
        break;
    case 0x500:
    case 0xea0: x->reason = VM_EXIT_INTERRUPTED; break; /* stays pending for the host */
    default: break;
    }
    v->ctx.msr &= ~SRR1_INTERRUPT_BITS;
}

void plat_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *x)
{
    int64_t host_dec = (int32_t)mfspr(SPRN_DEC);
    uint64_t lpid = p9_guest_partition(guest_root, v->process_table);
    if (host_dec <= 0 || !lpid) {
        /* The tick is due: not entered (the core checked the space: lpid is never 0 here). */
        x->reason = VM_EXIT_INTERRUPTED;
        x->pc = v->ctx.pc;
        x->event = plat_vcpu_take_event(v);
        return;
    }
    bool waiting = !deliver_event(v);
    p9_fpu_save(host_fpu);
    p9_fpu_restore(&v->fpu);
    uint64_t host_lpcr = mfspr(SPRN_LPCR), host_pid = mfspr(SPRN_PID);
    uint64_t host_amor = mfspr(SPRN_AMOR), host_hfscr = mfspr(SPRN_HFSCR);
    struct host_kept kept;
    keep_host_sprs(&kept);
    load_guest_sprs(v);
    v->ctx.msr = (v->ctx.msr & BH_VCPU_MSR_ALLOWED) | MSR_ME;
    __asm__ volatile("sync; isync" ::: "memory");
    mtspr(SPRN_LPIDR, lpid);
    mtspr(SPRN_LPCR, (host_lpcr & ~LPCR_GUEST_CLEAR) | LPCR_GUEST_SET | (v->mode & BH_VCPU_MODE_ALLOWED));
    mtspr(SPRN_PID, v->pid);
    __asm__ volatile("isync" ::: "memory");
    uint64_t tb0 = mftb();
    uint64_t hdec = (uint64_t)host_dec;
    if (waiting && hdec > backstop_ticks()) hdec = backstop_ticks();
    mtspr(SPRN_HDEC, hdec); /* after LPCR: HDEC is suppressed while HDICE = 0 */
    mtspr(SPRN_DEC, guest_dec(v->dec_expiry, tb0));
    p9_guest_enter(&v->ctx);
    uint64_t tb1 = mftb();
    v->dec_expiry = tb1 + (uint64_t)(int64_t)(int32_t)mfspr(SPRN_DEC);
    mtspr(SPRN_HDEC, 0x7fffffffu);
    v->pid = mfspr(SPRN_PID) & PID_MASK; /* before the host's comes back */
    mtspr(SPRN_LPCR, host_lpcr);
    mtspr(SPRN_LPIDR, 0);
    mtspr(SPRN_PID, host_pid);
    __asm__ volatile("isync" ::: "memory");
    int64_t left = host_dec - (int64_t)(tb1 - tb0);
    mtspr(SPRN_DEC, left > 0 ? (uint64_t)left : 0); /* 0: the tick is taken at the return to user */
    describe_exit(v, x, left <= 0);
    save_guest_sprs(v, host_amor, host_hfscr);
    restore_host_sprs(&kept);
    p9_fpu_save(&v->fpu);
    p9_fpu_restore(host_fpu);
    p9_reset_cpu_state();
    if (v->event) x->event = plat_vcpu_take_event(v);
}
