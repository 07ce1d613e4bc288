/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Paths and nodes. A node is found by (transaction, full path) in one hash table; its children
 * are a list of names in the node itself, as in Xen's xenstored, so a transaction's copy of a
 * node carries its own view of the children. Permissions are Xen's (xenstored_core.c,
 * perm_for_conn): the first entry names the owner and gives everyone else's access; a later
 * entry for the connection's domain overrides it; the owner and the toolstack have everything.
 */
#include <errno.h>
#include <string.h>
#include "store.h"

static uint32_t hash(const char *path, uint32_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)path[i]) * 16777619u;
    return h % XS_HASH_BUCKETS;
}

/* The connection whose quota holds nodes of this owner: its own if it has one, else the
 * toolstack's (an owner without a connection is one the toolstack chose). */
uint32_t xs_charge_of(const struct xs_store *s, uint16_t owner)
{
    for (uint32_t c = 1; c < XS_MAX_CONNS; c++)
        if (s->conn[c].state != XS_CONN_FREE && s->conn[c].domid == owner) return c;
    return 0;
}

static uint32_t put_decimal(char *out, uint32_t v)
{
    char tmp[10];
    uint32_t n = 0, i = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) out[i++] = tmp[--n];
    return i;
}

/* "/local/domain/<id>" into out (room for 24); returns its length. */
static uint32_t domain_path(uint16_t domid, char *out)
{
    static const char prefix[] = "/local/domain/";
    memcpy(out, prefix, sizeof(prefix) - 1);
    return (uint32_t)(sizeof(prefix) - 1) + put_decimal(out + sizeof(prefix) - 1, domid);
}

/* A path without '/' or '@' in front is relative to the connection's /local/domain/<id>. */
int xs_canonical(struct xs_store *s, uint32_t c, const char *in, char *out, bool *relative)
{
    size_t len = strlen(in);
    uint32_t pre = 0;
    *relative = in[0] != '/' && in[0] != '@';
    if (*relative) {
        pre = domain_path(s->conn[c].domid, out);
        out[pre++] = '/';
    }
    if (len > XENSTORE_ABS_PATH_MAX - pre) return EINVAL;
    memcpy(out + pre, in, len + 1);
    return 0;
}

/* Xen's is_valid_nodename: absolute, no trailing or double '/', its character set, at most
 * XENSTORE_ABS_PATH_MAX; a guest's at most path_max beyond its own /local/domain/<id>/. */
bool xs_valid_path(const struct xs_store *s, uint32_t c, const char *path)
{
    size_t len = strlen(path);
    char dom[24];
    if (path[0] != '/' || len > XENSTORE_ABS_PATH_MAX) return false;
    if (len > 1 && path[len - 1] == '/') return false;
    if (!s->conn[c].privileged && len > domain_path(s->conn[c].domid, dom) + 1 + s->cfg.path_max)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = path[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '-' || ch == '/' || ch == '_' || ch == '@';
        if (!ok || (ch == '/' && path[i + 1] == '/')) return false;
    }
    return true;
}

uint32_t xs_find(const struct xs_store *s, uint32_t tx, const char *path)
{
    uint32_t len = (uint32_t)strlen(path);
    for (uint32_t n = s->bucket[hash(path, len)]; n != XS_NONE; n = s->node[n].hash_next)
        if (s->node[n].tx == tx && xs_str_eq(s, &s->node[n].path, path, len)) return n;
    return XS_NONE;
}

/* A fresh node record for (tx, path), empty, charged to `charge`, in the hash table. */
uint32_t xs_node_alloc(struct xs_store *s, uint32_t tx, uint32_t charge, bool enforce,
                       const char *path, int *err)
{
    uint32_t len = (uint32_t)strlen(path), n, h;
    struct xs_node *node;
    *err = xs_charge_node(s, charge, enforce);
    if (*err) return XS_NONE;
    n = s->node_free;
    node = &s->node[n];
    node->path = (struct xs_str){ XS_NONE, 0 };
    *err = xs_str_set(s, charge, enforce, &node->path, path, len);
    if (*err) {
        xs_uncharge_node(s, charge);
        return XS_NONE;
    }
    s->node_free = node->hash_next;
    s->nodes_free_count--;
    h = hash(path, len);
    node->hash_next = s->bucket[h];
    s->bucket[h] = n;
    node->tx = tx;
    node->charged = charge;
    node->in_use = 1;
    node->modified = node->deleted = 0;
    node->nperms = 0;
    node->value = node->children = (struct xs_str){ XS_NONE, 0 };
    node->generation = XS_NO_GENERATION;
    return n;
}

void xs_node_free(struct xs_store *s, uint32_t n)
{
    struct xs_node *node = &s->node[n];
    char path[XENSTORE_ABS_PATH_MAX + 1];
    uint32_t *link;
    xs_str_read(s, &node->path, 0, path, node->path.len);
    for (link = &s->bucket[hash(path, node->path.len)]; *link != n; link = &s->node[*link].hash_next) {}
    *link = node->hash_next;
    xs_str_free(s, node->charged, &node->path);
    xs_str_free(s, node->charged, &node->value);
    xs_str_free(s, node->charged, &node->children);
    xs_uncharge_node(s, node->charged);
    node->in_use = 0;
    node->hash_next = s->node_free;
    s->node_free = n;
    s->nodes_free_count++;
}

uint32_t xs_perm_for(const struct xs_store *s, uint32_t c, const struct xs_node *n)
{
    const struct xs_conn *conn = &s->conn[c];
    if (conn->privileged || n->perms[0].id == conn->domid)
        return XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    for (uint32_t i = 1; i < n->nperms; i++)
        if (n->perms[i].id == conn->domid) return n->perms[i].bits;
    return n->perms[0].bits;
}

/* As Xen counts a node against quota-max-entry-size: its record header, 8 bytes a permission,
 * the value and the list of children. */
uint32_t xs_entry_size(const struct xs_node *n)
{
    return 24u + 8u * n->nperms + n->value.len + n->children.len;
}

/* The parent of an absolute path other than "/" into out. */
const char *xs_parent(const char *path, char *out)
{
    const char *slash = strrchr(path + 1, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    memcpy(out, path, len);
    out[len] = 0;
    return out;
}

const char *xs_basename(const char *path)
{
    return strrchr(path, '/') + 1;
}

int xs_children_add(struct xs_store *s, uint32_t n, const char *name, bool enforce)
{
    return xs_str_append(s, s->node[n].charged, enforce, &s->node[n].children, name,
                         (uint32_t)strlen(name) + 1);
}

/* Drops name from n's list of children, if it is there. */
void xs_children_del(struct xs_store *s, uint32_t n, const char *name)
{
    struct xs_node *node = &s->node[n];
    uint32_t len = (uint32_t)strlen(name), off = 0;
    char entry[XENSTORE_ABS_PATH_MAX + 1];
    while (off < node->children.len) {
        uint32_t end = off;
        char ch;
        do { xs_str_read(s, &node->children, end++, &ch, 1); } while (ch != 0);
        if (end - off - 1 == len) {
            xs_str_read(s, &node->children, off, entry, len);
            if (memcmp(entry, name, len) == 0) {
                xs_str_cut(s, node->charged, &node->children, off, len + 1);
                return;
            }
        }
        off = end;
    }
}
