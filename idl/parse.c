/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 2: parse.
 * Input: tokens ending in TK_EOF. Output: struct program (declarations in source order,
 * names not yet bound). Postcondition: every syntax error is reported with what was
 * expected and what was found; after an error the parser skips to the end of the
 * statement (';' or the enclosing '}') or, at top level, to the next declaration keyword,
 * so one run reports many errors. No recursion: the grammar nests at most three levels
 * (declaration, statement, list), each handled by its own loop.
 */
#include "bhidl.h"

#include <string.h>

struct parser {
    struct ctx *c;
    const struct token *t;
    size_t n, i;
};

static const struct token *peek(const struct parser *p) { return &p->t[p->i]; }
static const struct token *peek2(const struct parser *p) { return &p->t[p->i + 1 < p->n ? p->i + 1 : p->i]; }
static const struct token *next(struct parser *p)
{
    const struct token *t = &p->t[p->i];
    if (t->kind != TK_EOF) p->i++;
    return t;
}
static int is_kw(const struct token *t, const char *w) { return t->kind == TK_IDENT && !strcmp(t->text, w); }

static const char *describe(struct parser *p, const struct token *t)
{
    switch (t->kind) {
    case TK_IDENT: return arena_printf(&p->c->arena, "identifier '%s'", t->text);
    case TK_NUMBER: return arena_printf(&p->c->arena, "number '%s'", t->text);
    case TK_STRING: return arena_printf(&p->c->arena, "string \"%s\"", t->text);
    default: return tok_kind_name(t->kind);
    }
}

static void syntax(struct parser *p, const char *what)
{
    const struct token *t = peek(p);
    diag_error(&p->c->diags, t->loc, "syntax", "expected %s, found %s", what, describe(p, t));
}

static int accept(struct parser *p, enum tok_kind k)
{
    if (peek(p)->kind != k) return 0;
    next(p);
    return 1;
}

static int expect(struct parser *p, enum tok_kind k)
{
    if (accept(p, k)) return 1;
    syntax(p, tok_kind_name(k));
    return 0;
}

static const char *expect_ident(struct parser *p, const char *what)
{
    if (peek(p)->kind == TK_IDENT) return next(p)->text;
    syntax(p, what);
    return NULL;
}

static int expect_kw(struct parser *p, const char *w)
{
    if (is_kw(peek(p), w)) {
        next(p);
        return 1;
    }
    syntax(p, arena_printf(&p->c->arena, "'%s'", w));
    return 0;
}

/* Skips the rest of a broken statement: through its ';', or up to (not over) the '}' that
 * closes the enclosing block. Braces opened inside the statement are skipped whole. */
static void sync_stmt(struct parser *p)
{
    int depth = 0;
    for (;;) {
        const struct token *t = peek(p);
        if (t->kind == TK_EOF) return;
        if (t->kind == TK_LBRACE) depth++;
        if (t->kind == TK_RBRACE) {
            if (depth == 0) return;
            depth--;
            next(p);
            if (depth == 0) return;
            continue;
        }
        next(p);
        if (t->kind == TK_SEMI && depth == 0) return;
    }
}

static int parse_number_text(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s) return 0;
    }
    for (; *s; s++) {
        unsigned dgt;
        if (*s >= '0' && *s <= '9') dgt = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f') dgt = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F') dgt = (unsigned)(*s - 'A' + 10);
        else if (*s == '_') continue;
        else return 0;
        if (v > (UINT64_MAX - dgt) / base) return 0;
        v = v * base + dgt;
    }
    *out = v;
    return 1;
}

static int parse_number(struct parser *p, uint64_t *out)
{
    const struct token *t = peek(p);
    if (t->kind != TK_NUMBER) {
        syntax(p, "a number");
        return 0;
    }
    if (!parse_number_text(t->text, out)) {
        diag_error(&p->c->diags, t->loc, "bad_number",
                   "expected a decimal or 0x-prefixed hexadecimal number below 2^64, found '%s'", t->text);
        return 0;
    }
    next(p);
    return 1;
}

