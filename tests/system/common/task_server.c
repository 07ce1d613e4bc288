/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The runners' task endpoint (task_server.h). */
#include "task_server.h"

#define EXIT_FAIL 0x11u

/* Whether the task's fault at ip (detail: the fault's first word) is the thousandth in a row. */
static int stuck(struct task_server *s, bh_word_t ip, bh_word_t detail)
{
    static bh_word_t last_ip, last_detail;
    static unsigned repeats;
    repeats = (ip == last_ip && detail == last_detail) ? repeats + 1 : 0;
    last_ip = ip;
    last_detail = detail;
    if (repeats < 1000) return 0;
    bh_printf("FAIL %s.task_makes_progress: the same fault repeats at ip %lx (%lx)\n", s->suite, (unsigned long)ip,
              (unsigned long)detail);
    bh_io_port_out8(s->exit_port, 0xf4, EXIT_FAIL);
    return 1;
}

void task_server_run(bh_word_t arg)
{
    struct task_server *s = (struct task_server *)(uintptr_t)arg;
    bh_word_t badge;
    bh_set_receive_slot(0, s->scratch, 64);
    bh_msginfo_t info = bh_recv(s->endpoint, &badge);
    for (;;) {
        /* The fault's words first: the next invocation overwrites the message registers. */
        bh_word_t ip = bh_get_mr(3), detail = bh_get_mr(0);
        bh_cnode_delete(BH_ROOT_CNODE, s->scratch, 64);
        bh_set_receive_slot(0, s->scratch, 64);
        bh_msginfo_t reply;
        if (badge == s->fault_badge) {
            s->faults++;
            reply = bh_msginfo((bh_word_t)stuck(s, ip, detail), 0, 0, 0); /* label 0 resumes the task */
        } else {
            s->messages++;
            reply = bh_msginfo(bh_msginfo_label(info), 0, 0, bh_msginfo_length(info));
        }
        info = bh_reply_recv(s->endpoint, reply, &badge);
    }
}
