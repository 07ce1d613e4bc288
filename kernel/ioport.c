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

static void invoke_io_port_control_issue(struct cte *control, struct cte *dest, word_t first, word_t last)
{
    struct cap c = {0};
    c.type = OBJ_IO_PORT;
    c.rights = RIGHTS_ALL;
    c.ptr = first | (last << 16);
    range_mark(first, last, true);
    cte_insert_child(control, dest, c);
}

exception_t decode_io_port_control_issue(struct cte *slot, const struct args_io_port_control_issue *a)
{
    struct cte *dest;
    if (!plat_io_ports_exist()) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "this platform has no I/O ports");
    if (a->first > a->last) return fail(ERR_RANGE, 0, 0xffff, "bad port range");
    if (!range_free(a->first, a->last)) return fail(ERR_REVOKE_FIRST, 0, 0, "a port in the range is issued or reserved");
    exception_t e = lookup_dest_slot(&a->dest_root->cap, a->dest_index, a->dest_depth, &dest);
    if (e != ERR_OK) return e;
    invoke_io_port_control_issue(slot, dest, a->first, a->last);
    return ERR_OK;
}

/* The port and width inside the capability's range. No addition: a port near the top of the
 * word must not wrap into the range. */
static exception_t check_port(const struct cap *c, word_t port, unsigned bytes)
{
    word_t first = io_port_first(c), last = io_port_last(c);
    if (port < first || port > last || last - port < bytes - 1)
        return fail(ERR_RANGE, first, last, "port outside the capability's range");
    return ERR_OK;
}

static word_t invoke_io_port_in(word_t port, unsigned bytes)
{
    return plat_io_in(port, bytes);
}

static void invoke_io_port_out(word_t port, unsigned bytes, word_t value)
{
    plat_io_out(port, bytes, value);
}

static exception_t decode_in(const struct cap *c, word_t port, unsigned bytes, word_t *out, word_t *out_length)
{
    exception_t e = check_port(c, port, bytes);
    if (e != ERR_OK) return e;
    out[0] = invoke_io_port_in(port, bytes);
    *out_length = 1;
    return ERR_OK;
}

static exception_t decode_out(const struct cap *c, word_t port, unsigned bytes, word_t value)
{
    exception_t e = check_port(c, port, bytes);
    if (e != ERR_OK) return e;
    invoke_io_port_out(port, bytes, value);
    return ERR_OK;
}

exception_t decode_io_port_in8(struct cte *slot, const struct args_io_port_in8 *a, word_t *out, word_t *out_length)
{
    return decode_in(&slot->cap, a->port, 1, out, out_length);
}

exception_t decode_io_port_in16(struct cte *slot, const struct args_io_port_in16 *a, word_t *out, word_t *out_length)
{
    return decode_in(&slot->cap, a->port, 2, out, out_length);
}

exception_t decode_io_port_in32(struct cte *slot, const struct args_io_port_in32 *a, word_t *out, word_t *out_length)
{
    return decode_in(&slot->cap, a->port, 4, out, out_length);
}

exception_t decode_io_port_out8(struct cte *slot, const struct args_io_port_out8 *a)
{
    return decode_out(&slot->cap, a->port, 1, a->value);
}

exception_t decode_io_port_out16(struct cte *slot, const struct args_io_port_out16 *a)
{
    return decode_out(&slot->cap, a->port, 2, a->value);
}

exception_t decode_io_port_out32(struct cte *slot, const struct args_io_port_out32 *a)
{
    return decode_out(&slot->cap, a->port, 4, a->value);
}
