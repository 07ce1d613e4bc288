/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Connections: the store's setup, a connection's input framed into messages (a header, then
 * at most XENSTORE_PAYLOAD_MAX bytes), its output queue of whole messages, and its end. A
 * request is served only when the queue has room for the largest reply, so a guest that does
 * not read its replies stops only itself; a header announcing a longer payload breaks the
 * framing and closes that connection alone, as Xen's xenstored does.
 */
#include <errno.h>
#include <string.h>
#include "store.h"

/* What the toolstack keeps beyond the guests' quotas: its own tree and the guests' trees it
 * writes (charged to their owners, but without quota). */
#define XS_TOOL_NODES 512u
#define XS_TOOL_BLOCKS 2048u

int xs_init(struct xs_store *s, const struct xs_config *cfg, uint32_t max_guests)
{
    int err;
    if (cfg->transactions > XS_TX_PER_CONN || cfg->perms > XS_PERMS_MAX || cfg->perms == 0 ||
        max_guests + 1 > XS_MAX_CONNS || cfg->bytes < XS_BLOCK_SIZE ||
        (uint64_t)max_guests * cfg->nodes + XS_TOOL_NODES > XS_NODES ||
        (uint64_t)max_guests * (cfg->bytes / XS_BLOCK_SIZE) + XS_TOOL_BLOCKS > XS_BLOCKS ||
        (uint64_t)max_guests * cfg->watches > XS_WATCHES)
        return EINVAL;
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    for (uint32_t i = 0; i < XS_HASH_BUCKETS; i++) s->bucket[i] = XS_NONE;
    for (uint32_t i = 0; i < XS_NODES; i++) s->node[i].hash_next = i + 1 < XS_NODES ? i + 1 : XS_NONE;
    for (uint32_t i = 0; i < XS_BLOCKS; i++) s->block_next[i] = i + 1 < XS_BLOCKS ? i + 1 : XS_NONE;
    for (uint32_t i = 0; i < XS_WATCHES; i++) s->watch[i].conn = XS_NONE;
    s->cur_conn = XS_NONE;
    s->nodes_free_count = XS_NODES;
    s->blocks_free_count = XS_BLOCKS;
    s->conn[0] = (struct xs_conn){ .state = XS_CONN_OPEN, .domid = 0, .privileged = true };
    {
        uint32_t root = xs_node_alloc(s, 0, 0, false, "/", &err);
        if (root == XS_NONE) return err;
        s->node[root].nperms = 1;
        s->node[root].perms[0] = (struct xs_perm){ .id = 0, .bits = XS_PERM_NONE };
        s->node[root].generation = s->generation++;
    }
    return 0;
}

uint32_t xs_conn_open(struct xs_store *s, uint16_t domid, int *err)
{
    uint32_t c = XS_NONE;
    for (uint32_t i = 1; i < XS_MAX_CONNS; i++) {
        if (s->conn[i].state != XS_CONN_FREE && s->conn[i].domid == domid) {
            *err = EEXIST;
            return XS_NONE;
        }
        if (s->conn[i].state == XS_CONN_FREE && c == XS_NONE) c = i;
    }
    if (domid == 0 || c == XS_NONE) {
        *err = domid == 0 ? EEXIST : ENOSPC;
        return XS_NONE;
    }
    memset(&s->conn[c], 0, sizeof(s->conn[c]));
    s->conn[c].state = XS_CONN_OPEN;
    s->conn[c].domid = domid;
    s->conn[c].next_tx_id = 1;
    *err = 0;
    xs_fire_special(s, "@introduceDomain");
    return c;
}

void xs_conn_close(struct xs_store *s, uint32_t c, uint32_t reason)
{
    struct xs_conn *conn = &s->conn[c];
    if (conn->state != XS_CONN_OPEN || c == 0) return;
    xs_watch_drop_all(s, c);
    xs_txn_drop_all(s, c);
    conn->in_used = 0;
    conn->out_head = conn->out_tail = 0;
    conn->state = XS_CONN_CLOSED;
    conn->close_reason = reason;
}

void xs_conn_release(struct xs_store *s, uint32_t c)
{
    if (c == 0 || s->conn[c].state == XS_CONN_FREE) return;
    xs_conn_close(s, c, XENSTORE_ERROR_NONE);
    /* Its nodes stay in the tree; the toolstack's reserve holds them from now on. */
    for (uint32_t n = 0; n < XS_NODES; n++) {
        struct xs_node *node = &s->node[n];
        if (!node->in_use || node->charged != c) continue;
        xs_move_charge(s, c, 0, xs_blocks_for(node->path.len) + xs_blocks_for(node->value.len) +
                       xs_blocks_for(node->children.len));
        s->conn[c].nodes--;
        s->conn[0].nodes++;
        node->charged = 0;
    }
    s->conn[c].state = XS_CONN_FREE;
    xs_fire_special(s, "@releaseDomain");
}

static uint32_t out_room(const struct xs_conn *conn)
{
    return XS_OUT_CAP - (conn->out_head - conn->out_tail);
}

static void out_put(struct xs_conn *conn, const void *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        conn->out[(conn->out_head + i) % XS_OUT_CAP] = ((const uint8_t *)data)[i];
    conn->out_head += len;
}

