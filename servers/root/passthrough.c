/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * PCI passthrough (docs/passthrough.md), x86: each IOSpace object of the spec is the DMA
 * context of one PCI function (arg = bus << 8 | dev << 3 | fn). Step 1 refuses what cannot
 * work: no IOMMU the kernel drives (IOSpaceControl is then absent: the function's DMA could
 * not be confined), a bus beyond the kernel's context tables, a function that is not there
 * (its vendor ID, read once through ports 0xcf8/0xcfc before anything runs, is all ones), or
 * a function given to a guest (its VMM does not present PCI devices yet). After step 2
 * retyped the IOSpaces, each gets an ASID from the root's own pool (its VT-d domain id) and
 * its function is bound to it, so the function's DMA is translated, and blocked outside what
 * the IOSpace's holder maps, before any instance runs. The root keeps the PCI_DEVICE
 * capabilities: when a thread of the instance holding the IOSpace faults, the root unbinds the
 * function, so that from then on its DMA is blocked (context not present) whatever the device
 * was doing; its configuration space stays the PCI manager's.
 */
#include <stdbool.h>
#include "root.h"

#define CONFIG_ADDRESS 0xcf8u
#define CONFIG_DATA 0xcfcu
#define ROOT_MAX_PCI 32u

static struct { bh_cptr_t cap; uint32_t object; } pci_device[ROOT_MAX_PCI];
static unsigned npci;
static unsigned problems;

static void name_bdf(uint64_t bdf, char out[8])
{
    static const char hex[] = "0123456789abcdef";
    unsigned b = (unsigned)(bdf >> 8 & 0xff), d = (unsigned)(bdf >> 3 & 31), f = (unsigned)(bdf & 7);
    out[0] = hex[b >> 4], out[1] = hex[b & 15], out[2] = ':', out[3] = hex[d >> 4], out[4] = hex[d & 15];
    out[5] = '.', out[6] = hex[f], out[7] = 0;
}

static void refuse(struct root *r, uint32_t i, const char *bdf, const char *why)
{
    bh_printf("[root] error: system.spec refused: object %u (%s) passes PCI %s through, but %s\n", i,
              root_object_name(r, i), bdf, why);
    problems++;
}

/* IOSpaceControl is moved, never copied: a copy tells whether the root holds it. */
static bool have_iommu(struct root *r)
{
    bh_cptr_t probe = bh_alloc_slot(&r->alloc);
    if (!probe) return false;
    return bh_cnode_copy(BH_ROOT_CNODE, probe, 64, BH_ROOT_CNODE, BH_ROOT_IO_SPACE_CONTROL, 64, BH_RIGHTS_ALL) ==
           BH_ERR_ILLEGAL_OPERATION;
}

/* The function's vendor and device IDs through configuration mechanism 1 (all ones: absent). */
static uint32_t read_id(bh_cptr_t ports, uint64_t bdf)
{
    bh_word_t id = ~(bh_word_t)0;
    if (bh_io_port_out32(ports, CONFIG_ADDRESS, (bh_word_t)(0x80000000u | (uint32_t)bdf << 8)) == BH_ERR_OK)
        (void)bh_io_port_in32(ports, CONFIG_DATA, &id);
    return (uint32_t)id;
}

static bool owned_by_guest(struct root *r, uint32_t owner)
{
    for (uint32_t g = 0; g < bh_spec_count(&r->spec, BH_SPEC_SEC_GUESTS); g++) {
        struct bh_spec_guest guest;
        bh_spec_guest(&r->spec, g, &guest);
        if (guest.instance == owner) return true;
    }
    return false;
}

