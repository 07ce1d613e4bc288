/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Kernel entries: system calls, user exceptions, interrupts. Each entry does its work and
 * leaves through kernel_exit(), which schedules and returns to user level (or idles).
 * The kernel runs with interrupts off; long operations poll for a pending interrupt at
 * their preemption points and, if one is pending, restart the system call later.
 */
#include "kernel.h"

#define PREEMPTION_WORK_UNITS 64u

struct current_error current_error;
static word_t work_units;

exception_t fail(word_t code, word_t d0, word_t d1, const char *reason)
{
    current_error.code = code;
    current_error.detail[0] = d0;
    current_error.detail[1] = d1;
    current_error.reason = reason;
    return code;
}

bool preemption_point(void)
{
    if (++work_units < PREEMPTION_WORK_UNITS) return false;
    work_units = 0;
    return plat_irq_pending();
}

void kernel_exit(void)
{
    schedule();
    if (current) plat_return_to_user(current);
    plat_idle();
}

static exception_t read_invocation(struct tcb *t, word_t info, struct message *m)
{
    m->label = bh_msginfo_label(info);
    m->length = bh_msginfo_length(info);
    m->ncaps = bh_msginfo_extra_caps(info);
    if (!t->ipc_buffer) {
        if (m->length > MSG_REGISTERS) m->length = MSG_REGISTERS;
        m->ncaps = 0;
    }
    if (m->length > BH_MSG_MAX_LENGTH) m->length = BH_MSG_MAX_LENGTH;
    for (word_t i = 0; i < m->length; i++) m->mr[i] = ipc_get_mr(t, i);
    for (word_t i = 0; i < m->ncaps; i++) {
        m->caps[i] = cspace_lookup_cap(t, t->ipc_buffer->caps_or_badges[i]);
        if (!m->caps[i]) return fail(ERR_FAILED_LOOKUP, 1, LF_MISSING, "an extra capability does not resolve");
        if (m->caps[i]->cap.type == CAP_ZOMBIE) return fail(ERR_INVALID_CAPABILITY, i + 1, 0, "an extra capability is being deleted");
    }
    return ERR_OK;
}

/* The object's generated decoder (decode_gen.h); frames of both sizes share one. */
exception_t decode_invocation(struct cte *slot, struct message *m, word_t *out_length)
{
    switch (slot->cap.type) {
    case OBJ_UNTYPED: return decode_invocation_untyped(slot, m, out_length);
    case OBJ_CNODE: return decode_invocation_cnode(slot, m, out_length);
    case OBJ_TCB: return decode_invocation_tcb(slot, m, out_length);
    case OBJ_FRAME:
    case OBJ_LARGE_FRAME: return decode_invocation_frame(slot, m, out_length);
    case OBJ_PAGE_TABLE: return decode_invocation_page_table(slot, m, out_length);
    case OBJ_IRQ_CONTROL: return decode_invocation_irq_control(slot, m, out_length);
    case OBJ_IRQ_HANDLER: return decode_invocation_irq_handler(slot, m, out_length);
    case OBJ_IO_PORT_CONTROL: return decode_invocation_io_port_control(slot, m, out_length);
    case OBJ_IO_PORT: return decode_invocation_io_port(slot, m, out_length);
    case OBJ_DOMAIN_CONTROL: return decode_invocation_domain_control(slot, m, out_length);
    case OBJ_VCPU: return decode_invocation_vcpu(slot, m, out_length);
    case OBJ_GUEST_SPACE: return decode_invocation_guest_space(slot, m, out_length);
    case OBJ_ASID_CONTROL: return decode_invocation_asid_control(slot, m, out_length);
    case OBJ_ASID_POOL: return decode_invocation_asid_pool(slot, m, out_length);
    case OBJ_IO_SPACE_CONTROL: return decode_invocation_io_space_control(slot, m, out_length);
    case OBJ_PCI_DEVICE: return decode_invocation_pci_device(slot, m, out_length);
    case OBJ_IO_SPACE: return decode_invocation_io_space(slot, m, out_length);
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "this object has no invocations");
    }
}

