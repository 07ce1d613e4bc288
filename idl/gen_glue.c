/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Generator: C glue, one directory per instance: DIR/<instance>/glue.h and glue.c.
 * Input: the checked, allocated program. Output: printed files only; every slot, address,
 * badge and message layout printed here was decided by types.c and alloc.c.
 * The glue targets <bulkhead/types.h> and <bulkhead/syscalls.h>; the message layout of
 * each procedure is documented in docs/idl.md ("Messages").
 */
#include "bhidl.h"
#include "../vmm/params.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

struct gen {
    struct ctx *c;
    FILE *h, *s;
    const struct instance *in;
};

static const char *ctype(struct gen *g, const struct typeref *t)
{
    if (t->prim != PRIM_NAMED) return prim_c_name(t->prim);
    return arena_printf(&g->c->arena, "%s %s", t->decl->kind == TD_STRUCT ? "struct" : "enum", t->decl->name);
}

static int is_scalar(const struct typeref *t)
{
    return !t->is_array && (t->prim != PRIM_NAMED || t->decl->kind == TD_ENUM);
}

/* One parameter as the C prototypes spell it (client stub and server implementation). */
static const char *cparam(struct gen *g, const struct param *p)
{
    const char *ty = ctype(g, &p->type);
    struct arena *a = &g->c->arena;
    if (p->type.prim == PRIM_CAP) return arena_printf(a, p->dir == DIR_IN ? "bh_cptr_t %s" : "bh_cptr_t *%s", p->name);
    if (p->type.is_array)
        return arena_printf(a, "%s%s %s[%llu]", p->dir == DIR_IN ? "const " : "", ty, p->name,
                            (unsigned long long)p->type.array_len);
    if (p->dir == DIR_IN) return is_scalar(&p->type) ? arena_printf(a, "%s %s", ty, p->name)
                                                     : arena_printf(a, "const %s *%s", ty, p->name);
    return arena_printf(a, "%s *%s", ty, p->name);
}

static void proto(struct gen *g, FILE *f, const char *port, const struct proc *pr, int server)
{
    fprintf(f, "int %s_%s(", port, pr->name);
    int first = 1;
    if (server) {
        fprintf(f, "bh_word_t badge");
        first = 0;
    }
    for (size_t i = 0; i < pr->params.n; i++) {
        fprintf(f, "%s%s", first ? "" : ", ", cparam(g, &pr->params.v[i]));
        first = 0;
    }
    if (pr->ret.prim != PRIM_VOID) {
        fprintf(f, "%s%s *ret", first ? "" : ", ", ctype(g, &pr->ret));
        first = 0;
    }
    if (first) fprintf(f, "void");
    fprintf(f, ")");
}

/* The byte size of an array or struct value, spelled without sizeof on a parameter. */
static const char *bytes_expr(struct gen *g, const struct typeref *t)
{
    if (t->is_array)
        return arena_printf(&g->c->arena, "sizeof(%s) * %lluu", ctype(g, t), (unsigned long long)t->array_len);
    return arena_printf(&g->c->arena, "sizeof(%s)", ctype(g, t));
}

/* Moves a value into message registers from mr on. */
static void put_value(struct gen *g, FILE *f, const struct typeref *t, const char *expr, const char *addr, unsigned mr)
{
    if (is_scalar(t)) fprintf(f, "    bh_set_mr(%u, (bh_word_t)%s);\n", mr, expr);
    else fprintf(f, "    bhidl_put_bytes(%u, %s, %s);\n", mr, addr, bytes_expr(g, t));
}

static void get_value(struct gen *g, FILE *f, const struct typeref *t, const char *lhs, const char *addr, unsigned mr)
{
    if (t->prim == PRIM_BOOL && !t->is_array) fprintf(f, "    %s = bh_get_mr(%u) != 0;\n", lhs, mr);
    else if (is_scalar(t)) fprintf(f, "    %s = (%s)bh_get_mr(%u);\n", lhs, ctype(g, t), mr);
    else fprintf(f, "    bhidl_get_bytes(%u, %s, %s);\n", mr, addr, bytes_expr(g, t));
}

