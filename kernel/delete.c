/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Deleting capabilities and destroying objects, without recursion and with preemption points.
 *
 * Deleting a capability that is not the last one to a container (CNode, TCB) is O(1).
 * Destroying a container means emptying its slots first, and a slot may hold the last
 * capability to another container. Instead of recursing we turn the container's capability
 * into a Zombie in place (type CAP_ZOMBIE; ptr = the container's slot array; aux = slots not
 * yet emptied; data = the slot of the zombie whose container holds this one, 0 at the top)
 * and walk the chain of zombies with a cursor. A preempted destruction leaves the zombies
 * in place; deleting the top zombie again resumes where it stopped.
 */
#include "kernel.h"

#define ZOMBIE_KIND_CNODE 1u
#define ZOMBIE_KIND_TCB 2u

static bool is_container(const struct cap *c)
{
    return c->type == OBJ_CNODE || c->type == OBJ_TCB;
}

/* Work done for every deleted capability, final or not: its own mapping goes away. */
static void cap_cleanup(struct cap *c)
{
    if (cap_is_frame(c) && mapping_present(c)) frame_unmap_cap(c);
    if (c->type == OBJ_PAGE_TABLE && mapping_present(c)) page_table_unmap_cap(c);
}

/* Work done when the last capability to a non-container object goes. O(1) except for
 * waking the threads queued on an endpoint or notification. */
static void finalise_simple(struct cap *c)
{
    switch (c->type) {
    case OBJ_ENDPOINT: ipc_cancel_all(cap_endpoint(c)); break;
    case OBJ_NOTIFICATION: notification_cancel_all(cap_notification(c)); break;
    case OBJ_VSPACE: asid_release(c); break;
    case OBJ_ASID_POOL: asid_pool_finalise(c); break;
    case OBJ_GUEST_SPACE: guest_space_finalise(c); break;
    case OBJ_IO_SPACE: io_space_finalise(c); break;
    case OBJ_PCI_DEVICE: pci_device_deleted(c); break;
    case OBJ_VCPU: vcpu_finalise(cap_vcpu(c)); break;
    case OBJ_IRQ_HANDLER: irq_handler_deleted(irq_handler_line(c)); break;
    case OBJ_IO_PORT: io_port_deleted(c->ptr); break;
    default: break;
    }
}

/* Tell the owner of a slot that it is now empty (TCB slots matter to their thread). */
static void slot_emptied(struct cte *slot)
{
    if (slot->owner >= SLOT_IN_TCB) {
        enum tcb_slot which = (enum tcb_slot)(slot->owner - SLOT_IN_TCB);
        tcb_slot_emptied(tcb_of_slot(slot, which), which);
    }
}

/* Deletes a capability whose deletion cannot destroy a container. */
/* Is slot the last capability to its endpoint with its badge? Copies sit next to their
 * source, so the neighbours tell. Two separate mints of one badge can make this say yes too
 * early: harmless, as cancelled senders restart their call and send again if they can. */
static bool last_of_badge(const struct cte *slot)
{
    const struct cap *c = &slot->cap;
    const struct cte *n[2] = {slot->prev, slot->next};
    for (unsigned i = 0; i < 2; i++)
        if (n[i] && cap_same_object(&n[i]->cap, c) && cap_badge(&n[i]->cap) == cap_badge(c)) return false;
    return true;
}

void cte_delete_nonfinal_or_simple(struct cte *slot)
{
    struct cap c = slot->cap;
    bool final = cte_is_final(slot);
    /* Senders queued with a badge nobody holds any more must not be delivered later. */
    bool badge_gone = c.type == OBJ_ENDPOINT && cap_badge(&c) != 0 && !final && last_of_badge(slot);
    cap_cleanup(&c);
    cte_unlink(slot);
    if (final) finalise_simple(&c);
    if (badge_gone) ipc_cancel_badged(cap_endpoint(&c), cap_badge(&c));
    slot_emptied(slot);
}

