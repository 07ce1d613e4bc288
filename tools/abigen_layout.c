/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * abigen's layouts: the words, tables and structures that the kernel and user level share
 * (message info, boot info, fault kinds, the VM exit record, each architecture's VCPU state).
 * Read from the same description as the calls (abi/bulkhead.abi) and from one file per
 * architecture (abi/<arch>.abi); written to <bulkhead/layout.h>, the kernel's layout_gen.h,
 * <bulkhead/vcpu_<arch>.h> and the reference. Every structure is written with its offsets and
 * size asserted, so that each compiler that includes it (kernel, user level, both
 * architectures, the host) checks them.
 *
 *   bitfield NAME PREFIX "doc" / field FIELD SHIFT WIDTH "doc" / end
 *   enum NAME PREFIX "doc" [names] [count] [kernel=K] / value V NUMBER ["name"] "doc" |
 *                                                       range V FIRST COUNT "doc" / end
 *   struct NAME SIZE "doc" / field FIELD OFFSET TYPE "doc" / end   (TYPE: u8..u64 or a struct
 *                                                     name, with [COUNT]: a number or an enum value)
 *   list NAME "doc" ITEM...                    (ITEM: an enum value, PREFIX_V)
 *   arch NAME                                  (an architecture's file: what follows is its own)
 */
#include <ctype.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "abigen.h"

#define MAX_LAYOUTS 64
#define MAX_MEMBERS 1024
#define MAX_ARCHS 4
#define MAX_LIST 16

enum layout_kind { L_BITFIELD, L_ENUM, L_STRUCT, L_LIST };

struct member {
    char name[NAME_LEN];
    uint64_t value;        /* enum: the value or a range's first; bitfield: shift; struct: offset */
    uint64_t extra;        /* enum range: count (0: a single value); bitfield: width; struct: element size */
    char type[NAME_LEN];   /* struct: u8..u64 or a struct's name */
    char count[NAME_LEN];  /* struct: the array count as written ("" for none) */
    uint64_t count_value;
    char label[NAME_LEN];  /* enum with names: the display name */
    char text[NAME_LEN];   /* enum: the value as the description writes it */
    char doc[DOC_LEN];
};

struct layout {
    enum layout_kind kind;
    int arch;              /* -1: every architecture */
    char name[NAME_LEN], prefix[NAME_LEN], kprefix[NAME_LEN];
    char doc[DOC_LEN];
    int names, count;
    char count_name[NAME_LEN]; /* the count's suffix: COUNT unless count=SUFFIX */
    uint64_t size;         /* struct: declared size */
    int first, n;          /* members: pool[first .. first + n) */
    char items[MAX_LIST][NAME_LEN];
    int nitems;
};

static struct layout layouts[MAX_LAYOUTS];
static int nlayouts;
static struct member pool[MAX_MEMBERS];
static int npool;
static struct layout *open_block;
static char arch_names[MAX_ARCHS][NAME_LEN];
static char arch_files[MAX_ARCHS][256];
static int narchs, cur_arch = -1;

static uint64_t unumber(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    if (*s == '\0' || *end != '\0') die("expected a number, found '%s'", s);
    return v;
}

static void upper_to_lower(char *dst, const char *src)
{
    while (*src) *dst++ = (char)tolower((unsigned char)*src++);
    *dst = '\0';
}

/* An enum value by its full name without BH_ (PREFIX_V). */
static const struct member *find_value(const char *full)
{
    for (int i = 0; i < nlayouts; i++) {
        const struct layout *l = &layouts[i];
        if (l->kind != L_ENUM) continue;
        size_t pl = strlen(l->prefix);
        if (strncmp(full, l->prefix, pl) != 0 || full[pl] != '_') continue;
        for (int k = 0; k < l->n; k++)
            if (strcmp(pool[l->first + k].name, full + pl + 1) == 0) return &pool[l->first + k];
    }
    return NULL;
}

static const struct layout *find_struct(const char *name)
{
    for (int i = 0; i < nlayouts; i++)
        if (layouts[i].kind == L_STRUCT && strcmp(layouts[i].name, name) == 0) return &layouts[i];
    return NULL;
}

static struct layout *new_layout(enum layout_kind kind, char **p)
{
    if (nlayouts >= MAX_LAYOUTS) die("too many layouts");
    struct layout *l = &layouts[nlayouts++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->arch = cur_arch;
    l->first = npool;
    need(p, l->name, sizeof l->name, "a name");
    return l;
}

static struct member *new_member(struct layout *l, char **p)
{
    if (npool >= MAX_MEMBERS) die("too many members");
    struct member *m = &pool[npool++];
    memset(m, 0, sizeof *m);
    l->n++;
    need(p, m->name, sizeof m->name, "a name");
    for (int k = 0; k < l->n - 1; k++)
        if (strcmp(pool[l->first + k].name, m->name) == 0) die("'%s' twice in %s", m->name, l->name);
    return m;
}

static uint64_t scalar_size(const char *type)
{
    if (strcmp(type, "u8") == 0) return 1;
    if (strcmp(type, "u16") == 0) return 2;
    if (strcmp(type, "u32") == 0) return 4;
    if (strcmp(type, "u64") == 0) return 8;
    return 0;
}

/* A struct field: checks that it follows the previous one, aligned, with no gap. */
static void struct_field(struct layout *l, char **p)
{
    char word[NAME_LEN];
    struct member *m = new_member(l, p);
    need(p, word, sizeof word, "an offset");
    m->value = unumber(word);
    need(p, word, sizeof word, "a type");
    char *br = strchr(word, '[');
    m->count_value = 1;
    if (br) {
        char *close = strchr(br, ']');
        if (!close || close[1] != '\0') die("expected TYPE[COUNT]");
        *close = '\0';
        snprintf(m->count, sizeof m->count, "%s", br + 1);
        *br = '\0';
        if (isdigit((unsigned char)m->count[0])) {
            m->count_value = unumber(m->count);
        } else {
            const struct member *c = find_value(m->count);
            if (!c) die("unknown count '%s'", m->count);
            m->count_value = c->value;
        }
    }
    snprintf(m->type, sizeof m->type, "%s", word);
    m->extra = scalar_size(word);
    uint64_t align = m->extra;
    if (!m->extra) {
        const struct layout *s = find_struct(word);
        if (!s) die("unknown type '%s'", word);
        m->extra = s->size;
        align = 8;
    }
    need(p, m->doc, sizeof m->doc, "a doc string");
    uint64_t expect = 0;
    if (l->n > 1) {
        const struct member *prev = m - 1;
        expect = prev->value + prev->extra * prev->count_value;
    }
    if (m->value != expect) die("%s.%s at %" PRIu64 ": the previous field ends at %" PRIu64, l->name, m->name, m->value, expect);
    if (m->value % align) die("%s.%s is not aligned", l->name, m->name);
}

static void block_line(const char *word, char **p)
{
    struct layout *l = open_block;
    char num[NAME_LEN];
    if (strcmp(word, "end") == 0) {
        if (l->kind == L_STRUCT && l->n > 0) {
            const struct member *last = &pool[l->first + l->n - 1];
            uint64_t end = last->value + last->extra * last->count_value;
            if (end > l->size || l->size - end >= 8) die("struct %s: fields end at %" PRIu64 ", size %" PRIu64, l->name, end, l->size);
        }
        open_block = NULL;
        return;
    }
    if (l->kind == L_BITFIELD && strcmp(word, "field") == 0) {
        struct member *m = new_member(l, p);
        need(p, num, sizeof num, "a shift");
        m->value = unumber(num);
        need(p, num, sizeof num, "a width");
        m->extra = unumber(num);
        need(p, m->doc, sizeof m->doc, "a doc string");
        if (m->extra == 0 || m->value + m->extra > 64) die("field %s does not fit 64 bits", m->name);
        for (int k = 0; k < l->n - 1; k++) {
            const struct member *o = &pool[l->first + k];
            if (m->value < o->value + o->extra && o->value < m->value + m->extra) die("%s overlaps %s", m->name, o->name);
        }
    } else if (l->kind == L_ENUM && (strcmp(word, "value") == 0 || strcmp(word, "range") == 0)) {
        struct member *m = new_member(l, p);
        need(p, num, sizeof num, "a number");
        snprintf(m->text, sizeof m->text, "%s", num);
        if (isdigit((unsigned char)num[0])) {
            m->value = unumber(num);
        } else {
            const struct member *o = find_value(num);
            if (!o || o->extra) die("unknown value '%s'", num);
            m->value = o->value;
        }
        if (word[0] == 'r') {
            need(p, num, sizeof num, "a count");
            m->extra = unumber(num);
        }
        if (l->names) need(p, m->label, sizeof m->label, "a display name");
        need(p, m->doc, sizeof m->doc, "a doc string");
    } else if (l->kind == L_STRUCT && strcmp(word, "field") == 0) {
        struct_field(l, p);
    } else {
        die("'%s' in %s %s", word, l->kind == L_ENUM ? "enum" : l->kind == L_STRUCT ? "struct" : "bitfield", l->name);
    }
}

int layout_line(const char *word, char *p)
{
    char flag[NAME_LEN];
    if (open_block) {
        block_line(word, &p);
        return 1;
    }
    if (strcmp(word, "arch") == 0) {
        if (narchs >= MAX_ARCHS) die("too many architectures");
        need(&p, arch_names[narchs], NAME_LEN, "an architecture");
        snprintf(arch_files[narchs], sizeof arch_files[narchs], "%s", src_path);
        cur_arch = narchs++;
    } else if (strcmp(word, "bitfield") == 0) {
        struct layout *l = new_layout(L_BITFIELD, &p);
        need(&p, l->prefix, sizeof l->prefix, "a prefix");
        need(&p, l->doc, sizeof l->doc, "a doc string");
        open_block = l;
    } else if (strcmp(word, "enum") == 0) {
        struct layout *l = new_layout(L_ENUM, &p);
        need(&p, l->prefix, sizeof l->prefix, "a prefix");
        need(&p, l->doc, sizeof l->doc, "a doc string");
        while (token(&p, flag, sizeof flag)) {
            if (strcmp(flag, "names") == 0) l->names = 1;
            else if (strcmp(flag, "count") == 0 || strncmp(flag, "count=", 6) == 0) {
                l->count = 1;
                snprintf(l->count_name, sizeof l->count_name, "%s", flag[5] ? flag + 6 : "COUNT");
            }
            else if (strncmp(flag, "kernel=", 7) == 0) snprintf(l->kprefix, sizeof l->kprefix, "%s", flag + 7);
            else die("unknown enum flag '%s'", flag);
        }
        open_block = l;
    } else if (strcmp(word, "struct") == 0) {
        struct layout *l = new_layout(L_STRUCT, &p);
        need(&p, flag, sizeof flag, "a size");
        l->size = unumber(flag);
        need(&p, l->doc, sizeof l->doc, "a doc string");
        open_block = l;
    } else if (strcmp(word, "list") == 0) {
        struct layout *l = new_layout(L_LIST, &p);
        need(&p, l->doc, sizeof l->doc, "a doc string");
        while (token(&p, flag, sizeof flag)) {
            if (l->nitems >= MAX_LIST) die("list %s too long", l->name);
            if (!find_value(flag)) die("unknown value '%s'", flag);
            snprintf(l->items[l->nitems++], NAME_LEN, "%s", flag);
        }
    } else {
        return 0;
    }
    return 1;
}

void layout_begin_file(void)
{
    cur_arch = -1;
}

void layout_end_file(void)
{
    if (open_block) die("%s has no end", open_block->name);
}

int layout_arch_count(void)
{
    return narchs;
}

/* A constant in C: u for 32 bits, ull beyond. */
static void cval(char *out, size_t cap, uint64_t v)
{
    if (v > 0xffffffffu) snprintf(out, cap, "0x%" PRIx64 "ull", v);
    else if (v > 15) snprintf(out, cap, "0x%" PRIx64 "u", v);
    else snprintf(out, cap, "%" PRIu64 "u", v);
}

static uint64_t field_mask(const struct member *m)
{
    return m->extra == 64 ? ~0ull : (1ull << m->extra) - 1;
}

static void write_bitfield(FILE *f, const struct layout *l)
{
    char name[NAME_LEN], fname[NAME_LEN], v[32];
    upper_to_lower(name, l->name);
    fprintf(f, "/* %s */\ntypedef uint64_t bh_%s_t;\n", l->doc, name);
    uint64_t all = 0;
    for (int k = 0; k < l->n; k++) {
        const struct member *m = &pool[l->first + k];
        cval(v, sizeof v, field_mask(m) << m->value);
        all |= field_mask(m) << m->value;
        if (m->extra == 1)
            fprintf(f, "#define BH_%s_%s %s /* bit %" PRIu64 ": %s */\n", l->prefix, m->name, v, m->value, m->doc);
        else
            fprintf(f, "#define BH_%s_%s %s /* bits %" PRIu64 "..%" PRIu64 ": %s */\n", l->prefix, m->name, v, m->value,
                    m->value + m->extra - 1, m->doc);
        fprintf(f, "#define BH_%s_%s_SHIFT %" PRIu64 "u\n", l->prefix, m->name, m->value);
    }
    cval(v, sizeof v, all);
    fprintf(f, "#define BH_%s_ALL %s\n", l->prefix, v);
    /* The constructor takes the fields from the highest down, as the word reads. */
    int order[64], n = 0;
    for (int k = 0; k < l->n; k++) order[n++] = l->first + k;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (pool[order[j]].value > pool[order[i]].value) {
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    fprintf(f, "static inline bh_%s_t bh_%s(", name, name);
    for (int i = 0; i < n; i++) {
        const struct member *m = &pool[order[i]];
        upper_to_lower(fname, m->name);
        fprintf(f, "%s%s %s", i ? ", " : "", m->extra > 32 ? "uint64_t" : "unsigned", fname);
    }
    fprintf(f, ")\n{\n    return ");
    for (int i = 0; i < n; i++) {
        const struct member *m = &pool[order[i]];
        upper_to_lower(fname, m->name);
        cval(v, sizeof v, field_mask(m));
        const char *sep = i ? " |\n           " : "";
        if (m->value + m->extra == 64) fprintf(f, "%s(uint64_t)%s << %" PRIu64, sep, fname, m->value);
        else if (m->value == 0) fprintf(f, "%s((uint64_t)%s & %s)", sep, fname, v);
        else fprintf(f, "%s((uint64_t)%s & %s) << %" PRIu64, sep, fname, v, m->value);
    }
    fprintf(f, ";\n}\n");
    for (int k = 0; k < l->n; k++) {
        const struct member *m = &pool[l->first + k];
        upper_to_lower(fname, m->name);
        cval(v, sizeof v, field_mask(m));
        const char *type = m->extra > 32 ? "uint64_t" : "unsigned";
        if (m->value + m->extra == 64)
            fprintf(f, "static inline %s bh_%s_%s(bh_%s_t w) { return (%s)(w >> %" PRIu64 "); }\n", type, name, fname, name,
                    type, m->value);
        else if (m->value == 0)
            fprintf(f, "static inline %s bh_%s_%s(bh_%s_t w) { return (%s)(w & %s); }\n", type, name, fname, name, type, v);
        else
            fprintf(f, "static inline %s bh_%s_%s(bh_%s_t w) { return (%s)((w >> %" PRIu64 ") & %s); }\n", type, name,
                    fname, name, type, m->value, v);
    }
    fprintf(f, "\n");
}

/* One past the highest value of an enum (ranges included). */
static uint64_t enum_top(const struct layout *l)
{
    uint64_t top = 0;
    for (int k = 0; k < l->n; k++) {
        const struct member *m = &pool[l->first + k];
        uint64_t last = m->value + (m->extra ? m->extra - 1 : 0);
        if (last + 1 > top) top = last + 1;
    }
    return top;
}

static void write_enum(FILE *f, const struct layout *l)
{
    char name[NAME_LEN], v[32];
    upper_to_lower(name, l->name);
    fprintf(f, "/* %s */\n", l->doc);
    for (int k = 0; k < l->n; k++) {
        const struct member *m = &pool[l->first + k];
        cval(v, sizeof v, m->value);
        if (m->extra) {
            fprintf(f, "#define BH_%s_%s(n) (%s + (n)) /* %s (n < %" PRIu64 ") */\n", l->prefix, m->name, v, m->doc, m->extra);
            fprintf(f, "#define BH_%s_%s_COUNT %" PRIu64 "u\n", l->prefix, m->name, m->extra);
        } else {
            fprintf(f, "#define BH_%s_%s %s /* %s */\n", l->prefix, m->name, v, m->doc);
        }
    }
    if (l->count) fprintf(f, "#define BH_%s_%s %" PRIu64 "u\n", l->prefix, l->count_name, enum_top(l));
    if (l->names) {
        fprintf(f, "/* The name of a value, NULL for none. */\nstatic inline const char *bh_%s_name(uint64_t v)\n{\n    switch (v) {\n",
                name);
        for (int k = 0; k < l->n; k++) {
            const struct member *m = &pool[l->first + k];
            fprintf(f, "    case BH_%s_%s: return \"%s\";\n", l->prefix, m->name, m->label);
        }
        fprintf(f, "    default: return NULL;\n    }\n}\n");
    }
    fprintf(f, "\n");
}

static void write_struct(FILE *f, const struct layout *l)
{
    char name[NAME_LEN], fname[NAME_LEN], tname[NAME_LEN + 16];
    upper_to_lower(name, l->name);
    fprintf(f, "/* %s (%" PRIu64 " bytes) */\nstruct bh_%s {\n", l->doc, l->size, name);
    for (int k = 0; k < l->n; k++) {
        const struct member *m = &pool[l->first + k];
        upper_to_lower(fname, m->name);
        if (scalar_size(m->type)) snprintf(tname, sizeof tname, "uint%d_t", (int)scalar_size(m->type) * 8);
        else {
            char lowered[NAME_LEN];
            upper_to_lower(lowered, m->type);
            snprintf(tname, sizeof tname, "struct bh_%s", lowered);
        }
        if (m->count[0]) {
            if (isdigit((unsigned char)m->count[0])) fprintf(f, "    %s %s[%s];", tname, fname, m->count);
            else fprintf(f, "    %s %s[BH_%s];", tname, fname, m->count);
        } else {
            fprintf(f, "    %s %s;", tname, fname);
        }
        fprintf(f, " /* %s */\n", m->doc);
    }
    fprintf(f, "};\n");
    for (int k = 0; k < l->n; k++) {
        const struct member *m = &pool[l->first + k];
        upper_to_lower(fname, m->name);
        fprintf(f, "_Static_assert(offsetof(struct bh_%s, %s) == %" PRIu64 ", \"%s.%s at %" PRIu64 "\");\n", name, fname,
                m->value, name, fname, m->value);
    }
    fprintf(f, "_Static_assert(sizeof(struct bh_%s) == %" PRIu64 ", \"%s is %" PRIu64 " bytes\");\n\n", name, l->size, name,
            l->size);
}

static void write_list(FILE *f, const struct layout *l)
{
    fprintf(f, "/* %s */\n#define BH_%s {", l->doc, l->name);
    for (int i = 0; i < l->nitems; i++) fprintf(f, "%sBH_%s", i ? ", " : "", l->items[i]);
    fprintf(f, "}\n#define BH_%s_COUNT %du\n", l->name, l->nitems);
    /* The items as a set of bits (items below 64), a constant where a table cannot be one. */
    fprintf(f, "#define BH_%s_MASK (", l->name);
    for (int i = 0; i < l->nitems; i++) fprintf(f, "%s1ull << BH_%s", i ? " | " : "", l->items[i]);
    fprintf(f, ")\n\n");
}

static void write_layouts(FILE *f, int arch)
{
    for (int i = 0; i < nlayouts; i++) {
        const struct layout *l = &layouts[i];
        if (l->arch != arch) continue;
        switch (l->kind) {
        case L_BITFIELD: write_bitfield(f, l); break;
        case L_ENUM: write_enum(f, l); break;
        case L_STRUCT: write_struct(f, l); break;
        case L_LIST: write_list(f, l); break;
        }
    }
}

/* log2 of an object's size from abi/bulkhead.abi's object lines: a number, "var" (the size
 * bits given at retype), "var+N" (N more: CNode slots of 2^N bytes), "none". */
static void write_object_sizes(FILE *f)
{
    fprintf(f, "/* log2 of the size in bytes of an object of this type made from untyped memory; user_bits is\n"
               " * Retype's size_bits. 0 for a type that has no memory of its own. */\n");
    for (int i = 0; i < object_count(); i++) {
        const char *oname, *size;
        long value;
        object_info(i, &oname, &value, &size);
        if (strncmp(size, "var+", 4) == 0)
            fprintf(f, "#define BH_OBJ_%s_UNIT_BITS %su /* log2 of the bytes of one unit of size_bits */\n", oname, size + 4);
    }
    fprintf(f, "static inline uint64_t bh_object_size_bits(uint64_t type, uint64_t user_bits)\n{\n    switch (type) {\n");
    for (int i = 0; i < object_count(); i++) {
        const char *oname, *size;
        long value;
        object_info(i, &oname, &value, &size);
        if (strcmp(size, "none") == 0) continue;
        if (strcmp(size, "var") == 0) fprintf(f, "    case %ld: return user_bits;\n", value);
        else if (strncmp(size, "var+", 4) == 0) fprintf(f, "    case %ld: return user_bits + BH_OBJ_%s_UNIT_BITS;\n", value, oname);
        else fprintf(f, "    case %ld: return %s;\n", value, size);
    }
    fprintf(f, "    default: return 0;\n    }\n}\n\n");
}

static void layout_stamp(FILE *f)
{
    fprintf(f, "/* SPDX-License-Identifier: BSD-2-Clause */\n/* Copyright (c) 2026 The Bulkhead authors */\n");
    fprintf(f, "/* Generated by tools/abigen_layout.c from %s (ABI %d). Do not edit. */\n", src_path, abi_version);
}

void layout_write_user(FILE *f)
{
    layout_stamp(f);
    fprintf(f, "/* The layouts shared by the kernel and user level; the kernel includes this header too. */\n");
    fprintf(f, "#ifndef BULKHEAD_LAYOUT_H\n#define BULKHEAD_LAYOUT_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n");
    write_layouts(f, -1);
    write_object_sizes(f);
    fprintf(f, "#endif\n");
}

/* The kernel's own names for the enums marked kernel=K: K_V, as ERR_* and OBJ_* are. */
void layout_write_kernel(FILE *f)
{
    layout_stamp(f);
    fprintf(f, "#ifndef KERNEL_LAYOUT_GEN_H\n#define KERNEL_LAYOUT_GEN_H\n\n#include <bulkhead/layout.h>\n\n");
    for (int i = 0; i < nlayouts; i++) {
        const struct layout *l = &layouts[i];
        char name[NAME_LEN];
        if (l->kind != L_ENUM || !l->kprefix[0] || l->arch != -1) continue;
        upper_to_lower(name, l->name);
        bool fits_int = true;
        for (int k = 0; k < l->n; k++) fits_int = fits_int && pool[l->first + k].value <= 0x7fffffff;
        /* A C enum where its values fit an int (so it can be a type), macros beyond. */
        if (fits_int) fprintf(f, "enum %s {\n", name);
        for (int k = 0; k < l->n; k++) {
            const struct member *m = &pool[l->first + k];
            if (fits_int) fprintf(f, "    %s_%s = BH_%s_%s,\n", l->kprefix, m->name, l->prefix, m->name);
            else fprintf(f, "#define %s_%s BH_%s_%s\n", l->kprefix, m->name, l->prefix, m->name);
        }
        fprintf(f, fits_int ? "};\n\n" : "\n");
    }
    fprintf(f, "#endif\n");
}

void layout_write_arch(FILE *f, int arch)
{
    char upper[NAME_LEN];
    size_t i = 0;
    for (; arch_names[arch][i] && i + 1 < sizeof upper; i++) upper[i] = (char)toupper((unsigned char)arch_names[arch][i]);
    upper[i] = '\0';
    fprintf(f, "/* SPDX-License-Identifier: BSD-2-Clause */\n/* Copyright (c) 2026 The Bulkhead authors */\n");
    fprintf(f, "/* Generated by tools/abigen_layout.c from %s (ABI %d). Do not edit. */\n", arch_files[arch], abi_version);
    fprintf(f, "/* The %s VCPU: its state indices, exit codes and exit summary; the kernel's platform and\n"
               " * user level include this header. The generic exit record is in <bulkhead/layout.h>. */\n",
            arch_names[arch]);
    fprintf(f, "#ifndef BULKHEAD_VCPU_%s_H\n#define BULKHEAD_VCPU_%s_H\n\n#include <stdint.h>\n#include <bulkhead/layout.h>\n\n",
            upper, upper);
    write_layouts(f, arch);
    fprintf(f, "#endif\n");
}

static void reference_layouts(FILE *f, int arch)
{
    for (int i = 0; i < nlayouts; i++) {
        const struct layout *l = &layouts[i];
        if (l->arch != arch) continue;
        char name[NAME_LEN];
        upper_to_lower(name, l->name);
        switch (l->kind) {
        case L_BITFIELD:
            fprintf(f, "\n### Bit field `bh_%s_t` (`BH_%s_*`)\n\n%s\n\n| bits | field | meaning |\n| --- | --- | --- |\n", name,
                    l->prefix, l->doc);
            for (int k = 0; k < l->n; k++) {
                const struct member *m = &pool[l->first + k];
                if (m->extra == 1) fprintf(f, "| %" PRIu64 " | `%s` | %s |\n", m->value, m->name, m->doc);
                else fprintf(f, "| %" PRIu64 "..%" PRIu64 " | `%s` | %s |\n", m->value, m->value + m->extra - 1, m->name, m->doc);
            }
            break;
        case L_ENUM:
            fprintf(f, "\n### Values `BH_%s_*` (%s)\n\n%s\n\n| value | name | meaning |\n| --- | --- | --- |\n", l->prefix, name,
                    l->doc);
            for (int k = 0; k < l->n; k++) {
                const struct member *m = &pool[l->first + k];
                if (m->extra)
                    fprintf(f, "| %s + n, n < %" PRIu64 " | `%s(n)` | %s |\n", m->text, m->extra, m->name, m->doc);
                else if (l->names) fprintf(f, "| %s | `%s` (\"%s\") | %s |\n", m->text, m->name, m->label, m->doc);
                else fprintf(f, "| %s | `%s` | %s |\n", m->text, m->name, m->doc);
            }
            if (l->count) fprintf(f, "\n`BH_%s_%s` = %" PRIu64 ".\n", l->prefix, l->count_name, enum_top(l));
            break;
        case L_STRUCT:
            fprintf(f, "\n### Structure `struct bh_%s` (%" PRIu64 " bytes)\n\n%s\n\n| offset | field | type | meaning |\n"
                       "| --- | --- | --- | --- |\n", name, l->size, l->doc);
            for (int k = 0; k < l->n; k++) {
                const struct member *m = &pool[l->first + k];
                fprintf(f, "| %" PRIu64 " | `%s` | %s%s%s%s | %s |\n", m->value, m->name, m->type, m->count[0] ? "[" : "",
                        m->count, m->count[0] ? "]" : "", m->doc);
            }
            break;
        case L_LIST:
            fprintf(f, "\n### List `BH_%s`\n\n%s:", l->name, l->doc);
            for (int k = 0; k < l->nitems; k++) fprintf(f, " `%s`", l->items[k]);
            fprintf(f, ".\n");
            break;
        }
    }
}

void layout_write_reference(FILE *f)
{
    fprintf(f, "\n## Layouts\n\nShared by the kernel and user level through `<bulkhead/layout.h>`; every structure's offsets and\n"
               "size are asserted wherever the header is compiled.\n");
    reference_layouts(f, -1);
    for (int a = 0; a < narchs; a++) {
        fprintf(f, "\n## VCPU of %s (`<bulkhead/vcpu_%s.h>`, from %s)\n", arch_names[a], arch_names[a], arch_files[a]);
        reference_layouts(f, a);
    }
}