static void gen_client(struct gen *g, const struct port *po, const struct port_alloc *pa)
{
    const struct interface *in = po->iface;
    FILE *h = g->h, *s = g->s;
    struct arena *a = &g->c->arena;
    fprintf(h, "\n/* RPC client: uses %s %s. Each stub returns BHIDL_OK, a BHIDL_ERR_* code, or the server's "
               "own error code. */\n", in->name, po->name);
    fprintf(h, "#define CONN_%s_CPTR %uu /* endpoint of '%s', badge %llu */\n", po->name, pa->slot,
            pa->peers.v[0].inst->name, (unsigned long long)pa->peers.v[0].conn->badge);
    for (size_t k = 0; k < in->procs.n; k++) {
        const struct proc *pr = &in->procs.v[k];
        proto(g, h, po->name, pr, 0);
        fprintf(h, ";\n");
        fprintf(s, "\n");
        proto(g, s, po->name, pr, 0);
        fprintf(s, "\n{\n");
        for (size_t i = 0; i < pr->params.n; i++) {
            const struct param *p = &pr->params.v[i];
            if (p->type.prim == PRIM_CAP) {
                if (p->dir == DIR_IN) fprintf(s, "    bh_set_cap(%u, %s);\n", p->cap_index, p->name);
                continue;
            }
            if (p->dir == DIR_OUT) continue;
            const char *val = p->type.is_array ? p->name : p->dir == DIR_IN ? (is_scalar(&p->type) ? p->name : arena_printf(a, "*%s", p->name))
                                                                            : arena_printf(a, "*%s", p->name);
            const char *addr = p->type.is_array || p->dir != DIR_IN || !is_scalar(&p->type) ? p->name : NULL;
            put_value(g, s, &p->type, val, addr, p->req_mr);
        }
        if (pr->rep_caps) fprintf(s, "    bh_set_receive_slot(BH_SLOT_CNODE, BH_RECV_SLOT, BH_CNODE_RADIX);\n");
        fprintf(s, "    bh_msginfo_t info = bh_call(CONN_%s_CPTR, bh_msginfo(%uu /* %s */, 0, %uu, %uu));\n", po->name,
                pr->label, pr->name, pr->req_caps, pr->req_words);
        fprintf(s, "    if (bh_msginfo_label(info) != 0)\n        return (int)bh_msginfo_label(info);\n");
        fprintf(s, "    if (bh_msginfo_length(info) != %uu || bh_msginfo_extra_caps(info) != %uu)\n"
                   "        return BHIDL_ERR_BAD_MESSAGE;\n", pr->rep_words, pr->rep_caps);
        if (pr->ret.prim != PRIM_VOID) get_value(g, s, &pr->ret, "*ret", "ret", pr->ret_mr);
        for (size_t i = 0; i < pr->params.n; i++) {
            const struct param *p = &pr->params.v[i];
            if (p->dir == DIR_IN) continue;
            if (p->type.prim == PRIM_CAP) {
                fprintf(s, "    *%s = BH_RECV_SLOT;\n", p->name);
                continue;
            }
            get_value(g, s, &p->type, p->type.is_array ? p->name : arena_printf(a, "*%s", p->name), p->name, p->rep_mr);
        }
        fprintf(s, "    return BHIDL_OK;\n}\n");
    }
}

static void gen_server_proc(struct gen *g, const struct port *po, const struct proc *pr)
{
    FILE *s = g->s;
    struct arena *a = &g->c->arena;
    fprintf(s, "\nstatic bh_msginfo_t %s__%s(bh_word_t badge, bh_msginfo_t info)\n{\n", po->name, pr->name);
    fprintf(s, "    if (bh_msginfo_length(info) != %uu || bh_msginfo_extra_caps(info) != %uu)\n"
               "        return bh_msginfo(BHIDL_ERR_BAD_MESSAGE, 0, 0, 0);\n", pr->req_words, pr->req_caps);
    for (size_t i = 0; i < pr->params.n; i++) {
        const struct param *p = &pr->params.v[i];
        if (p->type.prim == PRIM_CAP) {
            fprintf(s, "    bh_cptr_t %s = %s;\n", p->name, p->dir == DIR_IN ? "BH_RECV_SLOT" : "0");
            continue;
        }
        if (is_scalar(&p->type) && p->dir != DIR_OUT) {
            if (p->type.prim == PRIM_BOOL)
                fprintf(s, "    bool %s = bh_get_mr(%u) != 0;\n", p->name, p->req_mr);
            else
                fprintf(s, "    %s %s = (%s)bh_get_mr(%u);\n", ctype(g, &p->type), p->name, ctype(g, &p->type), p->req_mr);
            continue;
        }
        if (p->type.is_array)
            fprintf(s, "    %s %s[%llu] = {0};\n", ctype(g, &p->type), p->name, (unsigned long long)p->type.array_len);
        else if (is_scalar(&p->type))
            fprintf(s, "    %s %s = 0;\n", ctype(g, &p->type), p->name);
        else
            fprintf(s, "    %s %s = {0};\n", ctype(g, &p->type), p->name);
        if (p->dir != DIR_OUT) get_value(g, s, &p->type, p->name, p->type.is_array ? p->name : arena_printf(a, "&%s", p->name), p->req_mr);
    }
    if (pr->ret.prim != PRIM_VOID)
        fprintf(s, "    %s ret = %s;\n", ctype(g, &pr->ret), is_scalar(&pr->ret) ? "0" : "{0}");
    fprintf(s, "    int err = %s_%s(badge", po->name, pr->name);
    for (size_t i = 0; i < pr->params.n; i++) {
        const struct param *p = &pr->params.v[i];
        int by_addr = !p->type.is_array && (p->dir != DIR_IN || (!is_scalar(&p->type) && p->type.prim != PRIM_CAP));
        fprintf(s, ", %s%s", by_addr ? "&" : "", p->name);
    }
    if (pr->ret.prim != PRIM_VOID) fprintf(s, ", &ret");
    fprintf(s, ");\n    if (err != 0)\n        return bh_msginfo((bh_word_t)err, 0, 0, 0);\n");
    if (pr->ret.prim != PRIM_VOID) put_value(g, s, &pr->ret, "ret", "&ret", pr->ret_mr);
    for (size_t i = 0; i < pr->params.n; i++) {
        const struct param *p = &pr->params.v[i];
        if (p->dir == DIR_IN) continue;
        if (p->type.prim == PRIM_CAP) {
            fprintf(s, "    bh_set_cap(%u, %s);\n", p->cap_index, p->name);
            continue;
        }
        put_value(g, s, &p->type, p->name, p->type.is_array ? p->name : arena_printf(a, "&%s", p->name), p->rep_mr);
    }
    fprintf(s, "    return bh_msginfo(0, 0, %uu, %uu);\n}\n", pr->rep_caps, pr->rep_words);
}

