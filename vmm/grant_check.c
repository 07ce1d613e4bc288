/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The granting VMM's checks of grant entries (grant_check.h has the order of checks and the
 * codes). The guest's table is read only with atomic loads, once per decision: the guest may
 * rewrite it at any moment, and what counts is the word the compare-and-exchange saw.
 */
#include "grant_check.h"
#include "params.h"

_Static_assert(GRANT_CHECK_FRAMES == VMM_GNTTAB_FRAMES, "the view holds the largest table the VMM gives a guest");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "an entry's first word is flags | domid << 16");
_Static_assert(sizeof(struct grant_entry_v1) * GRANT_ENTRIES_PER_FRAME == 4096, "512 entries a frame");

#define PAGE_BYTES 4096u
#define ENTRY_RETRIES 4 /* Xen gives up after the fifth attempt: the guest keeps the entry unstable */

static void lock(struct grant_table_view *t)
{
    while (__atomic_exchange_n(&t->lock, 1u, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&t->lock, __ATOMIC_RELAXED)) {
        }
    }
}

static void unlock(struct grant_table_view *t)
{
    __atomic_store_n(&t->lock, 0u, __ATOMIC_RELEASE);
}

/* The entry's first word (flags, domid), or NULL for a ref outside the table. */
static uint32_t *entry_word(const struct grant_table_view *t, grant_ref_t ref)
{
    uint32_t n = t->nr_frames < GRANT_CHECK_FRAMES ? t->nr_frames : GRANT_CHECK_FRAMES;
    if (ref >= n * GRANT_ENTRIES_PER_FRAME) return NULL;
    uint32_t *frame = t->frame[ref / GRANT_ENTRIES_PER_FRAME];
    return frame ? &frame[2u * (ref % GRANT_ENTRIES_PER_FRAME)] : NULL;
}

static uint16_t flags_of(uint32_t word) { return (uint16_t)word; }
static domid_t domid_of(uint32_t word) { return (domid_t)(word >> 16); }

/*
 * Xen's _set_status_v1: sets GTF_reading (and GTF_writing for a writable pin) if the entry
 * allows it. An entry not yet pinned must permit access to domid (type and, for a map, no
 * sub-page); a writable pin needs an entry without GTF_readonly.
 */
static int16_t set_status(uint32_t *word, const struct grant_active *a, domid_t domid, bool readonly, bool map)
{
    uint16_t mask = (uint16_t)(GTF_type_mask | (map ? GTF_sub_page : 0u));
    uint32_t seen = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    for (int attempt = 0;; attempt++) {
        uint16_t flags = flags_of(seen);
        if (!a->readers && !a->writers && ((flags & mask) != GTF_permit_access || domid_of(seen) != domid))
            return GNTST_general_error;
        if (!readonly && (flags & GTF_readonly)) return GNTST_general_error;
        uint32_t want = seen | GTF_reading | (readonly ? 0u : GTF_writing);
        uint32_t found = grant_entry_compare_exchange(word, seen, want);
        if (found == seen) return GNTST_okay;
        if (attempt == ENTRY_RETRIES) return GNTST_general_error;
        seen = found;
    }
}

/* After a pin is dropped (or was never taken): the busy bits the remaining pins do not need. */
static void clear_unneeded(uint32_t *word, const struct grant_active *a, bool readonly)
{
    uint16_t clear = 0;
    if (!readonly && !a->writers) clear |= GTF_writing;
    if (!a->readers && !a->writers) clear |= GTF_reading;
    if (clear) grant_entry_clear_flags(word, clear);
}

/*
 * Steps 4 to 6 of grant_check.h and the pin: shared by maps and copies. A map refuses when
 * any count is full (Xen tests the top bit of every counter), a copy only when its own is.
 */
