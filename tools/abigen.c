/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * abigen: reads abi/bulkhead.abi and writes the user-visible constants (abi.h), the
 * user-level invocation stubs (invocations.h), the kernel's argument unpackers
 * (abi_gen.h), the kernel's invocation decoders (decode_gen.h: every check the description
 * states, and the table the error-contract test walks) and the API reference (markdown); the
 * layouts (abigen_layout.c) go to layout.h, the kernel's layout_gen.h and one VCPU header per
 * architecture file. One description, so the kernel and user level cannot disagree.
 *
 * usage: abigen ABI-FILE abi.h invocations.h kernel-abi_gen.h kernel-decode_gen.h reference.md
 *               abi_contract.h layout.h kernel-layout_gen.h [ARCH-FILE ARCH-HEADER]...
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "abigen.h"

#define MAX_ITEMS 256
#define MAX_FIELDS 16

enum field_kind { F_IN, F_INARRAY, F_CAP, F_OUT, F_ERROR };

struct field {
    enum field_kind kind;
    char name[NAME_LEN];
    char object[NAME_LEN]; /* F_CAP: the object types, A|B; F_INARRAY: the max count */
    char rights[NAME_LEN]; /* F_CAP: the rights it needs, A|B, or "" */
    int lookup;            /* F_CAP: 0, or 1 + the FAILED_LOOKUP detail (0 destination, 1 source) */
    char lo[NAME_LEN], hi[NAME_LEN]; /* F_IN: the range, or "" */
    char doc[DOC_LEN];
};

struct constant {
    char name[NAME_LEN];
    long value;
    char extra[NAME_LEN]; /* objects: size bits */
    char doc[DOC_LEN];
};

struct invocation {
    char object[NAME_LEN];
    char name[NAME_LEN];
    char doc[DOC_LEN];
    struct field fields[MAX_FIELDS];
    int nfields;
};