static void gen_server(struct gen *g, const struct port *po, const struct port_alloc *pa)
{
    const struct interface *in = po->iface;
    FILE *h = g->h, *s = g->s;
    fprintf(h, "\n/* RPC server: provides %s %s. Implement each %s_<procedure>: return 0, or a positive error code\n"
               " * that the client's stub returns. 'badge' says which client called (the CONN_%s_CLIENT_* values). */\n",
            in->name, po->name, po->name, po->name);
    fprintf(h, "#define CONN_%s_CPTR %uu /* endpoint */\n", po->name, pa->slot);
    for (size_t j = 0; j < pa->peers.n; j++)
        fprintf(h, "#define CONN_%s_CLIENT_%s %lluu\n", po->name, pa->peers.v[j].inst->name,
                (unsigned long long)pa->peers.v[j].conn->badge);
    /* The same as a table, for servers that treat clients alike: {badge, instance name}. */
    fprintf(h, "#define CONN_%s_CLIENT_COUNT %zuu\n", po->name, pa->peers.n);
    if (pa->peers.n) {
        fprintf(h, "#define CONN_%s_CLIENT_TABLE {", po->name);
        for (size_t j = 0; j < pa->peers.n; j++)
            fprintf(h, "%s{%lluu, \"%s\"}", j ? ", " : "", (unsigned long long)pa->peers.v[j].conn->badge,
                    pa->peers.v[j].inst->name);
        fprintf(h, "}\n");
    }
    for (size_t k = 0; k < in->procs.n; k++) {
        proto(g, h, po->name, &in->procs.v[k], 1);
        fprintf(h, ";\n");
    }
    fprintf(h, "/* Handles one request already in the IPC buffer; returns the reply's message info. */\n");
    fprintf(h, "bh_msginfo_t %s__dispatch(bh_word_t badge, bh_msginfo_t info);\n", po->name);
    fprintf(h, "/* Receives requests on CONN_%s_CPTR and answers them, forever. */\n", po->name);
    fprintf(h, "_Noreturn void %s_run(void);\n", po->name);
    for (size_t k = 0; k < in->procs.n; k++) gen_server_proc(g, po, &in->procs.v[k]);
    fprintf(s, "\nbh_msginfo_t %s__dispatch(bh_word_t badge, bh_msginfo_t info)\n{\n", po->name);
    fprintf(s, "    switch (bh_msginfo_label(info)) {\n");
    for (size_t k = 0; k < in->procs.n; k++)
        fprintf(s, "    case %uu:\n        return %s__%s(badge, info);\n", in->procs.v[k].label, po->name,
                in->procs.v[k].name);
    fprintf(s, "    default:\n        (void)badge;\n        return bh_msginfo(BHIDL_ERR_UNKNOWN_METHOD, 0, 0, 0);\n    }\n}\n");
    fprintf(s, "\n_Noreturn void %s_run(void)\n{\n    bh_word_t badge = 0;\n", po->name);
    if (in->has_caps) fprintf(s, "    bh_set_receive_slot(BH_SLOT_CNODE, BH_RECV_SLOT, BH_CNODE_RADIX);\n");
    fprintf(s, "    bh_msginfo_t info = bh_recv(CONN_%s_CPTR, &badge);\n    for (;;) {\n", po->name);
    fprintf(s, "        bh_msginfo_t reply = %s__dispatch(badge, info);\n", po->name);
    if (in->has_caps) fprintf(s, "        bh_set_receive_slot(BH_SLOT_CNODE, BH_RECV_SLOT, BH_CNODE_RADIX);\n");
    fprintf(s, "        info = bh_reply_recv(CONN_%s_CPTR, reply, &badge);\n    }\n}\n", po->name);
}

