/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A VMM's report on the supervisor endpoint (vmm/params.h, enum vmm_report): the root prints
 * how the guest ended, with the VMM's figures, and takes back every page of the guest that its
 * VMM handed to other guests (grants, vmm/grant_serve.c). Those pages are 4 KiB capabilities the
 * VMM derived from its RAM frames into its own CNode, each the revocable parent of the copies
 * its peers received (a plain copy of a frame, like the VMM's own RAM capabilities, is not: its
 * revoke takes nothing). So the root revokes every slot of the dead VMM's CNode, which deletes
 * whatever the VMM derived and handed on, with their mappings in the peers' GuestSpaces and
 * VSpaces, and deletes the slots the VMM took pages into (params caps.free_first on): its
 * guest's mappings of other guests' pages go, and their granters drop the pins when they see
 * its end. The guest's own RAM mappings (made with the root's capabilities) stay: no one else
 * sees them, and the VMM's threads that still answer its peers need nothing else. For that the
 * root keeps its capability to each guest's CNode (root_cleanup). Nothing else changes: every
 * other thread, guests included, runs on. Progress reports (a test guest's heartbeat through
 * the debug port) are not printed.
 */
#include "params.h"
#include "root.h"

bool root_keeps_guest_cnode(struct root *r, uint32_t obj)
{
    for (uint32_t i = 0; i < r->nguests; i++) {
        struct bh_spec_guest g;
        struct bh_spec_instance in;
        bh_spec_guest(&r->spec, i, &g);
        bh_spec_instance(&r->spec, g.instance, &in);
        if (in.cnode == obj) {
            r->guest[i].cnode = r->obj[obj];
            return true;
        }
    }
    return false;
}

void root_guest_revoke_pages(struct root *r, uint32_t i)
{
    if (i >= r->nguests || !r->guest[i].cnode || r->guest[i].pages_revoked) return;
    struct bh_spec_guest g;
    struct bh_spec_instance in;
    struct bh_spec_object cn;
    bh_spec_guest(&r->spec, i, &g);
    bh_spec_instance(&r->spec, g.instance, &in);
    bh_spec_object(&r->spec, in.cnode, &cn);
    bh_word_t slots = 1ull << cn.size_bits;
    for (bh_word_t slot = 1; slot < slots; slot++) {
        (void)bh_cnode_revoke(r->guest[i].cnode, slot, cn.size_bits);
        if (slot > r->guest[i].report_slot) (void)bh_cnode_delete(r->guest[i].cnode, slot, cn.size_bits);
    }
    r->guest[i].pages_revoked = true;
    bh_printf("[root] supervisor: guest %s: what its VMM derived revoked, what it took in deleted (%lu slots): no page "
              "of it stays mapped in another guest\n", r->guest[i].name, (unsigned long)slots);
}

uint32_t root_guest_of_instance(const struct root *r, uint32_t instance)
{
    for (uint32_t i = 0; i < r->nguests; i++) {
        struct bh_spec_guest g;
        bh_spec_guest(&r->spec, i, &g);
        if (g.instance == instance) return i;
    }
    return UINT32_MAX;
}

void root_guest_report(struct root *r, bh_word_t badge, bh_msginfo_t info)
{
    bh_word_t i = badge & ~ROOT_REPORT_BADGE;
    const char *name = i < r->nguests ? r->guest[i].name : "?";
    if (bh_msginfo_label(info) != VMM_REPORT_END) return;
    bh_word_t why = bh_get_mr(0), d1 = bh_get_mr(1), d2 = bh_get_mr(2), exits = bh_get_mr(5), calls = bh_get_mr(6);
    bh_printf("[root] supervisor: guest %s %s (%#lx, %#lx) after %lu exits and %lu hypercalls; the rest runs on\n",
              name, vmm_end_name(why), (unsigned long)d1, (unsigned long)d2, (unsigned long)exits, (unsigned long)calls);
    root_guest_revoke_pages(r, (uint32_t)i);
}