static void invoke(struct tcb *t, struct cte *slot, word_t info, bool is_call)
{
    static struct message m;
    word_t rlen = 0;
    exception_t e = read_invocation(t, info, &m);
    if (e == ERR_OK) e = decode_invocation(slot, &m, &rlen);
    if (e == EXC_PREEMPTED) {
        ctx_restart_syscall(&t->ctx);
        return;
    }
    if (e != ERR_OK) {
        if (debug_errors) kprintf("[kernel] invocation %lu failed: error %lu: %s\n", m.label, e, current_error.reason);
        if (is_call) ipc_reply_error(t);
        return;
    }
    if (!is_call) return;
    for (word_t i = 0; i < rlen; i++) ipc_set_mr(t, i, m.mr[i]);
    ctx_set_info(&t->ctx, bh_msginfo(0, 0, 0, (unsigned)rlen));
}

static void handle_send(struct tcb *t, bool blocking, bool is_call)
{
    word_t cptr = ctx_syscall_cptr(&t->ctx);
    word_t info = ctx_syscall_info(&t->ctx);
    struct cte *slot = cspace_lookup_cap(t, cptr);
    if (!slot || slot->cap.type == CAP_ZOMBIE) {
        if (blocking) fault_raise(t, FAULT_CAP, cptr, LF_MISSING, 0);
        return;
    }
    struct cap *c = &slot->cap;
    switch (c->type) {
    case OBJ_ENDPOINT:
        if (!(c->rights & RIGHT_WRITE)) {
            if (blocking) fault_raise(t, FAULT_CAP, cptr, LF_MISSING, RIGHT_WRITE);
            return;
        }
        ipc_send(t, cap_endpoint(c), cap_badge(c), blocking, is_call, (c->rights & RIGHT_GRANT) != 0);
        return;
    case OBJ_NOTIFICATION:
        if (c->rights & RIGHT_WRITE) notification_signal(cap_notification(c), cap_badge(c));
        else if (blocking) fault_raise(t, FAULT_CAP, cptr, LF_MISSING, RIGHT_WRITE);
        return;
    default: invoke(t, slot, info, is_call); return;
    }
}

static void handle_recv(struct tcb *t, bool blocking)
{
    word_t cptr = ctx_syscall_cptr(&t->ctx);
    struct cte *slot = cspace_lookup_cap(t, cptr);
    bool ok = slot && (slot->cap.type == OBJ_ENDPOINT || slot->cap.type == OBJ_NOTIFICATION) &&
              (slot->cap.rights & RIGHT_READ);
    if (!ok) {
        fault_raise(t, FAULT_CAP, cptr, LF_MISSING, RIGHT_READ);
        return;
    }
    /* A thread bound to a notification waits on endpoints only; another notification
     * would make the binding ambiguous. */
    if (slot->cap.type == OBJ_NOTIFICATION && t->bound && t->bound != cap_notification(&slot->cap)) {
        fault_raise(t, FAULT_CAP, cptr, LF_MISSING, RIGHT_READ);
        return;
    }
    ipc_recv(t, slot, blocking);
}


void handle_syscall(word_t number)
{
    struct tcb *t = current;
    if (number == (word_t)SYS_CALL) fastpath_call(t);
    else if (number == (word_t)SYS_REPLY_RECV) fastpath_reply_recv(t);
    switch ((long)number) {
    case SYS_CALL: handle_send(t, true, true); break;
    case SYS_SEND: handle_send(t, true, false); break;
    case SYS_NBSEND: handle_send(t, false, false); break;
    case SYS_RECV: handle_recv(t, true); break;
    case SYS_NBRECV: handle_recv(t, false); break;
    case SYS_REPLY: ipc_reply(t); break;
    case SYS_REPLY_RECV:
        ipc_reply(t);
        handle_recv(t, true);
        break;
    case SYS_YIELD: sched_yield(); break;
    case SYS_VM_ENTER: vcpu_enter(t); break;
    default:
        if (!debug_syscall(t, number)) fault_raise(t, FAULT_UNKNOWN_SYSCALL, number, 0, 0);
        break;
    }
    kernel_exit();
}

void handle_user_exception(word_t kind, word_t d0, word_t d1, word_t d2)
{
    if (current) fault_raise(current, kind, d0, d1, d2);
    kernel_exit();
}

void handle_irq_entry(word_t irq)
{
    handle_interrupt(irq);
    kernel_exit();
}

void handle_timer_entry(void)
{
    sched_timer_tick();
    kernel_exit();
}
