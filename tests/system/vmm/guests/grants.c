/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The test guest on grants between guests (mode=grants-granter, grants-mapper, grants-hostile;
 * run by tests/suites/peers.sh in tests/system/peers/grants.bh, where anna is domain 1, ben 2
 * and mal 3; anna and ben share a `grant` channel, so do mal and anna). No store and no event
 * channel: each side waits for the other's step by polling memory it can see (the granted
 * pages, a copy into the granter's page). Every check prints "grants: <name>: <what>: ok" or
 * "... FAILED (<value>)"; the last line says how many failed.
 *   anna  places her table's frame 0 in her RAM and grants: ref 8 read-write and ref 9
 *         read-only to ben, ref 10 to domain 3 (for ben: the wrong domain), ref 11 without
 *         permit_access, refs 12 and 13 for ben's copies, ref 14 to mal, ref 15 to ben last, ref
 *         16 to dan; sees dan's write through ref 16 and, after his end, its busy bits clear;
 *         sees ben's write through ref 8, finds GTF_reading/GTF_writing set so that ending the
 *         grants fails while mapped; rewrites ref 8 while mapped; sees ben's copy into ref 13
 *         (and his unmaps: the bits clear, ending the grants succeeds), her read-only page
 *         unchanged; waits for ben's mapping of ref 15, then shuts down with it mapped
 *   ben   the error paths; maps ref 8 and 9, reads anna's data, writes through ref 8, writes
 *         to the read-only ref 9 (dropped: the page is unchanged); maps ref 8 again after anna
 *         rewrote its entry (the pinned frame, not the new one); copies both ways with
 *         offsets; unmaps (errors, then all ones at the address); maps ref 15 and sees anna
 *         end: the page reads all ones, a map of her grants is GNTST_bad_domain, the unmap of
 *         the dead mapping succeeds, and he runs on ("alive N")
 *   dan   maps anna's ref 16, writes through it and shuts down with it mapped
 *   grants-bench-granter, grants-bench-mapper: the benchmark below
 *   mal   maps anna's ref 14 (granted to it) and not ref 8 (granted to ben), then random
 *         map, unmap and copy operations at anna for ever, a line every 2,000
 */
#include <stdbool.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include "guest.h"
#include "../../../../vmm/grant_peer.h"

#define ANNA 1u
#define BEN 2u
#define MAL 3u
#define STEP_TSC (60ull * 2000 * 1000 * 1000)   /* ~60 s at the nominal 2 GHz: a step that never comes */
#define HOSTILE_REPORT 2000u
/* Where ben and mal map anna's pages: guest-physical 2 GiB (outside their RAM), seen through
 * pd1[1], the 2 MiB page of guest-virtual space at 0x40200000. */
#define HOST_BASE 0x80000000ull
#define HOST_VA 0x40200000ull
#define HOST_RW (HOST_BASE + 0x0000)
#define HOST_RO (HOST_BASE + 0x1000)
#define HOST_RW2 (HOST_BASE + 0x2000)
#define HOST_LAST (HOST_BASE + 0x3000)
#define HOST_MANY (HOST_BASE + 0x10000)
#define MARK_BEN 256u        /* ben's word in ref 8's page */
#define MARK_REWRITTEN 512u  /* anna's word there after she rewrote ref 8's entry */
#define BEN_MARK 0xbe4beef1u
#define REWRITTEN_MARK 0x4e3c0de5u
#define LAST_MARK 0x1a57a5e5u

#define DAN 4u
#define DAN_MARK 0xda4da4d1u

enum { REF_RW = 8, REF_RO = 9, REF_OTHER_DOM = 10, REF_NO_PERMIT = 11, REF_COPY_SRC = 12, REF_COPY_DST = 13,
       REF_MAL = 14, REF_LAST = 15, REF_DAN = 16 };

