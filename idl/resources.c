/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 5: check resources.
 * Input: the typed AST. Output: each instance's partition index (0 when there is no
 * schedule). Postcondition: the assembly exists; each physical resource (device memory
 * range, IRQ, I/O port range, PCI function) belongs to one instance, or to several that all
 * declare it 'shared' with the same extent; each 'uses' and 'channel' port is connected at
 * most once and each 'uses' port exactly once; guests say what they run; priorities,
 * vCPU counts and partition ticks are in range; with a schedule, every instance runs in
 * exactly one partition; the memory the system needs fits the platform's memory.
 * Checks: missing_assembly, overlapping_device_memory, device_memory_alignment,
 * duplicate_irq, overlapping_ioport, ioport_range, duplicate_pci, unconnected_uses,
 * port_connected_twice, too_many_emitters, too_many_irqs, guest_incomplete, vcpu_count,
 * priority_range, dataport_size, dataport_write_only, component_memory_range, device_memory_size, partition_ticks,
 * unscheduled_instance, instance_in_two_partitions, memory_budget, too_many_objects,
 * too_many_address_spaces, guest_device_overlaps_ram, guest_platform_mismatch,
 * guest_uses_interface, device_memory_kept_by_kernel, guest_xenstore, pci_bus_range, guest_power9.
 */
#include "bhidl.h"
#include "params.h"   /* the VMM's limits (vmm/, -Ivmm) */
#include <bulkhead/abi.h>

#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull

struct hw_use {
    const struct hw *hw;
    const struct instance *inst;
};

static int cmp_base(const void *a, const void *b)
{
    const struct hw_use *x = a, *y = b;
    if (x->hw->base != y->hw->base) return x->hw->base < y->hw->base ? -1 : 1;
    /* ties keep source order, so the first declaration is the one named as 'already' */
    return x->inst->index != y->inst->index ? (x->inst->index < y->inst->index ? -1 : 1)
                                            : (x->hw < y->hw ? -1 : x->hw > y->hw);
}

static const char *owner(struct ctx *c, const struct hw_use *u)
{
    return arena_printf(&c->arena, "'%s.%s' (line %d)", u->inst->name, u->hw->name, u->hw->loc.line);
}

static int same_shared(const struct hw_use *a, const struct hw_use *b)
{
    return a->hw->shared && b->hw->shared && a->hw->base == b->hw->base && a->hw->size == b->hw->size &&
           a->hw->irq == b->hw->irq && a->hw->bdf == b->hw->bdf;
}

/* Sort by start, then each range can only overlap the ranges that start before its end;
 * comparing against the furthest-reaching earlier range finds every overlap in O(n log n). */
static void check_ranges(struct ctx *c, struct hw_use *u, size_t n, const char *check, const char *what)
{
    if (n < 2) return;
    qsort(u, n, sizeof *u, cmp_base);
    size_t reach = 0;
    for (size_t i = 1; i < n; i++) {
        const struct hw_use *prev = &u[reach];
        uint64_t prev_end = prev->hw->base + prev->hw->size; /* exclusive; ioport uses last + 1 */
        if (u[i].hw->base < prev_end && !same_shared(prev, &u[i]))
            diag_error(&c->diags, u[i].hw->loc, check, "%s [0x%llx, 0x%llx) of '%s.%s' overlaps %s", what,
                       (unsigned long long)u[i].hw->base, (unsigned long long)(u[i].hw->base + u[i].hw->size),
                       u[i].inst->name, u[i].hw->name, owner(c, prev));
        if (u[i].hw->base + u[i].hw->size > prev_end) reach = i;
    }
}

static int cmp_key(const void *a, const void *b)
{
    const struct hw_use *x = a, *y = b;
    uint64_t kx = x->hw->kind == HW_IRQ ? x->hw->irq : x->hw->bdf, ky = y->hw->kind == HW_IRQ ? y->hw->irq : y->hw->bdf;
    if (kx != ky) return kx < ky ? -1 : 1;
    return x->inst->index != y->inst->index ? (x->inst->index < y->inst->index ? -1 : 1)
                                            : (x->hw < y->hw ? -1 : x->hw > y->hw);
}