static struct constant syscalls[MAX_ITEMS], errors[MAX_ITEMS], rights[MAX_ITEMS], objects[MAX_ITEMS];
static struct constant kernel_constants[MAX_ITEMS];
static int nsyscalls, nerrors, nrights, nobjects, nkernel_constants;
static struct invocation invs[MAX_ITEMS];
static int ninvs;
int abi_version = -1;
const char *src_path;
int lineno;

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: error: ", src_path, lineno);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Reads the next token (a word or a "quoted string") from *p into out. */
int token(char **p, char *out, size_t cap)
{
    char *s = *p;
    size_t n = 0;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0' || *s == '\n' || *s == '#') return 0;
    if (*s == '"') {
        s++;
        while (*s && *s != '"') {
            if (n + 1 >= cap) die("string too long");
            out[n++] = *s++;
        }
        if (*s != '"') die("unterminated string");
        s++;
    } else {
        while (*s && !isspace((unsigned char)*s)) {
            if (n + 1 >= cap) die("word too long");
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    *p = s;
    return 1;
}

void need(char **p, char *out, size_t cap, const char *what)
{
    if (!token(p, out, cap)) die("expected %s", what);
}

static long number(const char *s)
{
    char *end;
    long v = strtol(s, &end, 0);
    if (*s == '\0' || *end != '\0') die("expected a number, found '%s'", s);
    return v;
}

static int find_object(const char *name)
{
    for (int i = 0; i < nobjects; i++)
        if (strcmp(objects[i].name, name) == 0) return i;
    return -1;
}

static int find_error(const char *name)
{
    for (int i = 0; i < nerrors; i++)
        if (strcmp(errors[i].name, name) == 0) return i;
    return -1;
}

static void add_constant(struct constant *tab, int *n, char **p, int has_extra)
{
    char num[NAME_LEN];
    if (*n >= MAX_ITEMS) die("too many items");
    struct constant *c = &tab[(*n)++];
    need(p, c->name, sizeof c->name, "a name");
    need(p, num, sizeof num, "a number");
    c->value = number(num);
    if (has_extra) need(p, c->extra, sizeof c->extra, "a size");
    need(p, c->doc, sizeof c->doc, "a doc string");
}

static int find_right(const char *name)
{
    for (int i = 0; i < nrights; i++)
        if (strcmp(rights[i].name, name) == 0) return i;
    return -1;
}

/* Checks every name of an A|B list with find. */
static void check_list(const char *list, int (*find)(const char *), const char *what)
{
    char copy[NAME_LEN];
    strcpy(copy, list);
    for (char *t = strtok(copy, "|"); t; t = strtok(NULL, "|"))
        if (find(t) < 0) die("unknown %s '%s'", what, t);
}

static int next_is_string(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return *p == '"';
}

/* The words between a field's name and its doc string: rights, lookup, range. */
static void field_options(struct field *f, char **p)
{
    char word[NAME_LEN];
    while (!next_is_string(*p)) {
        need(p, word, sizeof word, "an option or a doc string");
        if (f->kind == F_CAP && strcmp(word, "rights") == 0) {
            need(p, f->rights, sizeof f->rights, "rights");
            check_list(f->rights, find_right, "right");
        } else if (f->kind == F_CAP && strcmp(word, "lookup") == 0) {
            need(p, word, sizeof word, "source or destination");
            if (strcmp(word, "source") == 0) f->lookup = 2;
            else if (strcmp(word, "destination") == 0) f->lookup = 1;
            else die("lookup is source or destination, not '%s'", word);
        } else if (f->kind == F_IN && strcmp(word, "range") == 0) {
            need(p, f->lo, sizeof f->lo, "a minimum");
            need(p, f->hi, sizeof f->hi, "a maximum");
        } else {
            die("unknown option '%s'", word);
        }
    }
}

static void add_field(struct invocation *inv, enum field_kind kind, char **p)
{
    if (inv->nfields >= MAX_FIELDS) die("too many fields");
    if (inv->nfields > 0 && inv->fields[inv->nfields - 1].kind == F_INARRAY && kind != F_ERROR && kind != F_OUT)
        die("inarray must be the last input");
    struct field *f = &inv->fields[inv->nfields++];
    f->kind = kind;
    need(p, f->name, sizeof f->name, "a name");
    if (kind == F_CAP) {
        need(p, f->object, sizeof f->object, "an object type");
        check_list(f->object, find_object, "object");
    }
    if (kind == F_INARRAY) need(p, f->object, sizeof f->object, "a maximum count");
    if (kind == F_ERROR && find_error(f->name) < 0) die("unknown error '%s'", f->name);
    field_options(f, p);
    need(p, f->doc, sizeof f->doc, "a doc string");
}

static void parse(FILE *in)
{
    char line[1024], word[NAME_LEN];
    struct invocation *cur = NULL;
    while (fgets(line, sizeof line, in)) {
        char *p = line;
        lineno++;
        if (!token(&p, word, sizeof word)) continue;
        if (!cur && layout_line(word, p)) continue;
        if (cur) {
            if (strcmp(word, "end") == 0) cur = NULL;
            else if (strcmp(word, "in") == 0) add_field(cur, F_IN, &p);
            else if (strcmp(word, "inarray") == 0) add_field(cur, F_INARRAY, &p);
            else if (strcmp(word, "cap") == 0) add_field(cur, F_CAP, &p);
            else if (strcmp(word, "out") == 0) add_field(cur, F_OUT, &p);
            else if (strcmp(word, "error") == 0) add_field(cur, F_ERROR, &p);
            else die("unknown field kind '%s'", word);
        } else if (strcmp(word, "abi") == 0) {
            need(&p, word, sizeof word, "a version");
            abi_version = (int)number(word);
        } else if (strcmp(word, "syscall") == 0) {
            add_constant(syscalls, &nsyscalls, &p, 0);
        } else if (strcmp(word, "error") == 0) {
            add_constant(errors, &nerrors, &p, 0);
        } else if (strcmp(word, "right") == 0) {
            add_constant(rights, &nrights, &p, 0);
        } else if (strcmp(word, "constant") == 0) {
            add_constant(kernel_constants, &nkernel_constants, &p, 0);
        } else if (strcmp(word, "object") == 0) {
            add_constant(objects, &nobjects, &p, 1);
        } else if (strcmp(word, "invocation") == 0) {
            if (ninvs >= MAX_ITEMS) die("too many invocations");
            cur = &invs[ninvs++];
            need(&p, cur->object, sizeof cur->object, "an object");
            if (find_object(cur->object) < 0) die("unknown object '%s'", cur->object);
            need(&p, cur->name, sizeof cur->name, "a name");
            need(&p, cur->doc, sizeof cur->doc, "a doc string");
        } else {
            die("unknown line kind '%s'", word);
        }
    }
    if (cur) die("invocation %s %s has no end", cur->object, cur->name);
}

static long rights_all(void)
{
    long all = 0;
    for (int i = 0; i < nrights; i++) all |= rights[i].value;
    return all;
}

int object_count(void)
{
    return nobjects;
}

void object_info(int i, const char **name, long *value, const char **size)
{
    *name = objects[i].name;
    *value = objects[i].value;
    *size = objects[i].extra;
}

static void lower(char *dst, const char *src)
{
    while (*src) *dst++ = (char)tolower((unsigned char)*src++);
    *dst = '\0';
}

static int count(const struct invocation *inv, enum field_kind k)
{
    int n = 0;
    for (int i = 0; i < inv->nfields; i++) n += inv->fields[i].kind == k;
    return n;
}

static void stamp(FILE *f, const char *open, const char *close)
{
    fprintf(f, "%s SPDX-License-Identifier: BSD-2-Clause %s\n", open, close);
    fprintf(f, "%s Copyright (c) 2026 The Bulkhead authors %s\n", open, close);
    fprintf(f, "%s Generated by tools/abigen.c from %s (ABI %d). Do not edit. %s\n", open, src_path,
            abi_version, close);
}

static void write_abi_h(FILE *f)
{
    stamp(f, "/*", "*/");
    fprintf(f, "#ifndef BULKHEAD_ABI_H\n#define BULKHEAD_ABI_H\n\n");
    fprintf(f, "#define BH_ABI_VERSION %d\n\n/* System calls (rax on x86_64). */\n", abi_version);
    for (int i = 0; i < nsyscalls; i++)
        fprintf(f, "#define BH_SYS_%s (%ld) /* %s */\n", syscalls[i].name, syscalls[i].value, syscalls[i].doc);
    fprintf(f, "\n/* Errors: the label of a failed invocation's reply. */\n");
    for (int i = 0; i < nerrors; i++)
        fprintf(f, "#define BH_ERR_%s %ld /* %s */\n", errors[i].name, errors[i].value, errors[i].doc);
    fprintf(f, "#define BH_ERR_COUNT %d\n", nerrors);
    fprintf(f, "\n/* Capability rights. */\n");
    for (int i = 0; i < nrights; i++)
        fprintf(f, "#define BH_RIGHT_%s %ldu /* %s */\n", rights[i].name, rights[i].value, rights[i].doc);
    fprintf(f, "#define BH_RIGHTS_ALL %ldu\n\n/* Constants of the kernel that user level plans with. */\n", rights_all());
    for (int i = 0; i < nkernel_constants; i++)
        fprintf(f, "#define BH_%s %ldu /* %s */\n", kernel_constants[i].name, kernel_constants[i].value, kernel_constants[i].doc);
    fprintf(f, "\n/* Object (and capability) types; size in bytes is 1 << size bits. */\n");
    for (int i = 0; i < nobjects; i++) {
        fprintf(f, "#define BH_OBJ_%s %ld /* %s */\n", objects[i].name, objects[i].value, objects[i].doc);
        if (isdigit((unsigned char)objects[i].extra[0]))
            fprintf(f, "#define BH_OBJ_%s_SIZE_BITS %s\n", objects[i].name, objects[i].extra);
    }
    fprintf(f, "#define BH_OBJ_COUNT %d\n\n/* Invocation labels. */\n", nobjects);
    for (int i = 0; i < ninvs; i++)
        fprintf(f, "#define BH_INV_%s_%s %d /* %s */\n", invs[i].object, invs[i].name, i + 1, invs[i].doc);
    fprintf(f, "#define BH_INV_COUNT %d\n\n#endif\n", ninvs);
}

/* A user stub: marshal inputs into MRs and caps, Call, unmarshal outputs. */
static void write_stub(FILE *f, const struct invocation *inv)
{
    char obj[NAME_LEN], op[NAME_LEN];
    lower(obj, inv->object);
    lower(op, inv->name);
    fprintf(f, "/* %s */\nstatic inline int bh_%s_%s(bh_cptr_t service", inv->doc, obj, op);
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind == F_IN) fprintf(f, ", bh_word_t %s", fl->name);
        if (fl->kind == F_CAP) fprintf(f, ", bh_cptr_t %s", fl->name);
        if (fl->kind == F_INARRAY) fprintf(f, ", const bh_word_t *%s, unsigned %s_count", fl->name, fl->name);
        if (fl->kind == F_OUT) fprintf(f, ", bh_word_t *%s", fl->name);
    }
    fprintf(f, ")\n{\n    unsigned len = 0, ncaps = 0;\n");
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind == F_IN) fprintf(f, "    bh_set_mr(len++, %s);\n", fl->name);
        if (fl->kind == F_CAP) fprintf(f, "    bh_set_cap(ncaps++, %s);\n", fl->name);
        if (fl->kind == F_INARRAY)
            fprintf(f, "    for (unsigned i = 0; i < %s_count && len < BH_MSG_MAX_LENGTH; i++)\n"
                       "        bh_set_mr(len++, %s[i]);\n", fl->name, fl->name);
    }
    fprintf(f, "    bh_msginfo_t r = bh_call(service, bh_msginfo(BH_INV_%s_%s, 0, ncaps, len));\n",
            inv->object, inv->name);
    int outs = 0;
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind == F_OUT)
            fprintf(f, "    if (%s && bh_msginfo_label(r) == 0) *%s = bh_get_mr(%d);\n", fl->name, fl->name, outs++);
    }
    fprintf(f, "    (void)ncaps;\n    return (int)bh_msginfo_label(r);\n}\n\n");
}

