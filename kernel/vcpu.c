/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Virtual CPUs, portable part: binding to a thread and a GuestSpace, the checked state
 * interface, and the VMEnter system call. The platform owns the hardware control block
 * (plat_vcpu_*): a VMM never sees it and reaches guest state only through the whitelist that
 * plat_vcpu_check_state enforces, so it cannot make the guest run with host privileges.
 *
 * VMEnter runs the guest on the calling thread's time. It returns on a VM exit, or with
 * VM_EXIT_INTERRUPTED when an interrupt (the timer included) ends the guest's run or a signal
 * is pending on the thread's bound notification, so the VMM can handle it and enter again.
 * An interrupt that ends a guest run stays pending and is taken at the first user instruction
 * after the return, through the ordinary path.
 */
#include "kernel.h"

/* The thread is going: it no longer runs any VCPU. */
void vcpu_tcb_finalise(struct tcb *t)
{
    if (!t->vcpu) return;
    t->vcpu->tcb = NULL;
    t->vcpu = NULL;
}

/* The last capability to v is going: unbind it and drop its copy of the GuestSpace
 * capability (a GuestSpace is not a container, so this does not recurse). */
void vcpu_finalise(struct vcpu *v)
{
    plat_vcpu_destroy(&v->arch);
    if (v->tcb) vcpu_tcb_finalise(v->tcb);
    if (v->space.cap.type == OBJ_NULL) return;
    struct cap c = v->space.cap;
    bool final = cte_is_final(&v->space);
    cte_unlink(&v->space);
    if (final) guest_space_finalise(&c);
}

static void invoke_vcpu_set_tcb(struct vcpu *v, struct tcb *t)
{
    v->tcb = t;
    t->vcpu = v;
}

exception_t decode_vcpu_set_tcb(struct cte *slot, const struct args_vcpu_set_tcb *a)
{
    struct vcpu *v = cap_vcpu(&slot->cap);
    struct tcb *t = cap_tcb(&a->tcb->cap);
    if (v->tcb || t->vcpu) return fail(ERR_DELETE_FIRST, 0, 0, "the VCPU or the thread is bound already");
    invoke_vcpu_set_tcb(v, t);
    return ERR_OK;
}

/* Fails only by preemption: the VCPU's old copy is a child of some GuestSpace capability, so
 * deleting it never destroys an object that needs more than finalise_simple. */
static exception_t invoke_vcpu_set_space(struct vcpu *v, struct cte *src)
{
    exception_t e = cte_delete(&v->space);
    if (e != ERR_OK) return e;
    struct cap c = cap_derive(&src->cap, RIGHTS_ALL, false, 0, &e);
    ASSERT(e == ERR_OK);
    cte_insert_child(src, &v->space, c);
    plat_vcpu_space_changed(&v->arch);
    return ERR_OK;
}

exception_t decode_vcpu_set_space(struct cte *slot, const struct args_vcpu_set_space *a)
{
    if (!space_root(&a->space->cap)) return fail(ERR_INVALID_CAPABILITY, 1, 0, "the GuestSpace has no ASID");
    return invoke_vcpu_set_space(cap_vcpu(&slot->cap), a->space);
}

static void invoke_vcpu_read_state(const struct vcpu *v, word_t first, word_t count, word_t *out)
{
    for (word_t i = 0; i < count; i++) out[i] = plat_vcpu_read_state(&v->arch, first + i);
}

exception_t decode_vcpu_read_state(struct cte *slot, const struct args_vcpu_read_state *a, word_t *out,
                                   word_t *out_length)
{
    if (a->first >= VCPU_STATE_COUNT || a->count < 1 || a->count > VCPU_STATE_COUNT - a->first)
        return fail(ERR_RANGE, 1, VCPU_STATE_COUNT, "state range");
    invoke_vcpu_read_state(cap_vcpu(&slot->cap), a->first, a->count, out);
    *out_length = a->count;
    return ERR_OK;
}

static void invoke_vcpu_write_state(struct vcpu *v, word_t first, const word_t *values, word_t count)
{
    for (word_t i = 0; i < count; i++) plat_vcpu_write_state(&v->arch, first + i, values[i]);
}