static void gen_events(struct gen *g, const struct port *po, const struct port_alloc *pa)
{
    FILE *h = g->h, *s = g->s;
    if (po->kind == PORT_EMITS) {
        fprintf(h, "\n/* Event emitter '%s': signals every consumer. */\n", po->name);
        for (size_t j = 0; j < pa->peers.n; j++)
            fprintf(h, "#define EVT_%s_TO_%s_CPTR %uu /* badge 0x%llx */\n", po->name, pa->peers.v[j].inst->name,
                    pa->peers.v[j].slot, (unsigned long long)pa->peers.v[j].conn->badge);
        /* The same as a table, for emitters that signal consumers one at a time: {cptr, instance name}. */
        fprintf(h, "#define EVT_%s_TO_COUNT %zuu\n", po->name, pa->peers.n);
        if (pa->peers.n) {
            fprintf(h, "#define EVT_%s_TO_TABLE {", po->name);
            for (size_t j = 0; j < pa->peers.n; j++)
                fprintf(h, "%s{%uu, \"%s\"}", j ? ", " : "", pa->peers.v[j].slot, pa->peers.v[j].inst->name);
            fprintf(h, "}\n");
        }
        fprintf(h, "void %s_emit(void);\n", po->name);
        fprintf(s, "\nvoid %s_emit(void)\n{\n", po->name);
        for (size_t j = 0; j < pa->peers.n; j++) fprintf(s, "    bh_signal(EVT_%s_TO_%s_CPTR);\n", po->name, pa->peers.v[j].inst->name);
        fprintf(s, "}\n");
    } else {
        fprintf(h, "\n/* Event consumer '%s': wait/poll return the badge bits of the emitters that signalled. */\n",
                po->name);
        fprintf(h, "#define EVT_%s_CPTR %uu /* notification */\n", po->name, pa->slot);
        for (size_t j = 0; j < pa->peers.n; j++)
            fprintf(h, "#define EVT_%s_FROM_%s 0x%llxu\n", po->name, pa->peers.v[j].inst->name,
                    (unsigned long long)pa->peers.v[j].conn->badge);
        fprintf(h, "bh_word_t %s_wait(void);\nbh_word_t %s_poll(void);\n", po->name, po->name);
        fprintf(s, "\nbh_word_t %s_wait(void)\n{\n    return bh_wait(EVT_%s_CPTR);\n}\n", po->name, po->name);
        fprintf(s, "\nbh_word_t %s_poll(void)\n{\n    return bh_poll(EVT_%s_CPTR);\n}\n", po->name, po->name);
    }
}

static void gen_types(struct gen *g)
{
    FILE *h = g->h;
    const struct program *pr = &g->c->prog;
    if (!pr->type_order.n) return;
    fprintf(h, "\n/* Types (the same in every instance's glue). */\n");
    for (size_t i = 0; i < pr->type_order.n; i++) {
        const struct typedecl *td = pr->type_order.v[i];
        fprintf(h, "#ifndef BHIDL_TYPE_%s\n#define BHIDL_TYPE_%s\n", td->name, td->name);
        if (td->kind == TD_ENUM) {
            fprintf(h, "enum %s {\n", td->name);
            for (size_t k = 0; k < td->values.n; k++)
                fprintf(h, "    %s = %lld,\n", td->values.v[k].name, (long long)td->values.v[k].value);
            fprintf(h, "};\n");
        } else {
            fprintf(h, "struct %s {\n", td->name);
            for (size_t k = 0; k < td->fields.n; k++) {
                const struct field *f = &td->fields.v[k];
                if (f->type.is_array)
                    fprintf(h, "    %s %s[%llu];\n", ctype(g, &f->type), f->name, (unsigned long long)f->type.array_len);
                else
                    fprintf(h, "    %s %s;\n", ctype(g, &f->type), f->name);
            }
            fprintf(h, "};\n_Static_assert(sizeof(struct %s) == %llu, \"bhidl's layout of struct %s\");\n", td->name,
                    (unsigned long long)td->size, td->name);
        }
        fprintf(h, "#endif\n");
    }
}

/* The generated glue carries the license of the description it came from: the
 * SPDX-License-Identifier line among the first lines of the source, if it has one. */
static void print_source_license(FILE *f, const char *path)
{
    char line[256];
    FILE *src = fopen(path, "r");
    if (!src) return;
    for (int n = 0; n < 5 && fgets(line, sizeof line, src); n++) {
        const char *tag = strstr(line, "SPDX-License-Identifier:");
        if (!tag) continue;
        size_t len = strcspn(tag, "\r\n");
        while (len > 0 && (tag[len - 1] == ' ' || tag[len - 1] == '/' || tag[len - 1] == '*')) len--;
        fprintf(f, "/* %.*s */\n", (int)len, tag);
        break;
    }
    fclose(src);
}