static void write_invocations_h(FILE *f)
{
    stamp(f, "/*", "*/");
    fprintf(f, "#ifndef BULKHEAD_INVOCATIONS_H\n#define BULKHEAD_INVOCATIONS_H\n\n");
    fprintf(f, "#include <bulkhead/syscalls.h>\n\n");
    fprintf(f, "/* Each stub returns BH_ERR_OK or the error; error details are in MR0 and MR1. */\n\n");
    for (int i = 0; i < ninvs; i++) write_stub(f, &invs[i]);
    fprintf(f, "#endif\n");
}

/* Kernel side: the arguments of an invocation, decoded (decode_gen.h fills them). */
static void write_args(FILE *f, const struct invocation *inv)
{
    char obj[NAME_LEN], op[NAME_LEN];
    lower(obj, inv->object);
    lower(op, inv->name);
    fprintf(f, "struct args_%s_%s {\n", obj, op);
    int n = 0;
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind == F_IN) fprintf(f, "    word_t %s;\n", fl->name), n++;
        if (fl->kind == F_CAP) fprintf(f, "    struct cte *%s;\n", fl->name), n++;
        if (fl->kind == F_INARRAY) fprintf(f, "    const word_t *%s;\n    word_t %s_count;\n", fl->name, fl->name), n++;
    }
    if (n == 0) fprintf(f, "    word_t unused;\n");
    fprintf(f, "};\n\n");
}

