/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The operations of the xs_wire protocol (docs/xenstore.md), with Xen's answers
 * (xenstored_core.c): argument checks first (EINVAL), then the transaction named by tx_id
 * (ENOENT), then the path and the node with its permissions. A node that does not exist is
 * reported as EACCES instead of ENOENT when the nearest existing ancestor does not grant the
 * access asked for, so that nobody learns what they could not read.
 */
#include <errno.h>
#include <string.h>
#include "store.h"

/* Exactly one string, its NUL the payload's last byte. */
static const char *onearg(const uint8_t *p, uint32_t len)
{
    if (len == 0 || memchr(p, 0, len) != p + len - 1) return NULL;
    return (const char *)p;
}

static uint32_t count_strings(const uint8_t *p, uint32_t len)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < len; i++) n += p[i] == 0;
    return n;
}

static int reply(struct xs_store *s, const void *data, uint32_t len)
{
    if (s->reply_len + len > XENSTORE_PAYLOAD_MAX) return E2BIG;
    memcpy(s->reply + s->reply_len, data, len);
    s->reply_len += len;
    return 0;
}

static int reply_str(struct xs_store *s, const struct xs_str *str)
{
    if (s->reply_len + str->len > XENSTORE_PAYLOAD_MAX) return E2BIG;
    xs_str_read(s, str, 0, s->reply + s->reply_len, str->len);
    s->reply_len += str->len;
    return 0;
}

static int ack(struct xs_store *s)
{
    return reply(s, "OK", 3);
}

/* The canonical form of a request's path into s->path_a. */
static int get_path(struct xs_store *s, const char *arg, bool *relative)
{
    bool rel;
    if (!arg || xs_canonical(s, s->cur_conn, arg, s->path_a, relative ? relative : &rel))
        return EINVAL;
    return xs_valid_path(s, s->cur_conn, s->path_a) ? 0 : EINVAL;
}

/* Xen's get_node: the node at path if the connection has perm on it; else ENOENT or EACCES,
 * whichever the nearest existing ancestor's permissions allow it to know. */
static int get_node(struct xs_store *s, const char *path, uint32_t perm, uint32_t *out)
{
    char up[XENSTORE_ABS_PATH_MAX + 1];
    int err;
    uint32_t n = xs_view(s, path, &err), parent_perm = XS_PERM_NONE;
    *out = n;
    if (err) return err;
    if (n != XS_NONE) {
        if ((xs_perm_for(s, s->cur_conn, &s->node[n]) & perm) == perm) return 0;
        err = EACCES;
    } else {
        err = ENOENT;
    }
    strcpy(up, path);
    while (up[1] != 0) {
        char tmp[XENSTORE_ABS_PATH_MAX + 1];
        int verr;
        uint32_t p;
        strcpy(up, xs_parent(up, tmp));
        p = xs_view(s, up, &verr);
        if (verr) return verr;
        if (p != XS_NONE) {
            parent_perm = xs_perm_for(s, s->cur_conn, &s->node[p]);
            break;
        }
    }
    return (parent_perm & perm) ? err : EACCES;
}

static void fail_txn(struct xs_store *s, int err)
{
    if (s->cur_tx) {
        struct xs_txn *t = &s->conn[s->cur_conn].txn[(s->cur_tx - 1) % XS_TX_PER_CONN];
        if (!t->fail) t->fail = err;
    }
}

static void fire(struct xs_store *s, const char *path, uint32_t n, const struct xs_node *old,
                 bool exact)
{
    if (!s->cur_tx) xs_fire(s, path, &s->node[n], old, exact);
}

static bool enforce(const struct xs_store *s)
{
    return !s->conn[s->cur_conn].privileged;
}

static bool too_big(const struct xs_store *s, uint32_t n, uint32_t value_len)
{
    const struct xs_node *node = &s->node[n];
    return enforce(s) && xs_entry_size(node) - node->value.len + value_len >= s->cfg.entry_size;
}

