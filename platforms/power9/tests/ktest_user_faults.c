/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9: what the kernel denies a problem-state thread faults as a user exception (a fault
 * message to the thread's handler), never in the kernel (docs/platforms.md, "POWER9
 * user-writable CPU state"):
 *   power9_denied_facilities_fault_in_user  facilities switched off in FSCR (TAR, EBB, TM,
 *     scv, DSCR), read-only performance monitor SPRs, privileged SPRs and instructions;
 *   power9_kernel_addresses_fault_in_user   loads, stores and branches to the kernel's
 *     quadrant 3 mapping, to quadrants 1 and 2, and above the user range.
 * Each probe thread runs one instruction; reaching the next line would be a failure.
 */
#include "../../../tests/system/ktest/ktest.h"
#include "ktest_power9.h"

#define V_PROGRAM 0x700u /* privileged instruction */
#define V_HEAI 0xe40u    /* hypervisor emulation assistance: an instruction or SPR not implemented */
#define V_FACILITY 0xf60u

/* FSCR interrupt cause (FSCR[IC]) of each facility. */
#define IC_DSCR 2
#define IC_TM 5
#define IC_EBB 7
#define IC_TAR 8
#define IC_SCV 12

#define STR(x) #x
#define XSTR(x) STR(x)
#define MTSPR(n) __asm__ volatile("mtspr " XSTR(n) ", %0" ::"r"(0x1000ull))
#define MFSPR(n) ({ uint64_t v_; __asm__ volatile("mfspr %0, " XSTR(n) : "=r"(v_)); v_; })

static volatile int resumed;
static volatile uint64_t sink;

#define PROBE(name, body) \
    static void name(bh_word_t arg) \
    { \
        (void)arg; \
        body; \
        resumed = 1; \
        for (;;) bh_yield(); \
    }

PROBE(write_tar, MTSPR(815))
PROBE(read_tar, sink = MFSPR(815))
PROBE(write_ebbhr, MTSPR(804))
PROBE(write_bescr, MTSPR(806))
PROBE(write_tfhar, MTSPR(128))
PROBE(read_texasr, sink = MFSPR(130))
PROBE(tbegin, __asm__ volatile(".long 0x7c00051d" ::: "cr0")) /* tbegin. */
PROBE(scv, __asm__ volatile(".long 0x44000001"))               /* scv 0 */
PROBE(write_dscr, MTSPR(3))
PROBE(read_dscr, sink = MFSPR(3))
PROBE(write_upmc1, MTSPR(771))
PROBE(write_ummcr0, MTSPR(779))
PROBE(write_iamr, MTSPR(61))
PROBE(write_ctrl, MTSPR(152))
PROBE(write_pspb, MTSPR(159))
PROBE(read_dec, sink = MFSPR(22))
PROBE(mtmsrd, __asm__ volatile("mtmsrd %0, 1" ::"r"(0ull)))

struct denied {
    const char *what;
    bh_thread_fn fn;
    unsigned vector, ic;
    /* Also accepted (0: none): what QEMU 7.2 raises for an SPR it does not implement (SPR 3)
     * or for a write to a read-only problem-state SPR. */
    unsigned qemu_vector;
};

static const struct denied denied[] = {
    {"mtspr TAR", write_tar, V_FACILITY, IC_TAR, 0},
    {"mfspr TAR", read_tar, V_FACILITY, IC_TAR, 0},
    {"mtspr EBBHR", write_ebbhr, V_FACILITY, IC_EBB, 0},
    {"mtspr BESCR", write_bescr, V_FACILITY, IC_EBB, 0},
    {"mtspr TFHAR", write_tfhar, V_FACILITY, IC_TM, 0},
    {"mfspr TEXASR", read_texasr, V_FACILITY, IC_TM, 0},
    {"tbegin.", tbegin, V_FACILITY, IC_TM, 0},
    {"scv 0", scv, V_FACILITY, IC_SCV, 0},
    {"mtspr DSCR (SPR 3)", write_dscr, V_FACILITY, IC_DSCR, V_HEAI},
    {"mfspr DSCR (SPR 3)", read_dscr, V_FACILITY, IC_DSCR, V_HEAI},
    /* MMCR0[PMCC] = 00: the performance monitor is read-only in problem state. */
    {"mtspr UPMC1", write_upmc1, V_PROGRAM, 0, V_HEAI},
    {"mtspr UMMCR0", write_ummcr0, V_PROGRAM, 0, V_HEAI},
    {"mtspr IAMR", write_iamr, V_PROGRAM, 0, 0},
    {"mtspr CTRL", write_ctrl, V_PROGRAM, 0, 0},
    {"mtspr PSPB", write_pspb, V_PROGRAM, 0, 0},
    {"mfspr DEC", read_dec, V_PROGRAM, 0, 0},
    {"mtmsrd", mtmsrd, V_PROGRAM, 0, 0},
};

/* Starts fn in a thread whose faults come to ep (badge 0xfa) and receives its fault. */
static int take_fault(struct env *env, bh_cptr_t ep, bh_cptr_t badged, bh_thread_fn fn, bh_word_t *label,
                      bh_word_t mr[4])
{
    struct bh_thread t;
    resumed = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &t, fn, 0, 255));
    CHECK_OK(bh_tcb_set_fault_handler(t.tcb, badged));
    CHECK_OK(bh_thread_start(&t));
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_recv(ep, &badge);
    CHECK(badge == 0xfa);
    *label = bh_msginfo_label(info);
    for (unsigned i = 0; i < 4; i++) mr[i] = bh_get_mr(i);
    bh_reply(bh_msginfo(1, 0, 0, 0)); /* non-zero label: the thread stays suspended */
    CHECK(resumed == 0);
    return 0;
}

