/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 virtual CPUs (LPAR guests): the test is the VMM of the guest in testguest.S. It
 * makes a GuestSpace and a VCPU from untyped, maps the guest's pages with their rights, runs
 * VMEnter in a loop and checks each exit (hcalls answered here: H_PUT_TERM_CHAR prints the
 * guest's line, every other PAPR hcall is H_FUNCTION), and the error paths of the state
 * interface.
 */
#include "../../../tests/system/ktest/ktest.h"
#include <bulkhead/arch/vcpu.h>
#include <string.h>

#define HOST_VA 0x0000680000000000ull
#define RW (BH_RIGHT_READ | BH_RIGHT_WRITE)
#define RX (BH_RIGHT_READ | BH_VCPU_RIGHT_EXECUTE)
#define H_SUCCESS 0
#define H_FUNCTION ((bh_word_t)-2)
#define H_PUT_TERM_CHAR 0x58
#define MSR_SF (1ull << 63)
#define MSR_ME (1ull << 12)
#define MSR_LE 1ull
#define MSR_FP (1ull << 13)
#define MSR_VEC (1ull << 25)
#define VSCR_NJ 0x10000ull
#define LPCR_ILE 0x02000000ull
#define HDSISR_STORE 0x02000000ull
#define PAGES 5u
#define FP_FROM_VMM 0x4009213456789abcull
#define FP_FROM_GUEST 0x3ff8000000000000ull
#define FP_HOST 0x400c000000000000ull

extern const char p9guest_start[], p9guest_end[];
extern const char p9guest_h_start[], p9guest_h_end[];
extern const char p9guest_t_start[], p9guest_t_end[], p9guest_t_after[];
extern const char p9guest_a_start[], p9guest_a_end[], p9guest_b_start[], p9guest_b_end[];

struct guest {
    bh_cptr_t vcpu, space;
    bh_cptr_t frame[PAGES], mapped[PAGES];
};

static int vm_enter(bh_word_t *x, int set_pc, bh_word_t pc)
{
    bh_word_t dest = 0;
    bh_msginfo_t info = bh_msginfo(0, 0, 0, set_pc ? 1u : 0u);
    bh_set_mr(0, pc);
    bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
    for (unsigned i = 0; i <= BH_VM_MR_MODE; i++) x[i] = bh_get_mr(i);
    return (int)bh_msginfo_label(info);
}

/* The VCPU bound to this thread (bind), whose handed-back events run injects again. */
static bh_cptr_t bound_vcpu;

static int bind(bh_cptr_t vcpu)
{
    int r = bh_vcpu_set_tcb(vcpu, BH_ROOT_TCB);
    if (r == BH_ERR_OK) bound_vcpu = vcpu;
    return r;
}

/* Enters until an exit that is not an interruption (timer ticks end guest runs too). An
 * interruption before the entry hands back the event set up for injection: as any VMM must,
 * this injects it again. */
static int run(bh_word_t *x, int set_pc, bh_word_t pc)
{
    int r = vm_enter(x, set_pc, pc);
    for (unsigned i = 0; r == 0 && x[0] == BH_VM_EXIT_INTERRUPTED && i < 100000; i++) {
        if (x[BH_VM_MR_EVENT] && bh_vcpu_write_state(bound_vcpu, BH_VCPU_EVENT, &x[BH_VM_MR_EVENT], 1) != BH_ERR_OK)
            return -1;
        r = vm_enter(x, 0, 0);
    }
    return r;
}

static bh_word_t get(bh_cptr_t vcpu, bh_word_t index)
{
    bh_word_t v = ~0ull;
    (void)bh_vcpu_read_state(vcpu, index, 1, &v);
    return v;
}

static int set(bh_cptr_t vcpu, bh_word_t index, bh_word_t value)
{
    return bh_vcpu_write_state(vcpu, index, &value, 1);
}

static bh_cptr_t new_vm_object(struct env *env, bh_word_t type)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 13);
    bh_cptr_t s = new_slot(env);
    if (!ut || !s || bh_untyped_retype(ut, type, 0, BH_ROOT_CNODE, 0, 0, s, 1) != BH_ERR_OK) return 0;
    if (type == BH_OBJ_GUEST_SPACE && bh_asid_pool_assign(BH_ROOT_ASID_POOL, s) != BH_ERR_OK) return 0;
    return s;
}

