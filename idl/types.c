/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 4: check types.
 * Input: the resolved AST. Output: struct sizes and alignments (C layout rules of the
 * x86_64 and ppc64le ABIs, which agree for these types), each procedure's label and its
 * message layout (which message register each parameter uses, how many words and
 * capabilities each direction carries). Postcondition: every struct is finite and
 * acyclic; every parameter has a type that can travel in a message; each message fits in
 * BH_MSG_MAX_LENGTH (120) words and moves at most one capability each way (a receiver has
 * a single receive slot); connections join ports of matching kinds and interfaces.
 * Checks: recursive_struct, bad_field_type, empty_array, type_too_large, enum_value_range,
 * void_parameter, bad_return_type, cap_direction, too_many_caps, message_too_long,
 * connection_direction, interface_mismatch, dataport_size_mismatch, channel_kind_mismatch,
 * self_connection, glue_name_clash.
 */
#include "bhidl.h"

#define MSG_MAX_WORDS 120u
#define TYPE_MAX_BYTES (1ull << 32)

static uint64_t prim_size(enum prim p)
{
    switch (p) {
    case PRIM_U8: case PRIM_I8: case PRIM_BOOL: return 1;
    case PRIM_U16: case PRIM_I16: return 2;
    case PRIM_U32: case PRIM_I32: return 4;
    default: return 8;
    }
}

/* Size and alignment of a type reference, 0 when not yet known (or unresolved). */
static int typeref_layout(const struct typeref *t, uint64_t *size, uint64_t *align)
{
    uint64_t s, a;
    if (t->prim == PRIM_NAMED) {
        if (!t->decl) return 0;
        if (t->decl->kind == TD_ENUM) s = a = 4;
        else if (!t->decl->laid_out) return 0;
        else s = t->decl->size, a = t->decl->align;
    } else {
        s = a = prim_size(t->prim);
    }
    if (t->is_array) {
        if (t->array_len && s > TYPE_MAX_BYTES / t->array_len) s = TYPE_MAX_BYTES + 1;
        else s *= t->array_len;
    }
    *size = s;
    *align = a;
    return 1;
}

static int field_type_ok(struct ctx *c, const struct typeref *t, const char *what)
{
    if (t->prim == PRIM_VOID || t->prim == PRIM_CAP) {
        diag_error(&c->diags, t->loc, "bad_field_type", "a %s cannot have type '%s'", what, t->name);
        return 0;
    }
    if (t->is_array && t->array_len == 0) {
        diag_error(&c->diags, t->loc, "empty_array", "expected an array length of at least 1");
        return 0;
    }
    return 1;
}

/* Lays out structs by repeated sweeps (no recursion): a struct is laid out once all its
 * fields are. Whatever is left after a sweep that made no progress is part of a cycle. */
static void layout_structs(struct ctx *c)
{
    struct program *pr = &c->prog;
    for (size_t i = 0; i < pr->types.n; i++) {
        struct typedecl *td = pr->types.v[i];
        if (td->kind != TD_STRUCT) continue;
        for (size_t k = 0; k < td->fields.n; k++)
            if (!field_type_ok(c, &td->fields.v[k].type, "struct field")) td->laid_out = -1;
    }
    for (int progress = 1; progress;) {
        progress = 0;
        for (size_t i = 0; i < pr->types.n; i++) {
            struct typedecl *td = pr->types.v[i];
            if (td->kind != TD_STRUCT || td->laid_out) continue;
            uint64_t off = 0, maxa = 1;
            size_t k;
            for (k = 0; k < td->fields.n; k++) {
                const struct typeref *t = &td->fields.v[k].type;
                uint64_t s, a;
                if (t->prim == PRIM_NAMED && t->decl && t->decl->laid_out < 0) {
                    td->laid_out = -1; /* depends on a broken struct: already reported */
                    progress = 1;
                    break;
                }
                if (!typeref_layout(t, &s, &a)) break;
                off = (off + a - 1) / a * a + s;
                if (a > maxa) maxa = a;
                if (off > TYPE_MAX_BYTES) {
                    diag_error(&c->diags, td->loc, "type_too_large", "struct '%s' is larger than 4 GiB", td->name);
                    td->laid_out = -1;
                    progress = 1;
                    break;
                }
            }
            if (td->laid_out || k < td->fields.n) continue;
            if (td->fields.n == 0) {
                diag_error(&c->diags, td->loc, "empty_struct", "struct '%s' needs at least one field", td->name);
                td->laid_out = -1;
                continue;
            }
            td->size = (off + maxa - 1) / maxa * maxa;
            td->align = maxa;
            td->laid_out = 1;
            *DA_PUSH(&c->arena, &pr->type_order) = td;
            progress = 1;
        }
    }
    for (size_t i = 0; i < pr->types.n; i++) {
        struct typedecl *td = pr->types.v[i];
        if (td->kind != TD_STRUCT || td->laid_out) continue;
        int unresolved = 0;
        for (size_t k = 0; k < td->fields.n; k++)
            if (td->fields.v[k].type.prim == PRIM_NAMED && !td->fields.v[k].type.decl) unresolved = 1;
        if (!unresolved)
            diag_error(&c->diags, td->loc, "recursive_struct",
                       "struct '%s' contains itself (directly or through other structs)", td->name);
        td->laid_out = -1;
    }
}

