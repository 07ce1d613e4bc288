/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the granting VMM's grant-entry checks (vmm/grant_check.c), under ASan and
 * UBSan: every GNTST code of a map, an unmap and a copy side in Xen's order, the busy bits as
 * the granter's gnttab_end_foreign_access sees them, entries rewritten while pinned, the
 * granter racing the update (racing_entry.c), and threads mapping and unmapping one entry
 * while the granter ends and renews its grant.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grant_check.h"
#include "racing_entry.h"
#define CHECK_SUITE "grant"
#include "../../lib/check.h"

#define GRANTER 1u      /* the granting domain */
#define MAPPER 2u       /* the domain the entries name */
#define OTHER 3u
#define RAM_FRAMES 0x100u
#define RW GNTMAP_host_map
#define RO (GNTMAP_host_map | GNTMAP_readonly)

static uint32_t table[GRANT_CHECK_FRAMES][1024];
static struct grant_table_view view;
static struct grant_table_view *t = &view;

/* A table of two frames (the second unplaced when placed is false) over RAM_FRAMES of RAM. */
static void fresh(void)
{
    memset(table, 0, sizeof table);
    memset(t, 0, sizeof *t);
    t->frame[0] = table[0];
    t->frame[1] = table[1];
    t->nr_frames = 2;
    t->ram_frames = RAM_FRAMES;
    racing_rewrite = NULL;
    racing_updates = 0;
}

static uint32_t *word_of(grant_ref_t ref) { return &table[ref / 512][2 * (ref % 512)]; }
static uint16_t flags(grant_ref_t ref) { return (uint16_t)__atomic_load_n(word_of(ref), __ATOMIC_ACQUIRE); }

/* The granter fills an entry as Linux's gnttab_grant_foreign_access does: frame and domid, then flags. */
static void grant(grant_ref_t ref, domid_t domid, uint32_t frame, uint16_t f)
{
    word_of(ref)[1] = frame;
    __atomic_store_n(word_of(ref), (uint32_t)domid << 16, __ATOMIC_RELEASE);
    __atomic_store_n(word_of(ref), (uint32_t)domid << 16 | f, __ATOMIC_RELEASE);
}

