/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 6: allocate.
 * Input: the checked AST (no errors so far). Output: struct alloc (every kernel object,
 * every capability in every CSpace, every mapping in every address space, every thread,
 * every guest) and each instance's inst_alloc (where its ports, threads and hardware
 * ended up, for the glue). Postcondition: object indices in caps, mappings and threads
 * are valid; each instance's caps and mappings are contiguous; slot 0 is empty and slots
 * 1..4 hold the instance's own TCB, CNode, VSpace and IPC buffer frame; no two caps share
 * a slot; every slot is below 2^radix of the instance's CNode; the CNode keeps at least
 * FREE_SLOTS_MIN free slots at its end (VMM_GRANT_FREE_SLOTS more for a guest with a `grant`
 * channel to another guest). Badges: a client of an RPC port gets badge k
 * (1, 2, ... in connection order); an emitter gets bit k of its consumer's notification.
 * Page-table objects follow the x86_64 four-level layout (docs/idl.md). Every VSpace and
 * GuestSpace links the ASID pool its ASID comes from; the pools come last in the object table.
 * This pass reports nothing: every rule it relies on was checked before.
 */
#include "bhidl.h"
#include "../vmm/params.h"
#include "../lib/spec/spec.h"
#include <bulkhead/abi.h>
#include <bulkhead/layout.h>

#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull
#define LARGE (2ull << 20)

struct allocator {
    struct ctx *c;
    struct alloc *a;
    uint32_t next_slot;
    struct instance *in;
    uint32_t *port_obj;     /* per global port id: endpoint / notification / first frame */
    uint32_t *port_nframes;
    size_t *port_base;      /* per instance: first global port id */
    size_t *dp_parent;      /* union-find over global port ids (dataports) */
    uint32_t *events;       /* per instance: a guest's event line (notification), else NONE32 */
    struct symtab shared_hw; /* 'shared' hardware: key -> first object + 1, created once */
};

static uint32_t new_obj(struct allocator *al, unsigned type, unsigned size_bits, uint32_t owner, uint64_t arg,
                        const char *name)
{
    struct sobj *o = DA_PUSH(&al->c->arena, &al->a->objs);
    o->type = (uint8_t)type;
    o->size_bits = (uint8_t)size_bits;
    o->owner = owner;
    o->arg = arg;
    o->name = name;
    o->link = NONE32;
    return (uint32_t)(al->a->objs.n - 1);
}

static uint32_t new_cap(struct allocator *al, uint32_t obj, unsigned rights, uint64_t badge)
{
    struct scap *k = DA_PUSH(&al->c->arena, &al->a->caps);
    k->inst = (uint32_t)al->in->index;
    k->slot = al->next_slot++;
    k->obj = obj;
    k->rights = (uint8_t)rights;
    k->badge = badge;
    return k->slot;
}

static void new_map(struct allocator *al, uint32_t space, uint32_t obj, uint64_t vaddr, unsigned rights,
                    unsigned flags)
{
    struct smap *m = DA_PUSH(&al->c->arena, &al->a->maps);
    m->space = space;
    m->obj = obj;
    m->vaddr = vaddr;
    m->rights = (uint8_t)rights;
    m->flags = (uint8_t)flags;
}

static const char *nm(struct allocator *al, const char *fmt, const char *a, const char *b)
{
    return arena_printf(&al->c->arena, fmt, a, b);
}

/* Frames for a region: large frames when the size is a whole number of 2 MiB. */
static uint32_t new_frames(struct allocator *al, uint64_t size, uint32_t owner, const char *name, uint32_t *count)
{
    int large = size % LARGE == 0;
    uint64_t step = large ? LARGE : PAGE;
    uint32_t n = (uint32_t)((size + step - 1) / step), first = (uint32_t)al->a->objs.n;
    for (uint32_t i = 0; i < n; i++)
        new_obj(al, large ? SOBJ_LARGE_FRAME : SOBJ_FRAME, large ? 21 : 12, owner, 0, name);
    *count = n;
    return first;
}

static void map_frames(struct allocator *al, uint32_t space, uint32_t first, uint32_t count, uint64_t vaddr,
                       unsigned rights, unsigned flags)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t step = al->a->objs.v[first + i].type == SOBJ_LARGE_FRAME ? LARGE : PAGE;
        new_map(al, space, first + i, vaddr + i * step, rights, flags);
    }
}