/* A C expression for an A|B list: "OBJ_A" or "RIGHT_A | RIGHT_B". */
static void list_expr(char *out, size_t cap, const char *list, const char *prefix, const char *sep)
{
    char copy[NAME_LEN];
    strcpy(copy, list);
    out[0] = '\0';
    for (char *t = strtok(copy, "|"); t; t = strtok(NULL, "|")) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s%s", n ? sep : "", prefix, t);
    }
}

/*
 * decode_args_<object>_<op>: what the description says, checked in one order for every
 * invocation: the message's length and capability count (TRUNCATED_MESSAGE), the ranges of
 * inputs in order (RANGE: MR0 minimum, MR1 maximum), an inarray's count (RANGE), then each
 * capability's type (WRONG_OBJECT_TYPE: MR0 its index, 1 = the first; or, for a CNode that
 * roots a lookup, FAILED_LOOKUP with LF_INVALID_ROOT) and rights (INSUFFICIENT_RIGHTS: MR0 the
 * rights needed). Changes nothing.
 */
static void write_decoder(FILE *f, const struct invocation *inv)
{
    char obj[NAME_LEN], op[NAME_LEN], expr[256];
    lower(obj, inv->object);
    lower(op, inv->name);
    int nin = count(inv, F_IN), ncap = count(inv, F_CAP);
    fprintf(f, "static inline exception_t decode_args_%s_%s(const struct message *m, struct args_%s_%s *a)\n{\n",
            obj, op, obj, op);
    if (nin > 0 || ncap > 0) {
        if (nin > 0 && ncap > 0) fprintf(f, "    if (m->length < %d || m->ncaps < %d)\n", nin, ncap);
        else if (nin > 0) fprintf(f, "    if (m->length < %d)\n", nin);
        else fprintf(f, "    if (m->ncaps < %d)\n", ncap);
        fprintf(f, "        return fail(ERR_TRUNCATED_MESSAGE, 0, 0, \"%s %s needs %d words and %d capabilities\");\n",
                inv->object, inv->name, nin, ncap);
    }
    int k = 0, c = 0, n = 0;
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind == F_IN) fprintf(f, "    a->%s = m->mr[%d];\n", fl->name, k++), n++;
        if (fl->kind == F_CAP) fprintf(f, "    a->%s = m->caps[%d];\n", fl->name, c++), n++;
        if (fl->kind == F_INARRAY) {
            fprintf(f, "    a->%s = &m->mr[%d];\n    a->%s_count = m->length > %d ? m->length - %d : 0;\n",
                    fl->name, k, fl->name, k, k);
            fprintf(f, "    if (a->%s_count > %s) return fail(ERR_RANGE, 0, %s, \"too many %s\");\n", fl->name,
                    fl->object, fl->object, fl->name);
            n++;
        }
    }
    if (n == 0) fprintf(f, "    (void)m;\n    a->unused = 0;\n");
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind != F_IN || !fl->lo[0]) continue;
        if (strcmp(fl->lo, "0") == 0)
            fprintf(f, "    if (a->%s > %s)", fl->name, fl->hi);
        else
            fprintf(f, "    if (a->%s < %s || a->%s > %s)", fl->name, fl->lo, fl->name, fl->hi);
        fprintf(f, " return fail(ERR_RANGE, %s, %s, \"%s out of range\");\n", fl->lo, fl->hi, fl->name);
    }
    c = 0;
    for (int i = 0; i < inv->nfields; i++) {
        const struct field *fl = &inv->fields[i];
        if (fl->kind != F_CAP) continue;
        c++;
        char types[NAME_LEN], copy[NAME_LEN];
        strcpy(copy, fl->object);
        fprintf(f, "    if (");
        int first = 1;
        for (char *t = strtok(copy, "|"); t; t = strtok(NULL, "|"), first = 0)
            fprintf(f, "%sa->%s->cap.type != OBJ_%s", first ? "" : " && ", fl->name, t);
        strcpy(types, fl->object);
        if (fl->lookup)
            fprintf(f, ")\n        return fail(ERR_FAILED_LOOKUP, %d, LF_INVALID_ROOT, \"%s is not a %s\");\n",
                    fl->lookup - 1, fl->name, types);
        else
            fprintf(f, ")\n        return fail(ERR_WRONG_OBJECT_TYPE, %d, 0, \"%s is not a %s\");\n", c, fl->name, types);
        if (fl->rights[0]) {
            list_expr(expr, sizeof expr, fl->rights, "RIGHT_", " | ");
            fprintf(f, "    if ((a->%s->cap.rights & (%s)) != (%s))\n"
                       "        return fail(ERR_INSUFFICIENT_RIGHTS, %s, 0, \"%s lacks %s\");\n",
                    fl->name, expr, expr, expr, fl->name, fl->rights);
        }
    }
    fprintf(f, "    return ERR_OK;\n}\n\n");
}

