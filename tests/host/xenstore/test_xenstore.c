/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the xenstore engine (servers/xenstore), under ASan and UBSan: every operation
 * and its error answers as Xen's xenstored gives them, permissions, watches, transactions,
 * quotas, the framing and its malformed cases, the ring page. Guests talk to the engine as
 * they would over their ring: whole wire messages in, replies and events out. After every
 * test the store's invariants (xs_check) must hold.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tree.h"
#define CHECK_SUITE "xenstore"
#include "../../lib/check.h"

static struct xs_store store;
static struct xs_store *s = &store;
static uint32_t g1, g2; /* the guests' connections: domains 1 and 2 */

static const struct xs_config test_cfg = {
    .nodes = 64, .bytes = 16 * 1024, .entry_size = 2048, .watches = 8, .transactions = 3,
    .tx_nodes = 32, .perms = 5, .path_max = 2048,
};

struct msg {
    uint32_t type, req_id, tx_id, len;
    char data[XENSTORE_PAYLOAD_MAX + 1];
};
static struct msg rsp;           /* the last reply */
static struct msg ev[32];        /* events since the last request */
static int nev;
static uint32_t next_req = 100;

/* Takes every queued message of connection c: events into ev[], the rest into rsp. */
static void drain(uint32_t c)
{
    while (xs_conn_output_pending(s, c) >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg h;
        struct msg *m;
        xs_conn_output(s, c, (uint8_t *)&h, sizeof(h));
        xs_conn_output_done(s, c, sizeof(h));
        m = h.type == XS_WATCH_EVENT && nev < 32 ? &ev[nev++] : &rsp;
        m->type = h.type;
        m->req_id = h.req_id;
        m->tx_id = h.tx_id;
        m->len = h.len;
        xs_conn_output(s, c, (uint8_t *)m->data, h.len);
        xs_conn_output_done(s, c, h.len);
        m->data[h.len] = 0;
    }
}

/* One request from connection c; returns the error name or NULL when it succeeded. */
static const char *req(uint32_t c, uint32_t type, uint32_t tx, const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = next_req++, .tx_id = tx, .len = len };
    nev = 0;
    memset(&rsp, 0, sizeof(rsp));
    rsp.type = XS_INVALID;
    xs_conn_input(s, c, (const uint8_t *)&h, sizeof(h));
    xs_conn_input(s, c, payload, len);
    drain(c);
    return rsp.type == XS_ERROR ? rsp.data : NULL;
}

/* "a\0" (one string), "a\0b\0" (two), "a\0b" (write: path and raw value). */
static const char *one(uint32_t c, uint32_t type, uint32_t tx, const char *a)
{
    return req(c, type, tx, a, (uint32_t)strlen(a) + 1);
}

static const char *two(uint32_t c, uint32_t type, uint32_t tx, const char *a, const char *b, int nul)
{
    char buf[XENSTORE_PAYLOAD_MAX + 8];
    size_t la = strlen(a) + 1, lb = strlen(b) + (size_t)nul;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    return req(c, type, tx, buf, (uint32_t)(la + lb));
}

static const char *wr(uint32_t c, uint32_t tx, const char *path, const char *value)
{
    return two(c, XS_WRITE, tx, path, value, 0);
}

/* The value read, or "!<error>". */
static const char *rd(uint32_t c, uint32_t tx, const char *path)
{
    static char out[XENSTORE_PAYLOAD_MAX + 2];
    const char *e = one(c, XS_READ, tx, path);
    if (e) snprintf(out, sizeof(out), "!%s", e);
    else memcpy(out, rsp.data, rsp.len + 1);
    return out;
}

static const char *perms(uint32_t c, const char *path, const char *list, uint32_t list_len)
{
    char buf[512];
    size_t l = strlen(path) + 1;
    memcpy(buf, path, l);
    memcpy(buf + l, list, list_len);
    return req(c, XS_SET_PERMS, 0, buf, (uint32_t)(l + list_len));
}

/* rsp's NUL-separated strings joined with ',' */
static const char *joined(void)
{
    static char out[XENSTORE_PAYLOAD_MAX + 1];
    for (uint32_t i = 0; i < rsp.len; i++) out[i] = rsp.data[i] ? rsp.data[i] : ',';
    out[rsp.len] = 0;
    return out;
}

static uint32_t start_tx(uint32_t c)
{
    if (one(c, XS_TRANSACTION_START, 0, "")) return 0;
    return (uint32_t)strtoul(rsp.data, NULL, 10);
}

