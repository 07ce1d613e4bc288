/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The capability derivation tree (seL4's MDB): a list in which each capability follows its
 * parent, with parenthood decided from content:
 *   - an Untyped is the parent of every capability to an object inside its region;
 *   - an original (revocable) capability is the parent of the other capabilities to the
 *     same object, except that a badged endpoint or notification capability is the parent
 *     only of capabilities with the same badge that were derived from it;
 *   - IRQControl, IOPortControl and IOSpaceControl are parents of the handlers, port ranges
 *     and PCI functions they issued;
 *   - a revocable large frame is the parent of the 4 KiB pages derived from it (DerivePage),
 *     and a page is the parent of its copies.
 * Invariant: the capabilities to one object form one contiguous run of the list.
 */
#include "kernel.h"

/* log2 of the object's size (its region, for an Untyped); 0 for capabilities without memory. */
/*@ requires \valid_read(c) && object_fits(c);
  @ assigns \nothing;
  @ ensures c->type == OBJ_UNTYPED ==> \result == c->size_bits;
  @ ensures c->type == OBJ_CNODE ==> \result == c->size_bits + CTE_SIZE_BITS;
  @ ensures c->type != OBJ_UNTYPED && c->type != OBJ_CNODE ==> \result <= OBJ_LARGE_FRAME_SIZE_BITS;
  @ ensures \result < 64;
  @ ensures 1 <= (1 << \result) <= 0x8000000000000000;
  @ ensures c->ptr + (1 << \result) < 0x10000000000000000;
  @*/
static word_t object_bytes_bits(const struct cap *c)
{
    switch (c->type) {
    case OBJ_UNTYPED: return untyped_size_bits(c);
    case OBJ_CNODE: return object_size_bits(OBJ_CNODE, cnode_radix(c));
    default: return object_size_bits(c->type, 0); /* fixed by the type (a frame's size_bits is not a size) */
    }
}

/* True for capabilities that refer to memory retyped from an Untyped. */
/*@ requires \valid_read(c) && object_fits(c); assigns \nothing; */
static bool has_memory(const struct cap *c)
{
    return object_bytes_bits(c) != 0 || c->type == CAP_ZOMBIE;
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
    if (a->type != b->type) return false;
    switch (a->type) {
    case OBJ_NULL:
    case CAP_ZOMBIE: return false;
    case OBJ_UNTYPED: return a->ptr == b->ptr && untyped_size_bits(a) == untyped_size_bits(b);
    case OBJ_IRQ_HANDLER: return irq_handler_line(a) == irq_handler_line(b);
    default: return a->ptr == b->ptr;
    }
}

/* Is b's object (or region) inside a's? */
/*@ requires \valid_read(a) && \valid_read(b) && object_fits(a) && object_fits(b); assigns \nothing; */
static bool same_region(const struct cap *a, const struct cap *b)
{
    if (a->type == OBJ_UNTYPED && has_memory(b)) {
        //@ assert a->size_bits < 64;
        //@ assert 1 <= (1 << a->size_bits) <= 0x8000000000000000;
        //@ assert a->ptr + (1 << a->size_bits) < 0x10000000000000000;
        word_t start = a->ptr, end = a->ptr + BIT(untyped_size_bits(a)) - 1;
        word_t bstart = b->ptr;
        word_t bend = b->type == CAP_ZOMBIE ? b->ptr : b->ptr + BIT(object_bytes_bits(b)) - 1;
        return bstart >= start && bend <= end;
    }
    bool msi_handler = b->type == OBJ_IRQ_HANDLER && irq_handler_line(b) >= IRQ_MSI_FIRST;
    /* A page derived from a large frame (vspace.c: DerivePage); memory retyped from an Untyped
     * is never shared between objects, so a frame inside a large frame is one of its pages. */
    if (a->type == OBJ_LARGE_FRAME && b->type == OBJ_FRAME)
        return b->ptr >= a->ptr && b->ptr - a->ptr < BIT(LARGE_PAGE_BITS);
    if (a->type == OBJ_IRQ_CONTROL) return (b->type == OBJ_IRQ_HANDLER && !msi_handler) || b->type == OBJ_IRQ_CONTROL;
    if (a->type == OBJ_IO_PORT_CONTROL) return b->type == OBJ_IO_PORT || b->type == OBJ_IO_PORT_CONTROL;
    /* A function's MSI handlers (irq.c) sit under its capability, and so under IOSpaceControl. */
    if (a->type == OBJ_IO_SPACE_CONTROL) return b->type == OBJ_PCI_DEVICE || b->type == OBJ_IO_SPACE_CONTROL || msi_handler;
    if (a->type == OBJ_PCI_DEVICE && msi_handler) return b->ptr == a->ptr;
    return cap_same_object(a, b);
}

/* Is b (which follows a in the list) a descendant of a? */
/*@ requires slot_fits(a) && slot_fits(b);
  @ assigns \nothing;
  @ ensures \result ==> (a->flags & CTE_REVOCABLE) != 0;
  @*/
static bool cte_parent_of(const struct cte *a, const struct cte *b)
{
    if (!(a->flags & CTE_REVOCABLE)) return false;
    if (!same_region(&a->cap, &b->cap)) return false;
    if (a->cap.type == OBJ_ENDPOINT || a->cap.type == OBJ_NOTIFICATION) {
        if (cap_badge(&a->cap) == 0) return true;
        return cap_badge(&a->cap) == cap_badge(&b->cap) && !(b->flags & CTE_FIRST_BADGED);
    }
    return true;
}

bool cte_has_children(const struct cte *slot)
{
    return slot->next && cte_parent_of(slot, slot->next);
}

/* Final: no other capability refers to the same object (they would be neighbours). */
bool cte_is_final(const struct cte *slot)
{
    if (slot->prev && cap_same_object(&slot->prev->cap, &slot->cap)) return false;
    if (slot->next && cap_same_object(&slot->next->cap, &slot->cap)) return false;
    return true;
}

/* An empty capability, field by field (WP does not see through the copy of a compound
 * literal); struct cap has these seven fields and no padding (object.h). */
/*@ requires \valid(c);
  @ assigns *c;
  @ ensures c->type == OBJ_NULL && c->rights == 0 && c->size_bits == 0 && c->guard_bits == 0;
  @ ensures c->aux == 0 && c->ptr == 0 && c->data == 0;
  @*/
static void cap_clear(struct cap *c)
{
    c->type = OBJ_NULL;
    c->rights = 0;
    c->size_bits = 0;
    c->guard_bits = 0;
    c->aux = 0;
    c->ptr = 0;
    c->data = 0;
}

/*@ requires \valid(slot);
  @ requires pos == \null || (\valid(pos) && \separated(pos, slot));
  @ requires pos != \null && pos->next != \null ==> \valid(pos->next) && \separated(pos->next, slot, pos);
  @ assigns slot->prev, slot->next, pos->next, pos->next->prev;
  @ ensures slot->prev == pos;
  @ ensures pos == \null ==> slot->next == \null;
  @ ensures pos != \null ==> slot->next == \old(pos->next) && pos->next == slot;
  @ ensures pos != \null && \old(pos->next) != \null ==> \old(pos->next)->prev == slot;
  @*/
static void link_after(struct cte *pos, struct cte *slot)
{
    slot->prev = pos;
    slot->next = pos ? pos->next : NULL;
    if (pos) {
        if (pos->next) pos->next->prev = slot;
        pos->next = slot;
    }
}

/* A derived capability: a child of parent placed right after it. Revocable when it starts a
 * new badge (a first mint) or refers to a new object (retype). */
void cte_insert_child(struct cte *parent, struct cte *child, struct cap c)
{
    ASSERT(child->cap.type == OBJ_NULL);
    child->cap = c;
    child->flags = 0;
    bool new_badge = (c.type == OBJ_ENDPOINT || c.type == OBJ_NOTIFICATION) && cap_badge(&c) != cap_badge(&parent->cap);
    /* Everything retyped is a new object, a child untyped as large as its parent included:
     * it must be revocable to be the parent of what is retyped from it. */
    bool new_object = parent->cap.type == OBJ_UNTYPED;
    /* A page of a large frame is revocable so that revoking it takes its copies. */
    bool new_page = parent->cap.type == OBJ_LARGE_FRAME && c.type == OBJ_FRAME;
    bool new_authority = parent->cap.type == OBJ_IRQ_CONTROL || parent->cap.type == OBJ_IO_PORT_CONTROL ||
                         parent->cap.type == OBJ_IO_SPACE_CONTROL ||
                         (parent->cap.type == OBJ_PCI_DEVICE && c.type == OBJ_IRQ_HANDLER);
    if (new_badge) child->flags = CTE_REVOCABLE | CTE_FIRST_BADGED;
    if (new_object || new_authority || new_page) child->flags = CTE_REVOCABLE;
    link_after(parent, child);
}

/* A capability with no parent (created at boot). */
void cte_insert_root(struct cte *after, struct cte *slot, struct cap c)
{
    slot->cap = c;
    slot->flags = CTE_REVOCABLE;
    link_after(after, slot);
}

/* dest takes src's place in the list, with capability c. */
void cte_move(struct cte *dest, struct cte *src, struct cap c)
{
    ASSERT(dest->cap.type == OBJ_NULL);
    dest->flags = src->flags;
    dest->prev = src->prev;
    dest->next = src->next;
    if (dest->prev) dest->prev->next = dest;
    if (dest->next) dest->next->prev = dest;
    cap_clear(&src->cap);
    src->prev = src->next = NULL;
    src->flags = 0;
    dest->cap = c; /* last: WP proves the record equal only when no write follows */
}

void cte_unlink(struct cte *slot)
{
    if (slot->prev) slot->prev->next = slot->next;
    if (slot->next) slot->next->prev = slot->prev;
    slot->prev = slot->next = NULL;
    cap_clear(&slot->cap);
    slot->flags = 0;
}

/*
 * The capability that a Copy or Mint of src makes: rights reduced; a badge set only on
 * unbadged endpoint and notification capabilities; a guard only on CNodes.
 */
struct cap cap_derive(const struct cap *src, word_t rights, bool set_badge, word_t badge, exception_t *err)
{
    struct cap c = *src;
    *err = ERR_OK;
    c.rights = (uint8_t)(src->rights & rights);
    switch (src->type) {
    case OBJ_NULL:
    case CAP_ZOMBIE:
        *err = fail(ERR_FAILED_LOOKUP, 1, LF_MISSING, "source slot is empty");
        return c;
    case OBJ_UNTYPED:
        *err = fail(ERR_ILLEGAL_OPERATION, 0, 0, "untyped capabilities are moved, not copied");
        return c;
    case OBJ_IRQ_HANDLER:
    case OBJ_DOMAIN_CONTROL:
    case OBJ_IRQ_CONTROL:
    case OBJ_ASID_CONTROL:
    case OBJ_IO_SPACE_CONTROL:
        *err = fail(ERR_ILLEGAL_OPERATION, 0, 0, "this capability is moved, not copied");
        return c;
    case OBJ_VSPACE:
    case OBJ_GUEST_SPACE:
    case OBJ_IO_SPACE:
        /* One capability until ASSIGN: two unassigned copies could each get an ASID. */
        if (space_asid(&c) == 0) {
            *err = fail(ERR_ILLEGAL_OPERATION, 0, 0, "an address space without an ASID is not copied");
            return c;
        }
        break;
    case OBJ_PAGE_TABLE:
        /* One capability per table, so one mapping per table: a table installed twice (at two
         * levels, or in two spaces) would let user level write page-table entries. */
        *err = fail(ERR_ILLEGAL_OPERATION, 0, 0, "page tables are moved, not copied");
        return c;
    case OBJ_FRAME:
    case OBJ_LARGE_FRAME:
        /* A copy starts unmapped: each capability holds at most one mapping. */
        mapping_record(&c, 0, 0);
        break;
    default: break;
    }
    if (!set_badge) return c;
    if (src->type == OBJ_ENDPOINT || src->type == OBJ_NOTIFICATION) {
        if (cap_badge(src) != 0) *err = fail(ERR_ILLEGAL_OPERATION, 0, 0, "the source is badged already");
        cap_set_badge(&c, badge);
    } else if (src->type == OBJ_CNODE) {
        word_t guard_bits = badge & 63u;
        if (guard_bits + cnode_radix(src) > WORD_BITS) {
            *err = fail(ERR_INVALID_ARGUMENT, 5, 0, "guard and radix exceed 64 bits");
            return c;
        }
        cnode_set_guard(&c, guard_bits, (badge >> 6) & MASK(guard_bits));
    } else if (badge != 0) {
        *err = fail(ERR_INVALID_ARGUMENT, 5, 0, "only endpoints, notifications and CNodes take a badge or guard");
    }
    return c;
}