static int errors(struct env *env)
{
    bh_cptr_t v = new_vm_object(env, BH_OBJ_VCPU);
    CHECK(v != 0);
    CHECK(get(v, BH_VCPU_MSR) == (MSR_SF | MSR_ME));
    CHECK_ERR(set(v, BH_VCPU_MSR, MSR_SF | (1ull << 60)), BH_ERR_INVALID_ARGUMENT); /* HV */
    CHECK_ERR(set(v, BH_VCPU_MSR, 1ull << 22), BH_ERR_INVALID_ARGUMENT);            /* S */
    CHECK_ERR(set(v, BH_VCPU_MSR, 1ull << 33), BH_ERR_INVALID_ARGUMENT);            /* TS */
    CHECK_ERR(set(v, BH_VCPU_MODE, 1ull << 20), BH_ERR_INVALID_ARGUMENT);           /* LPCR[HR] is the kernel's */
    CHECK_ERR(set(v, BH_VCPU_PID, 1ull << 20), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_CR, 1ull << 32), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_PROCESS_TABLE, 25), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_PROCESS_TABLE, 1ull << 62), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EVENT, BH_VCPU_EVENT_VALID | 0x700), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EVENT, BH_VCPU_EVENT_EXTERNAL), BH_ERR_INVALID_ARGUMENT); /* not VALID */
    CHECK_ERR(set(v, BH_VCPU_FSCR, 1ull << 56), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(set(v, BH_VCPU_MODE, LPCR_ILE));
    CHECK_OK(set(v, BH_VCPU_PROCESS_TABLE, (1ull << 63) | 0x3e000000ull | 12));
    CHECK_OK(set(v, BH_VCPU_VSR(7), 0x1122334455667788ull));
    CHECK(get(v, BH_VCPU_VSR(7)) == 0x1122334455667788ull && get(v, BH_VCPU_VSR(6)) == 0);
    CHECK_OK(set(v, BH_VCPU_VSCR, 0x10001));
    CHECK(get(v, BH_VCPU_VSCR) == 0x10001);
    bh_word_t vals[2] = {0, 0};
    CHECK_ERR(bh_vcpu_read_state(v, BH_VCPU_STATE_COUNT, 1, vals), BH_ERR_RANGE);
    CHECK_ERR(bh_vcpu_write_state(v, BH_VCPU_STATE_COUNT - 1, vals, 2), BH_ERR_RANGE);
    CHECK_ERR(set(v, BH_VCPU_PSPB, 1ull << 32), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, v, 64));
    return 0;
}

static volatile uint64_t *host_page(unsigned page)
{
    return (volatile uint64_t *)(uintptr_t)(HOST_VA + page * 0x1000ull);
}

static int map_page(struct env *env, struct guest *g, unsigned page, bh_word_t rights)
{
    g->mapped[page] = new_slot(env);
    CHECK(g->mapped[page] != 0);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, g->mapped[page], 64, BH_ROOT_CNODE, g->frame[page], 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_guest_space_map_frame(g->space, g->mapped[page], page * 0x1000ull, rights));
    return 0;
}