static int has_out(const struct invocation *inv)
{
    return count(inv, F_OUT) > 0;
}

/* The hand-written decoder's prototype: decode_<object>_<op> in kernel/<object>.c. */
static void write_prototype(FILE *f, const struct invocation *inv)
{
    char obj[NAME_LEN], op[NAME_LEN];
    lower(obj, inv->object);
    lower(op, inv->name);
    fprintf(f, "exception_t decode_%s_%s(struct cte *slot, const struct args_%s_%s *a%s);\n", obj, op, obj, op,
            has_out(inv) ? ", word_t *out, word_t *out_length" : "");
}

/* decode_invocation_<object>: the label's arguments checked, then its decoder. */
static void write_object_dispatch(FILE *f, const char *object)
{
    char obj[NAME_LEN], op[NAME_LEN];
    lower(obj, object);
    fprintf(f, "static inline exception_t decode_invocation_%s(struct cte *slot, struct message *m, word_t *out_length)\n"
               "{\n    exception_t e;\n    switch (m->label) {\n", obj);
    for (int i = 0; i < ninvs; i++) {
        const struct invocation *inv = &invs[i];
        if (strcmp(inv->object, object) != 0) continue;
        lower(op, inv->name);
        fprintf(f, "    case INV_%s_%s: {\n        struct args_%s_%s a;\n", inv->object, inv->name, obj, op);
        fprintf(f, "        e = decode_args_%s_%s(m, &a);\n", obj, op);
        fprintf(f, "        return e != ERR_OK ? e : decode_%s_%s(slot, &a%s);\n    }\n", obj, op,
                has_out(inv) ? ", m->mr, out_length" : "");
    }
    fprintf(f, "    default:\n        (void)e;\n        (void)out_length;\n"
               "        return fail(ERR_ILLEGAL_OPERATION, 0, 0, \"not a %s operation\");\n    }\n}\n\n", object);
}

/* The capability arguments of one invocation as contract entries {types, rights, lookup}: the
 * kernel's table and the user-level one differ only in the names' prefixes. */
static void write_contract_caps(FILE *f, const struct invocation *inv, const char *obj_prefix, const char *right_prefix)
{
    char expr[256];
    for (int j = 0; j < inv->nfields; j++) {
        const struct field *fl = &inv->fields[j];
        if (fl->kind != F_CAP) continue;
        list_expr(expr, sizeof expr, fl->object, obj_prefix, ") | ");
        fprintf(f, "{%s), ", expr);
        if (fl->rights[0]) {
            list_expr(expr, sizeof expr, fl->rights, right_prefix, " | ");
            fprintf(f, "%s, ", expr);
        } else {
            fprintf(f, "0, ");
        }
        fprintf(f, "%d}, ", fl->lookup);
    }
}

/* The table the error-contract test (tests/host/core/test_contract.c) walks: every check
 * decode_args makes, and every documented error, so that each is provoked and its code seen. */
static void write_contract(FILE *f)
{
    fprintf(f, "/* For tests: what the description says of each invocation. */\n");
    fprintf(f, "struct abi_cap_arg { word_t types; word_t rights; int lookup; };\n");
    fprintf(f, "struct abi_in_arg { word_t lo, hi; bool ranged; };\n");
    fprintf(f, "struct abi_invocation {\n    const char *name;\n    word_t object, label, ins, caps, array_max;\n"
               "    bool has_array;\n    struct abi_in_arg in[%d];\n    struct abi_cap_arg cap[%d];\n};\n", MAX_FIELDS, MAX_FIELDS);
    fprintf(f, "static const struct abi_invocation abi_invocations[] = {\n");
    for (int i = 0; i < ninvs; i++) {
        const struct invocation *inv = &invs[i];
        const char *amax = "0";
        for (int j = 0; j < inv->nfields; j++)
            if (inv->fields[j].kind == F_INARRAY) amax = inv->fields[j].object;
        fprintf(f, "    {\"%s_%s\", OBJ_%s, INV_%s_%s, %d, %d, %s, %d,\n     {", inv->object, inv->name, inv->object,
                inv->object, inv->name, count(inv, F_IN), count(inv, F_CAP), amax, count(inv, F_INARRAY));
        for (int j = 0; j < inv->nfields; j++) {
            const struct field *fl = &inv->fields[j];
            if (fl->kind != F_IN) continue;
            if (fl->lo[0]) fprintf(f, "{%s, %s, true}, ", fl->lo, fl->hi);
            else fprintf(f, "{0, 0, false}, ");
        }
        fprintf(f, "},\n     {");
        write_contract_caps(f, inv, "BIT(OBJ_", "RIGHT_");
        fprintf(f, "}},\n");
    }
    fprintf(f, "};\n\n/* X(OBJECT, OP, ERROR) for every documented error of every invocation. */\n");
    fprintf(f, "#define ABI_DOCUMENTED_ERRORS(X) \\\n");
    for (int i = 0; i < ninvs; i++)
        for (int j = 0; j < invs[i].nfields; j++)
            if (invs[i].fields[j].kind == F_ERROR)
                fprintf(f, "    X(%s, %s, %s) \\\n", invs[i].object, invs[i].name, invs[i].fields[j].name);
    fprintf(f, "\n");
}

