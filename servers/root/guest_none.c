/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The root server's guest part on a platform without a VMM yet (POWER9): a spec with guests
 * is refused in step 1, so the other functions are never reached; they fail if they are.
 */
#include "root.h"

int root_check_guests(struct root *r)
{
    r->nguests = bh_spec_count(&r->spec, BH_SPEC_SEC_GUESTS);
    if (r->nguests == 0) return 0;
    bh_printf("[root] error: system.spec refused: it has %u guest(s), and this platform has no VMM yet\n", r->nguests);
    return -1;
}

int root_build_guests(struct root *r)
{
    return r->nguests ? -1 : 0;
}

bh_cptr_t root_alloc_vm_object(struct root *r, uint8_t spec_type)
{
    (void)r;
    (void)spec_type;
    return 0;
}

int root_guest_map_table(bh_cptr_t guest_space, bh_cptr_t table, uint64_t gpa)
{
    (void)guest_space, (void)table, (void)gpa;
    return BH_ERR_ILLEGAL_OPERATION;
}

int root_guest_map_frame(bh_cptr_t guest_space, bh_cptr_t frame, uint64_t gpa, bh_word_t rights)
{
    (void)guest_space, (void)frame, (void)gpa, (void)rights;
    return BH_ERR_ILLEGAL_OPERATION;
}