bool xs_queue(struct xs_store *s, uint32_t c, uint32_t type, uint32_t req_id, uint32_t tx_id,
              const void *payload, uint32_t len, const void *payload2, uint32_t len2)
{
    struct xs_conn *conn = &s->conn[c];
    struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = len + len2 };
    if (conn->state != XS_CONN_OPEN || out_room(conn) < sizeof(hdr) + len + len2) return false;
    out_put(conn, &hdr, sizeof(hdr));
    out_put(conn, payload, len);
    out_put(conn, payload2, len2);
    return true;
}

size_t xs_conn_input(struct xs_store *s, uint32_t c, const uint8_t *buf, size_t len)
{
    struct xs_conn *conn = &s->conn[c];
    const uint32_t hdr_len = sizeof(struct xsd_sockmsg);
    size_t taken = 0;
    while (conn->state == XS_CONN_OPEN) {
        uint32_t need;
        size_t n;
        if (conn->in_used >= hdr_len && conn->in_used == hdr_len + conn->in.hdr.len) {
            if (out_room(conn) < XS_MSG_MAX) break;
            conn->in_used = 0;
            xs_serve(s, c, &conn->in.hdr, conn->in.raw + hdr_len);
            continue;
        }
        if (taken == len) break;
        need = conn->in_used < hdr_len ? hdr_len - conn->in_used
                                       : hdr_len + conn->in.hdr.len - conn->in_used;
        n = len - taken < need ? len - taken : need;
        memcpy(conn->in.raw + conn->in_used, buf + taken, n);
        conn->in_used += (uint32_t)n;
        taken += n;
        if (conn->in_used == hdr_len && conn->in.hdr.len > XENSTORE_PAYLOAD_MAX)
            xs_conn_close(s, c, XENSTORE_ERROR_PROTO);
    }
    return taken;
}

size_t xs_conn_output_pending(const struct xs_store *s, uint32_t c)
{
    return s->conn[c].out_head - s->conn[c].out_tail;
}

size_t xs_conn_output(const struct xs_store *s, uint32_t c, uint8_t *buf, size_t max)
{
    const struct xs_conn *conn = &s->conn[c];
    size_t n = xs_conn_output_pending(s, c);
    if (n > max) n = max;
    for (size_t i = 0; i < n; i++) buf[i] = conn->out[(conn->out_tail + i) % XS_OUT_CAP];
    return n;
}

void xs_conn_output_done(struct xs_store *s, uint32_t c, size_t n)
{
    if (n <= xs_conn_output_pending(s, c)) s->conn[c].out_tail += (uint32_t)n;
}

const char *xs_error_name(int err)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err) return xsd_errors[i].errstring;
    return "EINVAL";
}

int xs_tool(struct xs_store *s, uint32_t type, const void *payload, uint32_t len,
            void *reply, uint32_t max, uint32_t *reply_len)
{
    struct xs_conn *conn = &s->conn[0];
    struct xsd_sockmsg hdr = { .type = type, .req_id = 0, .tx_id = 0, .len = len };
    int err = 0;
    if (len > XENSTORE_PAYLOAD_MAX) return E2BIG;
    memcpy(conn->in.raw + sizeof(hdr), payload, len);
    conn->out_head = conn->out_tail = 0;
    xs_serve(s, 0, &hdr, conn->in.raw + sizeof(hdr));
    if (reply_len) *reply_len = 0;
    /* The reply is the one message that is not a watch event. */
    while (conn->out_tail != conn->out_head) {
        struct xsd_sockmsg m;
        char payload_out[XENSTORE_PAYLOAD_MAX];
        xs_conn_output(s, 0, (uint8_t *)&m, sizeof(m));
        xs_conn_output_done(s, 0, sizeof(m));
        xs_conn_output(s, 0, (uint8_t *)payload_out, m.len);
        xs_conn_output_done(s, 0, m.len);
        if (m.type == XS_ERROR) {
            for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
                if (strcmp(xsd_errors[i].errstring, payload_out) == 0) err = xsd_errors[i].errnum;
        } else if (m.type != XS_WATCH_EVENT && reply) {
            uint32_t n = m.len < max ? m.len : max;
            memcpy(reply, payload_out, n);
            if (reply_len) *reply_len = n;
        }
    }
    return err;
}

int xs_tool_write(struct xs_store *s, const char *path, const char *value)
{
    char msg[XENSTORE_PAYLOAD_MAX];
    size_t plen = strlen(path) + 1, vlen = strlen(value);
    if (plen + vlen > sizeof(msg)) return E2BIG;
    memcpy(msg, path, plen);
    memcpy(msg + plen, value, vlen);
    return xs_tool(s, XS_WRITE, msg, (uint32_t)(plen + vlen), NULL, 0, NULL);
}

int xs_tool_set_perms(struct xs_store *s, const char *path, const char *perms, uint32_t perms_len)
{
    char msg[XENSTORE_PAYLOAD_MAX];
    size_t plen = strlen(path) + 1;
    if (plen + perms_len > sizeof(msg)) return E2BIG;
    memcpy(msg, path, plen);
    memcpy(msg + plen, perms, perms_len);
    return xs_tool(s, XS_SET_PERMS, msg, (uint32_t)(plen + perms_len), NULL, 0, NULL);
}
