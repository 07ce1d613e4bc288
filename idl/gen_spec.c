/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Generator: the binary system specification (format in lib/spec/spec.h, docs/idl.md).
 * Input: the allocation. Output: one file. Prints only: every value comes from alloc.c.
 */
#include "bhidl.h"
#include "../lib/spec/spec.h"

#include <string.h>

struct out {
    struct arena *a;
    DA(uint8_t) b;
};

static void put8(struct out *o, uint64_t v) { *DA_PUSH(o->a, &o->b) = (uint8_t)v; }
static void put16(struct out *o, uint64_t v) { put8(o, v & 0xff), put8(o, v >> 8 & 0xff); }
static void put32(struct out *o, uint64_t v) { put16(o, v & 0xffff), put16(o, v >> 16 & 0xffff); }
static void put64(struct out *o, uint64_t v) { put32(o, v & 0xffffffffu), put32(o, v >> 32); }
static void patch32(struct out *o, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++) o->b.v[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

struct strings {
    struct symtab tab;
    DA(char) bytes;
};

static uint32_t str(struct arena *a, struct strings *s, const char *text)
{
    if (!text) return BH_SPEC_NONE;
    uintptr_t v = (uintptr_t)symtab_get(&s->tab, text);
    if (v) return (uint32_t)(v - 1);
    uint32_t off = (uint32_t)s->bytes.n;
    for (const char *p = text;; p++) {
        *DA_PUSH(a, &s->bytes) = *p;
        if (!*p) break;
    }
    symtab_put(a, &s->tab, text, (void *)(uintptr_t)(off + 1u));
    return off;
}

int gen_spec(struct ctx *c, const char *path)
{
    struct arena *a = &c->arena;
    const struct alloc *al = &c->alloc;
    struct out o = {a, {0}};
    struct strings st = {{0}, {0}};
    str(a, &st, ""); /* offset 0: the empty string */

    /* strings are collected while writing records, so records go to a side buffer first */
    struct out rec[BH_SPEC_SEC_COUNT];
    uint32_t count[BH_SPEC_SEC_COUNT] = {0};
    for (int i = 0; i < BH_SPEC_SEC_COUNT; i++) rec[i] = (struct out){a, {0}};

    for (size_t i = 0; i < c->prog.insts.n; i++) {
        const struct instance *in = c->prog.insts.v[i];
        const struct inst_alloc *ia = in->alloc;
        struct out *r = &rec[BH_SPEC_SEC_INSTANCES];
        const char *image = in->comp->is_guest ? "vmm.elf"
                            : in->comp->image ? in->comp->image
                                              : arena_printf(a, "%s.elf", in->comp->name);
        put32(r, str(a, &st, in->name));
        put32(r, in->comp->is_guest ? 1 : 0);
        put32(r, ia->cnode), put32(r, ia->vspace);
        put32(r, ia->first_cap), put32(r, ia->cap_count);
        put32(r, ia->first_map), put32(r, ia->map_count);
        put32(r, ia->first_thread), put32(r, ia->thread_count);
        put32(r, (uint64_t)in->partition);
        put32(r, str(a, &st, image));
        count[BH_SPEC_SEC_INSTANCES]++;
    }
    for (size_t i = 0; i < al->objs.n; i++) {
        const struct sobj *s = &al->objs.v[i];
        struct out *r = &rec[BH_SPEC_SEC_OBJECTS];
        put8(r, s->type), put8(r, s->size_bits), put16(r, s->aux);
        put32(r, s->owner), put64(r, s->arg), put32(r, str(a, &st, s->name)), put32(r, s->link);
    }
    count[BH_SPEC_SEC_OBJECTS] = (uint32_t)al->objs.n;
    for (size_t i = 0; i < al->caps.n; i++) {
        const struct scap *k = &al->caps.v[i];
        struct out *r = &rec[BH_SPEC_SEC_CAPS];
        put32(r, k->inst), put32(r, k->slot), put32(r, k->obj);
        put8(r, k->rights), put8(r, 0), put16(r, 0), put64(r, k->badge);
    }
    count[BH_SPEC_SEC_CAPS] = (uint32_t)al->caps.n;
    for (size_t i = 0; i < al->maps.n; i++) {
        const struct smap *m = &al->maps.v[i];
        struct out *r = &rec[BH_SPEC_SEC_MAPPINGS];
        put32(r, m->space), put32(r, m->obj), put64(r, m->vaddr);
        put8(r, m->rights), put8(r, m->flags), put16(r, 0), put32(r, 0);
    }
    count[BH_SPEC_SEC_MAPPINGS] = (uint32_t)al->maps.n;
    for (size_t i = 0; i < al->threads.n; i++) {
        const struct sthread *t = &al->threads.v[i];
        struct out *r = &rec[BH_SPEC_SEC_THREADS];
        put32(r, t->inst), put32(r, t->tcb), put32(r, t->ipc_frame), put32(r, t->vcpu);
        put32(r, str(a, &st, t->name)), put32(r, t->partition);
        put64(r, t->ipc_vaddr), put64(r, t->stack_top);
        put8(r, t->prio), put8(r, 0), put16(r, 0), put32(r, 0);
    }
    count[BH_SPEC_SEC_THREADS] = (uint32_t)al->threads.n;
    if (c->prog.parts.n) {
        for (size_t i = 0; i < c->prog.parts.n; i++) {
            put32(&rec[BH_SPEC_SEC_PARTITIONS], str(a, &st, c->prog.parts.v[i]->name));
            put32(&rec[BH_SPEC_SEC_PARTITIONS], c->prog.parts.v[i]->ticks);
        }
        count[BH_SPEC_SEC_PARTITIONS] = (uint32_t)c->prog.parts.n;
    } else {
        /* no schedule: one partition that always runs */
        put32(&rec[BH_SPEC_SEC_PARTITIONS], str(a, &st, "all"));
        put32(&rec[BH_SPEC_SEC_PARTITIONS], 1);
        count[BH_SPEC_SEC_PARTITIONS] = 1;
    }
    for (size_t i = 0; i < al->guests.n; i++) {
        const struct sguest *g = &al->guests.v[i];
        const struct component *co = c->prog.insts.v[g->inst]->comp;
        struct out *r = &rec[BH_SPEC_SEC_GUESTS];
        put32(r, g->inst), put32(r, g->guest_space);
        put8(r, g->arch), put8(r, g->vcpus), put16(r, 0);
        put32(r, str(a, &st, co->kernel)), put32(r, str(a, &st, co->initrd)), put32(r, str(a, &st, co->cmdline));
        put64(r, g->memory), put32(r, g->ram_first_obj), put32(r, g->ram_count);
        put32(r, g->events), put32(r, g->console), put32(r, g->timer);
        put32(r, g->grant_first), put32(r, g->grant_count), put32(r, g->grant_table_first), put32(r, g->grant_table_count);
        put32(r, g->console_signal);
        put32(r, g->store), put32(r, g->store_signal), put16(r, g->domid), put16(r, 0), put32(r, 0);
        put32(r, g->peer_count), put32(r, 0);
        for (uint32_t k = 0; k < BH_SPEC_GUEST_PEERS; k++) {
            const struct speer *q = &g->peer[k];
            int used = k < g->peer_count;
            put32(r, used ? q->ring : BH_SPEC_NONE), put32(r, used ? q->endpoint : BH_SPEC_NONE);
            put32(r, used ? q->peer_endpoint : BH_SPEC_NONE), put32(r, used ? q->peer_signal : BH_SPEC_NONE);
            put16(r, used ? q->domid : 0), put8(r, used ? q->kind : 0), put8(r, used ? q->side : 0);
        }
    }
    count[BH_SPEC_SEC_GUESTS] = (uint32_t)al->guests.n;
    for (size_t i = 0; i < st.bytes.n; i++) put8(&rec[BH_SPEC_SEC_STRINGS], (uint8_t)st.bytes.v[i]);
    count[BH_SPEC_SEC_STRINGS] = (uint32_t)st.bytes.n;

    static const uint32_t esz[BH_SPEC_SEC_COUNT] = {
        0, 1, BH_SPEC_INSTANCE_SIZE, BH_SPEC_OBJECT_SIZE, BH_SPEC_CAP_SIZE, BH_SPEC_MAPPING_SIZE,
        BH_SPEC_THREAD_SIZE, BH_SPEC_PARTITION_SIZE, BH_SPEC_GUEST_PEERS_SIZE,
    };
    /* header */
    for (int i = 0; i < 8; i++) put8(&o, (uint8_t)BH_SPEC_MAGIC[i]);
    put16(&o, BH_SPEC_VERSION), put16(&o, BH_SPEC_HEADER_SIZE);
    put32(&o, 0); /* total size, patched below */
    put32(&o, 0); /* CRC, patched below */
    put32(&o, BH_SPEC_SEC_COUNT - 1);
    uint64_t off = BH_SPEC_HEADER_SIZE + (BH_SPEC_SEC_COUNT - 1) * BH_SPEC_SECTION_ENTRY_SIZE;
    for (int k = 1; k < BH_SPEC_SEC_COUNT; k++) {
        put32(&o, (uint64_t)k), put32(&o, off), put32(&o, count[k]), put32(&o, esz[k]);
        off += rec[k].b.n;
        off = (off + 7) & ~7ull; /* sections start 8-byte aligned */
    }
    for (int k = 1; k < BH_SPEC_SEC_COUNT; k++) {
        for (size_t i = 0; i < rec[k].b.n; i++) put8(&o, rec[k].b.v[i]);
        while (o.b.n & 7) put8(&o, 0);
    }
    if (o.b.n > 0xffffffffu) {
        fprintf(stderr, "bhidl: the specification would exceed 4 GiB\n");
        return -1;
    }
    patch32(&o, 12, (uint32_t)o.b.n);
    patch32(&o, 16, bh_spec_crc32(0, o.b.v + 20, o.b.n - 20));
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t w = fwrite(o.b.v, 1, o.b.n, f);
    if (fclose(f) != 0 || w != o.b.n) {
        perror(path);
        return -1;
    }
    return 0;
}
