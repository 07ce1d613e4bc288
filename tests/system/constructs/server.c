/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The generated test's server (tests/system/constructs/gen.sh): serves the probe interface,
 * writes the shared dataports, uses its private dataport, heap, I/O ports and IRQ handler,
 * device memory, and runs a second thread at priority 0.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/syscalls.h>
#include "say.h"

static volatile int low_ran;

int p_ping(bh_word_t badge)
{
    return badge == CONN_p_CLIENT_cli ? 0 : 9;
}

int p_all(bh_word_t badge, uint8_t a, uint16_t b, uint32_t c, uint64_t d, int8_t e, int16_t f, int32_t g, int64_t h,
          bool flag, uint32_t *doubled, int64_t *acc, const struct pair *p, const uint8_t arr[5], uint64_t *ret)
{
    (void)badge;
    *doubled = c * 2;
    *acc += h;
    uint64_t sum = a + b + d + (uint64_t)(int64_t)(e + f + g) + (flag ? 1000 : 0) + p->a + (uint64_t)(int64_t)p->b[2];
    for (int i = 0; i < 5; i++) sum += arr[i];
    *ret = sum + (p->ok && p->m == ON ? 1 : 0);
    return 0;
}

int p_give(bh_word_t badge, enum mode m, struct pair *back, struct nested *ret)
{
    (void)badge;
    *back = (struct pair){ .a = 65535, .b = { -128, 0, 127 }, .ok = true, .m = m };
    ret->p[0] = *back;
    ret->p[1] = (struct pair){ .a = 1, .m = OFF };
    ret->tail = 0xfedcba9876543210ull;
    return 0;
}

/* The client's capability arrives in BH_RECV_SLOT: signalling it must work. */
int p_keep(bh_word_t badge, bh_cptr_t token, uint32_t *ret)
{
    (void)badge;
    bh_signal(token);
    *ret = token == BH_RECV_SLOT;
    return 0;
}

void thread_low(void)
{
    low_ran = 1;
    for (;;) bh_wait(HW_IRQ_NOTIFICATION_CPTR); /* nothing rings COM2's line; parked */
}

int main(void)
{
    /* Private memory: the dataport nobody else maps, and the heap. */
    volatile uint8_t *mine = mine_ptr(), *heap = (volatile uint8_t *)(uintptr_t)BH_HEAP_VADDR;
    mine[0] = 1, mine[mine_size() - 1] = 2, heap[0] = 3, heap[BH_HEAP_SIZE - 1] = 4;
    verdict("private dataport and heap", mine[mine_size() - 1] == 2 && heap[BH_HEAP_SIZE - 1] == 4);
    /* Hardware: the I/O port range (COM2's scratch register) and the IRQ handler. */
    bh_word_t v = 0;
    int io = bh_io_port_out8(HW_com2_IOPORT_CPTR, 0x2ff, 0x5a) | bh_io_port_in8(HW_com2_IOPORT_CPTR, 0x2ff, &v);
    int outside = bh_io_port_in8(HW_com2_IOPORT_CPTR, 0x3f8, &v);
    verdict("ioport range", io == 0 && outside != 0);
    verdict("irq handler", bh_irq_handler_ack(HW_com2_irq_IRQ_CPTR) == 0);
    /* Device memory: the HPET's capabilities register (revision, in its low byte, is not 0). */
    verdict("device memory", (*(volatile const uint32_t *)(uintptr_t)HW_hpet_VADDR & 0xffu) != 0);
    /* Shared dataports: written here, read by the client and the watcher. */
    strcpy((char *)shared_ptr(), "written by srv");
    ((volatile uint8_t *)big_ptr())[big_size() - 1] = 0xa5;
    /* Channels between components: signal the client on each channel's notification. */
    bh_signal(CHAN_ev_PEER_NOTIFICATION_CPTR);
    bh_signal(CHAN_gr_PEER_NOTIFICATION_CPTR);
    done_emit();
    say("server ready\n");
    p_run();
}
