/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A guest's xenstore page (Xen's io/xs_wire.h, struct xenstore_domain_interface): requests from
 * req[], replies and events into rsp[], free-running indices masked on use. The server keeps
 * its own two indices (req_cons, rsp_prod) and only writes them to the page, so a guest that
 * scribbles over them confuses only itself; the guest's two are read once per pass and a value
 * more than a ring ahead of ours closes the connection (Xen: XENSTORE_ERROR_RINGIDX). Bytes are
 * copied out of the page before they are parsed.
 */
#include "store.h"

#define XS_RING_PASSES 8u /* passes per call; the caller calls again at the next notification */

static bool pass(struct xs_store *s, uint32_t c, struct xenstore_domain_interface *intf, bool *moved)
{
    struct xs_conn *conn = &s->conn[c];
    uint8_t buf[XENSTORE_RING_SIZE];
    uint32_t prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE), avail, n, room;
    uint32_t cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
    bool progress = false;
    avail = prod - conn->ring_req_cons;
    if (avail > XENSTORE_RING_SIZE || conn->ring_rsp_prod - cons > XENSTORE_RING_SIZE) {
        xs_conn_close(s, c, XENSTORE_ERROR_RINGIDX);
        return false;
    }
    for (uint32_t i = 0; i < avail; i++)
        buf[i] = (uint8_t)intf->req[MASK_XENSTORE_IDX(conn->ring_req_cons + i)];
    n = (uint32_t)xs_conn_input(s, c, buf, avail);
    if (n) {
        conn->ring_req_cons += n;
        __atomic_store_n(&intf->req_cons, conn->ring_req_cons, __ATOMIC_RELEASE);
        progress = true;
    }
    room = XENSTORE_RING_SIZE - (conn->ring_rsp_prod - cons);
    n = (uint32_t)xs_conn_output(s, c, buf, room);
    for (uint32_t i = 0; i < n; i++)
        intf->rsp[MASK_XENSTORE_IDX(conn->ring_rsp_prod + i)] = (char)buf[i];
    if (n) {
        xs_conn_output_done(s, c, n);
        conn->ring_rsp_prod += n;
        __atomic_store_n(&intf->rsp_prod, conn->ring_rsp_prod, __ATOMIC_RELEASE);
        progress = true;
    }
    *moved |= progress;
    return progress;
}

bool xs_ring_service(struct xs_store *s, uint32_t c, struct xenstore_domain_interface *intf,
                     bool *moved)
{
    *moved = false;
    for (uint32_t i = 0; i < XS_RING_PASSES && s->conn[c].state == XS_CONN_OPEN; i++)
        if (!pass(s, c, intf, moved)) break;
    return s->conn[c].state == XS_CONN_OPEN || s->conn[c].close_reason != XENSTORE_ERROR_RINGIDX;
}
