/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Threads: state changes and the TCB invocations. */
#include "kernel.h"

void tcb_init(struct tcb *t)
{
    for (unsigned i = 0; i < TCB_SLOTS; i++) t->slots[i].owner = SLOT_IN_TCB + i;
    t->state = TS_INACTIVE;
    plat_context_init(&t->ctx, &t->fpu);
}

bool tcb_runnable(const struct tcb *t)
{
    return t->state == TS_RUNNING;
}

void tcb_set_state(struct tcb *t, enum thread_state s)
{
    t->state = (uint8_t)s;
    if (tcb_runnable(t)) sched_enqueue(t);
    else sched_dequeue(t);
}

void tcb_suspend(struct tcb *t)
{
    ipc_cancel(t);
    t->fault_pending = 0;
    tcb_set_state(t, TS_INACTIVE);
}

void tcb_resume(struct tcb *t)
{
    if (t->state == TS_INACTIVE) tcb_set_state(t, TS_RUNNING);
}

/* The last capability to t is going: detach it from everything that points to it. */
void tcb_finalise(struct tcb *t)
{
    tcb_suspend(t);
    notification_unbind_tcb(t);
    if (t->reply_to) t->reply_to->blocked_on = NULL;
    t->reply_to = NULL;
    if (t == current) {
        current = NULL;
        sched_reschedule();
    }
}

void tcb_slot_emptied(struct tcb *t, enum tcb_slot which)
{
    if (which == TCB_IPC_BUFFER) t->ipc_buffer = NULL;
    if ((which == TCB_CSPACE || which == TCB_VSPACE) && t->state != TS_INACTIVE) tcb_suspend(t);
}

/* Replace the capability in one of t's slots with a copy of src. */
static exception_t install(struct tcb *t, enum tcb_slot which, struct cte *src)
{
    exception_t e = cte_delete(&t->slots[which]);
    if (e != ERR_OK) return e;
    struct cap c = cap_derive(&src->cap, RIGHTS_ALL, false, 0, &e);
    ASSERT(e == ERR_OK);
    cte_insert_child(src, &t->slots[which], c);
    return ERR_OK;
}

static exception_t configure(struct tcb *t, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_tcb_configure a;
    if (!unpack_tcb_configure(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "configure needs 1 word and 3 caps");
    if (caps[0]->cap.type != OBJ_CNODE) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "cspace_root is not a CNode");
    if (caps[1]->cap.type != OBJ_VSPACE) return fail(ERR_WRONG_OBJECT_TYPE, 2, 0, "vspace_root is not a VSpace");
    if (!space_root(&caps[1]->cap)) return fail(ERR_INVALID_CAPABILITY, 2, 0, "the VSpace has no ASID");
    const struct cap *f = &caps[2]->cap;
    if ((f->type != OBJ_FRAME && f->type != OBJ_LARGE_FRAME) || f->size_bits == 1)
        return fail(ERR_WRONG_OBJECT_TYPE, 3, 0, "ipc_buffer_frame is not a RAM frame");
    if (!(f->rights & RIGHT_WRITE)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_WRITE, 0, "IPC buffer frame not writable");
    if (!ALIGNED(a.ipc_buffer_addr, 10) || !plat_user_address_ok(a.ipc_buffer_addr))
        return fail(ERR_ALIGNMENT, 0, 0, "IPC buffer address not 1 KiB aligned in user space");
    if (t == current) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "a thread cannot reconfigure itself");
    exception_t e = install(t, TCB_CSPACE, caps[0]);
    if (e == ERR_OK) e = install(t, TCB_VSPACE, caps[1]);
    if (e == ERR_OK) e = install(t, TCB_IPC_BUFFER, caps[2]);
    if (e != ERR_OK) return e;
    word_t frame_bits = f->type == OBJ_FRAME ? OBJ_FRAME_SIZE_BITS : OBJ_LARGE_FRAME_SIZE_BITS;
    t->ipc_buffer_addr = a.ipc_buffer_addr;
    t->ipc_buffer = (bh_ipc_buffer_t *)(f->ptr + (a.ipc_buffer_addr & MASK(frame_bits)));
    return ERR_OK;
}

