/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Step 2: every object of the spec. Types 0..10 are retyped from untyped memory, largest
 * first (less fragmentation; indices stay the table's); 64..67 are derived from the boot
 * authority: IRQ handlers from IRQControl, I/O port ranges from IOPortControl, device frames
 * from the device untyped that covers them, ASID pools from ASIDControl (and a 4 KiB
 * untyped). Then each VSpace and GuestSpace gets its ASID from the pool it links, and each
 * IOSpace, 11, one from the root's own pool with its PCI function bound to it (passthrough.c).
 */
#include "root.h"


/* The ABI's object number of a retypable spec type: the spec follows the BH_OBJ_* order up to
 * VSPACE; its VM objects come next in the spec, later in the ABI. */
static bh_word_t abi_type(uint8_t spec_type)
{
    if (spec_type == BH_SPEC_OBJ_VCPU) return BH_OBJ_VCPU;
    if (spec_type == BH_SPEC_OBJ_GUEST_SPACE) return BH_OBJ_GUEST_SPACE;
    if (spec_type == BH_SPEC_OBJ_IO_SPACE) return BH_OBJ_IO_SPACE;
    return (bh_word_t)spec_type + BH_OBJ_UNTYPED;
}

/* log2 of the object's size in bytes, 0 when it is not retyped (the ABI's table). */
static unsigned object_bits(const struct bh_spec_object *o)
{
    return (unsigned)bh_object_size_bits(abi_type(o->type), o->size_bits);
}

static int retype_one(struct root *r, uint32_t i, const struct bh_spec_object *o)
{
    bh_word_t size_bits = (o->type == BH_SPEC_OBJ_UNTYPED || o->type == BH_SPEC_OBJ_CNODE) ? o->size_bits : 0;
    if (o->type == BH_SPEC_OBJ_VCPU || o->type == BH_SPEC_OBJ_GUEST_SPACE) r->obj[i] = root_alloc_vm_object(r, o->type);
    else r->obj[i] = bh_alloc_object(&r->alloc, abi_type(o->type), size_bits);
    if (!r->obj[i]) {
        bh_printf("[root] error: object %u (%s, %s, 2^%u bytes): no untyped memory or root slot left\n", i,
                  bh_spec_obj_type_name(o->type), root_object_name(r, i), object_bits(o));
        return -1;
    }
    r->retyped++;
    return 0;
}

static int derive_one(struct root *r, uint32_t i, const struct bh_spec_object *o)
{
    int err = BH_ERR_OK;
    bh_cptr_t own;
    if (o->type == BH_SPEC_OBJ_DEVICE_FRAME) {
        r->obj[i] = bh_alloc_device_frame(&r->alloc, o->arg);
        if (!r->obj[i]) {
            bh_printf("[root] error: object %u (%s): no device untyped holds 0x%llx (or it was handed out)\n", i,
                      root_object_name(r, i), (unsigned long long)o->arg);
            return -1;
        }
        r->derived++;
        return 0;
    }
    if (o->type == BH_SPEC_OBJ_ASID_POOL) {
        r->obj[i] = bh_alloc_asid_pool(&r->alloc, BH_ROOT_ASID_CONTROL);
        if (!r->obj[i]) {
            bh_printf("[root] error: object %u (%s): no ASID pool (every range in use, or no memory or slot left)\n",
                      i, root_object_name(r, i));
            return -1;
        }
        r->derived++;
        return 0;
    }
    r->obj[i] = bh_alloc_slot(&r->alloc);
    if (!r->obj[i]) err = BH_ERR_RANGE;
    else if (o->type == BH_SPEC_OBJ_IRQ_HANDLER)
        err = bh_irq_control_get(BH_ROOT_IRQ_CONTROL, o->arg, BH_ROOT_CNODE, r->obj[i], 64);
    else if (o->type == BH_SPEC_OBJ_IO_PORT && (own = root_console_port(r, o->arg)) != 0)
        err = bh_cnode_copy(BH_ROOT_CNODE, r->obj[i], 64, BH_ROOT_CNODE, own, 64, BH_RIGHTS_ALL); /* COM1: handed on */
    else if (o->type == BH_SPEC_OBJ_IO_PORT)
        err = bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, o->arg & 0xffffu, (o->arg >> 16) & 0xffffu,
                                       BH_ROOT_CNODE, r->obj[i], 64);
    else
        err = BH_ERR_INVALID_ARGUMENT;
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: object %u (%s, %s, arg 0x%llx) cannot be derived: error %d (%s)\n", i,
                  bh_spec_obj_type_name(o->type), root_object_name(r, i), (unsigned long long)o->arg, err,
                  root_error_name(err));
        return -1;
    }
    r->derived++;
    return 0;
}

/* The ASID of an address space, from the pool it links (the reader checked the link). */
static int assign_asid(struct root *r, uint32_t i, const struct bh_spec_object *o)
{
    int err = bh_asid_pool_assign(r->obj[o->link], r->obj[i]);
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: object %u (%s, %s) gets no ASID from pool %u (%s): error %d (%s)\n", i,
                  bh_spec_obj_type_name(o->type), root_object_name(r, i), o->link, root_object_name(r, o->link), err,
                  root_error_name(err));
        return -1;
    }
    r->assigned++;
    return 0;
}

int root_create_objects(struct root *r)
{
    struct bh_spec_object o;
    for (unsigned bits = 64; bits-- > 0;) {
        for (uint32_t i = 0; i < r->nobjects; i++) {
            bh_spec_object(&r->spec, i, &o);
            if (o.type < BH_SPEC_OBJ_IRQ_HANDLER && bits && object_bits(&o) == bits && retype_one(r, i, &o) != 0)
                return -1;
        }
    }
    for (uint32_t i = 0; i < r->nobjects; i++) {
        bh_spec_object(&r->spec, i, &o);
        if (o.type >= BH_SPEC_OBJ_IRQ_HANDLER && derive_one(r, i, &o) != 0) return -1;
    }
    for (uint32_t i = 0; i < r->nobjects; i++) {
        bh_spec_object(&r->spec, i, &o);
        if ((o.type == BH_SPEC_OBJ_VSPACE || o.type == BH_SPEC_OBJ_GUEST_SPACE) && assign_asid(r, i, &o) != 0)
            return -1;
    }
    if (root_bind_passthrough(r) != 0) return -1;
    bh_printf("[root] created %u objects from untyped memory, derived %u from boot authority, gave %u address "
              "spaces their ASIDs\n", r->retyped, r->derived, r->assigned);
    return 0;
}