/* Guest pages: 0 vectors (RWX), 1 code (RX), 2 read-only data, 3 no-execute, 4 scratch. */
static int build_guest(struct env *env, struct guest *g)
{
    g->space = new_vm_object(env, BH_OBJ_GUEST_SPACE);
    g->vcpu = new_vm_object(env, BH_OBJ_VCPU);
    CHECK(g->space && g->vcpu);
    for (int i = 0; i < 3; i++) CHECK_OK(bh_guest_space_map_table(g->space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_ERR(bh_guest_space_map_frame(g->space, f, 1ull << 47, RW), BH_ERR_INVALID_ARGUMENT);
    for (unsigned p = 0; p < PAGES; p++) {
        g->frame[p] = new_object(env, BH_OBJ_FRAME, 0);
        CHECK_OK(bh_map_frame(&env->alloc, g->frame[p], BH_ROOT_VSPACE, HOST_VA + p * 0x1000ull, RW, 1));
    }
    size_t n = (size_t)(p9guest_end - p9guest_start);
    CHECK(n <= 0x2000);
    memcpy((void *)(uintptr_t)HOST_VA, p9guest_start, n);
    *host_page(2) = 0x2222;
    host_page(4)[1] = FP_FROM_GUEST;
    CHECK_OK(map_page(env, g, 0, RW | BH_VCPU_RIGHT_EXECUTE));
    CHECK_OK(map_page(env, g, 1, RX));
    CHECK_OK(map_page(env, g, 2, BH_RIGHT_READ));
    CHECK_OK(map_page(env, g, 3, RW));
    CHECK_OK(map_page(env, g, 4, RW));
    CHECK_OK(bh_vcpu_set_space(g->vcpu, g->space));
    CHECK_OK(bind(g->vcpu));
    CHECK_OK(set(g->vcpu, BH_VCPU_MSR, MSR_SF | MSR_ME | MSR_LE | MSR_FP | MSR_VEC));
    CHECK_OK(set(g->vcpu, BH_VCPU_MODE, LPCR_ILE));
    CHECK_OK(set(g->vcpu, BH_VCPU_VSR(4), FP_FROM_VMM)); /* f2 */
    CHECK_OK(set(g->vcpu, BH_VCPU_VSCR, VSCR_NJ));
    return 0;
}

/* An hcall exit with number nr at a known place: answers nothing, checks the record. */
static int expect_hcall(struct env *env, const bh_word_t *x, bh_word_t nr)
{
    CHECK(x[0] == BH_VM_EXIT_HCALL && x[BH_VM_MR_QUAL1] == nr && x[BH_VM_MR_SUMMARY] == nr);
    CHECK(x[BH_VM_MR_NEXT_PC] == x[BH_VM_MR_PC] + 4);
    return 0;
}

/* An HDSI at gpa: the guest's load gets `value` in r5 and continues after it. */
static int answer_load(struct env *env, bh_cptr_t v, bh_word_t *x, bh_word_t gpa, bh_word_t value)
{
    CHECK(x[0] == BH_VM_EXIT_HDSI && x[BH_VM_MR_QUAL2] == gpa && !(x[BH_VM_MR_QUAL1] & HDSISR_STORE));
    CHECK_OK(set(v, BH_VCPU_R5, value));
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    return 0;
}

static void set_host_f31(bh_word_t bits)
{
    __asm__ volatile("std %0, -8(1)\n\tlfd 31, -8(1)" ::"r"(bits) : "memory", "fr31");
}

static bh_word_t host_f31(void)
{
    bh_word_t bits;
    __asm__ volatile("stfd 31, -8(1)\n\tld %0, -8(1)" : "=r"(bits)::"memory");
    return bits;
}

/* Up to the HDSIs: the console line, an unknown hcall, two unbacked loads, the read-only store. */
static int console_and_storage(struct env *env, struct guest *g, bh_word_t *x)
{
    bh_cptr_t v = g->vcpu;
    CHECK_OK(run(x, 1, 0));
    CHECK_OK(expect_hcall(env, x, H_PUT_TERM_CHAR));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0 && x[BH_VM_MR_SUMMARY + 2] == 16);
    char line[17];
    for (int i = 0; i < 8; i++) {
        line[i] = (char)(x[BH_VM_MR_SUMMARY + 3] >> (56 - 8 * i));
        line[8 + i] = (char)(x[BH_VM_MR_SUMMARY + 4] >> (56 - 8 * i));
    }
    line[16] = 0;
    bh_printf("[ktest] the guest says: %s", line);
    CHECK(strcmp(line, "guest: hello p9\n") == 0);
    CHECK((x[BH_VM_MR_MODE] & (MSR_SF | MSR_LE)) == (MSR_SF | MSR_LE) && !(x[BH_VM_MR_MODE] & (1ull << 60)));
    /* The results in MR1..MR4 (r3..r6), the new PC in MR0. An external interrupt injected
     * now waits (MSR[EE] = 0) and comes back with the next exit, not delivered. */
    CHECK_OK(set(v, BH_VCPU_EVENT, BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXTERNAL));
    bh_word_t dest = 0;
    bh_msginfo_t info = bh_msginfo(0, 0, 0, 5);
    bh_set_mr(0, x[BH_VM_MR_NEXT_PC]);
    bh_set_mr(1, H_SUCCESS);
    for (unsigned i = 2; i < 5; i++) bh_set_mr(i, 0);
    bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
    for (unsigned i = 0; i <= BH_VM_MR_MODE; i++) x[i] = bh_get_mr(i);
    CHECK(bh_msginfo_label(info) == 0);
    while (x[0] == BH_VM_EXIT_HDEC || x[0] == BH_VM_EXIT_INTERRUPTED) {
        /* the backstop: the event comes back and is injected again */
        if (x[0] == BH_VM_EXIT_HDEC) CHECK(x[BH_VM_MR_EVENT] == (BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXTERNAL));
        if (x[BH_VM_MR_EVENT]) CHECK_OK(set(v, BH_VCPU_EVENT, x[BH_VM_MR_EVENT]));
        CHECK_OK(vm_enter(x, 0, 0));
    }
    CHECK_OK(expect_hcall(env, x, 0x7ff0));
    CHECK(x[BH_VM_MR_EVENT] == (BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXTERNAL) && get(v, BH_VCPU_EVENT) == 0);
    CHECK(get(v, BH_VCPU_R21) == 0); /* never delivered */
    CHECK_OK(set(v, BH_VCPU_R3, H_FUNCTION));
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(answer_load(env, v, x, 0x100000, 0x1234));
    CHECK_OK(answer_load(env, v, x, 0x20000000, 0x5678));
    CHECK(x[0] == BH_VM_EXIT_HDSI && x[BH_VM_MR_QUAL2] == 0x2000 && (x[BH_VM_MR_QUAL1] & HDSISR_STORE));
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(expect_hcall(env, x, 0xf100));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0x2222 && *host_page(2) == 0x2222);
    return 0;
}

