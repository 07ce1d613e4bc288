/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Kernel micro-benchmarks (the root server of the bench archive). Under QEMU -icount
 * shift=0 the TSC counts guest instructions, so each figure is the instructions of one
 * operation: the minimum over BATCHES batches of ITERS iterations (a batch that a timer
 * tick interrupts is slower; the minimum is the undisturbed path, and it repeats exactly).
 * Prints "BENCH <name> <value>" lines for tools/bench.sh.
 */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <bulkhead/arch/machine.h>

#define ITERS 64u
#define BATCHES 20u

enum peer_mode { PEER_REPLY_RECV = 1, PEER_RECV = 2, PEER_WAIT = 3 };

static struct bh_alloc alloc;

/* The architecture's benchmark counter (x86: TSC; ppc64le: timebase). */
static inline uint64_t tsc(void)
{
    return bh_arch_counter();
}

typedef void (*op_fn)(bh_cptr_t cap, unsigned length);

static uint64_t measure(op_fn op, bh_cptr_t cap, unsigned length)
{
    uint64_t best = ~0ull;
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = tsc();
        for (unsigned i = 0; i < ITERS; i++) op(cap, length);
        uint64_t t1 = tsc();
        if (t1 - t0 < best) best = t1 - t0;
    }
    return best / ITERS;
}

static uint64_t measure_empty(void)
{
    uint64_t best = ~0ull;
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = tsc();
        for (unsigned i = 0; i < ITERS; i++) __asm__ volatile("" ::: "memory");
        uint64_t t1 = tsc();
        if (t1 - t0 < best) best = t1 - t0;
    }
    return best / ITERS;
}

static void op_call(bh_cptr_t ep, unsigned length) { bh_call(ep, bh_msginfo(0, 0, 0, length)); }
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

/* A peer process (another address space) serving ep (or waiting on a notification). */
static bh_cptr_t start_peer(const struct bh_bootinfo *bi, enum peer_mode mode, bh_word_t type, bh_word_t prio)
{
    size_t len;
    const void *img = bh_archive_find(bi, "benchpeer", &len);
    bh_cptr_t obj = bh_alloc_object(&alloc, type, 0);
    struct bh_process p;
    if (!img || !obj || bh_process_create(&alloc, &p, "benchpeer", img, len, prio, mode) != 0 ||
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

int root_main(const struct bh_bootinfo *bi)
{
    bh_alloc_init(&alloc, bi, BH_ROOT_VSPACE, 0x0000600000000000ull);
    bh_cptr_t exit_port = bh_alloc_slot(&alloc);
    bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0xf4, 0xf7, BH_ROOT_CNODE, exit_port, 64);
    uint64_t loop = measure_empty();

    /* Call + ReplyRecv round trip between two address spaces, equal priorities. */
    bh_cptr_t ep = start_peer(bi, PEER_REPLY_RECV, BH_OBJ_ENDPOINT, 255);
    report("ipc_call_replyrecv_roundtrip_0_words", measure(op_call, ep, 0) - loop);
    report("ipc_call_replyrecv_roundtrip_4_words", measure(op_call, ep, 4) - loop);
    report("ipc_call_replyrecv_roundtrip_10_words_slowpath", measure(op_call, ep, 10) - loop);

    /* Send to a higher-priority receiver that waits again: one message each way of the switch. */
    bh_cptr_t ep2 = start_peer(bi, PEER_RECV, BH_OBJ_ENDPOINT, 255);
    bh_tcb_set_priority(BH_ROOT_TCB, 254, BH_ROOT_TCB); /* below the receiver: see the signal below */
    report("ipc_send_recv_0_words", measure(op_send, ep2, 0) - loop);

    /* Signal a higher-priority thread waiting in another address space (it waits again), as
     * seL4's figure does. With equal priorities a timer tick that ends the waiter's time slice
     * while it runs puts it behind us, and our signals then only set bits until our own slice
     * ends: the minimum over batches would measure that, not a wakeup (POWER9's real-time
     * timebase made it show: 182 instructions, no switch). So the root steps down a level. */
    bh_cptr_t n = start_peer(bi, PEER_WAIT, BH_OBJ_NOTIFICATION, 255);
    /* Only a waiting peer makes this figure mean anything: one signal is taken at once and a
     * poll finds the word empty; a peer that does not wait leaves the bit for the poll. */
    bh_signal(n);
    if (bh_poll(n) != 0) bh_printf("BENCH-ERROR the notification's peer is not waiting\n");
    report("notification_signal_wake_waiter", measure(op_signal, n, 0) - loop);
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
