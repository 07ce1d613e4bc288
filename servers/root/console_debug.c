/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The root server's own output where it drives no UART (POWER9): the kernel's debug console
 * on a debug kernel; on a kernel without debug calls, nothing.
 */
#include <bulkhead/layout.h>
#include "root.h"

void root_console_init(struct root *r)
{
    bh_console_set_sink((r->bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? NULL : bh_console_discard);
}

const char *root_console_name(const struct root *r)
{
    return (r->bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? "the kernel's debug console" : "nowhere";
}

bh_cptr_t root_console_port(struct root *r, uint64_t range)
{
    (void)r;
    (void)range;
    return 0;
}