static uint8_t table[4096] __attribute__((aligned(4096)));
static uint8_t page_rw[4096] __attribute__((aligned(4096)));
static uint8_t page_ro[4096] __attribute__((aligned(4096)));
static uint8_t page_other[4096] __attribute__((aligned(4096)));
static uint8_t page_src[4096] __attribute__((aligned(4096)));
static uint8_t page_dst[4096] __attribute__((aligned(4096)));
static uint8_t page_mal[4096] __attribute__((aligned(4096)));
static uint8_t page_last[4096] __attribute__((aligned(4096)));
static uint8_t page_dan[4096] __attribute__((aligned(4096)));
static uint8_t local[4096] __attribute__((aligned(4096)));
static struct named_checks checks = {.suite = "grants", .me = "?"};
static void say(const char *what, const char *tail) { nc_say(&checks, what, tail); }
static void say_num(const char *what, uint64_t v) { nc_say_num(&checks, what, v); }
static void expect(const char *what, bool ok, int64_t value) { nc_expect(&checks, what, ok, value); }

static void finish(bool end)
{
    say_num("checks passed: ", checks.passed);
    if (checks.failed) say_num("checks FAILED: ", checks.failed);
    else say("all checks passed", "");
    if (end) {
        struct sched_shutdown s = {SHUTDOWN_poweroff};
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&s, 0);
    }
}

static void pause_tsc(uint64_t ticks)
{
    uint64_t until = rdtsc() + ticks;
    while (rdtsc() < until) __asm__ volatile("pause");
}

static long grant_op(uint32_t cmd, void *arg, uint32_t count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uint64_t)(uintptr_t)arg, count);
}

static uint64_t gfn_of(const void *p) { return (uint64_t)(uintptr_t)p >> 12; }

/* ---- the granter's side: entries in its own table, as Linux's gnttab_grant_foreign_access ---- */

static volatile uint32_t *entry(uint32_t ref) { return (volatile uint32_t *)(table + 8u * ref); }
static uint16_t flags_of(uint32_t ref) { return (uint16_t)*entry(ref); }

static void grant(uint32_t ref, uint16_t dom, const void *page, uint16_t flags)
{
    entry(ref)[1] = (uint32_t)gfn_of(page);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    entry(ref)[0] = (uint32_t)flags | (uint32_t)dom << 16;
}