exception_t decode_vcpu_write_state(struct cte *slot, const struct args_vcpu_write_state *a)
{
    if (a->first >= VCPU_STATE_COUNT || a->values_count > VCPU_STATE_COUNT - a->first)
        return fail(ERR_RANGE, 0, VCPU_STATE_COUNT, "state range");
    for (word_t i = 0; i < a->values_count; i++)
        if (!plat_vcpu_check_state(a->first + i, a->values[i]))
            return fail(ERR_INVALID_ARGUMENT, a->first + i, 0, "a guest state value is not allowed");
    invoke_vcpu_write_state(cap_vcpu(&slot->cap), a->first, a->values, a->values_count);
    return ERR_OK;
}

/* Decode of VMEnter: a bound VCPU with a live GuestSpace, and a valid new RIP if one is given. */
static exception_t decode_vm_enter(struct tcb *t, void **root, bool *set_rip)
{
    struct vcpu *v = t->vcpu;
    if (!v) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "no VCPU is bound to this thread");
    const struct cap *gs = &v->space.cap;
    if (gs->type != OBJ_GUEST_SPACE) return fail(ERR_INVALID_CAPABILITY, 0, 0, "the VCPU has no GuestSpace");
    *root = space_root(gs);
    if (!*root) return fail(ERR_INVALID_CAPABILITY, 0, 0, "the GuestSpace has no ASID");
    *set_rip = bh_msginfo_length(ctx_syscall_info(&t->ctx)) >= 1;
    return ERR_OK;
}

/* The exit record (BH_VM_MR_*, the same on every platform). */
static void reply_exit(struct tcb *t, const struct vm_exit *x)
{
    ipc_set_mr(t, BH_VM_MR_REASON, x->reason);
    ipc_set_mr(t, BH_VM_MR_QUAL1, x->qual1);
    ipc_set_mr(t, BH_VM_MR_QUAL2, x->qual2);
    ipc_set_mr(t, BH_VM_MR_PC, x->pc);
    ipc_set_mr(t, BH_VM_MR_NEXT_PC, x->next_pc);
    ipc_set_mr(t, BH_VM_MR_EVENT, x->event);
    /* Then the platform's summary of the guest (registers the common exits need, the mode),
     * so that most exits need no ReadState. */
    if (!t->ipc_buffer) {
        ctx_set_info(&t->ctx, bh_msginfo(0, 0, 0, BH_VM_MR_COUNT));
        return;
    }
    unsigned n = plat_vcpu_exit_summary(&t->vcpu->arch, &t->ipc_buffer->mr[BH_VM_MR_SUMMARY]);
    ctx_set_info(&t->ctx, bh_msginfo(0, 0, 0, BH_VM_MR_SUMMARY + n));
}

void vcpu_enter(struct tcb *t)
{
    void *root = NULL;
    bool set_rip = false;
    exception_t e = decode_vm_enter(t, &root, &set_rip);
    if (e != ERR_OK) {
        if (debug_errors) kprintf("[kernel] VMEnter failed: error %lu: %s\n", e, current_error.reason);
        ipc_reply_error(t);
        return;
    }
    struct vcpu *v = t->vcpu;
    if (set_rip) plat_vcpu_write_state(&v->arch, VCPU_STATE_PC, ipc_get_mr(t, 0));
    /* A longer message also carries the results of the exit just handled (MR1..): the
     * platform's result registers, without a WriteState. */
    word_t len = bh_msginfo_length(ctx_syscall_info(&t->ctx));
    if (len >= 1 + VCPU_RESULT_WORDS && t->ipc_buffer) {
        /* MR1..MR3 are in registers (MSG_REGISTERS), the rest in the IPC buffer. */
        word_t results[VCPU_RESULT_WORDS];
        for (word_t i = 0; i < VCPU_RESULT_WORDS; i++) results[i] = ipc_get_mr(t, 1 + i);
        plat_vcpu_set_results(&v->arch, results);
    }
    struct vm_exit x = {0};
    if (t->bound && t->bound->word) {
        /* Not entered. An event the VMM set up for injection was not delivered: it comes back
         * as the exit's event, as when an exit interrupts a delivery, so that the VMM injects
         * it again rather than overwriting it. */
        x.reason = VM_EXIT_INTERRUPTED;
        x.pc = plat_vcpu_read_state(&v->arch, VCPU_STATE_PC);
        x.event = plat_vcpu_take_event(&v->arch);
    } else {
        plat_vcpu_run(&v->arch, root, &t->fpu, &x);
    }
    reply_exit(t, &x);
}