/* The no-execute page, FP state both ways, a revoked page, the decrementer, an injection. */
static int execute_fp_revoke_interrupts(struct env *env, struct guest *g, bh_word_t *x)
{
    bh_cptr_t v = g->vcpu;
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK(x[0] == BH_VM_EXIT_HISI && x[BH_VM_MR_QUAL2] == 0x3000 && x[BH_VM_MR_PC] == 0x3000);
    set_host_f31(FP_HOST);
    CHECK_OK(run(x, 1, get(v, BH_VCPU_LR)));
    bh_word_t mine = host_f31();
    CHECK_OK(expect_hcall(env, x, 0xf101));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == FP_FROM_VMM);
    /* VSCR reached the guest's mfvscr: its word in one half of the stored quadword */
    bh_word_t vscr = x[BH_VM_MR_SUMMARY + 2] | x[BH_VM_MR_SUMMARY + 3];
    CHECK((vscr & 0xffffffffu) == VSCR_NJ || vscr >> 32 == VSCR_NJ);
    CHECK(get(v, BH_VCPU_VSCR) == VSCR_NJ);
    CHECK(get(v, BH_VCPU_VSR(62)) == FP_FROM_GUEST && mine == FP_HOST);
    /* Unmapping page 4 (deleting the mapped copy) flushes the guest's translation of it. */
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, g->mapped[4], 64));
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(answer_load(env, v, x, 0x4000, 0));
    CHECK_OK(expect_hcall(env, x, 0xf102));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0);
    /* The guest's decrementer interrupt is its own: delivered in the guest, no exit. */
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(expect_hcall(env, x, 0xf103));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 1 && get(v, BH_VCPU_R20) == 1);
    CHECK(x[BH_VM_MR_MODE] & 0x8000); /* MSR[EE] */
    CHECK_OK(set(v, BH_VCPU_EVENT, BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXTERNAL));
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(expect_hcall(env, x, 0xf104));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0x500 && get(v, BH_VCPU_EVENT) == 0);
    CHECK(get(v, BH_VCPU_SRR0) == x[BH_VM_MR_NEXT_PC]); /* the sc 1 set SRR0, as the hardware does */
    bh_word_t best = ~0ull;
    for (int i = 0; i < 5; i++) {
        CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
        CHECK_OK(expect_hcall(env, x, 0xf105));
        CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
        CHECK_OK(expect_hcall(env, x, 0xf106));
        if (x[BH_VM_MR_SUMMARY + 1] < best) best = x[BH_VM_MR_SUMMARY + 1];
    }
    bh_printf("[ktest] hcall round trip (guest sc 1 -> VMM -> VMEnter -> guest): %lu timebase ticks (min of 5)\n",
              (unsigned long)best);
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(expect_hcall(env, x, 0xf1ff));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0); /* r3 was 0: no device tree */
    return 0;
}

static int guest_run(struct env *env)
{
    struct guest g;
    memset(&g, 0, sizeof g);
    bh_word_t x[BH_VM_MR_MODE + 1];
    CHECK_OK(build_guest(env, &g));
    int r = console_and_storage(env, &g, x);
    if (r == 0) r = execute_fp_revoke_interrupts(env, &g, x);
    if (r != 0 && x[0] == BH_VM_EXIT_HCALL && x[BH_VM_MR_QUAL1] == 0xf1ee)
        bh_printf("[ktest] the guest failed at guest-real %lx\n", (unsigned long)x[BH_VM_MR_SUMMARY + 1]);
    if (r != 0) bh_printf("[ktest] last exit: reason %lx qual %lx %lx pc %lx\n", (unsigned long)x[0],
                          (unsigned long)x[1], (unsigned long)x[2], (unsigned long)x[3]);
    (void)bh_cnode_delete(BH_ROOT_CNODE, g.vcpu, 64);
    return r;
}

/* One partition of the isolation test: the image at guest-real 0 (page 0, RWX) and a marker
 * (unless 0) at the start of page 1 (read-only), both in frames of its own. */