static uint64_t unique_key(const struct hw_use *u) { return u->hw->kind == HW_IRQ ? u->hw->irq : u->hw->bdf; }

static void check_unique(struct ctx *c, struct hw_use *u, size_t n, const char *check, const char *what)
{
    if (n < 2) return;
    qsort(u, n, sizeof *u, cmp_key);
    size_t first = 0; /* the first holder of the current key */
    for (size_t i = 1; i < n; i++) {
        if (unique_key(&u[i]) != unique_key(&u[first])) {
            first = i;
            continue;
        }
        if (!same_shared(&u[first], &u[i]))
            diag_error(&c->diags, u[i].hw->loc, check, "%s of '%s.%s' is already given to %s", what,
                       u[i].inst->name, u[i].hw->name, owner(c, &u[first]));
    }
}

static void check_hardware(struct ctx *c)
{
    DA(struct hw_use) mem = {0}, irq = {0}, io = {0}, pci = {0};
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        const struct instance *in = c->prog.insts.v[i];
        if (!in->comp) continue;
        unsigned irqs = 0;
        for (size_t k = 0; k < in->comp->hw.n; k++) {
            const struct hw *h = &in->comp->hw.v[k];
            struct hw_use u = {h, in};
            switch (h->kind) {
            case HW_MEM:
                if (!h->size || h->base % PAGE || h->size % PAGE || h->base + h->size < h->base)
                    diag_error(&c->diags, h->loc, "device_memory_alignment",
                               "device memory '%s' must be a non-empty range of whole 4 KiB pages", h->name);
                else if (h->size > (4ull << 30) || h->base + h->size > (1ull << 52))
                    diag_error(&c->diags, h->loc, "device_memory_size",
                               "device memory '%s' must be at most 4 GiB and below the 52-bit physical limit", h->name);
                else
                    *DA_PUSH(&c->arena, &mem) = u;
                break;
            case HW_IRQ:
                irqs++;
                if (h->irq >= BH_IRQ_WIRED_LINES) /* IRQ_CONTROL GET refuses the rest at boot */
                    diag_error(&c->diags, h->loc, "irq_range", "IRQ %llu of '%s' is above %u, the kernel's last line",
                               (unsigned long long)h->irq, h->name, BH_IRQ_WIRED_LINES - 1);
                else
                    *DA_PUSH(&c->arena, &irq) = u;
                break;
            case HW_IOPORT:
                if (h->base > h->size || h->size > 0xffff)
                    diag_error(&c->diags, h->loc, "ioport_range",
                               "I/O port range '%s' must be first..last with first <= last <= 0xffff", h->name);
                else
                    *DA_PUSH(&c->arena, &io) = u;
                break;
            case HW_PCI:
                if (h->bdf >> 8 >= BH_IOMMU_BUSES)
                    diag_error(&c->diags, h->loc, "pci_bus_range",
                               "PCI function '%s' is on bus 0x%x; the kernel's IOMMU context tables cover buses 0..%u, "
                               "so its DMA could not be confined", h->name, h->bdf >> 8, BH_IOMMU_BUSES - 1u);
                else
                    *DA_PUSH(&c->arena, &pci) = u;
                break;
            }
        }
        if (irqs > 64)
            diag_error(&c->diags, in->loc, "too_many_irqs",
                       "instance '%s' has %u IRQs; one notification carries at most 64 (one badge bit each)",
                       in->name, irqs);
    }
    check_ranges(c, mem.v, mem.n, "overlapping_device_memory", "device memory");
    /* I/O port ranges are inclusive: check them as [first, last + 1) */
    for (size_t i = 0; i < io.n; i++) {
        struct hw *h = arena_alloc(&c->arena, sizeof *h);
        *h = *io.v[i].hw;
        h->size = h->size - h->base + 1;
        io.v[i].hw = h;
    }
    check_ranges(c, io.v, io.n, "overlapping_ioport", "I/O port range");
    check_unique(c, irq.v, irq.n, "duplicate_irq", "the IRQ");
    check_unique(c, pci.v, pci.n, "duplicate_pci", "the PCI device");
}