static bh_cptr_t fault_endpoint(struct env *env, bh_cptr_t *badged)
{
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0);
    *badged = new_slot(env);
    if (bh_cnode_mint(BH_ROOT_CNODE, *badged, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL, 0xfa) != BH_ERR_OK) return 0;
    return ep;
}

int power9_denied_facilities_fault_in_user(struct env *env)
{
    bh_cptr_t badged, ep = fault_endpoint(env, &badged);
    CHECK(ep != 0);
    int wrong = 0;
    for (unsigned i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        const struct denied *d = &denied[i];
        bh_word_t label, mr[4];
        if (take_fault(env, ep, badged, d->fn, &label, mr)) return 1;
        /* MR0 = vector, MR1 = SRR1, MR2 = FSCR[IC] for a facility-unavailable interrupt. */
        int expected = label == BH_FAULT_USER_EXCEPTION &&
                        ((mr[0] == d->vector && (d->vector != V_FACILITY || mr[2] == d->ic)) ||
                         (d->qemu_vector && mr[0] == d->qemu_vector));
        if (expected) continue;
        bh_printf("FAIL ktest.%s: %s: fault kind %lu vector %lx cause %lx; expected user exception %x (cause %u)\n",
                  env->test, d->what, (unsigned long)label, (unsigned long)mr[0], (unsigned long)mr[2], d->vector,
                  d->ic);
        wrong++;
    }
    return wrong ? 1 : 0;
}

#define KERNEL_QUADRANT 0xc000000020000000ull /* the kernel image through PID 0's tree */
#define QUADRANT_1 0x4000000000001000ull
#define QUADRANT_2 0x8000000000001000ull
#define ABOVE_USER_TOP 0x0000800000000000ull
#define ABOVE_RADIX_TREE 0x0010000000000000ull /* quadrant 0, beyond the 52-bit tree */

PROBE(load_kernel, sink = *(volatile uint64_t *)KERNEL_QUADRANT)
PROBE(store_kernel, *(volatile uint64_t *)KERNEL_QUADRANT = 0)
PROBE(load_q1, sink = *(volatile uint64_t *)QUADRANT_1)
PROBE(load_q2, sink = *(volatile uint64_t *)QUADRANT_2)
PROBE(load_high, sink = *(volatile uint64_t *)ABOVE_USER_TOP)
PROBE(load_beyond, sink = *(volatile uint64_t *)ABOVE_RADIX_TREE)
PROBE(branch_kernel, __asm__ volatile("mtctr %0; bctrl" ::"r"(KERNEL_QUADRANT) : "lr", "ctr", "memory"))

int power9_kernel_addresses_fault_in_user(struct env *env)
{
    static const struct {
        const char *what;
        bh_thread_fn fn;
        uint64_t address;
        bh_word_t fetch;
    } probes[] = {
        {"load from the kernel's quadrant 3", load_kernel, KERNEL_QUADRANT, 0},
        {"store to the kernel's quadrant 3", store_kernel, KERNEL_QUADRANT, 0},
        {"branch into the kernel's quadrant 3", branch_kernel, KERNEL_QUADRANT, 1},
        {"load from quadrant 1", load_q1, QUADRANT_1, 0},
        {"load from quadrant 2", load_q2, QUADRANT_2, 0},
        {"load at USER_TOP", load_high, ABOVE_USER_TOP, 0},
        {"load beyond the radix tree", load_beyond, ABOVE_RADIX_TREE, 0},
    };
    bh_cptr_t badged, ep = fault_endpoint(env, &badged);
    CHECK(ep != 0);
    int wrong = 0;
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        bh_word_t label, mr[4];
        if (take_fault(env, ep, badged, probes[i].fn, &label, mr)) return 1;
        /* MR0 = address, MR2 = 1 for an instruction fetch. */
        if (label == BH_FAULT_VM && mr[0] == probes[i].address && mr[2] == probes[i].fetch) continue;
        bh_printf("FAIL ktest.%s: %s: fault kind %lu address %lx fetch %lu\n", env->test, probes[i].what,
                  (unsigned long)label, (unsigned long)mr[0], (unsigned long)mr[2]);
        wrong++;
    }
    return wrong ? 1 : 0;
}
