/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Step 6: every capability of the spec into its instance's CNode, at its slot, with its
 * rights and badge (badge 0: a plain copy; IRQ handlers and page tables are moved). Also, per instance, the guarded copy of its CNode
 * that its threads get as CSpace root: the kernel resolves a thread's capability pointers
 * over all 64 bits, so a CNode of radix r needs a guard of 64 - r zero bits in front
 * (guard word: value << 6 | bits). The caps inside the CSpace (slot 2 included) stay
 * unguarded, so that the glue addresses slots in its own CNode with depth = radix.
 */
#include "root.h"

bh_cptr_t root_copy(struct root *r, bh_cptr_t src, bh_word_t rights, bh_word_t badge)
{
    bh_cptr_t slot = bh_alloc_slot(&r->alloc);
    int err = BH_ERR_RANGE;
    if (slot && badge == 0) err = bh_cnode_copy(BH_ROOT_CNODE, slot, 64, BH_ROOT_CNODE, src, 64, rights);
    else if (slot) err = bh_cnode_mint(BH_ROOT_CNODE, slot, 64, BH_ROOT_CNODE, src, 64, rights, badge);
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: copying the root's capability in slot %lu: error %d (%s)\n", (unsigned long)src, err,
                  root_error_name(err));
        return 0;
    }
    r->copies++;
    return slot;
}

int root_delete(bh_cptr_t slot)
{
    return bh_cnode_delete(BH_ROOT_CNODE, slot, 64);
}

static int fill_one(struct root *r, uint32_t instance)
{
    struct bh_spec_instance in;
    struct bh_spec_object cn;
    bh_spec_instance(&r->spec, instance, &in);
    bh_spec_object(&r->spec, in.cnode, &cn);
    bh_cptr_t cnode = r->obj[in.cnode];
    bh_word_t radix = cn.size_bits;
    r->inst[instance].cspace = root_copy(r, cnode, BH_RIGHTS_ALL, 64 - radix);
    if (!r->inst[instance].cspace) return -1;
    for (uint32_t k = 0; k < in.cap_count; k++) {
        struct bh_spec_cap c;
        bh_spec_cap(&r->spec, in.first_cap + k, &c);
        bh_word_t rights = c.rights & BH_RIGHTS_ALL;
        struct bh_spec_object o;
        bh_spec_object(&r->spec, c.object, &o);
        int err;
        if (o.type == BH_SPEC_OBJ_IRQ_HANDLER || o.type == BH_SPEC_OBJ_PAGE_TABLE) {
            /* The kernel moves IRQ handlers (bound in step 5) and page tables (a VMM's spares
             * for its grant frames), never copies them: one holder each. */
            err = bh_cnode_move(cnode, c.slot, radix, BH_ROOT_CNODE, r->obj[c.object], 64);
            if (err == BH_ERR_OK) r->obj[c.object] = 0;
        } else if (c.badge == 0) {
            err = bh_cnode_copy(cnode, c.slot, radix, BH_ROOT_CNODE, r->obj[c.object], 64, rights);
        } else {
            err = bh_cnode_mint(cnode, c.slot, radix, BH_ROOT_CNODE, r->obj[c.object], 64, rights, c.badge);
        }
        if (err != BH_ERR_OK) {
            bh_printf("[root] error: %s: cap %u (%s into slot %u, badge 0x%llx): error %d (%s)\n",
                      r->inst[instance].name, in.first_cap + k, root_object_name(r, c.object), c.slot,
                      (unsigned long long)c.badge, err, root_error_name(err));
            return -1;
        }
    }
    return 0;
}

int root_fill_cspaces(struct root *r)
{
    for (uint32_t i = 0; i < r->ninstances; i++)
        if (fill_one(r, i) != 0) return -1;
    bh_printf("[root] minted %u capabilities into %u CSpaces\n", bh_spec_count(&r->spec, BH_SPEC_SEC_CAPS),
              r->ninstances);
    return 0;
}
