/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Where the grant frames are: memory_op(add_to_physmap, XENMAPSPACE_grant_table, idx, gpfn).
 * In Xen the frame is the hypervisor's, and the guest's page at gpfn is replaced by it. Here:
 *   gpfn in RAM (below the console's page): that RAM page becomes frame idx. RAM is mapped in
 *     2 MiB frames, and a 2 MiB mapping cannot give up one 4 KiB page to another frame; the
 *     guest sees what Xen shows it, its page at gpfn holding the grant frame.
 *   gpfn above RAM, below the guest's physical address limit (CPUID 0x80000008, which the
 *     guest sees unchanged, capped at the GuestSpace's 2^48): the VMM's own frame idx (its
 *     creator's, params grant.frame) is mapped there read-write, not executable, after the
 *     spare page tables (grant.table) the missing levels need. Tables stay where they went,
 *     for later frames nearby; when none is left: -ENOMEM, said once.
 * A frame's contents go with it, as Xen moves the frame itself: whenever a frame is not in
 * RAM, the VMM's own frame holds them. Placing a frame where another one is takes that one
 * out (it is then nowhere, its contents kept). The spare page tables serve the guest's grant
 * mappings of other guests' pages too (grant_map.c, guest_space_map_page). Refused: a status frame (version 2 only), idx
 * beyond the maximum, the console's page, a gpfn at or beyond the limit (-EINVAL); a gpfn
 * outside RAM that something else occupies, such as passthrough memory (-EBUSY).
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include <xen/memory.h>
#include "vmm.h"

#define PAGE 4096u
#define GUEST_SPACE_PHYS_BITS 48u
#define RIGHTS_READ_WRITE (BH_RIGHT_READ | BH_RIGHT_WRITE)

static uint8_t *own_frame(const struct vm *vm, uint64_t idx)
{
    return (uint8_t *)(uintptr_t)(vm->params->grant.vaddr + idx * PAGE);
}

static bool in_ram(const struct vm *vm, uint64_t gpfn)
{
    return gpfn < console_ring_gpa(vm->ram_size) / PAGE;
}

/* The guest's physical address width as CPUID tells it, capped at the GuestSpace's. */
static unsigned guest_phys_bits(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
    if (a < 0x80000008u) return 36; /* the architectural default */
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008u), "c"(0));
    unsigned bits = a & 0xffu;
    return bits < GUEST_SPACE_PHYS_BITS ? bits : GUEST_SPACE_PHYS_BITS;
}

void gnttab_init(struct vm *vm)
{
    vm->gnttab_gpfn_limit = 1ull << (guest_phys_bits() - 12);
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++) {
        vm->gnttab_gpfn[i] = VMM_INVALID_GFN;
        memset(own_frame(vm, i), 0, PAGE);
    }
}

/* Takes frame idx out of guest-physical space; its contents stay in the VMM's own frame. */
static int withdraw(struct vm *vm, uint64_t idx)
{
    uint64_t gpfn = vm->gnttab_gpfn[idx];
    if (gpfn == VMM_INVALID_GFN) return 0;
    if (in_ram(vm, gpfn)) memcpy(own_frame(vm, idx), gpa_ptr(vm, gpfn * PAGE, PAGE), PAGE);
    else if (bh_frame_unmap(vm->params->grant.frame[idx]) != BH_ERR_OK) return -1;
    vm->gnttab_gpfn[idx] = VMM_INVALID_GFN;
    return 0;
}

static int64_t out_of_tables(struct vm *vm, uint64_t gpfn)
{
    if (!vm->gnttab_nomem_said)
        vmm_say(vm, "grant frame refused at gpfn %#lx: the %u page tables for grant frames are all in use",
                (unsigned long)gpfn, VMM_GNTTAB_TABLES);
    vm->gnttab_nomem_said = true;
    return -XEN_ENOMEM;
}

int64_t guest_space_map_page(struct vm *vm, bh_cptr_t frame, uint64_t gpa, bh_word_t rights)
{
    const struct vmm_grant_slots *g = &vm->params->grant;
    for (;;) {
        int err = bh_guest_space_map_frame(VMM_SLOT_GUEST_SPACE, frame, gpa, rights);
        if (err == BH_ERR_OK) return 0;
        if (err == BH_ERR_DELETE_FIRST) return -XEN_EBUSY;
        if (err != BH_ERR_FAILED_LOOKUP) return -XEN_EINVAL;
        if (vm->gnttab_tables_used == VMM_GNTTAB_TABLES) return out_of_tables(vm, gpa / PAGE);
        if (bh_guest_space_map_table(VMM_SLOT_GUEST_SPACE, g->table[vm->gnttab_tables_used], gpa) != BH_ERR_OK)
            return -XEN_EINVAL;
        vm->gnttab_tables_used++;
    }
}

/* Maps the VMM's frame idx at gpfn (outside RAM), adding spare page tables on the way. */
static int64_t map_own(struct vm *vm, uint64_t idx, uint64_t gpfn)
{
    return guest_space_map_page(vm, vm->params->grant.frame[idx], gpfn * PAGE, RIGHTS_READ_WRITE);
}

uint32_t *gnttab_frame(struct vm *vm, unsigned idx)
{
    uint64_t gpfn = vm->gnttab_gpfn[idx];
    return (uint32_t *)(gpfn != VMM_INVALID_GFN && in_ram(vm, gpfn) ? gpa_ptr(vm, gpfn * PAGE, PAGE) : own_frame(vm, idx));
}

bool gnttab_frame_at(const struct vm *vm, uint64_t gpfn)
{
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++)
        if (vm->gnttab_gpfn[i] == gpfn) return true;
    return false;
}

/* Puts frame idx (now nowhere) at gpfn. */
static int64_t place(struct vm *vm, uint64_t idx, uint64_t gpfn)
{
    if (in_ram(vm, gpfn)) {
        memcpy(gpa_ptr(vm, gpfn * PAGE, PAGE), own_frame(vm, idx), PAGE);
    } else {
        int64_t rc = map_own(vm, idx, gpfn);
        if (rc != 0) return rc;
    }
    vm->gnttab_gpfn[idx] = gpfn;
    return 0;
}

static int64_t check_placement(const struct vm *vm, uint64_t idx, uint64_t gpfn)
{
    if (idx & XENMAPIDX_grant_table_status) return -XEN_EINVAL; /* status frames: v2 only */
    if (idx >= VMM_GNTTAB_FRAMES) return -XEN_EINVAL;
    if (gpfn >= vm->gnttab_gpfn_limit) return -XEN_EINVAL;
    if (!in_ram(vm, gpfn) && gpfn < vm->ram_size / PAGE) return -XEN_EINVAL; /* the console's page */
    return 0;
}

int64_t gnttab_add_to_physmap(struct vm *vm, uint64_t idx, uint64_t gpfn)
{
    int64_t rc = check_placement(vm, idx, gpfn);
    if (rc != 0) return rc;
    uint64_t old = vm->gnttab_gpfn[idx];
    if (old == gpfn) return 0;
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++)
        if (i != idx && vm->gnttab_gpfn[i] == gpfn && withdraw(vm, i) != 0) return -XEN_EINVAL; /* replaced */
    if (withdraw(vm, idx) != 0) return -XEN_EINVAL;
    rc = place(vm, idx, gpfn);
    if (rc != 0 && old != VMM_INVALID_GFN) (void)place(vm, idx, old); /* back where it was: its tables are there */
    if (rc == 0 && idx + 1 > vm->gnttab_frames) vm->gnttab_frames = (uint32_t)idx + 1;
    return rc;
}
