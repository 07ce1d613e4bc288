/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The benchmark's peer in its own address space: slot 5 holds its endpoint or notification;
 * the stamped modes write the counter to the page shared with the root (bench.h). */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <bulkhead/arch/machine.h>
#include "bench.h"

/* Replies with as many words as arrived and waits for the next call: up to four in machine
 * registers only (as sel4bench's calls), longer messages through the IPC buffer. */
static inline __attribute__((always_inline)) bh_msginfo_t answer(bh_cptr_t obj, bh_msginfo_t got, bh_word_t mr[4], bh_word_t *badge)
{
    bh_msginfo_t reply = bh_msginfo(0, 0, 0, bh_msginfo_length(got));
    if (bh_msginfo_length(got) <= 4) return bh_reply_recv_mrs(obj, reply, mr, badge);
    return bh_reply_recv(obj, reply, badge);
}

int program_main(bh_word_t mode)
{
    bh_cptr_t obj = BH_PROC_SLOT_FIRST_FREE;
    struct bench_shared *sh = (struct bench_shared *)BENCH_SHARED_VADDR;
    bh_word_t badge, mr[4] = {0, 0, 0, 0};
    bh_msginfo_t info;
    switch (mode) {
    case PEER_REPLY_RECV:
        info = bh_recv(obj, &badge);
        for (;;) info = answer(obj, info, mr, &badge);
    case PEER_REPLY_RECV_STAMPED:
        info = bh_recv(obj, &badge);
        for (;;) {
            sh->arrived = bh_arch_counter();
            sh->arrivals++;
            sh->replying = bh_arch_counter();
            info = answer(obj, info, mr, &badge);
        }
    case PEER_REPLY_RECV_FPU:
        info = bh_recv(obj, &badge);
        for (;;) {
            bench_fpu_work(&sh->fpu);
            info = answer(obj, info, mr, &badge);
        }
    case PEER_RECV_STAMPED:
        for (;;) {
            (void)bh_recv(obj, &badge);
            sh->arrived = bh_arch_counter();
            sh->arrivals++;
        }
    default:
        for (;;) (void)bh_recv(obj, &badge);
    }
}