static int parse_signed(struct parser *p, int64_t *out)
{
    int neg = accept(p, TK_MINUS);
    uint64_t v;
    struct loc loc = peek(p)->loc;
    if (!parse_number(p, &v)) return 0;
    if (v > (neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX)) {
        diag_error(&p->c->diags, loc, "bad_number", "expected a value that fits in i64");
        return 0;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

/* size = number [ "KiB" | "MiB" | "GiB" ] */
static int parse_size(struct parser *p, uint64_t *out)
{
    struct loc loc = peek(p)->loc;
    if (!parse_number(p, out)) return 0;
    uint64_t mul = 1;
    if (is_kw(peek(p), "KiB")) mul = 1ull << 10;
    else if (is_kw(peek(p), "MiB")) mul = 1ull << 20;
    else if (is_kw(peek(p), "GiB")) mul = 1ull << 30;
    if (mul != 1) {
        next(p);
        if (*out > UINT64_MAX / mul) {
            diag_error(&p->c->diags, loc, "bad_number", "expected a size below 2^64 bytes");
            return 0;
        }
        *out *= mul;
    }
    return 1;
}

static int parse_string(struct parser *p, const char **out)
{
    if (peek(p)->kind != TK_STRING) {
        syntax(p, "a string");
        return 0;
    }
    *out = next(p)->text;
    return 1;
}

static enum prim prim_of(const char *s)
{
    static const struct { const char *n; enum prim p; } tab[] = {
        {"u8", PRIM_U8}, {"u16", PRIM_U16}, {"u32", PRIM_U32}, {"u64", PRIM_U64},
        {"i8", PRIM_I8}, {"i16", PRIM_I16}, {"i32", PRIM_I32}, {"i64", PRIM_I64},
        {"bool", PRIM_BOOL}, {"cap", PRIM_CAP}, {"void", PRIM_VOID},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcmp(tab[i].n, s)) return tab[i].p;
    return PRIM_NAMED;
}

/* type = primitive | ident ; an optional "[" number "]" follows the declared name. */
static int parse_type(struct parser *p, struct typeref *ty)
{
    const struct token *t = peek(p);
    if (t->kind != TK_IDENT) {
        syntax(p, "a type (u8..u64, i8..i64, bool, cap, or a struct or enum name)");
        return 0;
    }
    next(p);
    ty->loc = t->loc;
    ty->prim = prim_of(t->text);
    ty->name = t->text;
    return 1;
}

static int parse_array_suffix(struct parser *p, struct typeref *ty)
{
    if (!accept(p, TK_LBRACKET)) return 1;
    ty->is_array = 1;
    if (!parse_number(p, &ty->array_len)) return 0;
    return expect(p, TK_RBRACKET);
}

static int parse_struct_body(struct parser *p, struct typedecl *td)
{
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF) {
        struct field f = {0};
        f.loc = peek(p)->loc;
        if (!parse_type(p, &f.type) || !(f.name = expect_ident(p, "a field name")) ||
            !parse_array_suffix(p, &f.type) || !expect(p, TK_SEMI)) {
            sync_stmt(p);
            continue;
        }
        *DA_PUSH(&p->c->arena, &td->fields) = f;
    }
    return expect(p, TK_RBRACE);
}

static int parse_enum_body(struct parser *p, struct typedecl *td)
{
    int64_t nextv = 0;
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF) {
        struct enumval e = {0};
        e.loc = peek(p)->loc;
        if (!(e.name = expect_ident(p, "an enumerator name"))) goto bad;
        e.value = nextv;
        if (accept(p, TK_EQUAL) && !parse_signed(p, &e.value)) goto bad;
        nextv = e.value == INT64_MAX ? e.value : e.value + 1;
        *DA_PUSH(&p->c->arena, &td->values) = e;
        if (!accept(p, TK_COMMA) && peek(p)->kind != TK_RBRACE) {
            syntax(p, "',' or '}'");
            goto bad;
        }
        continue;
    bad:
        while (peek(p)->kind != TK_COMMA && peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF) next(p);
        accept(p, TK_COMMA);
    }
    return expect(p, TK_RBRACE);
}

static void parse_typedecl(struct parser *p, enum typedecl_kind kind)
{
    struct typedecl *td = arena_alloc(&p->c->arena, sizeof *td);
    td->loc = next(p)->loc;
    td->kind = kind;
    if (!(td->name = expect_ident(p, kind == TD_STRUCT ? "a struct name" : "an enum name")) ||
        !expect(p, TK_LBRACE)) {
        sync_stmt(p);
        return;
    }
    *DA_PUSH(&p->c->arena, &p->c->prog.types) = td;
    if (kind == TD_STRUCT) parse_struct_body(p, td);
    else parse_enum_body(p, td);
    accept(p, TK_SEMI);
}