#define CHECK_OK(e) do { const char *e_ = (e); if (e_) { \
    check_fail(__FILE__, __LINE__, "%s failed with %s", #e, e_); return; } } while (0)
#define CHECK_ERR(e, name) do { const char *e_ = (e); if (!e_ || strcmp(e_, name) != 0) { \
    check_fail(__FILE__, __LINE__, "%s gave %s, want %s", #e, e_ ? e_ : "success", name); \
    return; } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); if (strcmp(g_, w_) != 0) { \
    check_fail(__FILE__, __LINE__, "%s is \"%s\", want \"%s\"", #got, g_, w_); return; } } while (0)
#define CHECK_EVENT(i, path, token) do { \
    if (nev <= (i)) { check_fail(__FILE__, __LINE__, "no event %d (%d)", (i), nev); return; } \
    CHECK_STR(ev[i].data, path); CHECK_STR(ev[i].data + strlen(ev[i].data) + 1, token); } while (0)

/* The tree a toolstack writes: /local/domain/<d> its own, readable by d; data owned by d. */
static void setup(void)
{
    int err;
    if (xs_init(s, &test_cfg, 3) != 0) abort();
    for (uint16_t d = 1; d <= 2; d++) {
        char path[64], list[16];
        int l;
        snprintf(path, sizeof(path), "/local/domain/%u", d);
        if (xs_tool_write(s, path, "")) abort();
        l = snprintf(list, sizeof(list), "n0%cr%u", 0, d);
        if (xs_tool_set_perms(s, path, list, (uint32_t)l + 1)) abort();
        snprintf(path, sizeof(path), "/local/domain/%u/data", d);
        if (xs_tool_write(s, path, "")) abort();
        l = snprintf(list, sizeof(list), "n%u", d);
        if (xs_tool_set_perms(s, path, list, (uint32_t)l + 1)) abort();
    }
    g1 = xs_conn_open(s, 1, &err);
    g2 = xs_conn_open(s, 2, &err);
    if (g1 == XS_NONE || g2 == XS_NONE) abort();
}

/* Runs a test on a fresh store, then checks its invariants. */
static void test_run(const char *name, void (*fn)(void))
{
    check_failed = 0;
    check_why[0] = 0;
    setup();
    fn();
    if (!check_failed) {
        const char *why = xs_check(s);
        if (why) check_fail(__FILE__, __LINE__, "store invariant: %s", why);
    }
    if (check_failed) {
        printf("FAIL xenstore.%s: %s\n", name, check_why);
        check_fails++;
    } else {
        printf("PASS xenstore.%s\n", name);
        check_passes++;
    }
    fflush(stdout);
}

/* ---- tests ---- */

static void root_and_init(void)
{
    struct xs_config bad = test_cfg;
    int err;
    CHECK_ERR(rd(g1, 0, "/") + 1, "EACCES");            /* "/" is n0: nobody else reads it */
    CHECK_STR(rd(0, 0, "/local/domain/1/data"), "");
    CHECK_EQ(xs_conn_open(s, 1, &err), XS_NONE);          /* one connection per domain */
    CHECK_EQ(err, EEXIST);
    bad.transactions = XS_TX_PER_CONN + 1;
    CHECK_EQ(xs_init(s, &bad, 3), EINVAL);
    bad = test_cfg;
    bad.nodes = XS_NODES;                                  /* the quotas must fit the arena */
    CHECK_EQ(xs_init(s, &bad, 3), EINVAL);
    setup();
}

static void write_read_relative(void)
{
    CHECK_OK(wr(g1, 0, "data/x", "hello"));
    CHECK_STR(rsp.data, "OK");
    CHECK_EQ(rsp.type, XS_WRITE);
    CHECK_STR(rd(g1, 0, "data/x"), "hello");
    CHECK_STR(rd(g1, 0, "/local/domain/1/data/x"), "hello");
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "data/x"));
    CHECK_STR(joined(), "n1,");                            /* a guest owns what it creates */
    /* A value is bytes: NULs included, no terminator added. */
    CHECK_OK(req(g1, XS_WRITE, 0, "data/bin\0a\0b", 12));
    CHECK_OK(one(g1, XS_READ, 0, "data/bin"));
    CHECK_EQ(rsp.len, 3);
    CHECK(memcmp(rsp.data, "a\0b", 3) == 0);
    CHECK_OK(wr(g1, 0, "data/x", ""));
    CHECK_STR(rd(g1, 0, "data/x"), "");
    CHECK_STR(rd(g1, 0, "data/none"), "!ENOENT");
    /* The reply echoes req_id and tx_id. */
    {
        struct xsd_sockmsg h = { .type = XS_READ, .req_id = 0xabcd, .tx_id = 0, .len = 7 };
        xs_conn_input(s, g1, (const uint8_t *)&h, sizeof(h));
        xs_conn_input(s, g1, (const uint8_t *)"data/x", 7);
        drain(g1);
        CHECK_EQ(rsp.req_id, 0xabcd);
        CHECK_EQ(rsp.type, XS_READ);
    }
}

static void permissions(void)
{
    CHECK_OK(wr(g1, 0, "data/x", "v"));
    CHECK_STR(rd(g2, 0, "/local/domain/1/data/x"), "!EACCES");
    /* A missing node under what one cannot read is EACCES, not ENOENT. */
    CHECK_STR(rd(g2, 0, "/local/domain/1/data/none"), "!EACCES");
    CHECK_STR(rd(g2, 0, "/local/domain/1/none/deeper"), "!EACCES");
    CHECK_STR(rd(g1, 0, "/local/domain/1/none/deeper"), "!ENOENT"); /* its ancestor is r1 */
    CHECK_OK(perms(g1, "data/x", "n1\0r2", 6));
    CHECK_STR(rd(g2, 0, "/local/domain/1/data/x"), "v");
    CHECK_ERR(wr(g2, 0, "/local/domain/1/data/x", "w"), "EACCES");
    CHECK_OK(perms(g1, "data/x", "n1\0b2", 6));
    CHECK_OK(wr(g2, 0, "/local/domain/1/data/x", "w"));
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "data/x"));
    CHECK_STR(joined(), "n1,b2,");
    CHECK_ERR(perms(g1, "data/x", "n2", 3), "EPERM");     /* no giving it away */
    CHECK_ERR(perms(g2, "/local/domain/1/data/x", "n1", 3), "EACCES"); /* not the owner */
    CHECK_ERR(perms(g1, "data/x", "x1", 3), "EINVAL");
    CHECK_ERR(perms(g1, "data/x", "n", 2), "EINVAL");
    CHECK_ERR(perms(g1, "data/x", "r1a", 4), "EINVAL");
    CHECK_ERR(perms(g1, "data/x", "n70000", 7), "EINVAL");
    CHECK_ERR(req(g1, XS_SET_PERMS, 0, "data/x", 7), "EINVAL"); /* no permission at all */
    CHECK_ERR(perms(g1, "data/x", "n1\0r2\0r3\0r4\0r5\0r6", 18), "ENOSPC"); /* 6 > 5 */
    /* The first entry is everyone else's access. */
    CHECK_OK(perms(g1, "data/x", "r1", 3));
    CHECK_STR(rd(g2, 0, "/local/domain/1/data/x"), "w");
    CHECK_ERR(wr(g2, 0, "/local/domain/1/data/x", "z"), "EACCES");
    /* A later entry overrides it for its domain. */
    CHECK_OK(perms(g1, "data/x", "b1\0n2", 6));
    CHECK_STR(rd(g2, 0, "/local/domain/1/data/x"), "!EACCES");
    /* The guest reads but cannot write its own /local/domain/<id> (the toolstack's). */
    CHECK_STR(rd(g1, 0, "/local/domain/1"), "");
    CHECK_ERR(wr(g1, 0, "/local/domain/1", "x"), "EACCES");
    CHECK_ERR(wr(g1, 0, "newthing", "x"), "EACCES");       /* creating needs write on the parent */
    /* The toolstack may give a node away; its charges follow. */
    CHECK_EQ(rd(0, 0, "/local/domain/1/data/x")[0], 'w');
    CHECK(xs_tool_set_perms(s, "/local/domain/1/data/x", "n2", 3) == 0);
    CHECK_OK(wr(g2, 0, "/local/domain/1/data/x", "mine"));
}