static void gen_header_top(struct gen *g)
{
    const struct instance *in = g->in;
    const struct inst_alloc *ia = in->alloc;
    FILE *h = g->h;
    print_source_license(h, g->c->prog.file);
    fprintf(h, "/* Generated by bhidl from %s: instance '%s' of %s '%s'. Do not edit. */\n", g->c->prog.file,
            in->name, in->comp->is_guest ? "guest" : "component", in->comp->name);
    fprintf(h, "/* Include the glue of one instance per translation unit. */\n");
    fprintf(h, "#ifndef BHIDL_GLUE_%s_H\n#define BHIDL_GLUE_%s_H\n\n", in->name, in->name);
    fprintf(h, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <bulkhead/types.h>\n\n");
    fprintf(h, "/* Status of generated stubs; implementations return 0 or their own codes above these. */\n");
    fprintf(h, "#define BHIDL_OK 0\n#define BHIDL_ERR_UNKNOWN_METHOD 1\n#define BHIDL_ERR_BAD_MESSAGE 2\n");
    fprintf(h, "\n/* CSpace: one CNode of 2^%u slots; slot 0 is always empty. */\n", ia->radix);
    fprintf(h, "#define BH_CNODE_RADIX %uu\n#define BH_SLOT_TCB 1u\n#define BH_SLOT_CNODE 2u\n#define BH_SLOT_VSPACE 3u\n"
               "#define BH_SLOT_IPC_BUFFER 4u\n", ia->radix);
    fprintf(h, "/* Free for the instance's own use (received capabilities, copies): */\n");
    fprintf(h, "#define BH_SLOT_FREE_FIRST %uu\n#define BH_SLOT_FREE_LAST %uu\n", ia->free_first, ia->free_last);
    if (ia->recv_slot) fprintf(h, "/* Where a capability received in an RPC lands: */\n#define BH_RECV_SLOT %uu\n", ia->recv_slot);
    fprintf(h, "\n/* Threads */\n");
    for (size_t t = 0; t < ia->thread_tcb_slot.n; t++) {
        const char *tn = in->comp->is_guest ? arena_printf(&g->c->arena, "vcpu%zu", t)
                         : in->comp->threads.n ? in->comp->threads.v[t].name : "main";
        fprintf(h, "#define THREAD_%s_TCB_CPTR %uu\n#define THREAD_%s_IPC_BUFFER_CPTR %uu\n", tn, ia->thread_tcb_slot.v[t],
                tn, ia->thread_ipc_slot.v[t]);
        fprintf(h, "#define THREAD_%s_IPC_BUFFER_VADDR 0x%llxull\n#define THREAD_%s_STACK_TOP 0x%llxull\n", tn,
                (unsigned long long)ia->thread_ipc_vaddr.v[t], tn, (unsigned long long)ia->thread_stack_top.v[t]);
    }
    if (!in->comp->is_guest && in->comp->heap)
        fprintf(h, "#define BH_HEAP_VADDR 0x%llxull\n#define BH_HEAP_SIZE %lluu\n", (unsigned long long)VA_HEAP,
                (unsigned long long)in->comp->heap);
    if (in->comp->is_guest) {
        fprintf(h, "\n/* The guest this VMM runs: its guest-physical space, vCPUs (one per thread above) and RAM,\n"
                   " * large frames mapped from guest-physical 0 and, in this VMM, from BH_GUEST_RAM_VADDR. */\n");
        fprintf(h, "#define BH_GUEST_SPACE_CPTR %uu\n#define BH_GUEST_VCPU_FIRST_CPTR %uu\n#define BH_GUEST_VCPUS %lluu\n",
                ia->guest_space_slot, ia->vcpu_first_slot, (unsigned long long)in->comp->vcpus);
        fprintf(h, "/* vCPU n's notification (n = 0: the event line) at BH_GUEST_EVENTS_CPTR + n. */\n");
        fprintf(h, "#define BH_GUEST_EVENTS_CPTR %uu\n", ia->events_slot);
        fprintf(h, "#define BH_GUEST_RAM_FIRST_CPTR %uu\n#define BH_GUEST_RAM_FRAMES %uu\n", ia->ram_first_slot,
                ia->ram_count);
        fprintf(h, "#define BH_GUEST_RAM_VADDR 0x%llxull\n#define BH_GUEST_RAM_SIZE 0x%llxull\n",
                (unsigned long long)VA_GUEST_RAM, (unsigned long long)in->comp->memory);
        if (in->comp->arch == ARCH_X86_PVH) {
            fprintf(h, "/* Its grant frames, mapped in this VMM from BH_GUEST_GRANT_VADDR, and the spare page\n"
                       " * tables it maps them into the guest-physical space with. */\n");
            fprintf(h, "#define BH_GUEST_GRANT_FIRST_CPTR %uu\n#define BH_GUEST_GRANT_FRAMES %uu\n", ia->grant_first_slot,
                    VMM_GNTTAB_FRAMES);
            fprintf(h, "#define BH_GUEST_GRANT_VADDR 0x%llxull\n", (unsigned long long)VA_GRANT);
            fprintf(h, "#define BH_GUEST_GRANT_TABLE_FIRST_CPTR %uu\n#define BH_GUEST_GRANT_TABLES %uu\n",
                    ia->grant_table_first_slot, VMM_GNTTAB_TABLES);
        }
    }
}

static void gen_hardware(struct gen *g)
{
    const struct component *co = g->in->comp;
    const struct inst_alloc *ia = g->in->alloc;
    FILE *h = g->h;
    if (!co->hw.n) return;
    fprintf(h, "\n/* Hardware */\n");
    if (ia->irq_ntfn_slot) fprintf(h, "#define HW_IRQ_NOTIFICATION_CPTR %uu\n", ia->irq_ntfn_slot);
    for (size_t k = 0; k < co->hw.n; k++) {
        const struct hw *w = &co->hw.v[k];
        switch (w->kind) {
        case HW_MEM:
            fprintf(h, "#define HW_%s_FIRST_FRAME_CPTR %uu\n#define HW_%s_VADDR 0x%llxull\n#define HW_%s_SIZE 0x%llxull\n",
                    w->name, ia->hw_slot.v[k], w->name, (unsigned long long)ia->hw_vaddr.v[k], w->name,
                    (unsigned long long)w->size);
            break;
        case HW_IRQ:
            fprintf(h, "#define HW_%s_IRQ_CPTR %uu\n#define HW_%s_IRQ_BIT 0x%llxull /* IRQ %llu */\n", w->name,
                    ia->hw_slot.v[k], w->name, 1ull << ia->hw_bit.v[k], (unsigned long long)w->irq);
            break;
        case HW_IOPORT:
            fprintf(h, "#define HW_%s_IOPORT_CPTR %uu /* ports 0x%llx..0x%llx */\n", w->name, ia->hw_slot.v[k],
                    (unsigned long long)w->base, (unsigned long long)w->size);
            break;
        case HW_PCI:
            fprintf(h, "#define HW_%s_IOSPACE_CPTR %uu /* PCI %02x:%02x.%x */\n", w->name, ia->hw_slot.v[k],
                    w->bdf >> 8, w->bdf >> 3 & 31, w->bdf & 7);
            break;
        }
    }
}

/* Every thread starts at the ELF entry; the runtime passes the thread's index (the root
 * server stores it in the IPC buffer's user_data word) to bhidl_thread_start. */
static void gen_thread_start(struct gen *g)
{
    const struct component *co = g->in->comp;
    FILE *h = g->h, *s = g->s;
    if (co->is_guest || co->threads.n < 2) return;
    fprintf(h, "\n/* Threads after the first: each starts in thread_<name>(), which you implement. The runtime\n"
               " * calls bhidl_thread_start(index) with the index from the IPC buffer's user_data word;\n"
               " * index 0 is the first thread, which runs main(). */\n");
    for (size_t t = 1; t < co->threads.n; t++) fprintf(h, "void thread_%s(void);\n", co->threads.v[t].name);
    fprintf(h, "/* Returns 0 after running thread 'index', -1 for index 0 or an unknown index. */\n");
    fprintf(h, "int bhidl_thread_start(bh_word_t index);\n");
    fprintf(s, "\nint bhidl_thread_start(bh_word_t index)\n{\n    switch (index) {\n");
    for (size_t t = 1; t < co->threads.n; t++)
        fprintf(s, "    case %zuu:\n        thread_%s();\n        return 0;\n", t, co->threads.v[t].name);
    fprintf(s, "    default:\n        return -1;\n    }\n}\n");
}

/* Which byte-packing helpers the glue calls: emitted only when used (clang warns otherwise). */
static void byte_helpers_needed(const struct component *co, int *put, int *get)
{
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        if (po->kind != PORT_USES && po->kind != PORT_PROVIDES) continue;
        int server = po->kind == PORT_PROVIDES;
        for (size_t j = 0; j < po->iface->procs.n; j++) {
            const struct proc *pr = &po->iface->procs.v[j];
            if (pr->ret.prim != PRIM_VOID && !is_scalar(&pr->ret)) *(server ? put : get) = 1;
            for (size_t i = 0; i < pr->params.n; i++) {
                const struct param *pa = &pr->params.v[i];
                if (pa->type.prim == PRIM_CAP || is_scalar(&pa->type)) continue;
                if (pa->dir != DIR_OUT) *(server ? get : put) = 1;
                if (pa->dir != DIR_IN) *(server ? put : get) = 1;
            }
        }
    }
}

