/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Step 1: find system.spec in the boot archive, validate it, and refuse what this root and
 * kernel cannot run (more objects or partitions than they have room for; device frames of the
 * interrupt controllers and IOMMUs the kernel keeps; guests that the VMM cannot run:
 * guest_check.c). */
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

/* The kernel lists the device memory it keeps (bh_bootinfo.kernel_device[]); no device untyped covers it, so
 * such a frame could not be made anyway: say why here, before anything is created. */
static int check_device_frames(const struct root *r)
{
    int refused = 0;
    uint64_t nkept = r->bi->kernel_devices < BH_BOOTINFO_MAX_KERNEL_DEVICES ? r->bi->kernel_devices
                                                                            : BH_BOOTINFO_MAX_KERNEL_DEVICES;
    for (uint32_t i = 0; i < r->nobjects; i++) {
        struct bh_spec_object o;
        bh_spec_object(&r->spec, i, &o);
        if (o.type != BH_SPEC_OBJ_DEVICE_FRAME) continue;
        for (uint64_t k = 0; k < nkept; k++) {
            const struct bh_kernel_device_desc *d = &r->bi->kernel_device[k];
            if (o.arg < d->paddr || o.arg - d->paddr >= d->size) continue;
            const char *kind = bh_kernel_device_name(d->kind);
            bh_printf("[root] error: object %u (%s): device frame 0x%llx lies in the %s [0x%llx, 0x%llx), which the "
                      "kernel keeps for itself\n", i, root_object_name(r, i), (unsigned long long)o.arg,
                      kind ? kind : "device", (unsigned long long)d->paddr,
                      (unsigned long long)(d->paddr + d->size));
            refused++;
            break;
        }
    }
    return refused ? refuse("device memory the kernel keeps", (unsigned long)refused) : 0;
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
    if (check_device_frames(r) != 0) return -1;
    if (root_check_passthrough(r) != 0) return -1;
    return root_check_guests(r);
}
