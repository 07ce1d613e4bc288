/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Watches (Xen's xenstored_watch.c): a change at a path fires every watch on that path or on
 * an ancestor of it, with the changed path; removing a subtree also fires watches placed
 * exactly on each removed node. A connection sees an event only when it may read the node or
 * its parent (so a watcher learns of nothing it could not read). A watch registered with a
 * relative path gets its events relative too. Special paths ("@introduceDomain",
 * "@releaseDomain") fire for privileged connections only.
 */
#include <errno.h>
#include <string.h>
#include "store.h"

int xs_watch_add(struct xs_store *s, uint32_t c, const char *path, const char *token,
                 uint32_t rel, uint32_t *index)
{
    uint32_t w = XS_NONE, plen = (uint32_t)strlen(path), tlen = (uint32_t)strlen(token);
    bool enforce = !s->conn[c].privileged;
    int err;
    for (uint32_t i = 0; i < XS_WATCHES; i++) {
        const struct xs_watch *x = &s->watch[i];
        if (x->conn == XS_NONE) {
            if (w == XS_NONE) w = i;
        } else if (x->conn == c && xs_str_eq(s, &x->path, path, plen) &&
                   xs_str_eq(s, &x->token, token, tlen)) {
            return EEXIST;
        }
    }
    if (enforce && s->conn[c].watches >= s->cfg.watches) return E2BIG; /* Xen's answer */
    if (w == XS_NONE) return ENOSPC;
    s->watch[w].path = s->watch[w].token = (struct xs_str){ XS_NONE, 0 };
    err = xs_str_set(s, c, enforce, &s->watch[w].path, path, plen);
    if (!err) err = xs_str_set(s, c, enforce, &s->watch[w].token, token, tlen);
    if (err) {
        xs_str_free(s, c, &s->watch[w].path);
        return err;
    }
    s->watch[w].conn = c;
    s->watch[w].rel = rel;
    s->conn[c].watches++;
    *index = w;
    return 0;
}

static void watch_free(struct xs_store *s, uint32_t w)
{
    uint32_t c = s->watch[w].conn;
    xs_str_free(s, c, &s->watch[w].path);
    xs_str_free(s, c, &s->watch[w].token);
    s->watch[w].conn = XS_NONE;
    s->conn[c].watches--;
}

int xs_watch_del(struct xs_store *s, uint32_t c, const char *path, const char *token)
{
    uint32_t plen = (uint32_t)strlen(path), tlen = (uint32_t)strlen(token);
    for (uint32_t w = 0; w < XS_WATCHES; w++) {
        const struct xs_watch *x = &s->watch[w];
        if (x->conn == c && xs_str_eq(s, &x->path, path, plen) && xs_str_eq(s, &x->token, token, tlen)) {
            watch_free(s, w);
            return 0;
        }
    }
    return ENOENT;
}

void xs_watch_drop_all(struct xs_store *s, uint32_t c)
{
    for (uint32_t w = 0; w < XS_WATCHES; w++)
        if (s->watch[w].conn == c) watch_free(s, w);
}

/* An event "path\0token\0" for connection c, or dropped and counted when its queue is full
 * (keeping room for the reply of the request being served). The toolstack gets none. */
void xs_queue_event(struct xs_store *s, uint32_t c, const char *path, uint32_t path_len,
                    const struct xs_str *token)
{
    uint8_t tok[XENSTORE_PAYLOAD_MAX];
    uint32_t len = path_len + 1 + token->len + 1;
    size_t room = XS_OUT_CAP - xs_conn_output_pending(s, c);
    if (len > XENSTORE_PAYLOAD_MAX || c == 0) return; /* Xen sends no over-long event either */
    if (room < sizeof(struct xsd_sockmsg) + len + (c == s->cur_conn ? XS_MSG_MAX : 0)) {
        s->conn[c].events_dropped++;
        return;
    }
    xs_str_read(s, token, 0, tok, token->len);
    tok[token->len] = 0;
    if (!xs_queue(s, c, XS_WATCH_EVENT, 0, 0, path, path_len + 1, tok, token->len + 1))
        s->conn[c].events_dropped++;
}

/* Whether connection c may learn of a change at path: it can read the node (as it was, for a
 * removal) or its parent. */
static bool permitted(struct xs_store *s, uint32_t c, const char *path, const struct xs_node *n,
                      const struct xs_node *old)
{
    char parent[XENSTORE_ABS_PATH_MAX + 1];
    uint32_t p;
    if (xs_perm_for(s, c, n) & XS_PERM_READ) return true;
    if (old && (xs_perm_for(s, c, old) & XS_PERM_READ)) return true;
    if (path[1] == 0) return false;
    p = xs_find(s, 0, xs_parent(path, parent));
    return p != XS_NONE && (xs_perm_for(s, c, &s->node[p]) & XS_PERM_READ);
}

/* Is path the watched path or below it? ("/" covers everything.) */
static bool covers(const struct xs_store *s, const struct xs_watch *w, const char *path, uint32_t len)
{
    uint32_t wl = w->path.len;
    char head[1];
    if (wl == 1) {
        xs_str_read(s, &w->path, 0, head, 1);
        if (head[0] == '/') return true;
    }
    if (wl > len || (wl < len && path[wl] != '/')) return false;
    return xs_str_eq(s, &w->path, path, wl);
}

void xs_fire(struct xs_store *s, const char *path, const struct xs_node *perms_of,
             const struct xs_node *old_perms, bool exact)
{
    uint32_t len = (uint32_t)strlen(path);
    for (uint32_t i = 0; i < XS_WATCHES; i++) {
        const struct xs_watch *w = &s->watch[i];
        const char *shown = path;
        if (w->conn == XS_NONE || s->conn[w->conn].state != XS_CONN_OPEN) continue;
        if (exact ? !xs_str_eq(s, &w->path, path, len) : !covers(s, w, path, len)) continue;
        if (!permitted(s, w->conn, path, perms_of, old_perms)) continue;
        if (w->rel) {
            shown = path + (w->rel <= len ? w->rel : len);
            if (*shown == '/') shown++;
        }
        xs_queue_event(s, w->conn, shown, (uint32_t)strlen(shown), &w->token);
    }
}

void xs_fire_special(struct xs_store *s, const char *name)
{
    uint32_t len = (uint32_t)strlen(name);
    for (uint32_t i = 0; i < XS_WATCHES; i++) {
        const struct xs_watch *w = &s->watch[i];
        if (w->conn == XS_NONE || s->conn[w->conn].state != XS_CONN_OPEN) continue;
        if (s->conn[w->conn].privileged && xs_str_eq(s, &w->path, name, len))
            xs_queue_event(s, w->conn, name, len, &w->token);
    }
}