static void mkdir_and_directory(void)
{
    CHECK_OK(one(g1, XS_MKDIR, 0, "data/a/b/c"));
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "data/a/b"));
    CHECK_STR(joined(), "c,");
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "data/a"));
    CHECK_STR(joined(), "n1,");
    CHECK_OK(one(g1, XS_MKDIR, 0, "data/a/b"));            /* exists: fine */
    CHECK_STR(rsp.data, "OK");
    CHECK_OK(wr(g1, 0, "data/a/z", "1"));
    CHECK_OK(wr(g1, 0, "data/a/y", "2"));
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "data/a"));
    CHECK_STR(joined(), "b,z,y,");                         /* in the order they were made */
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "data/a/z"));
    CHECK_EQ(rsp.len, 0);
    CHECK_ERR(one(g1, XS_DIRECTORY, 0, "data/none"), "ENOENT");
    CHECK_ERR(one(g2, XS_DIRECTORY, 0, "/local/domain/1/data"), "EACCES");
    CHECK_ERR(one(g1, XS_MKDIR, 0, "/local/domain/2/data/x"), "EACCES");
    /* A listing longer than a payload: E2BIG. */
    for (int i = 0; i < 200; i++) {
        char path[80];
        snprintf(path, sizeof(path), "/tool/list/child-with-a-long-name-%03d", i);
        CHECK(xs_tool_write(s, path, "") == 0);
    }
    CHECK_EQ(xs_tool(s, XS_DIRECTORY, "/tool/list", 11, NULL, 0, NULL), E2BIG);
}

static void directory_part(void)
{
    char out[XENSTORE_PAYLOAD_MAX];
    uint32_t len;
    CHECK_OK(wr(g1, 0, "data/d/one", ""));
    CHECK_OK(wr(g1, 0, "data/d/two", ""));
    CHECK_OK(two(g1, XS_DIRECTORY_PART, 0, "data/d", "0", 1));
    CHECK(rsp.len > 0);
    CHECK_STR(rsp.data + strlen(rsp.data) + 1, "one");    /* generation, then the names */
    CHECK(memcmp(rsp.data + rsp.len - 5, "two\0\0", 5) == 0);  /* an empty name ends the list */
    CHECK_OK(two(g1, XS_DIRECTORY_PART, 0, "data/d", "4", 1));
    CHECK_STR(rsp.data + strlen(rsp.data) + 1, "two");
    CHECK_OK(two(g1, XS_DIRECTORY_PART, 0, "data/d", "99", 1));
    CHECK_EQ(rsp.len, strlen(rsp.data) + 2);               /* past the end: an empty list */
    CHECK_ERR(two(g1, XS_DIRECTORY_PART, 0, "data/d", "x", 1), "EINVAL");
    CHECK_ERR(one(g1, XS_DIRECTORY_PART, 0, "data/d"), "EINVAL");
    /* 200 long names: the parts come in pieces that each fit a payload. */
    for (int i = 0; i < 200; i++) {
        char path[80];
        snprintf(path, sizeof(path), "/tool/list/child-with-a-long-name-%03d", i);
        CHECK(xs_tool_write(s, path, "") == 0);
    }
    CHECK_EQ(xs_tool(s, XS_DIRECTORY_PART, "/tool/list\0" "0", 13, out, sizeof(out), &len), 0);
    CHECK(len > 3000 && len <= XENSTORE_PAYLOAD_MAX);
    CHECK(out[len - 1] == 0 && out[len - 2] != 0);         /* not the end yet */
}

static void rm(void)
{
    CHECK_OK(wr(g1, 0, "data/t/a/b", "1"));
    CHECK_OK(wr(g1, 0, "data/t/c", "2"));
    CHECK_OK(one(g1, XS_RM, 0, "data/t"));
    CHECK_STR(rd(g1, 0, "data/t/a/b"), "!ENOENT");
    CHECK_STR(rd(g1, 0, "data/t"), "!ENOENT");
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "data"));
    CHECK_EQ(rsp.len, 0);
    CHECK_OK(one(g1, XS_RM, 0, "data/t"));                  /* gone, parent there: fine */
    CHECK_ERR(one(g1, XS_RM, 0, "data/t/x"), "ENOENT");    /* parent gone too */
    CHECK_ERR(one(g2, XS_RM, 0, "/local/domain/1/data"), "EACCES");
    CHECK_ERR(one(g1, XS_RM, 0, "/local/domain/1"), "EACCES");
    CHECK_EQ(xs_tool(s, XS_RM, "/", 2, NULL, 0, NULL), EINVAL);
    /* Nothing is charged to it: data was the toolstack's before the guest connected. */
    CHECK_EQ(s->conn[g1].nodes, 0);
}

static void malformed_requests(void)
{
    CHECK_ERR(req(g1, XS_READ, 0, "data", 4), "EINVAL");   /* no NUL */
    CHECK_ERR(req(g1, XS_READ, 0, "data\0x", 7), "EINVAL"); /* bytes after it */
    CHECK_ERR(req(g1, XS_READ, 0, "", 0), "EINVAL");
    CHECK_ERR(req(g1, XS_WRITE, 0, "data/x", 6), "EINVAL"); /* no path terminator */
    CHECK_ERR(rd(g1, 0, "data/") + 1, "EINVAL");
    CHECK_ERR(rd(g1, 0, "/local//domain") + 1, "EINVAL");
    CHECK_ERR(rd(g1, 0, "data/a b") + 1, "EINVAL");
    CHECK_ERR(rd(g1, 0, "") + 1, "EINVAL");
    {
        static char longp[XENSTORE_ABS_PATH_MAX + 2];
        memset(longp, 'a', sizeof(longp) - 1);
        longp[0] = '/';
        CHECK_ERR(rd(0, 0, longp) + 1, "EINVAL");          /* over 3072 */
        longp[XENSTORE_ABS_PATH_MAX] = 0;
        CHECK_STR(rd(0, 0, longp), "!ENOENT");              /* exactly 3072 */
        /* A guest: at most path_max (2048) beyond its own directory. */
        memset(longp, 'a', sizeof(longp));
        longp[2049] = 0;
        CHECK_ERR(rd(g1, 0, longp) + 1, "EINVAL");
        longp[2048] = 0;
        CHECK_STR(rd(g1, 0, longp), "!ENOENT");
    }
    CHECK_ERR(one(g1, 99, 0, "x"), "ENOSYS");
    CHECK_ERR(one(g1, XS_WATCH_EVENT, 0, "x"), "ENOSYS");
    CHECK_ERR(one(g1, XS_ERROR, 0, "x"), "ENOSYS");
    CHECK_ERR(one(g1, XS_INTRODUCE, 0, "x"), "EACCES");    /* the toolstack's */
    CHECK_ERR(one(g1, XS_SET_TARGET, 0, "x"), "EACCES");
    CHECK_EQ(xs_tool(s, XS_INTRODUCE, "x", 2, NULL, 0, NULL), ENOSYS);
    CHECK_ERR(rd(g1, 77, "data") + 1, "ENOENT");           /* no such transaction */
    CHECK_OK(one(g1, XS_GET_DOMAIN_PATH, 0, "7"));
    CHECK_STR(rsp.data, "/local/domain/7");
    CHECK_EQ(rsp.len, 16);
    CHECK_OK(one(g1, XS_GET_DOMAIN_PATH, 0, "65535"));
    CHECK_STR(rsp.data, "/local/domain/65535");
    CHECK_ERR(one(g1, XS_GET_DOMAIN_PATH, 0, "x"), "EINVAL");
    CHECK_ERR(one(g1, XS_GET_DOMAIN_PATH, 0, ""), "EINVAL");
    CHECK_ERR(one(g1, XS_GET_DOMAIN_PATH, 0, "65536"), "EINVAL");
    CHECK(strcmp(xs_error_name(12345), "EINVAL") == 0);
    CHECK(strcmp(xs_error_name(EAGAIN), "EAGAIN") == 0);
}

