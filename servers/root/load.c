/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Step 1: find system.spec in the boot archive, validate it, and refuse what this root and
 * kernel cannot run (more objects or partitions than they have room for; guests that the
 * VMM cannot run: guest_check.c). */
#include "root.h"

#define SPEC_NAME "system.spec"

static const char *const error_names[] = {
    "OK", "INVALID_ARGUMENT", "INVALID_CAPABILITY", "ILLEGAL_OPERATION", "RANGE", "ALIGNMENT",
    "FAILED_LOOKUP", "TRUNCATED_MESSAGE", "DELETE_FIRST", "REVOKE_FIRST", "NOT_ENOUGH_MEMORY",
    "WRONG_OBJECT_TYPE", "INSUFFICIENT_RIGHTS",
};

const char *root_error_name(int err)
{
    if (err >= 0 && (unsigned)err < sizeof error_names / sizeof error_names[0]) return error_names[err];
    return "?";
}

const char *root_object_name(const struct root *r, uint32_t index)
{
    struct bh_spec_object o;
    if (bh_spec_object(&r->spec, index, &o) != 0) return "?";
    const char *n = bh_spec_string(&r->spec, o.name);
    return n ? n : bh_spec_obj_type_name(o.type);
}

static int refuse(const char *why, unsigned long n)
{
    bh_printf("[root] error: %s refused: %s (%lu)\n", SPEC_NAME, why, n);
    return -1;
}

int root_load_spec(struct root *r)
{
    size_t len = 0;
    const void *buf = bh_archive_find(r->bi, SPEC_NAME, &len);
    if (!buf) {
        bh_printf("[root] error: no %s in the boot archive\n", SPEC_NAME);
        return -1;
    }
    struct bh_spec_error err;
    if (bh_spec_open(buf, len, &r->spec, &err) != 0) {
        bh_printf("[root] error: %s refused: %s (at byte offset %lu of %lu)\n", SPEC_NAME, err.what,
                  (unsigned long)err.offset, (unsigned long)len);
        return -1;
    }
    r->nobjects = bh_spec_count(&r->spec, BH_SPEC_SEC_OBJECTS);
    r->ninstances = bh_spec_count(&r->spec, BH_SPEC_SEC_INSTANCES);
    r->nthreads = bh_spec_count(&r->spec, BH_SPEC_SEC_THREADS);
    uint32_t nparts = bh_spec_count(&r->spec, BH_SPEC_SEC_PARTITIONS);
    bh_printf("[root] %s: %lu bytes, %u instances, %u objects, %u caps, %u mappings, %u threads, %u partitions\n",
              SPEC_NAME, (unsigned long)len, r->ninstances, r->nobjects, bh_spec_count(&r->spec, BH_SPEC_SEC_CAPS),
              bh_spec_count(&r->spec, BH_SPEC_SEC_MAPPINGS), r->nthreads, nparts);
    if (r->nobjects > ROOT_MAX_OBJECTS) return refuse("more objects than the root can track", r->nobjects);
    if (r->ninstances > ROOT_MAX_INSTANCES) return refuse("more instances than the root can track", r->ninstances);
    if (r->nthreads > ROOT_MAX_THREADS) return refuse("more threads than the root can track", r->nthreads);
    if (nparts > r->bi->partitions) return refuse("more partitions than the kernel has", nparts);
    return root_check_guests(r);
}
