/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* What the root built: one line per instance (partition, caps, threads, mappings, image). */
#include "root.h"

static const char *partition_name(const struct root *r, uint32_t p)
{
    struct bh_spec_partition part;
    if (p == BH_SPEC_NONE || bh_spec_partition(&r->spec, p, &part) != 0) return "(0)";
    const char *n = bh_spec_string(&r->spec, part.name);
    return n ? n : "?";
}

static void report_threads(const struct root *r, const struct bh_spec_instance *in)
{
    for (uint32_t k = 0; k < in->thread_count; k++) {
        struct bh_spec_thread t;
        bh_spec_thread(&r->spec, in->first_thread + k, &t);
        bh_printf("%s%s/%u", k ? "," : "", bh_spec_string(&r->spec, t.name), t.priority);
    }
}

void root_report(const struct root *r)
{
    bh_printf("[root] system built: %u instances, %u objects (%u retyped, %u derived), %u threads\n", r->ninstances,
              r->nobjects, r->retyped, r->derived, r->nthreads);
    bh_printf("[root]   %-12s %-10s %5s %5s %-18s %s\n", "instance", "partition", "caps", "maps", "threads/prio",
              "image");
    for (uint32_t i = 0; i < r->ninstances; i++) {
        struct bh_spec_instance in;
        bh_spec_instance(&r->spec, i, &in);
        const struct root_instance *ri = &r->inst[i];
        bh_printf("[root]   %-12s %-10s %5u %5u %u: ", ri->name, partition_name(r, in.partition), in.cap_count,
                  in.map_count, in.thread_count);
        report_threads(r, &in);
        bh_printf("  %s (%u frames, %u page tables, entry 0x%llx)\n", bh_spec_string(&r->spec, in.image),
                  ri->image_frames, ri->image_tables, (unsigned long long)ri->entry);
    }
}
