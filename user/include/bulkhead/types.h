/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#ifndef BULKHEAD_TYPES_H
#define BULKHEAD_TYPES_H

#include <stdint.h>

/* A machine word: message registers, badges, capability pointers. */
typedef uint64_t bh_word_t;
/* A capability pointer: an address in the caller's CSpace. */
typedef bh_word_t bh_cptr_t;

/*
 * Message info, the first word of every message (ABI v1):
 *   bits  0..6   length: message registers used (0..BH_MSG_MAX_LENGTH)
 *   bits  7..8   extra_caps: capabilities transferred (0..BH_MSG_MAX_EXTRA_CAPS)
 *   bits  9..11  caps_unwrapped: bit i set when extra cap i arrived as its badge only
 *   bits 12..63  label: invocation label, error code in replies, or the user's own
 */
typedef bh_word_t bh_msginfo_t;

#define BH_MSG_MAX_LENGTH     120u
#define BH_MSG_MAX_EXTRA_CAPS 3u
/* Message registers passed in machine registers; the rest live in the IPC buffer. */
#define BH_MSG_REGISTERS      4u

static inline bh_msginfo_t bh_msginfo(bh_word_t label, unsigned caps_unwrapped,
                                      unsigned extra_caps, unsigned length)
{
    return (label << 12) | ((bh_word_t)(caps_unwrapped & 7u) << 9) |
           ((bh_word_t)(extra_caps & 3u) << 7) | (bh_word_t)(length & 0x7fu);
}
static inline bh_word_t bh_msginfo_label(bh_msginfo_t i) { return i >> 12; }
static inline unsigned bh_msginfo_caps_unwrapped(bh_msginfo_t i) { return (unsigned)(i >> 9) & 7u; }
static inline unsigned bh_msginfo_extra_caps(bh_msginfo_t i) { return (unsigned)(i >> 7) & 3u; }
static inline unsigned bh_msginfo_length(bh_msginfo_t i) { return (unsigned)i & 0x7fu; }

/*
 * The IPC buffer: one per thread, 1 KiB, 1 KiB-aligned inside a frame the thread can write.
 * mr[0..3] are shadows of the register message registers: the stubs copy them.
 */
typedef struct bh_ipc_buffer {
    bh_word_t tag;
    bh_word_t mr[BH_MSG_MAX_LENGTH];
    bh_word_t user_data;
    /* Sending: CPtrs of the caps to transfer. Receiving: badges of unwrapped caps. */
    bh_word_t caps_or_badges[BH_MSG_MAX_EXTRA_CAPS];
    /* Where a received capability goes: a slot in the receiver's CSpace. */
    bh_cptr_t receive_cnode;
    bh_cptr_t receive_index;
    bh_word_t receive_depth;
} bh_ipc_buffer_t;

_Static_assert(sizeof(bh_ipc_buffer_t) == 1024, "IPC buffer is 1 KiB");

#endif