static int parse_param(struct parser *p, struct param *pa)
{
    pa->loc = peek(p)->loc;
    pa->dir = DIR_IN;
    if (is_kw(peek(p), "in")) next(p);
    else if (is_kw(peek(p), "out")) next(p), pa->dir = DIR_OUT;
    else if (is_kw(peek(p), "inout")) next(p), pa->dir = DIR_INOUT;
    return parse_type(p, &pa->type) && (pa->name = expect_ident(p, "a parameter name")) &&
           parse_array_suffix(p, &pa->type);
}

static int parse_proc(struct parser *p, struct proc *pr)
{
    pr->loc = peek(p)->loc;
    if (!parse_type(p, &pr->ret) || !(pr->name = expect_ident(p, "a procedure name")) ||
        !expect(p, TK_LPAREN))
        return 0;
    if (!accept(p, TK_RPAREN)) {
        for (;;) {
            struct param pa = {0};
            if (!parse_param(p, &pa)) return 0;
            *DA_PUSH(&p->c->arena, &pr->params) = pa;
            if (accept(p, TK_RPAREN)) break;
            if (!expect(p, TK_COMMA)) return 0;
        }
    }
    return expect(p, TK_SEMI);
}

static void parse_interface(struct parser *p)
{
    struct interface *in = arena_alloc(&p->c->arena, sizeof *in);
    in->loc = next(p)->loc;
    if (!(in->name = expect_ident(p, "an interface name")) || !expect(p, TK_LBRACE)) {
        sync_stmt(p);
        return;
    }
    *DA_PUSH(&p->c->arena, &p->c->prog.ifaces) = in;
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF) {
        struct proc pr = {0};
        if (!parse_proc(p, &pr)) {
            sync_stmt(p);
            continue;
        }
        *DA_PUSH(&p->c->arena, &in->procs) = pr;
    }
    expect(p, TK_RBRACE);
    accept(p, TK_SEMI);
}

static int parse_hw(struct parser *p, struct component *co, const char *kw, struct loc loc)
{
    struct hw h = {0};
    h.loc = loc;
    if (!(h.name = expect_ident(p, "a name for the hardware resource"))) return 0;
    if (!strcmp(kw, "device_memory")) {
        h.kind = HW_MEM;
        if (!parse_number(p, &h.base) || !parse_size(p, &h.size)) return 0;
    } else if (!strcmp(kw, "irq")) {
        h.kind = HW_IRQ;
        if (!parse_number(p, &h.irq)) return 0;
    } else if (!strcmp(kw, "ioport")) {
        h.kind = HW_IOPORT;
        if (!parse_number(p, &h.base) || !expect(p, TK_DOTDOT) || !parse_number(p, &h.size)) return 0;
    } else {
        /* pci = bus ":" dev "." fn, all hexadecimal as lspci prints them */
        h.kind = HW_PCI;
        const struct token *b = peek(p);
        uint64_t bus, dev, fn;
        if (b->kind != TK_NUMBER) {
            syntax(p, "a PCI address bus:dev.fn (hexadecimal, e.g. 00:1f.2)");
            return 0;
        }
        next(p);
        if (!expect(p, TK_COLON)) return 0;
        const struct token *dv = peek(p);
        if (dv->kind != TK_NUMBER) {
            syntax(p, "a PCI device number");
            return 0;
        }
        next(p);
        if (!expect(p, TK_DOT)) return 0;
        const struct token *f = peek(p);
        if (f->kind != TK_NUMBER) {
            syntax(p, "a PCI function number");
            return 0;
        }
        next(p);
        char *bs = arena_printf(&p->c->arena, "0x%s", b->text), *ds = arena_printf(&p->c->arena, "0x%s", dv->text),
             *fs = arena_printf(&p->c->arena, "0x%s", f->text);
        if (!parse_number_text(bs, &bus) || !parse_number_text(ds, &dev) || !parse_number_text(fs, &fn) ||
            bus > 255 || dev > 31 || fn > 7) {
            diag_error(&p->c->diags, b->loc, "bad_pci_address",
                       "expected a PCI address bus:dev.fn with bus <= ff, dev <= 1f, fn <= 7, found %s:%s.%s",
                       b->text, dv->text, f->text);
            return 0;
        }
        h.bdf = (uint32_t)(bus << 8 | dev << 3 | fn);
    }
    if (is_kw(peek(p), "shared")) {
        next(p);
        h.shared = 1;
    }
    if (!expect(p, TK_SEMI)) return 0;
    *DA_PUSH(&p->c->arena, &co->hw) = h;
    return 1;
}

