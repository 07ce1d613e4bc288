/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Step 1b: every guest of the spec, checked before anything is created, so that a guest the
 * VMM cannot run stops the build with a sentence that names the guest and the problem
 * (docs/root-server.md), not with a kernel error halfway. Each problem is printed; any one
 * refuses the spec. What the checks stand for: the VMM's limits (vCPUs, RAM granularity and
 * minimum and maximum, name and command-line lengths: guest_platform_<platform>.c), the boot archive (kernel and initrd
 * files), and what a VMM must hold to start (its VCPU, GuestSpace and event line, its grant
 * frames mapped one after another with their spare page tables, a free slot for its report
 * capability). PCI passthrough is checked in passthrough.c.
 */
#include <stdbool.h>
#include <string.h>
#include "params.h"
#include "root.h"

#define LARGE_PAGE (2ull << 20)

static unsigned problems;

/* Starts a problem's line; the caller prints the rest of it. */
static void problem(const char *guest)
{
    bh_printf("[root] error: system.spec refused: guest '%s': ", guest);
    problems++;
}

static void check_file(struct root *r, const char *guest, const char *what, uint32_t name, const void **data,
                       size_t *len)
{
    const char *file = bh_spec_string(&r->spec, name);
    *data = NULL;
    *len = 0;
    if (!file) return;
    *data = bh_archive_find(r->bi, file, len);
    if (*data) return;
    problem(guest);
    bh_printf("%s '%s' is not in the boot archive\n", what, file);
}

static void check_ram(const char *name, const struct bh_spec_guest *g)
{
    unsigned long bytes = (unsigned long)g->memory;
    if (g->memory % LARGE_PAGE) {
        problem(name);
        bh_printf("RAM of %lu bytes is not a whole number of 2 MiB frames\n", bytes);
    } else if (g->memory < root_guest_platform.min_ram) {
        problem(name);
        bh_printf("RAM of %lu MiB is too small: a guest needs at least %lu MiB\n", bytes >> 20,
                  (unsigned long)(root_guest_platform.min_ram >> 20));
    } else if (g->memory > root_guest_platform.max_ram) {
        problem(name);
        bh_printf("RAM of %lu MiB is more than the VMM takes (%lu MiB)\n", bytes >> 20,
                  (unsigned long)(root_guest_platform.max_ram >> 20));
    } else if ((uint64_t)g->ram_count * LARGE_PAGE != g->memory) {
        problem(name);
        bh_printf("RAM of %lu bytes, but %u frames of 2 MiB in the spec\n", bytes, g->ram_count);
    }
}

static void check_limits(struct root *r, const char *name, const struct bh_spec_guest *g)
{
    const char *cmdline = bh_spec_string(&r->spec, g->cmdline);
    if (g->arch != root_guest_platform.arch) {
        problem(name);
        bh_printf("it is for %s; this system is %s\n", g->arch ? "power9" : "x86_pvh", root_guest_platform.name);
    }
    if (g->vcpus > root_guest_platform.max_vcpus) {
        problem(name);
        bh_printf("%u vCPUs, but the VMM supports %u\n", g->vcpus, root_guest_platform.max_vcpus);
    }
    if (strlen(name) >= VMM_NAME_LEN) {
        problem(name);
        bh_printf("its name is longer than the VMM's %d characters\n", VMM_NAME_LEN - 1);
    }
    if (cmdline && strlen(cmdline) >= VMM_CMDLINE_LEN) {
        problem(name);
        bh_printf("a command line of %lu bytes, longer than the VMM's %d\n", (unsigned long)strlen(cmdline),
                  VMM_CMDLINE_LEN - 1);
    }
}

/* Slot `slot` of the instance holds a capability to an object of `type` with `rights`; its
 * object, or BH_SPEC_NONE. */
static uint32_t cap_at(struct root *r, const struct bh_spec_instance *in, bh_word_t slot, uint8_t type, uint8_t rights)
{
    for (uint32_t k = 0; k < in->cap_count; k++) {
        struct bh_spec_cap c;
        struct bh_spec_object o;
        bh_spec_cap(&r->spec, in->first_cap + k, &c);
        if (c.slot != slot) continue;
        bh_spec_object(&r->spec, c.object, &o);
        bool kick_ok = type != BH_SPEC_OBJ_NOTIFICATION || c.badge == BH_VMM_KICK_BADGE;
        return o.type == type && (c.rights & rights) == rights && kick_ok ? c.object : BH_SPEC_NONE;
    }
    return BH_SPEC_NONE;
}

