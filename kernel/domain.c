/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* DomainControl: the time-partition schedule and which partition a thread runs in. */
#include "kernel.h"

static void invoke_domain_control_set_schedule(const word_t *entries, word_t count)
{
    sched_set_schedule(entries, count);
}

exception_t decode_domain_control_set_schedule(struct cte *slot, const struct args_domain_control_set_schedule *a)
{
    (void)slot;
    if (a->entries_count == 0) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "the schedule needs at least one entry");
    for (word_t i = 0; i < a->entries_count; i++) {
        if ((a->entries[i] >> 32) >= PARTITIONS) return fail(ERR_INVALID_ARGUMENT, i, 0, "partition out of range");
        if ((a->entries[i] & MASK(32)) == 0) return fail(ERR_INVALID_ARGUMENT, i, 0, "an entry has 0 ticks");
    }
    invoke_domain_control_set_schedule(a->entries, a->entries_count);
    return ERR_OK;
}

static void invoke_domain_control_set_partition(struct tcb *t, word_t partition)
{
    sched_set_partition(t, partition);
}

exception_t decode_domain_control_set_partition(struct cte *slot, const struct args_domain_control_set_partition *a)
{
    (void)slot;
    invoke_domain_control_set_partition(cap_tcb(&a->tcb->cap), a->partition); /* the generated checks are all */
    return ERR_OK;
}
