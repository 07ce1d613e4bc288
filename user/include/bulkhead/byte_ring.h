/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A one-way byte stream in shared memory (half of a console channel's page,
 * bulkhead/console_ring.h): one producer, one consumer, free running 32-bit indices. Neither
 * side trusts what the other wrote: a consumer that finds the head more than
 * BH_BYTE_RING_SIZE ahead treats the ring as empty, a producer that finds the tail ahead of
 * its head sees no room, and every access is masked.
 */
#ifndef BULKHEAD_BYTE_RING_H
#define BULKHEAD_BYTE_RING_H

#include <stdint.h>

#define BH_BYTE_RING_SIZE 1024u

struct bh_byte_ring {
    uint32_t head;      /* bytes produced (the producer writes it, with release) */
    uint32_t dropped;   /* bytes the producer found no room for: it counts, the consumer reports */
    uint32_t pad0[14];  /* head and tail on separate cache lines */
    uint32_t tail;      /* bytes consumed (the consumer writes it, with release) */
    uint32_t pad1[15];
    uint8_t data[BH_BYTE_RING_SIZE];
};
_Static_assert(sizeof(struct bh_byte_ring) <= 2048, "two byte rings fit a page");

/* Producer: the bytes there is room for (0 when the consumer's index makes no sense). */
static inline uint32_t bh_byte_ring_room(const struct bh_byte_ring *r)
{
    uint32_t used = r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    return used > BH_BYTE_RING_SIZE ? 0 : BH_BYTE_RING_SIZE - used;
}

/* Producer: appends as much of buf as there is room for; returns the bytes written. */
static inline uint32_t bh_byte_ring_put(struct bh_byte_ring *r, const uint8_t *buf, uint32_t len)
{
    uint32_t head = r->head, room = bh_byte_ring_room(r), n = 0;
    for (; n < len && n < room; n++) r->data[(head + n) % BH_BYTE_RING_SIZE] = buf[n];
    __atomic_store_n(&r->head, head + n, __ATOMIC_RELEASE);
    return n;
}

/* Producer: all of buf or nothing (counted in dropped); returns whether it was written. */
static inline int bh_byte_ring_put_all(struct bh_byte_ring *r, const uint8_t *buf, uint32_t len)
{
    if (bh_byte_ring_room(r) < len) {
        __atomic_store_n(&r->dropped, r->dropped + len, __ATOMIC_RELAXED);
        return 0;
    }
    bh_byte_ring_put(r, buf, len);
    return 1;
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
