/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The root server: executes the system specification in the boot archive, in the order of
 * docs/idl.md ("How the root server executes a specification"), reports what it built and
 * then supervises (faults of every thread come to it). On any error it says what failed and
 * stops; the kernel and whatever already runs stay up.
 */
#include <bulkhead/layout.h>
#include "root.h"

struct root root_state;

struct step {
    const char *name;
    int (*fn)(struct root *r);
};

static const struct step steps[] = {
    {"load the specification", root_load_spec},
    {"create objects", root_create_objects},
    {"build address spaces", root_build_vspaces},
    {"map frames", root_map_frames},
    {"bind IRQs", root_bind},
    {"fill CSpaces", root_fill_cspaces},
    {"set up guests", root_build_guests},
    {"configure threads", root_setup_threads},
    {"program the partition schedule", root_set_schedule},
};

int root_main(const struct bh_bootinfo *bi)
{
    struct root *r = &root_state;
    r->bi = bi;
    bh_alloc_init(&r->alloc, bi, BH_ROOT_VSPACE, ROOT_SCRATCH_VADDR);
    root_console_init(r);
    bh_printf("[root] Bulkhead root server: ABI %lu, %lu untyped regions, archive of %lu bytes, %lu partitions\n",
              (unsigned long)bi->abi_version, (unsigned long)(bi->untyped_last - bi->untyped_first),
              (unsigned long)bi->module_size, (unsigned long)bi->partitions);
    bh_printf("[root] %s kernel (%s debug calls); the root prints on %s\n",
              (bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? "debug" : "release",
              (bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? "with" : "without", root_console_name(r));
    r->alloc.asid_pool = 0; /* the spec says which pool each address space's ASID comes from */
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].fn(r) != 0) {
            bh_printf("[root] stopped at step %u (%s); nothing more is started, the kernel stays up\n", i + 1,
                      steps[i].name);
            return 1;
        }
    }
    /* The report first: once threads run, their output mixes with the root's. */
    root_report(r);
    if (root_start_threads(r) != 0) {
        bh_printf("[root] stopped while starting threads; the kernel stays up\n");
        return 1;
    }
    root_cleanup(r);
    root_supervise(r);
}
