/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target: the xenstore engine's message parser and operations, driven by two
 * guests and the toolstack. The input is a list of steps (docs/xenstore.md): raw bytes into a
 * guest's connection (framing, oversized headers), well-framed requests of any type, tx_id
 * and payload (paths taken from a small dictionary half of the time, so that operations reach
 * real nodes), reading output, toolstack writes and permission changes, a guest released and
 * back, and the ring page with indices from the input. After every step the store's
 * invariants must hold (xs_check) and every queued message must be whole.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"

static struct xs_store store;
static struct xenstore_domain_interface page;

static const char *const dict[] = {
    "data", "data/a", "data/a/b", "/local/domain/1/data", "/local/domain/2/data/x",
    "/local/domain/1", "/", "@releaseDomain", "data/a/b/c/d", "/tool", "x", "",
};
#define NDICT (sizeof(dict) / sizeof(dict[0]))

struct input {
    const uint8_t *p;
    size_t left;
};

static uint8_t byte(struct input *in)
{
    if (!in->left) return 0;
    in->left--;
    return *in->p++;
}

/* What each guest has read so far must parse as whole messages: a header with a payload of
 * at most 4096 bytes, of a type a server sends. */
struct stream {
    uint8_t hdr[sizeof(struct xsd_sockmsg)];
    uint32_t got, payload_left;
};
static struct stream streams[2];

static void read_bytes(struct stream *st, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (st->payload_left) {
            st->payload_left--;
            continue;
        }
        st->hdr[st->got++] = b[i];
        if (st->got == sizeof(st->hdr)) {
            struct xsd_sockmsg h;
            memcpy(&h, st->hdr, sizeof(h));
            if (h.len > XENSTORE_PAYLOAD_MAX || h.type >= XS_TYPE_COUNT) abort();
            st->payload_left = h.len;
            st->got = 0;
        }
    }
}

static void request(struct input *in, uint32_t c)
{
    uint8_t msg[XS_MSG_MAX];
    struct xsd_sockmsg h;
    uint32_t len = 0, want;
    h.type = byte(in) % 28u;
    h.req_id = byte(in);
    h.tx_id = byte(in) % 4u;
    if (byte(in) & 1) {
        const char *d = dict[byte(in) % NDICT];
        memcpy(msg + sizeof(h), d, strlen(d) + 1);
        len = (uint32_t)strlen(d) + 1;
    }
    want = byte(in);
    for (; want > 0 && in->left && len < XENSTORE_PAYLOAD_MAX; want--) msg[sizeof(h) + len++] = byte(in);
    if (byte(in) & 1) {
        /* a long value, to reach the quotas */
        uint32_t n = (uint32_t)byte(in) * 16u;
        if (n > XENSTORE_PAYLOAD_MAX - len) n = XENSTORE_PAYLOAD_MAX - len;
        memset(msg + sizeof(h) + len, 'v', n);
        len += n;
    }
    h.len = len;
    memcpy(msg, &h, sizeof(h));
    xs_conn_input(&store, c, msg, sizeof(h) + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct xs_config cfg = { .nodes = 64, .bytes = 16 * 1024, .entry_size = 2048,
        .watches = 8, .transactions = 3, .tx_nodes = 32, .perms = 5, .path_max = 2048 };
    struct input in = { data, size };
    uint32_t guest[2];
    int err;
    if (xs_init(&store, &cfg, 2)) abort();
    xs_tool_write(&store, "/local/domain/1/data", "");
    xs_tool_set_perms(&store, "/local/domain/1/data", "n1", 3);
    xs_tool_write(&store, "/local/domain/2/data", "");
    xs_tool_set_perms(&store, "/local/domain/2/data", "n2\0r1", 6);
    guest[0] = xs_conn_open(&store, 1, &err);
    guest[1] = xs_conn_open(&store, 2, &err);
    memset(streams, 0, sizeof(streams));
    for (unsigned steps = 0; in.left && steps < 400; steps++) {
        uint8_t op = byte(&in);
        uint32_t c = guest[op & 1];
        switch ((op >> 1) % 8) {
        case 0: { /* raw bytes */
            uint8_t n = byte(&in);
            size_t k = n < in.left ? n : in.left;
            xs_conn_input(&store, c, in.p, k);
            in.p += k;
            in.left -= k;
            break;
        }
        case 1: case 2: case 3:
            request(&in, c);
            break;
        case 4: { /* the guest reads some of its output */
            static uint8_t buf[XS_OUT_CAP];
            size_t n = xs_conn_output(&store, c, buf, (size_t)byte(&in) * 64u);
            read_bytes(&streams[op & 1], buf, n);
            xs_conn_output_done(&store, c, n);
            xs_conn_input(&store, c, NULL, 0);
            break;
        }
        case 5: { /* the toolstack */
            const char *path = dict[byte(&in) % NDICT];
            if (path[0] != '/') break;
            if (byte(&in) & 1) xs_tool_write(&store, path, "t");
            else xs_tool_set_perms(&store, path, (byte(&in) & 1) ? "n1\0r2" : "n2\0b1", 6);
            break;
        }
        case 6: /* a guest goes away and comes back */
            xs_conn_release(&store, c);
            streams[op & 1] = (struct stream){ { 0 }, 0, 0 };
            guest[op & 1] = xs_conn_open(&store, (uint16_t)((op & 1) + 1), &err);
            if (guest[op & 1] == XS_NONE) abort();
            break;
        case 7: { /* the ring page, indices from the input */
            bool moved;
            page.req_prod = store.conn[c].ring_req_cons + byte(&in) * 8u;
            page.rsp_cons = store.conn[c].ring_rsp_prod - byte(&in) * 8u;
            uint32_t from = store.conn[c].ring_rsp_prod;
            for (unsigned i = 0; i < 64 && in.left; i++) page.req[(page.req_prod - 64 + i) % 1024] = (char)byte(&in);
            xs_ring_service(&store, c, &page, &moved);
            for (; from != store.conn[c].ring_rsp_prod; from++)
                read_bytes(&streams[op & 1], (const uint8_t *)&page.rsp[MASK_XENSTORE_IDX(from)], 1);
            break;
        }
        }
        {
            const char *why = xs_check(&store);
            if (why) {
                fprintf(stderr, "store invariant broken: %s\n", why);
                abort();
            }
        }
        /* A closed connection's queue is gone, and with it any message half read. */
        for (int g = 0; g < 2; g++)
            if (store.conn[guest[g]].state != XS_CONN_OPEN) streams[g] = (struct stream){ { 0 }, 0, 0 };
    }
    return 0;
}