static void check_ports(struct ctx *c)
{
    /* how often each (instance, port) is an end of a connection */
    size_t total = 0;
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        struct instance *in = c->prog.insts.v[i];
        if (!in->comp) continue;
        in->alloc = arena_alloc(&c->arena, sizeof *in->alloc);
        in->alloc->ports = arena_alloc(&c->arena, (in->comp->ports.n + 1) * sizeof *in->alloc->ports);
        total += in->comp->ports.n;
    }
    for (size_t i = 0; i < c->prog.conns.n; i++) {
        struct connection *cn = c->prog.conns.v[i];
        /* a connection with one broken end still counts as connecting the other (no cascade) */
        if (cn->from.port) cn->from.inst->alloc->ports[cn->from.port_index].refs++;
        if (cn->to.port) cn->to.inst->alloc->ports[cn->to.port_index].refs++;
        if (!cn->from.port || !cn->to.port) continue;
        const struct endref *ends[2] = {&cn->from, &cn->to};
        for (int e = 0; e < 2; e++) {
            struct port_alloc *pa = &ends[e]->inst->alloc->ports[ends[e]->port_index];
            struct peer *pe = DA_PUSH(&c->arena, &pa->peers);
            pe->conn = cn;
            pe->inst = ends[1 - e]->inst;
            enum port_kind k = ends[e]->port->kind;
            if ((k == PORT_USES || k == PORT_CHANNEL) && pa->peers.n == 2)
                diag_error(&c->diags, ends[e]->loc, "port_connected_twice",
                           "%s port '%s.%s' is already connected at line %d", port_kind_name(k), ends[e]->inst_name,
                           ends[e]->port_name, pa->peers.v[0].conn->loc.line);
            if (k == PORT_CONSUMES && pa->peers.n == 65)
                diag_error(&c->diags, ends[e]->loc, "too_many_emitters",
                           "'%s.%s' consumes events from more than 64 emitters (one badge bit each)",
                           ends[e]->inst_name, ends[e]->port_name);
        }
    }
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        struct instance *in = c->prog.insts.v[i];
        if (!in->comp) continue;
        for (size_t k = 0; k < in->comp->ports.n; k++)
            if (in->comp->ports.v[k].kind == PORT_USES && in->alloc->ports[k].refs == 0)
                diag_error(&c->diags, in->loc, "unconnected_uses",
                           "instance '%s' leaves its 'uses %s %s' port (line %d) unconnected", in->name,
                           in->comp->ports.v[k].iface_name, in->comp->ports.v[k].name, in->comp->ports.v[k].loc.line);
    }
    (void)total;
}

static int is_u64(const struct typeref *t)
{
    return t->prim == PRIM_U64 && !t->is_array;
}

/* A VMM is one program for every guest and speaks one client protocol: the timer's,
 * u64 set_timeout(in u64 deadline) (servers/timer, vmm/time.c). A guest may use it once. */
static void check_guest_uses(struct ctx *c, const struct component *co)
{
    int uses = 0;
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        if (po->kind != PORT_USES) continue;
        const struct interface *in = po->iface;
        const struct proc *pr = in && in->procs.n == 1 ? &in->procs.v[0] : NULL;
        int timer = pr && !strcmp(pr->name, "set_timeout") && is_u64(&pr->ret) && pr->params.n == 1 &&
                    pr->params.v[0].dir == DIR_IN && is_u64(&pr->params.v[0].type);
        if (!timer)
            diag_error(&c->diags, po->loc, "guest_uses_interface",
                       "guest '%s' uses '%s %s', but a VMM speaks only the timer protocol: an interface with the "
                       "one procedure 'u64 set_timeout(in u64 deadline)'", co->name, po->iface_name, po->name);
        else if (++uses == 2)
            diag_error(&c->diags, po->loc, "guest_uses_interface", "guest '%s' uses a timer twice", co->name);
    }
}

