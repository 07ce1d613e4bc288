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
    plat_thread_finalise(t);
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

/* Replace the capability in one of t's slots with a copy of src. Fails only by preemption
 * (deleting the old capability may destroy its object); the invocation then restarts. */
static exception_t install(struct tcb *t, enum tcb_slot which, struct cte *src)
{
    exception_t e = cte_delete(&t->slots[which]);
    if (e != ERR_OK) return e;
    struct cap c = cap_derive(&src->cap, RIGHTS_ALL, false, 0, &e);
    ASSERT(e == ERR_OK);
    cte_insert_child(src, &t->slots[which], c);
    return ERR_OK;
}

static exception_t invoke_tcb_configure(struct tcb *t, const struct args_tcb_configure *a)
{
    exception_t e = install(t, TCB_CSPACE, a->cspace_root);
    if (e == ERR_OK) e = install(t, TCB_VSPACE, a->vspace_root);
    if (e == ERR_OK) e = install(t, TCB_IPC_BUFFER, a->ipc_buffer_frame);
    if (e != ERR_OK) return e;
    const struct cap *f = &a->ipc_buffer_frame->cap;
    word_t frame_bits = f->type == OBJ_FRAME ? OBJ_FRAME_SIZE_BITS : OBJ_LARGE_FRAME_SIZE_BITS;
    t->ipc_buffer_addr = a->ipc_buffer_addr;
    t->ipc_buffer = (bh_ipc_buffer_t *)(f->ptr + (a->ipc_buffer_addr & MASK(frame_bits)));
    return ERR_OK;
}

/* Only a suspended thread: emptying a running thread's CSpace or VSpace slot suspends it
 * (tcb_slot_emptied), and a preempted install would leave it so. seL4 lets Configure change a
 * running thread; we refuse, as for the caller itself. */
exception_t decode_tcb_configure(struct cte *slot, const struct args_tcb_configure *a)
{
    struct tcb *t = cap_tcb(&slot->cap);
    if (!space_root(&a->vspace_root->cap)) return fail(ERR_INVALID_CAPABILITY, 2, 0, "the VSpace has no ASID");
    if (frame_is_device(&a->ipc_buffer_frame->cap)) return fail(ERR_WRONG_OBJECT_TYPE, 3, 0, "ipc_buffer_frame is not a RAM frame");
    if (!ALIGNED(a->ipc_buffer_addr, 10) || !plat_user_address_ok(a->ipc_buffer_addr))
        return fail(ERR_ALIGNMENT, 0, 0, "IPC buffer address not 1 KiB aligned in user space");
    if (t == current) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "a thread cannot reconfigure itself");
    if (t->state != TS_INACTIVE) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the thread is not suspended");
    return invoke_tcb_configure(t, a);
}

static exception_t invoke_tcb_set_fault_handler(struct tcb *t, struct cte *endpoint)
{
    return install(t, TCB_FAULT_HANDLER, endpoint);
}

exception_t decode_tcb_set_fault_handler(struct cte *slot, const struct args_tcb_set_fault_handler *a)
{
    return invoke_tcb_set_fault_handler(cap_tcb(&slot->cap), a->endpoint);
}

static void invoke_tcb_read_registers(struct tcb *t, bool suspend, word_t count, word_t *out)
{
    if (suspend) tcb_suspend(t);
    for (word_t i = 0; i < count; i++) out[i] = *ctx_reg(&t->ctx, (unsigned)i);
}

exception_t decode_tcb_read_registers(struct cte *slot, const struct args_tcb_read_registers *a, word_t *out,
                                      word_t *out_length)
{
    struct tcb *t = cap_tcb(&slot->cap);
    if (t == current) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "a thread cannot read its own registers");
    invoke_tcb_read_registers(t, a->suspend != 0, a->count, out);
    *out_length = a->count;
    return ERR_OK;
}

static void invoke_tcb_write_registers(struct tcb *t, const word_t *regs, word_t count, bool resume)
{
    for (word_t i = 0; i < count; i++) *ctx_reg(&t->ctx, (unsigned)i) = regs[i];
    plat_context_sanitise(&t->ctx);
    if (resume) tcb_resume(t);
}