/* Linux's gnttab_end_foreign_access_ref (version 1): clear the entry unless Xen marks it busy. */
static int end_access(grant_ref_t ref)
{
    uint32_t w = __atomic_load_n(word_of(ref), __ATOMIC_ACQUIRE);
    for (;;) {
        if (w & (GTF_reading | GTF_writing)) return 0;
        if (__atomic_compare_exchange_n(word_of(ref), &w, w & 0xffff0000u, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return 1;
    }
}

static int16_t map(grant_ref_t ref, domid_t d, uint32_t f, struct grant_page *p)
{
    return grant_check_map(t, ref, d, f, p);
}

static void map_flags_first(void)
{
    fresh();
    struct grant_page p;
    grant(5, MAPPER, 7, GTF_permit_access);
    CHECK_EQ(map(5, MAPPER, 0, &p), GNTST_bad_gntref);
    CHECK_EQ(map(5, MAPPER, GNTMAP_readonly, &p), GNTST_bad_gntref);
    CHECK_EQ(map(5, MAPPER, GNTMAP_device_map, &p), GNTST_general_error);
    CHECK_EQ(map(5, MAPPER, RW | GNTMAP_device_map, &p), GNTST_general_error);
    CHECK_EQ(map(5, MAPPER, RW | GNTMAP_application_map, &p), GNTST_general_error);
    CHECK_EQ(map(5, MAPPER, RO | GNTMAP_contains_pte, &p), GNTST_general_error);
    /* The flags come before the ref: a bad ref with bad flags answers for the flags. */
    CHECK_EQ(map(99999, MAPPER, GNTMAP_device_map, &p), GNTST_general_error);
    CHECK_EQ(flags(5), GTF_permit_access); /* nothing pinned, nothing marked */
    /* Bits Xen leaves to the guest (GNTMAP_guest_avail) change nothing. */
    CHECK_EQ(map(5, MAPPER, RW | 0xffff0000u, &p), GNTST_okay);
    CHECK_EQ(p.gfn, 7);
}

/* The mapping VMM's own first steps (grant_check_map_flags, before it asks the granter): the
 * same answers as the granter's, for every combination of the five low flags. */
static void map_flags_alone_agree(void)
{
    fresh();
    struct grant_page p;
    grant(5, MAPPER, 7, GTF_permit_access);
    for (uint32_t f = 0; f < 32; f++) {
        int16_t alone = grant_check_map_flags(f);
        int16_t full = map(5, MAPPER, f, &p);
        if (alone != GNTST_okay) CHECK_EQ(full, alone);
        else CHECK_EQ(full, GNTST_okay);
        if (full == GNTST_okay) CHECK_EQ(grant_check_unmap(t, 5, MAPPER, (f & GNTMAP_readonly) != 0), GNTST_okay);
    }
    CHECK_EQ(grant_check_map_flags(GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(grant_check_map_flags(GNTMAP_host_map | GNTMAP_readonly | 0xffff0000u), GNTST_okay);
    CHECK_EQ(grant_check_map_flags(GNTMAP_readonly), GNTST_bad_gntref);
    CHECK_EQ(grant_check_map_flags(GNTMAP_host_map | GNTMAP_application_map), GNTST_general_error);
    CHECK_EQ(flags(5), GTF_permit_access); /* every pin given back */
}

static void map_bad_ref(void)
{
    fresh();
    struct grant_page p;
    CHECK_EQ(map(1024, MAPPER, RW, &p), GNTST_bad_gntref); /* past the two frames */
    CHECK_EQ(map(0xffffffffu, MAPPER, RW, &p), GNTST_bad_gntref);
    t->frame[1] = NULL; /* a frame the guest has not placed */
    grant(600, MAPPER, 7, GTF_permit_access);
    CHECK_EQ(map(600, MAPPER, RW, &p), GNTST_bad_gntref);
    t->nr_frames = 99; /* a size beyond the table's largest is cut to it */
    CHECK_EQ(map(GRANT_CHECK_ENTRIES, MAPPER, RW, &p), GNTST_bad_gntref);
    CHECK_EQ(grant_check_unmap(t, 1024 * 4, MAPPER, false), GNTST_bad_handle);
}

static void map_needs_permit_access_for_the_mapper(void)
{
    fresh();
    struct grant_page p;
    static const uint16_t refused[] = {GTF_invalid, GTF_accept_transfer, GTF_transitive,
                                       GTF_permit_access | GTF_sub_page, GTF_readonly | GTF_sub_page};
    for (unsigned i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        grant(10, MAPPER, 7, refused[i]);
        CHECK_EQ(map(10, MAPPER, RO, &p), GNTST_general_error);
        CHECK_EQ(flags(10), refused[i]); /* untouched */
    }
    grant(11, OTHER, 7, GTF_permit_access);
    CHECK_EQ(map(11, MAPPER, RO, &p), GNTST_general_error);
    CHECK_EQ(flags(11), GTF_permit_access);
    CHECK_EQ(map(11, OTHER, RO, &p), GNTST_okay);
}

static void map_readonly_grant(void)
{
    fresh();
    struct grant_page p;
    grant(3, MAPPER, 9, GTF_permit_access | GTF_readonly);
    CHECK_EQ(map(3, MAPPER, RW, &p), GNTST_general_error);
    CHECK_EQ(flags(3), GTF_permit_access | GTF_readonly);
    CHECK_EQ(map(3, MAPPER, RO, &p), GNTST_okay);
    CHECK_EQ(p.gfn, 9);
    CHECK(p.readonly);
    CHECK_EQ(flags(3), GTF_permit_access | GTF_readonly | GTF_reading);
    /* Pinned read-only, a writable map is refused too, and leaves the reader's bit. */
    CHECK_EQ(map(3, MAPPER, RW, &p), GNTST_general_error);
    CHECK_EQ(flags(3), GTF_permit_access | GTF_readonly | GTF_reading);
}

static void map_frame_outside_ram(void)
{
    fresh();
    struct grant_page p;
    grant(4, MAPPER, RAM_FRAMES, GTF_permit_access);
    CHECK_EQ(map(4, MAPPER, RW, &p), GNTST_bad_page);
    CHECK_EQ(flags(4), GTF_permit_access); /* the bits set for the check are gone again */
    grant(4, MAPPER, 0xffffffffu, GTF_permit_access);
    CHECK_EQ(map(4, MAPPER, RO, &p), GNTST_bad_page);
    CHECK_EQ(flags(4), GTF_permit_access);
    CHECK(end_access(4));
    grant(4, MAPPER, RAM_FRAMES - 1, GTF_permit_access);
    CHECK_EQ(map(4, MAPPER, RW, &p), GNTST_okay);
    CHECK_EQ(p.gfn, RAM_FRAMES - 1);
    CHECK(!p.readonly);
}

static void busy_bits_follow_the_pins(void)
{
    fresh();
    struct grant_page p;
    grant(8, MAPPER, 0x42, GTF_permit_access);
    CHECK_EQ(map(8, MAPPER, RW, &p), GNTST_okay);
    CHECK_EQ(flags(8), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(map(8, MAPPER, RO, &p), GNTST_okay);
    CHECK_EQ(map(8, MAPPER, RW, &p), GNTST_okay);
    CHECK(!end_access(8)); /* in use: the granter must wait */
    CHECK_EQ(grant_check_unmap(t, 8, MAPPER, false), GNTST_okay);
    CHECK_EQ(flags(8), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(grant_check_unmap(t, 8, MAPPER, false), GNTST_okay);
    CHECK_EQ(flags(8), GTF_permit_access | GTF_reading); /* the reader remains */
    CHECK(!end_access(8));
    CHECK_EQ(grant_check_unmap(t, 8, MAPPER, true), GNTST_okay);
    CHECK_EQ(flags(8), GTF_permit_access);
    CHECK(end_access(8));
    CHECK_EQ(flags(8), 0);
    CHECK_EQ(map(8, MAPPER, RO, &p), GNTST_general_error); /* ended */
}

static void unmap_without_a_pin(void)
{
    fresh();
    struct grant_page p;
    grant(2, MAPPER, 0x42, GTF_permit_access);
    CHECK_EQ(grant_check_unmap(t, 2, MAPPER, true), GNTST_bad_handle);
    CHECK_EQ(map(2, MAPPER, RO, &p), GNTST_okay);
    CHECK_EQ(grant_check_unmap(t, 2, MAPPER, false), GNTST_bad_handle); /* not a writable pin */
    CHECK_EQ(grant_check_unmap(t, 2, OTHER, true), GNTST_bad_handle);   /* not its pin */
    CHECK_EQ(flags(2), GTF_permit_access | GTF_reading);
    CHECK_EQ(grant_check_unmap(t, 2, MAPPER, true), GNTST_okay);
    CHECK_EQ(grant_check_unmap(t, 2, MAPPER, true), GNTST_bad_handle); /* twice */
    CHECK_EQ(flags(2), GTF_permit_access);
}

static void pinned_entry_rewritten(void)
{
    fresh();
    struct grant_page p;
    grant(6, MAPPER, 0x10, GTF_permit_access);
    CHECK_EQ(map(6, MAPPER, RO, &p), GNTST_okay);
    /* A hostile granter rewrites the pinned entry: frame, domid, type. */
    word_of(6)[1] = 0x99999;
    __atomic_store_n(word_of(6), (uint32_t)OTHER << 16 | GTF_reading | GTF_accept_transfer, __ATOMIC_RELEASE);
    CHECK_EQ(map(6, MAPPER, RO, &p), GNTST_okay); /* the pin's frame, no new checks */
    CHECK_EQ(p.gfn, 0x10);
    CHECK_EQ(map(6, OTHER, RO, &p), GNTST_general_error); /* pinned for MAPPER */
    /* A first writable pin checks GTF_readonly even on a pinned entry. */
    __atomic_store_n(word_of(6), (uint32_t)OTHER << 16 | GTF_reading | GTF_readonly, __ATOMIC_RELEASE);
    CHECK_EQ(map(6, MAPPER, RW, &p), GNTST_general_error);
    __atomic_store_n(word_of(6), (uint32_t)OTHER << 16 | GTF_reading, __ATOMIC_RELEASE);
    CHECK_EQ(map(6, MAPPER, RW, &p), GNTST_okay);
    CHECK_EQ(p.gfn, 0x10);
    CHECK_EQ(flags(6), GTF_reading | GTF_writing);
    /* A granter that wipes the busy bits under the pins: the releases still balance. */
    __atomic_store_n(word_of(6), 0, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++) CHECK_EQ(grant_check_unmap(t, 6, MAPPER, true), GNTST_okay);
    CHECK_EQ(grant_check_unmap(t, 6, MAPPER, false), GNTST_okay);
    CHECK_EQ(flags(6), 0);
    CHECK_EQ(t->active[6].readers + t->active[6].writers, 0);
}

static void pin_counts_are_bounded(void)
{
    fresh();
    struct grant_page p;
    grant(7, MAPPER, 0x11, GTF_permit_access);
    for (unsigned i = 0; i < GRANT_PIN_LIMIT; i++) CHECK_EQ(map(7, MAPPER, RO, &p), GNTST_okay);
    CHECK_EQ(map(7, MAPPER, RO, &p), GNTST_general_error);
    CHECK_EQ(map(7, MAPPER, RW, &p), GNTST_general_error); /* a map minds every count */
    CHECK_EQ(grant_check_copy_acquire(t, 7, MAPPER, true, &p), GNTST_okay); /* a copy its own */
    CHECK_EQ(grant_check_copy_acquire(t, 7, MAPPER, false, &p), GNTST_general_error);
    CHECK_EQ(grant_check_unmap(t, 7, MAPPER, true), GNTST_okay);
    CHECK_EQ(map(7, MAPPER, RO, &p), GNTST_okay);
    CHECK_EQ(grant_check_copy_release(t, 7, MAPPER, true), GNTST_okay);
    for (unsigned i = 0; i < GRANT_PIN_LIMIT; i++) CHECK_EQ(grant_check_unmap(t, 7, MAPPER, true), GNTST_okay);
    CHECK_EQ(flags(7), GTF_permit_access);
}

/* What the racing granter writes over the entry just before the VMM's update. */
static uint32_t make_readonly(uint32_t w) { return w | GTF_readonly; }
static uint32_t end_grant(uint32_t w) { return w & 0xffff0000u; }
static uint32_t to_other(uint32_t w) { return (w & 0xffffu) | (uint32_t)OTHER << 16; }
static uint32_t toggle_cache_bit(uint32_t w) { return w ^ GTF_PWT; }

static void granter_races_the_update(void)
{
    fresh();
    struct grant_page p;
    /* Made read-only between the check and the update: the retry refuses a writable map. */
    grant(1, MAPPER, 0x20, GTF_permit_access);
    racing_rewrite = make_readonly;
    racing_updates = 1;
    CHECK_EQ(map(1, MAPPER, RW, &p), GNTST_general_error);
    CHECK_EQ(flags(1), GTF_permit_access | GTF_readonly);
    CHECK_EQ(map(1, MAPPER, RO, &p), GNTST_okay); /* not racing any more */
    CHECK_EQ(grant_check_unmap(t, 1, MAPPER, true), GNTST_okay);
    /* Ended, or given to another domain, between the two: refused, nothing marked. */
    racing_rewrite = end_grant;
    racing_updates = 1;
    CHECK_EQ(map(1, MAPPER, RO, &p), GNTST_general_error);
    CHECK_EQ(flags(1), 0);
    grant(1, MAPPER, 0x20, GTF_permit_access);
    racing_rewrite = to_other;
    racing_updates = 1;
    CHECK_EQ(map(1, MAPPER, RO, &p), GNTST_general_error);
    CHECK_EQ(flags(1), GTF_permit_access);
    /* An entry that keeps changing: four races are retried, the fifth gives up. */
    grant(1, MAPPER, 0x20, GTF_permit_access);
    racing_rewrite = toggle_cache_bit;
    racing_updates = 4;
    racing_attempts = 0;
    CHECK_EQ(map(1, MAPPER, RW, &p), GNTST_okay);
    CHECK_EQ(racing_attempts, 5);
    CHECK_EQ(flags(1), GTF_permit_access | GTF_reading | GTF_writing); /* four toggles: PWT clear */
    CHECK_EQ(grant_check_unmap(t, 1, MAPPER, false), GNTST_okay);
    racing_updates = 5;
    racing_attempts = 0;
    CHECK_EQ(map(1, MAPPER, RW, &p), GNTST_general_error);
    CHECK_EQ(racing_attempts, 5);
    CHECK_EQ(flags(1), GTF_permit_access | GTF_PWT);
    CHECK_EQ(t->active[1].readers + t->active[1].writers, 0);
}

/* A GNTTABOP_copy as the two VMMs would run it, in Xen's order, with both sides in table t. */
static int16_t copy(const struct gnttab_copy *op, domid_t copier)
{
    struct grant_page src = {0, true}, dst = {0, false};
    int16_t rc;
    bool have_src = false, have_dst = false;
    if (grant_copy_nothing(op)) return GNTST_okay;
    rc = grant_check_copy_sides(op);
    if (rc == GNTST_okay && (op->flags & GNTCOPY_source_gref)) {
        rc = grant_check_copy_acquire(t, op->source.u.ref, copier, false, &src);
        have_src = rc == GNTST_okay;
    }
    if (rc == GNTST_okay && (op->flags & GNTCOPY_dest_gref)) {
        rc = grant_check_copy_acquire(t, op->dest.u.ref, copier, true, &dst);
        have_dst = rc == GNTST_okay;
    }
    if (rc == GNTST_okay) rc = grant_check_copy_bounds(op);
    if (have_src && grant_check_copy_release(t, op->source.u.ref, copier, false) != GNTST_okay) return 99;
    if (have_dst && grant_check_copy_release(t, op->dest.u.ref, copier, true) != GNTST_okay) return 99;
    return rc;
}

static struct gnttab_copy copy_op(grant_ref_t src, grant_ref_t dst, uint16_t flags_, uint16_t soff, uint16_t doff,
                                  uint16_t len)
{
    struct gnttab_copy op;
    memset(&op, 0, sizeof op);
    op.source.u.ref = src;
    op.source.domid = (flags_ & GNTCOPY_source_gref) ? GRANTER : DOMID_SELF;
    op.source.offset = soff;
    op.dest.u.ref = dst;
    op.dest.domid = (flags_ & GNTCOPY_dest_gref) ? GRANTER : DOMID_SELF;
    op.dest.offset = doff;
    op.len = len;
    op.flags = flags_;
    return op;
}

static void copy_checks_in_order(void)
{
    fresh();
    const uint16_t both = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    grant(20, MAPPER, 0x30, GTF_permit_access | GTF_readonly);
    grant(21, MAPPER, 0x31, GTF_permit_access);
    grant(22, MAPPER, RAM_FRAMES, GTF_permit_access);
    grant(23, MAPPER, 0x33, GTF_permit_access | GTF_sub_page);
    struct gnttab_copy op = copy_op(20, 21, both, 0, 0, 4096);
    CHECK_EQ(copy(&op, MAPPER), GNTST_okay);
    CHECK_EQ(flags(20), GTF_permit_access | GTF_readonly); /* released */
    CHECK_EQ(flags(21), GTF_permit_access);
    /* Nothing to copy: nothing checked. */
    op = copy_op(9999, 9999, 0, 4000, 4000, 0);
    op.source.domid = OTHER;
    CHECK_EQ(copy(&op, MAPPER), GNTST_okay);
    /* A side by frame is the caller's own. */
    op = copy_op(20, 21, GNTCOPY_dest_gref, 0, 0, 8);
    op.source.domid = OTHER;
    CHECK_EQ(copy(&op, MAPPER), GNTST_permission_denied);
    op = copy_op(20, 21, GNTCOPY_source_gref, 0, 0, 8);
    op.dest.domid = OTHER;
    CHECK_EQ(copy(&op, MAPPER), GNTST_permission_denied);
    /* Refs before bounds, the source before the destination. */
    op = copy_op(9999, 21, both, 4000, 0, 200);
    CHECK_EQ(copy(&op, MAPPER), GNTST_bad_gntref);
    op = copy_op(21, 20, both, 0, 0, 8); /* into a read-only grant */
    CHECK_EQ(copy(&op, MAPPER), GNTST_general_error);
    CHECK_EQ(flags(21), GTF_permit_access);
    op = copy_op(22, 21, both, 0, 0, 8);
    CHECK_EQ(copy(&op, MAPPER), GNTST_bad_page);
    op = copy_op(20, 21, both, 4000, 0, 200);
    CHECK_EQ(copy(&op, MAPPER), GNTST_bad_copy_arg);
    op = copy_op(20, 21, both, 0, 3968, 129);
    CHECK_EQ(copy(&op, MAPPER), GNTST_bad_copy_arg);
    CHECK_EQ(flags(20), GTF_permit_access | GTF_readonly);
    CHECK_EQ(flags(21), GTF_permit_access);
    /* Version 1 has no sub-page grants: the bit refuses a map, not a copy. */
    op = copy_op(23, 21, both, 0, 0, 8);
    CHECK_EQ(copy(&op, MAPPER), GNTST_okay);
    struct grant_page p;
    CHECK_EQ(map(23, MAPPER, RO, &p), GNTST_general_error);
    /* Another domain's grant, and one pinned by another domain. */
    op = copy_op(20, 21, both, 0, 0, 8);
    CHECK_EQ(copy(&op, OTHER), GNTST_general_error);
    CHECK_EQ(map(21, MAPPER, RO, &p), GNTST_okay);
    grant(24, OTHER, 0x34, GTF_permit_access);
    op = copy_op(24, 21, both, 0, 0, 8);
    CHECK_EQ(copy(&op, OTHER), GNTST_general_error); /* 21 is pinned for MAPPER */
    CHECK_EQ(grant_check_copy_release(t, 21, MAPPER, true), GNTST_bad_handle); /* no copy pin held */
}

static void copy_pins_mark_the_entry(void)
{
    fresh();
    struct grant_page p;
    grant(30, MAPPER, 0x50, GTF_permit_access);
    CHECK_EQ(grant_check_copy_acquire(t, 30, MAPPER, false, &p), GNTST_okay);
    CHECK(p.readonly);
    CHECK_EQ(p.gfn, 0x50);
    CHECK_EQ(flags(30), GTF_permit_access | GTF_reading);
    CHECK_EQ(grant_check_copy_acquire(t, 30, MAPPER, true, &p), GNTST_okay);
    CHECK(!p.readonly);
    CHECK_EQ(flags(30), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK(!end_access(30)); /* the granter waits for the copy */
    CHECK_EQ(grant_check_copy_release(t, 30, MAPPER, true), GNTST_okay);
    CHECK_EQ(flags(30), GTF_permit_access | GTF_reading);
    CHECK_EQ(grant_check_copy_release(t, 30, MAPPER, false), GNTST_okay);
    CHECK(end_access(30));
}

/*
 * Threads mapping and unmapping one entry (read-only and writable, with copies). Without the
 * granter they contend as hard as they can, and every count must come back to zero; with the
 * granter ending its grant whenever Xen's busy bits let it and granting the page again, no pin
 * may be held when its end succeeds, and a pin holder always sees its bits set.
 */
#define MAPPERS 4
#define MIN_ENDS 100u
#define SHARED_REF 700u
static int held;            /* pins held by the mappers now */
static int with_granter, stop_granter;
static int broken;          /* invariant violations seen */
static unsigned ends, maps_ok, rounds;

static void *mapper_thread(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    /* With the granter: until it has ended its grant MIN_ENDS times too (a bounded wait). */
    for (unsigned i = 0; i < rounds || (with_granter && __atomic_load_n(&ends, __ATOMIC_RELAXED) < MIN_ENDS && i < 50 * rounds); i++) {
        seed = seed * 1103515245u + 12345u;
        bool ro = (seed >> 16) & 1u, by_copy = ((seed >> 17) & 3u) == 0;
        struct grant_page p;
        int16_t rc = by_copy ? grant_check_copy_acquire(t, SHARED_REF, MAPPER, !ro, &p)
                             : grant_check_map(t, SHARED_REF, MAPPER, ro ? RO : RW, &p);
        if (rc != GNTST_okay) {
            if (rc != GNTST_general_error || !with_granter) __atomic_fetch_add(&broken, 1, __ATOMIC_RELAXED);
            continue;
        }
        __atomic_fetch_add(&held, 1, __ATOMIC_ACQ_REL);
        __atomic_fetch_add(&maps_ok, 1u, __ATOMIC_RELAXED);
        uint16_t f = flags(SHARED_REF);
        if (!(f & GTF_reading) || (!ro && !(f & GTF_writing)) || p.gfn != 0x77) __atomic_fetch_add(&broken, 1, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&held, 1, __ATOMIC_ACQ_REL);
        rc = by_copy ? grant_check_copy_release(t, SHARED_REF, MAPPER, !ro) : grant_check_unmap(t, SHARED_REF, MAPPER, ro);
        if (rc != GNTST_okay) __atomic_fetch_add(&broken, 1, __ATOMIC_RELAXED);
        if (with_granter && ((seed >> 20) & 1u)) sched_yield(); /* leave the entry idle now and then */
    }
    return NULL;
}

static void *granter_thread(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&stop_granter, __ATOMIC_ACQUIRE)) {
        if (end_access(SHARED_REF)) {
            if (__atomic_load_n(&held, __ATOMIC_ACQUIRE) != 0) __atomic_fetch_add(&broken, 1, __ATOMIC_RELAXED);
            __atomic_fetch_add(&ends, 1u, __ATOMIC_RELAXED);
            grant(SHARED_REF, MAPPER, 0x77, GTF_permit_access);
        }
        sched_yield(); /* let the mappers find the grant in place too */
    }
    return NULL;
}

static void run_threads(int granter, unsigned n)
{
    fresh();
    grant(SHARED_REF, MAPPER, 0x77, GTF_permit_access);
    held = broken = 0;
    ends = maps_ok = 0;
    with_granter = granter;
    stop_granter = 0;
    rounds = n;
    pthread_t m[MAPPERS], g;
    if (granter) CHECK(pthread_create(&g, NULL, granter_thread, NULL) == 0);
    for (uintptr_t i = 0; i < MAPPERS; i++) CHECK(pthread_create(&m[i], NULL, mapper_thread, (void *)(i + 1)) == 0);
    for (int i = 0; i < MAPPERS; i++) pthread_join(m[i], NULL);
    __atomic_store_n(&stop_granter, 1, __ATOMIC_RELEASE);
    if (granter) pthread_join(g, NULL);
}

static void concurrent_pins_counted(void)
{
    run_threads(0, 200000);
    CHECK_EQ(broken, 0);
    CHECK_EQ(maps_ok, MAPPERS * 200000);
    CHECK_EQ(t->active[SHARED_REF].readers, 0);
    CHECK_EQ(t->active[SHARED_REF].writers, 0);
    CHECK_EQ(flags(SHARED_REF), GTF_permit_access);
}

static void granter_ends_only_idle_grants(void)
{
    run_threads(1, 20000);
    CHECK_EQ(broken, 0);
    CHECK(maps_ok >= 20000);
    CHECK(ends >= MIN_ENDS);
    CHECK_EQ(t->active[SHARED_REF].readers, 0);
    CHECK_EQ(t->active[SHARED_REF].writers, 0);
    CHECK_EQ(flags(SHARED_REF) & (GTF_reading | GTF_writing), 0);
    printf("# grant: %u pins taken while the grant was ended and renewed %u times\n", maps_ok, ends);
}

int main(void)
{
    RUN("map_flags_first", map_flags_first);
    RUN("map_flags_alone_agree", map_flags_alone_agree);
    RUN("map_bad_ref", map_bad_ref);
    RUN("map_needs_permit_access_for_the_mapper", map_needs_permit_access_for_the_mapper);
    RUN("map_readonly_grant", map_readonly_grant);
    RUN("map_frame_outside_ram", map_frame_outside_ram);
    RUN("busy_bits_follow_the_pins", busy_bits_follow_the_pins);
    RUN("unmap_without_a_pin", unmap_without_a_pin);
    RUN("pinned_entry_rewritten", pinned_entry_rewritten);
    RUN("pin_counts_are_bounded", pin_counts_are_bounded);
    RUN("granter_races_the_update", granter_races_the_update);
    RUN("copy_checks_in_order", copy_checks_in_order);
    RUN("copy_pins_mark_the_entry", copy_pins_mark_the_entry);
    RUN("concurrent_pins_counted", concurrent_pins_counted);
    RUN("granter_ends_only_idle_grants", granter_ends_only_idle_grants);
    return check_summary();
}