/* A range bound for user level: a number as it is, a constant of the description with its BH_
 * name; any other name is the kernel's own (REG_COUNT, PARTITIONS): "" then, the kernel's reply
 * to an out-of-range value says it (MR1). */
static int user_bound(char *out, size_t cap, const char *bound)
{
    char *end;
    strtol(bound, &end, 0);
    if (*bound && *end == '\0') {
        snprintf(out, cap, "%s", bound);
        return 1;
    }
    for (int i = 0; i < nkernel_constants; i++)
        if (strcmp(kernel_constants[i].name, bound) == 0) {
            snprintf(out, cap, "BH_%s", bound);
            return 1;
        }
    return 0;
}

/* The same table for user level (BH_ names), for the kernel API suite's contract group
 * (tests/system/ktest/t_contract.c), which provokes every check and documented error on the
 * real kernel: ABI_INVOCATIONS(X) and ABI_DOCUMENTED_ERRORS(X) make its tests. */
static void write_user_contract(FILE *f)
{
    char lo[NAME_LEN], hi[NAME_LEN];
    stamp(f, "/*", "*/");
    fprintf(f, "#ifndef BULKHEAD_ABI_CONTRACT_H\n#define BULKHEAD_ABI_CONTRACT_H\n\n#include <stdbool.h>\n#include <bulkhead/types.h>\n#include <bulkhead/abi.h>\n\n");
    fprintf(f, "/* in: no range, a range, or a range whose bounds only the kernel knows (bound names them). */\n");
    fprintf(f, "enum abi_range { ABI_UNRANGED, ABI_RANGED, ABI_RANGED_BY_KERNEL };\n");
    fprintf(f, "struct abi_in_arg { bh_word_t lo, hi; enum abi_range range; const char *bound; };\n");
    fprintf(f, "struct abi_cap_arg { bh_word_t types, rights; int lookup; };\n");
    fprintf(f, "struct abi_invocation {\n    const char *name;\n    bh_word_t object, label, ins, caps, array_max;\n"
               "    bool has_array;\n    struct abi_in_arg in[%d];\n    struct abi_cap_arg cap[%d];\n};\n", MAX_FIELDS, MAX_FIELDS);
    fprintf(f, "static const struct abi_invocation abi_invocations[] = {\n");
    for (int i = 0; i < ninvs; i++) {
        const struct invocation *inv = &invs[i];
        const char *amax = "0";
        for (int j = 0; j < inv->nfields; j++)
            if (inv->fields[j].kind == F_INARRAY) amax = inv->fields[j].object;
        fprintf(f, "    {\"%s_%s\", BH_OBJ_%s, BH_INV_%s_%s, %d, %d, %s, %d,\n     {", inv->object, inv->name, inv->object,
                inv->object, inv->name, count(inv, F_IN), count(inv, F_CAP), amax, count(inv, F_INARRAY));
        for (int j = 0; j < inv->nfields; j++) {
            const struct field *fl = &inv->fields[j];
            if (fl->kind != F_IN) continue;
            if (!fl->lo[0]) fprintf(f, "{0, 0, ABI_UNRANGED, 0}, ");
            else if (user_bound(lo, sizeof lo, fl->lo) && user_bound(hi, sizeof hi, fl->hi))
                fprintf(f, "{%s, %s, ABI_RANGED, 0}, ", lo, hi);
            else
                fprintf(f, "{%s, 0, ABI_RANGED_BY_KERNEL, \"%s..%s\"}, ", user_bound(lo, sizeof lo, fl->lo) ? lo : "0", fl->lo, fl->hi);
        }
        fprintf(f, "},\n     {");
        write_contract_caps(f, inv, "(1ull << BH_OBJ_", "BH_RIGHT_");
        fprintf(f, "}},\n");
    }
    fprintf(f, "};\n\n/* X(OBJECT, OP) for every invocation, in the order of abi_invocations[]. */\n#define ABI_INVOCATIONS(X) \\\n");
    for (int i = 0; i < ninvs; i++) fprintf(f, "    X(%s, %s) \\\n", invs[i].object, invs[i].name);
    fprintf(f, "\n/* X(OBJECT, OP, ERROR) for every documented error of every invocation. */\n");
    fprintf(f, "#define ABI_DOCUMENTED_ERRORS(X) \\\n");
    for (int i = 0; i < ninvs; i++)
        for (int j = 0; j < invs[i].nfields; j++)
            if (invs[i].fields[j].kind == F_ERROR)
                fprintf(f, "    X(%s, %s, %s) \\\n", invs[i].object, invs[i].name, invs[i].fields[j].name);
    fprintf(f, "\n#endif\n");
}

