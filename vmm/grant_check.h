/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The granting VMM's checks of its guest's grant entries (version 1), as Xen's
 * common/grant_table.c makes them for map_grant_ref, unmap and GNTTABOP_copy: pure logic over
 * the guest's table frames (guest memory the guest may rewrite at any moment) and the VMM's own
 * record of each entry in use (Xen's active entry). On success the entry carries GTF_reading,
 * and GTF_writing while a writable pin is held, set with a compare-and-exchange on the
 * entry's flags and domid so that the guest's gnttab_end_foreign_access (which clears an
 * entry only while neither bit is set) sees the page in use; the last release clears them.
 *
 * Order of checks of a map (Xen's map_grant_ref and _set_status_v1; the steps Xen makes
 * between 2 and 3, the domain lookup, XSM and the mapper's handle, are the channel's and
 * the mapping VMM's):
 *   1. neither GNTMAP_host_map nor GNTMAP_device_map          GNTST_bad_gntref
 *   2. device_map, application_map or contains_pte
 *      (the mapper is an auto-translated guest)                GNTST_general_error
 *   3. ref outside the table                                   GNTST_bad_gntref
 *   4. the entry is pinned for another domain, or a pin
 *      count would overflow                                    GNTST_general_error
 *   5. when not pinned yet, or a first writable pin: the
 *      entry is not GTF_permit_access, or has GTF_sub_page,
 *      or names another domain (unpinned only)                 GNTST_general_error
 *      a writable map of a GTF_readonly entry                  GNTST_general_error
 *      the entry changed under the update five times           GNTST_general_error
 *   6. first pin: the entry's frame is not guest RAM           GNTST_bad_page
 * A copy side (acquire_grant_for_copy) checks 3 to 6 without step 5's GTF_sub_page (version 1
 * has no sub-page grants to honour); the source is pinned read-only, the destination writable.
 * The frame is read at the first pin and kept: rewriting the entry while it is pinned
 * changes nothing for the holder, as in Xen.
 */
#ifndef VMM_GRANT_CHECK_H
#define VMM_GRANT_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/grant_table.h>

#define GRANT_CHECK_FRAMES 4u                     /* the table's largest size (VMM_GNTTAB_FRAMES, asserted) */
#define GRANT_ENTRIES_PER_FRAME 512u              /* 4 KiB of 8-byte version 1 entries */
#define GRANT_CHECK_ENTRIES (GRANT_CHECK_FRAMES * GRANT_ENTRIES_PER_FRAME)
#define GRANT_PIN_LIMIT 128u                      /* pins of one kind on an entry (Xen's 8-bit counts) */

/* The VMM's record of an entry in use (Xen's active grant entry). */
struct grant_active {
    uint32_t gfn;        /* the frame pinned, read from the entry at the first pin */
    domid_t domid;       /* the domain holding the pins */
    uint8_t readers;     /* read-only pins: read-only maps, copies from the page */
    uint8_t writers;     /* writable pins: writable maps, copies into the page */
};

/*
 * One granting guest's table as its VMM sees it. frame[i] is the VMM's mapping of table frame
 * i (4 KiB, 1024 words: entry e's flags | domid << 16 in word 2e, its frame in word 2e + 1),
 * NULL where the guest placed none. Zero it, then fill frame[], nr_frames and ram_frames.
 */
struct grant_table_view {
    uint32_t *frame[GRANT_CHECK_FRAMES];
    uint32_t nr_frames;          /* entries: nr_frames * 512 */
    uint64_t ram_frames;         /* the guest's RAM, in 4 KiB frames from 0: a granted frame is below */
    uint32_t lock;               /* serialises active[] (the VMM's threads) */
    struct grant_active active[GRANT_CHECK_ENTRIES];
};

/* What a successful check gives: the granted guest frame and whether the pin is read-only. */
struct grant_page {
    uint64_t gfn;
    bool readonly;
};

/* Steps 1 and 2 alone: the mapping VMM makes them before it asks the granter (Xen makes
 * them before the domain lookup). */
int16_t grant_check_map_flags(uint32_t flags);
/* Map ref for domain mapper with GNTMAP_* flags: GNTST_okay and *out, or the code. */
int16_t grant_check_map(struct grant_table_view *t, grant_ref_t ref, domid_t mapper, uint32_t flags,
                        struct grant_page *out);
/* Release one pin of a map (readonly as mapped): GNTST_bad_handle when mapper holds none. */
int16_t grant_check_unmap(struct grant_table_view *t, grant_ref_t ref, domid_t mapper, bool readonly);

/*
 * GNTTABOP_copy, in Xen's order: a zero length copies nothing and checks nothing
 * (grant_copy_nothing); grant_check_copy_sides; each side given by ref acquired from its
 * granter's table, the source first (grant_check_copy_acquire); grant_check_copy_bounds;
 * the copy; grant_check_copy_release of each side acquired (also when a later step failed).
 */
bool grant_copy_nothing(const struct gnttab_copy *op);
/* A side given by frame must be the caller's own (DOMID_SELF): GNTST_permission_denied. */
int16_t grant_check_copy_sides(const struct gnttab_copy *op);
int16_t grant_check_copy_acquire(struct grant_table_view *t, grant_ref_t ref, domid_t copier, bool dest,
                                 struct grant_page *out);
/* Either side's offset + len past the page: GNTST_bad_copy_arg. */
int16_t grant_check_copy_bounds(const struct gnttab_copy *op);
int16_t grant_check_copy_release(struct grant_table_view *t, grant_ref_t ref, domid_t copier, bool dest);

/*
 * grant_entry.c: the two updates of an entry's first word (flags | domid << 16) in guest
 * memory, atomic against the guest. compare_exchange returns the word found (the update
 * happened when it equals expected); clear_flags clears bits of the flags half.
 */
uint32_t grant_entry_compare_exchange(uint32_t *word, uint32_t expected, uint32_t desired);
void grant_entry_clear_flags(uint32_t *word, uint16_t flags);

#endif
