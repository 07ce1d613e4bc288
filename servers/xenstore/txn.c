/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Transactions, optimistic as in Xen's xenstored (xenstored_transaction.c): the first time a
 * transaction touches a path it keeps a record of the committed node's generation (or that
 * there was none); a write makes the record a private copy. The commit fails with EAGAIN when
 * any recorded path changed meanwhile, else every copy replaces the committed node at once.
 * The other side of the same interface: a request outside a transaction sees the committed
 * tree directly. Records are charged to the transaction's connection.
 */
#include <errno.h>
#include <string.h>
#include "store.h"

static uint32_t cur_conn_of_tx(uint32_t tx)
{
    return (tx - 1) / XS_TX_PER_CONN;
}

static struct xs_txn *txn_of(struct xs_store *s, uint32_t tx)
{
    return &s->conn[cur_conn_of_tx(tx)].txn[(tx - 1) % XS_TX_PER_CONN];
}

/* A record of what the current transaction saw at path: the committed generation. */
static uint32_t new_record(struct xs_store *s, const char *path, uint32_t base, int *err)
{
    uint32_t c = cur_conn_of_tx(s->cur_tx), r;
    bool enforce = !s->conn[c].privileged;
    struct xs_txn *t = txn_of(s, s->cur_tx);
    if (enforce && t->records >= s->cfg.tx_nodes) {
        *err = ENOSPC;
        return XS_NONE;
    }
    r = xs_node_alloc(s, s->cur_tx, c, enforce, path, err);
    if (r == XS_NONE) return XS_NONE;
    t->records++;
    s->node[r].generation = base == XS_NONE ? XS_NO_GENERATION : s->node[base].generation;
    return r;
}

uint32_t xs_view(struct xs_store *s, const char *path, int *err)
{
    uint32_t r, base = xs_find(s, 0, path);
    *err = 0;
    if (!s->cur_tx) return base;
    r = xs_find(s, s->cur_tx, path);
    if (r == XS_NONE) {
        if (new_record(s, path, base, err) == XS_NONE) return XS_NONE;
        return base;
    }
    if (!s->node[r].modified) return base;
    return s->node[r].deleted ? XS_NONE : r;
}

/* The node at path, which the request sees, made writable: in a transaction its private copy. */
uint32_t xs_view_modify(struct xs_store *s, const char *path, int *err)
{
    uint32_t r, base = xs_find(s, 0, path);
    struct xs_node *rec;
    bool enforce;
    *err = 0;
    if (!s->cur_tx) return base;
    r = xs_find(s, s->cur_tx, path);
    if (r == XS_NONE) r = new_record(s, path, base, err);
    if (r == XS_NONE) return XS_NONE;
    rec = &s->node[r];
    if (rec->modified) return r;
    enforce = !s->conn[rec->charged].privileged;
    if (base != XS_NONE) {
        const struct xs_node *b = &s->node[base];
        *err = xs_str_copy(s, rec->charged, enforce, &rec->value, &b->value);
        if (!*err) *err = xs_str_copy(s, rec->charged, enforce, &rec->children, &b->children);
        if (*err) {
            xs_str_free(s, rec->charged, &rec->value);
            return XS_NONE;
        }
        rec->nperms = b->nperms;
        memcpy(rec->perms, b->perms, sizeof(rec->perms));
    }
    rec->modified = 1;
    rec->deleted = 0;
    return r;
}

/* Deletes the node at path (which the request sees) without touching its parent's list. A
 * transaction keeps the permissions it had, for the watches its commit fires. */
int xs_view_delete(struct xs_store *s, const char *path)
{
    int err = 0;
    uint32_t r, base = xs_find(s, 0, path);
    struct xs_node *rec;
    if (!s->cur_tx) {
        xs_node_free(s, base);
        return 0;
    }
    r = xs_find(s, s->cur_tx, path);
    if (r == XS_NONE) r = new_record(s, path, base, &err);
    if (r == XS_NONE) return err;
    rec = &s->node[r];
    if (!rec->modified && base != XS_NONE) {
        rec->nperms = s->node[base].nperms;
        memcpy(rec->perms, s->node[base].perms, sizeof(rec->perms));
    }
    xs_str_free(s, rec->charged, &rec->value);
    xs_str_free(s, rec->charged, &rec->children);
    rec->modified = 1;
    rec->deleted = 1;
    return 0;
}

/* A committed node changed: its generation moves on (transaction records keep theirs). */
void xs_touch(struct xs_store *s, uint32_t n)
{
    if (s->node[n].tx == 0) s->node[n].generation = s->generation++;
}

uint32_t xs_txn_slot(const struct xs_store *s, uint32_t c, uint32_t id)
{
    for (uint32_t i = 0; i < XS_TX_PER_CONN; i++)
        if (s->conn[c].txn[i].in_use && s->conn[c].txn[i].id == id) return i;
    return XS_NONE;
}