/* Linux's gnttab_end_foreign_access_ref (version 1): clears the entry unless a mapper holds it. */
static bool end_access(uint32_t ref)
{
    uint32_t seen = entry(ref)[0];
    for (;;) {
        if (seen & (GTF_reading | GTF_writing)) return false;
        if (__atomic_compare_exchange_n(entry(ref), &seen, seen & 0xffff0000u, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
    }
}

static bool await_word(const volatile uint32_t *w, uint32_t want)
{
    uint64_t until = rdtsc() + STEP_TSC;
    while (*w != want)
        if (rdtsc() > until) return false;
    return true;
}

static void anna(void)
{
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_grant_table, 0, gfn_of(table)};
    expect("grant frame 0 placed in RAM", hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x, 0) == 0, 0);
    for (uint32_t i = 0; i < 4096; i++) {
        page_rw[i] = (uint8_t)(i * 7 + 1);
        page_ro[i] = (uint8_t)(i * 13 + 5);
        page_other[i] = 0xee;
        page_src[i] = (uint8_t)(i ^ 0x5a);
        page_dst[i] = 0;
        page_mal[i] = 0x33;
        page_last[i] = 0;
    }
    grant(REF_OTHER_DOM, MAL, page_other, GTF_permit_access);
    grant(REF_NO_PERMIT, BEN, page_other, 0);
    grant(REF_COPY_SRC, BEN, page_src, GTF_permit_access | GTF_readonly);
    grant(REF_COPY_DST, BEN, page_dst, GTF_permit_access);
    grant(REF_MAL, MAL, page_mal, GTF_permit_access);
    grant(REF_LAST, BEN, page_last, GTF_permit_access);
    grant(REF_DAN, DAN, page_dan, GTF_permit_access);
    grant(REF_RO, BEN, page_ro, GTF_permit_access | GTF_readonly);
    grant(REF_RW, BEN, page_rw, GTF_permit_access);
    say("grants written", "");
    /* dan maps ref 16, writes and shuts down with it mapped: our VMM drops his pin. */
    volatile uint32_t *dan_word = (volatile uint32_t *)page_dan;
    expect("dan's write through his mapping of ref 16", await_word(dan_word, DAN_MARK), *dan_word);
    uint64_t until = rdtsc() + STEP_TSC;
    while ((flags_of(REF_DAN) & (GTF_reading | GTF_writing)) && rdtsc() < until) __asm__ volatile("pause");
    expect("dan ended with ref 16 mapped: its GTF_reading and GTF_writing cleared",
           !(flags_of(REF_DAN) & (GTF_reading | GTF_writing)), flags_of(REF_DAN));
    expect("ending ref 16 after dan's end succeeds", end_access(REF_DAN), flags_of(REF_DAN));
    volatile uint32_t *ben_word = (volatile uint32_t *)(page_rw + MARK_BEN);
    expect("ben's write through his mapping of ref 8", await_word(ben_word, BEN_MARK), *ben_word);
    expect("ref 8 mapped read-write: GTF_reading and GTF_writing set",
           (flags_of(REF_RW) & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing), flags_of(REF_RW));
    expect("ref 9 mapped read-only: GTF_reading set, GTF_writing clear",
           (flags_of(REF_RO) & (GTF_reading | GTF_writing)) == GTF_reading, flags_of(REF_RO));
    expect("ending ref 8 while mapped fails", !end_access(REF_RW), flags_of(REF_RW));
    expect("ending ref 9 while mapped fails", !end_access(REF_RO), flags_of(REF_RO));
    /* The entry rewritten under the mapping: another frame, read-only. Ben's mapping stays. */
    grant(REF_RW, BEN, page_other, (uint16_t)(flags_of(REF_RW) | GTF_readonly));
    *(volatile uint32_t *)(page_rw + MARK_REWRITTEN) = REWRITTEN_MARK;
    say("ref 8 rewritten while mapped: page_other, read-only", "");
    /* Ben's copy into ref 13 says he is done with refs 8 and 9. */
    volatile uint32_t *done = (volatile uint32_t *)page_dst;
    expect("ben's copy into ref 13 (offset 0: his end mark)", await_word(done, BEN_MARK), *done);
    bool copied = true;
    for (uint32_t i = 0; i < 64; i++) copied &= page_dst[1000 + i] == (uint8_t)(i * 3 + 40);
    expect("ben's 64-byte copy from his RAM (offset 40) landed at offset 1000 of ref 13", copied, page_dst[1000]);
    expect("the rest of ref 13's page untouched", page_dst[999] == 0 && page_dst[1064] == 0, page_dst[999]);
    expect("unmapped: ref 8's GTF_reading and GTF_writing clear", !(flags_of(REF_RW) & (GTF_reading | GTF_writing)),
           flags_of(REF_RW));
    expect("unmapped: ref 9's GTF_reading clear", !(flags_of(REF_RO) & GTF_reading), flags_of(REF_RO));
    expect("ending ref 8 after the unmap succeeds", end_access(REF_RW), flags_of(REF_RW));
    expect("ending ref 9 after the unmap succeeds", end_access(REF_RO), flags_of(REF_RO));
    bool ro_same = true;
    for (uint32_t i = 0; i < 4096; i++) ro_same &= page_ro[i] == (uint8_t)(i * 13 + 5);
    expect("the read-only page is unchanged by ben's write", ro_same, page_ro[0]);
    expect("the copy source page is unchanged", page_src[100] == (uint8_t)(100 ^ 0x5a), page_src[100]);
    volatile uint32_t *last = (volatile uint32_t *)page_last;
    expect("ben maps ref 15 and writes through it", await_word(last, LAST_MARK), *last);
    expect("ending ref 15 while mapped fails", !end_access(REF_LAST), flags_of(REF_LAST));
    say("shutting down with ref 15 mapped by ben", "");
    finish(true);
}

/* ---- the mapper's side ---- */

static volatile uint8_t *host_va(uint64_t gpa) { return (volatile uint8_t *)(uintptr_t)(HOST_VA + (gpa - HOST_BASE)); }