/* A string value for the device table: pvdev.c allows no '"' or '\\' in them. */
static const char *str_or_empty(const char *v)
{
    return v ? v : "";
}

/* A component serving xenstore channels gets the PV devices whose two guests it serves: what it
 * writes in their trees at start, as a toolstack would (servers/xenstore/tree.c's struct
 * xs_device has these fields). With none, a count of 0 and one empty entry (C has no empty
 * initializer). */
static void gen_pv_devices(struct gen *g)
{
    const struct component *co = g->in->comp;
    bool serves = false;
    for (size_t k = 0; k < co->ports.n; k++)
        if (co->ports.v[k].kind == PORT_CHANNEL && co->ports.v[k].chan == CHAN_XENSTORE) serves = true;
    if (!serves || co->is_guest) return;
    const struct program *pr = &g->c->prog;
    unsigned n = 0;
    for (size_t i = 0; i < pr->conns.n; i++)
        if (pr->conns.v[i]->pv && pr->conns.v[i]->pv->store == g->in) n++;
    fprintf(g->h, "\n/* Xen PV devices between the guests this xenstore serves (connect vif/vbd): frontend -> backend. */\n");
    fprintf(g->h, "#define PV_DEVICE_COUNT %uu\n#define PV_DEVICE_TABLE { \\\n", n);
    if (!n) fprintf(g->h, "    {.kind = \"\"}, \\\n");
    for (size_t i = 0; i < pr->conns.n; i++) {
        const struct connection *cn = pr->conns.v[i];
        const struct pvdev *pv = cn->pv;
        if (!pv || pv->store != g->in) continue;
        fprintf(g->h, "    {.kind = \"%s\", .devid = %uu, .front_domid = %uu, .back_domid = %uu, .front = \"%s\", "
                      ".back = \"%s\", \\\n     .mac = \"%s\", .bridge = \"%s\", .dev = \"%s\", .target = \"%s\", "
                      ".physical = \"%s\", .read_only = %d}, \\\n",
                pv_kind_name(pv->kind), (unsigned)pv->devid, (unsigned)cn->from.inst->alloc->domid,
                (unsigned)cn->to.inst->alloc->domid, cn->from.inst->name, cn->to.inst->name, str_or_empty(pv->mac),
                str_or_empty(pv->bridge), str_or_empty(pv->dev), str_or_empty(pv->target), str_or_empty(pv->physical),
                pv->read_only);
    }
    fprintf(g->h, "}\n");
}

