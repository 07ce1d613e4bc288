/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* DomainControl: the time-partition schedule and which partition a thread runs in. */
#include "kernel.h"

exception_t decode_domain(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    (void)slot;
    if (label == INV_DOMAIN_CONTROL_SET_SCHEDULE) {
        struct args_domain_control_set_schedule a;
        if (!unpack_domain_control_set_schedule(mr, len, 0, &a)) return fail(ERR_RANGE, 1, SCHEDULE_ENTRIES, "too many entries");
        return sched_set_schedule(a.entries, a.entries_count);
    }
    if (label == INV_DOMAIN_CONTROL_SET_PARTITION) {
        struct args_domain_control_set_partition a;
        if (!unpack_domain_control_set_partition(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs a partition and a TCB");
        if (caps[0]->cap.type != OBJ_TCB) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "not a TCB");
        if (a.partition >= PARTITIONS) return fail(ERR_RANGE, 0, PARTITIONS - 1, "partition out of range");
        sched_set_partition(cap_tcb(&caps[0]->cap), a.partition);
        return ERR_OK;
    }
    return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not a DomainControl operation");
}
