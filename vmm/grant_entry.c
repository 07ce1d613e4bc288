/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The updates of a grant entry in guest memory, atomic against the guest (grant_check.h). A
 * file of their own: the host tests link a version that lets a "granter" rewrite the entry
 * just before the update (tests/host/grant/racing_entry.c).
 */
#include "grant_check.h"

uint32_t grant_entry_compare_exchange(uint32_t *word, uint32_t expected, uint32_t desired)
{
    __atomic_compare_exchange_n(word, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected; /* on failure, the word found */
}

void grant_entry_clear_flags(uint32_t *word, uint16_t flags)
{
    __atomic_fetch_and(word, ~(uint32_t)flags, __ATOMIC_ACQ_REL);
}