static int16_t map(uint16_t dom, uint32_t ref, uint32_t flags, uint64_t host_addr, uint32_t *handle)
{
    struct gnttab_map_grant_ref op = {.host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom, .status = 99};
    long rc = grant_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc != 0) return (int16_t)(rc - 1000);   /* the hypercall itself failed: out of GNTST's range */
    if (handle) *handle = op.handle;
    return op.status;
}

static int16_t unmap(uint64_t host_addr, uint32_t handle)
{
    struct gnttab_unmap_grant_ref op = {.host_addr = host_addr, .handle = handle, .status = 99};
    long rc = grant_op(GNTTABOP_unmap_grant_ref, &op, 1);
    return rc != 0 ? (int16_t)(rc - 1000) : op.status;
}

static int16_t copy(struct gnttab_copy *op)
{
    op->status = 99;
    long rc = grant_op(GNTTABOP_copy, op, 1);
    return rc != 0 ? (int16_t)(rc - 1000) : op->status;
}

static struct gnttab_copy from_ref(uint16_t dom, uint32_t ref, uint16_t off, const void *to, uint16_t to_off, uint16_t len)
{
    struct gnttab_copy c = {.len = len, .flags = GNTCOPY_source_gref};
    c.source.u.ref = ref, c.source.domid = dom, c.source.offset = off;
    c.dest.u.gmfn = gfn_of(to), c.dest.domid = DOMID_SELF, c.dest.offset = to_off;
    return c;
}

static struct gnttab_copy to_ref(const void *from, uint16_t off, uint16_t dom, uint32_t ref, uint16_t to_off, uint16_t len)
{
    struct gnttab_copy c = {.len = len, .flags = GNTCOPY_dest_gref};
    c.source.u.gmfn = gfn_of(from), c.source.domid = DOMID_SELF, c.source.offset = off;
    c.dest.u.ref = ref, c.dest.domid = dom, c.dest.offset = to_off;
    return c;
}

static void window(void)
{
    pd1[1] = HOST_BASE | 0x83;   /* present, writable, 2 MiB */
    __asm__ volatile("invlpg (%0)" : : "r"(HOST_VA) : "memory");
}

static void alive(void)
{
    for (uint32_t n = 1;; n++) {
        pause_tsc(VT_HEARTBEAT_TSC);
        say_num("alive ", n);
    }
}

