/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* CNode invocations: Copy, Mint, Move, Mutate, Delete, Revoke. Decode checks everything,
 * then the operation runs and cannot fail except by preemption. */
#include "kernel.h"

struct src_dest {
    struct cte *dest;
    struct cte *src;
};

static exception_t lookup_pair(const struct cap *node, word_t dest_index, word_t dest_depth,
                               struct cte *src_root, word_t src_index, word_t src_depth, struct src_dest *p)
{
    exception_t e = lookup_dest_slot(node, dest_index, dest_depth, &p->dest);
    if (e != ERR_OK) return e;
    e = lookup_src_slot(&src_root->cap, src_index, src_depth, &p->src);
    if (e != ERR_OK) return e;
    if (p->src->cap.type == OBJ_NULL || p->src->cap.type == CAP_ZOMBIE)
        return fail(ERR_FAILED_LOOKUP, 1, LF_MISSING, "source slot is empty");
    return ERR_OK;
}

static exception_t copy_or_mint(const struct cap *node, const word_t *mr, word_t len, struct cte **caps,
                                word_t ncaps, bool mint)
{
    struct args_cnode_mint m;
    struct src_dest p;
    if (mint) {
        if (!unpack_cnode_mint(mr, len, ncaps, &m)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "mint needs 6 words and 1 cap");
    } else {
        struct args_cnode_copy c;
        if (!unpack_cnode_copy(mr, len, ncaps, &c)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "copy needs 5 words and 1 cap");
        m = (struct args_cnode_mint){c.dest_index, c.dest_depth, c.src_index, c.src_depth, c.rights, 0};
    }
    exception_t e = lookup_pair(node, m.dest_index, m.dest_depth, caps[0], m.src_index, m.src_depth, &p);
    if (e != ERR_OK) return e;
    struct cap c = cap_derive(&p.src->cap, m.rights, mint, m.badge, &e);
    if (e != ERR_OK) return e;
    cte_insert_child(p.src, p.dest, c);
    return ERR_OK;
}

static exception_t move_or_mutate(const struct cap *node, const word_t *mr, word_t len, struct cte **caps,
                                  word_t ncaps, bool mutate)
{
    struct args_cnode_mutate m;
    struct src_dest p;
    if (mutate) {
        if (!unpack_cnode_mutate(mr, len, ncaps, &m)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "mutate needs 5 words and 1 cap");
    } else {
        struct args_cnode_move v;
        if (!unpack_cnode_move(mr, len, ncaps, &v)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "move needs 4 words and 1 cap");
        m = (struct args_cnode_mutate){v.dest_index, v.dest_depth, v.src_index, v.src_depth, 0};
    }
    exception_t e = lookup_pair(node, m.dest_index, m.dest_depth, caps[0], m.src_index, m.src_depth, &p);
    if (e != ERR_OK) return e;
    struct cap c = p.src->cap;
    if (mutate) {
        /* Mutate may set a badge or guard but never widens: derive from a clean copy. */
        struct cap plain = c;
        if (c.type == OBJ_ENDPOINT || c.type == OBJ_NOTIFICATION) {
            if (c.data != 0) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the source is badged already");
            c.data = m.badge;
        } else if (c.type == OBJ_CNODE) {
            plain.data = 0;
            plain.guard_bits = 0;
            c = cap_derive(&plain, RIGHTS_ALL, true, m.badge, &e);
            if (e != ERR_OK) return e;
            c.rights = p.src->cap.rights;
        } else if (m.badge != 0) {
            return fail(ERR_INVALID_ARGUMENT, 4, 0, "only endpoints, notifications and CNodes take a badge or guard");
        }
    }
    if (p.src->owner >= SLOT_IN_TCB) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "cannot move out of a TCB slot");
    cte_move(p.dest, p.src, c);
    return ERR_OK;
}

static exception_t lookup_target(const struct cap *node, const word_t *mr, word_t len, struct cte **out)
{
    struct args_cnode_delete a;
    if (!unpack_cnode_delete(mr, len, 0, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs index and depth");
    return lookup_src_slot(node, a.index, a.depth, out);
}

exception_t decode_cnode(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    const struct cap *node = &slot->cap;
    struct cte *target;
    exception_t e;
    switch (label) {
    case INV_CNODE_COPY: return copy_or_mint(node, mr, len, caps, ncaps, false);
    case INV_CNODE_MINT: return copy_or_mint(node, mr, len, caps, ncaps, true);
    case INV_CNODE_MOVE: return move_or_mutate(node, mr, len, caps, ncaps, false);
    case INV_CNODE_MUTATE: return move_or_mutate(node, mr, len, caps, ncaps, true);
    case INV_CNODE_DELETE:
        e = lookup_target(node, mr, len, &target);
        return e != ERR_OK ? e : cte_delete(target);
    case INV_CNODE_REVOKE:
        e = lookup_target(node, mr, len, &target);
        return e != ERR_OK ? e : cte_revoke(target);
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not a CNode operation");
    }
}
