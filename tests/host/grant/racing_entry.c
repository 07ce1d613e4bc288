/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A grant entry's updates with a granter racing them (racing_entry.h), for host tests: the
 * VMM's own vmm/grant_entry.c, renamed, behind wrappers that let the granter write first.
 */
#define grant_entry_compare_exchange vmm_grant_entry_compare_exchange
#define grant_entry_clear_flags vmm_grant_entry_clear_flags
#include "../../../vmm/grant_entry.c"
#undef grant_entry_compare_exchange
#undef grant_entry_clear_flags
#include "racing_entry.h"

uint32_t grant_entry_compare_exchange(uint32_t *word, uint32_t expected, uint32_t desired);
void grant_entry_clear_flags(uint32_t *word, uint16_t flags);

uint32_t (*racing_rewrite)(uint32_t word);
unsigned racing_updates;
unsigned racing_attempts;

uint32_t grant_entry_compare_exchange(uint32_t *word, uint32_t expected, uint32_t desired)
{
    __atomic_fetch_add(&racing_attempts, 1u, __ATOMIC_RELAXED);
    if (racing_updates && racing_rewrite) {
        racing_updates--;
        __atomic_store_n(word, racing_rewrite(__atomic_load_n(word, __ATOMIC_ACQUIRE)), __ATOMIC_RELEASE);
    }
    return vmm_grant_entry_compare_exchange(word, expected, desired);
}

void grant_entry_clear_flags(uint32_t *word, uint16_t flags)
{
    vmm_grant_entry_clear_flags(word, flags);
}