static void ben(void)
{
    uint32_t h_rw = 0, h_ro = 0, h2 = 0, h = 0;
    window();
    int16_t st = map(ANNA, REF_RW, 0, HOST_RW, &h);
    expect("map without host_map or device_map: GNTST_bad_gntref", st == GNTST_bad_gntref, st);
    st = map(ANNA, REF_RW, GNTMAP_host_map | GNTMAP_device_map, HOST_RW, &h);
    expect("map with device_map (an auto-translated guest): GNTST_general_error", st == GNTST_general_error, st);
    st = map(ANNA, REF_RW, GNTMAP_host_map | GNTMAP_contains_pte, HOST_RW, &h);
    expect("map with contains_pte: GNTST_general_error", st == GNTST_general_error, st);
    st = map(77, REF_RW, GNTMAP_host_map, HOST_RW, &h);
    expect("map of an undeclared domain (77): GNTST_bad_domain", st == GNTST_bad_domain, st);
    st = map(MAL, REF_RW, GNTMAP_host_map, HOST_RW, &h);
    expect("map of domain 3 (no grant channel to it): GNTST_bad_domain", st == GNTST_bad_domain, st);
    st = unmap(HOST_RW, 9999);
    expect("unmap of handle 9999: GNTST_bad_handle", st == GNTST_bad_handle, st);
    st = unmap(HOST_RW, 0);
    expect("unmap of handle 0, never mapped: GNTST_bad_handle", st == GNTST_bad_handle, st);
    /* Anna writes her entries at her start: retry while ref 8 is not yet granted to us. */
    uint64_t until = rdtsc() + STEP_TSC;
    while (((st = map(ANNA, REF_RW, GNTMAP_host_map, HOST_RW, &h_rw)) == GNTST_general_error || st == GNTST_bad_gntref) &&
           rdtsc() < until) {
    }
    expect("map anna's ref 8 read-write at 2 GiB", st == GNTST_okay, st);
    volatile uint8_t *rw = host_va(HOST_RW);
    bool same = true;
    for (uint32_t i = 0; i < 4096; i++) same &= rw[i] == (uint8_t)(i * 7 + 1);
    expect("anna's data read through the mapping", same, rw[0]);
    st = map(ANNA, REF_RO, GNTMAP_host_map | GNTMAP_readonly, HOST_RO, &h_ro);
    expect("map anna's ref 9 read-only", st == GNTST_okay, st);
    volatile uint8_t *ro = host_va(HOST_RO);
    expect("anna's read-only data read", ro[0] == 5 && ro[100] == (uint8_t)(100 * 13 + 5), ro[100]);
    *(volatile uint32_t *)(ro + 64) = 0xdeadbeefu;   /* the VMM drops it */
    expect("a write to the read-only mapping is dropped: the page is unchanged",
           *(volatile uint32_t *)(ro + 64) != 0xdeadbeefu && ro[64] == (uint8_t)(64 * 13 + 5), ro[64]);
    /* The error paths that need anna's entries. */
    st = map(ANNA, REF_RO, GNTMAP_host_map, HOST_RW2, &h);
    expect("map of the read-only ref 9 read-write: GNTST_general_error", st == GNTST_general_error, st);
    st = map(ANNA, REF_OTHER_DOM, GNTMAP_host_map, HOST_RW2, &h);
    expect("map of ref 10, granted to domain 3: GNTST_general_error", st == GNTST_general_error, st);
    st = map(ANNA, REF_NO_PERMIT, GNTMAP_host_map, HOST_RW2, &h);
    expect("map of ref 11, not permit_access: GNTST_general_error", st == GNTST_general_error, st);
    st = map(ANNA, 5000, GNTMAP_host_map, HOST_RW2, &h);
    expect("map of ref 5000, beyond the table: GNTST_bad_gntref", st == GNTST_bad_gntref, st);
    st = map(ANNA, REF_COPY_DST, GNTMAP_host_map, 0x100000, &h);
    expect("map at host_addr 1 MiB, inside RAM: GNTST_general_error", st == GNTST_general_error, st);
    st = map(ANNA, REF_COPY_DST, GNTMAP_host_map, HOST_RW, &h);
    expect("map where ref 8 is mapped already: GNTST_general_error", st == GNTST_general_error, st);
    /* Our write, then anna's rewrite of ref 8 under our mapping. */
    *(volatile uint32_t *)(rw + MARK_BEN) = BEN_MARK;
    volatile uint32_t *rewritten = (volatile uint32_t *)(rw + MARK_REWRITTEN);
    expect("anna rewrote ref 8 (her mark seen through our mapping: still her page)", await_word(rewritten, REWRITTEN_MARK),
           *rewritten);
    st = map(ANNA, REF_RW, GNTMAP_host_map, HOST_RW2, &h2);
    volatile uint8_t *rw2 = host_va(HOST_RW2);
    expect("ref 8 mapped again read-write after the rewrite: the pinned frame, not the entry's new one",
           st == GNTST_okay && rw2[1] == (uint8_t)(1 * 7 + 1) && rw2[2] != 0xee, st ? st : rw2[1]);
    expect("unmap of the second mapping", unmap(HOST_RW2, h2) == GNTST_okay, 0);
    /* Copies both ways, with offsets. */
    for (uint32_t i = 0; i < 4096; i++) local[i] = 0;
    struct gnttab_copy c = from_ref(ANNA, REF_COPY_SRC, 100, local, 300, 200);
    st = copy(&c);
    bool copied = st == GNTST_okay && local[299] == 0 && local[500] == 0;
    for (uint32_t i = 0; i < 200; i++) copied &= local[300 + i] == (uint8_t)((100 + i) ^ 0x5a);
    expect("copy 200 bytes from anna's ref 12 at offset 100 to our RAM at offset 300", copied, st ? st : local[300]);
    c = from_ref(ANNA, REF_COPY_SRC, 4000, local, 0, 200);
    st = copy(&c);
    expect("copy with source offset + length past the page: GNTST_bad_copy_arg", st == GNTST_bad_copy_arg, st);
    c = from_ref(ANNA, REF_COPY_SRC, 0, local, 0, 16);
    c.dest.domid = MAL;
    st = copy(&c);
    expect("copy to a frame of another domain: GNTST_permission_denied", st == GNTST_permission_denied, st);
    c = to_ref(local, 0, ANNA, REF_RO, 0, 16);
    st = copy(&c);
    expect("copy into the read-only ref 9: GNTST_general_error", st == GNTST_general_error, st);
    c = to_ref(local, 0, 77, REF_COPY_DST, 0, 16);
    st = copy(&c);
    expect("copy into an undeclared domain's grant: GNTST_bad_domain", st == GNTST_bad_domain, st);
    c = from_ref(ANNA, REF_COPY_SRC, 0, local, 0, 0);
    st = copy(&c);
    expect("copy of length 0: GNTST_okay, nothing checked", st == GNTST_okay, st);
    for (uint32_t i = 0; i < 64; i++) local[40 + i] = (uint8_t)(i * 3 + 40);
    c = to_ref(local, 40, ANNA, REF_COPY_DST, 1000, 64);
    st = copy(&c);
    expect("copy 64 bytes from our RAM at offset 40 into anna's ref 13 at offset 1000", st == GNTST_okay, st);
    /* The granter's quota: 64 pages to one peer at once (two are ours already: refs 8 and 9). */
    uint32_t many[VMM_GRANT_EXPORTS_PER_PEER];
    bool all = true;
    for (uint32_t i = 0; i < VMM_GRANT_EXPORTS_PER_PEER - 2; i++)
        all &= map(ANNA, REF_COPY_DST, GNTMAP_host_map, HOST_MANY + i * 4096ull, &many[i]) == GNTST_okay;
    _Static_assert(VMM_GRANT_EXPORTS_PER_PEER == 64, "the lines below say 64");
    expect("62 more maps of ref 13: the granter's quota of 64 for us", all, 0);
    st = map(ANNA, REF_COPY_DST, GNTMAP_host_map, HOST_MANY + (VMM_GRANT_EXPORTS_PER_PEER - 2) * 4096ull, &h);
    expect("the 65th page at once: GNTST_no_space from the granter", st == GNTST_no_space, st);
    for (uint32_t i = 0; i < VMM_GRANT_EXPORTS_PER_PEER - 2; i++) all &= unmap(HOST_MANY + i * 4096ull, many[i]) == GNTST_okay;
    expect("the 62 unmapped", all, 0);
    st = map(ANNA, REF_COPY_DST, GNTMAP_host_map, HOST_MANY, &h);
    expect("then a map of ref 13 succeeds again", st == GNTST_okay && unmap(HOST_MANY, h) == GNTST_okay, st);
    /* Unmaps. */
    st = unmap(HOST_RO + 0x10000, h_ro);
    expect("unmap with another host_addr: GNTST_general_error", st == GNTST_general_error, st);
    st = unmap(0, h_ro);
    expect("unmap with host_addr 0: GNTST_okay, the mapping stays (Xen's)", st == GNTST_okay && ro[0] == 5, st ? st : ro[0]);
    expect("unmap of ref 9's mapping", unmap(HOST_RO, h_ro) == GNTST_okay, 0);
    expect("unmap of ref 8's mapping", unmap(HOST_RW, h_rw) == GNTST_okay, 0);
    st = unmap(HOST_RW, h_rw);
    expect("unmap again: GNTST_bad_handle", st == GNTST_bad_handle, st);
    expect("the unmapped address reads all ones", *(volatile uint32_t *)rw == 0xffffffffu, *(volatile uint32_t *)rw);
    /* Tell anna (a copy into her ref 13): she checks her entries and ends them. */
    *(volatile uint32_t *)local = BEN_MARK;
    c = to_ref(local, 0, ANNA, REF_COPY_DST, 0, 4);
    st = copy(&c);
    expect("copy of our end mark into ref 13", st == GNTST_okay, st);
    /* Last: a mapping anna ends under. */
    uint32_t h_last = 0;
    st = map(ANNA, REF_LAST, GNTMAP_host_map, HOST_LAST, &h_last);
    expect("map anna's ref 15", st == GNTST_okay, st);
    volatile uint32_t *last = (volatile uint32_t *)host_va(HOST_LAST);
    *last = LAST_MARK;
    until = rdtsc() + STEP_TSC;
    while (*last != 0xffffffffu && rdtsc() < until) __asm__ volatile("pause");
    expect("anna ended: her page at our address reads all ones", *last == 0xffffffffu, *last);
    st = map(ANNA, REF_LAST, GNTMAP_host_map, HOST_RW2, &h);
    expect("map of the ended domain 1's grant: GNTST_bad_domain", st == GNTST_bad_domain, st);
    c = from_ref(ANNA, REF_COPY_SRC, 0, local, 0, 16);
    st = copy(&c);
    expect("copy from the ended domain 1's grant: GNTST_bad_domain", st == GNTST_bad_domain, st);
    expect("unmap of the mapping of the ended domain's page", unmap(HOST_LAST, h_last) == GNTST_okay, 0);
    finish(false);
    alive();
}