static void check_enums(struct ctx *c)
{
    for (size_t i = 0; i < c->prog.types.n; i++) {
        struct typedecl *td = c->prog.types.v[i];
        if (td->kind != TD_ENUM) continue;
        for (size_t k = 0; k < td->values.n; k++)
            if (td->values.v[k].value < INT32_MIN || td->values.v[k].value > INT32_MAX)
                diag_error(&c->diags, td->values.v[k].loc, "enum_value_range",
                           "enumerator '%s' must fit in i32 (it becomes a C enum constant)", td->values.v[k].name);
        if (td->values.n == 0)
            diag_error(&c->diags, td->loc, "empty_enum", "enum '%s' needs at least one enumerator", td->name);
    }
}

/* Words a value of this type takes in a message; 0 when its type is broken. */
static unsigned value_words(const struct typeref *t)
{
    uint64_t s, a;
    if (!t->is_array && t->prim != PRIM_NAMED) return 1;
    if (!t->is_array && t->decl && t->decl->kind == TD_ENUM) return 1;
    if (!typeref_layout(t, &s, &a) || (t->decl && t->decl->laid_out < 0)) return 0;
    uint64_t w = words_for_bytes(s);
    return w > 100000 ? 100000 : (unsigned)w;
}

static void check_proc(struct ctx *c, struct proc *p, unsigned label)
{
    p->label = label;
    unsigned req = 0, rep = 0;
    if (p->ret.is_array || p->ret.prim == PRIM_CAP) {
        diag_error(&c->diags, p->ret.loc, "bad_return_type",
                   "a procedure returns void, an integer, bool, enum or struct; return capabilities "
                   "through an 'out cap' parameter");
    } else if (p->ret.prim != PRIM_VOID) {
        p->ret_mr = rep;
        p->ret_words = value_words(&p->ret);
        rep += p->ret_words;
    }
    for (size_t i = 0; i < p->params.n; i++) {
        struct param *pa = &p->params.v[i];
        if (pa->type.prim == PRIM_VOID) {
            diag_error(&c->diags, pa->loc, "void_parameter", "parameter '%s' cannot have type void", pa->name);
            continue;
        }
        if (pa->type.prim == PRIM_CAP) {
            if (pa->type.is_array || pa->dir == DIR_INOUT) {
                diag_error(&c->diags, pa->loc, "cap_direction",
                           "capability parameter '%s' must be a single 'in cap' or 'out cap'", pa->name);
                continue;
            }
            unsigned *n = pa->dir == DIR_IN ? &p->req_caps : &p->rep_caps;
            pa->cap_index = (*n)++;
            if (*n == 2)
                diag_error(&c->diags, pa->loc, "too_many_caps",
                           "procedure '%s' moves a second capability %s; a message carries at most one "
                           "capability each way (the receiver has one receive slot)",
                           p->name, pa->dir == DIR_IN ? "in" : "out");
            continue;
        }
        if (pa->type.is_array && pa->type.array_len == 0) {
            diag_error(&c->diags, pa->type.loc, "empty_array", "expected an array length of at least 1");
            continue;
        }
        pa->words = value_words(&pa->type);
        if (pa->dir != DIR_OUT) {
            pa->req_mr = req;
            req += pa->words;
        }
        if (pa->dir != DIR_IN) {
            pa->rep_mr = rep;
            rep += pa->words;
        }
        if (req > 1000000 || rep > 1000000) break;
    }
    p->req_words = req;
    p->rep_words = rep;
    if (req > MSG_MAX_WORDS || rep > MSG_MAX_WORDS) {
        unsigned n = req > MSG_MAX_WORDS ? req : rep;
        /* value_words() stops counting at 100000 words per value */
        const char *count = n >= 100000 ? "more than 100000" : arena_printf(&c->arena, "%u", n);
        diag_error(&c->diags, p->loc, "message_too_long",
                   "procedure '%s' needs %s words %s; a message holds at most %u (pass large data through "
                   "a dataport)",
                   p->name, count, req > MSG_MAX_WORDS ? "in its request" : "in its reply", MSG_MAX_WORDS);
    }
}

static int port_is(struct ctx *c, const struct endref *e, enum port_kind want, const char *conn, const char *side)
{
    if (e->port->kind == want) return 1;
    diag_error(&c->diags, e->loc, "connection_direction",
               "a%s %s connection needs a '%s' port on the %s, but '%s.%s' is a '%s' port",
               conn[0] == 'r' || conn[0] == 'e' ? "n" : "", conn, port_kind_name(want), side, e->inst_name,
               e->port_name, port_kind_name(e->port->kind));
    return 0;
}