/* vCPU n's thread needs its VCPU at vcpu0 + n and its notification at the event line + n, the
 * latter badged BH_VMM_KICK_BADGE (the VMM finds and uses them so: vmm/params.h); the compiler
 * allocates them so. */
static bool per_vcpu_caps(struct root *r, const struct bh_spec_guest *g, const struct bh_spec_instance *in)
{
    struct bh_spec_thread t0;
    bh_spec_thread(&r->spec, in->first_thread, &t0);
    bh_word_t vcpu0 = root_slot_of(r, in, t0.vcpu), line = root_slot_with(r, in, g->events, ROOT_VMM_LINE_RIGHTS);
    if (!vcpu0 || !line) return false;
    for (uint32_t n = 0; n < g->vcpus; n++) {
        struct bh_spec_thread t;
        if (bh_spec_thread(&r->spec, in->first_thread + n, &t) != 0) return false;
        if (cap_at(r, in, vcpu0 + n, BH_SPEC_OBJ_VCPU, BH_SPEC_RIGHT_READ) != t.vcpu) return false;
        if (cap_at(r, in, line + n, BH_SPEC_OBJ_NOTIFICATION, ROOT_VMM_LINE_RIGHTS) == BH_SPEC_NONE) return false;
    }
    return true;
}

/* What its VMM must hold: one vCPU thread per vCPU, caps to the VCPUs, GuestSpace and event lines. */
static void check_vmm(struct root *r, const char *name, const struct bh_spec_guest *g)
{
    struct bh_spec_instance in;
    struct bh_spec_thread t;
    struct bh_spec_object cn;
    bh_spec_instance(&r->spec, g->instance, &in);
    bh_spec_object(&r->spec, in.cnode, &cn);
    if (in.kind != 1) {
        problem(name);
        bh_printf("instance %u is not a VMM\n", g->instance);
    }
    if (in.thread_count != g->vcpus + g->peer_count || bh_spec_thread(&r->spec, in.first_thread, &t) != 0 ||
        t.vcpu == BH_SPEC_NONE) {
        problem(name);
        bh_printf("its VMM has %u threads for %u vCPUs and %u peer channels, or no VCPU\n", in.thread_count, g->vcpus,
                  g->peer_count);
    } else if (!root_slot_of(r, &in, g->guest_space) || !per_vcpu_caps(r, g, &in)) {
        problem(name);
        bh_printf("its VMM lacks its GuestSpace, or a VCPU or notification of one of its vCPUs in the slots it expects\n");
    }
    struct bh_spec_cap last;
    if (in.cap_count == 0 || bh_spec_cap(&r->spec, in.first_cap + in.cap_count - 1, &last) != 0 ||
        last.slot + 1ull >= (1ull << cn.size_bits)) {
        problem(name);
        bh_printf("its VMM's CSpace has no free slot for its report capability\n");
    }
}

/* Its VMM's grant frames (vmm/gnttab_frames.c): caps to VMM_GNTTAB_FRAMES frames mapped one
 * after another in the VMM, and to VMM_GNTTAB_TABLES spare page tables. */
static void check_grant(struct root *r, const char *name, const struct bh_spec_guest *g)
{
    struct bh_spec_instance in;
    bh_spec_instance(&r->spec, g->instance, &in);
    if (g->grant_count != VMM_GNTTAB_FRAMES || g->grant_table_count != VMM_GNTTAB_TABLES) {
        problem(name);
        bh_printf("its VMM has %u grant frames and %u page tables for them, but needs %u and %u (a specification from "
                  "an older bhidl?)\n", g->grant_count, g->grant_table_count, VMM_GNTTAB_FRAMES, VMM_GNTTAB_TABLES);
        return;
    }
    uint64_t base = root_mapped_at(r, &in, in.vspace, g->grant_first);
    int ok = base != 0;
    for (uint32_t k = 0; k < VMM_GNTTAB_FRAMES; k++)
        ok &= root_slot_of(r, &in, g->grant_first + k) != 0 &&
              root_mapped_at(r, &in, in.vspace, g->grant_first + k) == base + k * 4096ull;
    for (uint32_t k = 0; k < VMM_GNTTAB_TABLES; k++) ok &= root_slot_of(r, &in, g->grant_table_first + k) != 0;
    if (!ok) {
        problem(name);
        bh_printf("its VMM lacks a capability to a grant frame or page table, or its grant frames are not mapped one "
                  "after another in it\n");
    }
}