static void write_decode_h(FILE *f)
{
    stamp(f, "/*", "*/");
    fprintf(f, "#ifndef KERNEL_DECODE_GEN_H\n#define KERNEL_DECODE_GEN_H\n\n");
    fprintf(f, "/* Included by kernel/kernel.h: needs struct message, struct cte, fail() and the lookup failures. */\n\n");
    for (int i = 0; i < ninvs; i++) write_prototype(f, &invs[i]);
    fprintf(f, "\n");
    for (int i = 0; i < ninvs; i++) write_decoder(f, &invs[i]);
    for (int i = 0; i < ninvs; i++)
        if (i == 0 || strcmp(invs[i].object, invs[i - 1].object) != 0) write_object_dispatch(f, invs[i].object);
    write_contract(f);
    fprintf(f, "#endif\n");
}

static void write_kernel_h(FILE *f)
{
    stamp(f, "/*", "*/");
    fprintf(f, "#ifndef KERNEL_ABI_GEN_H\n#define KERNEL_ABI_GEN_H\n\n");
    fprintf(f, "/* Needs word_t and bool from kernel/types.h. */\n\n");
    fprintf(f, "#define ABI_VERSION %d\n\n", abi_version);
    fprintf(f, "enum syscall_number {\n");
    for (int i = 0; i < nsyscalls; i++) fprintf(f, "    SYS_%s = %ld,\n", syscalls[i].name, syscalls[i].value);
    fprintf(f, "};\n\nenum error_code {\n");
    for (int i = 0; i < nerrors; i++) fprintf(f, "    ERR_%s = %ld,\n", errors[i].name, errors[i].value);
    fprintf(f, "};\n\nenum rights_bits {\n");
    for (int i = 0; i < nrights; i++) fprintf(f, "    RIGHT_%s = %ld,\n", rights[i].name, rights[i].value);
    fprintf(f, "    RIGHTS_ALL = %ld,\n};\n\n", rights_all());
    for (int i = 0; i < nkernel_constants; i++) fprintf(f, "#define %s %ldu\n", kernel_constants[i].name, kernel_constants[i].value);
    fprintf(f, "\nenum object_type {\n");
    for (int i = 0; i < nobjects; i++) fprintf(f, "    OBJ_%s = %ld,\n", objects[i].name, objects[i].value);
    fprintf(f, "    OBJ_COUNT = %d,\n};\n\n", nobjects);
    for (int i = 0; i < nobjects; i++)
        if (isdigit((unsigned char)objects[i].extra[0]))
            fprintf(f, "#define OBJ_%s_SIZE_BITS %s\n", objects[i].name, objects[i].extra);
    fprintf(f, "\nenum invocation_label {\n");
    for (int i = 0; i < ninvs; i++) fprintf(f, "    INV_%s_%s = %d,\n", invs[i].object, invs[i].name, i + 1);
    fprintf(f, "    INV_COUNT = %d, /* labels run from 1 to INV_COUNT, as BH_INV_COUNT */\n};\n\nstruct cte;\n\n", ninvs);
    for (int i = 0; i < ninvs; i++) write_args(f, &invs[i]);
    fprintf(f, "#endif\n");
}

