/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * IOMMU contexts, portable part: IOSpaceControl, PCI device capabilities (their DMA binding
 * and their MSIs, whose lines irq.c keeps) and IOSpaces.
 *
 * An IOSpace is the root table of one DMA address space (a VT-d domain on x86) followed by its
 * fault state. It takes an ASID from a pool like a VSpace, and that ASID is its domain id, so a
 * holder of untyped memory exhausts only its own pool's domains. Its intermediate tables are
 * PageTable objects and its leaves frames, each recording (ASID, iova | IO_MAPPED) in its
 * capability, so unmapping, deleting or revoking one removes the IOMMU entry through vspace.c
 * and invalidates the IOTLB of the domain.
 *
 * The pool records an IOSpace's root tagged with ASID_IO_TAG, so that a record left stale by a
 * dead IOSpace whose ASID now names a VSpace (or the reverse) is found stale: the two kinds of
 * tables have different formats and a walk must never take one for the other.
 *
 * Invariant: every function the IOMMU translates (a present context entry) names a live
 * IOSpace whose ASID still names it, with that ASID as domain. Binding needs the ASID; the
 * IOSpace's last capability going, its pool going, or the function's last capability going
 * unbinds (plat_iommu_unbind*), so the IOMMU never walks tables that may hold freed frames.
 */
#include "kernel.h"

/* PCI functions with a capability (at most one original each; copies are allowed). */
static uint8_t pci_issued[IOMMU_BUSES * 256u / 8u];

static bool issued(word_t source) { return pci_issued[source / 8] & BIT(source % 8); }

static struct io_space *io_space_of(void *root) { return (struct io_space *)root; }

/* The IOSpace an ASID names now, or NULL. */
static struct io_space *io_space_lookup(word_t asid)
{
    word_t v = (word_t)asid_lookup(asid);
    return (v & ASID_IO_TAG) ? (struct io_space *)(v & ~(word_t)ASID_IO_TAG) : NULL;
}

/* The root of an IOSpace capability whose ASID still names it, else NULL. */
void *io_space_root(const struct cap *c)
{
    return space_asid(c) && io_space_lookup(space_asid(c)) == (struct io_space *)c->ptr ? (void *)c->ptr : NULL;
}

static unsigned frame_bits(const struct cap *f)
{
    return f->type == OBJ_LARGE_FRAME ? LARGE_PAGE_BITS : PAGE_BITS;
}

/* vspace.c's unmap paths, for records with IO_MAPPED. */
void io_space_unmap_frame(struct cap *f)
{
    struct io_space *s = io_space_lookup(mapping_asid(f));
    if (s) {
        plat_iommu_unmap_frame(s, f->data & ~MASK(PAGE_BITS), ptr_to_paddr((void *)f->ptr), frame_bits(f));
        plat_iommu_flush(mapping_asid(f));
    }
    mapping_record(f, 0, 0);
}

void io_space_unmap_table(struct cap *t)
{
    struct io_space *s = io_space_lookup(mapping_asid(t));
    if (s) {
        plat_iommu_unmap_table(s, t->data & ~MASK(PAGE_BITS), (unsigned)(t->data & IO_LEVEL_MASK),
                               ptr_to_paddr((void *)t->ptr));
        plat_iommu_flush(mapping_asid(t));
    }
    page_table_clear(t);
    mapping_record(t, 0, 0);
}

static exception_t check_space(const struct cap *c, void **root)
{
    *root = io_space_root(c);
    if (!*root) return fail(ERR_INVALID_CAPABILITY, 0, 0, "the IOSpace has no ASID (assign one from an ASID pool)");
    return ERR_OK;
}

static void invoke_io_space_map_frame(const struct cap *s, void *root, struct cap *f, word_t iova, word_t rights)
{
    plat_iommu_map_frame(root, iova, ptr_to_paddr((void *)f->ptr), frame_bits(f), rights);
    mapping_record(f, space_asid(s), iova | IO_MAPPED);
}

