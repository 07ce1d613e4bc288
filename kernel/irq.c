/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Interrupt capabilities. IRQControl issues one IRQHandler per interrupt line; a PCI_DEVICE
 * issues one per MSI line it asks for (GET_MSI, io_space.c), bound to its requester id. The
 * handler names a notification (a copy of its capability is kept in a kernel slot per line).
 * An interrupt masks its line and signals the notification with the capability's badge; the
 * handler's Ack unmasks the line once user level has served the device.
 */
#include "kernel.h"

static struct cte irq_slots[IRQ_LINES];
static bool irq_claimed[IRQ_LINES];
static word_t msi_source[IRQ_MSI_LINES]; /* the function each claimed MSI line is bound to */

static word_t irq_lines(void)
{
    word_t n = plat_irq_count();
    return n < IRQ_WIRED_LINES ? n : IRQ_WIRED_LINES;
}

static bool is_msi_line(word_t irq) { return irq >= IRQ_MSI_FIRST && irq < IRQ_LINES; }

word_t irq_msi_free_line(void)
{
    for (word_t irq = IRQ_MSI_FIRST; irq < IRQ_LINES; irq++)
        if (!irq_claimed[irq]) return irq;
    return IRQ_LINES;
}

/* The handler is the device capability's child: revoking the device takes it. Its ptr names
 * the function (cap.c reads it to place the handler under the device's capability). */
void irq_msi_issue(struct cte *device, struct cte *dest, word_t irq, word_t source)
{
    ASSERT(is_msi_line(irq) && !irq_claimed[irq]);
    irq_claimed[irq] = true;
    msi_source[irq - IRQ_MSI_FIRST] = source;
    cte_insert_child(device, dest, (struct cap){.type = OBJ_IRQ_HANDLER, .rights = RIGHTS_ALL, .ptr = source, .aux = (uint32_t)irq});
}

/* The function's last capability went: its MSI lines stop delivering (handlers stay, idle). */
void irq_msi_source_gone(word_t source)
{
    for (word_t irq = IRQ_MSI_FIRST; irq < IRQ_LINES; irq++)
        if (irq_claimed[irq] && msi_source[irq - IRQ_MSI_FIRST] == source) plat_msi_unbind(irq);
}

static void invoke_irq_control_get(struct cte *control, struct cte *dest, word_t irq)
{
    struct cap c = {0};
    c.type = OBJ_IRQ_HANDLER;
    c.rights = RIGHTS_ALL;
    c.aux = (uint32_t)irq;
    irq_claimed[irq] = true;
    cte_insert_child(control, dest, c);
}

exception_t decode_irq_control_get(struct cte *slot, const struct args_irq_control_get *a)
{
    struct cte *dest;
    if (a->irq >= irq_lines() || plat_irq_reserved(a->irq)) return fail(ERR_RANGE, 0, irq_lines() - 1, "no such interrupt line");
    if (irq_claimed[a->irq]) return fail(ERR_REVOKE_FIRST, 0, 0, "the line has a handler already");
    exception_t e = lookup_dest_slot(&a->dest_root->cap, a->dest_index, a->dest_depth, &dest);
    if (e != ERR_OK) return e;
    invoke_irq_control_get(slot, dest, a->irq);
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

static void invoke_irq_handler_ack(word_t irq)
{
    plat_irq_mask(irq, false);
}

exception_t decode_irq_handler_ack(struct cte *slot, const struct args_irq_handler_ack *a)
{
    (void)a;
    invoke_irq_handler_ack(irq_handler_line(&slot->cap)); /* nothing to check */
    return ERR_OK;
}

static void invoke_irq_handler_set_notification(word_t irq, struct cte *n)
{
    clear_notification(irq);
    exception_t e;
    struct cap c = cap_derive(&n->cap, RIGHTS_ALL, false, 0, &e);
    ASSERT(e == ERR_OK);
    irq_slots[irq].owner = SLOT_IN_IRQ;
    cte_insert_child(n, &irq_slots[irq], c);
    plat_irq_mask(irq, false);
}

exception_t decode_irq_handler_set_notification(struct cte *slot, const struct args_irq_handler_set_notification *a)
{
    /* The generated decoder checked the type and the write right: nothing else can be wrong. */
    invoke_irq_handler_set_notification(irq_handler_line(&slot->cap), a->notification);
    return ERR_OK;
}

static void invoke_irq_handler_clear(word_t irq)
{
    plat_irq_mask(irq, true);
    clear_notification(irq);
}

exception_t decode_irq_handler_clear(struct cte *slot, const struct args_irq_handler_clear *a)
{
    (void)a;
    invoke_irq_handler_clear(irq_handler_line(&slot->cap)); /* nothing to check */
    return ERR_OK;
}

void irq_handler_deleted(word_t irq)
{
    if (irq >= IRQ_LINES) return;
    plat_irq_mask(irq, true);
    if (is_msi_line(irq)) plat_msi_unbind(irq);
    clear_notification(irq);
    irq_claimed[irq] = false;
}

void handle_interrupt(word_t irq)
{
    if (irq >= IRQ_LINES) return;
    plat_irq_mask(irq, true);
    plat_irq_ack(irq);
    struct cte *s = &irq_slots[irq];
    if (s->cap.type == OBJ_NOTIFICATION) notification_signal(cap_notification(&s->cap), cap_badge(&s->cap));
}
