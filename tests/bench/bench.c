/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Kernel micro-benchmarks (the root server of the bench archive). Under QEMU -icount
 * shift=0 the TSC counts guest instructions (POWER9: UPMC5 or the timebase, bh_arch_counter),
 * so each figure is a count of instructions. Two kinds of figure (docs/testing.md):
 *  - per iteration: the minimum over BATCHES batches of ITERS iterations of a loop in the root
 *    (a batch that a timer tick interrupts is slower; the minimum is the undisturbed path);
 *    a Call/ReplyRecv round trip is two kernel passes;
 *  - per pass ("pass_*"), as sel4bench counts: the counter read in one thread before the system
 *    call and in the other thread when it arrives there (through a page shared with the peer,
 *    bench.h), less the cost of reading the counter; the minimum over BATCHES * ITERS passes.
 * Prints "BENCH <name> <value>" lines for tools/bench.sh, "BENCH-ERROR ..." when a figure
 * cannot mean what it says.
 */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <bulkhead/arch/machine.h>
#include "bench.h"

#define ITERS 64u
#define BATCHES 20u
#define PASSES (ITERS * BATCHES)

static struct bh_alloc alloc;
static bh_cptr_t shared_frame;
static struct bench_shared *const shared = (struct bench_shared *)BENCH_SHARED_VADDR;
static uint64_t counter_cost; /* instructions from one counter read to the next, back to back */
static volatile double root_fpu = 1.0;

static inline uint64_t counter(void)
{
    return bh_arch_counter();
}

typedef void (*op_fn)(bh_cptr_t cap, unsigned length);

static uint64_t measure(op_fn op, bh_cptr_t cap, unsigned length)
{
    uint64_t best = ~0ull;
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = counter();
        for (unsigned i = 0; i < ITERS; i++) op(cap, length);
        uint64_t t1 = counter();
        if (t1 - t0 < best) best = t1 - t0;
    }
    return best / ITERS;
}

static uint64_t measure_empty(void)
{
    uint64_t best = ~0ull;
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = counter();
        for (unsigned i = 0; i < ITERS; i++) __asm__ volatile("" ::: "memory");
        uint64_t t1 = counter();
        if (t1 - t0 < best) best = t1 - t0;
    }
    return best / ITERS;
}

/* What a pass figure subtracts: sel4bench subtracts its counter reads the same way. */
static uint64_t measure_counter_cost(void)
{
    uint64_t best = ~0ull;
    for (unsigned i = 0; i < PASSES; i++) {
        uint64_t t0 = counter();
        uint64_t t1 = counter();
        if (t1 - t0 < best) best = t1 - t0;
    }
    return best;
}

/* Up to four words in machine registers only, as sel4bench's calls; longer messages through
 * the IPC buffer (the slow path). */
static inline __attribute__((always_inline)) void call(bh_cptr_t ep, unsigned length)
{
    bh_word_t mr[4] = {0, 0, 0, 0};
    if (length <= 4) bh_call_mrs(ep, bh_msginfo(0, 0, 0, length), mr);
    else bh_call(ep, bh_msginfo(0, 0, 0, length));
}
/* Out of line, as every other operation: the loop's cost is the same for all, and the POWER9
 * calibration (tools/bench-power9-trace.sh) finds the one sc inside op_call. op_call carries
 * up to four words in registers only; op_call_buffer longer messages, through the IPC buffer. */