static int small_guest(struct env *env, struct guest *g, const char *start, const char *end, bh_word_t marker,
                       bh_word_t host_va)
{
    g->space = new_vm_object(env, BH_OBJ_GUEST_SPACE);
    g->vcpu = new_vm_object(env, BH_OBJ_VCPU);
    CHECK(g->space && g->vcpu);
    for (int i = 0; i < 3; i++) CHECK_OK(bh_guest_space_map_table(g->space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    for (unsigned p = 0; p < 2; p++) {
        g->frame[p] = new_object(env, BH_OBJ_FRAME, 0);
        CHECK_OK(bh_map_frame(&env->alloc, g->frame[p], BH_ROOT_VSPACE, host_va + p * 0x1000ull, RW, 1));
    }
    memcpy((void *)(uintptr_t)host_va, start, (size_t)(end - start));
    if (marker) *(volatile uint64_t *)(uintptr_t)(host_va + 0x1000) = marker;
    CHECK_OK(map_page(env, g, 0, RW | BH_VCPU_RIGHT_EXECUTE));
    CHECK_OK(map_page(env, g, 1, BH_RIGHT_READ));
    CHECK_OK(bh_vcpu_set_space(g->vcpu, g->space));
    CHECK_OK(set(g->vcpu, BH_VCPU_MSR, MSR_SF | MSR_ME | MSR_LE));
    CHECK_OK(set(g->vcpu, BH_VCPU_MODE, LPCR_ILE));
    return 0;
}

static bh_word_t user_sprg3(void)
{
    bh_word_t v;
    __asm__ volatile("mfspr %0, 259" : "=r"(v)); /* SPRG3, readable in problem state */
    return v;
}

/* The performance monitor as problem state sees it: MMCR0 (UMMCR0) and PMC1..6. */
static bh_word_t user_pmu(void)
{
    bh_word_t m, p1, p2, p3, p4, p5, p6;
    __asm__ volatile("mfspr %0, 779; mfspr %1, 771; mfspr %2, 772; mfspr %3, 773; mfspr %4, 774; mfspr %5, 775; "
                     "mfspr %6, 776"
                     : "=r"(m), "=r"(p1), "=r"(p2), "=r"(p3), "=r"(p4), "=r"(p5), "=r"(p6));
    return m ^ (p1 << 8) ^ (p2 << 16) ^ (p3 << 24) ^ (p4 << 32) ^ (p5 << 40) ^ (p6 << 48);
}

/* Two partitions at once: each sees its own memory at the same guest-real address, and what
 * the first wrote into its SPRs is seen neither by the VMM thread (SPRG3 reads 0) nor by the
 * second guest, which finds its own (fresh, zero) state. */
static int isolation(struct env *env)
{
    struct guest a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    bh_word_t x[BH_VM_MR_MODE + 1];
    CHECK_OK(small_guest(env, &a, p9guest_a_start, p9guest_a_end, 0xaaaa, HOST_VA + 0x10000));
    CHECK_OK(small_guest(env, &b, p9guest_b_start, p9guest_b_end, 0xbbbb, HOST_VA + 0x20000));
    CHECK_OK(bind(a.vcpu));
    CHECK_OK(run(x, 1, 0));
    CHECK_OK(expect_hcall(env, x, 0xf1a0));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0xaaaa);
    bh_word_t ctrl = x[BH_VM_MR_SUMMARY + 2] & 1u; /* the run latch a found, before flipping it */
    CHECK(user_sprg3() == 0);
    /* What the guest wrote is its VCPU's state (the PID was the VMM's before a fix). */
    CHECK(get(a.vcpu, BH_VCPU_SPRG3) == 0x5a5a5a5a && get(a.vcpu, BH_VCPU_AMR) == 0x5a5a5a5a);
    CHECK(get(a.vcpu, BH_VCPU_DAR) == 0x5a5a5a5a && get(a.vcpu, BH_VCPU_PID) == 0x5a5a5a5a % (1u << 20));
    /* Deleting a's VCPU unbinds the thread; a's partition stays. */
    /* TIDR and PSPB too (they went from one guest to the next before they were VCPU state). */
    CHECK(get(a.vcpu, BH_VCPU_TIDR) == 0x5a5a5a5a && get(a.vcpu, BH_VCPU_PSPB) != 0);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, a.vcpu, 64));
    CHECK_OK(bind(b.vcpu));
    int r = run(x, 1, 0);
    (void)bh_cnode_delete(BH_ROOT_CNODE, b.vcpu, 64); /* unbinds the thread, whatever happened */
    CHECK_OK(r);
    CHECK_OK(expect_hcall(env, x, 0xf1b0));
    for (unsigned i = 1; i <= 7; i++)
        if (i != 5) CHECK(x[BH_VM_MR_SUMMARY + i] == 0);
    /* its marker, and CTRL's run latch as a found it, not as a left it */
    CHECK((x[BH_VM_MR_SUMMARY + 5] & 0xffffffffu) == 0xbbbb && ((x[BH_VM_MR_SUMMARY + 5] >> 32) & 1u) == ctrl);
    CHECK(user_sprg3() == 0);
    return 0;
}