int xs_txn_start(struct xs_store *s, uint32_t c, uint32_t *id)
{
    struct xs_conn *conn = &s->conn[c];
    uint32_t slot = XS_NONE;
    if (!conn->privileged && conn->txns >= s->cfg.transactions) return ENOSPC;
    for (uint32_t i = 0; i < XS_TX_PER_CONN && slot == XS_NONE; i++)
        if (!conn->txn[i].in_use) slot = i;
    if (slot == XS_NONE) return ENOSPC;
    do {
        *id = conn->next_tx_id++;
    } while (*id == 0 || xs_txn_slot(s, c, *id) != XS_NONE);
    conn->txn[slot] = (struct xs_txn){ .in_use = true, .id = *id, .records = 0, .fail = 0 };
    conn->txns++;
    return 0;
}

static void drop_records(struct xs_store *s, uint32_t tx)
{
    for (uint32_t n = 0; n < XS_NODES; n++)
        if (s->node[n].in_use && s->node[n].tx == tx) xs_node_free(s, n);
}

/* EAGAIN when a path the transaction touched changed since. */
static int check_conflicts(struct xs_store *s, uint32_t tx)
{
    for (uint32_t n = 0; n < XS_NODES; n++) {
        const struct xs_node *r = &s->node[n];
        uint32_t base;
        if (!r->in_use || r->tx != tx) continue;
        xs_str_read(s, &r->path, 0, s->path_b, r->path.len);
        s->path_b[r->path.len] = 0;
        base = xs_find(s, 0, s->path_b);
        if ((base == XS_NONE ? XS_NO_GENERATION : s->node[base].generation) != r->generation)
            return EAGAIN;
    }
    return 0;
}

/* ENOSPC when the committed result would put a guest over its node or byte quota (the
 * records' charges leave the transaction's connection for the owners'). */
static int check_quotas(struct xs_store *s, uint32_t tx)
{
    int64_t nodes[XS_MAX_CONNS] = { 0 }, blocks[XS_MAX_CONNS] = { 0 };
    for (uint32_t n = 0; n < XS_NODES; n++) {
        const struct xs_node *r = &s->node[n];
        uint32_t base;
        if (!r->in_use || r->tx != tx || !r->modified) continue;
        xs_str_read(s, &r->path, 0, s->path_b, r->path.len);
        s->path_b[r->path.len] = 0;
        base = xs_find(s, 0, s->path_b);
        if (base != XS_NONE) {
            const struct xs_node *b = &s->node[base];
            nodes[b->charged]--;
            blocks[b->charged] -= xs_blocks_for(b->path.len) + xs_blocks_for(b->value.len) +
                                  xs_blocks_for(b->children.len);
        }
        if (!r->deleted) {
            uint32_t to = xs_charge_of(s, r->perms[0].id);
            nodes[to]++;
            blocks[to] += xs_blocks_for(r->path.len) + xs_blocks_for(r->value.len) +
                          xs_blocks_for(r->children.len);
            nodes[r->charged]--;
            blocks[r->charged] -= xs_blocks_for(r->path.len) + xs_blocks_for(r->value.len) +
                                  xs_blocks_for(r->children.len);
        }
    }
    for (uint32_t c = 0; c < XS_MAX_CONNS; c++) {
        if (s->conn[c].privileged) continue;
        if ((nodes[c] > 0 && s->conn[c].nodes + nodes[c] > s->cfg.nodes) ||
            (blocks[c] > 0 && s->conn[c].blocks + blocks[c] > s->cfg.bytes / XS_BLOCK_SIZE))
            return ENOSPC;
    }
    return 0;
}

/* Makes every private copy the committed node and fires the watches of each changed path. */
static void apply(struct xs_store *s, uint32_t tx)
{
    for (uint32_t n = 0; n < XS_NODES; n++) {
        struct xs_node *r = &s->node[n];
        uint32_t base;
        if (!r->in_use || r->tx != tx || !r->modified) continue;
        xs_str_read(s, &r->path, 0, s->path_b, r->path.len);
        s->path_b[r->path.len] = 0;
        base = xs_find(s, 0, s->path_b);
        if (base != XS_NONE) xs_node_free(s, base);
        if (r->deleted) {
            xs_fire(s, s->path_b, r, NULL, false);
            xs_node_free(s, n);
            continue;
        }
        {
            uint32_t to = xs_charge_of(s, r->perms[0].id);
            xs_move_charge(s, r->charged, to, xs_blocks_for(r->path.len) +
                           xs_blocks_for(r->value.len) + xs_blocks_for(r->children.len));
            s->conn[r->charged].nodes--;
            s->conn[to].nodes++;
            r->charged = to;
        }
        r->tx = 0;
        r->modified = 0;
        r->generation = s->generation++;
        xs_fire(s, s->path_b, r, NULL, false);
    }
}

int xs_txn_end(struct xs_store *s, uint32_t c, uint32_t slot, bool commit)
{
    uint32_t tx = c * XS_TX_PER_CONN + slot + 1;
    int err = 0;
    if (commit) {
        err = s->conn[c].txn[slot].fail;
        if (!err) err = check_conflicts(s, tx);
        if (!err) err = check_quotas(s, tx);
        if (!err) apply(s, tx);
    }
    drop_records(s, tx);
    s->conn[c].txn[slot].in_use = false;
    s->conn[c].txns--;
    return err;
}

void xs_txn_drop_all(struct xs_store *s, uint32_t c)
{
    for (uint32_t i = 0; i < XS_TX_PER_CONN; i++)
        if (s->conn[c].txn[i].in_use) xs_txn_end(s, c, i, false);
}