/* A header announcing more than 4096 bytes ends that connection only. */
static void oversized_message_closes_only_that_guest(void)
{
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .tx_id = 0, .len = XENSTORE_PAYLOAD_MAX + 1 };
    uint8_t bytes[sizeof(h) + 8];
    CHECK_OK(two(g1, XS_WATCH, 0, "data", "t", 1));
    memcpy(bytes, &h, sizeof(h));
    memset(bytes + sizeof(h), 'x', 8);
    CHECK_EQ(xs_conn_input(s, g1, bytes, sizeof(bytes)), sizeof(h)); /* nothing after the header */
    CHECK_EQ(s->conn[g1].state, XS_CONN_CLOSED);
    CHECK_EQ(s->conn[g1].close_reason, XENSTORE_ERROR_PROTO);
    CHECK_EQ(s->conn[g1].watches, 0);
    CHECK_EQ(xs_conn_input(s, g1, bytes, sizeof(bytes)), 0);
    CHECK_EQ(xs_conn_output_pending(s, g1), 0);
    /* The other guest goes on; the closed one's tree stays. */
    CHECK_OK(wr(g2, 0, "data/x", "1"));
    CHECK_STR(rd(0, 0, "/local/domain/1/data"), "");
    /* A payload of exactly 4096 is fine. */
    {
        static uint8_t big[XENSTORE_PAYLOAD_MAX];
        memset(big, 'v', sizeof(big));
        memcpy(big, "data/big", 9);
        CHECK_ERR(req(g2, XS_WRITE, 0, big, sizeof(big)), "ENOSPC"); /* over the entry size */
        CHECK_EQ(s->conn[g2].state, XS_CONN_OPEN);
    }
    /* Released, the slot can serve the domain again. */
    xs_conn_release(s, g1);
    {
        int err;
        CHECK_EQ(xs_conn_open(s, 1, &err), g1);
    }
}

/* Bytes arriving one at a time frame the same messages. */
static void framing_byte_by_byte(void)
{
    struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 5, .tx_id = 0, .len = 9 };
    uint8_t bytes[sizeof(h) + 9];
    memcpy(bytes, &h, sizeof(h));
    memcpy(bytes + sizeof(h), "data/q\0hi", 9);
    for (size_t i = 0; i < sizeof(bytes); i++) CHECK_EQ(xs_conn_input(s, g1, bytes + i, 1), 1);
    drain(g1);
    CHECK_EQ(rsp.req_id, 5);
    CHECK_STR(rsp.data, "OK");
    CHECK_STR(rd(g1, 0, "data/q"), "hi");
    /* A zero-length payload is a whole message too. */
    CHECK_ERR(req(g1, XS_DIRECTORY, 0, "", 0), "EINVAL");
}

static void watches(void)
{
    CHECK_OK(two(g1, XS_WATCH, 0, "data", "tok", 1));
    CHECK_STR(rsp.data, "OK");
    CHECK_EVENT(0, "data", "tok");                          /* fires at once, relative */
    CHECK_OK(two(g1, XS_WATCH, 0, "/local/domain/1/data/b", "abs", 1));
    CHECK_EVENT(0, "/local/domain/1/data/b", "abs");        /* even for a missing node */
    CHECK_OK(wr(g1, 0, "data/a", "1"));
    CHECK_EQ(nev, 1);
    CHECK_EVENT(0, "data/a", "tok");
    CHECK_OK(wr(g1, 0, "data/b/c", "1"));                   /* makes b: both watches */
    CHECK_EQ(nev, 2);
    CHECK_EVENT(0, "data/b/c", "tok");
    CHECK_EVENT(1, "/local/domain/1/data/b/c", "abs");
    CHECK_OK(wr(g1, 0, "data", "x"));                       /* above b: only the data watch */
    CHECK_EQ(nev, 1);
    CHECK_ERR(two(g1, XS_WATCH, 0, "data", "tok", 1), "EEXIST");
    CHECK_OK(two(g1, XS_WATCH, 0, "data", "tok2", 1));     /* same path, other token */
    /* Removing a tree: every watch at or above it with the removed path, and a watch placed
     * exactly on a removed node with its own path. */
    CHECK_OK(one(g1, XS_RM, 0, "data/b"));
    CHECK_EQ(nev, 3);
    CHECK_EVENT(0, "data/b", "tok");
    CHECK_EVENT(1, "/local/domain/1/data/b", "abs");
    CHECK_EVENT(2, "data/b", "tok2");
}

static void watches_exact_on_removed_child(void)
{
    CHECK_OK(wr(g1, 0, "data/b/c", "1"));
    CHECK_OK(two(g1, XS_WATCH, 0, "data/b/c", "child", 1));
    CHECK_OK(one(g1, XS_RM, 0, "data/b"));
    CHECK_EQ(nev, 1);
    CHECK_EVENT(0, "data/b/c", "child");
    CHECK_OK(two(g1, XS_UNWATCH, 0, "data/b/c", "child", 1));
    CHECK_ERR(two(g1, XS_UNWATCH, 0, "data/b/c", "child", 1), "ENOENT");
    CHECK_ERR(one(g1, XS_UNWATCH, 0, "data/b/c"), "EINVAL");
    CHECK_ERR(two(g1, XS_WATCH, 0, "data/", "t", 1), "EINVAL");
    /* Watches ignore tx_id. */
    CHECK_OK(two(g1, XS_WATCH, 12345, "data/z", "t", 1));
}

static void watch_permissions(void)
{
    CHECK_OK(wr(g1, 0, "data/x", "1"));
    CHECK_OK(two(g2, XS_WATCH, 0, "/local/domain/1/data/x", "spy", 1));
    CHECK_EQ(nev, 1);                                       /* the first event comes anyway */
    CHECK_OK(wr(g1, 0, "data/x", "2"));
    drain(g2);
    CHECK_EQ(nev, 0);                                       /* cannot read it: no event */
    CHECK_OK(perms(g1, "data/x", "n1\0r2", 6));
    drain(g2);
    CHECK_EQ(nev, 1);                                       /* now it may read it */
    CHECK_OK(perms(g1, "data/x", "n1", 3));
    drain(g2);
    CHECK_EQ(nev, 1);                                       /* it could before the change */
    CHECK_OK(wr(g1, 0, "data/x", "3"));
    drain(g2);
    CHECK_EQ(nev, 0);
    /* Special watches: registered and fired once; the toolstack's own events are dropped. */
    CHECK_OK(two(g2, XS_WATCH, 0, "@releaseDomain", "rel", 1));
    CHECK_EVENT(0, "@releaseDomain", "rel");
    xs_conn_release(s, g1);
    nev = 0;
    drain(g2);
    CHECK_EQ(nev, 0);                                       /* for privileged watchers only */
    CHECK_ERR(perms(g2, "@releaseDomain", "n2", 3), "EINVAL");
}

