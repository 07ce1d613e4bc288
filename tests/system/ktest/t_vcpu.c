/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Virtual CPUs and guest-physical spaces (AMD SVM under QEMU -cpu max): the test acts as the
 * VMM of the real-mode guest in tests/system/guests/testguest.S, runs VMEnter in a loop and
 * checks every exit; it also checks the error paths, a bad guest state, a triple fault and that
 * revoking a frame mapped into the GuestSpace makes the next guest access an NPF exit.
 * It prints the guest-measured VMMCALL round trip (run under -icount shift=0 it counts
 * instructions).
 */
#include "ktest.h"
#include "vcpu_test.h"
#include <bulkhead/arch/vcpu.h>
#include <string.h>

#define GUEST_BASE 0x1000u
#define HOST_VA 0x0000680000000000ull
#define RW (BH_RIGHT_READ | BH_RIGHT_WRITE)

extern const char testguest_start[], testguest_end[], testguest_cpuid[], testguest_out[], testguest_hlt[];
extern const char testguest_measure[], testguest_npf2[];

static bh_word_t gaddr(const char *label)
{
    return (bh_word_t)(label - testguest_start) + GUEST_BASE;
}

/* VMEnter: MR0 = the new RIP when set_rip; the exit in x[0..5]; returns the error label. */
static int vm_enter(bh_word_t *x, int set_rip, bh_word_t rip)
{
    bh_word_t dest = 0;
    bh_msginfo_t info = bh_msginfo(0, 0, 0, set_rip ? 1u : 0u);
    bh_set_mr(0, rip);
    bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
    for (unsigned i = 0; i < BH_VM_MR_COUNT; i++) x[i] = bh_get_mr(i);
    return (int)bh_msginfo_label(info);
}

/* Enters until an exit that is not an interruption (timer ticks end guest runs too). */
static int run(bh_word_t *x, int set_rip, bh_word_t rip)
{
    int r = vm_enter(x, set_rip, rip);
    for (unsigned i = 0; r == 0 && x[0] == BH_VM_EXIT_INTERRUPTED && i < 1000; i++) r = vm_enter(x, 0, 0);
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

static bh_cptr_t copy_of(struct env *env, bh_cptr_t c)
{
    bh_cptr_t s = new_slot(env);
    return bh_cnode_copy(BH_ROOT_CNODE, s, 64, BH_ROOT_CNODE, c, 64, BH_RIGHTS_ALL) == 0 ? s : 0;
}

/* VCPUs and GuestSpaces come from a private untyped (the shared allocator knows the older
 * types only). */
static bh_cptr_t new_vm_object(struct env *env, bh_word_t type)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 13);
    bh_cptr_t s = new_slot(env);
    if (!ut || !s || bh_untyped_retype(ut, type, 0, BH_ROOT_CNODE, 0, 0, s, 1) != BH_ERR_OK) return 0;
    if (type == BH_OBJ_GUEST_SPACE && bh_asid_pool_assign(BH_ROOT_ASID_POOL, s) != BH_ERR_OK) return 0;
    return s;
}

/* One VMEnter at rip with `mark` in xmm7, xmm7 read back right after: within one asm
 * statement, so no compiled code (which may use xmm7 for copies) runs in between. */
static bh_word_t vm_enter_keeping_xmm7(bh_word_t mark, bh_word_t rip)
{
    register bh_word_t mr0 __asm__("r10") = rip;
    bh_word_t dest = 0, info = bh_msginfo(0, 0, 0, 1), nr = (bh_word_t)BH_SYS_VM_ENTER, out;
    __asm__ volatile("movq %[mark], %%xmm7\n"
                     "syscall\n"
                     "movq %%xmm7, %[out]\n"
                     : [out] "=r"(out), "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr)
                     : [mark] "r"(mark)
                     : "rcx", "r11", "r8", "r9", "r15", "memory", "xmm7");
    return out;
}

