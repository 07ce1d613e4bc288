/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The xenstore server on the kernel (docs/xenstore.md, "The server"): the engine (store.h)
 * behind one lock, one connection per guest over its xenstore channel. Its own files:
 *   main.c     start: the store, the toolstack tree from the glue, a connection per channel,
 *              the device trees of the glue's PV_DEVICE_TABLE
 *   channels.c each channel's thread: the guest's store page through the engine, signals
 *   tree.c     the toolstack tree of a guest (portable, host-tested)
 *   devices.c  the trees of each declared vif and vbd, both sides (portable, host-tested)
 */
#ifndef XENSTORE_SERVER_H
#define XENSTORE_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include "store.h"

#define XS_SERVER_CHANNELS 4u

struct xs_channel {
    bool connected;
    const char *peer;          /* the guest's instance name */
    uint16_t domid;            /* its domain id (the compiler's) */
    unsigned vcpus;
    uintptr_t page;            /* its store page: the channel's ring */
    uint64_t wait, signal;     /* the channel's notification, and the VMM's event line */
    uint32_t conn;             /* its connection in the store, XS_NONE when it has none */
    bool said_closed;          /* the closing was reported */
};

extern struct xs_store xs_the_store;
extern struct xs_channel xs_channels[XS_SERVER_CHANNELS];

/* The lock over the store and the channels' state: every thread holds it while it works. */
void xs_lock(void);
void xs_unlock(void);

/* channels.c: serves channel k's guest for ever, once the start is done; returns at once when
 * the channel has no guest connection. */
void xs_serve_channel(unsigned k);

#endif