static int parse_rights(struct parser *p, unsigned *rights)
{
    const struct token *t = peek(p);
    if (is_kw(t, "r")) *rights = RIGHT_READ;
    else if (is_kw(t, "w")) *rights = RIGHT_WRITE;
    else if (is_kw(t, "rw")) *rights = RIGHT_READ | RIGHT_WRITE;
    else {
        syntax(p, "dataport rights 'r', 'w' or 'rw'");
        return 0;
    }
    next(p);
    return 1;
}

static int parse_chan_kind(struct parser *p, enum chan_kind *k)
{
    static const char *const n[] = {"grant", "event", "console", "xenstore"};
    for (unsigned i = 0; i < 4; i++)
        if (is_kw(peek(p), n[i])) {
            next(p);
            *k = (enum chan_kind)i;
            return 1;
        }
    syntax(p, "a channel kind (grant, event, console or xenstore)");
    return 0;
}

static int parse_arch(struct parser *p, enum platform_arch *a)
{
    if (is_kw(peek(p), "x86_pvh")) *a = ARCH_X86_PVH;
    else if (is_kw(peek(p), "power9")) *a = ARCH_POWER9;
    else {
        syntax(p, "a platform ('x86_pvh' or 'power9')");
        return 0;
    }
    next(p);
    return 1;
}

static int parse_port(struct parser *p, struct component *co, enum port_kind kind, struct loc loc)
{
    struct port po = {0};
    po.loc = loc;
    po.kind = kind;
    if (kind == PORT_PROVIDES || kind == PORT_USES) {
        if (!(po.iface_name = expect_ident(p, "an interface name"))) return 0;
    }
    if (!(po.name = expect_ident(p, "a port name"))) return 0;
    if (kind == PORT_DATAPORT && (!parse_size(p, &po.size) || !parse_rights(p, &po.rights))) return 0;
    if (kind == PORT_CHANNEL && !parse_chan_kind(p, &po.chan)) return 0;
    if (!expect(p, TK_SEMI)) return 0;
    *DA_PUSH(&p->c->arena, &co->ports) = po;
    return 1;
}

/* One statement of a component or guest body. */
static int parse_unit_stmt(struct parser *p, struct component *co)
{
    const struct token *t = peek(p);
    struct loc loc = t->loc;
    if (t->kind != TK_IDENT) {
        syntax(p, co->is_guest ? "a guest statement" : "a component statement");
        return 0;
    }
    const char *kw = t->text;
    static const char *const portkw[] = {"provides", "uses", "emits", "consumes", "dataport", "channel"};
    for (unsigned i = 0; i < 6; i++) {
        if (strcmp(kw, portkw[i])) continue;
        if (co->is_guest && i != PORT_CHANNEL && i != PORT_USES && i != PORT_CONSUMES) {
            diag_error(&p->c->diags, loc, "guest_port_kind",
                       "a guest connects through 'channel', 'uses' (its VMM's timer) and 'consumes' ports, "
                       "found '%s'", kw);
            return 0;
        }
        next(p);
        return parse_port(p, co, (enum port_kind)i, loc);
    }
    if (!strcmp(kw, "device_memory") || !strcmp(kw, "irq") || !strcmp(kw, "ioport") || !strcmp(kw, "pci")) {
        next(p);
        return parse_hw(p, co, kw, loc);
    }
    next(p);
    if (!co->is_guest) {
        if (!strcmp(kw, "thread")) {
            struct thread th = {0};
            th.loc = loc;
            if (!(th.name = expect_ident(p, "a thread name")) || !expect_kw(p, "priority") ||
                !parse_number(p, &th.prio) || !expect(p, TK_SEMI))
                return 0;
            *DA_PUSH(&p->c->arena, &co->threads) = th;
            return 1;
        }
        if (!strcmp(kw, "stack")) return parse_size(p, &co->stack) && expect(p, TK_SEMI);
        if (!strcmp(kw, "heap")) return parse_size(p, &co->heap) && expect(p, TK_SEMI);
        if (!strcmp(kw, "image")) return parse_string(p, &co->image) && expect(p, TK_SEMI);
    } else {
        if (!strcmp(kw, "platform")) {
            co->has_arch = 1;
            return parse_arch(p, &co->arch) && expect(p, TK_SEMI);
        }
        if (!strcmp(kw, "kernel")) return parse_string(p, &co->kernel) && expect(p, TK_SEMI);
        if (!strcmp(kw, "initrd")) return parse_string(p, &co->initrd) && expect(p, TK_SEMI);
        if (!strcmp(kw, "cmdline")) return parse_string(p, &co->cmdline) && expect(p, TK_SEMI);
        if (!strcmp(kw, "memory")) return parse_size(p, &co->memory) && expect(p, TK_SEMI);
        if (!strcmp(kw, "vcpus")) return parse_number(p, &co->vcpus) && expect(p, TK_SEMI);
    }
    p->i--;
    syntax(p, co->is_guest ? "a guest statement (platform, kernel, initrd, cmdline, memory, vcpus, "
                             "channel, uses, consumes, device_memory, irq, ioport, pci)"
                           : "a component statement (provides, uses, emits, consumes, dataport, channel, "
                             "thread, stack, heap, image, device_memory, irq, ioport, pci)");
    return 0;
}

