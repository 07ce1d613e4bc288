/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guests' output: one thread per console channel (vm0, vm1) waits for its VMM's signal and
 * takes lines from the channel's output ring (bulkhead/console_ring.h), each labelled
 * "[<peer> " by the server, <peer> being the channel's other end in the glue. A line goes out
 * when the client's bucket covers it; until then the thread waits (yielding: the time is the
 * server's own, in its partition) and the bytes stay in the ring, so a VMM that writes faster
 * than its rate finds the ring full: it holds the guest's PV console back and drops the rest,
 * counting them in the ring (reported here as the client's drops). After making room in a
 * ring that was nearly full, the thread signals the VMM, which then drains its guest again.
 */
#include <bulkhead/runtime.h>
#include "console.h"
#include "glue.h"

/* A description whose console server has no guest consoles (no channel vm0) has none of this. */
#ifdef CHAN_vm0_CONNECTED

struct channel {
    int connected;
    const char *peer;
    uintptr_t page;
    bh_cptr_t wait, signal;
};

static const struct channel channels[] = {
    {CHAN_vm0_CONNECTED, CHAN_vm0_PEER, CHAN_vm0_RING_VADDR, CHAN_vm0_NOTIFICATION_CPTR, CHAN_vm0_PEER_NOTIFICATION_CPTR},
#ifdef CHAN_vm1_CONNECTED  /* a description with one guest console declares only vm0 (and its thread) */
    {CHAN_vm1_CONNECTED, CHAN_vm1_PEER, CHAN_vm1_RING_VADDR, CHAN_vm1_NOTIFICATION_CPTR, CHAN_vm1_PEER_NOTIFICATION_CPTR},
#endif
};

/* The next line in the ring: its length up to (not counting) its newline, and the bytes it
 * takes in the ring; 0 taken when no whole line is there yet (a longer one is cut). */
static uint32_t next_line(struct bh_byte_ring *r, char *line, uint32_t *len)
{
    uint32_t n = bh_byte_ring_peek(r, (uint8_t *)line, CONSOLE_LINE_MAX + 1);
    for (uint32_t i = 0; i < n; i++)
        if (line[i] == '\n') {
            *len = i;
            return i + 1;
        }
    *len = CONSOLE_LINE_MAX;
    return n == CONSOLE_LINE_MAX + 1 ? CONSOLE_LINE_MAX : 0;
}

/* What the VMM counted as dropped since the last look (its word: only reported). */
static void count_drops(struct client *c, const struct bh_byte_ring *r, uint32_t *seen)
{
    uint32_t dropped = __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
    limit_drop(c, dropped - *seen);
    *seen = dropped;
    limit_report(c, false);
}

static _Noreturn void serve(const struct channel *ch)
{
    static struct client clients[sizeof channels / sizeof channels[0]];
    struct client *c = &clients[ch - channels];
    struct bh_byte_ring *r = bh_console_output_ring(ch->page);
    uint32_t dropped_seen = 0;
    limit_init(c, ch->peer);
    for (;;) {
        (void)bh_wait(ch->wait);
        char line[CONSOLE_LINE_MAX + 1], out[CONSOLE_LABEL_MAX + CONSOLE_LINE_MAX + 1];
        uint32_t len, taken;
        while ((taken = next_line(r, line, &len)) != 0) {
            size_t n = console_format(out, ch->peer, false, line, len);
            while (!limit_take(c, n)) bh_yield();
            bool was_full = bh_byte_ring_room(r) < BH_BYTE_RING_SIZE / 4;
            bh_byte_ring_consume(r, taken);
            console_write(out, n);
            if (was_full) bh_signal(ch->signal);
            count_drops(c, r, &dropped_seen);
        }
        count_drops(c, r, &dropped_seen);
    }
}

void thread_vm0(void)
{
    if (channels[0].connected) serve(&channels[0]);
}

#ifdef CHAN_vm1_CONNECTED
void thread_vm1(void)
{
    if (channels[1].connected) serve(&channels[1]);
}
#endif
#endif
