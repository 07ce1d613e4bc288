/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * CSpace addressing (as seL4): a capability pointer is resolved from its most significant
 * bits, `depth` bits in all, through CNodes. Each CNode consumes its guard (which must match)
 * and then radix bits that index a slot. Resolution ends when the bits are used up, or at a
 * slot that does not hold a CNode. Each level consumes at least one bit, so the loop runs at
 * most 64 times.
 */
#include "kernel.h"

struct lookup cspace_lookup_slot(const struct cap *root, word_t cptr, word_t depth)
{
    struct lookup r = {NULL, LF_NONE};
    const struct cap *node = root;
    if (node->type != OBJ_CNODE || depth < 1 || depth > WORD_BITS) {
        r.failure = node->type != OBJ_CNODE ? LF_INVALID_ROOT : LF_DEPTH;
        return r;
    }
    word_t remaining = depth;
    /*@ loop invariant cnode_ok(node) && 1 <= remaining <= 64 && r.slot == \null;
      @ loop assigns node, remaining;
      @ loop variant remaining;
      @*/
    for (;;) {
        word_t radix = cnode_radix(node), guard_bits = cnode_guard_bits(node);
        word_t level = radix + guard_bits;
        if (level == 0 || level > remaining) {
            r.failure = LF_DEPTH;
            return r;
        }
        word_t shift = remaining - guard_bits;
        word_t guard = guard_bits ? (cptr >> shift) & MASK(guard_bits) : 0;
        if (guard != cnode_guard(node)) {
            r.failure = LF_GUARD;
            return r;
        }
        shift = remaining - level;
        word_t index = (cptr >> shift) & MASK(radix);
        //@ assert MASK(radix) == (1 << radix) - 1 && index == ((cptr >> shift) & ((1 << radix) - 1));
        //@ assert index < (1 << radix);
        struct cte *slot = &cnode_slots(node)[index];
        remaining -= level;
        if (remaining == 0 || slot->cap.type != OBJ_CNODE) {
            r.slot = slot;
            if (remaining != 0) r.failure = LF_DEPTH;
            return r;
        }
        node = &slot->cap;
    }
}

/* A thread's own capability at cptr, resolved over all 64 bits; NULL if there is none. */
struct cte *cspace_lookup_cap(struct tcb *t, word_t cptr)
{
    struct lookup l = cspace_lookup_slot(&t->slots[TCB_CSPACE].cap, cptr, WORD_BITS);
    if (l.failure != LF_NONE && l.failure != LF_DEPTH) return NULL;
    /* Stopping early at a non-CNode capability is how seL4 resolves full-width pointers. */
    if (!l.slot || l.slot->cap.type == OBJ_NULL) return NULL;
    return l.slot;
}

exception_t lookup_dest_slot(const struct cap *root, word_t index, word_t depth, struct cte **out)
{
    if (root->type != OBJ_CNODE) return fail(ERR_FAILED_LOOKUP, 0, LF_INVALID_ROOT, "destination root is not a CNode");
    if (depth == 0) return fail(ERR_RANGE, 1, WORD_BITS, "destination depth 0");
    struct lookup l = cspace_lookup_slot(root, index, depth);
    if (l.failure != LF_NONE) return fail(ERR_FAILED_LOOKUP, 0, l.failure, "destination slot does not resolve");
    if (l.slot->cap.type != OBJ_NULL) return fail(ERR_DELETE_FIRST, 0, 0, "destination slot is occupied");
    *out = l.slot;
    return ERR_OK;
}

exception_t lookup_src_slot(const struct cap *root, word_t index, word_t depth, struct cte **out)
{
    if (root->type != OBJ_CNODE) return fail(ERR_FAILED_LOOKUP, 1, LF_INVALID_ROOT, "source root is not a CNode");
    if (depth == 0) return fail(ERR_RANGE, 1, WORD_BITS, "source depth 0");
    struct lookup l = cspace_lookup_slot(root, index, depth);
    if (l.failure != LF_NONE) return fail(ERR_FAILED_LOOKUP, 1, l.failure, "source slot does not resolve");
    *out = l.slot;
    return ERR_OK;
}
