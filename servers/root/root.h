/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The root server's state while it executes a system specification (docs/root-server.md).
 * Each step is one file: load.c (find, open, check), objects.c (retype, derive), vspace.c
 * (page tables, mappings), image.c (ELF images), cspace.c (caps), threads.c (bindings, threads,
 * schedule, start), report.c, supervise.c (cleanup, fault handling).
 * Every step returns 0, or -1 after printing what failed and on which record.
 */
#ifndef ROOT_H
#define ROOT_H

#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "spec.h"

#define ROOT_MAX_OBJECTS 4096u
#define ROOT_MAX_INSTANCES 128u
#define ROOT_MAX_THREADS 512u
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

struct root {
    const struct bh_bootinfo *bi;
    struct bh_alloc alloc;
    struct bh_spec spec;
    uint32_t nobjects, ninstances, nthreads;
    bh_cptr_t obj[ROOT_MAX_OBJECTS];     /* the root's capability to each object, by index */
    uint8_t mapped[ROOT_MAX_OBJECTS];    /* the root's capability is used by a mapping */
    struct root_instance inst[ROOT_MAX_INSTANCES];
    bh_cptr_t fault_ep;                  /* every thread's fault handler (badge: thread + 1) */
    unsigned retyped, derived, copies, deleted, kept;
};

/* The root's state (one, static: too large for the stack). */
extern struct root root_state;

int root_load_spec(struct root *r);
int root_create_objects(struct root *r);
int root_build_vspaces(struct root *r);
int root_load_image(struct root *r, uint32_t instance);
int root_map_frames(struct root *r);
int root_fill_cspaces(struct root *r);
int root_bind(struct root *r);
int root_setup_threads(struct root *r);
int root_set_schedule(struct root *r);
int root_start_threads(struct root *r);
void root_cleanup(struct root *r);
void root_report(const struct root *r);
_Noreturn void root_supervise(struct root *r);

/* Helpers shared by the steps. */
const char *root_error_name(int err);
const char *root_object_name(const struct root *r, uint32_t index);
/* A new slot of the root's CNode holding a copy (badge 0) or mint of the root's cap at src. */
bh_cptr_t root_copy(struct root *r, bh_cptr_t src, bh_word_t rights, bh_word_t badge);
/* Deletes a capability of the root's CNode. */
int root_delete(bh_cptr_t slot);

#endif
