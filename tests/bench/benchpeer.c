/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The benchmark's peer in its own address space: slot 5 holds its endpoint or notification;
 * the stamped modes write the counter to the page shared with the root (bench.h). */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <bulkhead/arch/machine.h>
#include "bench.h"

int program_main(bh_word_t mode)
{
    bh_cptr_t obj = BH_PROC_SLOT_FIRST_FREE;
    struct bench_shared *sh = (struct bench_shared *)BENCH_SHARED_VADDR;
    bh_word_t badge;
    bh_msginfo_t info;
    switch (mode) {
    case PEER_REPLY_RECV:
        info = bh_recv(obj, &badge);
        for (;;) info = bh_reply_recv(obj, bh_msginfo(0, 0, 0, bh_msginfo_length(info)), &badge);
    case PEER_REPLY_RECV_STAMPED:
        info = bh_recv(obj, &badge);
        for (;;) {
            sh->arrived = bh_arch_counter();
            sh->arrivals++;
            bh_msginfo_t reply = bh_msginfo(0, 0, 0, bh_msginfo_length(info));
            sh->replying = bh_arch_counter();
            info = bh_reply_recv(obj, reply, &badge);
        }
    case PEER_REPLY_RECV_FPU:
        info = bh_recv(obj, &badge);
        for (;;) {
            bench_fpu_work(&sh->fpu);
            info = bh_reply_recv(obj, bh_msginfo(0, 0, 0, bh_msginfo_length(info)), &badge);
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