__attribute__((noinline)) static void op_call(bh_cptr_t ep, unsigned length)
{
    bh_word_t mr[4] = {0, 0, 0, 0};
    bh_call_mrs(ep, bh_msginfo(0, 0, 0, length), mr);
}
__attribute__((noinline)) static void op_call_buffer(bh_cptr_t ep, unsigned length) { bh_call(ep, bh_msginfo(0, 0, 0, length)); }
__attribute__((noinline)) static void op_call_fpu(bh_cptr_t ep, unsigned length)
{
    bh_word_t mr[4] = {0, 0, 0, 0};
    bench_fpu_work(&root_fpu);
    bh_call_mrs(ep, bh_msginfo(0, 0, 0, length), mr);
}
static void op_send(bh_cptr_t ep, unsigned length) { bh_send(ep, bh_msginfo(0, 0, 0, length)); }
static void op_signal(bh_cptr_t n, unsigned length) { (void)length; bh_signal(n); }
static void op_poll(bh_cptr_t n, unsigned length) { (void)length; (void)bh_poll(n); }

static bh_cptr_t map_frame, map_vspace;
static void op_map_unmap(bh_cptr_t f, unsigned length)
{
    (void)length;
    bh_frame_map(f, map_vspace, 0x0000610000000000ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1);
    bh_frame_unmap(f);
}

/* A peer process (another address space) serving ep (or waiting on a notification), with the
 * shared page mapped. */
static bh_cptr_t start_peer(const struct bh_bootinfo *bi, enum bench_peer_mode mode, bh_word_t type, bh_word_t prio)
{
    size_t len;
    const void *img = bh_archive_find(bi, "benchpeer", &len);
    bh_cptr_t obj = bh_alloc_object(&alloc, type, 0);
    bh_cptr_t page = bh_alloc_slot(&alloc);
    struct bh_process p;
    if (!img || !obj || !page || bh_process_create(&alloc, &p, "benchpeer", img, len, prio, mode) != 0 ||
        bh_cnode_copy(BH_ROOT_CNODE, page, 64, BH_ROOT_CNODE, shared_frame, 64, BH_RIGHT_READ | BH_RIGHT_WRITE) != 0 ||
        bh_map_frame(&alloc, page, p.vspace, BENCH_SHARED_VADDR, BH_RIGHT_READ | BH_RIGHT_WRITE, 1) != 0 ||
        bh_process_give(&alloc, &p, BH_PROC_SLOT_FIRST_FREE, obj, BH_RIGHTS_ALL, 0) != 0 || bh_process_start(&p) != 0) {
        bh_printf("BENCH-ERROR cannot start the peer\n");
        return 0;
    }
    return obj;
}

static void report(const char *name, uint64_t value)
{
    bh_printf("BENCH %s %llu\n", name, (unsigned long long)value);
}

static uint64_t less_counter(uint64_t best, const char *name)
{
    if (best == ~0ull || best < counter_cost) {
        bh_printf("BENCH-ERROR %s: no pass arrived\n", name);
        return 0;
    }
    return best - counter_cost;
}

/* Call and ReplyRecv one pass each, the peer stamping arrival and reply (PEER_REPLY_RECV_STAMPED). */
static void measure_call_passes(bh_cptr_t ep, unsigned length, const char *call_name, const char *reply_name)
{
    uint64_t there = ~0ull, back = ~0ull;
    for (unsigned i = 0; i < PASSES; i++) {
        uint64_t seen = shared->arrivals;
        uint64_t t0 = counter();
        call(ep, length);
        uint64_t t3 = counter();
        if (shared->arrivals != seen + 1) continue; /* not this call's stamps */
        if (shared->arrived - t0 < there) there = shared->arrived - t0;
        if (t3 - shared->replying < back) back = t3 - shared->replying;
    }
    report(call_name, less_counter(there, call_name));
    report(reply_name, less_counter(back, reply_name));
}

/* One pass from the root's system call to the peer's return from Recv (PEER_RECV_STAMPED). */
static uint64_t measure_arrival_pass(op_fn op, bh_cptr_t cap, const char *name)
{
    uint64_t best = ~0ull;
    for (unsigned i = 0; i < PASSES; i++) {
        uint64_t seen = shared->arrivals;
        uint64_t t0 = counter();
        op(cap, 0);
        if (shared->arrivals != seen + 1) continue;
        if (shared->arrived - t0 < best) best = shared->arrived - t0;
    }
    return less_counter(best, name);
}

