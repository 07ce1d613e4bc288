/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The store's invariants, for the tests and the fuzzer (Xen's check_store, and more): the
 * free lists and the charges add up, every committed node but "/" is listed by its parent,
 * every listed child exists, every transaction record belongs to an open transaction, and
 * each connection's counters match what it holds.
 */
#include <string.h>
#include "store.h"

static uint32_t str_blocks(const struct xs_str *str)
{
    return xs_blocks_for(str->len);
}

static const char *check_counts(const struct xs_store *s)
{
    uint32_t nodes[XS_MAX_CONNS] = { 0 }, blocks[XS_MAX_CONNS] = { 0 }, watches[XS_MAX_CONNS] = { 0 };
    uint32_t used_nodes = 0, used_blocks = 0, free_blocks = 0;
    for (uint32_t n = 0; n < XS_NODES; n++) {
        const struct xs_node *node = &s->node[n];
        if (!node->in_use) continue;
        used_nodes++;
        nodes[node->charged]++;
        blocks[node->charged] += str_blocks(&node->path) + str_blocks(&node->value) +
                                 str_blocks(&node->children);
        if (node->tx) {
            uint32_t c = (node->tx - 1) / XS_TX_PER_CONN;
            if (c >= XS_MAX_CONNS || !s->conn[c].txn[(node->tx - 1) % XS_TX_PER_CONN].in_use)
                return "a record of no open transaction";
            if (node->charged != c) return "a record charged to another connection";
        }
    }
    for (uint32_t w = 0; w < XS_WATCHES; w++) {
        const struct xs_watch *x = &s->watch[w];
        if (x->conn == XS_NONE) continue;
        watches[x->conn]++;
        blocks[x->conn] += str_blocks(&x->path) + str_blocks(&x->token);
    }
    for (uint32_t b = s->block_free; b != XS_NONE && free_blocks <= XS_BLOCKS; b = s->block_next[b])
        free_blocks++;
    for (uint32_t c = 0; c < XS_MAX_CONNS; c++) {
        uint32_t records = 0;
        if (s->conn[c].nodes != nodes[c]) return "a connection's node count";
        if (s->conn[c].blocks != blocks[c]) return "a connection's block count";
        if (s->conn[c].watches != watches[c]) return "a connection's watch count";
        used_blocks += blocks[c];
        for (uint32_t t = 0; t < XS_TX_PER_CONN; t++) {
            uint32_t tx = c * XS_TX_PER_CONN + t + 1, held = 0;
            if (!s->conn[c].txn[t].in_use) continue;
            records++;
            for (uint32_t n = 0; n < XS_NODES; n++) held += s->node[n].in_use && s->node[n].tx == tx;
            if (held != s->conn[c].txn[t].records) return "a transaction's record count";
        }
        if (records != s->conn[c].txns) return "a connection's transaction count";
        if (s->conn[c].state != XS_CONN_OPEN && (records || watches[c])) return "a closed connection holds things";
    }
    if (used_nodes + s->nodes_free_count != XS_NODES) return "the free node count";
    if (free_blocks != s->blocks_free_count || used_blocks + free_blocks != XS_BLOCKS)
        return "the free block count";
    return NULL;
}

static const char *check_tree(const struct xs_store *s)
{
    static char path[XENSTORE_ABS_PATH_MAX + 1], parent[XENSTORE_ABS_PATH_MAX + 1];
    static char child[2 * XENSTORE_ABS_PATH_MAX + 2];
    if (xs_find(s, 0, "/") == XS_NONE) return "no root";
    for (uint32_t n = 0; n < XS_NODES; n++) {
        const struct xs_node *node = &s->node[n];
        uint32_t p, off = 0, len, found = 0;
        if (!node->in_use || node->tx) continue;
        if (node->nperms == 0) return "a node without permissions";
        xs_str_read(s, &node->path, 0, path, node->path.len);
        path[node->path.len] = 0;
        if (xs_find(s, 0, path) != n) return "a path found twice";
        /* Every listed child exists. */
        while (off < node->children.len) {
            len = (uint32_t)strlen(path);
            memcpy(child, path, len);
            if (len > 1) child[len++] = '/';
            do { xs_str_read(s, &node->children, off++, &child[len], 1); } while (child[len++]);
            if (xs_find(s, 0, child) == XS_NONE) return "a listed child is missing";
        }
        if (path[1] == 0) continue;
        p = xs_find(s, 0, xs_parent(path, parent));
        if (p == XS_NONE) return "a node without its parent";
        off = 0;
        len = (uint32_t)strlen(xs_basename(path));
        while (off < s->node[p].children.len && !found) {
            uint32_t k = 0;
            do { xs_str_read(s, &s->node[p].children, off++, &child[k], 1); } while (child[k++]);
            found = k - 1 == len && memcmp(child, xs_basename(path), len) == 0;
        }
        if (!found) return "a node its parent does not list";
    }
    return NULL;
}

const char *xs_check(const struct xs_store *s)
{
    const char *why = check_counts(s);
    return why ? why : check_tree(s);
}
