/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 5b: check the Xen PV devices between guests ('connect vif F.p -> B.q ...;' and
 * 'connect vbd ...'). A device is a grant channel from the frontend guest F to the backend
 * guest B (the channel carries their grant maps and interdomain events, so the flow graph
 * counts it both ways) plus the xenstore trees a toolstack writes for it, which the xenstore
 * server both guests reach writes at start from its glue's PV_DEVICE_TABLE (docs/idl.md).
 * Input: the resolved, typed AST. Output: each device's id (a vif's handle: 0, 1, ... per
 * frontend in connection order; a vbd's Xen number of xvdX, 202 << 8 | X << 4), its MAC
 * address when none was given (00:16:3e, Xen's prefix, then the frontend's domain id and the
 * handle), and the xenstore server of both ends.
 * Checks: pv_device_guest (both ends are guests), pv_device_port (both ports are grant
 * channels), pv_device_platform (both guests are x86_pvh: Linux's PVH drivers),
 * pv_device_xenstore (both guests have a xenstore channel to the same server, a component),
 * pv_device_option (a vbd names its device and target; values well formed), pv_device_id
 * (two vbds with one name in a frontend, two vifs with one MAC address).
 */
#include "bhidl.h"

#include <string.h>
#include <strings.h>

/* Domain ids are 1, 2, ... for the guests in instance order (alloc.c gives the same). */
static unsigned domid_of(const struct ctx *c, const struct instance *in)
{
    unsigned id = 0;
    for (size_t i = 0; i <= in->index && i < c->prog.insts.n; i++)
        if (c->prog.insts.v[i]->comp && c->prog.insts.v[i]->comp->is_guest) id++;
    return id;
}

/* The instance at the other end of a guest's xenstore channel, NULL when it has none connected. */
static struct instance *store_of(const struct ctx *c, const struct instance *g)
{
    for (size_t i = 0; i < c->prog.conns.n; i++) {
        const struct connection *cn = c->prog.conns.v[i];
        if (cn->kind != CONN_CHANNEL || !cn->from.port || !cn->to.port) continue;
        if (cn->from.inst == g && cn->from.port->kind == PORT_CHANNEL && cn->from.port->chan == CHAN_XENSTORE)
            return cn->to.inst;
        if (cn->to.inst == g && cn->to.port->kind == PORT_CHANNEL && cn->to.port->chan == CHAN_XENSTORE)
            return cn->from.inst;
    }
    return NULL;
}

/* Values end up in C string literals and xenstore nodes: printable ASCII without '"' or '\'. */
static bool plain(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\') return false;
    return true;
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static unsigned hex_value(char ch)
{
    return ch <= '9' ? (unsigned)(ch - '0') : (unsigned)((ch | 0x20) - 'a' + 10);
}

/* "xx:xx:xx:xx:xx:xx", a unicast address (the first octet's low bit clear). */
static bool mac_ok(const char *m)
{
    if (strlen(m) != 17) return false;
    for (int i = 0; i < 17; i++)
        if (i % 3 == 2 ? m[i] != ':' : !is_hex(m[i])) return false;
    return (hex_value(m[1]) & 1u) == 0;
}

/* "MAJ:MIN" in hexadecimal, as Xen's block script writes physical-device. */
static bool physical_ok(const char *p)
{
    const char *colon = strchr(p, ':');
    if (!colon || colon == p || !colon[1] || colon - p > 3 || strlen(colon + 1) > 5) return false;
    for (const char *q = p; *q; q++)
        if (q != colon && !is_hex(*q)) return false;
    return true;
}

static void option_error(struct ctx *c, struct loc loc, const char *what)
{
    diag_error(&c->diags, loc, "pv_device_option", "%s", what);
}

/* The end's guest and port; false (reported) when they cannot carry a PV device. */
static bool end_ok(struct ctx *c, const struct connection *cn, const struct endref *e, const char *role)
{
    const char *k = pv_kind_name(cn->pv->kind);
    if (!e->inst->comp->is_guest) {
        diag_error(&c->diags, e->loc, "pv_device_guest", "the %s of a %s must be a guest, but '%s' is a component", role,
                   k, e->inst_name);
        return false;
    }
    if (e->port->kind == PORT_CHANNEL && e->port->chan != CHAN_GRANT)
        diag_error(&c->diags, e->loc, "pv_device_port",
                   "a %s is a grant channel, but '%s.%s' is a channel of kind %s (declare 'channel %s grant;')", k, e->inst_name,
                   e->port_name, chan_kind_name(e->port->chan), e->port_name);
    if (e->inst->comp->has_arch && e->inst->comp->arch != ARCH_X86_PVH) {
        diag_error(&c->diags, e->loc, "pv_device_platform",
                   "the %s '%s' of a %s is a power9 guest: Xen's PV devices are for x86_pvh guests", role, e->inst_name, k);
        return false;
    }
    return true;
}

static void check_store(struct ctx *c, struct connection *cn)
{
    struct instance *fs = store_of(c, cn->from.inst), *bs = store_of(c, cn->to.inst);
    const char *k = pv_kind_name(cn->pv->kind);
    if (!fs || !bs) {
        const struct endref *e = fs ? &cn->to : &cn->from;
        diag_error(&c->diags, e->loc, "pv_device_xenstore",
                   "guest '%s' has no connected xenstore channel: the %s's frontend and backend find each other in "
                   "xenstore", e->inst_name, k);
        return;
    }
    if (fs->comp->is_guest || bs->comp->is_guest) {
        const struct endref *e = fs->comp->is_guest ? &cn->from : &cn->to;
        diag_error(&c->diags, e->loc, "pv_device_xenstore",
                   "guest '%s' has its xenstore channel to guest '%s', not to a xenstore server component", e->inst_name,
                   (fs->comp->is_guest ? fs : bs)->name);
        return;
    }
    if (fs != bs) {
        diag_error(&c->diags, cn->loc, "pv_device_xenstore",
                   "the %s's frontend '%s' uses xenstore '%s' but its backend '%s' uses '%s': both must use one", k,
                   cn->from.inst_name, fs->name, cn->to.inst_name, bs->name);
        return;
    }
    cn->pv->store = fs;
}

static void check_options(struct ctx *c, struct connection *cn, unsigned *next_handle)
{
    struct pvdev *pv = cn->pv;
    if (pv->kind == PV_VIF) {
        pv->devid = next_handle[cn->from.inst->index]++;
        if (pv->mac && !mac_ok(pv->mac))
            option_error(c, pv->mac_loc, arena_printf(&c->arena, "mac \"%s\" is not a unicast address written "
                                                                 "xx:xx:xx:xx:xx:xx", pv->mac));
        if (!pv->mac) {
            unsigned d = domid_of(c, cn->from.inst);
            pv->mac = arena_printf(&c->arena, "00:16:3e:%02x:%02x:%02x", (d >> 8) & 0xffu, d & 0xffu, pv->devid & 0xffu);
        }
        if (pv->bridge && (!pv->bridge[0] || strlen(pv->bridge) > 15 || !plain(pv->bridge) || strchr(pv->bridge, ' ')))
            option_error(c, cn->loc, arena_printf(&c->arena, "bridge \"%s\" is not a Linux interface name (1..15 "
                                                             "characters, no space)", pv->bridge));
        return;
    }
    if (!pv->dev || !pv->target) {
        option_error(c, cn->loc, arena_printf(&c->arena, "a vbd needs %s", !pv->dev ? "its device name (device \"xvda\")"
                                                                        : "its target in the backend (target \"/dev/loop0\")"));
    }
    if (pv->dev) {
        if (strlen(pv->dev) != 4 || strncmp(pv->dev, "xvd", 3) || pv->dev[3] < 'a' || pv->dev[3] > 'p')
            option_error(c, pv->dev_loc, arena_printf(&c->arena, "device \"%s\" is not xvda..xvdp (the names Xen numbers "
                                                                 "202 << 8 | n << 4)", pv->dev));
        else
            pv->devid = 202u << 8 | (unsigned)(pv->dev[3] - 'a') << 4;
    }
    if (pv->target && (!pv->target[0] || !plain(pv->target)))
        option_error(c, cn->loc, "target must be a non-empty path of printable characters without '\"' or '\\'");
    if (pv->physical && !physical_ok(pv->physical))
        option_error(c, pv->physical_loc, arena_printf(&c->arena, "physical \"%s\" is not MAJ:MIN in hexadecimal "
                                                                  "(as Xen's block script writes it, e.g. \"7:0\")",
                                                       pv->physical));
}

static void check_ids(struct ctx *c)
{
    const struct program *pr = &c->prog;
    for (size_t i = 0; i < pr->conns.n; i++) {
        const struct connection *a = pr->conns.v[i];
        if (!a->pv) continue;
        for (size_t j = 0; j < i; j++) {
            const struct connection *b = pr->conns.v[j];
            if (!b->pv || b->pv->kind != a->pv->kind) continue;
            if (a->pv->kind == PV_VBD && a->pv->dev && b->pv->dev && a->from.inst == b->from.inst &&
                !strcmp(a->pv->dev, b->pv->dev))
                diag_error(&c->diags, a->pv->dev_loc, "pv_device_id",
                           "guest '%s' already has a vbd '%s' (line %d): one device id per frontend", a->from.inst_name,
                           a->pv->dev, b->loc.line);
            if (a->pv->kind == PV_VIF && a->pv->mac && b->pv->mac && !strcasecmp(a->pv->mac, b->pv->mac))
                diag_error(&c->diags, a->pv->mac_loc.file ? a->pv->mac_loc : a->loc, "pv_device_id",
                           "the vif's MAC address %s is also the vif's of line %d", a->pv->mac, b->loc.line);
        }
    }
}

void check_pv_devices(struct ctx *c)
{
    struct program *pr = &c->prog;
    unsigned *next_handle = arena_alloc(&c->arena, (pr->insts.n + 1) * sizeof *next_handle);
    for (size_t i = 0; i < pr->conns.n; i++) {
        struct connection *cn = pr->conns.v[i];
        if (!cn->pv || !cn->from.port || !cn->to.port || cn->from.inst == cn->to.inst) continue;
        bool ok = end_ok(c, cn, &cn->from, "frontend");
        ok = end_ok(c, cn, &cn->to, "backend") && ok;
        if (!ok) continue;
        check_store(c, cn);
        check_options(c, cn, next_handle);
    }
    check_ids(c);
}
