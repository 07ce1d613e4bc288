/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The xenstore engine (docs/xenstore.md): the node tree with Xen's permissions, watches,
 * transactions and quotas, and the xs_wire message framing of each connection. Portable: no
 * system call, no heap; everything lives in one struct xs_store whose sizes are the compile-time
 * limits below, and the per-domain quotas of struct xs_config must fit in them (xs_init checks).
 * One concern per file:
 *   blocks.c  strings in chains of 64-byte blocks, the per-domain accounting
 *   nodes.c   paths, the node table (a hash of (transaction, path)), permissions, children
 *   txn.c     transactions: records of what a transaction read and wrote, commit
 *   watch.c   watches and their events
 *   ops.c     the operations of the wire protocol
 *   conn.c    connections: input framing, the output queue, opening and closing
 *   ring.c    a guest's ring page (struct xenstore_domain_interface) to and from a connection
 *   check.c   the invariants, for tests and the fuzzer
 */
#ifndef XENSTORE_STORE_H
#define XENSTORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/* Compile-time sizes of the arena (override with -D). */
#ifndef XS_MAX_CONNS
#define XS_MAX_CONNS 16u        /* connections: the toolstack's and one per guest */
#endif
#ifndef XS_NODES
#define XS_NODES 8192u          /* node records, committed and transactions' */
#endif
#ifndef XS_BLOCKS
#define XS_BLOCKS 32768u        /* 64-byte blocks for paths, values, child lists, watches */
#endif
#ifndef XS_WATCHES
#define XS_WATCHES 1024u
#endif
#define XS_TX_PER_CONN 16u      /* transactions open at once on one connection, at most */
#define XS_PERMS_MAX 8u         /* permission entries of a node */
#define XS_BLOCK_SIZE 64u
#define XS_HASH_BUCKETS 4096u
#define XS_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
#define XS_OUT_CAP (4u * XS_MSG_MAX) /* a connection's queue of replies and events */
#define XS_NONE UINT32_MAX
#define XS_NO_GENERATION UINT64_MAX

/* Permission bits (Xen's XS_PERM_*). */
#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u

/* Per-domain quotas; a privileged connection (the toolstack) is held to none of them. */
struct xs_config {
    uint32_t nodes;        /* node records charged to the domain (those it owns, its transactions') */
    uint32_t bytes;        /* bytes of blocks charged to it, counted in whole 64-byte blocks */
    uint32_t entry_size;   /* a node as Xen counts it: 24 + 8 per permission + value + children */
    uint32_t watches;
    uint32_t transactions; /* open at once, at most XS_TX_PER_CONN */
    uint32_t tx_nodes;     /* nodes one transaction may read or write */
    uint32_t perms;        /* permission entries a guest may set */
    uint32_t path_max;     /* a guest's path beyond its /local/domain/<id>/ */
};

/* Xen's defaults (xenstored_core.c), with a byte quota of our own in place of its memory one. */
#define XS_CONFIG_DEFAULT { .nodes = 1000, .bytes = 256u * 1024u, .entry_size = 2048, \
    .watches = 128, .transactions = 10, .tx_nodes = 1024, .perms = 5, \
    .path_max = XENSTORE_REL_PATH_MAX }

struct xs_perm {
    uint16_t id;
    uint8_t bits;
};

/* A string: a chain of blocks (first block index, length in bytes). */
struct xs_str {
    uint32_t first;
    uint32_t len;
};

struct xs_node {
    uint32_t hash_next;     /* next in the bucket, XS_NONE at the end; also the free list */
    uint32_t tx;            /* 0: the committed tree; t + 1: a record of transaction slot t */
    uint32_t charged;       /* connection whose quota holds this record and its blocks */
    uint8_t in_use, modified, deleted; /* modified/deleted: transaction records only */
    uint8_t nperms;
    struct xs_perm perms[XS_PERMS_MAX];
    struct xs_str path, value, children; /* children: names, each NUL-terminated */
    uint64_t generation;    /* committed: last change; a record: the committed one at first access */
};

struct xs_watch {
    uint32_t conn;          /* XS_NONE: free */
    uint32_t rel;           /* length of the domain prefix to strip from event paths, 0 if absolute */
    struct xs_str path, token;
};

struct xs_txn {
    bool in_use;
    uint32_t id;            /* the connection's name for it (tx_id on the wire) */
    uint32_t records;       /* node records it holds */
    int fail;               /* an error that left it half done: its commit returns it */
};