/* A mapper that ends with a mapping: maps anna's ref 16, writes through it, shuts down. */
static void dying(void)
{
    uint32_t h = 0;
    window();
    uint64_t until = rdtsc() + STEP_TSC;
    int16_t st;
    while (((st = map(ANNA, REF_DAN, GNTMAP_host_map, HOST_RW, &h)) == GNTST_general_error || st == GNTST_bad_gntref) &&
           rdtsc() < until) {
    }
    expect("map anna's ref 16", st == GNTST_okay, st);
    *(volatile uint32_t *)host_va(HOST_RW) = DAN_MARK;
    say("shutting down with ref 16 mapped", "");
    finish(true);
}

/* ---- the hostile peer ---- */

static uint64_t rng = 0x6a09e667f3bcc909ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void hostile(void)
{
    uint32_t h = 0;
    window();
    uint64_t until = rdtsc() + STEP_TSC;
    int16_t st;
    while (((st = map(ANNA, REF_MAL, GNTMAP_host_map, HOST_RW, &h)) == GNTST_general_error || st == GNTST_bad_gntref) &&
           rdtsc() < until) {
    }
    expect("map anna's ref 14, granted to us", st == GNTST_okay && host_va(HOST_RW)[7] == 0x33, st);
    st = map(ANNA, REF_RW, GNTMAP_host_map | GNTMAP_readonly, HOST_RO, &h);
    expect("map anna's ref 8, granted to ben: GNTST_general_error", st == GNTST_general_error, st);
    static uint8_t ops[8 * 40] __attribute__((aligned(8)));
    uint64_t refused = 0;
    for (uint64_t i = 1;; i++) {
        uint64_t r = next();
        for (unsigned w = 0; w < sizeof ops; w += 8) *(uint64_t *)(ops + w) = next();
        uint32_t count = 1 + (uint32_t)(r >> 40) % 4;
        for (uint32_t k = 0; k < count; k++) {   /* mostly plausible: anna, small refs, host_map, our window */
            uint8_t *o = ops + 40 * k;
            if (r & 1) *(uint16_t *)(o + 16) = ANNA;          /* map: dom */
            if (r & 2) *(uint32_t *)(o + 12) %= 20;           /* map: ref */
            if (r & 4) *(uint32_t *)(o + 8) = GNTMAP_host_map | ((uint32_t)r & GNTMAP_readonly);
            if (r & 8) *(uint64_t *)o = HOST_BASE + (next() % 512) * 4096;
            if (r & 16) *(uint32_t *)(o + 16) %= 70;          /* unmap: handle */
        }
        uint32_t cmd = (r >> 8) % 3 == 0 ? GNTTABOP_map_grant_ref : (r >> 8) % 3 == 1 ? GNTTABOP_unmap_grant_ref : GNTTABOP_copy;
        if (cmd == GNTTABOP_copy)
            for (uint32_t k = 0; k < count; k++) {
                struct gnttab_copy *c = (struct gnttab_copy *)(ops + 40 * k);
                if (r & 32) c->source.domid = ANNA, c->source.u.ref %= 20, c->flags |= GNTCOPY_source_gref;
                if (r & 64) c->dest.domid = DOMID_SELF, c->flags &= (uint16_t)~GNTCOPY_dest_gref;
                if (!(c->flags & GNTCOPY_dest_gref)) c->dest.u.gmfn = gfn_of(local);   /* our own RAM: only the scratch page */
            }
        if (grant_op(cmd, ops, count) != 0) refused++;
        if (i % HOSTILE_REPORT == 0) {
            say_num("random operations so far: ", i);
            say_num("of which the hypercall refused: ", refused);
        }
    }
}