/* VMEnter at pc with the results r3..r6 (a 5-word message). */
static int enter_with(bh_word_t *x, bh_word_t pc, bh_word_t r3, bh_word_t r4, bh_word_t r5, bh_word_t r6)
{
    bh_word_t dest = 0;
    bh_msginfo_t info = bh_msginfo(0, 0, 0, 5);
    bh_set_mr(0, pc);
    bh_set_mr(1, r3);
    bh_set_mr(2, r4);
    bh_set_mr(3, r5);
    bh_set_mr(4, r6);
    bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
    for (unsigned i = 0; i <= BH_VM_MR_MODE; i++) x[i] = bh_get_mr(i);
    return (int)bh_msginfo_label(info);
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* mtspr or mfspr of spr with r5 (the SPR number's halves swapped in the instruction). */
static bh_word_t spr_insn(bh_word_t to, unsigned spr)
{
    bh_word_t field = ((spr & 0x1fu) << 5) | (spr >> 5);
    return (to ? 0x7c0003a6u : 0x7c0002a6u) | (5u << 21) | (field << 11);
}

#define HOSTILE_ACTIONS 100000u
#define HOSTILE_SEED 0x9e3779b97f4a7c15ull
#define HOSTILE_LOOP 0x1000u
enum { EX_HCALL, EX_INSN, EX_LOAD, EX_STORE, EX_HDSI, EX_EMULATION, EX_FACILITY, EX_GUEST_INT, EX_INTERRUPTED,
       EX_OTHER, EX_RESETS, EX_KINDS };

/* The next action for the guest's 0xF1C0 (r3 = what, r4, r5, r6). */
static void choose(bh_word_t *r, unsigned *counts)
{
    bh_word_t k = rng() % 4, v = rng();
    r[0] = k;
    r[2] = rng();
    r[3] = rng();
    switch (k) {
    case 0: /* an hcall: mostly PAPR-shaped numbers, sometimes anything; never the test's own */
        r[1] = (v & 1) ? (v >> 1) : ((v >> 8) & 0xfffcu);
        if ((r[1] & 0xff00u) == 0xf100u) r[1] ^= 0x200u;
        counts[EX_HCALL]++;
        break;
    case 1: r[1] = spr_insn(v & 1, (unsigned)((v >> 1) % 1024u)); counts[EX_INSN]++; break;
    case 2: r[1] = (v & 1) ? (v >> 1) : (v % 0x200000u); counts[EX_LOAD]++; break;
    default: { /* stores: scratch page 4, the read-only page 2, or unbacked memory */
        static const bh_word_t where[3] = {0x4000, 0x2000, 0x100000};
        r[1] = where[(v >> 1) % 3] + (v >> 8) % 0x1000u;
        counts[EX_STORE]++;
        break;
    }
    }
}

/* The hostile guest: HOSTILE_ACTIONS random hcalls, SPR accesses, loads and stores chosen
 * here with a fixed seed; every exit is handled and the guest put back on its loop when it
 * strays. Afterwards the VMM thread's FP register and SPRG3 are its own, and a fresh guest in
 * its own partition runs and finds its own state. */
static int hostile(struct env *env)
{
    struct guest h, b;
    memset(&h, 0, sizeof h);
    memset(&b, 0, sizeof b);
    bh_word_t x[BH_VM_MR_MODE + 1];
    unsigned counts[EX_KINDS] = {0};
    rng_state = HOSTILE_SEED;
    bh_printf("[ktest] hostile guest: %u actions, seed %lx\n", HOSTILE_ACTIONS, (unsigned long)HOSTILE_SEED);
    CHECK_OK(small_guest(env, &h, p9guest_h_start, p9guest_h_end, 0, HOST_VA + 0x30000));
    /* page 2 read-only, 3 the patch page (RWX: an instruction, then blr), 4 scratch */
    for (unsigned p = 2; p < PAGES; p++) {
        h.frame[p] = new_object(env, BH_OBJ_FRAME, 0);
        CHECK_OK(bh_map_frame(&env->alloc, h.frame[p], BH_ROOT_VSPACE, HOST_VA + 0x30000 + p * 0x1000ull, RW, 1));
    }
    *(volatile uint32_t *)(uintptr_t)(HOST_VA + 0x33004) = 0x4e800020u; /* blr */
    CHECK_OK(map_page(env, &h, 2, BH_RIGHT_READ));
    CHECK_OK(map_page(env, &h, 3, RW | BH_VCPU_RIGHT_EXECUTE));
    CHECK_OK(map_page(env, &h, 4, RW));
    /* the hostile image needs its loop page executable too */
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, h.mapped[1], 64));
    CHECK_OK(map_page(env, &h, 1, RX));
    CHECK_OK(bind(h.vcpu));
    set_host_f31(FP_HOST);
    bh_word_t pmu_before = user_pmu();
    unsigned done = 0, idle = 0;
    int r = vm_enter(x, 1, HOSTILE_LOOP);
    while (r == 0 && done < HOSTILE_ACTIONS) {
        bh_word_t reason = x[0], pc = x[BH_VM_MR_PC], next = pc + 4;
        bh_word_t reset_msr = MSR_SF | MSR_ME | MSR_LE;
        if (reason == BH_VM_EXIT_INTERRUPTED || reason == BH_VM_EXIT_HDEC) {
            counts[EX_INTERRUPTED]++;
            if (++idle > 8) { /* stuck in a loop of its own making: back to the loop */
                idle = 0;
                counts[EX_RESETS]++;
                CHECK_OK(set(h.vcpu, BH_VCPU_MSR, reset_msr));
                r = vm_enter(x, 1, HOSTILE_LOOP);
            } else {
                r = vm_enter(x, 0, 0);
            }
            continue;
        }
        idle = 0;
        if (reason == BH_VM_EXIT_HCALL && x[BH_VM_MR_QUAL1] == 0xf1c0) {
            bh_word_t res[4];
            choose(res, counts);
            done++;
            if (done % 5000 == 0) bh_printf("[ktest] hostile guest: %u actions\n", done);
            r = enter_with(x, next, res[0], res[1], res[2], res[3]);
            continue;
        }
        if (reason == BH_VM_EXIT_HCALL && x[BH_VM_MR_QUAL1] == 0xf1e0) {
            counts[EX_GUEST_INT]++;
            CHECK_OK(set(h.vcpu, BH_VCPU_MSR, reset_msr));
            r = vm_enter(x, 1, HOSTILE_LOOP);
            continue;
        }
        if (reason == BH_VM_EXIT_HCALL) {
            r = enter_with(x, next, H_FUNCTION, 0, 0, 0);
            continue;
        }
        if (reason == BH_VM_EXIT_HDSI) counts[EX_HDSI]++;
        else if (reason == BH_VM_EXIT_EMULATION) counts[EX_EMULATION]++;
        else if (reason == BH_VM_EXIT_FACILITY) counts[EX_FACILITY]++;
        else counts[EX_OTHER]++;
        /* Skip the instruction; anything outside its pages goes back to the loop. */
        if (pc >= 0x5000 || reason == BH_VM_EXIT_HISI || reason == BH_VM_EXIT_MACHINE_CHECK) {
            counts[EX_RESETS]++;
            CHECK_OK(set(h.vcpu, BH_VCPU_MSR, reset_msr));
            next = HOSTILE_LOOP;
        }
        r = vm_enter(x, 1, next);
    }
    CHECK_OK(r);
    bh_word_t mine = host_f31();
    bh_printf("[ktest] hostile guest exits: hcalls %u, SPR accesses %u, loads %u, stores %u; HDSI %u, emulation %u, "
              "facility %u, guest interrupts %u, interrupted %u, other %u, resets %u\n",
              counts[EX_HCALL], counts[EX_INSN], counts[EX_LOAD], counts[EX_STORE], counts[EX_HDSI],
              counts[EX_EMULATION], counts[EX_FACILITY], counts[EX_GUEST_INT], counts[EX_INTERRUPTED],
              counts[EX_OTHER], counts[EX_RESETS]);
    CHECK(done == HOSTILE_ACTIONS && mine == FP_HOST && user_sprg3() == 0);
    /* QEMU 7.2 lets a guest write PMU SPRs although HFSCR[PM] = 0: the host's come back. */
    CHECK(user_pmu() == pmu_before);
    CHECK(counts[EX_HDSI] > 0 && counts[EX_EMULATION] > 0);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, h.vcpu, 64));
    /* A neighbour partition after it: its own memory and its own zero state. */
    CHECK_OK(small_guest(env, &b, p9guest_b_start, p9guest_b_end, 0xbbbb, HOST_VA + 0x40000));
    CHECK_OK(bind(b.vcpu));
    CHECK_OK(run(x, 1, 0));
    CHECK_OK(expect_hcall(env, x, 0xf1b0));
    for (unsigned i = 1; i <= 7; i++)
        if (i != 5) CHECK(x[BH_VM_MR_SUMMARY + i] == 0);
    CHECK(x[BH_VM_MR_SUMMARY + 5] == 0xbbbb);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, b.vcpu, 64));
    return 0;
}

