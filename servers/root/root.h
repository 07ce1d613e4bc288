/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The root server's state while it executes a system specification (docs/root-server.md).
 * Each step is one file: load.c (find, open, check), guest_check.c (what a guest needs),
 * objects.c (retype, derive), vspace.c (page tables, mappings), image.c (ELF images), cspace.c
 * (caps), guest.c (a VMM's parameters and its guest's boot files), threads.c (bindings,
 * threads, schedule, start), report.c, supervise.c (cleanup, faults, guests' ends).
 * Every step returns 0, or -1 after printing what failed and on which record.
 */
#ifndef ROOT_H
#define ROOT_H

#include <stdbool.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "spec.h"

#define ROOT_MAX_OBJECTS 4096u
#define ROOT_MAX_INSTANCES 128u
#define ROOT_MAX_THREADS 512u
#define ROOT_MAX_GUESTS 16u
/* What this platform's VMM supports today (guest_platform_<platform>.c, from the VMM's own
 * limits): the spec's guest arch byte it runs (0 x86_pvh, 1 power9), vCPUs, RAM, and whether
 * its guests have grant frames. */
struct root_guest_platform {
    uint8_t arch;
    const char *name;
    uint32_t max_vcpus;
    uint64_t min_ram, max_ram;
    bool grant_frames;
};
extern const struct root_guest_platform root_guest_platform;
/* Badge of a VMM's report capability: this bit | the guest's index (fault badges are below). */
#define ROOT_REPORT_BADGE (1ull << 32)
/* Where the root maps frames for a moment to fill them (its own address space). */
#define ROOT_SCRATCH_VADDR 0x0000600000000000ull
/* The spec reserves the range below this for each instance's ELF image (docs/idl.md). */
#define ROOT_IMAGE_LIMIT 0x10000000ull

struct root_instance {
    const char *name;
    bh_cptr_t cspace;       /* a guarded copy of the instance's CNode: its threads' CSpace root */
    uint64_t entry;         /* the ELF's entry point */
    unsigned image_frames;  /* frames and page tables the image needed */
    unsigned image_tables;
};

struct root_guest {
    const char *name;             /* its VMM instance's */
    const void *kernel, *initrd;  /* in the boot archive */
    size_t kernel_len, initrd_len;
    uint32_t report_slot;         /* in its VMM's CSpace */
    bh_cptr_t cnode;              /* the root's capability to its VMM's CNode, kept (guest_report.c) */
    bool pages_revoked;           /* what its VMM derived revoked at its end (guest_report.c) */
};

struct root {
    const struct bh_bootinfo *bi;
    struct bh_alloc alloc;
    struct bh_spec spec;
    uint32_t nobjects, ninstances, nthreads;
    bh_cptr_t obj[ROOT_MAX_OBJECTS];     /* the root's capability to each object, by index */
    uint8_t mapped[ROOT_MAX_OBJECTS];    /* the root's capability is used by a mapping */
    struct root_instance inst[ROOT_MAX_INSTANCES];
    uint32_t nguests;
    struct root_guest guest[ROOT_MAX_GUESTS];
    bh_cptr_t fault_ep;                  /* faults (badge: thread + 1) and VMM reports (ROOT_REPORT_BADGE) */
    unsigned retyped, derived, assigned, copies, deleted, kept;
};

/* The root's state (one, static: too large for the stack). */
extern struct root root_state;

int root_load_spec(struct root *r);
int root_check_guests(struct root *r);
int root_create_objects(struct root *r);
/* PCI passthrough (passthrough.c on x86, passthrough_none.c elsewhere): step 1's refusals, and
 * each IOSpace's ASID and bound function after step 2's retypes. */
int root_check_passthrough(struct root *r);
int root_bind_passthrough(struct root *r);
/* A thread of an instance faulted (its fault badge): its passed-through functions are unbound. */
void root_stop_passthrough(struct root *r, bh_word_t fault_badge);
int root_build_vspaces(struct root *r);
int root_load_image(struct root *r, uint32_t instance);
int root_map_frames(struct root *r);
int root_fill_cspaces(struct root *r);
int root_build_guests(struct root *r);
/* The VM objects and GuestSpace mappings (guest.c). */
bh_cptr_t root_alloc_vm_object(struct root *r, uint8_t spec_type);
int root_guest_map_table(bh_cptr_t guest_space, bh_cptr_t table, uint64_t gpa);
/* Guest RAM is executable for the guest. */
int root_guest_map_frame(bh_cptr_t guest_space, bh_cptr_t frame, uint64_t gpa, bh_word_t rights);
int root_bind(struct root *r);
int root_setup_threads(struct root *r);
int root_set_schedule(struct root *r);
int root_start_threads(struct root *r);
void root_cleanup(struct root *r);
void root_report(const struct root *r);
_Noreturn void root_supervise(struct root *r);
/* Prints how a guest ended (a VMM's report on the supervisor endpoint). */
void root_guest_report(struct root *r, bh_word_t badge, bh_msginfo_t info);
/* guest_report.c: whether object obj is a guest's CNode (the root keeps it, noted in guest[]);
 * the end of guest i: the pages its VMM handed out revoked (once); the guest an instance runs. */
bool root_keeps_guest_cnode(struct root *r, uint32_t obj);
void root_guest_revoke_pages(struct root *r, uint32_t i);
uint32_t root_guest_of_instance(const struct root *r, uint32_t instance);

/* The root's own output (console_com1.c on x86, console_debug.c elsewhere): chosen at start;
 * where it goes, in words; and for a spec I/O port object of this range (first | last << 16),
 * the root's own capability to hand over instead of issuing the range again, or 0. */
void root_console_init(struct root *r);
const char *root_console_name(const struct root *r);
bh_cptr_t root_console_port(struct root *r, uint64_t range);

/* Helpers shared by the steps. */
const char *root_error_name(int err);
const char *root_object_name(const struct root *r, uint32_t index);
/* A new slot of the root's CNode holding a copy (badge 0) or mint of the root's cap at src. */
bh_cptr_t root_copy(struct root *r, bh_cptr_t src, bh_word_t rights, bh_word_t badge);
/* Deletes a capability of the root's CNode. */
int root_delete(bh_cptr_t slot);
/* The endpoint faults and VMM reports arrive on (created on first use); 0 when out of memory. */
bh_cptr_t root_supervisor_ep(struct root *r);
/* The slot of an instance's CSpace that holds a cap to object `obj`, 0 if none. */
bh_word_t root_slot_of(const struct root *r, const struct bh_spec_instance *in, uint32_t obj);
/* The first slot holding obj with at least these rights (BH_SPEC_RIGHT_*); 0 if none. */
bh_word_t root_slot_with(const struct root *r, const struct bh_spec_instance *in, uint32_t obj, uint8_t rights);
/* A VMM's event line: the guest's events notification with read and write rights (a guest's
 * consumed events are read-only caps to the same object); vCPU n's is n slots on. */
#define ROOT_VMM_LINE_RIGHTS (BH_SPEC_RIGHT_READ | BH_SPEC_RIGHT_WRITE)
/* Where the spec mapped `obj` in `vspace`, among the instance's mappings; 0 if nowhere (guest.c). */
uint64_t root_mapped_at(const struct root *r, const struct bh_spec_instance *in, uint32_t vspace, uint32_t obj);

#endif