int root_check_passthrough(struct root *r)
{
    bool iommu = false, asked = false;
    bh_cptr_t ports = 0;
    problems = 0;
    for (uint32_t i = 0; i < r->nobjects; i++) {
        struct bh_spec_object o;
        char bdf[8];
        bh_spec_object(&r->spec, i, &o);
        if (o.type != BH_SPEC_OBJ_IO_SPACE) continue;
        name_bdf(o.arg, bdf);
        if (!asked) {
            asked = true;
            iommu = have_iommu(r);
            ports = bh_alloc_slot(&r->alloc);
            if (ports && bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, CONFIG_ADDRESS, CONFIG_DATA + 3,
                                                  BH_ROOT_CNODE, ports, 64) != BH_ERR_OK)
                ports = 0;
        }
        uint32_t id = ports ? read_id(ports, o.arg) : 0;
        if (!iommu)
            refuse(r, i, bdf, "this machine has no IOMMU the kernel drives (VT-d, named by the ACPI DMAR table): "
                              "the function's DMA could not be confined");
        else if (o.arg >> 8 >= BH_IOMMU_BUSES)
            refuse(r, i, bdf, "the kernel's IOMMU context tables cover buses 0..15 only");
        else if ((id & 0xffffu) == 0xffffu)
            refuse(r, i, bdf, "no device answers there (its vendor ID reads 0xffff)");
        else if (o.owner != BH_SPEC_NONE && owned_by_guest(r, o.owner))
            refuse(r, i, bdf, "it is a guest's, and the VMM does not present PCI devices to its guest yet");
        else if (npci == ROOT_MAX_PCI)
            refuse(r, i, bdf, "the root tracks at most 32 passed-through functions");
        else
            npci++;
    }
    if (ports) (void)bh_cnode_delete(BH_ROOT_CNODE, ports, 64);
    npci = 0;
    return problems ? -1 : 0;
}

static int bind_one(struct root *r, uint32_t i, const struct bh_spec_object *o)
{
    char bdf[8];
    name_bdf(o->arg, bdf);
    bh_cptr_t dev = bh_alloc_slot(&r->alloc);
    int err = bh_asid_pool_assign(BH_ROOT_ASID_POOL, r->obj[i]);
    const char *what = "gets no ASID from the root's pool";
    if (err == BH_ERR_OK) {
        r->assigned++;
        what = "cannot issue the function's capability";
        err = dev ? bh_io_space_control_issue(BH_ROOT_IO_SPACE_CONTROL, o->arg >> 8 & 0xff, o->arg >> 3 & 31,
                                              o->arg & 7, BH_ROOT_CNODE, dev, 64)
                  : BH_ERR_RANGE;
    }
    if (err == BH_ERR_OK) {
        what = "cannot bind the function to it";
        err = bh_pci_device_bind(dev, r->obj[i]);
    }
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: object %u (%s, PCI %s): %s: error %d (%s)\n", i, root_object_name(r, i), bdf, what,
                  err, root_error_name(err));
        return -1;
    }
    pci_device[npci].cap = dev;
    pci_device[npci++].object = i;
    bh_printf("[root] PCI %s: DMA through IOSpace %s\n", bdf, root_object_name(r, i));
    return 0;
}

int root_bind_passthrough(struct root *r)
{
    for (uint32_t i = 0; i < r->nobjects; i++) {
        struct bh_spec_object o;
        bh_spec_object(&r->spec, i, &o);
        if (o.type == BH_SPEC_OBJ_IO_SPACE && bind_one(r, i, &o) != 0) return -1;
    }
    return 0;
}

void root_stop_passthrough(struct root *r, bh_word_t fault_badge)
{
    struct bh_spec_thread t;
    if (fault_badge == 0 || bh_spec_thread(&r->spec, (uint32_t)(fault_badge - 1), &t) != 0) return;
    for (unsigned k = 0; k < npci; k++) {
        struct bh_spec_object o;
        char bdf[8];
        bh_spec_object(&r->spec, pci_device[k].object, &o);
        if (o.owner != t.instance) continue;
        name_bdf(o.arg, bdf);
        int err = bh_pci_device_unbind(pci_device[k].cap);
        bh_printf("[root] supervisor: PCI %s of %s unbound (error %d): its DMA is blocked from now on\n", bdf,
                  r->inst[t.instance].name, err);
    }
}
