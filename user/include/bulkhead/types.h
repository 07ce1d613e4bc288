/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#ifndef BULKHEAD_TYPES_H
#define BULKHEAD_TYPES_H

#include <stdint.h>

/* A machine word: message registers, badges, capability pointers. */
typedef uint64_t bh_word_t;
/* A capability pointer: an address in the caller's CSpace. */
typedef bh_word_t bh_cptr_t;

/* Message info (bh_msginfo_t and its accessors), message sizes (BH_MSG_*) and the IPC buffer
 * are generated from abi/bulkhead.abi with the other layouts. */
#include <bulkhead/layout.h>

typedef struct bh_ipc_buffer bh_ipc_buffer_t;

#endif
