/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 7: check policy.
 * Input: the allocated AST. Output: the information-flow graph (struct flow_graph): one
 * node per instance (a guest and its VMM are one node), an edge A -> B when A can pass
 * information to B directly:
 *   rpc        both ways (the reply carries data back to the caller)
 *   event      emitter -> consumer
 *   dataport   writer -> reader, for every pair of instances mapping the same frames
 *   channel    both ways (so are vif and vbd devices, which are grant channels)
 *   shared hardware (a 'shared' device range, IRQ, I/O port range or PCI function): both ways
 * 'policy trusted S "reason";' declares that component S keeps its clients apart (a reviewed
 * claim, shown with its reason in the report): flows into and out of S still count, but no
 * path continues through S.
 * Postcondition: for every 'policy no_flow A -> B;', B is not reachable from A in the graph,
 * or an error names one shortest path A -> X -> ... -> B and what carries each step (also kept
 * in the policy for the report, which is written even then).
 * Checks: policy_no_flow, policy_self, policy_trusted_guest, policy_trusted_twice,
 * policy_trusted_reason.
 */
#include "bhidl.h"

#include <stdlib.h>
#include <string.h>

static void add_edge(struct ctx *c, size_t a, size_t b, const char *why)
{
    struct flow_graph *g = &c->flow;
    if (a == b) return;
    for (size_t i = 0; i < g->succ[a].n; i++)
        if (g->succ[a].v[i] == b) {
            g->why[a].v[i] = arena_printf(&c->arena, "%s; %s", g->why[a].v[i], why);
            return;
        }
    *DA_PUSH(&c->arena, &g->succ[a]) = (uint32_t)b;
    *DA_PUSH(&c->arena, &g->why[a]) = why;
}

static const char *conn_desc(struct ctx *c, const struct connection *cn)
{
    return arena_printf(&c->arena, "%s %s.%s %s %s.%s", conn_name(cn), cn->from.inst_name,
                        cn->from.port_name, cn->kind == CONN_RPC || cn->kind == CONN_EVENT || cn->pv ? "->" : "<->",
                        cn->to.inst_name, cn->to.port_name);
}

struct dp_end {
    uint32_t obj;
    size_t inst;
    unsigned rights;
    const char *label;
};

static int cmp_dp(const void *a, const void *b)
{
    const struct dp_end *x = a, *y = b;
    if (x->obj != y->obj) return x->obj < y->obj ? -1 : 1;
    return x->inst < y->inst ? -1 : x->inst > y->inst;
}

/* Every instance that maps a dataport group; pairs within a group by rights. */
static void dataport_edges(struct ctx *c)
{
    DA(struct dp_end) ends = {0};
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        const struct instance *in = c->prog.insts.v[i];
        for (size_t k = 0; k < in->comp->ports.n; k++) {
            const struct port *po = &in->comp->ports.v[k];
            const struct port_alloc *pa = &in->alloc->ports[k];
            if (po->kind != PORT_DATAPORT || !pa->peers.n) continue;
            struct dp_end *e = DA_PUSH(&c->arena, &ends);
            e->obj = pa->peers.v[0].conn->obj;
            e->inst = i;
            e->rights = po->rights;
            e->label = arena_printf(&c->arena, "dataport %s.%s", in->name, po->name);
        }
    }
    if (ends.n > 1) qsort(ends.v, ends.n, sizeof *ends.v, cmp_dp);
    for (size_t s = 0; s < ends.n;) {
        size_t e = s;
        while (e < ends.n && ends.v[e].obj == ends.v[s].obj) e++;
        for (size_t i = s; i < e; i++)
            for (size_t j = s; j < e; j++)
                if ((ends.v[i].rights & RIGHT_WRITE) && (ends.v[j].rights & RIGHT_READ))
                    add_edge(c, ends.v[i].inst, ends.v[j].inst,
                             arena_printf(&c->arena, "%s writes, %s reads", ends.v[i].label, ends.v[j].label));
        s = e;
    }
}

static void shared_hw_edges(struct ctx *c)
{
    struct symtab seen = {0};
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        const struct instance *in = c->prog.insts.v[i];
        for (size_t k = 0; k < in->comp->hw.n; k++) {
            const struct hw *h = &in->comp->hw.v[k];
            if (!h->shared) continue;
            const char *key = arena_printf(&c->arena, "%d:%llx:%llx:%llx:%x", (int)h->kind, (unsigned long long)h->base,
                                           (unsigned long long)h->size, (unsigned long long)h->irq, h->bdf);
            DA(size_t) *holders = symtab_get(&seen, key);
            if (!holders) {
                holders = arena_alloc(&c->arena, sizeof *holders);
                symtab_put(&c->arena, &seen, key, holders);
            }
            const char *why = arena_printf(&c->arena, "shared hardware %s.%s", in->name, h->name);
            for (size_t j = 0; j < holders->n; j++) {
                add_edge(c, holders->v[j], i, why);
                add_edge(c, i, holders->v[j], why);
            }
            *DA_PUSH(&c->arena, holders) = i;
        }
    }
}

