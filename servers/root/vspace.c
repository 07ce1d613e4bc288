/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Steps 3 and 4: address spaces. Page tables of the spec go in top level first (PDPT, PD,
 * PT: PageTable Map installs a table at the first missing level above its address; a spare
 * table, level 0, is left to its holder: a VMM maps its grant frames' tables itself), then
 * each instance's ELF image is loaded (image.c), then every frame of the spec is mapped
 * with its rights; a frame mapped a second time (a shared dataport) is mapped through a
 * copy of the root's capability, since one capability holds one mapping. A GuestSpace takes
 * its tables and frames through its own invocations; guest RAM is executable for the guest.
 */
#include "root.h"

#define ATTR_NX 1u
#define ATTR_UNCACHED 2u

static int is_guest_space(const struct root *r, uint32_t space)
{
    struct bh_spec_object o;
    return bh_spec_object(&r->spec, space, &o) == 0 && o.type == BH_SPEC_OBJ_GUEST_SPACE;
}

static int map_tables(struct root *r)
{
    struct bh_spec_object o;
    unsigned n = 0;
    for (unsigned level = 3; level >= 1; level--) {
        for (uint32_t i = 0; i < r->nobjects; i++) {
            bh_spec_object(&r->spec, i, &o);
            if (o.type != BH_SPEC_OBJ_PAGE_TABLE || o.aux != level) continue;
            int err = is_guest_space(r, o.link) ? root_guest_map_table(r->obj[o.link], r->obj[i], o.arg)
                                                : bh_page_table_map(r->obj[i], r->obj[o.link], o.arg);
            if (err != BH_ERR_OK) {
                bh_printf("[root] error: page table %u (level %u at 0x%llx in %s): map failed: error %d (%s)\n", i,
                          level, (unsigned long long)o.arg, root_object_name(r, o.link), err, root_error_name(err));
                return -1;
            }
            r->mapped[i] = 1;
            n++;
        }
    }
    return (int)n;
}

int root_build_vspaces(struct root *r)
{
    int tables = map_tables(r);
    if (tables < 0) return -1;
    /* The root's scratch window gets its page tables now, so that they do not count as an
     * image's: one frame mapped there and unmapped. */
    bh_cptr_t warm = bh_alloc_object(&r->alloc, BH_OBJ_FRAME, 0);
    if (!warm || bh_map_frame(&r->alloc, warm, BH_ROOT_VSPACE, ROOT_SCRATCH_VADDR, BH_RIGHT_READ, 1) != BH_ERR_OK) {
        bh_printf("[root] error: no memory for the root's scratch window\n");
        return -1;
    }
    bh_frame_unmap(warm);
    for (uint32_t i = 0; i < r->ninstances; i++)
        if (root_load_image(r, i) != 0) return -1;
    bh_printf("[root] address spaces: %d page tables of the spec mapped, %u ELF images loaded\n", tables,
              r->ninstances);
    return 0;
}

int root_map_frames(struct root *r)
{
    uint32_t n = bh_spec_count(&r->spec, BH_SPEC_SEC_MAPPINGS);
    for (uint32_t i = 0; i < n; i++) {
        struct bh_spec_mapping m;
        bh_spec_mapping(&r->spec, i, &m);
        bh_cptr_t frame = r->obj[m.object];
        if (r->mapped[m.object]) {
            frame = root_copy(r, frame, BH_RIGHTS_ALL, 0);
            if (!frame) return -1;
        }
        bh_word_t rights = m.rights & (BH_RIGHT_READ | BH_RIGHT_WRITE);
        bh_word_t attr = ATTR_NX | ((m.flags & BH_SPEC_MAP_UNCACHED) ? ATTR_UNCACHED : 0);
        int err = is_guest_space(r, m.space)
                      ? root_guest_map_frame(r->obj[m.space], frame, m.vaddr, rights)
                      : bh_frame_map(frame, r->obj[m.space], m.vaddr, rights, attr);
        if (err != BH_ERR_OK) {
            bh_printf("[root] error: mapping %u (%s at 0x%llx in %s): error %d (%s)%s\n", i,
                      root_object_name(r, m.object), (unsigned long long)m.vaddr, root_object_name(r, m.space), err,
                      root_error_name(err),
                      err == BH_ERR_FAILED_LOOKUP ? ": the spec lists no page table for this address" : "");
            return -1;
        }
        r->mapped[m.object] = 1;
    }
    bh_printf("[root] mapped %u frames\n", n);
    return 0;
}