exception_t decode_io_space_map_frame(struct cte *slot, const struct args_io_space_map_frame *a)
{
    void *root;
    exception_t e = check_space(&slot->cap, &root);
    if (e != ERR_OK) return e;
    struct cap *f = &a->frame->cap;
    unsigned bits = frame_bits(f);
    if (frame_is_device(f)) return fail(ERR_WRONG_OBJECT_TYPE, 1, 0, "device frames are not DMA targets");
    if (!ALIGNED(a->iova, bits)) return fail(ERR_ALIGNMENT, 0, 0, "iova not aligned to the frame size");
    word_t top = plat_iommu_top();
    if (a->iova >= top || top - a->iova < BIT(bits) || (bits > PAGE_BITS && !plat_iommu_large_pages()))
        return fail(ERR_INVALID_ARGUMENT, 0, 0, "iova beyond the IOMMU's address width (or no large pages)");
    if (a->rights & ~(word_t)(RIGHT_READ | RIGHT_WRITE)) return fail(ERR_INVALID_ARGUMENT, 1, 0, "unknown rights bits");
    word_t rights = a->rights & f->rights;
    if (!(rights & RIGHT_READ)) return fail(ERR_INSUFFICIENT_RIGHTS, RIGHT_READ, 0, "a mapping needs the read right");
    if (mapping_present(f)) return fail(ERR_DELETE_FIRST, 0, 0, "this capability is mapped already");
    paddr_t there;
    int r = plat_iommu_frame_slot(root, a->iova, bits, &there);
    if (r > 0) return fail(ERR_FAILED_LOOKUP, 0, (word_t)r, "a page table is missing");
    if (r < 0) return fail(ERR_DELETE_FIRST, 0, 0, "the iova is mapped already");
    invoke_io_space_map_frame(&slot->cap, root, f, a->iova, rights);
    return ERR_OK;
}

static void invoke_io_space_map_table(const struct cap *s, void *root, struct cap *t, word_t iova)
{
    page_table_clear(t); /* entries left from a space that died while the table was in it */
    int level = plat_iommu_map_table(root, iova, ptr_to_paddr((void *)t->ptr));
    ASSERT(level > 0);
    mapping_record(t, space_asid(s), (iova & ~MASK(PAGE_BITS)) | IO_MAPPED | (word_t)level);
}

exception_t decode_io_space_map_table(struct cte *slot, const struct args_io_space_map_table *a)
{
    void *root;
    exception_t e = check_space(&slot->cap, &root);
    if (e != ERR_OK) return e;
    if (a->iova >= plat_iommu_top()) return fail(ERR_INVALID_ARGUMENT, 0, 0, "iova beyond the IOMMU's address width");
    struct cap *t = &a->table->cap;
    if (mapping_present(t)) return fail(ERR_DELETE_FIRST, 0, 0, "this page table is mapped already");
    if (plat_iommu_table_slot(root, a->iova) < 0) return fail(ERR_DELETE_FIRST, 0, 0, "every level at this iova is present");
    invoke_io_space_map_table(&slot->cap, root, t, a->iova);
    return ERR_OK;
}

/* The kernel's copy of the fault notification capability goes. It is always a notification,
 * so this needs none of delete.c (which calls back here for IOSpaces: no cycles, as irq.c). */
static void clear_notification(struct io_space *s)
{
    struct cte *c = &s->notification;
    if (c->cap.type != OBJ_NOTIFICATION) return;
    bool final = cte_is_final(c);
    struct notification *n = cap_notification(&c->cap);
    cte_unlink(c);
    if (final) notification_cancel_all(n);
}

static void invoke_io_space_set_notification(struct io_space *s, struct cte *src)
{
    exception_t e;
    clear_notification(s);
    struct cap c = cap_derive(&src->cap, RIGHTS_ALL, false, 0, &e);
    ASSERT(e == ERR_OK);
    cte_insert_child(src, &s->notification, c);
}

exception_t decode_io_space_set_notification(struct cte *slot, const struct args_io_space_set_notification *a)
{
    invoke_io_space_set_notification(io_space_of((void *)slot->cap.ptr), a->notification); /* nothing else to check */
    return ERR_OK;
}

static void invoke_io_space_read_fault(struct io_space *s, word_t *out, word_t *out_length)
{
    out[0] = s->fault.pending;
    out[1] = s->fault.source;
    out[2] = s->fault.address;
    out[3] = s->fault.kind;
    out[4] = s->fault.lost;
    s->fault = (struct io_fault){0};
    *out_length = 5;
}

exception_t decode_io_space_read_fault(struct cte *slot, const struct args_io_space_read_fault *a, word_t *out,
                                       word_t *out_length)
{
    (void)a;
    invoke_io_space_read_fault(io_space_of((void *)slot->cap.ptr), out, out_length);
    return ERR_OK;
}