/* ---- the benchmark (tests/system/peers/grants-bench.bh, ./bulkhead bench, -icount shift=0) ----
 * anna grants ref 8 (read-write) and ref 12 to ben and halts; ben times, best of BENCH_ROUNDS,
 * a map and unmap of ref 8 and a 4 KiB GNTTABOP_copy from ref 12 into his RAM, and prints
 * "BENCH vmm_grant_... N" (rdtsc: instructions under -icount). */
#define BENCH_ROUNDS 32

static void bench_granter(void)
{
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_grant_table, 0, gfn_of(table)};
    hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x, 0);
    for (uint32_t i = 0; i < 4096; i++) page_src[i] = (uint8_t)(i ^ 0x5a);
    grant(REF_COPY_SRC, BEN, page_src, GTF_permit_access | GTF_readonly);
    grant(REF_RW, BEN, page_rw, GTF_permit_access);
    say("grants written; halting", "");
    for (;;) __asm__ volatile("sti; hlt" : : : "memory");
}

static void bench_line(const char *name, uint64_t v)
{
    char n[24];
    nc_num(n, v);
    uart_puts("BENCH ");
    uart_puts(name);
    uart_puts(" ");
    uart_puts(n);
    uart_puts("\n");
}

static void bench_mapper(void)
{
    uint32_t h = 0;
    uint64_t until = rdtsc() + STEP_TSC;
    int16_t st;
    while (((st = map(ANNA, REF_RW, GNTMAP_host_map, HOST_RW, &h)) == GNTST_general_error || st == GNTST_bad_gntref) &&
           rdtsc() < until) {
    }
    expect("map anna's ref 8", st == GNTST_okay && unmap(HOST_RW, h) == GNTST_okay, st);
    uint64_t best_map = ~0ull, best_copy = ~0ull;
    bool ok = true;
    for (int i = 0; i < BENCH_ROUNDS; i++) {
        uint64_t t0 = rdtsc();
        ok &= map(ANNA, REF_RW, GNTMAP_host_map, HOST_RW, &h) == GNTST_okay;
        ok &= unmap(HOST_RW, h) == GNTST_okay;
        uint64_t t1 = rdtsc();
        struct gnttab_copy c = from_ref(ANNA, REF_COPY_SRC, 0, local, 0, 4096);
        ok &= copy(&c) == GNTST_okay;
        uint64_t t2 = rdtsc();
        if (t1 - t0 < best_map) best_map = t1 - t0;
        if (t2 - t1 < best_copy) best_copy = t2 - t1;
    }
    expect("every timed map, unmap and copy succeeded", ok, 0);
    expect("the copied page is anna's", local[100] == (uint8_t)(100 ^ 0x5a), local[100]);
    bench_line("vmm_grant_map_unmap_round_trip", best_map);
    bench_line("vmm_grant_copy_4k", best_copy);
    finish(false);
    uart_puts("BENCH-DONE\n");
    for (;;) __asm__ volatile("sti; hlt" : : : "memory");
}

void test_grants(int which)
{
    if (which == 0) checks.me = "anna", anna();
    else if (which == 1) checks.me = "ben", ben();
    else if (which == 2) checks.me = "mal", hostile();
    else if (which == 3) checks.me = "dan", dying();
    else if (which == 4) checks.me = "anna", bench_granter();
    else checks.me = "ben", bench_mapper();
}
