/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* CNode invocations: Copy, Mint, Move, Mutate, Delete, Revoke. Each decode_cnode_<op> checks
 * everything and changes nothing; its invoke_cnode_<op> cannot fail except by preemption. */
#include "kernel.h"

struct src_dest {
    struct cte *dest;
    struct cte *src;
};

static exception_t lookup_pair(const struct cap *node, word_t dest_index, word_t dest_depth,
                               const struct cte *src_root, word_t src_index, word_t src_depth, struct src_dest *p)
{
    exception_t e = lookup_dest_slot(node, dest_index, dest_depth, &p->dest);
    if (e != ERR_OK) return e;
    e = lookup_src_slot(&src_root->cap, src_index, src_depth, &p->src);
    if (e != ERR_OK) return e;
    if (p->src->cap.type == OBJ_NULL || p->src->cap.type == CAP_ZOMBIE)
        return fail(ERR_FAILED_LOOKUP, 1, LF_MISSING, "source slot is empty");
    return ERR_OK;
}

/* Copy and Mint: the derived capability, a child of the source. */
static void invoke_cnode_insert(struct cte *src, struct cte *dest, struct cap c)
{
    cte_insert_child(src, dest, c);
}

static exception_t decode_copy_or_mint(const struct cap *node, const struct args_cnode_mint *m, bool mint)
{
    struct src_dest p;
    exception_t e = lookup_pair(node, m->dest_index, m->dest_depth, m->src_root, m->src_index, m->src_depth, &p);
    if (e != ERR_OK) return e;
    struct cap c = cap_derive(&p.src->cap, m->rights, mint, m->badge, &e);
    if (e != ERR_OK) return e;
    invoke_cnode_insert(p.src, p.dest, c);
    return ERR_OK;
}

exception_t decode_cnode_copy(struct cte *slot, const struct args_cnode_copy *a)
{
    struct args_cnode_mint m = {a->dest_index, a->dest_depth, a->src_root, a->src_index, a->src_depth, a->rights, 0};
    return decode_copy_or_mint(&slot->cap, &m, false);
}

exception_t decode_cnode_mint(struct cte *slot, const struct args_cnode_mint *a)
{
    return decode_copy_or_mint(&slot->cap, a, true);
}

/* Move and Mutate: the capability c leaves src for dest, keeping its place in the tree. */
static void invoke_cnode_move(struct cte *src, struct cte *dest, struct cap c)
{
    cte_move(dest, src, c);
}

static exception_t decode_move_or_mutate(const struct cap *node, const struct args_cnode_mutate *m, bool mutate)
{
    struct src_dest p;
    exception_t e = lookup_pair(node, m->dest_index, m->dest_depth, m->src_root, m->src_index, m->src_depth, &p);
    if (e != ERR_OK) return e;
    struct cap c = p.src->cap;
    if (mutate) {
        /* Mutate may set a badge or guard but never widens: derive from a clean copy. */
        struct cap plain = c;
        if (c.type == OBJ_ENDPOINT || c.type == OBJ_NOTIFICATION) {
            if (cap_badge(&c) != 0) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the source is badged already");
            cap_set_badge(&c, m->badge);
        } else if (c.type == OBJ_CNODE) {
            cnode_set_guard(&plain, 0, 0);
            c = cap_derive(&plain, RIGHTS_ALL, true, m->badge, &e);
            if (e != ERR_OK) return e;
            c.rights = p.src->cap.rights;
        } else if (m->badge != 0) {
            return fail(ERR_INVALID_ARGUMENT, 4, 0, "only endpoints, notifications and CNodes take a badge or guard");
        }
    }
    if (p.src->owner >= SLOT_IN_TCB) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "cannot move out of a TCB slot");
    invoke_cnode_move(p.src, p.dest, c);
    return ERR_OK;
}

exception_t decode_cnode_move(struct cte *slot, const struct args_cnode_move *a)
{
    struct args_cnode_mutate m = {a->dest_index, a->dest_depth, a->src_root, a->src_index, a->src_depth, 0};
    return decode_move_or_mutate(&slot->cap, &m, false);
}

exception_t decode_cnode_mutate(struct cte *slot, const struct args_cnode_mutate *a)
{
    return decode_move_or_mutate(&slot->cap, a, true);
}

/* Delete and Revoke can only be preempted (and then resume). */
static exception_t invoke_cnode_delete(struct cte *target)
{
    return cte_delete(target);
}

static exception_t invoke_cnode_revoke(struct cte *target)
{
    return cte_revoke(target);
}

exception_t decode_cnode_delete(struct cte *slot, const struct args_cnode_delete *a)
{
    struct cte *target;
    exception_t e = lookup_src_slot(&slot->cap, a->index, a->depth, &target);
    return e != ERR_OK ? e : invoke_cnode_delete(target);
}

exception_t decode_cnode_revoke(struct cte *slot, const struct args_cnode_revoke *a)
{
    struct cte *target;
    exception_t e = lookup_src_slot(&slot->cap, a->index, a->depth, &target);
    return e != ERR_OK ? e : invoke_cnode_revoke(target);
}