static void watch_quota(void)
{
    for (int i = 0; i < 8; i++) {
        char tok[16];
        snprintf(tok, sizeof(tok), "t%d", i);
        CHECK_OK(two(g1, XS_WATCH, 0, "data", tok, 1));
    }
    CHECK_ERR(two(g1, XS_WATCH, 0, "data", "t8", 1), "E2BIG");
    CHECK_OK(two(g2, XS_WATCH, 0, "data", "t8", 1));       /* the other guest has its own */
    CHECK_OK(one(g1, XS_RESET_WATCHES, 0, ""));
    CHECK_EQ(s->conn[g1].watches, 0);
    CHECK_OK(two(g1, XS_WATCH, 0, "data", "t8", 1));
}

static void transactions(void)
{
    uint32_t t = start_tx(g1), t2;
    CHECK_EQ(t, 1);
    CHECK_OK(wr(g1, t, "data/x", "in"));
    CHECK_EQ(rsp.tx_id, t);
    CHECK_STR(rd(g1, t, "data/x"), "in");
    CHECK_STR(rd(g1, 0, "data/x"), "!ENOENT");              /* not before the commit */
    CHECK_OK(one(g1, XS_DIRECTORY, t, "data"));
    CHECK_STR(joined(), "x,");
    CHECK_OK(one(g1, XS_TRANSACTION_END, t, "T"));
    CHECK_STR(rd(g1, 0, "data/x"), "in");
    CHECK_ERR(one(g1, XS_TRANSACTION_END, t, "T"), "ENOENT"); /* ended */
    /* Abort. */
    t = start_tx(g1);
    CHECK_OK(wr(g1, t, "data/y", "1"));
    CHECK_OK(one(g1, XS_RM, t, "data/x"));
    CHECK_STR(rd(g1, t, "data/x"), "!ENOENT");
    CHECK_STR(rd(g1, 0, "data/x"), "in");
    CHECK_OK(one(g1, XS_TRANSACTION_END, t, "F"));
    CHECK_STR(rd(g1, 0, "data/y"), "!ENOENT");
    CHECK_STR(rd(g1, 0, "data/x"), "in");
    /* Errors. */
    CHECK_ERR(one(g1, XS_TRANSACTION_END, 0, "T"), "ENOENT");
    t = start_tx(g1);
    CHECK_ERR(one(g1, XS_TRANSACTION_END, t, "X"), "EINVAL");
    CHECK_ERR(one(g1, XS_TRANSACTION_END, t, "TT"), "EINVAL");
    CHECK_ERR(one(g1, XS_TRANSACTION_START, t, ""), "EBUSY");
    CHECK_ERR(one(g1, XS_TRANSACTION_START, 999, ""), "ENOENT");
    CHECK_ERR(rd(g2, t, "data") + 1, "ENOENT");             /* ids are per connection */
    t2 = start_tx(g1);
    CHECK(t2 != 0 && t2 != t);
    CHECK(start_tx(g1) != 0);
    CHECK_ERR(one(g1, XS_TRANSACTION_START, 0, ""), "ENOSPC"); /* 3 open */
    CHECK(start_tx(g2) != 0);
    CHECK_OK(one(g1, XS_TRANSACTION_END, t, "F"));
    CHECK(start_tx(g1) != 0);
}

static void transaction_conflicts(void)
{
    uint32_t t;
    CHECK_OK(wr(g1, 0, "data/x", "0"));
    t = start_tx(g1);
    CHECK_STR(rd(g1, t, "data/x"), "0");
    CHECK_OK(wr(g1, t, "data/y", "1"));
    CHECK_OK(wr(g1, 0, "data/x", "changed"));               /* outside, meanwhile */
    CHECK_ERR(one(g1, XS_TRANSACTION_END, t, "T"), "EAGAIN");
    CHECK_STR(rd(g1, 0, "data/y"), "!ENOENT");              /* nothing of it applied */
    /* A path read as missing and created meanwhile conflicts too. */
    t = start_tx(g1);
    CHECK_STR(rd(g1, t, "data/new"), "!ENOENT");
    CHECK_OK(wr(g1, 0, "data/new", "1"));
    CHECK_ERR(one(g1, XS_TRANSACTION_END, t, "T"), "EAGAIN");
    /* Two transactions on one node: the first commit wins, the second must retry. */
    CHECK_OK(perms(g1, "data/x", "n1\0b2", 6));
    {
        uint32_t a = start_tx(g1), b = start_tx(g2);
        CHECK_STR(rd(g1, a, "data/x"), "changed");
        CHECK_STR(rd(g2, b, "/local/domain/1/data/x"), "changed");
        CHECK_OK(wr(g1, a, "data/x", "a"));
        CHECK_OK(wr(g2, b, "/local/domain/1/data/x", "b"));
        CHECK_OK(one(g1, XS_TRANSACTION_END, a, "T"));
        CHECK_ERR(one(g2, XS_TRANSACTION_END, b, "T"), "EAGAIN");
        CHECK_STR(rd(g1, 0, "data/x"), "a");
    }
    /* A change elsewhere does not conflict. */
    t = start_tx(g1);
    CHECK_STR(rd(g1, t, "data/x"), "a");
    CHECK_OK(wr(g2, 0, "data/other", "1"));
    CHECK_OK(wr(g1, t, "data/x", "b"));
    CHECK_OK(one(g1, XS_TRANSACTION_END, t, "T"));
    CHECK_STR(rd(g1, 0, "data/x"), "b");
}

static void transaction_watches_fire_at_commit(void)
{
    uint32_t t;
    CHECK_OK(two(g2, XS_WATCH, 0, "/local/domain/2/data", "w", 1));
    t = start_tx(g2);
    CHECK_OK(wr(g2, t, "data/a", "1"));
    CHECK_EQ(nev, 0);
    CHECK_OK(one(g2, XS_MKDIR, t, "data/m/n"));
    CHECK_OK(one(g2, XS_RM, t, "data/a"));
    CHECK_EQ(nev, 0);
    CHECK_OK(one(g2, XS_TRANSACTION_END, t, "T"));
    CHECK(nev >= 3);                                         /* a, m, m/n: each changed path */
    CHECK_STR(rd(g2, 0, "data/m/n"), "");
    CHECK_STR(rd(g2, 0, "data/a"), "!ENOENT");
    CHECK_OK(one(g2, XS_DIRECTORY, 0, "data"));
    CHECK_STR(joined(), "m,");
}