static void parse_unit(struct parser *p, int is_guest)
{
    struct component *co = arena_alloc(&p->c->arena, sizeof *co);
    co->loc = next(p)->loc;
    co->is_guest = is_guest;
    co->stack = is_guest ? 64u * 1024u : 16u * 1024u; /* a VMM thread: 64 KiB, as user/process.c gives one */
    co->vcpus = 1;
    if (!(co->name = expect_ident(p, is_guest ? "a guest name" : "a component name")) || !expect(p, TK_LBRACE)) {
        sync_stmt(p);
        return;
    }
    *DA_PUSH(&p->c->arena, &p->c->prog.comps) = co;
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF)
        if (!parse_unit_stmt(p, co)) sync_stmt(p);
    expect(p, TK_RBRACE);
    accept(p, TK_SEMI);
}

static void parse_platform(struct parser *p)
{
    struct platform *pl = arena_alloc(&p->c->arena, sizeof *pl);
    pl->loc = next(p)->loc;
    if (!(pl->name = expect_ident(p, "a platform name")) || !expect(p, TK_LBRACE)) {
        sync_stmt(p);
        return;
    }
    if (p->c->prog.platform)
        diag_error(&p->c->diags, pl->loc, "duplicate_platform", "a second platform; the first is at line %d",
                   p->c->prog.platform->loc.line);
    else
        p->c->prog.platform = pl;
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF) {
        int ok;
        if (is_kw(peek(p), "arch")) {
            next(p);
            pl->has_arch = 1;
            ok = parse_arch(p, &pl->arch) && expect(p, TK_SEMI);
        } else if (is_kw(peek(p), "memory")) {
            next(p);
            pl->has_memory = 1;
            ok = parse_size(p, &pl->memory) && expect(p, TK_SEMI);
        } else {
            syntax(p, "'arch' or 'memory'");
            ok = 0;
        }
        if (!ok) sync_stmt(p);
    }
    expect(p, TK_RBRACE);
    accept(p, TK_SEMI);
}

static int parse_endref(struct parser *p, struct endref *e)
{
    e->loc = peek(p)->loc;
    return (e->inst_name = expect_ident(p, "an instance name")) && expect(p, TK_DOT) &&
           (e->port_name = expect_ident(p, "a port name"));
}

/* The options of a PV device after its ends, up to ';': each at most once, and only those of its
 * kind (vif: mac, bridge; vbd: device, target, physical, read_only). */