/* Physical ranges the kernel keeps for itself on each platform: the interrupt controllers at
 * their architectural addresses (x86: Intel SDM vol. 3A 11.4.1 and 11.11.1; I/O APICs in the
 * chipsets' 0xfec00000 window). The kernel also keeps what the firmware describes elsewhere
 * (more I/O APICs, IOMMUs); the root server refuses those from the kernel's own list, which
 * the compiler cannot know (docs/idl.md). */
struct kept_range { enum platform_arch arch; uint64_t start, end; const char *what; };
static const struct kept_range kept_ranges[] = {
    {ARCH_X86_PVH, 0xfec00000ull, 0xfed00000ull, "the I/O APIC window"},
    {ARCH_X86_PVH, 0xfee00000ull, 0xfef00000ull, "the local APIC and MSI window"},
};

/* A platform's table, or every table when the system names no platform architecture. */
static void check_kept_by_kernel(struct ctx *c, const struct component *co, const struct hw *h)
{
    const struct platform *pl = c->prog.platform;
    for (size_t i = 0; i < sizeof kept_ranges / sizeof kept_ranges[0]; i++) {
        const struct kept_range *k = &kept_ranges[i];
        if (pl && pl->has_arch && pl->arch != k->arch) continue;
        if (h->base < k->end && k->start < h->base + h->size)
            diag_error(&c->diags, h->loc, "device_memory_kept_by_kernel",
                       "device memory '%s' [0x%llx, 0x%llx) of '%s' overlaps %s [0x%llx, 0x%llx), which the kernel "
                       "keeps for itself on %s",
                       h->name, (unsigned long long)h->base, (unsigned long long)(h->base + h->size), co->name, k->what,
                       (unsigned long long)k->start, (unsigned long long)k->end,
                       k->arch == ARCH_X86_PVH ? "x86_pvh" : "power9");
    }
}

/* A guest's xenstore channel is its store page at Xen's special PFN 0xfeffc: an x86 guest's,
 * one per guest, outside its RAM. */
static void check_guest_xenstore(struct ctx *c, const struct component *co)
{
    size_t seen = 0;
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        if (po->kind != PORT_CHANNEL || po->chan != CHAN_XENSTORE) continue;
        if (++seen > 1)
            diag_error(&c->diags, po->loc, "guest_xenstore", "guest '%s' has a second xenstore channel '%s': a guest has one store",
                       co->name, po->name);
        else if (co->has_arch && co->arch != ARCH_X86_PVH)
            diag_error(&c->diags, po->loc, "guest_xenstore", "guest '%s' is not x86_pvh: its xenstore channel '%s' has no store page",
                       co->name, po->name);
        else if (co->memory > GUEST_STORE_GPA)
            diag_error(&c->diags, po->loc, "guest_xenstore",
                       "guest '%s' has RAM up to 0x%llx, over its store page at 0x%llx (xenstore channel '%s')", co->name,
                       (unsigned long long)co->memory, GUEST_STORE_GPA, po->name);
    }
}

/* A guest's grant and event channels: each may join its VMM to another guest's and then needs a
 * thread of its VMM (its peer service, vmm/peer.c); the VMM serves VMM_PEER_CHANNELS. */
static uint64_t guest_channel_ports(const struct component *co)
{
    uint64_t n = 0;
    for (size_t k = 0; k < co->ports.n; k++)
        if (co->ports.v[k].kind == PORT_CHANNEL && (co->ports.v[k].chan == CHAN_GRANT || co->ports.v[k].chan == CHAN_EVENT)) n++;
    return n;
}

static void check_guest_peers(struct ctx *c, const struct component *co)
{
    uint64_t n = guest_channel_ports(co);
    if (n > VMM_PEER_CHANNELS)
        diag_error(&c->diags, co->loc, "guest_peer_channels",
                   "guest '%s' has %llu grant and event channels; its VMM serves at most %u", co->name,
                   (unsigned long long)n, VMM_PEER_CHANNELS);
}

/* What the POWER9 VMM (vmm/power9) cannot give a power9 guest: Xen grant and event channels
 * (a pseries guest has no grant table or event channels), a timer server (it takes time from
 * the timebase), or RAM under what vmm/papr lays the guest out in (PAPR_MEMORY_MIN, 64 MiB). */