/* A signal that wakes a waiter of lower priority than the root's (no switch): after each, the
 * root steps below the waiter so that it waits again, then back above it. */
static uint64_t measure_signal_wake_lower(bh_cptr_t n, bh_word_t prio, const char *name)
{
    /* The waiter starts below the root: let it reach its first wait. */
    bh_tcb_set_priority(BH_ROOT_TCB, prio - 2, BH_ROOT_TCB);
    bh_tcb_set_priority(BH_ROOT_TCB, prio, BH_ROOT_TCB);
    uint64_t best = ~0ull;
    for (unsigned i = 0; i < PASSES; i++) {
        uint64_t seen = shared->arrivals;
        uint64_t t0 = counter();
        bh_signal(n);
        uint64_t t1 = counter();
        if (shared->arrivals != seen) bh_printf("BENCH-ERROR %s: the waiter ran before the root\n", name);
        bh_tcb_set_priority(BH_ROOT_TCB, prio - 2, BH_ROOT_TCB);
        bh_tcb_set_priority(BH_ROOT_TCB, prio, BH_ROOT_TCB);
        if (shared->arrivals != seen + 1) continue; /* the waiter did not wait again: not a wake */
        if (t1 - t0 < best) best = t1 - t0;
    }
    return less_counter(best, name);
}

/* A signal with nobody waiting: it only sets bits (the notification stays active). */
static uint64_t measure_signal_no_waiter(bh_cptr_t n, const char *name)
{
    uint64_t best = ~0ull;
    for (unsigned i = 0; i < PASSES; i++) {
        uint64_t t0 = counter();
        bh_signal(n);
        uint64_t t1 = counter();
        if (t1 - t0 < best) best = t1 - t0;
    }
    return less_counter(best, name);
}

