/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * I/O port capabilities (x86). IOPortControl issues ranges; a port belongs to at most one
 * issued range at a time (a bitmap), and the kernel's own ports are never issued.
 */
#include "kernel.h"

#define PORTS 65536u
static word_t port_issued[PORTS / WORD_BITS];

static bool range_free(word_t first, word_t last)
{
    for (word_t p = first; p <= last; p++)
        if ((port_issued[p / WORD_BITS] & BIT(p % WORD_BITS)) || plat_io_port_reserved(p)) return false;
    return true;
}

static void range_mark(word_t first, word_t last, bool issued)
{
    for (word_t p = first; p <= last; p++) {
        if (issued) port_issued[p / WORD_BITS] |= BIT(p % WORD_BITS);
        else port_issued[p / WORD_BITS] &= ~BIT(p % WORD_BITS);
    }
}

void io_port_deleted(word_t range)
{
    range_mark(range & 0xffff, (range >> 16) & 0xffff, false);
}

exception_t decode_io_port_control(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    struct args_io_port_control_issue a;
    struct cte *dest;
    if (label != INV_IO_PORT_CONTROL_ISSUE) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not an IOPortControl operation");
    if (!plat_io_ports_exist()) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "this platform has no I/O ports");
    if (!unpack_io_port_control_issue(mr, len, ncaps, &a)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "issue needs 4 words and 1 cap");
    if (a.first > a.last || a.last > 0xffff) return fail(ERR_RANGE, 0, 0xffff, "bad port range");
    if (!range_free(a.first, a.last)) return fail(ERR_REVOKE_FIRST, 0, 0, "a port in the range is issued or reserved");
    exception_t e = lookup_dest_slot(&caps[0]->cap, a.dest_index, a.dest_depth, &dest);
    if (e != ERR_OK) return e;
    struct cap c = {0};
    c.type = OBJ_IO_PORT;
    c.rights = RIGHTS_ALL;
    c.ptr = a.first | (a.last << 16);
    range_mark(a.first, a.last, true);
    cte_insert_child(slot, dest, c);
    return ERR_OK;
}

exception_t decode_io_port(struct cte *slot, word_t label, word_t *mr, word_t len, word_t *rlen)
{
    word_t first = slot->cap.ptr & 0xffff, last = (slot->cap.ptr >> 16) & 0xffff;
    unsigned bytes;
    bool out;
    switch (label) {
    case INV_IO_PORT_IN8: bytes = 1; out = false; break;
    case INV_IO_PORT_IN16: bytes = 2; out = false; break;
    case INV_IO_PORT_IN32: bytes = 4; out = false; break;
    case INV_IO_PORT_OUT8: bytes = 1; out = true; break;
    case INV_IO_PORT_OUT16: bytes = 2; out = true; break;
    case INV_IO_PORT_OUT32: bytes = 4; out = true; break;
    default: return fail(ERR_ILLEGAL_OPERATION, 0, 0, "not an I/O port operation");
    }
    if (len < (out ? 2u : 1u)) return fail(ERR_TRUNCATED_MESSAGE, 0, 0, "needs a port (and a value)");
    /* No addition: a port near the top of the word must not wrap into the range. */
    if (mr[0] < first || mr[0] > last || last - mr[0] < bytes - 1)
        return fail(ERR_RANGE, first, last, "port outside the capability's range");
    if (out) {
        plat_io_out(mr[0], bytes, mr[1]);
    } else {
        mr[0] = plat_io_in(mr[0], bytes);
        *rlen = 1;
    }
    return ERR_OK;
}