static int set_value(struct xs_store *s, uint32_t n, const uint8_t *value, uint32_t len)
{
    if (too_big(s, n, len)) return ENOSPC;
    return xs_str_set(s, s->node[n].charged, enforce(s), &s->node[n].value, value, len);
}

/* A new empty node in the request's view with its parent's permissions (a guest owns what it
 * creates), listed in its parent, which must exist. */
static int create_one(struct xs_store *s, const char *path, uint32_t *out)
{
    char parent_path[XENSTORE_ABS_PATH_MAX + 1];
    int err;
    uint32_t parent = xs_view_modify(s, xs_parent(path, parent_path), &err), n;
    struct xs_perm perms[XS_PERMS_MAX];
    uint8_t nperms;
    if (parent == XS_NONE) return err;
    nperms = s->node[parent].nperms;
    memcpy(perms, s->node[parent].perms, sizeof(perms));
    if (enforce(s)) perms[0].id = s->conn[s->cur_conn].domid;
    if (too_big(s, parent, s->node[parent].value.len + (uint32_t)strlen(xs_basename(path)) + 1))
        return ENOSPC;
    if (s->cur_tx) {
        n = xs_view_modify(s, path, &err);
        if (n != XS_NONE) s->node[n].deleted = 0; /* it may have been removed earlier in it */
    } else {
        n = xs_node_alloc(s, 0, xs_charge_of(s, perms[0].id), enforce(s), path, &err);
    }
    if (n == XS_NONE) return err;
    s->node[n].nperms = nperms;
    memcpy(s->node[n].perms, perms, sizeof(perms));
    err = xs_children_add(s, parent, xs_basename(path), enforce(s));
    if (err) {
        xs_view_delete(s, path);
        return err;
    }
    xs_touch(s, parent);
    xs_touch(s, n);
    *out = n;
    return 0;
}

/* Removes a node the request just created (no children), and its name from its parent. */
static void uncreate(struct xs_store *s, const char *path)
{
    char parent_path[XENSTORE_ABS_PATH_MAX + 1];
    int err;
    uint32_t parent = xs_view_modify(s, xs_parent(path, parent_path), &err);
    xs_view_delete(s, path);
    if (parent != XS_NONE) xs_children_del(s, parent, xs_basename(path));
}

/* Creates path and every missing ancestor (Xen's construct_node), with value; on failure
 * nothing stays created. */
static int create_node(struct xs_store *s, const char *path, const uint8_t *value, uint32_t len,
                       uint32_t *out)
{
    char prefix[XENSTORE_ABS_PATH_MAX + 1];
    uint32_t plen = (uint32_t)strlen(path), cut = plen, n = XS_NONE;
    int err = 0;
    /* cut: the '/' in front of the first missing component ("/" always exists). */
    for (;;) {
        uint32_t parent_end;
        do cut--; while (path[cut] != '/');
        parent_end = cut ? cut : 1;
        memcpy(prefix, path, parent_end);
        prefix[parent_end] = 0;
        if (xs_view(s, prefix, &err) != XS_NONE || err) break;
    }
    for (uint32_t i = cut + 1; !err && i <= plen; i++) {
        if (path[i] != '/' && path[i] != 0) continue;
        memcpy(prefix, path, i);
        prefix[i] = 0;
        err = create_one(s, prefix, &n);
    }
    if (!err) err = set_value(s, n, value, len);
    if (!err) {
        *out = n;
        return 0;
    }
    /* Every prefix beyond cut was missing: what exists now is ours to undo, deepest first. */
    for (uint32_t i = plen; i > cut; i--) {
        int verr;
        if (path[i] != '/' && path[i] != 0) continue;
        memcpy(prefix, path, i);
        prefix[i] = 0;
        if (xs_view(s, prefix, &verr) != XS_NONE) uncreate(s, prefix);
    }
    fail_txn(s, err);
    return err;
}

static int op_read(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t n;
    int err = get_path(s, onearg(p, len), NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_READ, &n);
    return err ? err : reply_str(s, &s->node[n].value);
}

