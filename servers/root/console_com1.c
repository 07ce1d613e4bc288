/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The root server's own output on x86: COM1, which it drives itself through I/O port
 * capabilities it issues at start, on the debug kernel as on the release kernel (which has
 * no debug calls). The ranges are the console server's (transmit/interrupt enable and line
 * status): an I/O port belongs to one issued range, so when the spec gives the same range to
 * an instance, the root hands over a copy of its own capability instead of issuing it again
 * (objects.c). It keeps its own copy for the few lines it prints after the start (faults,
 * guests' ends); those go to the UART beside the console server's (docs/console.md). A spec
 * that wants another range over these ports takes them: the root gives up COM1 first.
 */
#include <bulkhead/layout.h>
#include <bulkhead/invocations.h>
#include <bulkhead/uart.h>
#include "root.h"

static struct bh_uart com1;

static void com1_sink(const char *text, size_t len)
{
    (void)bh_uart_write(&com1, text, len);
}

static bh_cptr_t issue(struct root *r, bh_word_t first, bh_word_t last)
{
    bh_cptr_t slot = bh_alloc_slot(&r->alloc);
    if (slot && bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, first, last, BH_ROOT_CNODE, slot, 64) == BH_ERR_OK)
        return slot;
    return 0;
}

/* Without COM1: the debug console where the kernel has one, else nothing. */
static void fall_back(const struct root *r)
{
    bh_console_set_sink((r->bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? NULL : bh_console_discard);
}

void root_console_init(struct root *r)
{
    com1 = (struct bh_uart){issue(r, BH_COM1_DATA_FIRST, BH_COM1_DATA_LAST), issue(r, BH_COM1_STATUS, BH_COM1_STATUS),
                            BH_COM1_DATA_FIRST, BH_COM1_STATUS};
    if (com1.data && com1.status) {
        bh_console_set_sink(com1_sink);
        return;
    }
    if (com1.data) root_delete(com1.data);
    if (com1.status) root_delete(com1.status);
    com1.data = com1.status = 0;
    fall_back(r);
}

const char *root_console_name(const struct root *r)
{
    if (com1.data) return "COM1";
    return (r->bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? "the kernel's debug console" : "nowhere";
}

bh_cptr_t root_console_port(struct root *r, uint64_t range)
{
    bh_word_t first = range & 0xffffu, last = (range >> 16) & 0xffffu;
    if (!com1.data) return 0;
    if (first == BH_COM1_DATA_FIRST && last == BH_COM1_DATA_LAST) return com1.data;
    if (first == BH_COM1_STATUS && last == BH_COM1_STATUS) return com1.status;
    if (last < BH_COM1_DATA_FIRST || first > BH_COM1_STATUS) return 0;
    bh_printf("[root] the spec takes I/O ports 0x%lx..0x%lx: the root no longer prints on COM1\n", (unsigned long)first,
              (unsigned long)last);
    root_delete(com1.data);
    root_delete(com1.status);
    com1.data = com1.status = 0;
    fall_back(r);
    return 0;
}
