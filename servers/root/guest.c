/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The x86 part of guests: the VM objects, GuestSpace mappings, and step 6: what a VMM gets beyond the spec's objects (vmm/params.h). The spec allocated its
 * capabilities and guest RAM; the root adds what only it knows: the guest's kernel and initrd
 * from the boot archive (read-only, at the VMM's fixed addresses; memory the spec does not list,
 * like an ELF image), a report capability to the root's supervisor endpoint (badged with the
 * guest's index, in the first free slot of the VMM's CSpace: reports are supervision, like
 * fault handlers), and the parameter page that tells the VMM all of it: the slots the compiler
 * chose (its grant frames' and their spare page tables' among them, and the console server's
 * notification it signals after output), where RAM, the console channel's page and the grant
 * frames are mapped, the name, RAM size and command line, and whether the kernel has debug
 * calls (where a VMM without a console channel prints); its domain id and xenstore channel (the
 * store page, which the spec also maps into the GuestSpace, and the server's notification);
 * its grant and event channels to other guests (guest_check.c checked their caps and rings).
 */
#include <string.h>
#include <bulkhead/layout.h>
#include <bulkhead/arch/vcpu.h>
#include <bulkhead/guest.h>
#include "params.h"
#include "root.h"

/* The VM objects are not in the BH_OBJ_* sequence of the others, nor in bh_alloc_object's table. */
bh_cptr_t root_alloc_vm_object(struct root *r, uint8_t spec_type)
{
    return bh_alloc_vm_object(&r->alloc, spec_type == BH_SPEC_OBJ_VCPU ? BH_OBJ_VCPU : BH_OBJ_GUEST_SPACE);
}

int root_guest_map_table(bh_cptr_t guest_space, bh_cptr_t table, uint64_t gpa)
{
    return bh_guest_space_map_table(guest_space, table, gpa);
}

int root_guest_map_frame(bh_cptr_t guest_space, bh_cptr_t frame, uint64_t gpa, bh_word_t rights)
{
    return bh_guest_space_map_frame(guest_space, frame, gpa, rights | BH_VCPU_RIGHT_EXECUTE);
}

uint64_t root_mapped_at(const struct root *r, const struct bh_spec_instance *in, uint32_t vspace, uint32_t obj)
{
    for (uint32_t k = 0; k < in->map_count; k++) {
        struct bh_spec_mapping m;
        bh_spec_mapping(&r->spec, in->first_map + k, &m);
        if (m.space == vspace && m.object == obj) return m.vaddr;
    }
    return 0;
}

static int give_report_cap(struct root *r, uint32_t i, const struct bh_spec_instance *in)
{
    struct bh_spec_cap last;
    bh_spec_cap(&r->spec, in->first_cap + in->cap_count - 1, &last);
    struct bh_spec_object cn;
    bh_spec_object(&r->spec, in->cnode, &cn);
    bh_cptr_t ep = root_supervisor_ep(r);
    r->guest[i].report_slot = last.slot + 1;
    return ep ? bh_cnode_mint(r->obj[in->cnode], r->guest[i].report_slot, cn.size_bits, BH_ROOT_CNODE, ep, 64,
                              BH_RIGHT_WRITE, ROOT_REPORT_BADGE | i)
              : BH_ERR_NOT_ENOUGH_MEMORY;
}

static void fill_params(const struct root *r, uint32_t i, const struct bh_spec_guest *g,
                        const struct bh_spec_instance *in, struct vmm_params *p)
{
    const struct root_guest *rg = &r->guest[i];
    struct bh_spec_thread t;
    bh_spec_thread(&r->spec, in->first_thread, &t);
    const char *cmdline = bh_spec_string(&r->spec, g->cmdline);
    memset(p, 0, sizeof *p);
    p->magic = VMM_PARAMS_MAGIC;
    p->ram_size = g->memory;
    p->image_size = rg->kernel_len;
    p->initrd_size = rg->initrd_len;
    p->vcpus = g->vcpus;
    strncpy(p->name, rg->name, VMM_NAME_LEN - 1);
    if (cmdline) strncpy(p->cmdline, cmdline, VMM_CMDLINE_LEN - 1);
    p->ram_vaddr = root_mapped_at(r, in, in->vspace, g->ram_first);
    p->console_vaddr = g->console == BH_SPEC_NONE ? 0 : root_mapped_at(r, in, in->vspace, g->console);
    p->slot.vcpu0 = (uint32_t)root_slot_of(r, in, t.vcpu);
    p->slot.guest_space = (uint32_t)root_slot_of(r, in, g->guest_space);
    p->slot.notification = (uint32_t)root_slot_with(r, in, g->events, ROOT_VMM_LINE_RIGHTS);
    p->slot.report = rg->report_slot;
    p->slot.timer = g->timer == BH_SPEC_NONE ? 0 : (uint32_t)root_slot_of(r, in, g->timer);
    p->slot.console_signal = g->console_signal == BH_SPEC_NONE ? 0 : (uint32_t)root_slot_of(r, in, g->console_signal);
    p->flags = (r->bi->flags & BH_BOOTINFO_DEBUG_CALLS) ? VMM_PARAMS_DEBUG_CALLS : 0;
    p->counter_khz = r->bi->counter_khz;
    p->wallclock_sec = r->bi->wallclock_sec;
    p->wallclock_counter = r->bi->wallclock_counter;
    p->store_vaddr = g->store == BH_SPEC_NONE ? 0 : root_mapped_at(r, in, in->vspace, g->store);
    p->store_signal = g->store_signal == BH_SPEC_NONE ? 0 : (uint32_t)root_slot_of(r, in, g->store_signal);
    p->domid = g->domid;
    p->peer_count = (uint16_t)g->peer_count;
    for (uint32_t k = 0; k < g->peer_count && k < VMM_PEER_CHANNELS; k++) {
        const struct bh_spec_guest_peer *q = &g->peer[k];
        p->peer[k] = (struct vmm_peer){
            .ring_vaddr = root_mapped_at(r, in, in->vspace, q->ring),
            .endpoint = (uint32_t)root_slot_of(r, in, q->endpoint),
            .peer_endpoint = (uint32_t)root_slot_of(r, in, q->peer_endpoint),
            .peer_signal = (uint32_t)root_slot_of(r, in, q->peer_signal),
            .domid = q->domid,
            .kind = q->kind,
            .side = q->side,
        };
    }
    struct bh_spec_object cn;
    bh_spec_object(&r->spec, in->cnode, &cn);
    p->caps = (struct vmm_cap_slots){
        .ram_frame = (uint32_t)root_slot_of(r, in, g->ram_first),
        .cnode = (uint32_t)root_slot_of(r, in, in->cnode),
        .vspace = (uint32_t)root_slot_of(r, in, in->vspace),
        .cnode_bits = cn.size_bits,
        .free_first = rg->report_slot + 1,   /* give_report_cap took the first free one */
        .free_last = (uint32_t)((1ull << cn.size_bits) - 1),
    };
    p->grant.vaddr = root_mapped_at(r, in, in->vspace, g->grant_first);
    for (uint32_t k = 0; k < VMM_GNTTAB_FRAMES; k++)
        p->grant.frame[k] = (uint32_t)root_slot_of(r, in, g->grant_first + k);
    for (uint32_t k = 0; k < VMM_GNTTAB_TABLES; k++)
        p->grant.table[k] = (uint32_t)root_slot_of(r, in, g->grant_table_first + k);
}

static int build_one(struct root *r, uint32_t i)
{
    static struct vmm_params params;
    struct bh_spec_guest g;
    struct bh_spec_instance in;
    bh_spec_guest(&r->spec, i, &g);
    bh_spec_instance(&r->spec, g.instance, &in);
    struct root_guest *rg = &r->guest[i];
    bh_cptr_t vspace = r->obj[in.vspace];
    const char *what = "report capability";
    int err = give_report_cap(r, i, &in);
    if (err == BH_ERR_OK) {
        what = "kernel image";
        err = bh_map_module(&r->alloc, vspace, VMM_IMAGE_VADDR, rg->kernel, rg->kernel_len);
    }
    if (err == BH_ERR_OK && rg->initrd) {
        what = "initrd";
        err = bh_map_module(&r->alloc, vspace, VMM_INITRD_VADDR, rg->initrd, rg->initrd_len);
    }
    if (err == BH_ERR_OK) {
        what = "parameter page";
        fill_params(r, i, &g, &in, &params);
        err = params.ram_vaddr ? bh_map_data(&r->alloc, vspace, VMM_PARAMS_VADDR, &params, sizeof params, BH_RIGHT_READ)
                               : BH_ERR_INVALID_ARGUMENT;
    }
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: guest '%s': its %s: error %d (%s)\n", rg->name, what, err, root_error_name(err));
        return -1;
    }
    bh_printf("[root] guest %s: kernel %s (%lu KiB), initrd %s (%lu KiB), %lu MiB of RAM, %u vCPU, command line \"%s\"%s\n",
              rg->name, bh_spec_string(&r->spec, g.kernel), (unsigned long)(rg->kernel_len >> 10),
              rg->initrd ? bh_spec_string(&r->spec, g.initrd) : "(none)", (unsigned long)(rg->initrd_len >> 10),
              (unsigned long)(g.memory >> 20), g.vcpus, params.cmdline, params.slot.console_signal ? ", console channel" : "");
    for (uint32_t k = 0; k < params.peer_count; k++)
        bh_printf("[root] guest %s: domain %u, %s channel to domain %u (its VMM's thread %u serves it)\n", rg->name,
                  params.domid, params.peer[k].kind == VMM_PEER_EVENT ? "event" : "grant", params.peer[k].domid,
                  (unsigned)(params.vcpus + k));
    if (params.store_vaddr)
        bh_printf("[root] guest %s: domain %u, its store page (xenstore channel) at gpa %#llx\n", rg->name, params.domid,
                  (unsigned long long)VMM_STORE_GPA);
    return 0;
}

int root_build_guests(struct root *r)
{
    for (uint32_t i = 0; i < r->nguests; i++)
        if (build_one(r, i) != 0) return -1;
    return 0;
}
