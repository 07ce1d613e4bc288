/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What the benchmark's root (bench.c) and its peer (benchpeer.c) share: the peer's modes and
 * the page where the peer writes the counter when a message or signal reaches it, so that a
 * figure can start in one thread and end in the other (one kernel pass, as sel4bench counts).
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>

enum bench_peer_mode {
    PEER_REPLY_RECV = 1,         /* serve Calls (ReplyRecv), untimed: the round trip */
    PEER_RECV = 2,               /* receive (or wait) for ever, untimed */
    PEER_REPLY_RECV_STAMPED = 3, /* serve Calls, stamping each arrival and each reply */
    PEER_RECV_STAMPED = 4,       /* receive (or wait) for ever, stamping each arrival */
    PEER_REPLY_RECV_FPU = 5,     /* serve Calls, using the FPU for every message */
};

/* Mapped read-write in the root and in every peer at the same address. */
#define BENCH_SHARED_VADDR 0x0000620000000000ull
struct bench_shared {
    volatile uint64_t arrived;   /* the counter when the last message or signal arrived */
    volatile uint64_t replying;  /* the counter just before the last ReplyRecv */
    volatile uint64_t arrivals;  /* how many arrived (the root checks that a stamp is new) */
    volatile double fpu;         /* the peer's FPU work, kept live */
};

/* A little FPU work (a multiply-add through memory): both threads of the FPU round trip do it. */
static inline void bench_fpu_work(volatile double *x) { *x = *x * 0.5 + 1.0; }

#endif