static int errors(struct env *env)
{
    bh_word_t x[BH_VM_MR_COUNT];
    CHECK_ERR(vm_enter(x, 0, 0), BH_ERR_ILLEGAL_OPERATION);
    bh_cptr_t v = new_vm_object(env, BH_OBJ_VCPU);
    CHECK(v != 0);
    CHECK_ERR(bh_vcpu_set_tcb(v, BH_ROOT_CNODE), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_OK(bh_vcpu_set_tcb(v, BH_ROOT_TCB));
    CHECK_ERR(bh_vcpu_set_tcb(v, BH_ROOT_TCB), BH_ERR_DELETE_FIRST);
    CHECK_ERR(vm_enter(x, 0, 0), BH_ERR_INVALID_CAPABILITY);
    CHECK_ERR(bh_vcpu_set_space(v, BH_ROOT_VSPACE), BH_ERR_WRONG_OBJECT_TYPE);
    bh_word_t vals[2] = {0, 0};
    CHECK_ERR(bh_vcpu_read_state(v, BH_VCPU_STATE_COUNT, 1, vals), BH_ERR_RANGE);
    CHECK_ERR(bh_vcpu_read_state(v, 40, BH_VCPU_STATE_COUNT - 39, NULL), BH_ERR_RANGE);
    CHECK_ERR(bh_vcpu_write_state(v, BH_VCPU_DR6, vals, 2), BH_ERR_RANGE);
    CHECK_ERR(set(v, BH_VCPU_CONTROLS, 0x100), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EVENT_INJ, BH_VCPU_EVENT_VALID | (1u << 8) | 0x20), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EVENT_INJ, BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXCEPTION | 40), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EVENT_INJ, BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_ERROR_VALID | 0x20), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EVENT_INJ, 5), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_EFER, 1ull << 20), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(set(v, BH_VCPU_EFER, (1ull << 12) | 1));
    CHECK(get(v, BH_VCPU_EFER) == 1); /* SVME stays hidden */
    CHECK_OK(set(v, BH_VCPU_RBX, 0x1234));
    CHECK(get(v, BH_VCPU_RBX) == 0x1234);
    /* CR4 bits whose state the kernel does not switch (PKRU, XCR0) are refused. */
    CHECK_ERR(set(v, BH_VCPU_CR4, 0x200 | (1u << 22)), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_CR4, 0x200 | (1u << 18)), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(set(v, BH_VCPU_CR4, BH_VCPU_CR4_ALLOWED));
    CHECK(get(v, BH_VCPU_CR4) == BH_VCPU_CR4_ALLOWED);
    /* DR0-DR3 and DR6 are VCPU state; DR6 and DR7 take 32 bits. */
    CHECK(get(v, BH_VCPU_DR0) == 0 && get(v, BH_VCPU_DR3) == 0 && get(v, BH_VCPU_DR6) == 0xffff0ff0u);
    CHECK_OK(set(v, BH_VCPU_DR3, 0xffffffff80001000ull));
    CHECK(get(v, BH_VCPU_DR3) == 0xffffffff80001000ull);
    CHECK_ERR(set(v, BH_VCPU_DR6, 1ull << 32), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_DR7, 1ull << 32), BH_ERR_INVALID_ARGUMENT);
    /* The exceptions that always exit are not the VMM's choice: they do not read back. */
    CHECK_OK(set(v, BH_VCPU_EXCEPTIONS, 1u << 6));
    CHECK(get(v, BH_VCPU_EXCEPTIONS) == 1u << 6);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, v, 64));
    CHECK_ERR(vm_enter(x, 0, 0), BH_ERR_ILLEGAL_OPERATION); /* deleting the VCPU unbound it */
    return 0;
}

struct guest {
    bh_cptr_t vcpu, space;
    bh_cptr_t frame[10];     /* by guest page number; the guest maps copies */
    bh_cptr_t mapped[10];
};

static volatile uint32_t *host_page(unsigned page)
{
    return (volatile uint32_t *)(uintptr_t)(HOST_VA + page * 0x1000ull);
}

static int map_page(struct env *env, struct guest *g, unsigned page, bh_word_t rights)
{
    g->mapped[page] = copy_of(env, g->frame[page]);
    CHECK(g->mapped[page] != 0);
    CHECK_OK(bh_guest_space_map_frame(g->space, g->mapped[page], page * 0x1000ull, rights));
    return 0;
}

