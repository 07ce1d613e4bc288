/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Server side of the round-trip harness: the user's implementations of 'roundtrip'. */
#include "glue.h"
#include "rt.h"

#include <bulkhead/syscalls.h>

bh_word_t rt_seen_badge;
bh_cptr_t rt_server_got_cap;
bh_cptr_t rt_server_recv_slot = BH_RECV_SLOT;

void rt_server_init(void) { rt_server = srv__dispatch; }
void rt_server_emit(void) { tick_emit(); }

int srv_add(bh_word_t badge, uint64_t a, uint64_t b, uint64_t *ret)
{
    rt_seen_badge = badge;
    *ret = a + b;
    return 0;
}

int srv_negate(bh_word_t badge, int8_t a, int16_t b, int32_t c, int64_t d, int64_t *sum, int32_t *ret)
{
    rt_seen_badge = badge;
    *sum = (int64_t)a + b + c + d;
    *ret = -c;
    return 0;
}

int srv_flip(bh_word_t badge, bool b, uint32_t *counter, bool *ret)
{
    rt_seen_badge = badge;
    *counter += 1;
    *ret = !b;
    return 0;
}

int srv_scale(bh_word_t badge, struct point *p, uint8_t factor)
{
    rt_seen_badge = badge;
    p->x *= factor;
    p->y *= factor;
    return 0;
}

int srv_make(bh_word_t badge, const struct point *origin, enum mode m, uint8_t tag[7], struct shape *ret)
{
    rt_seen_badge = badge;
    for (int i = 0; i < 3; i++) {
        ret->corners[i].x = origin->x + i;
        ret->corners[i].y = origin->y - i;
    }
    for (int i = 0; i < 5; i++) ret->name[i] = (uint8_t)('v' + i);
    ret->closed = true;
    ret->m = m;
    ret->id = 0xbeef;
    for (int i = 0; i < 7; i++) tag[i] = (uint8_t)('a' + i);
    return 0;
}

int srv_reverse(bh_word_t badge, uint16_t vals[9])
{
    rt_seen_badge = badge;
    for (int i = 0; i < 4; i++) {
        uint16_t t = vals[i];
        vals[i] = vals[8 - i];
        vals[8 - i] = t;
    }
    return 0;
}

int srv_give(bh_word_t badge, bh_cptr_t c, bh_cptr_t *back)
{
    rt_seen_badge = badge;
    rt_server_got_cap = c;
    *back = 77;
    return 0;
}

int srv_fail(bh_word_t badge, uint32_t code, uint32_t *ret)
{
    rt_seen_badge = badge;
    *ret = 0;
    return (int)code;
}

int srv_nothing(bh_word_t badge)
{
    rt_seen_badge = badge;
    return 0;
}

int srv_small(bh_word_t badge, const int8_t v[13], bool flags[3], enum mode modes[2], const struct point pts[2],
              uint8_t *ret)
{
    rt_seen_badge = badge;
    int sum = 0;
    for (int i = 0; i < 13; i++) sum += v[i];
    for (int i = 0; i < 3; i++) flags[i] = v[i] < 0;
    modes[0] = MODE_NEG;
    modes[1] = MODE_TURBO;
    *ret = (uint8_t)(sum + pts[0].x + pts[1].y);
    return 0;
}

int srv_full(bh_word_t badge, uint64_t w[120])
{
    rt_seen_badge = badge;
    for (int i = 0; i < 120; i++) w[i] = ~w[i];
    return 0;
}