/* A DMA fault the platform read from the IOMMU, of a function bound to the domain asid. */
void io_space_fault(word_t asid, word_t source, word_t address, word_t kind)
{
    struct io_space *s = io_space_lookup(asid);
    if (!s) return;
    if (s->fault.pending) {
        s->fault.lost++;
    } else {
        s->fault.pending = 1;
        s->fault.source = source;
        s->fault.address = address;
        s->fault.kind = kind;
    }
    const struct cap *n = &s->notification.cap;
    if (n->type == OBJ_NOTIFICATION) notification_signal(cap_notification(n), cap_badge(n));
}

/* The last capability to an IOSpace is going: no function may go on walking it. */
void io_space_finalise(const struct cap *c)
{
    if (io_space_root(c)) {
        plat_iommu_unbind_domains(space_asid(c), 1);
        asid_release(c);
    }
    clear_notification(io_space_of((void *)c->ptr));
}

/* An ASID pool is going: the IOSpaces it named lose their domains. */
void io_space_pool_deleted(word_t range)
{
    if (plat_iommu_present()) plat_iommu_unbind_domains(range * ASID_POOL_ASIDS, ASID_POOL_ASIDS);
}

static void invoke_io_space_control_issue(struct cte *control, struct cte *dest, word_t source)
{
    pci_issued[source / 8] = (uint8_t)(pci_issued[source / 8] | BIT(source % 8));
    cte_insert_child(control, dest, (struct cap){.type = OBJ_PCI_DEVICE, .rights = RIGHTS_ALL, .ptr = source});
}

exception_t decode_io_space_control_issue(struct cte *slot, const struct args_io_space_control_issue *a)
{
    word_t source = a->bus << 8 | a->device << 3 | a->function;
    if (issued(source)) return fail(ERR_REVOKE_FIRST, 0, 0, "a capability to the function exists already");
    struct cte *dest;
    exception_t e = lookup_dest_slot(&a->dest_root->cap, a->dest_index, a->dest_depth, &dest);
    if (e != ERR_OK) return e;
    invoke_io_space_control_issue(slot, dest, source);
    return ERR_OK;
}

static word_t pci_source(const struct cap *c) { return c->ptr; }

static void invoke_pci_device_bind(word_t source, void *root, word_t asid)
{
    plat_iommu_bind(source, root, asid);
}

exception_t decode_pci_device_bind(struct cte *slot, const struct args_pci_device_bind *a)
{
    void *root = io_space_root(&a->space->cap);
    if (!root) return fail(ERR_INVALID_CAPABILITY, 1, 0, "the IOSpace has no ASID");
    if (plat_iommu_bound(pci_source(&slot->cap))) return fail(ERR_DELETE_FIRST, 0, 0, "the function is bound already");
    invoke_pci_device_bind(pci_source(&slot->cap), root, space_asid(&a->space->cap));
    return ERR_OK;
}

static void invoke_pci_device_unbind(word_t source)
{
    plat_iommu_unbind(source);
}

exception_t decode_pci_device_unbind(struct cte *slot, const struct args_pci_device_unbind *a)
{
    (void)a;
    invoke_pci_device_unbind(pci_source(&slot->cap)); /* nothing to check: an unbound function is fine */
    return ERR_OK;
}

static void invoke_pci_device_get_msi(struct cte *device, struct cte *dest, word_t irq, word_t *out, word_t *out_length)
{
    word_t source = pci_source(&device->cap);
    plat_msi_bind(irq, source, &out[0], &out[1]);
    out[2] = irq;
    *out_length = 3;
    irq_msi_issue(device, dest, irq, source);
}

exception_t decode_pci_device_get_msi(struct cte *slot, const struct args_pci_device_get_msi *a, word_t *out,
                                      word_t *out_length)
{
    if (!plat_msi_available()) return fail(ERR_ILLEGAL_OPERATION, 0, 0, "the IOMMU does not remap interrupts");
    word_t irq = irq_msi_free_line();
    if (irq == IRQ_LINES) return fail(ERR_NOT_ENOUGH_MEMORY, 0, 0, "every MSI line has a handler");
    struct cte *dest;
    exception_t e = lookup_dest_slot(&a->dest_root->cap, a->dest_index, a->dest_depth, &dest);
    if (e != ERR_OK) return e;
    invoke_pci_device_get_msi(slot, dest, irq, out, out_length);
    return ERR_OK;
}

/* The last capability to a function is going: it is blocked again and may be issued anew. */
void pci_device_deleted(const struct cap *c)
{
    word_t source = pci_source(c);
    irq_msi_source_gone(source);
    plat_iommu_unbind(source);
    pci_issued[source / 8] = (uint8_t)(pci_issued[source / 8] & ~BIT(source % 8));
}