static void quotas(void)
{
    char path[64];
    int i;
    const char *e = NULL;
    /* Nodes: 64 charged to the guest, its data directory among them. */
    for (i = 0; i < 100 && !e; i++) {
        snprintf(path, sizeof(path), "data/n%d", i);
        e = wr(g1, 0, path, "");
    }
    CHECK(e != NULL);
    CHECK_STR(e, "ENOSPC");
    CHECK_EQ(s->conn[g1].nodes, test_cfg.nodes);
    CHECK_OK(wr(g2, 0, "data/fine", "yes"));                 /* the other guest is untouched */
    CHECK_OK(one(g1, XS_RM, 0, "data/n1"));
    CHECK_OK(wr(g1, 0, "data/again", ""));
    /* Entry size: value, children and permissions against 2048. */
    {
        static char big[2100];
        memset(big, 'v', sizeof(big) - 1);
        big[2048 - 24 - 8] = 0;
        CHECK_ERR(wr(g2, 0, "data/fine", big), "ENOSPC");
        big[2048 - 24 - 8 - 1] = 0;
        CHECK_OK(wr(g2, 0, "data/fine", big));
        CHECK(xs_tool_write(s, "/local/domain/2/data/fine", big) == 0); /* the toolstack has no quota */
    }
    /* Bytes: 16 KiB of blocks. */
    {
        static char val[1900];
        memset(val, 'b', sizeof(val) - 1);
        e = NULL;
        for (i = 0; i < 20 && !e; i++) {
            snprintf(path, sizeof(path), "data/big%d", i);
            e = wr(g2, 0, path, val);
        }
        CHECK(e != NULL);
        CHECK_STR(e, "ENOSPC");
        CHECK(s->conn[g2].blocks <= test_cfg.bytes / XS_BLOCK_SIZE);
    }
    /* A creation that fails half-way leaves nothing behind: two nodes free, three needed. */
    CHECK_OK(one(g1, XS_RM, 0, "data/n2"));
    CHECK_OK(one(g1, XS_RM, 0, "data/n3"));
    CHECK_ERR(wr(g1, 0, "data/p/q/r", "v"), "ENOSPC");
    CHECK_STR(rd(g1, 0, "data/p"), "!ENOENT");
    CHECK_EQ(s->conn[g1].nodes, test_cfg.nodes - 2);
    CHECK_OK(wr(g1, 0, "data/p/q", "v"));
    /* A transaction's records count against its guest: tx_nodes (32) per transaction. */
    {
        uint32_t t = start_tx(g2);
        e = NULL;
        for (i = 0; i < 40 && !e; i++) {
            snprintf(path, sizeof(path), "data/r%d", i);
            e = rd(g2, t, path)[0] == '!' ? rd(g2, t, path) + 1 : NULL;
            if (e && strcmp(e, "ENOENT") == 0) e = NULL;
        }
        CHECK(e != NULL);
        CHECK_STR(e, "ENOSPC");
        CHECK_OK(one(g2, XS_TRANSACTION_END, t, "F"));
    }
}

/* A guest that does not read its replies stalls only itself. */
static void output_backpressure(void)
{
    struct xsd_sockmsg h = { .type = XS_GET_DOMAIN_PATH, .req_id = 1, .tx_id = 0, .len = 2 };
    uint8_t msg[sizeof(h) + 2];
    int n = 0;
    CHECK_OK(two(g1, XS_WATCH, 0, "data", "w", 1));
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), "1", 2);
    while (n < 4000 && xs_conn_input(s, g1, msg, sizeof(msg)) == sizeof(msg)) n++;
    CHECK(n > 100 && n < 4000);                              /* it stopped taking requests */
    CHECK(xs_conn_output_pending(s, g1) > XS_OUT_CAP - XS_MSG_MAX);
    CHECK_EQ(xs_conn_input(s, g1, msg, sizeof(msg)), 0);
    CHECK_OK(wr(g2, 0, "data/x", "fine"));                   /* the other guest is served */
    /* Events for the stalled guest fill what room is left, then are dropped and counted; the
     * reply of the request it has waiting keeps its room. */
    for (int i = 0; i < 1000 && s->conn[g1].events_dropped == 0; i++)
        CHECK(xs_tool_write(s, "/local/domain/1/data/x", "1") == 0);
    CHECK_EQ(s->conn[g1].events_dropped, 1);
    CHECK(XS_OUT_CAP - xs_conn_output_pending(s, g1) < 64);
    nev = 0;
    drain(g1);                                               /* it reads */
    CHECK_EQ(xs_conn_output_pending(s, g1), 0);
    CHECK_EQ(xs_conn_input(s, g1, msg, sizeof(msg)), sizeof(msg)); /* and is served again */
    drain(g1);
    CHECK_STR(rsp.data, "/local/domain/1");
    CHECK_STR(rd(g1, 0, "data/x"), "1");
}

/* The ring page: requests from req[], replies to rsp[], indices checked. */
static void ring_page(void)
{
    static struct xenstore_domain_interface page;
    struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 9, .tx_id = 0, .len = 11 };
    uint8_t bytes[sizeof(h) + 11];
    bool moved;
    uint32_t prod = 1020; /* start near the end: the message wraps */
    struct xsd_sockmsg r;
    memset(&page, 0, sizeof(page));
    s->conn[g1].ring_req_cons = prod;
    s->conn[g1].ring_rsp_prod = 1000;
    page.rsp_cons = 1000;
    memcpy(bytes, &h, sizeof(h));
    memcpy(bytes + sizeof(h), "data/r\0val", 11);
    for (uint32_t i = 0; i < sizeof(bytes); i++) page.req[MASK_XENSTORE_IDX(prod + i)] = (char)bytes[i];
    page.req_prod = prod + (uint32_t)sizeof(bytes);
    page.req_cons = 12345;                                   /* the guest's scribble is ignored */
    CHECK(xs_ring_service(s, g1, &page, &moved));
    CHECK(moved);
    CHECK_EQ(page.req_cons, page.req_prod);
    CHECK_EQ(page.rsp_prod, 1000 + sizeof(r) + 3);
    for (uint32_t i = 0; i < sizeof(r); i++) ((uint8_t *)&r)[i] = (uint8_t)page.rsp[MASK_XENSTORE_IDX(1000 + i)];
    CHECK_EQ(r.type, XS_WRITE);
    CHECK_EQ(r.req_id, 9);
    CHECK_EQ(r.len, 3);
    CHECK_STR(rd(g1, 0, "data/r"), "val");
    /* Nothing to do: nothing moves. */
    CHECK(xs_ring_service(s, g1, &page, &moved));
    CHECK(!moved);
    /* A producer index more than a ring ahead closes the connection. */
    page.req_prod += XENSTORE_RING_SIZE + 1;
    CHECK(!xs_ring_service(s, g1, &page, &moved));
    CHECK_EQ(s->conn[g1].state, XS_CONN_CLOSED);
    CHECK_EQ(s->conn[g1].close_reason, XENSTORE_ERROR_RINGIDX);
    /* So does a consumer index of the replies out of range. */
    memset(&page, 0, sizeof(page));
    page.rsp_cons = 5000;
    CHECK(!xs_ring_service(s, g2, &page, &moved));
    CHECK_EQ(s->conn[g2].state, XS_CONN_CLOSED);
}