enum xs_conn_state { XS_CONN_FREE, XS_CONN_OPEN, XS_CONN_CLOSED };

struct xs_conn {
    enum xs_conn_state state;
    uint16_t domid;
    bool privileged;
    /* accounting */
    uint32_t nodes, blocks, watches, txns;
    /* input: a message being received, complete when in_used == 16 + header len */
    uint32_t in_used;
    union { struct xsd_sockmsg hdr; uint8_t raw[XS_MSG_MAX]; } in;
    /* output: a byte ring of whole messages */
    uint32_t out_head, out_tail;
    uint8_t out[XS_OUT_CAP];
    uint32_t next_tx_id;
    struct xs_txn txn[XS_TX_PER_CONN];
    uint32_t ring_req_cons, ring_rsp_prod; /* ring.c: the server's own indices of the page */
    uint64_t events_dropped;  /* watch events that found no room in the output queue */
    uint32_t close_reason;    /* XENSTORE_ERROR_* once closed */
};

struct xs_store {
    struct xs_config cfg;
    uint64_t generation;
    uint32_t block_free, blocks_free_count;
    uint32_t node_free, nodes_free_count;
    uint32_t bucket[XS_HASH_BUCKETS];
    struct xs_node node[XS_NODES];
    struct xs_watch watch[XS_WATCHES];
    struct xs_conn conn[XS_MAX_CONNS];
    uint32_t block_next[XS_BLOCKS];
    uint8_t block[XS_BLOCKS][XS_BLOCK_SIZE];
    /* scratch: the request being served (tx and the canonical path) and the reply */
    uint32_t cur_conn, cur_tx;
    uint32_t initial_watch;  /* a watch just added: its first event follows the reply */
    char path_a[XENSTORE_ABS_PATH_MAX + 1], path_b[XENSTORE_ABS_PATH_MAX + 1];
    uint32_t reply_len;
    uint8_t reply[XENSTORE_PAYLOAD_MAX];
};

/* --- the interface the server and the tests use --- */

/* Sets up an empty store ("/" owned by domain 0, nobody else may read it) with the toolstack's
 * connection 0 (domain 0, privileged). Fails with EINVAL when the quotas of max_guests guests
 * cannot all be met by the arena at once. */
int xs_init(struct xs_store *s, const struct xs_config *cfg, uint32_t max_guests);

/* Opens a connection for a guest (unprivileged); returns its index or XS_NONE (EEXIST: a
 * connection of that domain is open; ENOSPC: no free connection). Fires @introduceDomain. */
uint32_t xs_conn_open(struct xs_store *s, uint16_t domid, int *err);

/* Ends a connection: its watches, transactions and queued bytes go; the slot stays CLOSED
 * (nothing more is read or written) until xs_conn_release frees it. reason: XENSTORE_ERROR_*. */
void xs_conn_close(struct xs_store *s, uint32_t c, uint32_t reason);
/* The guest is gone: closes, frees the slot, fires @releaseDomain. Its nodes stay. */
void xs_conn_release(struct xs_store *s, uint32_t c);

/* Feeds bytes the guest wrote; returns how many were taken. Bytes are left when the output
 * queue has no room for a reply (the guest must read first) or the connection closed. */
size_t xs_conn_input(struct xs_store *s, uint32_t c, const uint8_t *buf, size_t len);
/* Copies up to max bytes of queued output; xs_conn_output_done drops n of them. */
size_t xs_conn_output(const struct xs_store *s, uint32_t c, uint8_t *buf, size_t max);
void xs_conn_output_done(struct xs_store *s, uint32_t c, size_t n);
size_t xs_conn_output_pending(const struct xs_store *s, uint32_t c);

/* The toolstack (connection 0): one request, served at once. Returns 0 or the error (an
 * errno value); a reply payload is copied to reply (up to max, its length in *len). Watch
 * events for the toolstack are dropped. */
int xs_tool(struct xs_store *s, uint32_t type, const void *payload, uint32_t len,
            void *reply, uint32_t max, uint32_t *reply_len);
/* Shorthands: write a value, set permissions from "n0\0r2\0"-style strings. */
int xs_tool_write(struct xs_store *s, const char *path, const char *value);
int xs_tool_set_perms(struct xs_store *s, const char *path, const char *perms, uint32_t perms_len);

/* The error name Xen sends for errno value err ("EINVAL" for any it does not know). */
const char *xs_error_name(int err);

/* Consistency of the whole store (tests and the fuzzer): 0, or a short reason. */
const char *xs_check(const struct xs_store *s);