#define POWER9_GUEST_MIN_RAM (64ull << 20)
static void check_guest_power9(struct ctx *c, const struct component *co)
{
    if (!co->has_arch || co->arch != ARCH_POWER9) return;
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        if (po->kind == PORT_CHANNEL && (po->chan == CHAN_GRANT || po->chan == CHAN_EVENT))
            diag_error(&c->diags, po->loc, "guest_power9",
                       "guest '%s' is for power9: its %s channel '%s' needs Xen grant tables and event channels, "
                       "which a pseries guest does not have", co->name, po->chan == CHAN_GRANT ? "grant" : "event", po->name);
        if (po->kind == PORT_USES)
            diag_error(&c->diags, po->loc, "guest_power9",
                       "guest '%s' is for power9: its VMM takes time from the timebase and uses no timer ('%s')",
                       co->name, po->name);
    }
    if (co->memory && co->memory < POWER9_GUEST_MIN_RAM)
        diag_error(&c->diags, co->loc, "guest_power9", "guest '%s' is for power9 with %llu MiB; its VMM needs at least %llu MiB",
                   co->name, (unsigned long long)(co->memory >> 20), POWER9_GUEST_MIN_RAM >> 20);
}

static void check_units(struct ctx *c)
{
    for (size_t i = 0; i < c->prog.comps.n; i++) {
        struct component *co = c->prog.comps.v[i];
        for (size_t k = 0; k < co->threads.n; k++)
            if (co->threads.v[k].prio > 255)
                diag_error(&c->diags, co->threads.v[k].loc, "priority_range",
                           "thread '%s' has priority %llu; priorities are 0..255", co->threads.v[k].name,
                           (unsigned long long)co->threads.v[k].prio);
        for (size_t k = 0; k < co->ports.n; k++)
            if (co->ports.v[k].kind == PORT_DATAPORT && (co->ports.v[k].size == 0 || co->ports.v[k].size > (4ull << 30)))
                diag_error(&c->diags, co->ports.v[k].loc, "dataport_size",
                           "dataport '%s' must have between 1 byte and 4 GiB", co->ports.v[k].name);
        /* x86 and POWER page tables have no write-only mapping: the kernel maps no frame
         * writable without read, and the root would stop at boot. */
        for (size_t k = 0; k < co->ports.n; k++)
            if (co->ports.v[k].kind == PORT_DATAPORT && co->ports.v[k].rights == RIGHT_WRITE)
                diag_error(&c->diags, co->ports.v[k].loc, "dataport_write_only",
                           "dataport '%s' is write-only ('w'), but no page can be mapped writable and not "
                           "readable; declare it 'rw' (the separation report then shows what it reads)",
                           co->ports.v[k].name);
        for (size_t k = 0; k < co->hw.n; k++)
            if (co->hw.v[k].kind == HW_MEM && co->hw.v[k].size && co->hw.v[k].base + co->hw.v[k].size > co->hw.v[k].base)
                check_kept_by_kernel(c, co, &co->hw.v[k]);
        if (co->stack > (64ull << 20) || co->heap > (4ull << 30))
            diag_error(&c->diags, co->loc, "component_memory_range",
                       "component '%s' asks for a stack above 64 MiB or a heap above 4 GiB", co->name);
        if (!co->is_guest) continue;
        check_guest_uses(c, co);
        check_guest_peers(c, co);
        check_guest_power9(c, co);
        const char *missing = !co->has_arch ? "platform" : !co->kernel ? "kernel" : !co->memory ? "memory" : NULL;
        if (missing)
            diag_error(&c->diags, co->loc, "guest_incomplete", "guest '%s' does not say its %s", co->name, missing);
        const struct platform *pl = c->prog.platform;
        if (co->has_arch && pl && pl->has_arch && co->arch != pl->arch)
            diag_error(&c->diags, co->loc, "guest_platform_mismatch",
                       "guest '%s' is for %s but platform '%s' is %s", co->name,
                       co->arch == ARCH_X86_PVH ? "x86_pvh" : "power9", pl->name,
                       pl->arch == ARCH_X86_PVH ? "x86_pvh" : "power9");
        if (co->memory && (co->memory % (2ull << 20) || co->memory < VMM_GUEST_MIN_RAM || co->memory > VMM_GUEST_MAX_RAM))
            diag_error(&c->diags, co->loc, "guest_memory",
                       "guest '%s' memory must be a multiple of 2 MiB from %llu MiB to %llu GiB (the VMM's range)",
                       co->name, VMM_GUEST_MIN_RAM >> 20, VMM_GUEST_MAX_RAM >> 30);
        if (co->cmdline && strlen(co->cmdline) >= VMM_CMDLINE_LEN)
            diag_error(&c->diags, co->loc, "guest_cmdline_length",
                       "guest '%s' has a command line of %zu bytes; the VMM takes at most %d", co->name,
                       strlen(co->cmdline), VMM_CMDLINE_LEN - 1);
        if ((co->kernel && !co->kernel[0]) || (co->initrd && !co->initrd[0]))
            diag_error(&c->diags, co->loc, "guest_file_name", "guest '%s' names an empty %s file", co->name,
                       co->kernel && !co->kernel[0] ? "kernel" : "initrd");
        for (size_t k = 0; k < co->hw.n; k++)
            if (co->hw.v[k].kind == HW_MEM && co->hw.v[k].base < co->memory)
                diag_error(&c->diags, co->hw.v[k].loc, "guest_device_overlaps_ram",
                           "device memory '%s' at 0x%llx would appear inside the RAM of guest '%s' [0, 0x%llx): a guest sees "
                           "passthrough memory at its physical address",
                           co->hw.v[k].name, (unsigned long long)co->hw.v[k].base, co->name,
                           (unsigned long long)co->memory);
        check_guest_xenstore(c, co);
        if (co->vcpus < 1 || co->vcpus > VMM_MAX_VCPUS)
            diag_error(&c->diags, co->loc, "vcpu_count", "guest '%s' has %llu vCPUs; the VMM runs 1..%u", co->name,
                       (unsigned long long)co->vcpus, VMM_MAX_VCPUS);
    }
}