static int build_guest(struct env *env, struct guest *g)
{
    g->space = new_vm_object(env, BH_OBJ_GUEST_SPACE);
    g->vcpu = new_vm_object(env, BH_OBJ_VCPU);
    CHECK(g->space && g->vcpu);
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_ERR(bh_guest_space_map_frame(g->space, f, 0, RW), BH_ERR_FAILED_LOOKUP);
    for (int i = 0; i < 3; i++) CHECK_OK(bh_guest_space_map_table(g->space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    CHECK_ERR(bh_guest_space_map_table(g->space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0), BH_ERR_DELETE_FIRST);
    CHECK_ERR(bh_guest_space_map_frame(g->space, f, 0x123, RW), BH_ERR_ALIGNMENT);
    CHECK_ERR(bh_guest_space_map_frame(g->space, f, 1ull << 48, RW), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_guest_space_map_frame(g->space, f, 0, BH_RIGHT_WRITE), BH_ERR_INSUFFICIENT_RIGHTS);
    static const unsigned pages[] = {0, 1, 6, 8, 9};
    for (unsigned i = 0; i < 5; i++) {
        unsigned p = pages[i];
        g->frame[p] = new_object(env, BH_OBJ_FRAME, 0);
        CHECK_OK(bh_map_frame(&env->alloc, g->frame[p], BH_ROOT_VSPACE, HOST_VA + p * 0x1000ull, RW, 1));
    }
    memcpy((void *)(uintptr_t)(HOST_VA + GUEST_BASE), testguest_start, (size_t)(testguest_end - testguest_start));
    *host_page(8) = 0x5555;
    *host_page(9) = 0xfeedface;
    host_page(1)[0xf00 / 4] = 0x0b0f; /* ud2 at 0x1f00, for the triple fault */
    CHECK_OK(map_page(env, g, 0, RW));
    CHECK_OK(map_page(env, g, 1, BH_RIGHT_READ | BH_VCPU_RIGHT_EXECUTE));
    CHECK_OK(map_page(env, g, 6, RW));
    CHECK_OK(map_page(env, g, 8, BH_RIGHT_READ));
    CHECK_ERR(bh_guest_space_map_frame(g->space, g->mapped[8], 0x20000, RW), BH_ERR_DELETE_FIRST);
    CHECK_OK(bh_vcpu_set_space(g->vcpu, g->space));
    CHECK_OK(bh_vcpu_set_tcb(g->vcpu, BH_ROOT_TCB));
    bh_word_t regs[] = {0x7000 /* rsp */, GUEST_BASE /* rip */, 0x2 /* rflags */};
    CHECK_OK(bh_vcpu_write_state(g->vcpu, BH_VCPU_RSP, regs, 3));
    CHECK_OK(set(g->vcpu, BH_VCPU_CR4, 0x200)); /* OSFXSR: the guest clobbers xmm7 */
    CHECK_OK(set(g->vcpu, BH_VCPU_CONTROLS, BH_VCPU_CTL_CPUID | BH_VCPU_CTL_HLT));
    return 0;
}

/* With a signal pending on the thread's bound notification, VMEnter returns INTERRUPTED
 * without entering; the injection the VMM set up comes back as the exit's interrupt info, and
 * the VCPU no longer holds it (the VMM injects it again: it is never lost nor doubled). */
static int undelivered_injection(struct env *env, bh_cptr_t vcpu, bh_word_t *x, bh_word_t rip, bh_word_t inj)
{
    bh_cptr_t ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0), badged = new_slot(env);
    CHECK(ntfn && badged);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, ntfn, 64, BH_RIGHT_WRITE, 4));
    CHECK_OK(bh_tcb_bind_notification(BH_ROOT_TCB, ntfn));
    bh_signal(badged);
    int r = vm_enter(x, 1, rip);
    bh_word_t word = bh_poll(ntfn);
    CHECK_OK(bh_tcb_unbind_notification(BH_ROOT_TCB));
    CHECK_OK(r);
    CHECK(x[0] == BH_VM_EXIT_INTERRUPTED && x[3] == rip && x[5] == inj && word == 4);
    CHECK(get(vcpu, BH_VCPU_EVENT_INJ) == 0);
    return 0;
}

