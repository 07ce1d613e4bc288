/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Untyped memory and Retype: the only way kernel objects come into existence.
 * Invariant: the memory of a (non-device) Untyped above its watermark is zero, so new objects
 * need no clearing. When an Untyped has no children left, the next Retype first resets it:
 * it zeroes the used part from the top down in bounded chunks (preemptible) and lowers the
 * watermark as it goes, so a preempted reset resumes where it stopped.
 */
#include "kernel.h"

#define RESET_CHUNK_BITS 12u /* zeroed per preemption point */
#define MAX_CNODE_RADIX 24u
#define MIN_UNTYPED_BITS 4u

word_t object_size_bits(word_t type, word_t user_bits)
{
    return bh_object_size_bits(type, user_bits);
}

static exception_t check_type_and_size(const struct cap *ut, word_t type, word_t bits)
{
    if (object_size_bits(type, 1) == 0 || type == OBJ_ASID_POOL)
        return fail(ERR_INVALID_ARGUMENT, 0, 0, "type is not retypable (ASID pools come from ASIDControl)");
    /* As seL4 (decodeUntypedInvocation): an invalid argument, the type. */
    if (untyped_is_device(ut) && type != OBJ_FRAME && type != OBJ_LARGE_FRAME && type != OBJ_UNTYPED)
        return fail(ERR_INVALID_ARGUMENT, 0, 0, "device memory can hold only frames and untyped");
    if (type == OBJ_UNTYPED && (bits < MIN_UNTYPED_BITS || bits > untyped_size_bits(ut)))
        return fail(ERR_INVALID_ARGUMENT, 1, 0, "untyped size_bits out of range");
    if (type == OBJ_IO_SPACE && !plat_iommu_present())
        return fail(ERR_INVALID_ARGUMENT, 0, 0, "no IOMMU that the kernel drives");
    if (type == OBJ_VCPU && !plat_vcpu_supported())
        return fail(ERR_ILLEGAL_OPERATION, 0, 0, "no hardware virtualization (SVM with nested paging)");
    if (type == OBJ_CNODE && (bits < 1 || bits > MAX_CNODE_RADIX))
        return fail(ERR_INVALID_ARGUMENT, 1, 0, "CNode radix out of range (1..24)");
    return ERR_OK;
}

/* The CNode that receives the new capabilities, and checks on its slots. */
static exception_t find_dest_node(const struct cap *root, const struct args_untyped_retype *a, struct cap **node)
{
    if (a->node_depth == 0) {
        *node = (struct cap *)root;
    } else {
        struct lookup l = cspace_lookup_slot(root, a->node_index, a->node_depth);
        if (l.failure != LF_NONE) return fail(ERR_FAILED_LOOKUP, 0, l.failure, "destination CNode does not resolve");
        if (l.slot->cap.type != OBJ_CNODE) return fail(ERR_FAILED_LOOKUP, 0, LF_INVALID_ROOT, "destination is not a CNode");
        *node = &l.slot->cap;
    }
    word_t slots = BIT(cnode_radix(*node));
    if (a->node_offset >= slots || a->num_objects > slots - a->node_offset)
        return fail(ERR_RANGE, 0, slots - 1, "destination slots run past the CNode");
    for (word_t i = 0; i < a->num_objects; i++)
        if (cnode_slots(*node)[a->node_offset + i].cap.type != OBJ_NULL)
            return fail(ERR_DELETE_FIRST, 0, 0, "a destination slot is occupied");
    return ERR_OK;
}

/* Zero the used part from the top down; preemptible. */
static exception_t reset_untyped(struct cap *ut)
{
    while (untyped_watermark(ut) > 0) {
        word_t chunk = untyped_watermark(ut) & MASK(RESET_CHUNK_BITS);
        if (chunk == 0) chunk = BIT(RESET_CHUNK_BITS);
        if (!untyped_is_device(ut)) memset((void *)(ut->ptr + untyped_watermark(ut) - chunk), 0, chunk);
        untyped_set_watermark(ut, untyped_watermark(ut) - chunk);
        if (untyped_watermark(ut) > 0 && preemption_point()) return EXC_PREEMPTED;
    }
    return ERR_OK;
}

static void init_object(word_t type, word_t ptr)
{
    switch (type) {
    case OBJ_TCB: tcb_init((struct tcb *)ptr); break;
    case OBJ_VSPACE: plat_vspace_init((void *)ptr); break; /* usable once an ASID pool assigns it an ASID */
    case OBJ_VCPU: plat_vcpu_init(&((struct vcpu *)ptr)->arch); break;
    default: break;
    }
}

/* What decode found: where the objects go. */
struct retype_plan {
    word_t type, size_bits, count, obj_bits;
    bool reset;
    word_t start;                   /* offset of the first object in the untyped */
    struct cte *dest;               /* the first destination slot */
};

/* Cannot fail except by preemption during the reset (which resumes where it stopped). */
static exception_t invoke_untyped_retype(struct cte *slot, const struct retype_plan *p)
{
    struct cap *ut = &slot->cap;
    if (p->reset && untyped_watermark(ut) > 0) {
        exception_t e = reset_untyped(ut);
        if (e != ERR_OK) return e;
    }
    for (word_t i = 0; i < p->count; i++) {
        word_t ptr = ut->ptr + p->start + (i << p->obj_bits);
        struct cap c = {0};
        c.type = (uint8_t)p->type;
        c.rights = RIGHTS_ALL;
        c.ptr = ptr;
        if (p->type == OBJ_UNTYPED || p->type == OBJ_CNODE) c.size_bits = (uint8_t)p->size_bits;
        if (p->type == OBJ_UNTYPED) untyped_set_device(&c, untyped_is_device(ut)); /* as the parent */
        if (cap_is_frame(&c) && untyped_is_device(ut)) frame_set_device(&c);
        init_object(p->type, ptr);
        cte_insert_child(slot, p->dest + i, c);
    }
    untyped_set_watermark(ut, p->start + (p->count << p->obj_bits));
    return ERR_OK;
}

exception_t decode_untyped_retype(struct cte *slot, const struct args_untyped_retype *a)
{
    const struct cap *ut = &slot->cap;
    struct cap *node = NULL;
    exception_t e = check_type_and_size(ut, a->type, a->size_bits);
    if (e == ERR_OK) e = find_dest_node(&a->root->cap, a, &node);
    if (e != ERR_OK) return e;
    struct retype_plan p = {.type = a->type, .size_bits = a->size_bits, .count = a->num_objects,
                            .obj_bits = object_size_bits(a->type, a->size_bits),
                            .reset = !cte_has_children(slot),
                            .dest = &cnode_slots(node)[a->node_offset]};
    word_t base = p.reset ? 0 : untyped_watermark(ut);
    p.start = (base + MASK(p.obj_bits)) & ~MASK(p.obj_bits);
    word_t size = BIT(untyped_size_bits(ut));
    if (p.obj_bits > untyped_size_bits(ut) || p.start > size || p.count > ((size - p.start) >> p.obj_bits))
        return fail(ERR_NOT_ENOUGH_MEMORY, p.start < size ? size - p.start : 0, 0, "untyped has too little free memory");
    return invoke_untyped_retype(slot, &p);
}
