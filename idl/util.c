/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Support shared by all passes: the arena (one compilation frees everything at once, so no
 * pass can leak), growable arrays, name tables and diagnostics. No pass logic here.
 */
#include "bhidl.h"

#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN (64u * 1024u)

void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    struct arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = malloc(sizeof *c + size);
        if (!c) {
            fputs("bhidl: out of memory\n", stderr);
            exit(2);
        }
        c->used = 0;
        c->size = size;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strdup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *c = a->head;
        a->head = c->next;
        free(c);
    }
}

void *da_grow_(struct arena *a, void **v, size_t *n, size_t *cap, size_t elsz)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void *nv = arena_alloc(a, ncap * elsz);
        if (*n) memcpy(nv, *v, *n * elsz);
        *v = nv;
        *cap = ncap;
    }
    unsigned char *p = (unsigned char *)*v + *n * elsz;
    memset(p, 0, elsz);
    (*n)++;
    return p;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void *symtab_get(const struct symtab *t, const char *key)
{
    if (!t->cap) return NULL;
    size_t i = (size_t)hash_str(key) & (t->cap - 1);
    while (t->keys[i]) {
        if (!strcmp(t->keys[i], key)) return t->vals[i];
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;
}

static void symtab_insert(struct symtab *t, const char *key, void *val)
{
    size_t i = (size_t)hash_str(key) & (t->cap - 1);
    while (t->keys[i]) i = (i + 1) & (t->cap - 1);
    t->keys[i] = key;
    t->vals[i] = val;
    t->n++;
}

void *symtab_put(struct arena *a, struct symtab *t, const char *key, void *val)
{
    void *old = symtab_get(t, key);
    if (old) return old;
    if ((t->n + 1) * 2 > t->cap) {
        struct symtab nt = {0};
        nt.cap = t->cap ? t->cap * 2 : 16;
        nt.keys = arena_alloc(a, nt.cap * sizeof *nt.keys);
        nt.vals = arena_alloc(a, nt.cap * sizeof *nt.vals);
        for (size_t i = 0; i < t->cap; i++)
            if (t->keys[i]) symtab_insert(&nt, t->keys[i], t->vals[i]);
        *t = nt;
    }
    symtab_insert(t, key, val);
    return NULL;
}

void diag_error(struct diags *d, struct loc loc, const char *check, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *msg = arena_alloc(d->arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    struct diag *g = DA_PUSH(d->arena, &d->list);
    g->loc = loc;
    g->check = check;
    g->msg = msg;
    d->errors++;
}

void diag_print(const struct diags *d, FILE *out)
{
    for (size_t i = 0; i < d->list.n; i++) {
        const struct diag *g = &d->list.v[i];
        fprintf(out, "%s:%d:%d: error: %s [%s]\n", g->loc.file, g->loc.line, g->loc.col, g->msg,
                g->check);
    }
}

const char *prim_c_name(enum prim p)
{
    switch (p) {
    case PRIM_U8: return "uint8_t";
    case PRIM_U16: return "uint16_t";
    case PRIM_U32: return "uint32_t";
    case PRIM_U64: return "uint64_t";
    case PRIM_I8: return "int8_t";
    case PRIM_I16: return "int16_t";
    case PRIM_I32: return "int32_t";
    case PRIM_I64: return "int64_t";
    case PRIM_BOOL: return "bool";
    case PRIM_CAP: return "bh_cptr_t";
    case PRIM_VOID: return "void";
    default: return "?";
    }
}

const char *port_kind_name(enum port_kind k)
{
    static const char *const n[] = {"provides", "uses", "emits", "consumes", "dataport", "channel"};
    return n[k];
}

const char *conn_kind_name(enum conn_kind k)
{
    static const char *const n[] = {"rpc", "event", "dataport", "channel"};
    return n[k];
}

const char *pv_kind_name(enum pv_kind k)
{
    return k == PV_VIF ? "vif" : "vbd";
}

const char *conn_name(const struct connection *cn)
{
    return cn->pv ? pv_kind_name(cn->pv->kind) : conn_kind_name(cn->kind);
}

const char *chan_kind_name(enum chan_kind k)
{
    static const char *const n[] = {"grant", "event", "console", "xenstore"};
    return n[k];
}

const char *sobj_name(unsigned t)
{
    switch (t) {
    case SOBJ_UNTYPED: return "untyped";
    case SOBJ_TCB: return "tcb";
    case SOBJ_ENDPOINT: return "endpoint";
    case SOBJ_NOTIFICATION: return "notification";
    case SOBJ_CNODE: return "cnode";
    case SOBJ_FRAME: return "frame";
    case SOBJ_LARGE_FRAME: return "large_frame";
    case SOBJ_PAGE_TABLE: return "page_table";
    case SOBJ_VSPACE: return "vspace";
    case SOBJ_VCPU: return "vcpu";
    case SOBJ_GUEST_SPACE: return "guest_space";
    case SOBJ_IO_SPACE: return "io_space";
    case SOBJ_IRQ_HANDLER: return "irq_handler";
    case SOBJ_IO_PORT: return "io_port";
    case SOBJ_DEVICE_FRAME: return "device_frame";
    case SOBJ_ASID_POOL: return "asid_pool";
    default: return "?";
    }
}

uint64_t words_for_bytes(uint64_t n) { return (n + 7u) / 8u; }