/* CPUID, OUT, VMMCALL, NPF (then mapped), HLT with an injected interrupt. */
static int first_exits(struct env *env, struct guest *g, bh_word_t *x)
{
    bh_cptr_t v = g->vcpu;
    CHECK_OK(run(x, 1, GUEST_BASE));
    CHECK(x[0] == BH_VM_EXIT_CPUID && x[3] == gaddr(testguest_cpuid));
    CHECK_OK(set(v, BH_VCPU_RAX, 0x1234));
    CHECK_OK(run(x, 1, x[3] + 2));
    CHECK(x[0] == BH_VM_EXIT_IOIO && x[1] >> 16 == 0x80 && (x[1] & 1) == 0 && (x[1] & 0x10));
    CHECK(x[3] == gaddr(testguest_out) && x[2] == x[3] + 2);
    CHECK((get(v, BH_VCPU_RAX) & 0xff) == 0x5a);
    CHECK_OK(run(x, 1, x[2]));
    CHECK(x[0] == BH_VM_EXIT_VMMCALL && get(v, BH_VCPU_RAX) == 0xc0ffee);
    CHECK_OK(run(x, 1, x[3] + 3));
    CHECK(x[0] == BH_VM_EXIT_NPF && x[2] == 0x9000 && (x[1] & 1) == 0);
    CHECK_OK(map_page(env, g, 9, BH_RIGHT_READ));
    CHECK_OK(run(x, 0, 0));
    CHECK(x[0] == BH_VM_EXIT_VMMCALL && get(v, BH_VCPU_RAX) == 0xfeedface);
    CHECK_OK(run(x, 1, x[3] + 3));
    CHECK(x[0] == BH_VM_EXIT_HLT && x[3] == gaddr(testguest_hlt));
    bh_word_t inj = BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_INTR | 0x20, after_hlt = x[3] + 1;
    CHECK_OK(set(v, BH_VCPU_EVENT_INJ, inj));
    CHECK_OK(undelivered_injection(env, v, x, after_hlt, inj));
    CHECK_OK(set(v, BH_VCPU_EVENT_INJ, inj));
    CHECK_OK(run(x, 1, after_hlt));
    CHECK(x[0] == BH_VM_EXIT_VMMCALL && get(v, BH_VCPU_RAX) == 0x77); /* the handler ran */
    CHECK(get(v, BH_VCPU_EVENT_INJ) == 0);
    return 0;
}

/* The guest times VMMCALL round trips with rdtsc (TSC passes through). */
static int measure(struct env *env, struct guest *g, bh_word_t *x)
{
    bh_word_t best = ~0ull;
    for (int i = 0; i < 5; i++) {
        CHECK_OK(run(x, 1, x[3] + 3));
        CHECK(x[0] == BH_VM_EXIT_VMMCALL && x[3] == gaddr(testguest_measure) + 5);
        CHECK_OK(run(x, 1, x[3] + 3));
        CHECK(x[0] == BH_VM_EXIT_VMMCALL);
        bh_word_t t = get(g->vcpu, BH_VCPU_RAX) & 0xffffffffu;
        if (t < best) best = t;
    }
    bh_printf("[ktest] VMMCALL round trip (guest VMMCALL -> VMM -> VMEnter -> guest): %lu TSC ticks (min of 5)\n",
              (unsigned long)best);
    return 0;
}

static int revoke_and_faults(struct env *env, struct guest *g, bh_word_t *x)
{
    bh_cptr_t v = g->vcpu;
    CHECK_OK(run(x, 1, x[3] + 3));
    CHECK(x[0] == BH_VM_EXIT_VMMCALL && get(v, BH_VCPU_RAX) == 0x5555);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, g->frame[8], 64));
    CHECK_OK(run(x, 1, x[3] + 3));
    CHECK(x[0] == BH_VM_EXIT_NPF && x[2] == 0x8000 && x[3] == gaddr(testguest_npf2));
    /* A triple fault: no IDT, then ud2. */
    CHECK_OK(set(v, BH_VCPU_IDTR_LIMIT, 0));
    CHECK_OK(run(x, 1, 0x1f00));
    CHECK(x[0] == BH_VM_EXIT_SHUTDOWN);
    /* Page 0 is mapped without execute: fetching from it is an NPF. */
    CHECK_OK(set(v, BH_VCPU_IDTR_LIMIT, 0xffff));
    CHECK_OK(run(x, 1, 0x600));
    CHECK(x[0] == BH_VM_EXIT_NPF && x[2] == 0x600 && (x[1] & 0x11) == 0x11); /* present, fetch */
    /* Bad state: CR0.NW without CR0.CD fails VMRUN's checks. */
    CHECK_OK(set(v, BH_VCPU_CR0, (1ull << 29) | 0x10));
    CHECK_OK(run(x, 1, GUEST_BASE));
    CHECK(x[0] == BH_VM_EXIT_INVALID);
    return 0;
}

static int guest_run(struct env *env)
{
    static struct guest g;
    bh_word_t x[BH_VM_MR_COUNT];
    memset(&g, 0, sizeof g);
    if (build_guest(env, &g)) return 1;
    /* The guest's first instruction zeroes its own xmm7: ours must survive. */
    CHECK(vm_enter_keeping_xmm7(0x1122334455667788ull, GUEST_BASE) == 0x1122334455667788ull);
    if (first_exits(env, &g, x) || measure(env, &g, x) || revoke_and_faults(env, &g, x)) return 1;
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, g.vcpu, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, g.space, 64));
    for (unsigned p = 0; p < 10; p++)
        if (g.frame[p]) CHECK_OK(bh_frame_unmap(g.frame[p]));
    return 0;
}

