/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Interrupt capabilities. IRQControl issues one IRQHandler per line; the handler names a
 * notification (a copy of its capability is kept in a kernel slot per line). An interrupt
 * masks its line and signals the notification with the capability's badge; the handler's
 * Ack unmasks the line once user level has served the device.
 */
#include "kernel.h"

#define IRQ_LINES 64u

static struct cte irq_slots[IRQ_LINES];
static bool irq_claimed[IRQ_LINES];

static word_t irq_lines(void)
{
    word_t n = plat_irq_count();
    return n < IRQ_LINES ? n : IRQ_LINES;
}

exception_t decode_irq_control(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_irq_control_get a;
    struct cte *dest;
    if (label != INV_IRQ_CONTROL_GET) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not an IRQControl operation");
    if (!unpack_irq_control_get(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "get needs 3 words and 1 cap");
    if (a.irq >= irq_lines() || plat_irq_reserved(a.irq)) return fail(ERR_RANGE, 0, irq_lines() - 1, "no such interrupt line");
    if (irq_claimed[a.irq]) return fail(ERR_REVOKE_FIRST, 0, 0, "the line has a handler already");
    exception_t e = lookup_dest_slot(&caps[0]->cap, a.dest_index, a.dest_depth, &dest);
    if (e != ERR_OK) return e;
    struct cap c = {0};
    c.type = OBJ_IRQ_HANDLER;
    c.rights = RIGHTS_ALL;
    c.aux = (uint32_t)a.irq;
    irq_claimed[a.irq] = true;
    cte_insert_child(slot, dest, c);
    return ERR_OK;
}

/* The kernel's copy of the notification capability goes. It is always a notification, so this
 * needs none of delete.c (which would call back here for IRQ handlers: no cycles). */
static void clear_notification(word_t irq)
{
    struct cte *s = &irq_slots[irq];
    if (s->cap.type != OBJ_NOTIFICATION) return;
    bool final = cte_is_final(s);
    struct notification *n = cap_notification(&s->cap);
    cte_unlink(s);
    if (final) notification_cancel_all(n);
}

exception_t decode_irq_handler(struct cte *slot, word_t label, struct cte **caps, word_t ncaps)
{
    word_t irq = slot->cap.aux;
    switch (label) {
    case INV_IRQ_HANDLER_ACK:
        plat_irq_mask(irq, false);
        return ERR_OK;
    case INV_IRQ_HANDLER_SET_NOTIFICATION: {
        if (ncaps < 1) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs a notification");
        struct cte *n = caps[0];
        if (n->cap.type != OBJ_NOTIFICATION) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not a notification");
        if (!(n->cap.rights & RIGHT_WRITE)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_WRITE, 0, "cannot signal it");
        clear_notification(irq);
        exception_t e;
        struct cap c = cap_derive(&n->cap, RIGHTS_ALL, false, 0, &e);
        irq_slots[irq].owner = SLOT_IN_IRQ;
        cte_insert_child(n, &irq_slots[irq], c);
        plat_irq_mask(irq, false);
        return ERR_OK;
    }
    case INV_IRQ_HANDLER_CLEAR:
        plat_irq_mask(irq, true);
        clear_notification(irq);
        return ERR_OK;
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not an IRQHandler operation");
    }
}

void irq_handler_deleted(word_t irq)
{
    if (irq >= IRQ_LINES) return;
    plat_irq_mask(irq, true);
    clear_notification(irq);
    irq_claimed[irq] = false;
}

void handle_interrupt(word_t irq)
{
    if (irq >= IRQ_LINES) return;
    plat_irq_mask(irq, true);
    plat_irq_ack(irq);
    struct cte *s = &irq_slots[irq];
    if (s->cap.type == OBJ_NOTIFICATION) notification_signal(cap_notification(&s->cap), s->cap.data);
}