static void gen_instance(struct gen *g)
{
    const struct component *co = g->in->comp;
    const struct inst_alloc *ia = g->in->alloc;
    FILE *h = g->h, *s = g->s;
    gen_header_top(g);
    gen_types(g);
    gen_hardware(g);
    print_source_license(s, g->c->prog.file);
    fprintf(s, "/* Generated by bhidl from %s: instance '%s' of %s '%s'. Do not edit. */\n", g->c->prog.file,
            g->in->name, co->is_guest ? "guest" : "component", co->name);
    fprintf(s, "#include \"glue.h\"\n\n#include <bulkhead/syscalls.h>\n");
    int need_put = 0, need_get = 0;
    byte_helpers_needed(co, &need_put, &need_get);
    if (need_put || need_get)
        fprintf(s, "\n/* Arrays and structs travel as bytes packed little-endian into message registers. */\n");
    if (need_put)
        fprintf(s, "static inline void bhidl_put_bytes(unsigned mr, const void *src, size_t n)\n{\n"
               "    const unsigned char *p = src;\n"
               "    for (size_t i = 0; i < n; i += 8) {\n"
               "        bh_word_t w = 0;\n"
               "        for (size_t k = 0; k < 8 && i + k < n; k++)\n"
               "            w |= (bh_word_t)p[i + k] << (8 * k);\n"
               "        bh_set_mr(mr + (unsigned)(i / 8), w);\n"
               "    }\n}\n%s", need_get ? "\n" : "");
    if (need_get)
        fprintf(s, "static inline void bhidl_get_bytes(unsigned mr, void *dst, size_t n)\n{\n"
               "    unsigned char *p = dst;\n"
               "    for (size_t i = 0; i < n; i += 8) {\n"
               "        bh_word_t w = bh_get_mr(mr + (unsigned)(i / 8));\n"
               "        for (size_t k = 0; k < 8 && i + k < n; k++)\n"
               "            p[i + k] = (unsigned char)(w >> (8 * k));\n"
               "    }\n}\n");
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        const struct port_alloc *pa = &ia->ports[k];
        switch (po->kind) {
        case PORT_USES: gen_client(g, po, pa); break;
        case PORT_PROVIDES: gen_server(g, po, pa); break;
        case PORT_EMITS:
        case PORT_CONSUMES: gen_events(g, po, pa); break;
        case PORT_DATAPORT:
            fprintf(h, "\n/* Dataport '%s': %llu bytes, %s%s. */\n", po->name, (unsigned long long)po->size,
                    po->rights & RIGHT_READ ? "read" : "", po->rights == (RIGHT_READ | RIGHT_WRITE) ? "/write"
                                                          : po->rights & RIGHT_WRITE ? "write" : "");
            fprintf(h, "#define DP_%s_VADDR 0x%llxull\n#define DP_%s_SIZE %lluu\n", po->name, (unsigned long long)pa->vaddr,
                    po->name, (unsigned long long)po->size);
            fprintf(h, "static inline volatile void *%s_ptr(void)\n{\n    return (volatile void *)(uintptr_t)DP_%s_VADDR;\n}\n",
                    po->name, po->name);
            fprintf(h, "static inline size_t %s_size(void)\n{\n    return (size_t)DP_%s_SIZE;\n}\n", po->name, po->name);
            break;
        case PORT_CHANNEL:
            fprintf(h, "\n/* Channel '%s' (%s)%s */\n", po->name, chan_kind_name(po->chan), pa->peers.n ? "" : ": unconnected");
            fprintf(h, "#define CHAN_%s_CONNECTED %d\n", po->name, pa->peers.n ? 1 : 0);
            if (!pa->peers.n) {
                /* The same names, empty, so that code serving several channels compiles alike. */
                fprintf(h, "#define CHAN_%s_PEER \"\"\n#define CHAN_%s_ENDPOINT_CPTR 0u\n#define CHAN_%s_PEER_ENDPOINT_CPTR 0u\n",
                        po->name, po->name, po->name);
                fprintf(h, "#define CHAN_%s_NOTIFICATION_CPTR 0u\n#define CHAN_%s_PEER_NOTIFICATION_CPTR 0u\n", po->name, po->name);
                fprintf(h, "#define CHAN_%s_RING_VADDR 0x0ull\n#define CHAN_%s_RING_SIZE 0u\n", po->name, po->name);
                fprintf(h, "#define CHAN_%s_PEER_DOMID 0u\n#define CHAN_%s_PEER_VCPUS 0u\n", po->name, po->name);
                break;
            }
            fprintf(h, "#define CHAN_%s_PEER \"%s\" /* the instance at the other end */\n", po->name, pa->peers.v[0].inst->name);
            fprintf(h, "#define CHAN_%s_ENDPOINT_CPTR %uu /* receive requests from '%s' */\n", po->name, pa->slot,
                    pa->peers.v[0].inst->name);
            fprintf(h, "#define CHAN_%s_PEER_ENDPOINT_CPTR %uu /* send requests to '%s' */\n", po->name, pa->slot4,
                    pa->peers.v[0].inst->name);
            fprintf(h, "#define CHAN_%s_NOTIFICATION_CPTR %uu /* signalled by the peer */\n", po->name, pa->slot2);
            fprintf(h, "#define CHAN_%s_PEER_NOTIFICATION_CPTR %uu /* signals the peer */\n", po->name, pa->slot3);
            fprintf(h, "#define CHAN_%s_RING_VADDR 0x%llxull\n#define CHAN_%s_RING_SIZE 4096u\n", po->name,
                    (unsigned long long)pa->vaddr, po->name);
            fprintf(h, "#define CHAN_%s_PEER_DOMID %uu /* the peer's domain id when it is a guest, else 0 */\n", po->name,
                    (unsigned)pa->peers.v[0].inst->alloc->domid);
            fprintf(h, "#define CHAN_%s_PEER_VCPUS %uu /* the peer's vCPUs when it is a guest, else 0 */\n", po->name,
                    pa->peers.v[0].inst->comp->is_guest ? (unsigned)pa->peers.v[0].inst->comp->vcpus : 0u);
            break;
        }
    }
    gen_pv_devices(g);
    gen_thread_start(g);
    fprintf(h, "\n#endif\n");
}

static int open_pair(struct gen *g, const char *dir)
{
    const char *hp = arena_printf(&g->c->arena, "%s/glue.h", dir), *sp = arena_printf(&g->c->arena, "%s/glue.c", dir);
    g->h = fopen(hp, "w");
    g->s = g->h ? fopen(sp, "w") : NULL;
    if (!g->h || !g->s) {
        perror(g->h ? sp : hp);
        if (g->h) fclose(g->h);
        return -1;
    }
    return 0;
}

int gen_glue(struct ctx *c, const char *outdir)
{
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        struct gen g = {c, NULL, NULL, c->prog.insts.v[i]};
        const char *dir = arena_printf(&c->arena, "%s/%s", outdir, g.in->name);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            perror(dir);
            return -1;
        }
        if (open_pair(&g, dir) != 0) return -1;
        gen_instance(&g);
        int bad = ferror(g.h) || ferror(g.s);
        bad |= fclose(g.h) != 0;
        bad |= fclose(g.s) != 0;
        if (bad) {
            fprintf(stderr, "bhidl: cannot write the glue of '%s'\n", g.in->name);
            return -1;
        }
    }
    return 0;
}