static void check_schedule(struct ctx *c)
{
    struct program *pr = &c->prog;
    for (size_t i = 0; i < pr->parts.n; i++) {
        struct partition *pt = pr->parts.v[i];
        if (pt->ticks == 0 || pt->ticks > UINT32_MAX)
            diag_error(&c->diags, pt->loc, "partition_ticks", "partition '%s' must last 1..4294967295 ticks", pt->name);
        for (size_t k = 0; k < pt->members.n; k++) {
            struct instance *in = pt->members.v[k].inst;
            if (!in) continue;
            if (in->partition >= 0)
                diag_error(&c->diags, pt->members.v[k].loc, "instance_in_two_partitions",
                           "instance '%s' is already in partition '%s'", in->name, pr->parts.v[in->partition]->name);
            else
                in->partition = (long)i;
        }
    }
    for (size_t i = 0; i < pr->insts.n; i++) {
        struct instance *in = pr->insts.v[i];
        if (in->partition >= 0) continue;
        if (pr->parts.n)
            diag_error(&c->diags, in->loc, "unscheduled_instance",
                       "instance '%s' is in no partition of the schedule, so it would never run", in->name);
        in->partition = 0;
    }
}

static uint64_t round_page(uint64_t n) { return (n + PAGE - 1) / PAGE * PAGE; }

/* What an instance costs in RAM: its stacks and IPC buffers, heap, dataports (counted at
 * every end: an upper bound), channel rings, guest RAM and an x86 VMM's grant frames and tables. ELF images are not known here. */
static uint64_t instance_memory(const struct instance *in)
{
    const struct component *co = in->comp;
    uint64_t threads = co->is_guest ? co->vcpus + 1 + guest_channel_ports(co) : (co->threads.n ? co->threads.n : 1);
    uint64_t m = threads * (round_page(co->stack) + PAGE) + round_page(co->heap);
    for (size_t k = 0; k < co->ports.n; k++)
        if (co->ports.v[k].kind == PORT_DATAPORT) m += round_page(co->ports.v[k].size);
        else if (co->ports.v[k].kind == PORT_CHANNEL) m += PAGE;
    if (co->is_guest) m += co->memory;
    if (co->is_guest && co->arch == ARCH_X86_PVH) m += (VMM_GNTTAB_FRAMES + VMM_GNTTAB_TABLES) * PAGE;
    return m;
}