exception_t decode_tcb_write_registers(struct cte *slot, const struct args_tcb_write_registers *a)
{
    struct tcb *t = cap_tcb(&slot->cap);
    if (a->regs_count > REG_COUNT) return fail(ERR_RANGE, 0, REG_COUNT, "too many registers");
    if (t == current) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "a thread cannot write its own registers");
    /* The instruction pointer, stack pointer and TLS base must be user addresses. */
    if (a->regs_count > REG_IP && !plat_user_address_ok(a->regs[REG_IP])) return fail(ERR_INVALID_ARGUMENT, REG_IP + 1, 0, "instruction pointer");
    if (a->regs_count > REG_SP && !plat_user_address_ok(a->regs[REG_SP])) return fail(ERR_INVALID_ARGUMENT, REG_SP + 1, 0, "stack pointer");
    if (a->regs_count > REG_TLS_BASE && !plat_user_address_ok(a->regs[REG_TLS_BASE]))
        return fail(ERR_INVALID_ARGUMENT, REG_TLS_BASE + 1, 0, "TLS base");
    invoke_tcb_write_registers(t, a->regs, a->regs_count, a->resume != 0);
    return ERR_OK;
}

static void invoke_tcb_resume(struct tcb *t)
{
    tcb_resume(t);
}

exception_t decode_tcb_resume(struct cte *slot, const struct args_tcb_resume *a)
{
    (void)a;
    struct tcb *t = cap_tcb(&slot->cap);
    if (t->slots[TCB_CSPACE].cap.type != OBJ_CNODE || t->slots[TCB_VSPACE].cap.type != OBJ_VSPACE)
        return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the thread has no CSpace or VSpace");
    invoke_tcb_resume(t);
    return ERR_OK;
}

static void invoke_tcb_suspend(struct tcb *t)
{
    tcb_suspend(t);
}

exception_t decode_tcb_suspend(struct cte *slot, const struct args_tcb_suspend *a)
{
    (void)a;
    invoke_tcb_suspend(cap_tcb(&slot->cap)); /* nothing to check */
    return ERR_OK;
}

/* The authority's maximum controlled priority bounds both the priority and the MCP. */
static exception_t check_authority(const struct cte *authority, word_t value)
{
    word_t limit = cap_tcb(&authority->cap)->mcp;
    if (value > limit) return fail(ERR_RANGE, 0, limit, "above the authority's maximum controlled priority");
    return ERR_OK;
}

static void invoke_tcb_set_priority(struct tcb *t, word_t priority)
{
    sched_set_priority(t, priority);
}

exception_t decode_tcb_set_priority(struct cte *slot, const struct args_tcb_set_priority *a)
{
    exception_t e = check_authority(a->authority, a->priority);
    if (e != ERR_OK) return e;
    invoke_tcb_set_priority(cap_tcb(&slot->cap), a->priority);
    return ERR_OK;
}

static void invoke_tcb_set_mc_priority(struct tcb *t, word_t mcp)
{
    t->mcp = (uint8_t)mcp;
}

exception_t decode_tcb_set_mc_priority(struct cte *slot, const struct args_tcb_set_mc_priority *a)
{
    exception_t e = check_authority(a->authority, a->mcp);
    if (e != ERR_OK) return e;
    invoke_tcb_set_mc_priority(cap_tcb(&slot->cap), a->mcp);
    return ERR_OK;
}

static void invoke_tcb_bind_notification(struct tcb *t, struct notification *n)
{
    notification_bind(n, t);
}

exception_t decode_tcb_bind_notification(struct cte *slot, const struct args_tcb_bind_notification *a)
{
    struct tcb *t = cap_tcb(&slot->cap);
    struct notification *n = cap_notification(&a->notification->cap);
    if (t->bound || n->bound) return fail(ERR_DELETE_FIRST, 0, 0, "already bound");
    if (t->state == TS_BLOCKED_NOTIFICATION && t->blocked_on != n)
        return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the thread waits on another notification");
    invoke_tcb_bind_notification(t, n);
    return ERR_OK;
}

static void invoke_tcb_unbind_notification(struct tcb *t)
{
    notification_unbind_tcb(t);
}

exception_t decode_tcb_unbind_notification(struct cte *slot, const struct args_tcb_unbind_notification *a)
{
    (void)a;
    struct tcb *t = cap_tcb(&slot->cap);
    if (!t->bound) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "no notification is bound");
    invoke_tcb_unbind_notification(t);
    return ERR_OK;
}

static void invoke_tcb_set_tls_base(struct tcb *t, word_t base)
{
    *ctx_reg(&t->ctx, REG_TLS_BASE) = base;
    if (t == current) plat_set_tls_base(base);
}

exception_t decode_tcb_set_tls_base(struct cte *slot, const struct args_tcb_set_tls_base *a)
{
    if (!plat_user_address_ok(a->base)) return fail(ERR_INVALID_ARGUMENT, 0, 0, "TLS base is not a user address");
    invoke_tcb_set_tls_base(cap_tcb(&slot->cap), a->base);
    return ERR_OK;
}