static int op_directory(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t n;
    int err = get_path(s, onearg(p, len), NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_READ, &n);
    return err ? err : reply_str(s, &s->node[n].children);
}

/* DIRECTORY_PART: "path\0offset\0" -> "generation\0" and the children from offset, as many
 * whole names as fit, with an empty name after the last one. */
static int op_directory_part(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    const char *off_str;
    uint32_t n, off = 0, end;
    char gen[24], name[XENSTORE_ABS_PATH_MAX + 1];
    int err, glen = 0;
    const struct xs_node *node;
    if (count_strings(p, len) != 2) return EINVAL;
    off_str = (const char *)p + strlen((const char *)p) + 1;
    if (*off_str == 0) return EINVAL;
    for (const char *d = off_str; *d; d++) {
        if (*d < '0' || *d > '9' || off > 100000000u) return EINVAL;
        off = off * 10 + (uint32_t)(*d - '0');
    }
    err = get_path(s, (const char *)p, NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_READ, &n);
    if (err) return err;
    node = &s->node[n];
    {
        uint64_t g = node->generation, div = 1;
        while (g / div >= 10) div *= 10;
        for (; div; div /= 10) gen[glen++] = (char)('0' + (g / div) % 10);
        gen[glen++] = 0;
    }
    reply(s, gen, (uint32_t)glen);
    /* Whole names from off while they fit, leaving a byte for the final empty name. */
    for (end = off; end < node->children.len;) {
        uint32_t nl = 0;
        char ch;
        do { xs_str_read(s, &node->children, end + nl, &ch, 1); name[nl++] = ch; } while (ch);
        if (s->reply_len + nl + 1 > XENSTORE_PAYLOAD_MAX) break;
        reply(s, name, nl);
        end += nl;
    }
    if (end >= node->children.len) reply(s, "", 1);
    return 0;
}

static int op_get_perms(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t n;
    int err = get_path(s, onearg(p, len), NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_READ, &n);
    if (err) return err;
    for (uint32_t i = 0; i < s->node[n].nperms && !err; i++) {
        const struct xs_perm *pe = &s->node[n].perms[i];
        char str[8];
        uint32_t k = 0, id = pe->id, div = 10000;
        str[k++] = "nrwb"[pe->bits & 3];
        while (div > 1 && id / div == 0) div /= 10;
        for (; div; div /= 10) str[k++] = (char)('0' + (id / div) % 10);
        str[k++] = 0;
        err = reply(s, str, k);
    }
    return err;
}

static int op_write(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t n, off;
    int err;
    if (count_strings(p, len) < 1) return EINVAL;
    off = (uint32_t)strlen((const char *)p) + 1;
    err = get_path(s, (const char *)p, NULL);
    if (err) return err;
    err = get_node(s, s->path_a, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        err = create_node(s, s->path_a, p + off, len - off, &n);
    } else if (!err) {
        n = xs_view_modify(s, s->path_a, &err);
        if (n != XS_NONE) err = set_value(s, n, p + off, len - off);
        if (!err) xs_touch(s, n);
    }
    if (err) return err;
    fire(s, s->path_a, n, NULL, false);
    return ack(s);
}

static int op_mkdir(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t n;
    int err = get_path(s, onearg(p, len), NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        err = create_node(s, s->path_a, NULL, 0, &n);
        if (!err) fire(s, s->path_a, n, NULL, false);
    }
    return err ? err : ack(s);
}

