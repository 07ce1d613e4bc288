/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Guest CPU state hygiene: what one guest writes, no other guest sees. Guest A
 * (tests/system/guests/hygiene.S, hygiene_write) puts a marker in every piece of CPU state a
 * guest can write; then another guest reads all of it back (hygiene_read) and must see the
 * reset values of a fresh VCPU, never A's markers:
 *   - vcpu_state_hygiene_fresh_guest: guest B runs on another thread while A still exists;
 *     then A reads its own markers back (its state survived B's run);
 *   - vcpu_state_hygiene_after_delete: A is deleted and a fresh guest C runs on its thread.
 * The test is the VMM of both. It asks for #UD exits and lets the guests reach the MSRs the
 * kernel switches (BH_VCPU_CTL_MSR_SWITCHED); it skips the instructions that exit: a CR4 write
 * the kernel refuses (PKE, OSXSAVE: their state is not switched), WRPKRU, RDPKRU and XGETBV
 * that then raise #UD, XSETBV, and the TSC_AUX WRMSR.
 * Not observable under QEMU TCG: AMD's FXSAVE leak of FIP/FDP/FOP (TCG's FXRSTOR always
 * restores them); the check below holds on any processor with the kernel's workaround.
 */
#include "vcpu_test.h"
#include <bulkhead/arch/vcpu.h>
#include <string.h>

#define HYGIENE_BASE 0x1000u
#define HOST_VA 0x0000690000000000ull
#define RW (BH_RIGHT_READ | BH_RIGHT_WRITE)
#define EXIT_WRITE_CR4 0x14u
#define UD_SENTINEL 0xdeadbeefu
#define CR4_OSFXSR 0x200u
#define CR4_OSXSAVE 0x40000u
#define CR4_PKE 0x400000u

extern const char hygiene_start[], hygiene_end[], hygiene_write[], hygiene_read[], hygiene_fld[];
extern const char hygiene_fpu_marker[];

/* The results page (hygiene.S, hygiene_read). */
enum {
    R_DR0 = 0x00, R_DR6 = 0x10, R_DR7 = 0x14, R_CR2 = 0x18, R_FS = 0x1c, R_GS = 0x1e, R_MSRS = 0x20,
    R_TSC_AUX = 0x48, R_PKRU = 0x4c, R_XCR0 = 0x50, R_FXSAVE = 0x200,
};
/* The FXSAVE image (legacy 32-bit form). */
enum { FX_FCW = 0, FX_FSW = 2, FX_FTW = 4, FX_FOP = 6, FX_FIP = 8, FX_FDP = 16, FX_MXCSR = 24, FX_ST0 = 32, FX_XMM0 = 160 };
#define MSR_COUNT 10u
#define MSR_SYSENTER_CS 7u /* its index in hygiene_msrs */

struct hguest {
    bh_cptr_t vcpu, space;
    bh_cptr_t frame[8];           /* guest pages 0, 1 (code), 2 (results) and 6 (stack) */
    uint64_t host;                /* where the frames are mapped here, page n at host + n * 4096 */
    unsigned cr4_refused, ud, xsetbv, msr;
};

static volatile uint8_t *results(const struct hguest *g)
{
    return (volatile uint8_t *)(uintptr_t)(g->host + 0x2000u);
}

static uint32_t r32(const struct hguest *g, unsigned off)
{
    return *(volatile uint32_t *)(results(g) + off);
}

static uint16_t r16(const struct hguest *g, unsigned off)
{
    return *(volatile uint16_t *)(results(g) + off);
}

static bh_word_t gaddr(const char *label)
{
    return (bh_word_t)(label - hygiene_start) + HYGIENE_BASE;
}

