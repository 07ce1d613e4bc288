/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Faults become messages to the thread's fault handler endpoint (a copy of the endpoint
 * capability kept in the TCB; its badge tells the handler which thread faulted). The thread
 * waits for the handler's reply: label 0 resumes it, anything else leaves it suspended.
 * A thread without a handler is suspended with a log line; the kernel never stops for it.
 *
 * Message: label = kind (FAULT_*), MR0..MR2 = details, MR3 = instruction pointer; what each
 * kind's details are is in abi/bulkhead.abi (enum fault_kind), with the kinds' names.
 */
#include "kernel.h"

void fault_raise(struct tcb *t, word_t kind, word_t d0, word_t d1, word_t d2)
{
    struct cte *h = &t->slots[TCB_FAULT_HANDLER];
    if (h->cap.type != OBJ_ENDPOINT) {
        kprintf("[kernel] thread %p: %s fault (%lx %lx) at ip %lx with no fault handler: suspended\n", (void *)t,
                bh_fault_kind_name(kind), d0, d1, ctx_ip(&t->ctx));
        tcb_suspend(t);
        return;
    }
    t->fault[0] = kind;
    t->fault[1] = d0;
    t->fault[2] = d1;
    t->fault[3] = d2;
    t->fault_pending = 1;
    ipc_send(t, cap_endpoint(&h->cap), cap_badge(&h->cap), true, true, false);
}

void fault_reply(struct tcb *t, struct tcb *replier)
{
    word_t label = bh_msginfo_label(ctx_syscall_info(&replier->ctx));
    t->fault_pending = 0;
    if (label == 0) {
        sched_wake(t);
    } else {
        tcb_set_state(t, TS_INACTIVE);
    }
}