static int16_t pin(struct grant_table_view *t, uint32_t *word, grant_ref_t ref, domid_t domid, bool readonly,
                   bool map, struct grant_page *out)
{
    struct grant_active *a = &t->active[ref];
    bool pinned = a->readers || a->writers;
    bool full = map ? (a->readers >= GRANT_PIN_LIMIT || a->writers >= GRANT_PIN_LIMIT)
                    : ((readonly ? a->readers : a->writers) >= GRANT_PIN_LIMIT);
    if (pinned && (a->domid != domid || full)) return GNTST_general_error;
    if (!pinned || (!readonly && !a->writers)) {
        int16_t rc = set_status(word, a, domid, readonly, map);
        if (rc != GNTST_okay) return rc;
        if (!pinned) {
            uint32_t gfn = __atomic_load_n(word + 1, __ATOMIC_ACQUIRE);
            if (gfn >= t->ram_frames) {
                clear_unneeded(word, a, readonly);
                return GNTST_bad_page;
            }
            a->gfn = gfn;
            a->domid = domid;
        }
    }
    if (readonly) a->readers++;
    else a->writers++;
    out->gfn = a->gfn;
    out->readonly = readonly;
    return GNTST_okay;
}

/* Drops one pin of domid's; GNTST_bad_handle when there is none of that kind. */
static int16_t unpin(struct grant_table_view *t, grant_ref_t ref, domid_t domid, bool readonly)
{
    uint32_t *word = entry_word(t, ref);
    if (!word) return GNTST_bad_handle;
    lock(t);
    struct grant_active *a = &t->active[ref];
    uint8_t *count = readonly ? &a->readers : &a->writers;
    int16_t rc = GNTST_bad_handle;
    if (*count && a->domid == domid) {
        (*count)--;
        clear_unneeded(word, a, readonly);
        rc = GNTST_okay;
    }
    unlock(t);
    return rc;
}

int16_t grant_check_map_flags(uint32_t flags)
{
    if (!(flags & (GNTMAP_host_map | GNTMAP_device_map))) return GNTST_bad_gntref;
    if (flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)) return GNTST_general_error;
    return GNTST_okay;
}

int16_t grant_check_map(struct grant_table_view *t, grant_ref_t ref, domid_t mapper, uint32_t flags,
                        struct grant_page *out)
{
    int16_t rc = grant_check_map_flags(flags);
    if (rc != GNTST_okay) return rc;
    uint32_t *word = entry_word(t, ref);
    if (!word) return GNTST_bad_gntref;
    lock(t);
    rc = pin(t, word, ref, mapper, (flags & GNTMAP_readonly) != 0, true, out);
    unlock(t);
    return rc;
}

int16_t grant_check_unmap(struct grant_table_view *t, grant_ref_t ref, domid_t mapper, bool readonly)
{
    return unpin(t, ref, mapper, readonly);
}

bool grant_copy_nothing(const struct gnttab_copy *op)
{
    return op->len == 0;
}

int16_t grant_check_copy_sides(const struct gnttab_copy *op)
{
    if (!(op->flags & GNTCOPY_source_gref) && op->source.domid != DOMID_SELF) return GNTST_permission_denied;
    if (!(op->flags & GNTCOPY_dest_gref) && op->dest.domid != DOMID_SELF) return GNTST_permission_denied;
    return GNTST_okay;
}

int16_t grant_check_copy_acquire(struct grant_table_view *t, grant_ref_t ref, domid_t copier, bool dest,
                                 struct grant_page *out)
{
    uint32_t *word = entry_word(t, ref);
    if (!word) return GNTST_bad_gntref;
    lock(t);
    int16_t rc = pin(t, word, ref, copier, !dest, false, out);
    unlock(t);
    return rc;
}

int16_t grant_check_copy_bounds(const struct gnttab_copy *op)
{
    if ((uint32_t)op->source.offset + op->len > PAGE_BYTES || (uint32_t)op->dest.offset + op->len > PAGE_BYTES)
        return GNTST_bad_copy_arg;
    return GNTST_okay;
}

int16_t grant_check_copy_release(struct grant_table_view *t, grant_ref_t ref, domid_t copier, bool dest)
{
    return unpin(t, ref, copier, !dest);
}