/* A guest's domain id, or 0 for an index beyond the guests. */
static uint16_t domid_of(struct root *r, uint32_t i)
{
    struct bh_spec_guest g;
    return bh_spec_guest(&r->spec, i, &g) == 0 ? g.domid : 0;
}

/* Whether guest g's GuestSpace maps object obj. */
static bool guest_maps(struct root *r, const struct bh_spec_guest *g, uint32_t obj)
{
    struct bh_spec_instance in;
    bh_spec_instance(&r->spec, g->instance, &in);
    return root_mapped_at(r, &in, g->guest_space, obj) != 0 || (obj == g->store && obj != BH_SPEC_NONE);
}

/* Its grant and event channels to other guests (vmm/peer.c): each names another guest of the
 * spec by its domain id, and the VMM holds what its peer service needs, with the rights it uses:
 * its own endpoint to receive on, the peer VMM's endpoint to send to and event line to signal,
 * and the ring mapped in it (only there and in the peer's VMM: never in a GuestSpace, where a
 * guest could write the pending bitmaps itself). One thread per channel after the vCPUs'. */
static void check_peers(struct root *r, uint32_t i, const char *name, const struct bh_spec_guest *g)
{
    struct bh_spec_instance in;
    bh_spec_instance(&r->spec, g->instance, &in);
    if (g->peer_count > VMM_PEER_CHANNELS) {
        problem(name);
        bh_printf("%u peer channels, but its VMM serves %u\n", g->peer_count, VMM_PEER_CHANNELS);
        return;
    }
    for (uint32_t k = 0; k < g->peer_count; k++) {
        const struct bh_spec_guest_peer *q = &g->peer[k];
        uint32_t other = r->nguests;
        for (uint32_t j = 0; j < r->nguests; j++)
            if (j != i && domid_of(r, j) == q->domid) other = j;
        if (q->domid == g->domid || other == r->nguests) {
            problem(name);
            bh_printf("its peer channel %u names domain %u, which is no other guest of the system\n", k, q->domid);
            continue;
        }
        bool caps = root_slot_with(r, &in, q->endpoint, BH_SPEC_RIGHT_READ) != 0 &&
                    root_slot_with(r, &in, q->peer_endpoint, BH_SPEC_RIGHT_WRITE) != 0 &&
                    root_slot_with(r, &in, q->peer_signal, BH_SPEC_RIGHT_WRITE) != 0;
        if (!caps || root_mapped_at(r, &in, in.vspace, q->ring) == 0) {
            problem(name);
            bh_printf("its VMM lacks a capability of its peer channel %u (to domain %u: its endpoint, the peer's endpoint "
                      "or event line) or the channel's ring mapped in it\n", k, q->domid);
            continue;
        }
        for (uint32_t j = 0; j < r->nguests; j++) {
            struct bh_spec_guest o;
            bh_spec_guest(&r->spec, j, &o);
            if (guest_maps(r, &o, q->ring)) {
                problem(name);
                bh_printf("the ring of its peer channel %u is mapped into a guest's memory: a guest could write the "
                          "pending-port bitmaps its VMM trusts\n", k);
                break;
            }
        }
    }
}

static void check_one(struct root *r, uint32_t i)
{
    struct bh_spec_guest g;
    struct bh_spec_instance in;
    bh_spec_guest(&r->spec, i, &g);
    bh_spec_instance(&r->spec, g.instance, &in);
    struct root_guest *rg = &r->guest[i];
    rg->name = bh_spec_string(&r->spec, in.name);
    if (!rg->name) rg->name = "?";
    check_limits(r, rg->name, &g);
    check_ram(rg->name, &g);
    check_file(r, rg->name, "its kernel", g.kernel, &rg->kernel, &rg->kernel_len);
    check_file(r, rg->name, "its initrd", g.initrd, &rg->initrd, &rg->initrd_len);
    check_vmm(r, rg->name, &g);
    if (root_guest_platform.grant_frames) check_grant(r, rg->name, &g);
    check_peers(r, i, rg->name, &g);
}

int root_check_guests(struct root *r)
{
    r->nguests = bh_spec_count(&r->spec, BH_SPEC_SEC_GUESTS);
    if (r->nguests > ROOT_MAX_GUESTS) {
        bh_printf("[root] error: system.spec refused: more guests than the root can track (%u)\n", r->nguests);
        return -1;
    }
    problems = 0;
    for (uint32_t i = 0; i < r->nguests; i++) check_one(r, i);
    return problems ? -1 : 0;
}