static void check_connection(struct ctx *c, struct connection *cn)
{
    const struct endref *f = &cn->from, *t = &cn->to;
    if (!f->port || !t->port) return;
    if (f->inst == t->inst) {
        diag_error(&c->diags, cn->loc, "self_connection", "instance '%s' is connected to itself", f->inst_name);
        return;
    }
    const char *k = conn_kind_name(cn->kind);
    switch (cn->kind) {
    case CONN_RPC:
        if (port_is(c, f, PORT_USES, k, "left") && port_is(c, t, PORT_PROVIDES, k, "right") && f->port->iface &&
            t->port->iface && f->port->iface != t->port->iface)
            diag_error(&c->diags, cn->loc, "interface_mismatch",
                       "'%s.%s' uses interface '%s' but '%s.%s' provides interface '%s'", f->inst_name,
                       f->port_name, f->port->iface->name, t->inst_name, t->port_name, t->port->iface->name);
        break;
    case CONN_EVENT:
        (void)(port_is(c, f, PORT_EMITS, k, "left") && port_is(c, t, PORT_CONSUMES, k, "right"));
        break;
    case CONN_DATAPORT:
        if (port_is(c, f, PORT_DATAPORT, k, "left") && port_is(c, t, PORT_DATAPORT, k, "right") &&
            f->port->size != t->port->size)
            diag_error(&c->diags, cn->loc, "dataport_size_mismatch",
                       "dataport '%s.%s' has %llu bytes but '%s.%s' has %llu", f->inst_name, f->port_name,
                       (unsigned long long)f->port->size, t->inst_name, t->port_name,
                       (unsigned long long)t->port->size);
        break;
    case CONN_CHANNEL:
        if (port_is(c, f, PORT_CHANNEL, k, "left") && port_is(c, t, PORT_CHANNEL, k, "right") &&
            f->port->chan != t->port->chan)
            diag_error(&c->diags, cn->loc, "channel_kind_mismatch",
                       "channel '%s.%s' is a %s channel but '%s.%s' is a %s channel", f->inst_name, f->port_name,
                       chan_kind_name(f->port->chan), t->inst_name, t->port_name, chan_kind_name(t->port->chan));
        break;
    }
}

static void glue_name(struct ctx *c, struct symtab *seen, const struct component *co, const struct port *po,
                      const char *suffix)
{
    const char *n = arena_printf(&c->arena, "%s_%s", po->name, suffix);
    const struct port *other = symtab_put(&c->arena, (struct symtab *)seen, n, (void *)po);
    if (other)
        diag_error(&c->diags, po->loc, "glue_name_clash",
                   "port '%s' of '%s' would generate the C function '%s', which port '%s' (line %d) also generates",
                   po->name, co->name, n, other->name, other->loc.line);
}

/* The glue's function names are <port>_<procedure>, <port>_run, <port>__dispatch, <port>_emit,
 * <port>_wait, <port>_poll, <port>_ptr, <port>_size: no two may be equal in one component. */
static void check_glue_names(struct ctx *c, const struct component *co)
{
    struct symtab seen = {0};
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        switch (po->kind) {
        case PORT_PROVIDES:
            glue_name(c, &seen, co, po, "run");
            glue_name(c, &seen, co, po, "_dispatch");
            /* fall through */
        case PORT_USES:
            if (po->iface)
                for (size_t j = 0; j < po->iface->procs.n; j++) glue_name(c, &seen, co, po, po->iface->procs.v[j].name);
            break;
        case PORT_EMITS: glue_name(c, &seen, co, po, "emit"); break;
        case PORT_CONSUMES:
            glue_name(c, &seen, co, po, "wait");
            glue_name(c, &seen, co, po, "poll");
            break;
        case PORT_DATAPORT:
            glue_name(c, &seen, co, po, "ptr");
            glue_name(c, &seen, co, po, "size");
            break;
        case PORT_CHANNEL: break;
        }
    }
}

void check_types(struct ctx *c)
{
    for (size_t i = 0; i < c->prog.comps.n; i++) check_glue_names(c, c->prog.comps.v[i]);
    for (size_t i = 0; i < c->prog.types.n; i++)
        if (c->prog.types.v[i]->kind == TD_ENUM) *DA_PUSH(&c->arena, &c->prog.type_order) = c->prog.types.v[i];
    layout_structs(c);
    check_enums(c);
    for (size_t i = 0; i < c->prog.ifaces.n; i++) {
        struct interface *in = c->prog.ifaces.v[i];
        for (size_t k = 0; k < in->procs.n; k++) {
            check_proc(c, &in->procs.v[k], (unsigned)k);
            if (in->procs.v[k].req_caps || in->procs.v[k].rep_caps) in->has_caps = 1;
        }
    }
    for (size_t i = 0; i < c->prog.conns.n; i++) check_connection(c, c->prog.conns.v[i]);
}