static void write_reference(FILE *f)
{
    fprintf(f, "<!-- Generated by tools/abigen.c from %s (ABI %d). Do not edit: edit the .abi file. -->\n",
            src_path, abi_version);
    fprintf(f, "# Kernel API reference (ABI %d)\n\n", abi_version);
    fprintf(f, "The narrative is in [kernel-api.md](kernel-api.md); this page lists every system call,\n"
               "error, right, object type and invocation with its arguments.\n\n");
    fprintf(f, "## System calls\n\n| number | name | what it does |\n| --- | --- | --- |\n");
    for (int i = 0; i < nsyscalls; i++)
        fprintf(f, "| %ld | `%s` | %s |\n", syscalls[i].value, syscalls[i].name, syscalls[i].doc);
    fprintf(f, "\n## Errors\n\n| code | name | meaning |\n| --- | --- | --- |\n");
    for (int i = 0; i < nerrors; i++)
        fprintf(f, "| %ld | `%s` | %s |\n", errors[i].value, errors[i].name, errors[i].doc);
    fprintf(f, "\n## Rights\n\n| bit | name | meaning |\n| --- | --- | --- |\n");
    for (int i = 0; i < nrights; i++)
        fprintf(f, "| %ld | `%s` | %s |\n", rights[i].value, rights[i].name, rights[i].doc);
    fprintf(f, "\n## Constants\n\n| value | name | meaning |\n| --- | --- | --- |\n");
    for (int i = 0; i < nkernel_constants; i++)
        fprintf(f, "| %ld | `%s` | %s |\n", kernel_constants[i].value, kernel_constants[i].name, kernel_constants[i].doc);
    fprintf(f, "\n## Object types\n\n| number | name | size bits | what it is |\n| --- | --- | --- | --- |\n");
    for (int i = 0; i < nobjects; i++)
        fprintf(f, "| %ld | `%s` | %s | %s |\n", objects[i].value, objects[i].name, objects[i].extra, objects[i].doc);
    fprintf(f, "\n## Invocations\n\nEach is a `Call` on a capability to the object, with the label below; MRs hold the\n"
               "`in` arguments in order, the IPC buffer's cap slots the `cap` arguments. The reply's label is\n"
               "0 or the error; `out` values come back in MR0 on. The kernel checks what each entry states,\n"
               "in this order, with code generated from the description: the message's length and\n"
               "capability count (`TRUNCATED_MESSAGE`), each input's range (`RANGE`, MR0 the minimum, MR1\n"
               "the maximum), an array's count (`RANGE`), each capability's type (`WRONG_OBJECT_TYPE`, MR0\n"
               "its index from 1; a CNode that roots a lookup: `FAILED_LOOKUP`, MR1 = 1, invalid root) and\n"
               "rights (`INSUFFICIENT_RIGHTS`, MR0 the rights needed); then the checks the `error` lines\n"
               "name, each provoked by the generated contract test.\n");
    for (int i = 0; i < ninvs; i++) {
        const struct invocation *inv = &invs[i];
        char obj[NAME_LEN], op[NAME_LEN];
        lower(obj, inv->object);
        lower(op, inv->name);
        fprintf(f, "\n### %s.%s (label %d, `bh_%s_%s`)\n\n%s\n\n", inv->object, inv->name, i + 1, obj, op, inv->doc);
        int mr = 0, cap = 0;
        for (int j = 0; j < inv->nfields; j++) {
            const struct field *fl = &inv->fields[j];
            switch (fl->kind) {
            case F_IN:
                fprintf(f, "- in MR%d `%s`", mr++, fl->name);
                if (fl->lo[0]) fprintf(f, " (%s..%s)", fl->lo, fl->hi);
                fprintf(f, ": %s\n", fl->doc);
                break;
            case F_INARRAY: fprintf(f, "- in MR%d.. `%s[]` (up to %s): %s\n", mr, fl->name, fl->object, fl->doc); break;
            case F_CAP:
                fprintf(f, "- cap %d `%s` (%s", cap++, fl->name, fl->object);
                if (fl->rights[0]) fprintf(f, ", rights %s", fl->rights);
                if (fl->lookup) fprintf(f, ", roots the %s lookup", fl->lookup == 2 ? "source" : "destination");
                fprintf(f, "): %s\n", fl->doc);
                break;
            case F_OUT: fprintf(f, "- out `%s`: %s\n", fl->name, fl->doc); break;
            case F_ERROR: fprintf(f, "- error `%s`: %s\n", fl->name, fl->doc); break;
            }
        }
    }
    layout_write_reference(f);
}

static FILE *open_out(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void parse_file(const char *path)
{
    src_path = path;
    lineno = 0;
    FILE *in = fopen(src_path, "r");
    if (!in) {
        perror(src_path);
        exit(1);
    }
    layout_begin_file();
    parse(in);
    layout_end_file();
    fclose(in);
}

static void write_file(const char *path, void (*writer)(FILE *))
{
    FILE *f = open_out(path);
    writer(f);
    if (fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 10 || (argc - 10) % 2 != 0) {
        fprintf(stderr, "usage: abigen ABI-FILE abi.h invocations.h kernel-abi_gen.h kernel-decode_gen.h reference.md "
                        "abi_contract.h layout.h kernel-layout_gen.h [ARCH-FILE ARCH-HEADER]...\n");
        return 2;
    }
    parse_file(argv[1]);
    if (abi_version < 0) die("no abi version line");
    for (int a = 10; a < argc; a += 2) parse_file(argv[a]);
    src_path = argv[1];
    void (*writers[])(FILE *) = {write_abi_h, write_invocations_h, write_kernel_h, write_decode_h,
                                 write_reference, write_user_contract, layout_write_user, layout_write_kernel};
    for (int i = 0; i < 8; i++) write_file(argv[i + 2], writers[i]);
    for (int a = 0; a < layout_arch_count(); a++) {
        FILE *f = open_out(argv[11 + 2 * a]);
        layout_write_arch(f, a);
        if (fclose(f) != 0) {
            perror(argv[11 + 2 * a]);
            return 1;
        }
    }
    return 0;
}