/* A released guest's nodes stay, held by the toolstack; its slot serves a new domain. */
static void release_moves_charges(void)
{
    int err;
    uint32_t c;
    CHECK_OK(wr(g1, 0, "data/a/b", "1"));
    CHECK_EQ(s->conn[g1].nodes, 2);
    xs_conn_release(s, g1);
    CHECK_EQ(s->conn[g1].state, XS_CONN_FREE);
    CHECK_STR(rd(0, 0, "/local/domain/1/data/a/b"), "1");
    c = xs_conn_open(s, 7, &err);
    CHECK_EQ(c, g1);
    CHECK_EQ(s->conn[c].nodes, 0);
    CHECK(xs_check(s) == NULL);
    CHECK_EQ(xs_conn_open(s, 0, &err), XS_NONE);              /* domain 0 is the toolstack */
}

/* The toolstack tree of servers/xenstore/tree.c, as a guest and its neighbour see it. */
static void toolstack_tree(void)
{
    CHECK_EQ(xs_tree_guest(s, 1, "alpha", 2), 0);
    CHECK_EQ(xs_tree_guest(s, 2, "beta", 1), 0);
    CHECK_STR(rd(g1, 0, "cpu/1/availability"), "online");
    CHECK_STR(rd(g2, 0, "cpu/1/availability"), "!ENOENT");
    CHECK_STR(rd(g1, 0, "domid"), "1");
    CHECK_STR(rd(g1, 0, "name"), "alpha");
    CHECK_STR(rd(g2, 0, "/local/domain/2/name"), "beta");
    CHECK_STR(rd(g1, 0, "control/platform-feature-xs_reset_watches"), "1");
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "name"));
    CHECK_STR(joined(), "n0,r1,");
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "device"));
    CHECK_STR(joined(), "n1,");
    /* the toolstack's nodes: read-only for the guest; its own: everything below them */
    CHECK_ERR(wr(g1, 0, "name", "mallory"), "EACCES");
    CHECK_ERR(wr(g1, 0, "control/new", "1"), "EACCES");
    CHECK_ERR(one(g1, XS_RM, 0, "domid"), "EACCES");
    CHECK_OK(wr(g1, 0, "control/feature-poweroff", "1"));
    CHECK_OK(wr(g1, 0, "device/vif/0/state", "1"));
    CHECK_OK(wr(g1, 0, "data/x", "y"));
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "control"));
    CHECK_STR(joined(), "platform-feature-xs_reset_watches,platform-feature-multiprocessor-suspend,shutdown,"
                        "feature-poweroff,feature-reboot,feature-suspend,feature-s3,feature-s4,");
    /* nothing of one guest is readable by the other */
    CHECK_STR(rd(g2, 0, "/local/domain/1/name"), "!EACCES");
    CHECK_STR(rd(g2, 0, "/local/domain/1/device/vif/0/state"), "!EACCES");
    CHECK_ERR(wr(g2, 0, "/local/domain/1/data/x", "z"), "EACCES");
    /* the watch Linux's shutdown handler places fires at once, and on the toolstack's write */
    CHECK_OK(two(g1, XS_WATCH, 0, "control/shutdown", "tok", 1));
    CHECK_EVENT(0, "control/shutdown", "tok");
    CHECK_EQ(xs_tool_write(s, "/local/domain/1/control/shutdown", "poweroff"), 0);
    drain(g1);
    CHECK_EVENT(0, "control/shutdown", "tok");
}

/* The device trees of servers/xenstore/devices.c: a vif and a vbd from domain 2 (frontend) to
 * domain 1 (backend), as each side and a third guest see them. */
