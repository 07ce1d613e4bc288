/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 3: resolve names.
 * Input: the AST from parse. Output: the same AST with every reference bound: type names to
 * struct/enum declarations, port interfaces to interfaces, instances to components or
 * guests, connection ends to (instance, port), partition members and policy ends to
 * instances. Postcondition: each name space (types, interfaces, components and guests,
 * instances, partitions; and inside each declaration its members) holds each name once;
 * every reference that could not be bound has been reported and left NULL, and later
 * passes skip NULL references instead of reporting them again.
 * Checks: duplicate_name, unknown_type, unknown_interface, unknown_component,
 * unknown_instance, unknown_port, reserved_name.
 */
#include "bhidl.h"

#include <string.h>

static void declare(struct ctx *c, struct symtab *t, const char *kind, const char *name, struct loc loc,
                    void *decl, const struct loc *(*loc_of)(void *))
{
    void *old = symtab_put(&c->arena, t, name, decl);
    if (old) {
        const struct loc *ol = loc_of(old);
        diag_error(&c->diags, loc, "duplicate_name", "%s '%s' is already declared at line %d", kind, name,
                   ol->line);
    }
}

/* Every declaration struct starts with its struct loc. */
static const struct loc *first_loc(void *decl) { return (const struct loc *)decl; }

/* Member name spaces are small and local: a throwaway table per declaration. */
#define CHECK_MEMBERS(c, arr, kind)                                                         \
    do {                                                                                    \
        struct symtab seen_ = {0};                                                          \
        for (size_t k_ = 0; k_ < (arr).n; k_++)                                             \
            declare((c), &seen_, (kind), (arr).v[k_].name, (arr).v[k_].loc, &(arr).v[k_],   \
                    first_loc);                                                             \
    } while (0)

/* Every declared name becomes a C identifier in the glue: it must not be a C keyword or a
 * name the glue itself uses. */
static void check_c_name(struct ctx *c, const char *name, struct loc loc, const char *what, int is_param)
{
    static const char *const keywords[] = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
        "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
        "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
        "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic",
        "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local", "bool", "true", "false",
    };
    static const char *const glue_locals[] = {"badge", "info", "err", "ret", "reply"};
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (!strcmp(name, keywords[i])) {
            diag_error(&c->diags, loc, "reserved_name", "%s '%s' is a C keyword or reserved C name", what, name);
            return;
        }
    if (!strncmp(name, "bh_", 3) || !strncmp(name, "BH_", 3) || !strncmp(name, "bhidl", 5) ||
        !strncmp(name, "BHIDL", 5)) {
        diag_error(&c->diags, loc, "reserved_name", "%s '%s' uses a prefix reserved for Bulkhead (bh_, BH_, bhidl)",
                   what, name);
        return;
    }
    for (size_t i = 0; is_param && i < sizeof glue_locals / sizeof glue_locals[0]; i++)
        if (!strcmp(name, glue_locals[i]))
            diag_error(&c->diags, loc, "reserved_name", "%s '%s' is a name the generated glue uses", what, name);
}

static void check_c_names(struct ctx *c)
{
    struct program *pr = &c->prog;
    for (size_t i = 0; i < pr->types.n; i++) {
        struct typedecl *td = pr->types.v[i];
        check_c_name(c, td->name, td->loc, "type", 0);
        for (size_t k = 0; k < td->fields.n; k++) check_c_name(c, td->fields.v[k].name, td->fields.v[k].loc, "field", 0);
        for (size_t k = 0; k < td->values.n; k++)
            check_c_name(c, td->values.v[k].name, td->values.v[k].loc, "enumerator", 0);
    }
    for (size_t i = 0; i < pr->ifaces.n; i++)
        for (size_t k = 0; k < pr->ifaces.v[i]->procs.n; k++) {
            struct proc *p = &pr->ifaces.v[i]->procs.v[k];
            check_c_name(c, p->name, p->loc, "procedure", 0);
            for (size_t j = 0; j < p->params.n; j++) check_c_name(c, p->params.v[j].name, p->params.v[j].loc, "parameter", 1);
        }
    for (size_t i = 0; i < pr->comps.n; i++) {
        struct component *co = pr->comps.v[i];
        for (size_t k = 0; k < co->ports.n; k++) check_c_name(c, co->ports.v[k].name, co->ports.v[k].loc, "port", 0);
        for (size_t k = 0; k < co->hw.n; k++) check_c_name(c, co->hw.v[k].name, co->hw.v[k].loc, "hardware", 0);
        for (size_t k = 0; k < co->threads.n; k++)
            check_c_name(c, co->threads.v[k].name, co->threads.v[k].loc, "thread", 0);
    }
    for (size_t i = 0; i < pr->insts.n; i++) check_c_name(c, pr->insts.v[i]->name, pr->insts.v[i]->loc, "instance", 0);
}

static void resolve_typeref(struct ctx *c, struct typeref *t)
{
    if (t->prim != PRIM_NAMED) return;
    t->decl = symtab_get(&c->prog.type_names, t->name);
    if (!t->decl)
        diag_error(&c->diags, t->loc, "unknown_type",
                   "unknown type '%s': expected u8..u64, i8..i64, bool, cap, or a declared struct or enum",
                   t->name);
}

static struct instance *resolve_instance(struct ctx *c, const char *name, struct loc loc)
{
    struct instance *in = symtab_get(&c->prog.inst_names, name);
    if (!in) diag_error(&c->diags, loc, "unknown_instance", "unknown instance '%s'", name);
    return in;
}

