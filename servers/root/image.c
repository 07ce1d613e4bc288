/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Step 3b: an instance's ELF image, from the boot archive into its VSpace. The image is the
 * one memory the spec does not list: its frames (and the page tables that hold them) come
 * from the root's own untyped memory, below ROOT_IMAGE_LIMIT. Pages are built whole, so two
 * segments sharing a page share one frame.
 */
#include <bulkhead/arch/machine.h>
#include <string.h>
#include "elf.h"
#include "root.h"

#define PAGE 4096ull
#define MAX_SEGMENTS 16u

struct segments {
    unsigned n;
    struct bh_elf_segment s[MAX_SEGMENTS];
};

static int collect(void *ctx, const struct bh_elf_segment *seg)
{
    struct segments *g = ctx;
    if (g->n == MAX_SEGMENTS) return -1;
    g->s[g->n++] = *seg;
    return 0;
}

/* Fills a fresh frame with the bytes of every segment in [va, va + PAGE); returns its rights. */
static bh_cptr_t build_page(struct root *r, const struct segments *g, uint64_t va, bh_word_t *rights, bh_word_t *attr)
{
    bh_cptr_t f = bh_alloc_object(&r->alloc, BH_OBJ_FRAME, 0);
    if (!f || bh_map_frame(&r->alloc, f, BH_ROOT_VSPACE, ROOT_SCRATCH_VADDR, BH_RIGHT_READ | BH_RIGHT_WRITE, 1) != 0)
        return 0;
    *rights = BH_RIGHT_READ;
    *attr = 1; /* not executable unless a segment here is */
    for (unsigned k = 0; k < g->n; k++) {
        const struct bh_elf_segment *s = &g->s[k];
        if (s->vaddr >= va + PAGE || s->vaddr + s->memsz <= va) continue;
        if (s->flags & BH_ELF_PF_W) *rights |= BH_RIGHT_WRITE;
        if (s->flags & BH_ELF_PF_X) *attr = 0;
        uint64_t lo = s->vaddr > va ? s->vaddr : va;
        uint64_t hi = s->vaddr + s->filesz < va + PAGE ? s->vaddr + s->filesz : va + PAGE;
        if (hi > lo)
            memcpy((char *)(uintptr_t)(ROOT_SCRATCH_VADDR + (lo - va)), (const char *)s->data + (lo - s->vaddr),
                   (size_t)(hi - lo));
    }
    bh_frame_unmap(f);
    return f;
}

static int load_pages(struct root *r, uint32_t instance, bh_cptr_t vspace, const struct segments *g)
{
    struct root_instance *ri = &r->inst[instance];
    uint64_t lo = g->s[0].vaddr & ~(PAGE - 1);
    uint64_t hi = (g->s[g->n - 1].vaddr + g->s[g->n - 1].memsz + PAGE - 1) & ~(PAGE - 1);
    bh_cptr_t slots_before = r->alloc.next_slot;
    for (uint64_t va = lo; va < hi; va += PAGE) {
        int used = 0;
        for (unsigned k = 0; k < g->n; k++)
            if (g->s[k].vaddr < va + PAGE && g->s[k].vaddr + g->s[k].memsz > va) used = 1;
        if (!used) continue;
        bh_word_t rights, attr;
        bh_cptr_t f = build_page(r, g, va, &rights, &attr);
        int err = f ? bh_map_frame(&r->alloc, f, vspace, va, rights, attr) : BH_ERR_NOT_ENOUGH_MEMORY;
        if (err != BH_ERR_OK) {
            bh_printf("[root] error: %s: image page 0x%llx: error %d (%s)\n", ri->name, (unsigned long long)va, err,
                      root_error_name(err));
            return -1;
        }
        ri->image_frames++;
    }
    ri->image_tables = (unsigned)(r->alloc.next_slot - slots_before) - ri->image_frames * 1u;
    return 0;
}

int root_load_image(struct root *r, uint32_t instance)
{
    struct bh_spec_instance in;
    struct bh_elf elf;
    struct segments g = {0};
    size_t len = 0;
    bh_spec_instance(&r->spec, instance, &in);
    struct root_instance *ri = &r->inst[instance];
    ri->name = bh_spec_string(&r->spec, in.name);
    const char *image = bh_spec_string(&r->spec, in.image);
    const void *data = image ? bh_archive_find(r->bi, image, &len) : NULL;
    if (!data) {
        bh_printf("[root] error: %s: image '%s' is not in the boot archive\n", ri->name, image ? image : "(none)");
        return -1;
    }
    int rc = bh_elf_parse(&elf, data, len, BH_ARCH_ELF_MACHINE);
    if (rc == 0 && bh_elf_load_segments(&elf, collect, &g) != 0) rc = BH_ELF_ERR_NOT_FOUND;
    if (rc != 0) {
        bh_printf("[root] error: %s: image '%s' is not a loadable program for this machine (ELF machine %u): %s\n", ri->name, image,
                  BH_ARCH_ELF_MACHINE, rc == BH_ELF_ERR_NOT_FOUND ? "too many segments" : bh_elf_strerror(rc));
        return -1;
    }
    const struct bh_elf_segment *last = &g.s[g.n - 1];
    if (g.s[0].vaddr < PAGE || last->vaddr + last->memsz > ROOT_IMAGE_LIMIT) {
        bh_printf("[root] error: %s: image '%s' lies outside 0x1000..0x%llx, the range reserved for it\n", ri->name,
                  image, (unsigned long long)ROOT_IMAGE_LIMIT);
        return -1;
    }
    ri->entry = bh_elf_entry(&elf);
    return load_pages(r, instance, r->obj[in.vspace], &g);
}
