/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A thread per xenstore channel waits for its VMM's signal (the guest notified its store
 * port), then, under the store's lock, serves every guest's page: the woken guest's requests,
 * and the watch events they queued for the others (ring.c moves bytes both ways and checks
 * the indices). Every guest whose page moved gets a signal on its VMM's event line, which
 * raises its store port. A connection the engine closed (a malformed message, indices out of
 * range) is that guest's alone: its page gets the reason in its error field, the server says
 * so once, and nothing more is read from it or written to it; the others go on.
 */
#include <bulkhead/runtime.h>
#include "server.h"

static const char *reason_name(uint32_t reason)
{
    switch (reason) {
    case XENSTORE_ERROR_COMM: return "communication error";
    case XENSTORE_ERROR_RINGIDX: return "ring indices out of range";
    case XENSTORE_ERROR_PROTO: return "malformed message";
    default: return "closed";
    }
}

/* Serves one channel's page; true when the guest should be signalled. */
static bool service(struct xs_channel *ch)
{
    struct xs_store *s = &xs_the_store;
    if (!ch->connected || ch->conn == XS_NONE) return false;
    struct xenstore_domain_interface *intf = (struct xenstore_domain_interface *)ch->page;
    bool moved = false;
    if (s->conn[ch->conn].state == XS_CONN_OPEN) (void)xs_ring_service(s, ch->conn, intf, &moved);
    if (s->conn[ch->conn].state != XS_CONN_CLOSED || ch->said_closed) return moved;
    ch->said_closed = true;
    uint32_t reason = s->conn[ch->conn].close_reason;
    __atomic_store_n(&intf->error, reason, __ATOMIC_RELEASE);
    bh_printf("%s (domain %u): connection closed: %s (error %u); the other guests go on\n", ch->peer,
              ch->domid, reason_name(reason), reason);
    return true;
}

void xs_serve_channel(unsigned k)
{
    struct xs_channel *me = &xs_channels[k];
    if (!me->connected || me->conn == XS_NONE) return;
    for (;;) {
        bool signal[XS_SERVER_CHANNELS];
        xs_lock();
        signal[k] = service(me);
        for (unsigned i = 0; i < XS_SERVER_CHANNELS; i++)
            if (i != k) signal[i] = service(&xs_channels[i]);
        xs_unlock();
        for (unsigned i = 0; i < XS_SERVER_CHANNELS; i++)
            if (signal[i]) bh_signal(xs_channels[i].signal);
        /* Bytes moved: look again before sleeping (the engine serves a few passes a call). */
        if (!signal[k]) (void)bh_wait(me->wait);
    }
}
