/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target of the granting VMM's grant-entry checks (vmm/grant_check.c): each input is
 * a sequence of steps on one table frame of 16 live entries, by the granter (grant, end,
 * make read-only, hostile raw writes, racing the VMM's update through racing_entry.c) and by
 * two mapping domains (map, unmap, copy pins and releases, whole copies). A model counts the
 * pins each domain holds; after every step the VMM's record must match it, a release must
 * succeed exactly when a pin of its kind is held, a granted frame must be RAM, and unless the
 * granter wrote the busy bits itself they must say what is pinned (Linux's
 * gnttab_end_foreign_access relies on them).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grant_check.h"
#include "racing_entry.h"

#define REFS 16u
#define RAM_FRAMES 64u
#define DOMAINS 2u /* mapping domains 1 and 2 (index d is domain d + 1) */

static uint32_t frame[1024];
static struct grant_table_view view;
static unsigned held[REFS][DOMAINS][2]; /* the model: pins by ref, domain, kind (0 writable, 1 read-only) */
static int tainted[REFS];               /* the granter wrote the busy bits itself */

#define ENSURE(c) do { if (!(c)) __builtin_trap(); } while (0)

struct input {
    const uint8_t *p;
    size_t n;
};
static uint8_t next(struct input *in)
{
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

static uint32_t *word_of(unsigned ref) { return &frame[2u * ref]; }
static uint32_t load(unsigned ref) { return __atomic_load_n(word_of(ref), __ATOMIC_ACQUIRE); }

/* A granter that keeps Xen's busy bits, as Linux's grant and end calls do. */
static void polite_update(unsigned ref, uint32_t keep_mask, uint32_t set)
{
    uint32_t w = load(ref);
    while (!__atomic_compare_exchange_n(word_of(ref), &w, (w & (keep_mask | GTF_reading | GTF_writing)) | set, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    }
}

static uint32_t rw_readonly(uint32_t w) { return w | GTF_readonly; }
static uint32_t rw_end(uint32_t w) { return w & 0xffff0000u; }
static uint32_t rw_other(uint32_t w) { return w ^ (3u << 16); }
static uint32_t rw_cache(uint32_t w) { return w ^ GTF_PWT; }
static uint32_t (*const rewrites[])(uint32_t) = {rw_readonly, rw_end, rw_other, rw_cache};

static unsigned pins(unsigned ref, unsigned kind) { return held[ref][0][kind] + held[ref][1][kind]; }

static void check_ref(unsigned ref)
{
    const struct grant_active *a = &view.active[ref];
    ENSURE(a->writers == pins(ref, 0) && a->readers == pins(ref, 1));
    ENSURE(!(pins(ref, 0) + pins(ref, 1)) || !(held[ref][0][0] + held[ref][0][1]) || !(held[ref][1][0] + held[ref][1][1]));
    if (a->readers + a->writers) ENSURE(a->gfn < RAM_FRAMES);
    if (tainted[ref]) return;
    uint16_t f = (uint16_t)load(ref);
    ENSURE(!(f & GTF_reading) == !(a->readers + a->writers));
    ENSURE(!(f & GTF_writing) == !a->writers);
}

/* A pin taken (kind 0 writable, 1 read-only) or refused, against the model. */
static void took(unsigned ref, unsigned d, unsigned kind, int16_t rc, const struct grant_page *p)
{
    if (rc != GNTST_okay) return;
    ENSURE(p->readonly == (kind == 1) && p->gfn < RAM_FRAMES);
    held[ref][d][kind]++;
}

static void released(unsigned ref, unsigned d, unsigned kind, int16_t rc)
{
    if (held[ref][d][kind]) {
        ENSURE(rc == GNTST_okay);
        held[ref][d][kind]--;
    } else {
        ENSURE(rc == GNTST_bad_handle);
    }
}

static void whole_copy(struct input *in, unsigned d)
{
    struct gnttab_copy op;
    memset(&op, 0, sizeof op);
    op.flags = (uint16_t)(next(in) & 3u);
    op.source.u.ref = next(in) % REFS;
    op.source.domid = (domid_t)((op.flags & GNTCOPY_source_gref) ? 0u : (next(in) & 1u ? DOMID_SELF : 5u));
    op.source.offset = (uint16_t)(next(in) << 4);
    op.dest.u.ref = next(in) % REFS;
    op.dest.domid = (domid_t)((op.flags & GNTCOPY_dest_gref) ? 0u : DOMID_SELF);
    op.dest.offset = (uint16_t)(next(in) << 4);
    op.len = (uint16_t)(next(in) << 5);
    if (grant_copy_nothing(&op)) return;
    int16_t rc = grant_check_copy_sides(&op);
    struct grant_page s, t;
    bool have_s = false, have_t = false;
    if (rc == GNTST_okay && (op.flags & GNTCOPY_source_gref)) {
        rc = grant_check_copy_acquire(&view, op.source.u.ref, (domid_t)(d + 1), false, &s);
        have_s = rc == GNTST_okay;
    }
    if (rc == GNTST_okay && (op.flags & GNTCOPY_dest_gref)) {
        rc = grant_check_copy_acquire(&view, op.dest.u.ref, (domid_t)(d + 1), true, &t);
        have_t = rc == GNTST_okay;
    }
    if (rc == GNTST_okay) {
        rc = grant_check_copy_bounds(&op);
        ENSURE((rc == GNTST_okay) == (op.source.offset + op.len <= 4096 && op.dest.offset + op.len <= 4096));
    }
    if (have_s) ENSURE(grant_check_copy_release(&view, op.source.u.ref, (domid_t)(d + 1), false) == GNTST_okay);
    if (have_t) ENSURE(grant_check_copy_release(&view, op.dest.u.ref, (domid_t)(d + 1), true) == GNTST_okay);
}

static void step(struct input *in)
{
    uint8_t op = next(in), a = next(in);
    unsigned ref = a % REFS, d = (a >> 4) & 1u, kind = (a >> 5) & 1u;
    domid_t dom = (domid_t)(d + 1);
    struct grant_page p;
    unsigned racing_before = racing_updates;
    switch (op % 10u) {
    case 0: { /* grant: frame, domain, flags (the busy bits kept) */
        word_of(ref)[1] = next(in);
        uint32_t f = next(in) | (uint32_t)(next(in) & 1u) << 8; /* GTF_sub_page sometimes */
        if (tainted[ref] && !(pins(ref, 0) + pins(ref, 1))) {
            __atomic_store_n(word_of(ref), (uint32_t)dom << 16 | (f & ~(uint32_t)(GTF_reading | GTF_writing)),
                             __ATOMIC_RELEASE);
            tainted[ref] = 0;
        } else {
            polite_update(ref, 0, (uint32_t)dom << 16 | (f & ~(uint32_t)(GTF_reading | GTF_writing)));
        }
        break;
    }
    case 1: { /* end_foreign_access: only when not busy */
        uint32_t w = load(ref);
        if (!(w & (GTF_reading | GTF_writing)))
            __atomic_compare_exchange_n(word_of(ref), &w, w & 0xffff0000u, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        break;
    }
    case 2: /* a hostile granter writes the whole word */
        __atomic_store_n(word_of(ref), (uint32_t)next(in) | (uint32_t)next(in) << 8 | (uint32_t)(next(in) % 3u) << 16,
                         __ATOMIC_RELEASE);
        tainted[ref] = 1;
        break;
    case 3: polite_update(ref, 0xffff0000u | (0xffu & ~(uint32_t)GTF_readonly), (next(in) & 1u) ? GTF_readonly : 0); break;
    case 4: {
        uint32_t flags = next(in);
        int16_t rc = grant_check_map(&view, next(in) & 0x80u ? 512u + a : ref, dom, flags, &p);
        if (!(flags & GNTMAP_host_map)) ENSURE(rc != GNTST_okay);
        took(ref, d, (flags & GNTMAP_readonly) ? 1u : 0u, rc, &p);
        break;
    }
    case 5: released(ref, d, kind, grant_check_unmap(&view, ref, dom, kind == 1)); break;
    case 6: took(ref, d, kind, grant_check_copy_acquire(&view, ref, dom, kind == 0, &p), &p); break;
    case 7: released(ref, d, kind, grant_check_copy_release(&view, ref, dom, kind == 0)); break;
    case 8:
        racing_rewrite = rewrites[a % 4u];
        racing_updates = (a >> 2) % 6u;
        break;
    default: whole_copy(in, d); break;
    }
    /* A racing rewrite may have cleared or set busy bits under pins: the granter's doing. */
    if (racing_updates != racing_before && op % 10u != 8u)
        for (unsigned r = 0; r < REFS; r++) tainted[r] = 1;
    for (unsigned r = 0; r < REFS; r++) check_ref(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(frame, 0, sizeof frame);
    memset(&view, 0, sizeof view);
    memset(held, 0, sizeof held);
    memset(tainted, 0, sizeof tainted);
    view.frame[0] = frame;
    view.nr_frames = 1;
    view.ram_frames = RAM_FRAMES;
    racing_rewrite = NULL;
    racing_updates = 0;
    struct input in = {data, size};
    for (unsigned i = 0; i < 4096 && in.n; i++) step(&in);
    return 0;
}