/* Guest state the VMRUN consistency checks (APM vol. 2, 15.5.1) refuse never reaches the
 * processor: values with reserved bits are refused when written, combinations end the VMEnter
 * as VMEXIT_INVALID with the broken rule in EXITINFO1. Found by the structured system-call
 * fuzzer: QEMU's TCG, given CR0 = 0xb4 with EFER.LMA (long mode without paging), ran on in a
 * state no host interrupt ended, and given EFER.LME without CR4.PAE in real mode it lost the
 * host's CR0 at the next #VMEXIT; either way the machine hung. */
static int inconsistent_state(struct env *env)
{
    static struct guest g;
    bh_word_t x[BH_VM_MR_COUNT];
    memset(&g, 0, sizeof g);
    if (build_guest(env, &g)) return 1;
    bh_cptr_t v = g.vcpu;
    CHECK_ERR(set(v, BH_VCPU_CR0, 1ull << 32), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_CR3, 1ull << 52), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_RFLAGS, 0x2 | (1ull << 22)), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_RFLAGS, 0x2 | (1ull << 15)), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_FS + 1, 0x0000800000000000ull), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(set(v, BH_VCPU_GDTR_BASE, 0x8000000000000000ull), BH_ERR_INVALID_ARGUMENT);
    CHECK_OK(set(v, BH_VCPU_FS + 1, 0xffff800000000000ull)); /* canonical */
    /* rule: the state; the exit names the rule, and the VCPU runs again once repaired */
    static const struct { bh_word_t rule, cr0, cr4, efer, cs_attr; } bad[] = {
        {1, 0x20000011, 0, 0, 0},                    /* NW without CD */
        {2, 0x80000010, 0, 0, 0},                    /* PG without PE */
        {3, 0x80000011, 0, 0x100, 0},                /* long mode without PAE */
        {4, 0x80000011, 0x20, 0x500, 0x69b},          /* 64-bit code segment with D set */
        {5, 0xb4, 0, 0x500, 0x29b},                  /* LMA without paging: a hang */
        {6, 0x10, 0, 0x100, 0},                      /* LME without PAE: the other hang */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_OK(set(v, BH_VCPU_CR0, bad[i].cr0));
        CHECK_OK(set(v, BH_VCPU_CR4, bad[i].cr4 | 0x200));
        CHECK_OK(set(v, BH_VCPU_EFER, bad[i].efer));
        CHECK_OK(set(v, BH_VCPU_CS, BH_VCPU_SEG(0x8, bad[i].cs_attr ? bad[i].cs_attr : 0x9b, 0xffff)));
        CHECK_OK(vm_enter(x, 0, 0));
        CHECK(x[0] == BH_VM_EXIT_INVALID);
        CHECK(x[1] == bad[i].rule);
    }
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, g.vcpu, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, g.space, 64));
    for (unsigned p = 0; p < 10; p++)
        if (g.frame[p]) CHECK_OK(bh_frame_unmap(g.frame[p]));
    return 0;
}

/* The helpers above, for the other VCPU tests (vcpu_test.h). */
int vcpu_test_run(bh_word_t *x, int set_rip, bh_word_t rip)
{
    return run(x, set_rip, rip);
}

bh_word_t vcpu_test_get(bh_cptr_t vcpu, bh_word_t index)
{
    return get(vcpu, index);
}

int vcpu_test_set(bh_cptr_t vcpu, bh_word_t index, bh_word_t value)
{
    return set(vcpu, index, value);
}

bh_cptr_t vcpu_test_copy(struct env *env, bh_cptr_t c)
{
    return copy_of(env, c);
}

bh_cptr_t vcpu_test_new_object(struct env *env, bh_word_t type)
{
    return new_vm_object(env, type);
}

const struct test tests_vcpu[] = {
    {"vcpu_errors", errors},
    {"vcpu_guest_exits", guest_run},
    {"vcpu_inconsistent_state_refused", inconsistent_state},
    {"vcpu_state_hygiene_fresh_guest", vcpu_hygiene_fresh_guest},
    {"vcpu_state_hygiene_after_delete", vcpu_hygiene_after_delete},
    {0, 0},
};
