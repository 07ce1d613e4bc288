/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The hostile task: 100,000 random system calls and invocations with random capabilities,
 * labels, lengths, arguments and transferred capabilities, from a fixed seed. It never uses
 * the blocking receives (nobody would wake it); everything else is fair game. After every
 * batch it asks the kernel to check its invariants. Before them it uses up its ASID pool; the
 * runner then checks that its own pool is untouched.
 */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "hostile.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static bh_word_t interesting(void)
{
    switch (rnd() % 12) {
    case 0: return 0;
    case 1: return 1;
    case 2: return rnd() % 300;                      /* slots, small counts */
    case 3: return rnd() % 32;
    case 4: return 1ull << (rnd() % 64);
    case 5: return 64;
    case 6: return 12 + rnd() % 12;                  /* size bits */
    case 7: return 0x10000000ull + (rnd() % 64) * 4096; /* user addresses */
    case 8: return (bh_word_t)-1 - rnd() % 4;
    case 9: return 0xffff800000000000ull + (rnd() % 1024) * 4096; /* kernel addresses */
    case 10: return rnd() % BH_OBJ_COUNT;
    default: return rnd();
    }
}

static bh_word_t raw_syscall(bh_word_t nr, bh_word_t dest, bh_word_t info)
{
    bh_sys(nr, &dest, &info);
    return info;
}

/* Mostly slots that hold capabilities (the initial ones, and 16.. where it retypes and
 * receives new ones), sometimes anything. */
static bh_cptr_t random_cptr(void)
{
    static const bh_cptr_t held[] = {H_CNODE, H_VSPACE, H_SERVICE, H_UNTYPED, H_VICTIM_TCB, H_NOTIFICATION,
                                     H_ENDPOINT_RO, H_IO_PORT, H_FRAME, H_PAGE_TABLE, H_SMALL_CNODE, H_ASID_POOL};
    uint64_t r = rnd() % 16;
    if (r < 9) return held[rnd() % (sizeof held / sizeof held[0])];
    if (r < 13) return H_FIRST_EMPTY + rnd() % 32;
    if (r < 15) return rnd() % 255;
    bh_cptr_t c = rnd();
    return (c & 0xff) == H_DONE ? c - 1 : c;
}

static void one_call(unsigned *errors)
{
    bh_ipc_buffer_t *b = bh_ipc_buffer();
    unsigned len = (unsigned)(rnd() % 10);
    if (rnd() % 50 == 0) len = (unsigned)(rnd() % 128);
    for (unsigned i = 0; i < len && i < BH_MSG_MAX_LENGTH; i++) b->mr[i] = interesting();
    unsigned ncaps = (unsigned)(rnd() % 4);
    for (unsigned i = 0; i < 3; i++) b->caps_or_badges[i] = random_cptr();
    b->receive_cnode = 0;
    b->receive_index = H_FIRST_EMPTY + rnd() % 32;
    b->receive_depth = rnd() % 8 ? 64 : interesting();
    bh_word_t label = rnd() % 4 ? 1 + rnd() % (BH_INV_COUNT + 2) : interesting();
    bh_msginfo_t info = bh_msginfo(label, (unsigned)(rnd() % 8), ncaps, len);
    bh_cptr_t dest = random_cptr();
    bh_word_t r;
    switch (rnd() % 20) {
    case 0: r = raw_syscall((bh_word_t)BH_SYS_NBSEND, dest, info); break;
    case 1: r = raw_syscall((bh_word_t)BH_SYS_NBRECV, dest, info); break;
    case 2: r = raw_syscall((bh_word_t)BH_SYS_YIELD, dest, info); break;
    case 3: r = raw_syscall((bh_word_t)BH_SYS_REPLY, dest, info); break;
    /* Unknown numbers: below the debug calls (-10..-12), which bypass capabilities by design
     * and exist in debug builds only; and non-negative (Linux) ones. */
    case 4: r = raw_syscall(rnd() % 3 ? (bh_word_t)(-13 - (long)(rnd() % 100)) : rnd() % 400, dest, info); break;
    case 5: r = raw_syscall((bh_word_t)BH_SYS_SEND, H_NOTIFICATION, info); break;
    default: r = raw_syscall((bh_word_t)BH_SYS_CALL, dest, info); break;
    }
    if (bh_msginfo_label(r) != 0) (*errors)++;
}

/* VSpaces from its untyped into its empty slots, each given an ASID from its pool, until the
 * pool refuses: how many it got and the refusal. */
static void use_up_asids(bh_word_t *assigned, bh_word_t *refusal)
{
    for (bh_cptr_t s = H_FIRST_EMPTY; s < H_DONE; s++) {
        int e = bh_untyped_retype(H_UNTYPED, BH_OBJ_VSPACE, 0, H_CNODE, 0, 0, s, 1);
        if (e == BH_ERR_OK) e = bh_asid_pool_assign(H_ASID_POOL, s);
        if (e != BH_ERR_OK) {
            *refusal = (bh_word_t)e;
            return;
        }
        (*assigned)++;
    }
}

int program_main(bh_word_t arg)
{
    (void)arg;
    unsigned errors = 0;
    bh_word_t violations = 0, assigned = 0, refusal = 0;
    rng_state = HOSTILE_SEED;
    /* Give up the capabilities to our own TCB and IPC buffer (the runtime used them at start):
     * losing them at random would only end the test early. */
    bh_cnode_delete(H_CNODE, BH_PROC_SLOT_TCB, BH_PROC_CNODE_RADIX);
    bh_cnode_delete(H_CNODE, BH_PROC_SLOT_IPC_BUFFER, BH_PROC_CNODE_RADIX);
    use_up_asids(&assigned, &refusal);
    bh_printf("[hostile] its ASID pool gave %lu ASIDs, then error %lu\n", (unsigned long)assigned, (unsigned long)refusal);
    bh_printf("[hostile] %u random calls, seed %llx\n", HOSTILE_CALLS, (unsigned long long)HOSTILE_SEED);
    for (unsigned n = 0; n < HOSTILE_CALLS; n++) {
        one_call(&errors);
        if ((n + 1) % HOSTILE_BATCH == 0) {
            bh_word_t v = bh_debug_check_kernel();
            if (v) bh_printf("[hostile] after call %u: %lu invariant violations\n", n + 1, (unsigned long)v);
            violations += v;
        }
        if ((n + 1) % 20000 == 0) bh_printf("[hostile] %u calls, %u answered with an error\n", n + 1, errors);
    }
    bh_printf("[hostile] done: %u calls, %u errors, %lu invariant violations\n", HOSTILE_CALLS, errors,
              (unsigned long)violations);
    bh_set_mr(0, violations);
    bh_set_mr(1, errors);
    bh_set_mr(2, assigned);
    bh_set_mr(3, refusal);
    bh_call(H_DONE, bh_msginfo(0xd0e, 0, 0, 4));
    return 0;
}
