/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A one-way byte stream in a shared page (a channel ring): one producer, one consumer, free
 * running 32-bit indices. The consumer trusts nothing the producer wrote: an index more than
 * BH_BYTE_RING_SIZE ahead is treated as an empty ring, and every read is masked. The console
 * server feeds typed bytes to a VMM this way (vmm/input.c).
 */
#ifndef BULKHEAD_BYTE_RING_H
#define BULKHEAD_BYTE_RING_H

#include <stdint.h>

#define BH_BYTE_RING_SIZE 2048u

struct bh_byte_ring {
    uint32_t head;      /* bytes produced (the producer writes it, with release) */
    uint32_t pad0[15];  /* head and tail on separate cache lines */
    uint32_t tail;      /* bytes consumed (the consumer writes it, with release) */
    uint32_t pad1[15];
    uint8_t data[BH_BYTE_RING_SIZE];
};
_Static_assert(sizeof(struct bh_byte_ring) <= 4096, "a byte ring fits a page");

/* Producer: appends as much of buf as there is room for; returns the bytes written. */
static inline uint32_t bh_byte_ring_put(struct bh_byte_ring *r, const uint8_t *buf, uint32_t len)
{
    uint32_t head = r->head, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    uint32_t n = 0;
    for (; n < len && head + n - tail < BH_BYTE_RING_SIZE; n++) r->data[(head + n) % BH_BYTE_RING_SIZE] = buf[n];
    __atomic_store_n(&r->head, head + n, __ATOMIC_RELEASE);
    return n;
}

/* Consumer: copies up to max pending bytes without consuming them; returns how many. */
static inline uint32_t bh_byte_ring_peek(const struct bh_byte_ring *r, uint8_t *buf, uint32_t max)
{
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE), tail = r->tail, n = 0;
    if (head - tail > BH_BYTE_RING_SIZE) return 0;
    for (; n < max && tail + n != head; n++) buf[n] = r->data[(tail + n) % BH_BYTE_RING_SIZE];
    return n;
}

/* Consumer: n bytes (at most what peek returned) are done with. */
static inline void bh_byte_ring_consume(struct bh_byte_ring *r, uint32_t n)
{
    __atomic_store_n(&r->tail, r->tail + n, __ATOMIC_RELEASE);
}

#endif