static int parse_pv_options(struct parser *p, struct pvdev *pv)
{
    static const char *const vif_opts[] = {"mac", "bridge"};
    static const char *const vbd_opts[] = {"device", "target", "physical", "read_only"};
    const char *const *opts = pv->kind == PV_VIF ? vif_opts : vbd_opts;
    size_t nopts = pv->kind == PV_VIF ? 2 : 4;
    while (peek(p)->kind != TK_SEMI) {
        const struct token *t = peek(p);
        size_t k = nopts;
        for (size_t i = 0; t->kind == TK_IDENT && i < nopts; i++)
            if (!strcmp(t->text, opts[i])) k = i;
        if (k == nopts) {
            syntax(p, pv->kind == PV_VIF ? "a vif option (mac, bridge) or ';'"
                                         : "a vbd option (device, target, physical, read_only) or ';'");
            return 0;
        }
        next(p);
        const char **slot = pv->kind == PV_VIF ? (k == 0 ? &pv->mac : &pv->bridge)
                            : k == 0           ? &pv->dev
                            : k == 1           ? &pv->target
                            : k == 2           ? &pv->physical
                                               : NULL;
        if (k == 0) pv->kind == PV_VIF ? (void)(pv->mac_loc = t->loc) : (void)(pv->dev_loc = t->loc);
        if (pv->kind == PV_VBD && k == 2) pv->physical_loc = t->loc;
        if ((slot && *slot) || (!slot && pv->read_only)) {
            diag_error(&p->c->diags, t->loc, "syntax", "option '%s' is given twice", t->text);
            return 0;
        }
        if (!slot) pv->read_only = 1;
        else if (!parse_string(p, slot)) return 0;
    }
    return 1;
}

static int parse_connect(struct parser *p, struct loc loc)
{
    struct connection *cn = arena_alloc(&p->c->arena, sizeof *cn);
    cn->loc = loc;
    /* vif and vbd are channels that also describe a Xen PV device (front -> back). */
    static const char *const kinds[] = {"rpc", "event", "dataport", "channel", "vif", "vbd"};
    unsigned k;
    for (k = 0; k < 6; k++)
        if (is_kw(peek(p), kinds[k])) break;
    if (k == 6) {
        syntax(p, "a connection kind (rpc, event, dataport, channel, vif or vbd)");
        return 0;
    }
    next(p);
    if (k >= 4) {
        cn->pv = arena_alloc(&p->c->arena, sizeof *cn->pv);
        cn->pv->kind = k == 4 ? PV_VIF : PV_VBD;
        k = CONN_CHANNEL;
    }
    cn->kind = (enum conn_kind)k;
    if (!parse_endref(p, &cn->from)) return 0;
    enum tok_kind want = (cn->kind == CONN_RPC || cn->kind == CONN_EVENT || cn->pv) ? TK_ARROW : TK_BIARROW;
    if (peek(p)->kind != want) {
        syntax(p, cn->pv ? "'->' (a vif or vbd goes from the frontend guest to the backend guest)"
                  : want == TK_ARROW ? "'->' (rpc and event connections go from user to provider, emitter "
                                       "to consumer)"
                                     : "'<->' (dataport and channel connections are symmetric)");
        return 0;
    }
    next(p);
    if (!parse_endref(p, &cn->to)) return 0;
    if (cn->pv && !parse_pv_options(p, cn->pv)) return 0;
    if (!expect(p, TK_SEMI)) return 0;
    cn->index = p->c->prog.conns.n;
    *DA_PUSH(&p->c->arena, &p->c->prog.conns) = cn;
    return 1;
}

static int parse_partition(struct parser *p)
{
    struct partition *pt = arena_alloc(&p->c->arena, sizeof *pt);
    pt->loc = peek(p)->loc;
    if (!expect_kw(p, "partition") || !(pt->name = expect_ident(p, "a partition name")) ||
        !expect_kw(p, "ticks") || !parse_number(p, &pt->ticks) || !expect(p, TK_LBRACE))
        return 0;
    *DA_PUSH(&p->c->arena, &p->c->prog.parts) = pt;
    if (!accept(p, TK_RBRACE)) {
        for (;;) {
            struct nameref *m = DA_PUSH(&p->c->arena, &pt->members);
            m->loc = peek(p)->loc;
            if (!(m->name = expect_ident(p, "an instance name"))) return 0;
            if (accept(p, TK_RBRACE)) break;
            if (!expect(p, TK_COMMA)) return 0;
        }
    }
    accept(p, TK_SEMI);
    return 1;
}

static int parse_schedule(struct parser *p)
{
    if (!expect(p, TK_LBRACE)) return 0;
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF)
        if (!parse_partition(p)) sync_stmt(p);
    expect(p, TK_RBRACE);
    accept(p, TK_SEMI);
    return 1;
}

