/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The page of a console channel (IDL `channel <port> console`) between the console server
 * and a guest's VMM: two byte rings (bulkhead/byte_ring.h). Input, from the server to the VMM:
 * what is typed on COM1. Output, from the VMM to the server: lines of text, each
 * "<source>] <text>\n", to which the server adds "[<peer> " itself, <peer> being the VMM's
 * instance name from the server's glue, so no VMM can print under another client's name.
 * The VMM signals the server's notification after it wrote output (docs/console.md).
 */
#ifndef BULKHEAD_CONSOLE_RING_H
#define BULKHEAD_CONSOLE_RING_H

#include <stdint.h>
#include <bulkhead/byte_ring.h>

#define BH_CONSOLE_RING_INPUT 0u      /* offset in the page: server -> VMM */
#define BH_CONSOLE_RING_OUTPUT 2048u  /* VMM -> server */
#define BH_CONSOLE_LINE_MAX 192u      /* bytes of a line before its newline; longer ones are cut */

static inline struct bh_byte_ring *bh_console_input_ring(uintptr_t page)
{
    return (struct bh_byte_ring *)(page + BH_CONSOLE_RING_INPUT);
}

static inline struct bh_byte_ring *bh_console_output_ring(uintptr_t page)
{
    return (struct bh_byte_ring *)(page + BH_CONSOLE_RING_OUTPUT);
}

#endif