static void build_graph(struct ctx *c)
{
    struct flow_graph *g = &c->flow;
    g->n = c->prog.insts.n;
    g->succ = arena_alloc(&c->arena, (g->n + 1) * sizeof *g->succ);
    g->why = arena_alloc(&c->arena, (g->n + 1) * sizeof *g->why);
    for (size_t i = 0; i < c->prog.conns.n; i++) {
        const struct connection *cn = c->prog.conns.v[i];
        size_t a = cn->from.inst->index, b = cn->to.inst->index;
        const char *why = conn_desc(c, cn);
        if (cn->kind == CONN_DATAPORT) continue;
        add_edge(c, a, b, why);
        if (cn->kind != CONN_EVENT) add_edge(c, b, a, why);
    }
    dataport_edges(c);
    shared_hw_edges(c);
}

/* Breadth-first search from src; parent[] gives a shortest path back. Returns reached count.
 * A trusted instance is reached but not passed through (unless it is the source). */
size_t flow_bfs(const struct flow_graph *g, size_t src, uint32_t *parent, uint32_t *queue)
{
    for (size_t i = 0; i < g->n; i++) parent[i] = NONE32;
    size_t head = 0, tail = 0;
    parent[src] = (uint32_t)src;
    queue[tail++] = (uint32_t)src;
    while (head < tail) {
        uint32_t u = queue[head++];
        if (u != src && g->trusted && g->trusted[u]) continue;
        for (size_t k = 0; k < g->succ[u].n; k++) {
            uint32_t v = g->succ[u].v[k];
            if (parent[v] != NONE32) continue;
            parent[v] = u;
            queue[tail++] = v;
        }
    }
    return tail;
}

static const char *edge_why(const struct flow_graph *g, uint32_t a, uint32_t b)
{
    for (size_t k = 0; k < g->succ[a].n; k++)
        if (g->succ[a].v[k] == b) return g->why[a].v[k];
    return "?";
}

static void check_one(struct ctx *c, struct policy *po, uint32_t *parent, uint32_t *queue)
{
    size_t a = po->from.inst->index, b = po->to.inst->index;
    if (a == b) {
        diag_error(&c->diags, po->loc, "policy_self", "policy 'no_flow %s -> %s' names one instance twice",
                   po->from.name, po->to.name);
        return;
    }
    flow_bfs(&c->flow, a, parent, queue);
    if (parent[b] == NONE32) return;
    /* walk back from b, then print forwards */
    DA(uint32_t) path = {0};
    for (uint32_t v = (uint32_t)b; v != a; v = parent[v]) *DA_PUSH(&c->arena, &path) = v;
    *DA_PUSH(&c->arena, &path) = (uint32_t)a;
    DA(char) s = {0}, w = {0};
    for (size_t i = path.n; i-- > 0;) {
        const char *n = c->prog.insts.v[path.v[i]]->name;
        for (const char *p = i + 1 < path.n ? " -> " : ""; *p; p++) *DA_PUSH(&c->arena, &s) = *p;
        for (const char *p = n; *p; p++) *DA_PUSH(&c->arena, &s) = *p;
        if (i + 1 < path.n) {
            const char *why = arena_printf(&c->arena, "%s%s", w.n ? "; " : "", edge_why(&c->flow, path.v[i + 1], path.v[i]));
            for (const char *p = why; *p; p++) *DA_PUSH(&c->arena, &w) = *p;
        }
    }
    *DA_PUSH(&c->arena, &s) = 0;
    *DA_PUSH(&c->arena, &w) = 0;
    po->violation = arena_printf(&c->arena, "information flows %s (%s)", s.v, w.v);
    diag_error(&c->diags, po->loc, "policy_no_flow", "policy 'no_flow %s -> %s' is violated: %s", po->from.name,
               po->to.name, po->violation);
}

/* Marks the trusted instances: components only (a guest runs code nobody reviewed), each
 * once, each with its reason. */
static void mark_trusted(struct ctx *c)
{
    c->flow.trusted = arena_alloc(&c->arena, c->flow.n + 1);
    for (size_t i = 0; i < c->prog.policies.n; i++) {
        const struct policy *po = c->prog.policies.v[i];
        if (po->kind != POLICY_TRUSTED) continue;
        const struct instance *in = po->from.inst;
        if (in->comp->is_guest)
            diag_error(&c->diags, po->from.loc, "policy_trusted_guest",
                       "'%s' is a guest: only a component can be trusted to keep its clients apart", in->name);
        else if (c->flow.trusted[in->index])
            diag_error(&c->diags, po->loc, "policy_trusted_twice", "'%s' is declared trusted twice", in->name);
        else if (!po->reason[0])
            diag_error(&c->diags, po->loc, "policy_trusted_reason",
                       "'policy trusted %s' needs a reason: why it keeps its clients apart (the report shows it)",
                       in->name);
        else
            c->flow.trusted[in->index] = 1;
    }
}

void check_policy(struct ctx *c)
{
    build_graph(c);
    mark_trusted(c);
    uint32_t *parent = arena_alloc(&c->arena, (c->flow.n + 1) * sizeof *parent);
    uint32_t *queue = arena_alloc(&c->arena, (c->flow.n + 1) * sizeof *queue);
    for (size_t i = 0; i < c->prog.policies.n; i++)
        if (c->prog.policies.v[i]->kind == POLICY_NO_FLOW) check_one(c, c->prog.policies.v[i], parent, queue);
}
