/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 CPU state hygiene (docs/platforms.md, "POWER9 user-writable CPU state"): what one
 * thread can write must not reach a thread of another partition.
 *
 * power9_state_hygiene_across_partitions: thread A (partition 1) writes a marker into every
 * piece of state a problem-state thread can write and keeps spinning; thread B (partition 2)
 * runs next, after a partition switch, and reads the same state: it must find its own
 * (fresh thread) values, not A's.
 */
#include "../../../tests/system/ktest/ktest.h"
#include "ktest_power9.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define MTSPR(n, v) __asm__ volatile("mtspr " XSTR(n) ", %0" ::"r"((uint64_t)(v)))
#define MFSPR(n) ({ uint64_t v_; __asm__ volatile("mfspr %0, " XSTR(n) : "=r"(v_)); v_; })

#define SPR_UAMR 13
#define SPR_VRSAVE 256
#define SPR_PPR 896

#define PPR_LOW (2ull << 50)    /* what "or 1,1,1" sets */
#define PPR_MEDIUM (4ull << 50) /* the priority every thread starts with */
#define XER_SO_OV_OV32 ((1ull << 31) | (1ull << 30) | (1ull << 19))
#define XER_COUNT 0x7full

#define VRSAVE_MARK 0x5a5a1234ull
/* FPSCR: DRN = 7 (the upper word, which mtfsf without L = 1 does not write) and RN = 3. */
#define FPSCR_MARK ((7ull << 32) | 3ull)
#define VSCR_MARK 0x00010001u /* NJ, SAT */
#define VSR_MARK 0x0123456789abcdefull
#define RESERVED_VALUE 0x600dull

enum { R_VRSAVE, R_PPR, R_UAMR, R_FPSCR, R_VSCR, R_VS31, R_VS63, R_XER, R_STCX, R_COUNT };
static const char *const names[R_COUNT] = {"VRSAVE", "PPR", "AMR (SPR 13)", "FPSCR", "VSCR", "VS31 (FPR31)",
                                           "VS63 (VR31)", "XER", "stwcx. on A's reservation"};

static struct {
    volatile int written, read;
    volatile uint32_t reserved_word;
    uint64_t a[R_COUNT]; /* what A read back after writing its markers */
    uint64_t b[R_COUNT]; /* what B found */
} shared;

/* Reads every item but the reservation into out; touches nothing it reads. */
static void read_state(uint64_t out[R_COUNT])
{
    uint64_t xer, v[2] __attribute__((aligned(16)));
    uint32_t vscr[4] __attribute__((aligned(16)));
    double f;
    __asm__ volatile("mfxer %0" : "=r"(xer));
    out[R_VRSAVE] = MFSPR(SPR_VRSAVE);
    out[R_PPR] = MFSPR(SPR_PPR);
    out[R_UAMR] = MFSPR(SPR_UAMR);
    __asm__ volatile("mffs %0" : "=d"(f));
    __builtin_memcpy(&out[R_FPSCR], &f, sizeof f);
    __asm__ volatile("mfvscr 0; stvx 0, 0, %0" ::"r"(vscr) : "v0", "memory");
    out[R_VSCR] = vscr[0] | vscr[1] | vscr[2] | vscr[3];
    __asm__ volatile("stxvd2x 31, 0, %0" ::"r"(v) : "memory");
    out[R_VS31] = v[0] | v[1];
    __asm__ volatile("stxvd2x 63, 0, %0" ::"r"(v) : "memory");
    out[R_VS63] = v[0] | v[1];
    out[R_XER] = xer & (XER_SO_OV_OV32 | XER_COUNT);
}

static void writer(bh_word_t arg)
{
    (void)arg;
    uint64_t v[2] __attribute__((aligned(16))) = {VSR_MARK, ~VSR_MARK};
    uint32_t vscr[4] __attribute__((aligned(16))) = {VSCR_MARK, VSCR_MARK, VSCR_MARK, VSCR_MARK};
    double f;
    uint64_t fpscr = FPSCR_MARK;
    __builtin_memcpy(&f, &fpscr, sizeof f);
    MTSPR(SPR_VRSAVE, VRSAVE_MARK);
    __asm__ volatile("or 1, 1, 1"); /* PPR: low priority */
    MTSPR(SPR_UAMR, ~0ull);
    __asm__ volatile("mtfsf 0xff, %0, 1, 0" ::"d"(f)); /* L = 1: all 64 bits */
    __asm__ volatile("lvx 0, 0, %0; mtvscr 0" ::"r"(vscr) : "v0", "memory");
    __asm__ volatile("lxvd2x 31, 0, %0; lxvd2x 63, 0, %0" ::"r"(v) : "vs31", "vs63", "memory");
    __asm__ volatile("mtxer %0" ::"r"(XER_SO_OV_OV32 | XER_COUNT));
    read_state(shared.a);
    uint32_t old;
    __asm__ volatile("lwarx %0, 0, %1" : "=r"(old) : "r"(&shared.reserved_word) : "memory");
    (void)old;
    shared.written = 1;
    for (;;) {
    }
}