/* Big-endian radix entries in the guest's own tables (Power ISA v3.0B book III, 6.7.10). */
#define G_PTE_V (1ull << 63)
#define G_PTE_LEAF (1ull << 62)
#define G_PTE_RC ((1ull << 8) | (1ull << 7))
#define G_PTE_PRIV_RWX ((1ull << 3) | (1ull << 2) | (1ull << 1) | 1ull)
#define G_RTS_52 ((2ull << 61) | (5ull << 5))
#define G_ROOT 0x10000u   /* 64 KiB, 8192 entries (RPDS 13) */
#define G_L2 0x20000u
#define G_L3 0x21000u
#define G_PRTB 0x22000u   /* 4 KiB process table (PRTS 0): PID 0's entry */
#define G_PAGES 0x23u
#define G_KERNEL 0xc000000000000000ull
#define MSR_IR (1ull << 5)
#define MSR_DR (1ull << 4)
#define MSR_EE (1ull << 15)
#define MSR_RI (1ull << 1)
#define LPCR_AIL_3 0x01800000ull

static void put_be(bh_word_t host_va, bh_word_t gpa, bh_word_t v)
{
    *(volatile uint64_t *)(uintptr_t)(host_va + gpa) = __builtin_bswap64(v);
}

static int translated_steps(struct env *env, bh_cptr_t vcpu);