/* Kernel objects an instance needs, frames dominating: an upper bound. */
static uint64_t instance_objects(const struct instance *in)
{
    const struct component *co = in->comp;
    uint64_t threads = co->is_guest ? co->vcpus + 1 + guest_channel_ports(co) : (co->threads.n ? co->threads.n : 1);
    uint64_t n = 16 + threads * (4 + round_page(co->stack) / PAGE) + round_page(co->heap) / PAGE;
    for (size_t k = 0; k < co->ports.n; k++) {
        const struct port *po = &co->ports.v[k];
        n += 4;
        if (po->kind == PORT_DATAPORT)
            n += po->size % (2ull << 20) == 0 ? po->size / (2ull << 20) : round_page(po->size) / PAGE;
    }
    for (size_t k = 0; k < co->hw.n; k++) /* oversized ranges are reported by device_memory_size */
        n += 2 + (co->hw.v[k].kind == HW_MEM && co->hw.v[k].size <= (4ull << 30) ? co->hw.v[k].size / PAGE : 0);
    if (co->is_guest) n += co->memory / (2ull << 20);
    if (co->is_guest && co->arch == ARCH_X86_PVH) n += VMM_GNTTAB_FRAMES + VMM_GNTTAB_TABLES;
    return n;
}

#define MAX_OBJECTS (1ull << 20)
/* The ASID pools the root server can make: every range but the one of its own pool. */
#define SYSTEM_ASIDS ((BH_ASID_POOLS - 1ull) * BH_ASID_POOL_ASIDS)

static void check_budget(struct ctx *c)
{
    const struct platform *pl = c->prog.platform;
    uint64_t total = 0, objects = 0, spaces = 0;
    for (size_t i = 0; i < c->prog.insts.n; i++) {
        struct instance *in = c->prog.insts.v[i];
        if (!in->comp) continue;
        in->alloc->mem_bytes = instance_memory(in);
        total += in->alloc->mem_bytes;
        objects += instance_objects(in);
        spaces += in->comp->is_guest ? 2 : 1; /* a VSpace; a guest's VMM also a GuestSpace */
    }
    if (spaces > SYSTEM_ASIDS)
        diag_error(&c->diags, c->prog.assembly_loc, "too_many_address_spaces",
                   "the system needs %llu address spaces (a VSpace per instance, a GuestSpace per guest) but the "
                   "kernel's ASID pools the root server can make name at most %llu (%u pools of %u)",
                   (unsigned long long)spaces, SYSTEM_ASIDS, BH_ASID_POOLS - 1u, BH_ASID_POOL_ASIDS);
    if (objects > MAX_OBJECTS)
        diag_error(&c->diags, c->prog.assembly_loc, "too_many_objects",
                   "the system would need about %llu kernel objects; bhidl describes at most %llu (use 2 MiB "
                   "multiples for large dataports and guest RAM)",
                   (unsigned long long)objects, (unsigned long long)MAX_OBJECTS);
    if (pl && pl->has_memory && total > pl->memory)
        diag_error(&c->diags, pl->loc, "memory_budget",
                   "the system needs %llu KiB (stacks, IPC buffers, heaps, dataports, guest RAM) but platform '%s' "
                   "has %llu KiB",
                   (unsigned long long)(total >> 10), pl->name, (unsigned long long)(pl->memory >> 10));
}

void check_resources(struct ctx *c)
{
    if (!c->prog.has_assembly) {
        diag_error(&c->diags, (struct loc){c->prog.file, 1, 1}, "missing_assembly",
                   "expected an 'assembly' block: without one the system contains nothing");
        return;
    }
    check_units(c);
    check_hardware(c);
    check_ports(c);
    check_schedule(c);
    check_budget(c);
}