/* Reads everything first (before its own code could disturb it), then reports. */
static void reader(bh_word_t arg)
{
    (void)arg;
    while (!shared.written) {
    }
    uint64_t cr;
    read_state(shared.b);
    /* A store-conditional succeeds only on a reservation this thread holds: none. */
    __asm__ volatile("stwcx. %1, 0, %2; mfcr %0"
                     : "=r"(cr)
                     : "r"(RESERVED_VALUE + 1), "r"(&shared.reserved_word)
                     : "cr0", "memory");
    shared.b[R_STCX] = (cr >> 29) & 1u; /* CR0[EQ]: the store was done */
    shared.read = 1;
    for (;;) {
    }
}

int power9_state_hygiene_across_partitions(struct env *env)
{
    static const uint64_t fresh[R_COUNT] = {
        [R_VRSAVE] = 0, [R_PPR] = PPR_MEDIUM, [R_UAMR] = 0, [R_FPSCR] = 0, [R_VSCR] = 0,
        [R_VS31] = 0, [R_VS63] = 0, [R_XER] = 0, [R_STCX] = 0,
    };
    /* What A holds after writing: its markers, but AMR, which UAMOR = 0 keeps at 0. */
    static const uint64_t marked[R_COUNT] = {
        [R_VRSAVE] = VRSAVE_MARK, [R_PPR] = PPR_LOW, [R_UAMR] = 0, [R_FPSCR] = FPSCR_MARK,
        [R_VSCR] = VSCR_MARK, [R_VS31] = ~0ull, [R_VS63] = ~0ull, [R_XER] = XER_SO_OV_OV32 | XER_COUNT,
    };
    struct bh_thread a, b;
    __builtin_memset(&shared, 0, sizeof shared);
    shared.reserved_word = RESERVED_VALUE;
    CHECK_OK(bh_thread_create(&env->alloc, &a, writer, 0, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &b, reader, 0, 50));
    CHECK_OK(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 1, a.tcb));
    CHECK_OK(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 2, b.tcb));
    /* Partition 1 (A) is followed directly by partition 2 (B); we (partition 0, priority
     * 255) never block, so they run only in their slots. */
    bh_word_t sched[3] = {(0ull << 32) | 2, (1ull << 32) | 2, (2ull << 32) | 2};
    CHECK_OK(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, sched, 3));
    CHECK_OK(bh_thread_start(&b));
    CHECK_OK(bh_thread_start(&a));
    uint64_t spins = 0;
    while (!shared.read && spins < 4000000000ull) spins++;
    bh_word_t only0[1] = {(0ull << 32) | 1};
    CHECK_OK(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, only0, 1));
    CHECK_OK(bh_tcb_suspend(a.tcb));
    CHECK_OK(bh_tcb_suspend(b.tcb));
    CHECK(shared.written && shared.read);
    int leaks = 0;
    for (unsigned i = 0; i < R_STCX; i++) {
        if (shared.a[i] == marked[i]) continue;
        bh_printf("FAIL ktest.%s: %s: thread A wrote its marker and read back %lx, expected %lx\n", env->test,
                  names[i], (unsigned long)shared.a[i], (unsigned long)marked[i]);
        leaks++;
    }
    for (unsigned i = 0; i < R_COUNT; i++) {
        if (shared.b[i] == fresh[i]) continue;
        bh_printf("FAIL ktest.%s: %s: thread B (partition 2) read %lx after thread A (partition 1); "
                  "a fresh thread has %lx\n",
                  env->test, names[i], (unsigned long)shared.b[i], (unsigned long)fresh[i]);
        leaks++;
    }
    CHECK(shared.reserved_word == RESERVED_VALUE);
    return leaks ? 1 : 0;
}