static void device_trees(void)
{
    int err;
    uint32_t g3 = xs_conn_open(s, 3, &err);
    CHECK(g3 != XS_NONE);
    CHECK_EQ(xs_tree_guest(s, 1, "dd", 1), 0);
    CHECK_EQ(xs_tree_guest(s, 2, "user", 1), 0);
    CHECK_EQ(xs_tree_guest(s, 3, "other", 1), 0);
    const struct xs_device vif = {.kind = "vif", .devid = 0, .front_domid = 2, .back_domid = 1, .front = "user",
                                  .back = "dd", .mac = "00:16:3e:00:02:00", .bridge = "xenbr0", .dev = "",
                                  .target = "", .physical = "", .read_only = 0};
    const struct xs_device vif2 = {.kind = "vif", .devid = 1, .front_domid = 2, .back_domid = 1, .front = "user",
                                   .back = "dd", .mac = "00:16:3e:00:02:01", .bridge = "", .dev = "",
                                   .target = "", .physical = "", .read_only = 0};
    const struct xs_device vbd = {.kind = "vbd", .devid = 51712, .front_domid = 2, .back_domid = 1, .front = "user",
                                  .back = "dd", .mac = "", .bridge = "", .dev = "xvda", .target = "/dev/loop0",
                                  .physical = "7:0", .read_only = 1};
    const struct xs_device bad = {.kind = "vscsi", .devid = 0, .front_domid = 2, .back_domid = 1, .front = "user",
                                  .back = "dd", .mac = "", .bridge = "", .dev = "", .target = "", .physical = "",
                                  .read_only = 0};
    CHECK_EQ(xs_tree_device(s, &vif), 0);
    CHECK_EQ(xs_tree_device(s, &vif2), 0);
    CHECK_EQ(xs_tree_device(s, &vbd), 0);
    CHECK_EQ(xs_tree_device(s, &bad), EINVAL);
    /* the frontend's vif: libxl's keys, [n2, r1] on the directory and each key */
    CHECK_STR(rd(g2, 0, "device/vif/0/backend"), "/local/domain/1/backend/vif/2/0");
    CHECK_STR(rd(g2, 0, "device/vif/0/backend-id"), "1");
    CHECK_STR(rd(g2, 0, "device/vif/0/state"), "1");
    CHECK_STR(rd(g2, 0, "device/vif/0/handle"), "0");
    CHECK_STR(rd(g2, 0, "device/vif/0/mac"), "00:16:3e:00:02:00");
    CHECK_STR(rd(g2, 0, "device/vif/0/trusted"), "1");
    CHECK_STR(rd(g2, 0, "device/vif/1/handle"), "1");
    CHECK_OK(one(g2, XS_GET_PERMS, 0, "device/vif/0"));
    CHECK_STR(joined(), "n2,r1,");
    CHECK_OK(one(g2, XS_GET_PERMS, 0, "device/vif/0/mac"));
    CHECK_STR(joined(), "n2,r1,");
    /* the backend's vif: [n1, r2], netback's required keys and the hotplug script's answer */
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/frontend"), "/local/domain/2/device/vif/0");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/frontend-id"), "2");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/online"), "1");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/state"), "1");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/script"), "vif-bridge");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/mac"), "00:16:3e:00:02:00");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/handle"), "0");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/type"), "vif");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/hotplug-status"), "connected");
    CHECK_STR(rd(g1, 0, "backend/vif/2/0/bridge"), "xenbr0");
    CHECK_STR(rd(g1, 0, "backend/vif/2/1/bridge"), "!ENOENT"); /* not given, not written */
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "backend/vif/2/0"));
    CHECK_STR(joined(), "n1,r2,");
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "backend/vif/2/0/hotplug-status"));
    CHECK_STR(joined(), "n1,r2,");
    CHECK_OK(one(g1, XS_GET_PERMS, 0, "backend"));
    CHECK_STR(joined(), "n1,");
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "backend"));
    CHECK_STR(joined(), "vif,vbd,");
    CHECK_OK(one(g1, XS_DIRECTORY, 0, "backend/vif/2"));
    CHECK_STR(joined(), "0,1,");
    /* the vbd: blkfront's required device-type, blkback's dev, mode, physical-device */
    CHECK_STR(rd(g2, 0, "device/vbd/51712/backend"), "/local/domain/1/backend/vbd/2/51712");
    CHECK_STR(rd(g2, 0, "device/vbd/51712/virtual-device"), "51712");
    CHECK_STR(rd(g2, 0, "device/vbd/51712/device-type"), "disk");
    CHECK_STR(rd(g2, 0, "device/vbd/51712/state"), "1");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/frontend"), "/local/domain/2/device/vbd/51712");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/dev"), "xvda");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/mode"), "r");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/type"), "phy");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/params"), "/dev/loop0");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/physical-device"), "7:0");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/hotplug-status"), "connected");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/removable"), "0");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/bootable"), "1");
    CHECK_STR(rd(g1, 0, "backend/vbd/2/51712/device-type"), "disk");
    /* each side reads the other's device, writes only its own */
    CHECK_STR(rd(g1, 0, "/local/domain/2/device/vbd/51712/state"), "1");
    CHECK_STR(rd(g2, 0, "/local/domain/1/backend/vbd/2/51712/state"), "1");
    CHECK_OK(wr(g2, 0, "device/vbd/51712/ring-ref", "8"));
    CHECK_STR(rd(g1, 0, "/local/domain/2/device/vbd/51712/ring-ref"), "8"); /* inherits [n2, r1] */
    CHECK_ERR(wr(g1, 0, "/local/domain/2/device/vbd/51712/state", "5"), "EACCES");
    CHECK_ERR(wr(g2, 0, "/local/domain/1/backend/vbd/2/51712/state", "5"), "EACCES");
    CHECK_OK(wr(g1, 0, "backend/vbd/2/51712/state", "2"));
    CHECK_STR(rd(g2, 0, "/local/domain/1/backend/vbd/2/51712/state"), "2");
    /* the backend watches the frontend's state (xenbus_watch_otherend): at once, then on change */
    CHECK_OK(two(g1, XS_WATCH, 0, "/local/domain/2/device/vbd/51712/state", "fe", 1));
    CHECK_EVENT(0, "/local/domain/2/device/vbd/51712/state", "fe");
    CHECK_OK(wr(g2, 0, "device/vbd/51712/state", "3"));
    drain(g1);
    CHECK_EVENT(0, "/local/domain/2/device/vbd/51712/state", "fe");
    /* the frontend lists nothing else of the backend's; a third guest reads neither side */
    CHECK_ERR(one(g2, XS_DIRECTORY, 0, "/local/domain/1/backend"), "EACCES");
    CHECK_ERR(one(g2, XS_DIRECTORY, 0, "/local/domain/1/backend/vif/2"), "EACCES");
    CHECK_STR(rd(g3, 0, "/local/domain/2/device/vif/0/mac"), "!EACCES");
    CHECK_STR(rd(g3, 0, "/local/domain/2/device/vbd/51712/backend"), "!EACCES");
    CHECK_STR(rd(g3, 0, "/local/domain/1/backend/vif/2/0/mac"), "!EACCES");
    CHECK_STR(rd(g3, 0, "/local/domain/1/backend/vbd/2/51712/params"), "!EACCES");
    CHECK_ERR(one(g3, XS_DIRECTORY, 0, "/local/domain/1/backend"), "EACCES");
    CHECK_ERR(wr(g3, 0, "/local/domain/1/backend/vif/2/0/state", "4"), "EACCES");
    CHECK_ERR(wr(g3, 0, "/local/domain/2/device/vif/0/state", "4"), "EACCES");
    /* its watch fires once at registration, as Xen's does for any path, then never */
    CHECK_OK(two(g3, XS_WATCH, 0, "/local/domain/2/device/vif/0/state", "spy", 1));
    CHECK_EQ(nev, 1);
    CHECK_OK(wr(g2, 0, "device/vif/0/state", "4"));
    nev = 0;
    drain(g3);
    CHECK_EQ(nev, 0);
}

int main(void)
{
    test_run("root_and_init", root_and_init);
    test_run("write_read_relative", write_read_relative);
    test_run("permissions", permissions);
    test_run("mkdir_and_directory", mkdir_and_directory);
    test_run("directory_part", directory_part);
    test_run("rm", rm);
    test_run("malformed_requests", malformed_requests);
    test_run("oversized_message_closes_only_that_guest", oversized_message_closes_only_that_guest);
    test_run("framing_byte_by_byte", framing_byte_by_byte);
    test_run("watches", watches);
    test_run("watches_exact_on_removed_child", watches_exact_on_removed_child);
    test_run("watch_permissions", watch_permissions);
    test_run("watch_quota", watch_quota);
    test_run("transactions", transactions);
    test_run("transaction_conflicts", transaction_conflicts);
    test_run("transaction_watches_fire_at_commit", transaction_watches_fire_at_commit);
    test_run("quotas", quotas);
    test_run("output_backpressure", output_backpressure);
    test_run("ring_page", ring_page);
    test_run("release_moves_charges", release_moves_charges);
    test_run("toolstack_tree", toolstack_tree);
    test_run("device_trees", device_trees);
    return check_summary();
}