static void make_zombie(struct cte *slot, struct cte *parent)
{
    struct cap *c = &slot->cap;
    if (c->type == OBJ_TCB) {
        struct tcb *t = cap_tcb(c);
        tcb_finalise(t);
        vcpu_tcb_finalise(t);
        c->rights = ZOMBIE_KIND_TCB;
        c->ptr = (word_t)&t->slots[0];
        zombie_set_slots_left(c, TCB_SLOTS);
    } else {
        c->rights = ZOMBIE_KIND_CNODE;
        zombie_set_slots_left(c, BIT(cnode_radix(c))); /* ptr: the CNode's slots already */
    }
    c->type = CAP_ZOMBIE;
    zombie_set_container(c, parent);
}

static bool zombie_in_chain(const struct cte *cur, const struct cte *z)
{
    for (const struct cte *p = cur; p; p = zombie_container(&p->cap))
        if (p == z) return true;
    return false;
}

/* From the top zombie, the zombie whose container is being emptied now. */
static struct cte *zombie_cursor(struct cte *top)
{
    struct cte *cur = top;
    for (;;) {
        struct cap *z = &cur->cap;
        if (zombie_slots_left(z) == 0) return cur;
        struct cte *s = &zombie_slots(z)[zombie_slots_left(z) - 1];
        if (s->cap.type != CAP_ZOMBIE || zombie_container(&s->cap) != cur) return cur;
        cur = s;
    }
}

/* One step of emptying the container of zombie cur. Returns the new cursor, NULL when the
 * top zombie is gone. */
static struct cte *zombie_step(struct cte *top, struct cte *cur)
{
    struct cap *z = &cur->cap;
    if (zombie_slots_left(z) == 0) {
        struct cte *parent = zombie_container(z);
        cte_unlink(cur);
        slot_emptied(cur);
        if (cur == top) return NULL;
        ASSERT(parent != NULL);
        zombie_set_slots_left(&parent->cap, zombie_slots_left(&parent->cap) - 1);
        return parent;
    }
    struct cte *s = &zombie_slots(z)[zombie_slots_left(z) - 1];
    if (s->cap.type == OBJ_NULL || s == cur || (s->cap.type == CAP_ZOMBIE && zombie_in_chain(cur, s))) {
        zombie_set_slots_left(z, zombie_slots_left(z) - 1);
        return cur;
    }
    if (s->cap.type == CAP_ZOMBIE) {
        /* A destruction left unfinished by an earlier preemption: adopt it. */
        zombie_set_container(&s->cap, cur);
        return s;
    }
    if (is_container(&s->cap) && cte_is_final(s)) {
        make_zombie(s, cur);
        return s;
    }
    cte_delete_nonfinal_or_simple(s);
    zombie_set_slots_left(z, zombie_slots_left(z) - 1);
    return cur;
}

static exception_t zombie_reduce(struct cte *top)
{
    struct cte *cur = zombie_cursor(top);
    while (cur) {
        cur = zombie_step(top, cur);
        if (cur && preemption_point()) return EXC_PREEMPTED;
    }
    return ERR_OK;
}

exception_t cte_delete(struct cte *slot)
{
    struct cap *c = &slot->cap;
    if (c->type == OBJ_NULL) return ERR_OK;
    if (c->type == CAP_ZOMBIE) return zombie_reduce(slot);
    if (is_container(c) && cte_is_final(slot)) {
        make_zombie(slot, NULL);
        return zombie_reduce(slot);
    }
    cte_delete_nonfinal_or_simple(slot);
    return ERR_OK;
}

/* Deletes every descendant of slot, nearest first; preemptible between deletions. */
exception_t cte_revoke(struct cte *slot)
{
    while (cte_has_children(slot)) {
        exception_t e = cte_delete(slot->next);
        if (e != ERR_OK) return e;
        if (cte_has_children(slot) && preemption_point()) return EXC_PREEMPTED;
    }
    return ERR_OK;
}