/* A guest in real mode: the code at 0x1000, results at 0x2000, the stack below 0x7000. */
static int build(struct env *env, struct hguest *g, unsigned index)
{
    static const unsigned pages[] = {0, 1, 2, 6};
    memset(g, 0, sizeof *g);
    g->host = HOST_VA + index * 0x10000ull;
    g->space = vcpu_test_new_object(env, BH_OBJ_GUEST_SPACE);
    g->vcpu = vcpu_test_new_object(env, BH_OBJ_VCPU);
    CHECK(g->space && g->vcpu);
    for (int i = 0; i < 3; i++) CHECK_OK(bh_guest_space_map_table(g->space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    for (unsigned i = 0; i < 4; i++) {
        unsigned p = pages[i];
        g->frame[p] = new_object(env, BH_OBJ_FRAME, 0);
        CHECK(g->frame[p] != 0);
        CHECK_OK(bh_map_frame(&env->alloc, g->frame[p], BH_ROOT_VSPACE, g->host + p * 0x1000ull, RW, 1));
        bh_cptr_t c = vcpu_test_copy(env, g->frame[p]);
        CHECK(c != 0);
        CHECK_OK(bh_guest_space_map_frame(g->space, c, p * 0x1000ull, p == 1 ? BH_RIGHT_READ | BH_VCPU_RIGHT_EXECUTE : RW));
    }
    memcpy((void *)(uintptr_t)(g->host + HYGIENE_BASE), hygiene_start, (size_t)(hygiene_end - hygiene_start));
    CHECK_OK(bh_vcpu_set_space(g->vcpu, g->space));
    bh_word_t regs[] = {0x7000 /* rsp */, HYGIENE_BASE /* rip */, 0x2 /* rflags */};
    CHECK_OK(bh_vcpu_write_state(g->vcpu, BH_VCPU_RSP, regs, 3));
    CHECK_OK(vcpu_test_set(g->vcpu, BH_VCPU_CR4, CR4_OSFXSR));
    CHECK_OK(vcpu_test_set(g->vcpu, BH_VCPU_CONTROLS, BH_VCPU_CTL_MSR_SWITCHED));
    CHECK_OK(vcpu_test_set(g->vcpu, BH_VCPU_EXCEPTIONS, 1u << 6)); /* #UD */
    return 0;
}

/* Deleting the VCPU unbinds its thread; safe to repeat. */
static void destroy(struct hguest *g)
{
    if (g->vcpu) (void)bh_cnode_delete(BH_ROOT_CNODE, g->vcpu, 64);
    if (g->space) (void)bh_cnode_delete(BH_ROOT_CNODE, g->space, 64);
    for (unsigned p = 0; p < 8; p++)
        if (g->frame[p]) (void)bh_frame_unmap(g->frame[p]);
    g->vcpu = g->space = 0;
    memset(g->frame, 0, sizeof g->frame);
}

/* Runs the bound guest from rip to its VMMCALL, skipping what exits on the way. */
static int run_to_vmmcall(struct env *env, struct hguest *g, bh_word_t rip)
{
    bh_word_t x[BH_VM_MR_COUNT];
    for (unsigned n = 0; n < 64; n++) {
        CHECK_OK(vcpu_test_run(x, 1, rip));
        uint64_t reason = x[BH_VM_MR_REASON];
        bh_word_t at = x[BH_VM_MR_RIP];
        if (reason == BH_VM_EXIT_VMMCALL) return 0;
        if (reason == EXIT_WRITE_CR4) { /* the guest writes CR4 from eax */
            if (vcpu_test_set(g->vcpu, BH_VCPU_CR4, vcpu_test_get(g->vcpu, BH_VCPU_RAX)) != 0) g->cr4_refused++;
            rip = at + 3;
        } else if (reason == BH_VM_EXIT_EXCEPTION(6)) { /* WRPKRU, RDPKRU, XGETBV or RDTSCP */
            bh_word_t sentinel[4] = {UD_SENTINEL, 0, UD_SENTINEL, UD_SENTINEL}; /* rax rbx rcx rdx */
            CHECK_OK(bh_vcpu_write_state(g->vcpu, BH_VCPU_RAX, sentinel, 4));
            g->ud++;
            rip = at + 3;
        } else if (reason == BH_VM_EXIT_XSETBV) {
            g->xsetbv++;
            rip = at + 3;
        } else if (reason == BH_VM_EXIT_MSR) {
            g->msr++;
            rip = at + 2;
        } else {
            bh_printf("FAIL ktest.%s: unexpected exit %lx at %lx\n", env->test, (unsigned long)reason, (unsigned long)at);
            return 1;
        }
    }
    CHECK(!"the guest never reached its VMMCALL");
    return 1;
}

static int read_back(struct env *env, struct hguest *g)
{
    memset((void *)(uintptr_t)results(g), 0xcc, 4096);
    return run_to_vmmcall(env, g, gaddr(hygiene_read));
}

/* What guest A changed is visible to it (and it ran what it should have). */
static int check_own(struct env *env, struct hguest *g)
{
    static const uint32_t dr[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
    for (unsigned i = 0; i < 4; i++) CHECK(r32(g, R_DR0 + 4 * i) == dr[i]);
    CHECK((r32(g, R_DR6) & 0xf00fu) == 0x400fu);
    CHECK(r32(g, R_DR7) == 0x00ff0700u);
    CHECK(r32(g, R_CR2) == 0x5a5a5a5au);
    CHECK(r16(g, R_FS) == 0x1234 && r16(g, R_GS) == 0x1234);
    for (unsigned i = 0; i < MSR_COUNT; i++) /* SYSENTER_CS keeps 16 bits */
        CHECK(r32(g, R_MSRS + 4 * i) == ((0x6d000000u + i) & (i == MSR_SYSENTER_CS ? 0xffffu : ~0u)));
    CHECK(r32(g, R_FXSAVE + FX_MXCSR) == 0x7f80u);
    CHECK((r32(g, R_FXSAVE + FX_FTW) & 0xffu) != 0); /* pi and the marker on the x87 stack */
    for (unsigned i = 0; i < 8 * 16; i += 4) CHECK(r32(g, R_FXSAVE + FX_XMM0 + i) == 0xffffffffu);
    return 0;
}

/* Each differing item is named on its own line, so one run shows every leak; the test then
 * fails once. */
#define EXPECT(c) do { \
        if (!(c)) { \
            bh_printf("[ktest] %s: %s:%d: not %s\n", env->test, __FILE__, __LINE__, #c); \
            bad++; \
        } \
    } while (0)

/* A fresh guest sees reset values, none of A's markers. */
static int check_fresh(struct env *env, struct hguest *g)
{
    unsigned bad = 0;
    EXPECT(r32(g, R_DR0) == 0);
    EXPECT(r32(g, R_DR0 + 4) == 0);
    EXPECT(r32(g, R_DR0 + 8) == 0);
    EXPECT(r32(g, R_DR0 + 12) == 0);
    EXPECT(r32(g, R_DR6) == 0xffff0ff0u);
    EXPECT(r32(g, R_DR7) == 0x400u);
    EXPECT(r32(g, R_CR2) == 0);
    EXPECT(r16(g, R_FS) == 0 && r16(g, R_GS) == 0);
    for (unsigned i = 0; i < MSR_COUNT; i++) EXPECT(r32(g, R_MSRS + 4 * i) == 0);
    EXPECT(r32(g, R_TSC_AUX) != 0x77u);
    EXPECT(r32(g, R_PKRU) != 0x5555555cu);
    EXPECT(r32(g, R_XCR0) == 1u || r32(g, R_XCR0) == UD_SENTINEL);
    EXPECT(r32(g, R_FXSAVE + FX_FCW) == 0x037fu); /* FCW, then FSW */
    EXPECT((r32(g, R_FXSAVE + FX_FTW) & 0xffu) == 0);
    EXPECT(r32(g, R_FXSAVE + FX_MXCSR) == 0x1f80u);
    for (unsigned i = 0; i < 8; i++) /* 80 bits each, in 16-byte slots */
        EXPECT(r32(g, R_FXSAVE + FX_ST0 + 16 * i) == 0 && r32(g, R_FXSAVE + FX_ST0 + 16 * i + 4) == 0 &&
               r16(g, R_FXSAVE + FX_ST0 + 16 * i + 8) == 0);
    for (unsigned i = 0; i < 8 * 16; i += 4) EXPECT(r32(g, R_FXSAVE + FX_XMM0 + i) == 0);
    /* The x87 pointers: never A's (0 on a processor that restores them; on AMD ones that do
     * not, the kernel's own fixed FILD operand). */
    EXPECT(r32(g, R_FXSAVE + FX_FIP) != gaddr(hygiene_fld));
    EXPECT(r32(g, R_FXSAVE + FX_FDP) != gaddr(hygiene_fpu_marker));
    EXPECT((r32(g, R_FXSAVE + FX_FOP) & 0x7ffu) != 0x506u); /* FLD m64fp: DD /0, modrm 06 */
    CHECK(bad == 0);
    return 0;
}

/* The writer's exits: its CR4 writes of PKE and OSXSAVE are refused, so WRPKRU raises #UD;
 * the TSC_AUX write exits; XSETBV exits (the APM checks its intercept first) or, under QEMU's
 * TCG, which has no XSETBV intercept, raises #UD without CR4.OSXSAVE. */
static int check_writer_exits(struct env *env, const struct hguest *a)
{
    bh_printf("[ktest] %s: guest A: %u CR4 writes refused, %u #UD, %u XSETBV exits, %u MSR exits\n", env->test,
              a->cr4_refused, a->ud, a->xsetbv, a->msr);
    CHECK(a->cr4_refused == 2 && a->ud + a->xsetbv == 2 && a->ud >= 1 && a->msr == 1);
    return 0;
}

static int write_markers(struct env *env, struct hguest *a)
{
    CHECK_OK(bh_vcpu_set_tcb(a->vcpu, BH_ROOT_TCB));
    return run_to_vmmcall(env, a, gaddr(hygiene_write));
}

struct reader_job {
    struct env *env;
    struct hguest *g;
    volatile int done, result;
};

static void reader_thread(bh_word_t arg)
{
    struct reader_job *job = (struct reader_job *)arg;
    job->result = read_back(job->env, job->g);
    job->done = 1;
    for (;;) bh_yield();
}

static int fresh_guest(struct env *env, struct hguest *a, struct hguest *b)
{
    static struct reader_job job;
    struct bh_thread t;
    if (build(env, a, 0) || build(env, b, 1) || write_markers(env, a)) return 1;
    /* B runs on another thread while A exists. */
    job = (struct reader_job){env, b, 0, 1};
    CHECK_OK(bh_thread_create(&env->alloc, &t, reader_thread, (bh_word_t)&job, 255));
    CHECK_OK(bh_vcpu_set_tcb(b->vcpu, t.tcb));
    CHECK_OK(bh_thread_start(&t));
    CHECK(wait_flag(&job.done, 100000) == 1);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, t.tcb, 64));
    CHECK(job.result == 0);
    if (check_fresh(env, b) || check_writer_exits(env, a)) return 1;
    CHECK(b->cr4_refused == 2 && b->ud == 2); /* RDPKRU and XGETBV without their CR4 bits */
    /* A's own state survived B's run. */
    return read_back(env, a) || check_own(env, a);
}

int vcpu_hygiene_fresh_guest(struct env *env)
{
    static struct hguest a, b;
    int r = fresh_guest(env, &a, &b);
    destroy(&a);
    destroy(&b);
    return r;
}

static int after_delete(struct env *env, struct hguest *a, struct hguest *c)
{
    if (build(env, a, 2) || build(env, c, 3) || write_markers(env, a)) return 1;
    destroy(a);
    CHECK_OK(bh_vcpu_set_tcb(c->vcpu, BH_ROOT_TCB));
    if (read_back(env, c) || check_fresh(env, c) || check_writer_exits(env, a)) return 1;
    CHECK(c->cr4_refused == 2 && c->ud == 2);
    return 0;
}

int vcpu_hygiene_after_delete(struct env *env)
{
    static struct hguest a, c;
    int r = after_delete(env, &a, &c);
    destroy(&a);
    destroy(&c);
    return r;
}