/* Removes the subtree at path, deepest first, firing watches placed on each removed node. */
static int remove_tree(struct xs_store *s, const char *root)
{
    char cur[XENSTORE_ABS_PATH_MAX + 1], parent_path[XENSTORE_ABS_PATH_MAX + 1];
    size_t root_len = strlen(root);
    int err;
    strcpy(cur, root);
    for (;;) {
        uint32_t n = xs_view(s, cur, &err), parent;
        if (n == XS_NONE) return err ? err : EIO;
        if (s->node[n].children.len) {
            size_t l = strlen(cur);
            char name[XENSTORE_ABS_PATH_MAX + 1];
            uint32_t k = 0;
            do { xs_str_read(s, &s->node[n].children, k, &name[k], 1); } while (name[k++]);
            if (l + 1 + k - 1 > XENSTORE_ABS_PATH_MAX) return EIO;
            cur[l] = '/';
            memcpy(cur + l + 1, name, k);
            continue;
        }
        if (strlen(cur) != root_len) fire(s, cur, n, NULL, true);
        err = xs_view_delete(s, cur);
        if (err) return err;
        parent = xs_view_modify(s, xs_parent(cur, parent_path), &err);
        if (parent == XS_NONE) return err ? err : EIO;
        xs_children_del(s, parent, xs_basename(cur));
        xs_touch(s, parent);
        if (strlen(cur) == root_len) return 0;
        strcpy(cur, parent_path);
    }
}

static int op_rm(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    char parent_path[XENSTORE_ABS_PATH_MAX + 1];
    uint32_t n;
    int err = get_path(s, onearg(p, len), NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        /* Nothing to remove is fine when the parent exists. */
        if (strcmp(s->path_a, "/") == 0) return ENOENT;
        n = xs_view(s, xs_parent(s->path_a, parent_path), &err);
        if (err) return err;
        return n != XS_NONE ? ack(s) : ENOENT;
    }
    if (err) return err;
    if (strcmp(s->path_a, "/") == 0) return EINVAL;
    fire(s, s->path_a, n, NULL, false);
    err = remove_tree(s, s->path_a);
    if (err) {
        fail_txn(s, err);
        return err;
    }
    return ack(s);
}

/* "r5" etc. into *out; EINVAL for anything else. */
static int parse_perm(const char *str, struct xs_perm *out)
{
    uint32_t id = 0;
    const char *letters = "nrwb", *l = strchr(letters, str[0]);
    if (str[0] == 0 || !l || str[1] == 0) return EINVAL;
    for (const char *d = str + 1; *d; d++) {
        if (*d < '0' || *d > '9') return EINVAL;
        id = id * 10 + (uint32_t)(*d - '0');
        if (id > 0xffff) return EINVAL;
    }
    out->id = (uint16_t)id;
    out->bits = (uint8_t)(l - letters);
    return 0;
}

static int op_set_perms(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    struct xs_perm perms[XS_PERMS_MAX];
    struct xs_node old;
    uint32_t count = count_strings(p, len), n, off;
    int err;
    if (count < 2) return EINVAL;
    count--;
    if ((enforce(s) && count > s->cfg.perms) || count > XS_PERMS_MAX) return ENOSPC;
    off = (uint32_t)strlen((const char *)p) + 1;
    for (uint32_t i = 0; i < count; i++) {
        const char *str = (const char *)p + off;
        err = parse_perm(str, &perms[i]);
        if (err) return err;
        off += (uint32_t)strlen(str) + 1;
    }
    if (p[0] == '@') return EINVAL; /* permissions of special paths: not kept */
    err = get_path(s, (const char *)p, NULL);
    if (!err) err = get_node(s, s->path_a, XS_PERM_WRITE | XS_PERM_OWNER, &n);
    if (err) return err;
    if (enforce(s) && perms[0].id != s->node[n].perms[0].id) return EPERM;
    if (enforce(s) && xs_entry_size(&s->node[n]) + 8u * (count - s->node[n].nperms) >= s->cfg.entry_size)
        return ENOSPC;
    old = s->node[n];
    n = xs_view_modify(s, s->path_a, &err);
    if (n == XS_NONE) return err;
    memcpy(s->node[n].perms, perms, sizeof(perms));
    s->node[n].nperms = (uint8_t)count;
    if (s->node[n].tx == 0) {
        /* A committed node's charges follow its owner. */
        uint32_t to = xs_charge_of(s, perms[0].id), from = s->node[n].charged;
        const struct xs_node *node = &s->node[n];
        xs_move_charge(s, from, to, xs_blocks_for(node->path.len) + xs_blocks_for(node->value.len) +
                       xs_blocks_for(node->children.len));
        s->conn[from].nodes--;
        s->conn[to].nodes++;
        s->node[n].charged = to;
    }
    xs_touch(s, n);
    fire(s, s->path_a, n, &old, false);
    return ack(s);
}