static size_t uf_find(size_t *p, size_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static size_t gport(const struct allocator *al, const struct instance *in, size_t port)
{
    return al->port_base[in->index] + port;
}

/* Objects owned by ports rather than by one connection: a provider's endpoint, a
 * consumer's notification, a dataport group's frames. Created in instance order. */
/* A channel end's notification: its own, or, for a guest, the VMM's one event line (the VMM
 * binds one notification to its vCPU thread, so every signal for it must arrive there). */
static uint32_t channel_notification(struct allocator *al, const struct instance *in, const char *n, const char *side)
{
    if (al->events[in->index] != NONE32) return al->events[in->index];
    return new_obj(al, SOBJ_NOTIFICATION, 0, (uint32_t)in->index,
                   0, arena_printf(&al->c->arena, "%s.notification.%s", n, side));
}

static void create_port_objects(struct allocator *al)
{
    struct program *pr = &al->c->prog;
    for (size_t i = 0; i < pr->insts.n; i++) {
        struct instance *in = pr->insts.v[i];
        al->events[i] = in->comp->is_guest ? new_obj(al, SOBJ_NOTIFICATION, 0, (uint32_t)i, 0,
                                                     nm(al, "%s.events", in->name, ""))
                                           : NONE32;
    }
    for (size_t i = 0; i < pr->conns.n; i++) {
        struct connection *cn = pr->conns.v[i];
        if (cn->kind != CONN_DATAPORT) continue;
        size_t a = uf_find(al->dp_parent, gport(al, cn->from.inst, cn->from.port_index));
        size_t b = uf_find(al->dp_parent, gport(al, cn->to.inst, cn->to.port_index));
        if (a != b) al->dp_parent[a > b ? a : b] = a < b ? a : b;
    }
    for (size_t i = 0; i < pr->insts.n; i++) {
        struct instance *in = pr->insts.v[i];
        for (size_t k = 0; k < in->comp->ports.n; k++) {
            const struct port *po = &in->comp->ports.v[k];
            size_t g = gport(al, in, k);
            uint32_t owner = (uint32_t)in->index;
            if (po->kind == PORT_PROVIDES) {
                al->port_obj[g] = new_obj(al, SOBJ_ENDPOINT, 0, owner, 0, nm(al, "%s.%s.endpoint", in->name, po->name));
                for (size_t j = 0; j < in->alloc->ports[k].peers.n; j++)
                    in->alloc->ports[k].peers.v[j].conn->badge = j + 1;
            } else if (po->kind == PORT_CONSUMES) {
                /* A guest's events arrive on its VMM's one event line, as its channels' do. */
                al->port_obj[g] = in->comp->is_guest ? al->events[i]
                                                     : new_obj(al, SOBJ_NOTIFICATION, 0, owner, 0,
                                                               nm(al, "%s.%s.notification", in->name, po->name));
                for (size_t j = 0; j < in->alloc->ports[k].peers.n; j++)
                    in->alloc->ports[k].peers.v[j].conn->badge = 1ull << j;
            } else if (po->kind == PORT_DATAPORT) {
                size_t root = uf_find(al->dp_parent, g);
                if (root == g)
                    al->port_obj[g] = new_frames(al, po->size, owner, nm(al, "%s.%s.frame", in->name, po->name),
                                                 &al->port_nframes[g]);
            }
        }
    }
    /* dataport group members share the root's frames (roots are created first: lowest id) */
    for (size_t i = 0; i < pr->insts.n; i++) {
        struct instance *in = pr->insts.v[i];
        for (size_t k = 0; k < in->comp->ports.n; k++) {
            size_t g = gport(al, in, k), root;
            if (in->comp->ports.v[k].kind != PORT_DATAPORT || (root = uf_find(al->dp_parent, g)) == g) continue;
            al->port_obj[g] = al->port_obj[root];
            al->port_nframes[g] = al->port_nframes[root];
        }
    }
    for (size_t i = 0; i < pr->conns.n; i++) {
        struct connection *cn = pr->conns.v[i];
        if (cn->kind == CONN_CHANNEL) {
            const char *n = arena_printf(&al->c->arena, "%s.%s<->%s.%s", cn->from.inst_name, cn->from.port_name,
                                         cn->to.inst_name, cn->to.port_name);
            /* per end: an endpoint it receives on and a notification it waits on; one shared ring */
            uint32_t a = (uint32_t)cn->from.inst->index, b = (uint32_t)cn->to.inst->index;
            cn->obj = new_obj(al, SOBJ_ENDPOINT, 0, a, 0, nm(al, "%s.endpoint.left", n, ""));
            new_obj(al, SOBJ_ENDPOINT, 0, b, 0, nm(al, "%s.endpoint.right", n, ""));
            cn->chan_ntfn[0] = channel_notification(al, cn->from.inst, n, "left");
            cn->chan_ntfn[1] = channel_notification(al, cn->to.inst, n, "right");
            cn->chan_ring = new_obj(al, SOBJ_FRAME, 12, NONE32, 0, nm(al, "%s.ring", n, ""));
        } else if (cn->kind == CONN_RPC) {
            cn->obj = al->port_obj[gport(al, cn->to.inst, cn->to.port_index)];
        } else if (cn->kind == CONN_EVENT) {
            cn->obj = al->port_obj[gport(al, cn->to.inst, cn->to.port_index)];
        } else {
            cn->obj = al->port_obj[gport(al, cn->from.inst, cn->from.port_index)];
        }
    }
}

static size_t peer_ports(const struct instance *in, size_t *ports);

static void alloc_threads(struct allocator *al, struct instance *in, struct inst_alloc *ia)
{
    const struct component *co = in->comp;
    size_t nvcpus = co->is_guest ? co->vcpus : 0;
    size_t nthreads = co->is_guest ? co->vcpus + peer_ports(in, NULL) : (co->threads.n ? co->threads.n : 1);
    uint64_t stack = (co->stack + PAGE - 1) / PAGE * PAGE;
    uint32_t owner = (uint32_t)in->index;
    for (size_t t = 0; t < nthreads; t++) {
        const char *tname = co->is_guest && t >= nvcpus ? arena_printf(&al->c->arena, "peer%zu", t - nvcpus)
                            : co->is_guest ? arena_printf(&al->c->arena, "vcpu%zu", t)
                            : co->threads.n ? co->threads.v[t].name : "main";
        struct sthread *th = DA_PUSH(&al->c->arena, &al->a->threads);
        th->inst = owner;
        th->name = tname;
        th->tcb = new_obj(al, SOBJ_TCB, 0, owner, t, nm(al, "%s.%s.tcb", in->name, tname));
        th->ipc_frame = new_obj(al, SOBJ_FRAME, 12, owner, 0, nm(al, "%s.%s.ipc", in->name, tname));
        th->ipc_vaddr = VA_IPC + t * 2 * PAGE;
        th->prio = (uint8_t)(co->is_guest ? 100 : co->threads.n ? co->threads.v[t].prio : 100);
        th->partition = (uint32_t)in->partition;
        th->vcpu = co->is_guest && t < nvcpus ? new_obj(al, SOBJ_VCPU, 0, owner, t, nm(al, "%s.%s", in->name, tname)) : NONE32;
        uint32_t n;
        uint32_t first = new_frames(al, stack ? stack : PAGE, owner, nm(al, "%s.%s.stack", in->name, tname), &n);
        uint64_t base = VA_STACK + t * (stack + PAGE) + PAGE; /* one unmapped guard page below */
        th->stack_top = base + stack;
        *DA_PUSH(&al->c->arena, &ia->thread_ipc_vaddr) = th->ipc_vaddr;
        *DA_PUSH(&al->c->arena, &ia->thread_stack_top) = th->stack_top;
        map_frames(al, ia->vspace, th->ipc_frame, 1, th->ipc_vaddr, RIGHT_READ | RIGHT_WRITE, 0);
        map_frames(al, ia->vspace, first, n, base, RIGHT_READ | RIGHT_WRITE, 0);
    }
}

/* Slots 1..4 first, then further threads' TCBs and IPC frames. */
static void alloc_thread_caps(struct allocator *al, struct inst_alloc *ia, size_t first_thread, size_t nthreads)
{
    for (size_t t = 0; t < nthreads; t++) {
        const struct sthread *th = &al->a->threads.v[first_thread + t];
        uint32_t tcb_slot, ipc_slot;
        if (t == 0) {
            al->next_slot = 1;
            tcb_slot = new_cap(al, th->tcb, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
            new_cap(al, ia->cnode, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
            new_cap(al, ia->vspace, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
            ipc_slot = new_cap(al, th->ipc_frame, RIGHT_READ | RIGHT_WRITE, 0);
        } else {
            tcb_slot = new_cap(al, th->tcb, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
            ipc_slot = new_cap(al, th->ipc_frame, RIGHT_READ | RIGHT_WRITE, 0);
        }
        *DA_PUSH(&al->c->arena, &ia->thread_tcb_slot) = tcb_slot;
        *DA_PUSH(&al->c->arena, &ia->thread_ipc_slot) = ipc_slot;
    }
}

static void alloc_ports(struct allocator *al, struct instance *in, struct inst_alloc *ia)
{
    const struct component *co = in->comp;
    uint64_t dp_va = VA_DATAPORT;
    int need_recv = 0;
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        struct port_alloc *pa = &ia->ports[k];
        size_t g = gport(al, in, k);
        switch (po->kind) {
        case PORT_USES: {
            struct connection *cn = pa->peers.v[0].conn;
            pa->slot = new_cap(al, cn->obj, RIGHT_WRITE | RIGHT_GRANT, cn->badge);
            need_recv |= po->iface->has_caps;
            break;
        }
        case PORT_PROVIDES:
            pa->slot = new_cap(al, al->port_obj[g], RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
            need_recv |= po->iface->has_caps;
            break;
        case PORT_EMITS:
            for (size_t j = 0; j < pa->peers.n; j++) {
                struct connection *cn = pa->peers.v[j].conn;
                pa->peers.v[j].slot = new_cap(al, cn->obj, RIGHT_WRITE, cn->badge);
            }
            break;
        case PORT_CONSUMES:
            pa->slot = new_cap(al, al->port_obj[g], RIGHT_READ, 0);
            break;
        case PORT_DATAPORT: {
            uint32_t first = al->port_obj[g], n = al->port_nframes[g];
            int large = al->a->objs.v[first].type == SOBJ_LARGE_FRAME;
            uint64_t align = large ? LARGE : PAGE, span = (uint64_t)n * align;
            dp_va = (dp_va + align - 1) / align * align;
            pa->vaddr = dp_va;
            map_frames(al, ia->vspace, first, n, dp_va, po->rights, 0);
            dp_va += span + PAGE; /* guard page between dataports */
            break;
        }
        case PORT_CHANNEL:
            if (!pa->peers.n) break;
            {
                struct connection *cn = pa->peers.v[0].conn;
                uint32_t me = cn->from.inst == in && cn->from.port_index == k ? 0u : 1u, peer = 1u - me;
                pa->slot = new_cap(al, cn->obj + me, RIGHT_READ, 0);                       /* receive */
                pa->slot4 = new_cap(al, cn->obj + peer, RIGHT_WRITE | RIGHT_GRANT, 1);    /* send */
                pa->slot2 = new_cap(al, cn->chan_ntfn[me], RIGHT_READ, 0);                /* wait */
                pa->slot3 = new_cap(al, cn->chan_ntfn[peer], RIGHT_WRITE, 1);             /* signal */
                pa->vaddr = dp_va;
                map_frames(al, ia->vspace, cn->chan_ring, 1, dp_va, RIGHT_READ | RIGHT_WRITE, 0);
                dp_va += 2 * PAGE;
            }
            break;
        }
    }
    ia->recv_slot = need_recv ? al->next_slot++ : 0;
}

/* Shared hardware is one set of objects with a capability in every holder's CSpace (an IRQ
 * is the exception: each holder gets its own handler, bound to its own notification). */
static const char *hw_key(struct allocator *al, const struct hw *h)
{
    return arena_printf(&al->c->arena, "%d:%llx:%llx:%x", (int)h->kind, (unsigned long long)h->base,
                        (unsigned long long)h->size, h->bdf);
}

static uint32_t shared_object(struct allocator *al, const struct hw *h)
{
    if (!h->shared) return NONE32;
    uintptr_t v = (uintptr_t)symtab_get(&al->shared_hw, hw_key(al, h));
    return v ? (uint32_t)(v - 1) : NONE32;
}

static void remember_shared(struct allocator *al, const struct hw *h, uint32_t first)
{
    if (h->shared) symtab_put(&al->c->arena, &al->shared_hw, hw_key(al, h), (void *)(uintptr_t)(first + 1u));
}

static void alloc_hardware(struct allocator *al, struct instance *in, struct inst_alloc *ia, uint32_t map_space,
                           int identity)
{
    const struct component *co = in->comp;
    uint32_t owner = (uint32_t)in->index, irq_ntfn = NONE32;
    unsigned bit = 0;
    uint64_t va = VA_DEVICE;
    for (size_t k = 0; k < co->hw.n; k++)
        if (co->hw.v[k].kind == HW_IRQ && irq_ntfn == NONE32) {
            irq_ntfn = new_obj(al, SOBJ_NOTIFICATION, 0, owner, 0, nm(al, "%s.irq.notification", in->name, ""));
            ia->irq_ntfn_slot = new_cap(al, irq_ntfn, RIGHT_READ, 0);
        }
    for (size_t k = 0; k < co->hw.n; k++) {
        const struct hw *h = &co->hw.v[k];
        uint32_t slot = 0, o;
        uint64_t vaddr = 0;
        unsigned hbit = 0;
        const char *name = nm(al, "%s.%s", in->name, h->name);
        switch (h->kind) {
        case HW_MEM: {
            uint32_t n = (uint32_t)(h->size / PAGE), first = shared_object(al, h);
            if (first == NONE32) {
                first = (uint32_t)al->a->objs.n;
                for (uint32_t i = 0; i < n; i++)
                    new_obj(al, SOBJ_DEVICE_FRAME, 12, h->shared ? NONE32 : owner, h->base + i * PAGE, name);
                remember_shared(al, h, first);
            }
            vaddr = identity ? h->base : va;
            slot = al->next_slot;
            for (uint32_t i = 0; i < n; i++) new_cap(al, first + i, RIGHT_READ | RIGHT_WRITE, 0);
            map_frames(al, map_space, first, n, vaddr, RIGHT_READ | RIGHT_WRITE, MAP_UNCACHED);
            if (!identity) va += h->size + PAGE;
            break;
        }
        case HW_IRQ:
            o = new_obj(al, SOBJ_IRQ_HANDLER, 0, owner, h->irq, name);
            al->a->objs.v[o].link = irq_ntfn;
            al->a->objs.v[o].aux = (uint16_t)bit;
            hbit = bit++;
            slot = new_cap(al, o, RIGHT_READ | RIGHT_WRITE, 0);
            break;
        case HW_IOPORT:
            if ((o = shared_object(al, h)) == NONE32) {
                o = new_obj(al, SOBJ_IO_PORT, 0, h->shared ? NONE32 : owner, h->base | h->size << 16, name);
                remember_shared(al, h, o);
            }
            slot = new_cap(al, o, RIGHT_READ | RIGHT_WRITE, 0);
            break;
        case HW_PCI:
            if ((o = shared_object(al, h)) == NONE32) {
                o = new_obj(al, SOBJ_IO_SPACE, 0, h->shared ? NONE32 : owner, h->bdf, name);
                remember_shared(al, h, o);
            }
            slot = new_cap(al, o, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
            break;
        }
        *DA_PUSH(&al->c->arena, &ia->hw_slot) = slot;
        *DA_PUSH(&al->c->arena, &ia->hw_vaddr) = vaddr;
        *DA_PUSH(&al->c->arena, &ia->hw_bit) = hbit;
    }
}

/* An x86 VMM's grant frames (vmm/gnttab.c): its own frames, mapped into the VMM, that it
 * places wherever the guest asks, with spare page tables (aux 0: the root does not map them)
 * for up to three missing levels per frame. */
static void alloc_grant(struct allocator *al, struct instance *in, struct inst_alloc *ia, struct sguest *g)
{
    uint32_t owner = (uint32_t)in->index;
    g->grant_first = g->grant_table_first = NONE32;
    if (in->comp->arch != ARCH_X86_PVH) return;
    g->grant_first = (uint32_t)al->a->objs.n;
    g->grant_count = VMM_GNTTAB_FRAMES;
    for (uint32_t i = 0; i < VMM_GNTTAB_FRAMES; i++) new_obj(al, SOBJ_FRAME, 12, owner, 0, nm(al, "%s.grant", in->name, ""));
    ia->grant_first_slot = al->next_slot;
    for (uint32_t i = 0; i < VMM_GNTTAB_FRAMES; i++) new_cap(al, g->grant_first + i, RIGHT_READ | RIGHT_WRITE, 0);
    map_frames(al, ia->vspace, g->grant_first, VMM_GNTTAB_FRAMES, VA_GRANT, RIGHT_READ | RIGHT_WRITE, 0);
    g->grant_table_first = (uint32_t)al->a->objs.n;
    g->grant_table_count = VMM_GNTTAB_TABLES;
    for (uint32_t i = 0; i < VMM_GNTTAB_TABLES; i++) {
        uint32_t o = new_obj(al, SOBJ_PAGE_TABLE, 12, owner, 0, nm(al, "%s.grant_table", in->name, ""));
        al->a->objs.v[o].link = g->guest_space;
    }
    ia->grant_table_first_slot = al->next_slot;
    for (uint32_t i = 0; i < VMM_GNTTAB_TABLES; i++)
        new_cap(al, g->grant_table_first + i, RIGHT_READ | RIGHT_WRITE, 0);
}

_Static_assert(GUEST_PEERS_MAX == VMM_PEER_CHANNELS && GUEST_PEERS_MAX == BH_SPEC_GUEST_PEERS, "one peer limit");
_Static_assert(VMM_PEER_GRANT == BH_SPEC_PEER_GRANT && VMM_PEER_EVENT == BH_SPEC_PEER_EVENT, "one set of kinds");

/* Port k of a guest is a grant or event channel to another guest: its connection, else NULL. */
static const struct connection *peer_channel(const struct instance *in, size_t k)
{
    const struct port *po = &in->comp->ports.v[k];
    const struct port_alloc *pa = &in->alloc->ports[k];
    if (po->kind != PORT_CHANNEL || (po->chan != CHAN_GRANT && po->chan != CHAN_EVENT) || !pa->peers.n) return NULL;
    const struct connection *cn = pa->peers.v[0].conn;
    const struct instance *other = cn->from.inst == in && cn->from.port_index == k ? cn->to.inst : cn->from.inst;
    return other->comp->is_guest && other != in ? cn : NULL;
}

/* A guest's peer channels, in port order (at most GUEST_PEERS_MAX: resources.c refuses more);
 * their ports' indices into `ports` when given. */
static size_t peer_ports(const struct instance *in, size_t *ports)
{
    size_t n = 0;
    if (!in->comp->is_guest) return 0;
    for (size_t k = 0; k < in->comp->ports.n && n < GUEST_PEERS_MAX; k++)
        if (peer_channel(in, k)) {
            if (ports) ports[n] = k;
            n++;
        }
    return n;
}

/* What its VMM's peer service needs of each (vmm/params.h, struct vmm_peer): the ring, its own
 * endpoint (the slot alloc_ports gave it), the peer's endpoint and event line, the peer's id. */
static void alloc_peers(const struct instance *in, struct sguest *g)
{
    size_t ports[GUEST_PEERS_MAX];
    g->peer_count = (uint32_t)peer_ports(in, ports);
    for (uint32_t j = 0; j < g->peer_count; j++) {
        const struct connection *cn = peer_channel(in, ports[j]);
        uint32_t me = cn->from.inst == in && cn->from.port_index == ports[j] ? 0u : 1u, peer = 1u - me;
        const struct instance *other = me == 0 ? cn->to.inst : cn->from.inst;
        struct speer *q = &g->peer[j];
        q->ring = cn->chan_ring;
        q->endpoint = cn->obj + me;
        q->peer_endpoint = cn->obj + peer;
        q->peer_signal = cn->chan_ntfn[peer];
        q->domid = other->alloc->domid;
        q->kind = (uint8_t)(in->comp->ports.v[ports[j]].chan == CHAN_GRANT ? BH_SPEC_PEER_GRANT : BH_SPEC_PEER_EVENT);
        q->side = (uint8_t)me;
    }
}

static void alloc_guest(struct allocator *al, struct instance *in, struct inst_alloc *ia)
{
    const struct component *co = in->comp;
    uint32_t owner = (uint32_t)in->index;
    struct sguest *g = DA_PUSH(&al->c->arena, &al->a->guests);
    g->inst = owner;
    g->arch = (uint8_t)co->arch;
    g->vcpus = (uint8_t)co->vcpus;
    g->memory = co->memory;
    g->guest_space = new_obj(al, SOBJ_GUEST_SPACE, 0, owner, 0, nm(al, "%s.guest_space", in->name, ""));
    g->events = al->events[in->index];
    g->console = g->console_signal = NONE32;
    for (size_t k = 0; k < co->ports.n && g->console == NONE32; k++)
        if (co->ports.v[k].kind == PORT_CHANNEL && co->ports.v[k].chan == CHAN_CONSOLE && ia->ports[k].peers.n) {
            const struct connection *cn = ia->ports[k].peers.v[0].conn;
            g->console = cn->chan_ring;
            g->console_signal = cn->chan_ntfn[cn->from.inst == in && cn->from.port_index == k ? 1 : 0];
        }
    /* Its first xenstore channel's ring is its store page: the guest and the xenstore server
     * share it (one copy, Xen's way); the VMM only relays notifications (the peer's). */
    g->store = g->store_signal = NONE32;
    g->domid = ia->domid;
    for (size_t k = 0; k < co->ports.n && g->store == NONE32; k++)
        if (co->ports.v[k].kind == PORT_CHANNEL && co->ports.v[k].chan == CHAN_XENSTORE && ia->ports[k].peers.n) {
            const struct connection *cn = ia->ports[k].peers.v[0].conn;
            g->store = cn->chan_ring;
            g->store_signal = cn->chan_ntfn[cn->from.inst == in && cn->from.port_index == k ? 1 : 0];
        }
    alloc_peers(in, g);
    /* The one interface a VMM speaks as a client: the timer (resources.c checks its shape). */
    g->timer = NONE32;
    for (size_t k = 0; k < co->ports.n && g->timer == NONE32; k++)
        if (co->ports.v[k].kind == PORT_USES && ia->ports[k].peers.n) g->timer = ia->ports[k].peers.v[0].conn->obj;
    ia->guest_space_slot = new_cap(al, g->guest_space, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
    /* vCPU n's thread waits on the notification at events_slot + n: vCPU 0's is the event line,
     * the others' their own. Each may signal all of them: that is how its VMM's threads wake
     * each other (IPIs, start-up, timers), with the badge BH_VMM_KICK_BADGE, so
     * that a kick is kept until its thread waits and is told from outside events. */
    ia->events_slot = new_cap(al, g->events, RIGHT_READ | RIGHT_WRITE, BH_VMM_KICK_BADGE);
    for (size_t t = 1; t < co->vcpus; t++) {
        uint32_t kick = new_obj(al, SOBJ_NOTIFICATION, 0, owner, 0, nm(al, "%s.vcpu%s.kick", in->name,
                                                                         arena_printf(&al->c->arena, "%zu", t)));
        new_cap(al, kick, RIGHT_READ | RIGHT_WRITE, BH_VMM_KICK_BADGE);
    }
    ia->vcpu_first_slot = al->next_slot;
    for (size_t t = 0; t < co->vcpus; t++) {
        const struct sthread *th = &al->a->threads.v[ia->first_thread + t];
        new_cap(al, th->vcpu, RIGHT_READ | RIGHT_WRITE, 0);
    }
    uint32_t n = (uint32_t)(co->memory / LARGE), first = (uint32_t)al->a->objs.n;
    for (uint32_t i = 0; i < n; i++) new_obj(al, SOBJ_LARGE_FRAME, 21, owner, 0, nm(al, "%s.ram", in->name, ""));
    g->ram_first_obj = first;
    g->ram_count = n;
    ia->ram_first_slot = al->next_slot;
    ia->ram_count = n;
    for (uint32_t i = 0; i < n; i++) new_cap(al, first + i, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
    map_frames(al, g->guest_space, first, n, 0, RIGHT_READ | RIGHT_WRITE, 0);
    map_frames(al, ia->vspace, first, n, VA_GUEST_RAM, RIGHT_READ | RIGHT_WRITE, 0);
    if (g->store != NONE32) map_frames(al, g->guest_space, g->store, 1, GUEST_STORE_GPA, RIGHT_READ | RIGHT_WRITE, 0);
    alloc_grant(al, in, ia, g);
}

/* Page tables each address space needs for its mappings: x86_64 levels 3 (PDPT, 512 GiB),
 * 2 (PD, 1 GiB) and 1 (PT, 2 MiB; not needed under a large frame). Listed from the top
 * level down, so the root server can create and map them in order. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void alloc_page_tables(struct allocator *al, uint32_t space, size_t first_map, size_t nmaps, uint32_t owner)
{
    static const unsigned shift[4] = {0, 21, 30, 39};
    DA(uint64_t) bases = {0};
    for (unsigned level = 3; level >= 1; level--) {
        bases.n = 0;
        for (size_t i = first_map; i < nmaps; i++) {
            const struct smap *m = &al->a->maps.v[i];
            if (m->space != space) continue;
            if (level == 1 && al->a->objs.v[m->obj].type == SOBJ_LARGE_FRAME) continue;
            *DA_PUSH(&al->c->arena, &bases) = m->vaddr >> shift[level] << shift[level];
        }
        if (bases.n > 1) qsort(bases.v, bases.n, sizeof *bases.v, cmp_u64);
        for (size_t i = 0; i < bases.n; i++) {
            if (i && bases.v[i] == bases.v[i - 1]) continue;
            uint32_t o = new_obj(al, SOBJ_PAGE_TABLE, 12, owner, bases.v[i], "page_table");
            al->a->objs.v[o].aux = (uint16_t)level;
            al->a->objs.v[o].link = space;
        }
    }
}

static unsigned radix_for(uint32_t slots)
{
    unsigned r = 5;
    while ((1ull << r) < (uint64_t)slots + FREE_SLOTS_MIN) r++;
    return r;
}

/* A guest with a `grant` channel to another guest: its VMM takes one slot per page it hands
 * out or receives (vmm/grant_peer.h), so its CNode gets VMM_GRANT_FREE_SLOTS more. */
static uint32_t grant_peer_slots(const struct instance *in)
{
    size_t ports[GUEST_PEERS_MAX], n = peer_ports(in, ports);
    for (size_t j = 0; j < n; j++)
        if (in->comp->ports.v[ports[j]].chan == CHAN_GRANT) return VMM_GRANT_FREE_SLOTS;
    return 0;
}

static void alloc_instance(struct allocator *al, struct instance *in)
{
    struct inst_alloc *ia = in->alloc;
    const struct component *co = in->comp;
    uint32_t owner = (uint32_t)in->index;
    al->in = in;
    ia->cnode = new_obj(al, SOBJ_CNODE, 5, owner, 0, nm(al, "%s.cnode", in->name, ""));
    ia->vspace = new_obj(al, SOBJ_VSPACE, 12, owner, 0, nm(al, "%s.vspace", in->name, ""));
    ia->first_cap = (uint32_t)al->a->caps.n;
    ia->first_map = (uint32_t)al->a->maps.n;
    size_t first_thread = al->a->threads.n;
    alloc_threads(al, in, ia);
    size_t nthreads = al->a->threads.n - first_thread;
    ia->first_thread = (uint32_t)first_thread;
    ia->thread_count = (uint32_t)nthreads;
    alloc_thread_caps(al, ia, first_thread, nthreads);
    if (!co->is_guest && co->heap) {
        uint32_t n, first = new_frames(al, (co->heap + PAGE - 1) / PAGE * PAGE, owner,
                                       nm(al, "%s.heap", in->name, ""), &n);
        map_frames(al, ia->vspace, first, n, VA_HEAP, RIGHT_READ | RIGHT_WRITE, 0);
    }
    alloc_ports(al, in, ia);
    uint32_t gspace = NONE32;
    if (co->is_guest) {
        alloc_guest(al, in, ia);
        gspace = al->a->guests.v[al->a->guests.n - 1].guest_space;
    }
    /* a guest's devices appear at their physical addresses in its guest-physical space */
    alloc_hardware(al, in, ia, co->is_guest ? gspace : ia->vspace, co->is_guest);
    ia->cap_count = (uint32_t)al->a->caps.n - ia->first_cap;
    ia->map_count = (uint32_t)al->a->maps.n - ia->first_map;
    ia->radix = radix_for(al->next_slot + grant_peer_slots(in));
    al->a->objs.v[ia->cnode].size_bits = (uint8_t)ia->radix;
    ia->free_first = al->next_slot;
    ia->free_last = (uint32_t)((1ull << ia->radix) - 1);
    alloc_page_tables(al, ia->vspace, ia->first_map, al->a->maps.n, owner);
    if (gspace != NONE32) alloc_page_tables(al, gspace, ia->first_map, al->a->maps.n, owner);
}

/* ASID pools, which the root server makes with ASIDControl and keeps: address spaces fill
 * them in object order, BH_ASID_POOL_ASIDS each (resources.c checked that they fit). */
static void alloc_asid_pools(struct allocator *al)
{
    struct alloc *a = al->a;
    uint32_t pool = NONE32, used = 0;
    size_t n = a->objs.n;
    for (size_t i = 0; i < n; i++) {
        uint8_t type = a->objs.v[i].type;
        if (type != SOBJ_VSPACE && type != SOBJ_GUEST_SPACE) continue;
        if (pool == NONE32 || used == BH_ASID_POOL_ASIDS) {
            pool = new_obj(al, SOBJ_ASID_POOL, 12, NONE32, 0, arena_printf(&al->c->arena, "asid_pool.%u", a->asid_pools++));
            used = 0;
        }
        a->objs.v[i].link = pool; /* new_obj may have moved the table: index, never hold pointers */
        used++;
        if (type == SOBJ_VSPACE) a->vspaces++;
        else a->guest_spaces++;
    }
}

void allocate(struct ctx *c)
{
    struct program *pr = &c->prog;
    struct allocator al = {c, &c->alloc, 0, NULL, NULL, NULL, NULL, NULL, NULL, {0}};
    size_t nports = 0;
    al.port_base = arena_alloc(&c->arena, (pr->insts.n + 1) * sizeof *al.port_base);
    for (size_t i = 0; i < pr->insts.n; i++) {
        al.port_base[i] = nports;
        nports += pr->insts.v[i]->comp->ports.n;
    }
    al.port_obj = arena_alloc(&c->arena, (nports + 1) * sizeof *al.port_obj);
    al.port_nframes = arena_alloc(&c->arena, (nports + 1) * sizeof *al.port_nframes);
    al.dp_parent = arena_alloc(&c->arena, (nports + 1) * sizeof *al.dp_parent);
    al.events = arena_alloc(&c->arena, (pr->insts.n + 1) * sizeof *al.events);
    for (size_t i = 0; i < nports; i++) al.dp_parent[i] = i;
    /* Domain ids: 1, 2, ... for the guests in instance order (0 is the toolstack's, as
     * dom0's in Xen): stable while components come and go. */
    uint16_t domid = 0;
    for (size_t i = 0; i < pr->insts.n; i++)
        if (pr->insts.v[i]->comp->is_guest) pr->insts.v[i]->alloc->domid = ++domid;
    create_port_objects(&al);
    for (size_t i = 0; i < pr->insts.n; i++) alloc_instance(&al, pr->insts.v[i]);
    alloc_asid_pools(&al);
}