/* A guest that runs translated, through a process table and a radix tree of its own in its
 * memory: BH_VCPU_PROCESS_TABLE reaches the partition-table entry, BH_VCPU_MODE's AIL and ILE
 * steer the guest's own interrupts, and an injected interrupt follows AIL = 3. */
static int translated(struct env *env)
{
    const bh_word_t va = HOST_VA + 0x100000;
    bh_cptr_t space = new_vm_object(env, BH_OBJ_GUEST_SPACE), vcpu = new_vm_object(env, BH_OBJ_VCPU);
    CHECK(space && vcpu);
    for (int i = 0; i < 3; i++) CHECK_OK(bh_guest_space_map_table(space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    for (unsigned p = 0; p < G_PAGES; p++) {
        bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0), copy = new_slot(env);
        CHECK(f && copy);
        CHECK_OK(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, va + p * 0x1000ull, RW, 1));
        CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, copy, 64, BH_ROOT_CNODE, f, 64, BH_RIGHTS_ALL));
        CHECK_OK(bh_guest_space_map_frame(space, copy, p * 0x1000ull, RW | BH_VCPU_RIGHT_EXECUTE));
    }
    memcpy((void *)(uintptr_t)va, p9guest_t_start, (size_t)(p9guest_t_end - p9guest_t_start));
    /* EA 0xC000000000000000 + x -> guest-real x, for x below 2 MiB: root -> L2 -> one 2 MiB leaf. */
    put_be(va, G_ROOT, G_PTE_V | G_L2 | 9);
    put_be(va, G_L2, G_PTE_V | G_L3 | 9);
    put_be(va, G_L3, G_PTE_V | G_PTE_LEAF | G_PTE_RC | G_PTE_PRIV_RWX);
    put_be(va, G_PRTB, G_RTS_52 | G_ROOT | 13);
    CHECK_OK(bh_vcpu_set_space(vcpu, space));
    CHECK_OK(bind(vcpu));
    int r = translated_steps(env, vcpu);
    (void)bh_cnode_delete(BH_ROOT_CNODE, vcpu, 64); /* unbinds the thread, whatever happened */
    return r;
}

static int translated_steps(struct env *env, bh_cptr_t vcpu)
{
    CHECK_OK(set(vcpu, BH_VCPU_PROCESS_TABLE, (1ull << 63) | G_PRTB));
    CHECK_OK(set(vcpu, BH_VCPU_MODE, LPCR_ILE | LPCR_AIL_3));
    CHECK_OK(set(vcpu, BH_VCPU_MSR, MSR_SF | MSR_ME | MSR_LE | MSR_IR | MSR_DR | MSR_RI));
    bh_word_t x[BH_VM_MR_MODE + 1];
    CHECK_OK(run(x, 1, G_KERNEL));
    CHECK_OK(expect_hcall(env, x, 0xf1d0));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0x7472616e736c6174ull && x[BH_VM_MR_PC] >= G_KERNEL);
    CHECK((x[BH_VM_MR_MODE] & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR));
    /* Its own DSI at an address its tree does not map: no exit but the handler's hcall. */
    CHECK_OK(run(x, 1, x[BH_VM_MR_NEXT_PC]));
    CHECK_OK(expect_hcall(env, x, 0xf1d1));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == 0x12340000 && x[BH_VM_MR_PC] > G_KERNEL + 0x4300);
    CHECK((x[BH_VM_MR_SUMMARY + 2] & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR));
    /* An injected external interrupt, delivered translated at 0xC000000000004500. */
    bh_word_t after = G_KERNEL + (bh_word_t)(p9guest_t_after - p9guest_t_start);
    CHECK_OK(set(vcpu, BH_VCPU_MSR, MSR_SF | MSR_ME | MSR_LE | MSR_IR | MSR_DR | MSR_RI | MSR_EE));
    CHECK_OK(set(vcpu, BH_VCPU_EVENT, BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXTERNAL));
    CHECK_OK(run(x, 1, after));
    CHECK_OK(expect_hcall(env, x, 0xf1d2));
    CHECK(x[BH_VM_MR_SUMMARY + 1] == after && x[BH_VM_MR_PC] > G_KERNEL + 0x4500);
    CHECK((x[BH_VM_MR_SUMMARY + 2] & (MSR_IR | MSR_DR | MSR_EE)) == (MSR_IR | MSR_DR));
    return 0;
}

const struct test tests_vcpu[] = {
    {"vcpu_errors", errors},
    {"vcpu_lpar_guest_exits", guest_run},
    {"vcpu_lpar_isolation", isolation},
    {"vcpu_lpar_translated_guest", translated},
    {"vcpu_lpar_hostile_guest", hostile},
    {0, 0},
};