static uint32_t domain_prefix_len(const struct xs_store *s, uint32_t c)
{
    char tmp[XENSTORE_ABS_PATH_MAX + 1];
    bool rel;
    xs_canonical((struct xs_store *)s, c, "x", tmp, &rel);
    return (uint32_t)strlen(tmp) - 2;
}

/* WATCH and UNWATCH: "path\0token\0"; a special path ("@...") stays as it is. */
static int watch_args(struct xs_store *s, const uint8_t *p, uint32_t len, uint32_t *rel)
{
    bool relative = false;
    if (count_strings(p, len) != 2) return EINVAL;
    *rel = 0;
    if (p[0] == '@') {
        if (strlen((const char *)p) > XENSTORE_REL_PATH_MAX) return EINVAL;
        strcpy(s->path_a, (const char *)p);
        return 0;
    }
    if (get_path(s, (const char *)p, &relative)) return EINVAL;
    if (relative) *rel = domain_prefix_len(s, s->cur_conn);
    return 0;
}

static int op_watch(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t rel, w;
    int err = watch_args(s, p, len, &rel);
    if (err) return err;
    err = xs_watch_add(s, s->cur_conn, s->path_a, (const char *)p + strlen((const char *)p) + 1,
                       rel, &w);
    if (err) return err;
    s->initial_watch = w;
    return ack(s);
}

static int op_unwatch(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t rel;
    int err = watch_args(s, p, len, &rel);
    if (err) return err;
    err = xs_watch_del(s, s->cur_conn, s->path_a, (const char *)p + strlen((const char *)p) + 1);
    return err ? err : ack(s);
}

static int op_transaction_start(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    uint32_t id, k = 0;
    char str[12], tmp[12];
    int err;
    (void)p;
    (void)len;
    if (s->cur_tx) return EBUSY; /* no nested transactions */
    err = xs_txn_start(s, s->cur_conn, &id);
    if (err) return err;
    do { tmp[k++] = (char)('0' + id % 10); id /= 10; } while (id);
    for (uint32_t i = 0; i < k; i++) str[i] = tmp[k - 1 - i];
    str[k] = 0;
    return reply(s, str, k + 1);
}

static int op_transaction_end(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    const char *arg = onearg(p, len);
    uint32_t tx = s->cur_tx;
    int err;
    if (!arg || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0)) return EINVAL;
    if (!tx) return ENOENT;
    s->cur_tx = 0; /* the commit works on the committed tree */
    err = xs_txn_end(s, s->cur_conn, (tx - 1) % XS_TX_PER_CONN, arg[0] == 'T');
    return err ? err : ack(s);
}

static int op_get_domain_path(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    const char *arg = onearg(p, len);
    char path[32];
    uint32_t id = 0, k;
    static const char prefix[] = "/local/domain/";
    if (!arg || !*arg) return EINVAL;
    for (const char *d = arg; *d; d++) {
        if (*d < '0' || *d > '9') return EINVAL;
        id = id * 10 + (uint32_t)(*d - '0');
        if (id > 0xffff) return EINVAL;
    }
    memcpy(path, prefix, sizeof(prefix) - 1);
    k = sizeof(prefix) - 1;
    for (uint32_t div = 10000, lead = 1; div; div /= 10) {
        uint32_t digit = (id / div) % 10;
        if (digit || !lead || div == 1) {
            path[k++] = (char)('0' + digit);
            lead = 0;
        }
    }
    path[k++] = 0;
    return reply(s, path, k);
}

