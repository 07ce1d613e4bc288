/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The host tests' and the fuzzer's vmm/grant_entry.c: a "granter" that rewrites the entry
 * between the VMM's check and its update. While racing_updates is not 0, each
 * compare-and-exchange first stores racing_rewrite(word) into the entry and counts one down.
 */
#ifndef TESTS_HOST_GRANT_RACING_ENTRY_H
#define TESTS_HOST_GRANT_RACING_ENTRY_H

#include <stdint.h>

extern uint32_t (*racing_rewrite)(uint32_t word);
extern unsigned racing_updates;
extern unsigned racing_attempts; /* compare-and-exchanges made, raced or not */

#endif
