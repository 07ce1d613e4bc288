/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The endpoint the hostile and fuzzing tasks talk to, served by their runner: messages are
 * echoed with their label and length (capabilities sent along are deleted at once), and the
 * task's own faults, which arrive with fault_badge, are resumed. The same fault at the same
 * place a thousand times over means the task cannot go on: a FAIL line and QEMU's exit.
 * Faults with other badges (threads the task made) are echoed like messages: their label is
 * the fault kind, never 0, so they stay stopped.
 */
#ifndef TASK_SERVER_H
#define TASK_SERVER_H

#include <bulkhead/process.h>
#include <bulkhead/runtime.h>

struct task_server {
    bh_cptr_t endpoint, scratch;    /* the served endpoint; a slot for received capabilities */
    bh_cptr_t exit_port;            /* ports 0xf4..0xf7: isa-debug-exit */
    bh_word_t fault_badge;
    const char *suite;              /* the FAIL line's prefix: "hostile", "sysfuzz" */
    volatile unsigned long faults, messages;
};

/* A thread body (bh_thread_fn): arg is the struct task_server. Never returns. */
void task_server_run(bh_word_t arg);

#endif