static int op_reset_watches(struct xs_store *s, const uint8_t *p, uint32_t len)
{
    (void)p;
    (void)len;
    xs_watch_drop_all(s, s->cur_conn);
    xs_txn_drop_all(s, s->cur_conn);
    s->cur_tx = 0;
    return ack(s);
}

static bool handled(uint32_t type)
{
    return type <= XS_DIRECTORY_PART && type != XS_WATCH_EVENT && type != XS_ERROR && type != 20;
}

static int dispatch(struct xs_store *s, uint32_t type, const uint8_t *p, uint32_t len)
{
    switch (type) {
    case XS_READ: return op_read(s, p, len);
    case XS_DIRECTORY: return op_directory(s, p, len);
    case XS_DIRECTORY_PART: return op_directory_part(s, p, len);
    case XS_GET_PERMS: return op_get_perms(s, p, len);
    case XS_WRITE: return op_write(s, p, len);
    case XS_MKDIR: return op_mkdir(s, p, len);
    case XS_RM: return op_rm(s, p, len);
    case XS_SET_PERMS: return op_set_perms(s, p, len);
    case XS_WATCH: return op_watch(s, p, len);
    case XS_UNWATCH: return op_unwatch(s, p, len);
    case XS_TRANSACTION_START: return op_transaction_start(s, p, len);
    case XS_TRANSACTION_END: return op_transaction_end(s, p, len);
    case XS_GET_DOMAIN_PATH: return op_get_domain_path(s, p, len);
    case XS_RESET_WATCHES: return op_reset_watches(s, p, len);
    default: return ENOSYS;
    }
}

/* Requests only the toolstack may make (Xen's XS_FLAG_PRIV); ours does them through the
 * engine's interface, so over the wire they are ENOSYS even for it. */
static bool privileged_only(uint32_t type)
{
    return type == XS_CONTROL || type == XS_INTRODUCE || type == XS_RELEASE ||
           type == XS_IS_DOMAIN_INTRODUCED || type == XS_RESUME || type == XS_SET_TARGET ||
           type == XS_SET_QUOTA || type == XS_GET_QUOTA;
}

void xs_serve(struct xs_store *s, uint32_t c, const struct xsd_sockmsg *hdr, const uint8_t *payload)
{
    int err = 0;
    s->cur_conn = c;
    s->cur_tx = 0;
    s->reply_len = 0;
    s->initial_watch = XS_NONE;
    /* Xen's order: an unknown type, a privileged one, then the transaction. */
    if (!handled(hdr->type)) err = ENOSYS;
    else if (privileged_only(hdr->type)) err = s->conn[c].privileged ? ENOSYS : EACCES;
    /* WATCH and UNWATCH ignore tx_id (Xen's XS_FLAG_NOTID). */
    if (!err && hdr->tx_id && hdr->type != XS_WATCH && hdr->type != XS_UNWATCH) {
        uint32_t slot = xs_txn_slot(s, c, hdr->tx_id);
        if (slot == XS_NONE) err = ENOENT;
        else s->cur_tx = c * XS_TX_PER_CONN + slot + 1;
    }
    if (!err) err = dispatch(s, hdr->type, payload, hdr->len);
    if (err) {
        const char *name = xs_error_name(err);
        xs_queue(s, c, XS_ERROR, hdr->req_id, hdr->tx_id, name, (uint32_t)strlen(name) + 1, NULL, 0);
    } else {
        xs_queue(s, c, hdr->type, hdr->req_id, hdr->tx_id, s->reply, s->reply_len, NULL, 0);
    }
    if (s->initial_watch != XS_NONE) {
        /* Xen fires a new watch once at once, with the path as the client gave it. */
        const struct xs_watch *w = &s->watch[s->initial_watch];
        const char *shown = s->path_a + w->rel;
        if (w->rel && *shown == '/') shown++;
        s->cur_conn = XS_NONE;
        xs_queue_event(s, c, shown, (uint32_t)strlen(shown), &w->token);
    }
    s->cur_tx = 0;
    s->cur_conn = XS_NONE;
}