static int parse_asm_stmt(struct parser *p)
{
    const struct token *t = peek(p);
    struct loc loc = t->loc;
    if (is_kw(t, "instance")) {
        next(p);
        struct instance *in = arena_alloc(&p->c->arena, sizeof *in);
        in->loc = loc;
        in->partition = -1;
        if (!(in->type_name = expect_ident(p, "a component or guest name")) ||
            !(in->name = expect_ident(p, "an instance name")) || !expect(p, TK_SEMI))
            return 0;
        in->index = p->c->prog.insts.n;
        *DA_PUSH(&p->c->arena, &p->c->prog.insts) = in;
        return 1;
    }
    if (is_kw(t, "connect")) {
        next(p);
        return parse_connect(p, loc);
    }
    if (is_kw(t, "schedule")) {
        next(p);
        return parse_schedule(p);
    }
    if (is_kw(t, "policy")) {
        next(p);
        struct policy *po = arena_alloc(&p->c->arena, sizeof *po);
        po->loc = loc;
        if (is_kw(peek(p), "trusted")) {
            next(p);
            po->kind = POLICY_TRUSTED;
            po->from.loc = peek(p)->loc;
            if (!(po->from.name = expect_ident(p, "an instance name")) || !parse_string(p, &po->reason) ||
                !expect(p, TK_SEMI))
                return 0;
            *DA_PUSH(&p->c->arena, &p->c->prog.policies) = po;
            return 1;
        }
        if (!expect_kw(p, "no_flow")) return 0;
        po->from.loc = peek(p)->loc;
        if (!(po->from.name = expect_ident(p, "an instance name")) || !expect(p, TK_ARROW)) return 0;
        po->to.loc = peek(p)->loc;
        if (!(po->to.name = expect_ident(p, "an instance name")) || !expect(p, TK_SEMI)) return 0;
        *DA_PUSH(&p->c->arena, &p->c->prog.policies) = po;
        return 1;
    }
    syntax(p, "an assembly statement (instance, connect, schedule or policy)");
    return 0;
}

static void parse_assembly(struct parser *p)
{
    struct loc loc = next(p)->loc;
    if (p->c->prog.has_assembly)
        diag_error(&p->c->diags, loc, "duplicate_assembly", "a second assembly; the first is at line %d",
                   p->c->prog.assembly_loc.line);
    else
        p->c->prog.assembly_loc = loc;
    p->c->prog.has_assembly = 1;
    if (!expect(p, TK_LBRACE)) {
        sync_stmt(p);
        return;
    }
    while (peek(p)->kind != TK_RBRACE && peek(p)->kind != TK_EOF)
        if (!parse_asm_stmt(p)) sync_stmt(p);
    expect(p, TK_RBRACE);
    accept(p, TK_SEMI);
}

static int is_decl_kw(const struct token *t)
{
    static const char *const kws[] = {"struct", "enum", "interface", "component", "guest", "platform", "assembly"};
    for (unsigned i = 0; i < 7; i++)
        if (is_kw(t, kws[i])) return 1;
    return 0;
}

void parse(struct ctx *c, const struct tokens *toks)
{
    struct parser p = {c, toks->t.v, toks->t.n, 0};
    (void)peek2;
    while (peek(&p)->kind != TK_EOF) {
        const struct token *t = peek(&p);
        size_t before = p.i;
        if (is_kw(t, "struct")) parse_typedecl(&p, TD_STRUCT);
        else if (is_kw(t, "enum")) parse_typedecl(&p, TD_ENUM);
        else if (is_kw(t, "interface")) parse_interface(&p);
        else if (is_kw(t, "component")) parse_unit(&p, 0);
        else if (is_kw(t, "guest")) parse_unit(&p, 1);
        else if (is_kw(t, "platform")) parse_platform(&p);
        else if (is_kw(t, "assembly")) parse_assembly(&p);
        else {
            syntax(&p, "a declaration (struct, enum, interface, component, guest, platform or assembly)");
            next(&p);
            int depth = 0;
            while (peek(&p)->kind != TK_EOF && !(depth == 0 && is_decl_kw(peek(&p)))) {
                if (peek(&p)->kind == TK_LBRACE) depth++;
                if (peek(&p)->kind == TK_RBRACE && depth > 0) depth--;
                next(&p);
            }
        }
        if (p.i == before) next(&p); /* always make progress */
    }
}
