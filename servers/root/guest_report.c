/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A VMM's report on the supervisor endpoint (vmm/params.h, enum vmm_report): the root prints
 * how the guest ended, with the VMM's figures, and takes back every page of the guest that
 * its VMM handed to other guests (grants, vmm/grant_serve.c): it revokes its VMM's
 * capabilities to the guest's RAM frames, whose children are the 4 KiB pages derived from them
 * and the copies the peers received; their mappings in the peers' GuestSpaces and VSpaces go
 * with them. The guest's own mappings (made with the root's capabilities) stay: no one else
 * sees them. For that the root keeps its capability to each guest's CNode (root_cleanup).
 * Nothing else changes: the VMM has stopped itself, and every other thread, guests included,
 * runs on. Progress reports (a test guest's heartbeat through the debug port) are not printed.
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

void root_guest_revoke_ram(struct root *r, uint32_t i)
{
    if (i >= r->nguests || !r->guest[i].cnode || r->guest[i].ram_revoked) return;
    struct bh_spec_guest g;
    struct bh_spec_instance in;
    struct bh_spec_object cn;
    bh_spec_guest(&r->spec, i, &g);
    bh_spec_instance(&r->spec, g.instance, &in);
    bh_spec_object(&r->spec, in.cnode, &cn);
    unsigned revoked = 0;
    for (uint32_t n = 0; n < g.ram_count; n++) {
        bh_word_t slot = root_slot_of(r, &in, g.ram_first + n);
        if (slot && bh_cnode_revoke(r->guest[i].cnode, slot, cn.size_bits) == BH_ERR_OK) revoked++;
    }
    r->guest[i].ram_revoked = true;
    bh_printf("[root] supervisor: guest %s: its VMM's capabilities to its %u RAM frames revoked (%u): no page of it "
              "stays mapped in another guest\n", r->guest[i].name, g.ram_count, revoked);
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
    root_guest_revoke_ram(r, (uint32_t)i);
}
