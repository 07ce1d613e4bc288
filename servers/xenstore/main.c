/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The xenstore server's start (docs/xenstore.md): the store, with Xen's quotas for each of
 * its guests; for every connected xenstore channel the toolstack tree of the guest at its
 * other end (its name and domain id come from the glue: the system description's, never from
 * the guest) and the guest's connection; the trees of the PV devices declared between its
 * guests (the glue's PV_DEVICE_TABLE, devices.c); then main serves channel g0 and the threads
 * g1..g3 the others. The store page is the guest's own page, shared with this server through the
 * channel's ring frame (the spec maps it at Xen's special PFN 0xfeffc in the guest): the
 * server says which features it offers there (the error field) and serves it in place.
 */
#include <bulkhead/runtime.h>
#include "glue.h"
#include "server.h"
#include "tree.h"

void console_client_init(void);

struct xs_store xs_the_store;
struct xs_channel xs_channels[XS_SERVER_CHANNELS] = {
    {CHAN_g0_CONNECTED, CHAN_g0_PEER, CHAN_g0_PEER_DOMID, CHAN_g0_PEER_VCPUS, CHAN_g0_RING_VADDR, CHAN_g0_NOTIFICATION_CPTR, CHAN_g0_PEER_NOTIFICATION_CPTR, XS_NONE, false},
    {CHAN_g1_CONNECTED, CHAN_g1_PEER, CHAN_g1_PEER_DOMID, CHAN_g1_PEER_VCPUS, CHAN_g1_RING_VADDR, CHAN_g1_NOTIFICATION_CPTR, CHAN_g1_PEER_NOTIFICATION_CPTR, XS_NONE, false},
    {CHAN_g2_CONNECTED, CHAN_g2_PEER, CHAN_g2_PEER_DOMID, CHAN_g2_PEER_VCPUS, CHAN_g2_RING_VADDR, CHAN_g2_NOTIFICATION_CPTR, CHAN_g2_PEER_NOTIFICATION_CPTR, XS_NONE, false},
    {CHAN_g3_CONNECTED, CHAN_g3_PEER, CHAN_g3_PEER_DOMID, CHAN_g3_PEER_VCPUS, CHAN_g3_RING_VADDR, CHAN_g3_NOTIFICATION_CPTR, CHAN_g3_PEER_NOTIFICATION_CPTR, XS_NONE, false},
};

static int lock;
static int started;

void xs_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) bh_yield();
}

void xs_unlock(void)
{
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static void start_channel(struct xs_channel *ch)
{
    struct xs_store *s = &xs_the_store;
    int err = 0;
    /* A peer that is not a guest has no domain id: it gets no tree and no connection. */
    if (ch->domid == 0) {
        bh_printf("channel to %s: not a guest, not served\n", ch->peer);
        return;
    }
    err = xs_tree_guest(s, ch->domid, ch->peer, ch->vcpus);
    if (err == 0) ch->conn = xs_conn_open(s, ch->domid, &err);
    if (ch->conn == XS_NONE) {
        bh_printf("%s (domain %u): not served: error %d\n", ch->peer, ch->domid, err);
        return;
    }
    struct xenstore_domain_interface *intf = (struct xenstore_domain_interface *)ch->page;
    __atomic_store_n(&intf->server_features, XENSTORE_SERVER_FEATURE_ERROR, __ATOMIC_RELAXED);
    __atomic_store_n(&intf->connection, XENSTORE_CONNECTED, __ATOMIC_RELAXED);
    bh_printf("%s: domain %u, /local/domain/%u written, connected through its store page\n", ch->peer,
              ch->domid, ch->domid);
}

/* Each declared vif and vbd, both ends' trees, before any guest is served. */
static void write_devices(void)
{
    static const struct xs_device devices[] = PV_DEVICE_TABLE;
    unsigned count = PV_DEVICE_COUNT; /* 0 with one empty entry: a variable, so no 'always false' warning */
    for (unsigned i = 0; i < count; i++) {
        const struct xs_device *d = &devices[i];
        int err = xs_tree_device(&xs_the_store, d);
        if (err)
            bh_printf("%s %u of %s (domain %u) -> %s (domain %u): not written: error %d\n", d->kind, d->devid, d->front,
                      d->front_domid, d->back, d->back_domid, err);
        else
            bh_printf("%s %u: %s (domain %u) -> %s (domain %u): /local/domain/%u/device/%s/%u and "
                      "/local/domain/%u/backend/%s/%u/%u written\n",
                      d->kind, d->devid, d->front, d->front_domid, d->back, d->back_domid, d->front_domid, d->kind,
                      d->devid, d->back_domid, d->kind, d->front_domid, d->devid);
    }
}

int main(void)
{
    static const struct xs_config cfg = XS_CONFIG_DEFAULT;
    console_client_init();
    xs_lock();
    int err = xs_init(&xs_the_store, &cfg, XS_SERVER_CHANNELS);
    if (err != 0) {
        bh_printf("the quotas do not fit the store (error %d): not serving\n", err);
        xs_unlock();
        return 1;
    }
    for (unsigned k = 0; k < XS_SERVER_CHANNELS; k++)
        if (xs_channels[k].connected) start_channel(&xs_channels[k]);
    write_devices();
    bh_printf("xenstore server ready\n");
    __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    xs_unlock();
    xs_serve_channel(0);
    return 0;
}

/* The other channels' threads wait for the start (under the lock, once it is done). */
static void serve_after_start(unsigned k)
{
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE)) bh_yield();
    xs_serve_channel(k);
}

void thread_g1(void)
{
    serve_after_start(1);
}

void thread_g2(void)
{
    serve_after_start(2);
}

void thread_g3(void)
{
    serve_after_start(3);
}
