/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The granting side of grants between guests (grant_peer.h; the requests in peer_proto.h).
 * Runs in the channel's service thread under the VM lock. The guest's table is read where the
 * guest placed its frames (grant_check.c reads each word once, atomically); grant_check decides
 * in Xen's order; the page handed over is a 4 KiB capability derived from the guest's RAM frame
 * (FRAME DERIVE_PAGE, read-only for a read-only pin), kept in a slot of ours until the peer
 * releases it or ends: revoking it then takes the peer's copy and its mappings with it, so a
 * peer keeps a page exactly as long as its pin.
 */
#include <bulkhead/invocations.h>
#include "vmm.h"

#define PAGE 4096u
#define PAGES_PER_RAM_FRAME 512u  /* RAM comes in 2 MiB frames */

/* The table as the guest placed it now, and its RAM up to the console's page. */
static struct grant_table_view *view(struct vm *vm)
{
    struct grant_table_view *t = &vm->granted;
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++) t->frame[i] = gnttab_frame(vm, i);
    t->nr_frames = vm->gnttab_frames;
    t->ram_frames = console_ring_gpa(vm->ram_size) / PAGE;
    return t;
}

static int16_t release_pin(struct vm *vm, const struct grant_export *e, uint16_t dom)
{
    struct grant_table_view *t = view(vm);
    return e->copy ? grant_check_copy_release(t, e->ref, dom, !e->readonly)
                   : grant_check_unmap(t, e->ref, dom, e->readonly);
}

/* Takes the page back from the peer (its copy and mappings go with the revoke) and drops the pin. */
static void drop(struct vm *vm, struct grant_export *e)
{
    const struct vmm_cap_slots *c = &vm->params->caps;
    (void)bh_cnode_revoke(c->cnode, e->slot, c->cnode_bits);
    (void)bh_cnode_delete(c->cnode, e->slot, c->cnode_bits);
    cap_slot_free(vm, e->slot);
    (void)release_pin(vm, e, vm->params->peer[e->peer].domid);
    vm->grant_exports_dropped++;
    *e = (struct grant_export){0};
}

/* A page of guest frame gfn into a free slot of ours: the slot, or 0. */
static uint32_t derive(struct vm *vm, uint64_t gfn, bool readonly)
{
    const struct vmm_cap_slots *c = &vm->params->caps;
    uint32_t slot = cap_slot_alloc(vm);
    if (!slot) return 0;
    bh_word_t rights = readonly ? BH_RIGHT_READ : (BH_RIGHT_READ | BH_RIGHT_WRITE);
    int err = bh_frame_derive_page(c->ram_frame + (uint32_t)(gfn / PAGES_PER_RAM_FRAME), (gfn % PAGES_PER_RAM_FRAME) * PAGE,
                                   rights, c->cnode, slot, c->cnode_bits);
    if (err == BH_ERR_OK) return slot;
    vmm_say(vm, "grant: deriving the page of gfn %#lx failed: error %d", (unsigned long)gfn, err);
    cap_slot_free(vm, slot);
    return 0;
}

/* PEER_REQ_MAP_GRANT (copy false: ref, GNTMAP_* flags) and PEER_REQ_COPY_GRANT (copy true: ref,
 * 1 for a destination). */
static void pin_and_derive(struct vm *vm, unsigned k, bool copy, bh_word_t ref, bh_word_t arg, struct peer_reply *out)
{
    uint16_t dom = vm->params->peer[k].domid;
    struct grant_table_view *t = view(vm);
    struct grant_page page;
    int16_t st;
    if (ref > UINT32_MAX) st = GNTST_bad_gntref;
    else if (copy) st = grant_check_copy_acquire(t, (grant_ref_t)ref, dom, arg != 0, &page);
    else st = grant_check_map(t, (grant_ref_t)ref, dom, (uint32_t)arg, &page);
    out->word[0] = (uint64_t)(int64_t)st;
    if (st != GNTST_okay) return;
    unsigned i = VMM_GRANT_EXPORTS, held = 0;
    for (unsigned j = 0; j < VMM_GRANT_EXPORTS; j++) {
        if (!vm->exported[j].used) i = i < j ? i : j;
        else if (vm->exported[j].peer == k) held++;
    }
    if (held >= VMM_GRANT_EXPORTS_PER_PEER) i = VMM_GRANT_EXPORTS;   /* one peer cannot starve the others */
    struct grant_export e = {.used = true, .copy = copy, .readonly = page.readonly, .peer = (uint8_t)k, .ref = (uint32_t)ref};
    e.slot = i < VMM_GRANT_EXPORTS ? derive(vm, page.gfn, page.readonly) : 0;
    if (!e.slot) {
        (void)release_pin(vm, &e, dom);
        out->word[0] = (uint64_t)(int64_t)GNTST_no_space;
        return;
    }
    vm->exported[i] = e;
    vm->grant_exports++;
    out->word[1] = i;
    out->cap = e.slot;
}

static void release(struct vm *vm, unsigned k, bh_word_t index, bh_word_t ref, struct peer_reply *out)
{
    struct grant_export *e = index < VMM_GRANT_EXPORTS ? &vm->exported[index] : NULL;
    if (!e || !e->used || e->peer != k || e->ref != ref) {
        out->word[0] = (uint64_t)(int64_t)GNTST_bad_handle;
        return;
    }
    drop(vm, e);
    out->word[0] = GNTST_okay;
}

uint64_t grant_serve(struct vm *vm, unsigned k, bh_word_t label, bh_word_t a0, bh_word_t a1, struct peer_reply *out)
{
    out->words = PEER_GRANT_REPLY_WORDS - 1;
    if (vm->params->peer[k].kind != VMM_PEER_GRANT || !vm->params->caps.cnode) {
        out->word[0] = (uint64_t)(int64_t)GNTST_general_error; /* an event channel carries no grants */
        return 0;
    }
    switch (label) {
    case PEER_REQ_MAP_GRANT: pin_and_derive(vm, k, false, a0, a1, out); break;
    case PEER_REQ_COPY_GRANT: pin_and_derive(vm, k, true, a0, a1, out); break;
    default: release(vm, k, a0, a1, out); break;
    }
    return 0;
}

/* The peer on channel k ended (peer_poll): every page it held is taken back, every pin dropped. */
unsigned grant_serve_peer_gone(struct vm *vm, unsigned k)
{
    unsigned n = 0;
    for (unsigned i = 0; i < VMM_GRANT_EXPORTS; i++)
        if (vm->exported[i].used && vm->exported[i].peer == k) {
            drop(vm, &vm->exported[i]);
            n++;
        }
    return n;
}