int root_main(const struct bh_bootinfo *bi)
{
    bh_alloc_init(&alloc, bi, BH_ROOT_VSPACE, 0x0000600000000000ull);
    bh_cptr_t exit_port = bh_alloc_slot(&alloc);
    bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0xf4, 0xf7, BH_ROOT_CNODE, exit_port, 64);
    shared_frame = bh_alloc_object(&alloc, BH_OBJ_FRAME, 0);
    if (!shared_frame || bh_map_frame(&alloc, shared_frame, BH_ROOT_VSPACE, BENCH_SHARED_VADDR,
                                      BH_RIGHT_READ | BH_RIGHT_WRITE, 1) != 0)
        bh_printf("BENCH-ERROR cannot map the shared page\n");
    uint64_t loop = measure_empty();
    counter_cost = measure_counter_cost();
    report("counter_read", counter_cost);
    report("loop_overhead", loop); /* subtracted from every per-iteration figure */

    /* Call + ReplyRecv round trip between two address spaces, equal priorities. */
    bh_cptr_t ep = start_peer(bi, PEER_REPLY_RECV, BH_OBJ_ENDPOINT, 255);
    report("ipc_call_replyrecv_roundtrip_0_words", measure(op_call, ep, 0) - loop);
    report("ipc_call_replyrecv_roundtrip_4_words", measure(op_call, ep, 4) - loop);
    report("ipc_call_replyrecv_roundtrip_10_words_slowpath", measure(op_call_buffer, ep, 10) - loop);

    /* The same with both threads using the FPU for every message (seL4's figure does so). */
    bh_cptr_t ep_fpu = start_peer(bi, PEER_REPLY_RECV_FPU, BH_OBJ_ENDPOINT, 255);
    report("ipc_call_replyrecv_roundtrip_0_words_fpu", measure(op_call_fpu, ep_fpu, 0) - loop);

    /* The passes of the same round trips, each on its own (sel4bench's Call and ReplyRecv). */
    bh_cptr_t ep_stamped = start_peer(bi, PEER_REPLY_RECV_STAMPED, BH_OBJ_ENDPOINT, 255);
    measure_call_passes(ep_stamped, 0, "pass_call_0_words", "pass_replyrecv_0_words");
    measure_call_passes(ep_stamped, 4, "pass_call_4_words", "pass_replyrecv_4_words");
    measure_call_passes(ep_stamped, 10, "pass_call_10_words_slowpath", "pass_replyrecv_10_words_slowpath");

    /* Send to a higher-priority receiver that waits again: one message each way of the switch. */
    bh_cptr_t ep2 = start_peer(bi, PEER_RECV, BH_OBJ_ENDPOINT, 255);
    bh_tcb_set_priority(BH_ROOT_TCB, 254, BH_ROOT_TCB); /* below the receiver: see the signal below */
    report("ipc_send_recv_0_words", measure(op_send, ep2, 0) - loop);
    bh_cptr_t ep2_stamped = start_peer(bi, PEER_RECV_STAMPED, BH_OBJ_ENDPOINT, 255);
    report("pass_send_0_words", measure_arrival_pass(op_send, ep2_stamped, "pass_send_0_words"));

    /* Signal a higher-priority thread waiting in another address space (it waits again), as
     * seL4's figure does. With equal priorities a timer tick that ends the waiter's time slice
     * while it runs puts it behind us, and our signals then only set bits until our own slice
     * ends: the minimum over batches would measure that, not a wakeup (POWER9's real-time
     * timebase made it show: 182 instructions, no switch). So the root steps down a level. */
    bh_cptr_t n = start_peer(bi, PEER_RECV, BH_OBJ_NOTIFICATION, 255);
    /* Only a waiting peer makes this figure mean anything: one signal is taken at once and a
     * poll finds the word empty; a peer that does not wait leaves the bit for the poll. */
    bh_signal(n);
    if (bh_poll(n) != 0) bh_printf("BENCH-ERROR the notification's peer is not waiting\n");
    report("notification_signal_wake_waiter", measure(op_signal, n, 0) - loop);
    bh_cptr_t n_stamped = start_peer(bi, PEER_RECV_STAMPED, BH_OBJ_NOTIFICATION, 255);
    report("pass_signal_wake_higher", measure_arrival_pass(op_signal, n_stamped, "pass_signal_wake_higher"));

    /* A signal that wakes a lower-priority waiter (no switch), and one with nobody waiting. */
    bh_cptr_t n_lower = start_peer(bi, PEER_RECV_STAMPED, BH_OBJ_NOTIFICATION, 253);
    report("pass_signal_wake_lower", measure_signal_wake_lower(n_lower, 254, "pass_signal_wake_lower"));
    bh_cptr_t n_idle = bh_alloc_object(&alloc, BH_OBJ_NOTIFICATION, 0);
    report("pass_signal_no_waiter", measure_signal_no_waiter(n_idle, "pass_signal_no_waiter"));
    bh_tcb_set_priority(BH_ROOT_TCB, 255, BH_ROOT_TCB);

    /* Null system call: polling an empty notification (kernel entry, lookup, exit). */
    bh_cptr_t empty = bh_alloc_object(&alloc, BH_OBJ_NOTIFICATION, 0);
    report("null_syscall_poll", measure(op_poll, empty, 0) - loop);

    /* Frame map + unmap (page tables present). */
    map_frame = bh_alloc_object(&alloc, BH_OBJ_FRAME, 0);
    map_vspace = BH_ROOT_VSPACE;
    bh_map_frame(&alloc, map_frame, map_vspace, 0x0000610000000000ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1);
    bh_frame_unmap(map_frame);
    report("frame_map_unmap", measure(op_map_unmap, map_frame, 0) - loop);

    bh_printf("BENCH-DONE\n");
    bh_io_port_out8(exit_port, 0xf4, 0x10);
    return 0;
}