static exception_t read_registers(struct tcb *t, word_t *mr, word_t len, word_t *rlen)
{
    struct args_tcb_read_registers a;
    if (!unpack_tcb_read_registers(mr, len, 0, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs suspend and count");
    if (a.count < 1 || a.count > REG_COUNT) return fail(ERR_RANGE, 1, REG_COUNT, "register count");
    if (t == current) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "a thread cannot read its own registers");
    if (a.suspend) tcb_suspend(t);
    for (word_t i = 0; i < a.count; i++) mr[i] = *ctx_reg(&t->ctx, (unsigned)i);
    *rlen = a.count;
    return ERR_OK;
}

static exception_t write_registers(struct tcb *t, const word_t *mr, word_t len)
{
    struct args_tcb_write_registers a;
    if (!unpack_tcb_write_registers(mr, len, 0, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs resume and registers");
    if (a.regs_count > REG_COUNT) return fail(ERR_RANGE, 0, REG_COUNT, "too many registers");
    if (t == current) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "a thread cannot write its own registers");
    /* The instruction pointer, stack pointer and TLS base must be user addresses. */
    if (a.regs_count > REG_IP && !plat_user_address_ok(a.regs[REG_IP])) return fail(ERR_INVALID_ARGUMENT, REG_IP + 1, 0, "instruction pointer");
    if (a.regs_count > REG_SP && !plat_user_address_ok(a.regs[REG_SP])) return fail(ERR_INVALID_ARGUMENT, REG_SP + 1, 0, "stack pointer");
    if (a.regs_count > REG_TLS_BASE && !plat_user_address_ok(a.regs[REG_TLS_BASE]))
        return fail(ERR_INVALID_ARGUMENT, REG_TLS_BASE + 1, 0, "TLS base");
    for (word_t i = 0; i < a.regs_count; i++) *ctx_reg(&t->ctx, (unsigned)i) = a.regs[i];
    plat_context_sanitise(&t->ctx);
    if (a.resume) tcb_resume(t);
    return ERR_OK;
}

static exception_t set_priority(struct tcb *t, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_tcb_set_priority a;
    if (!unpack_tcb_set_priority(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs a priority and an authority");
    if (caps[0]->cap.type != OBJ_TCB) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "authority is not a TCB");
    word_t limit = cap_tcb(&caps[0]->cap)->mcp;
    if (a.priority > limit) return fail(ERR_RANGE, 0, limit, "above the authority's maximum controlled priority");
    if (label == INV_TCB_SET_MC_PRIORITY) t->mcp = (uint8_t)a.priority;
    else sched_set_priority(t, a.priority);
    return ERR_OK;
}

static exception_t bind_notification(struct tcb *t, struct cte **caps, word_t ncaps)
{
    if (ncaps < 1) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs a notification");
    const struct cap *c = &caps[0]->cap;
    if (c->type != OBJ_NOTIFICATION) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not a notification");
    if (!(c->rights & RIGHT_READ)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_READ, 0, "notification not readable");
    if (t->bound || cap_notification(c)->bound) return fail(ERR_DELETE_FIRST, 0, 0, "already bound");
    if (t->state == TS_BLOCKED_NOTIFICATION && t->blocked_on != cap_notification(c))
        return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the thread waits on another notification");
    notification_bind(cap_notification(c), t);
    return ERR_OK;
}

exception_t decode_tcb(struct cte *slot, word_t label, word_t *mr, word_t len, struct cte **caps, word_t ncaps, word_t *rlen)
{
    struct tcb *t = cap_tcb(&slot->cap);
    switch (label) {
    case INV_TCB_CONFIGURE: return configure(t, mr, len, caps, ncaps);
    case INV_TCB_SET_FAULT_HANDLER:
        if (ncaps < 1) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs an endpoint");
        if (caps[0]->cap.type != OBJ_ENDPOINT) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not an endpoint");
        if (!(caps[0]->cap.rights & RIGHT_WRITE)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_WRITE, 0, "cannot send on it");
        return install(t, TCB_FAULT_HANDLER, caps[0]);
    case INV_TCB_READ_REGISTERS: return read_registers(t, mr, len, rlen);
    case INV_TCB_WRITE_REGISTERS: return write_registers(t, mr, len);
    case INV_TCB_RESUME:
        if (t->slots[TCB_CSPACE].cap.type != OBJ_CNODE || t->slots[TCB_VSPACE].cap.type != OBJ_VSPACE)
            return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the thread has no CSpace or VSpace");
        tcb_resume(t);
        return ERR_OK;
    case INV_TCB_SUSPEND: tcb_suspend(t); return ERR_OK;
    case INV_TCB_SET_PRIORITY:
    case INV_TCB_SET_MC_PRIORITY: return set_priority(t, label, mr, len, caps, ncaps);
    case INV_TCB_BIND_NOTIFICATION: return bind_notification(t, caps, ncaps);
    case INV_TCB_UNBIND_NOTIFICATION:
        if (!t->bound) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "no notification is bound");
        notification_unbind_tcb(t);
        return ERR_OK;
    case INV_TCB_SET_TLS_BASE:
        if (len < 1) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs a base");
        if (!plat_user_address_ok(mr[0])) return fail(ERR_INVALID_ARGUMENT, 0, 0, "TLS base is not a user address");
        *ctx_reg(&t->ctx, REG_TLS_BASE) = mr[0];
        if (t == current) plat_set_tls_base(mr[0]);
        return ERR_OK;
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not a TCB operation");
    }
}