static void resolve_endref(struct ctx *c, struct endref *e)
{
    e->inst = resolve_instance(c, e->inst_name, e->loc);
    if (!e->inst || !e->inst->comp) return;
    struct component *co = e->inst->comp;
    struct port *po = symtab_get(&co->port_names, e->port_name);
    if (!po) {
        diag_error(&c->diags, e->loc, "unknown_port", "%s '%s' (instance '%s') has no port '%s'",
                   co->is_guest ? "guest" : "component", co->name, e->inst_name, e->port_name);
        return;
    }
    e->port = po;
    e->port_index = (size_t)(po - co->ports.v);
}

static void resolve_component(struct ctx *c, struct component *co)
{
    /* ports, hardware and threads share one name space: they all become C names */
    for (size_t i = 0; i < co->ports.n; i++)
        declare(c, &co->port_names, "port", co->ports.v[i].name, co->ports.v[i].loc, &co->ports.v[i], first_loc);
    struct symtab members = {0};
    for (size_t i = 0; i < co->hw.n; i++) {
        if (symtab_get(&co->port_names, co->hw.v[i].name))
            diag_error(&c->diags, co->hw.v[i].loc, "duplicate_name", "hardware '%s' has the name of a port",
                       co->hw.v[i].name);
        declare(c, &members, "hardware", co->hw.v[i].name, co->hw.v[i].loc, &co->hw.v[i], first_loc);
    }
    CHECK_MEMBERS(c, co->threads, "thread");
    for (size_t i = 0; i < co->ports.n; i++) {
        struct port *po = &co->ports.v[i];
        if (po->kind != PORT_PROVIDES && po->kind != PORT_USES) continue;
        po->iface = symtab_get(&c->prog.iface_names, po->iface_name);
        if (!po->iface)
            diag_error(&c->diags, po->loc, "unknown_interface", "unknown interface '%s'", po->iface_name);
    }
}

void resolve(struct ctx *c)
{
    struct program *pr = &c->prog;
    for (size_t i = 0; i < pr->types.n; i++)
        declare(c, &pr->type_names, "type", pr->types.v[i]->name, pr->types.v[i]->loc, pr->types.v[i], first_loc);
    for (size_t i = 0; i < pr->ifaces.n; i++)
        declare(c, &pr->iface_names, "interface", pr->ifaces.v[i]->name, pr->ifaces.v[i]->loc, pr->ifaces.v[i],
                first_loc);
    for (size_t i = 0; i < pr->comps.n; i++)
        declare(c, &pr->comp_names, pr->comps.v[i]->is_guest ? "guest" : "component", pr->comps.v[i]->name,
                pr->comps.v[i]->loc, pr->comps.v[i], first_loc);
    for (size_t i = 0; i < pr->insts.n; i++)
        declare(c, &pr->inst_names, "instance", pr->insts.v[i]->name, pr->insts.v[i]->loc, pr->insts.v[i],
                first_loc);
    for (size_t i = 0; i < pr->parts.n; i++)
        declare(c, &pr->part_names, "partition", pr->parts.v[i]->name, pr->parts.v[i]->loc, pr->parts.v[i],
                first_loc);

    /* Enumerators become C constants: one global name space for all of them. */
    struct symtab enumerators = {0};
    for (size_t i = 0; i < pr->types.n; i++) {
        struct typedecl *td = pr->types.v[i];
        if (td->kind == TD_STRUCT) {
            CHECK_MEMBERS(c, td->fields, "field");
            for (size_t k = 0; k < td->fields.n; k++) resolve_typeref(c, &td->fields.v[k].type);
        } else {
            for (size_t k = 0; k < td->values.n; k++)
                declare(c, &enumerators, "enumerator", td->values.v[k].name, td->values.v[k].loc,
                        &td->values.v[k], first_loc);
        }
    }
    for (size_t i = 0; i < pr->ifaces.n; i++) {
        struct interface *in = pr->ifaces.v[i];
        CHECK_MEMBERS(c, in->procs, "procedure");
        for (size_t k = 0; k < in->procs.n; k++) {
            struct proc *p = &in->procs.v[k];
            CHECK_MEMBERS(c, p->params, "parameter");
            resolve_typeref(c, &p->ret);
            for (size_t j = 0; j < p->params.n; j++) resolve_typeref(c, &p->params.v[j].type);
        }
    }
    check_c_names(c);
    for (size_t i = 0; i < pr->comps.n; i++) resolve_component(c, pr->comps.v[i]);
    for (size_t i = 0; i < pr->insts.n; i++) {
        struct instance *in = pr->insts.v[i];
        in->comp = symtab_get(&pr->comp_names, in->type_name);
        if (!in->comp)
            diag_error(&c->diags, in->loc, "unknown_component", "unknown component or guest '%s'", in->type_name);
    }
    for (size_t i = 0; i < pr->conns.n; i++) {
        resolve_endref(c, &pr->conns.v[i]->from);
        resolve_endref(c, &pr->conns.v[i]->to);
    }
    for (size_t i = 0; i < pr->parts.n; i++) {
        struct partition *pt = pr->parts.v[i];
        for (size_t k = 0; k < pt->members.n; k++)
            pt->members.v[k].inst = resolve_instance(c, pt->members.v[k].name, pt->members.v[k].loc);
    }
    for (size_t i = 0; i < pr->policies.n; i++) {
        struct policy *po = pr->policies.v[i];
        po->from.inst = resolve_instance(c, po->from.name, po->from.loc);
        if (po->kind == POLICY_NO_FLOW) po->to.inst = resolve_instance(c, po->to.name, po->to.loc);
    }
}