/* ring.c: moves the guest's requests from its page into the connection and queued output to
 * the page. Returns false when the page's indices are out of range (the connection is then
 * closed with XENSTORE_ERROR_RINGIDX). *moved says whether a byte moved either way. */
bool xs_ring_service(struct xs_store *s, uint32_t c, struct xenstore_domain_interface *intf,
                     bool *moved);

/* --- internal, between the engine's files --- */

/* blocks.c */
int xs_str_set(struct xs_store *s, uint32_t charge, bool enforce, struct xs_str *str,
               const void *data, uint32_t len);
void xs_str_free(struct xs_store *s, uint32_t charge, struct xs_str *str);
void xs_str_read(const struct xs_store *s, const struct xs_str *str, uint32_t off, void *out,
                 uint32_t len);
bool xs_str_eq(const struct xs_store *s, const struct xs_str *str, const char *data, uint32_t len);
int xs_str_copy(struct xs_store *s, uint32_t charge, bool enforce, struct xs_str *dst,
                const struct xs_str *src);
int xs_str_append(struct xs_store *s, uint32_t charge, bool enforce, struct xs_str *str,
                  const void *data, uint32_t len);
void xs_str_cut(struct xs_store *s, uint32_t charge, struct xs_str *str, uint32_t off, uint32_t n);
int xs_charge_node(struct xs_store *s, uint32_t charge, bool enforce);
void xs_uncharge_node(struct xs_store *s, uint32_t charge);
void xs_move_charge(struct xs_store *s, uint32_t from, uint32_t to, uint32_t blocks);
uint32_t xs_blocks_for(uint32_t len);

/* nodes.c */
uint32_t xs_charge_of(const struct xs_store *s, uint16_t owner);
int xs_canonical(struct xs_store *s, uint32_t c, const char *in, char *out, bool *relative);
bool xs_valid_path(const struct xs_store *s, uint32_t c, const char *path);
uint32_t xs_find(const struct xs_store *s, uint32_t tx, const char *path);
uint32_t xs_node_alloc(struct xs_store *s, uint32_t tx, uint32_t charge, bool enforce,
                       const char *path, int *err);
void xs_node_free(struct xs_store *s, uint32_t n);
uint32_t xs_perm_for(const struct xs_store *s, uint32_t c, const struct xs_node *n);
uint32_t xs_entry_size(const struct xs_node *n);
const char *xs_parent(const char *path, char *out);
const char *xs_basename(const char *path);
int xs_children_add(struct xs_store *s, uint32_t n, const char *name, bool enforce);
void xs_children_del(struct xs_store *s, uint32_t n, const char *name);

/* txn.c: the node a request sees at path (XS_NONE: none), recording the access in a transaction */
uint32_t xs_view(struct xs_store *s, const char *path, int *err);
uint32_t xs_view_modify(struct xs_store *s, const char *path, int *err);
int xs_view_delete(struct xs_store *s, const char *path);
uint32_t xs_txn_slot(const struct xs_store *s, uint32_t c, uint32_t id);
int xs_txn_start(struct xs_store *s, uint32_t c, uint32_t *id);
int xs_txn_end(struct xs_store *s, uint32_t c, uint32_t slot, bool commit);
void xs_txn_drop_all(struct xs_store *s, uint32_t c);
void xs_touch(struct xs_store *s, uint32_t n);

/* watch.c */
int xs_watch_add(struct xs_store *s, uint32_t c, const char *path, const char *token,
                 uint32_t rel, uint32_t *index);
int xs_watch_del(struct xs_store *s, uint32_t c, const char *path, const char *token);
void xs_watch_drop_all(struct xs_store *s, uint32_t c);
void xs_fire(struct xs_store *s, const char *path, const struct xs_node *perms_of,
             const struct xs_node *old_perms, bool exact);
void xs_fire_special(struct xs_store *s, const char *name);
void xs_queue_event(struct xs_store *s, uint32_t c, const char *path, uint32_t path_len,
                    const struct xs_str *token);

/* conn.c */
bool xs_queue(struct xs_store *s, uint32_t c, uint32_t type, uint32_t req_id, uint32_t tx_id,
              const void *payload, uint32_t len, const void *payload2, uint32_t len2);

/* ops.c: serves one complete request of connection c; queues the reply. */
void xs_serve(struct xs_store *s, uint32_t c, const struct xsd_sockmsg *hdr, const uint8_t *payload);

#endif
