/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * After the start: the root deletes its copies of what it handed out (endpoints,
 * notifications, CNodes, IRQ handlers, I/O ports: the instances hold their own) and keeps
 * what supervision needs: TCBs (to stop or inspect threads), VSpaces, frames and page
 * tables (deleting the capability that made a mapping would undo it), guests' CNodes (to revoke
 * the pages a dead guest's VMM handed out, guest_report.c), the ASID pools (their
 * only capabilities: deleting one would take every ASID in it back), and the fault endpoint. Then it receives the faults of every thread, reports them and leaves the
 * faulting thread stopped, and the VMMs' reports of how their guests ended (guest_report.c);
 * the rest of the system runs on.
 */
#include "root.h"

static int handed_out(uint8_t type)
{
    return type == BH_SPEC_OBJ_ENDPOINT || type == BH_SPEC_OBJ_NOTIFICATION || type == BH_SPEC_OBJ_CNODE ||
           type == BH_SPEC_OBJ_IRQ_HANDLER || type == BH_SPEC_OBJ_IO_PORT;
}

void root_cleanup(struct root *r)
{
    for (uint32_t i = 0; i < r->nobjects; i++) {
        struct bh_spec_object o;
        bh_spec_object(&r->spec, i, &o);
        if (!r->obj[i]) continue; /* a moved IRQ handler: the root holds nothing */
        if (!handed_out(o.type) || (o.type == BH_SPEC_OBJ_CNODE && root_keeps_guest_cnode(r, i))) {
            r->kept++;
            continue;
        }
        if (root_delete(r->obj[i]) == BH_ERR_OK) r->deleted++;
        else r->kept++;
        r->obj[i] = 0;
    }
    for (uint32_t i = 0; i < r->ninstances; i++) {
        if (root_delete(r->inst[i].cspace) == BH_ERR_OK) r->deleted++;
        r->inst[i].cspace = 0;
    }
    bh_printf("[root] deleted %u of its capabilities that the instances now hold; kept %u for supervision "
              "(TCBs, VSpaces, frames, page tables, ASID pools, guests' CNodes) and the fault endpoint\n",
              r->deleted, r->kept);
}

bh_cptr_t root_supervisor_ep(struct root *r)
{
    if (!r->fault_ep) r->fault_ep = bh_alloc_object(&r->alloc, BH_OBJ_ENDPOINT, 0);
    return r->fault_ep;
}

/* Which instance and thread a fault badge (thread index + 1) names. */
static void name_thread(const struct root *r, bh_word_t badge, const char **inst, const char **thread)
{
    struct bh_spec_thread t;
    *inst = *thread = "?";
    if (badge == 0 || bh_spec_thread(&r->spec, (uint32_t)(badge - 1), &t) != 0) return;
    *inst = r->inst[t.instance].name;
    *thread = bh_spec_string(&r->spec, t.name);
}

static void report_fault(const struct root *r, bh_word_t badge, bh_msginfo_t info)
{
    const char *inst, *thread;
    bh_word_t kind = bh_msginfo_label(info);
    name_thread(r, badge, &inst, &thread);
    const char *kname = bh_fault_kind_name(kind) ? bh_fault_kind_name(kind) : "unknown";
    bh_word_t d0 = bh_get_mr(BH_FAULT_MR_DETAIL0), d1 = bh_get_mr(BH_FAULT_MR_DETAIL1), ip = bh_get_mr(BH_FAULT_MR_IP);
    if (kind == BH_FAULT_CAP) {
        const char *lf = bh_lookup_failure_name(d1) ? bh_lookup_failure_name(d1) : "?";
        bh_printf("[root] supervisor: %s.%s: capability fault: cptr %lu does not name a usable capability in its "
                  "CSpace (%s) at ip 0x%lx; thread stopped, the rest runs on\n",
                  inst, thread, (unsigned long)d0, lf, (unsigned long)ip);
    } else {
        bh_printf("[root] supervisor: %s.%s: %s fault (0x%lx 0x%lx) at ip 0x%lx; thread stopped, the rest runs on\n",
                  inst, thread, kname, (unsigned long)d0, (unsigned long)d1, (unsigned long)ip);
    }
}

/* A fault in one thread of a guest's VMM ends the guest: a vCPU missing would leave the
 * others waiting for it. The instance's other threads are stopped too; the rest runs on. */
static void stop_vmm(struct root *r, bh_word_t badge)
{
    struct bh_spec_thread t;
    struct bh_spec_instance in;
    if (badge == 0 || bh_spec_thread(&r->spec, (uint32_t)(badge - 1), &t) != 0) return;
    if (bh_spec_instance(&r->spec, t.instance, &in) != 0 || in.kind != 1 || in.thread_count < 2) return;
    unsigned stopped = 0;
    for (uint32_t k = 0; k < in.thread_count; k++) {
        struct bh_spec_thread o;
        if (in.first_thread + k == badge - 1 || bh_spec_thread(&r->spec, in.first_thread + k, &o) != 0) continue;
        if (bh_tcb_suspend(r->obj[o.tcb]) == BH_ERR_OK) stopped++;
    }
    bh_printf("[root] supervisor: guest %s ended: a thread of its VMM faulted; its %u other vCPU threads are stopped\n",
              r->inst[t.instance].name, stopped);
    root_guest_revoke_pages(r, root_guest_of_instance(r, t.instance));
}

_Noreturn void root_supervise(struct root *r)
{
    bh_printf("[root] supervising: faults of every thread come to the root\n");
    for (;;) {
        bh_word_t badge = 0;
        bh_msginfo_t info = bh_recv(r->fault_ep, &badge);
        if (badge & ROOT_REPORT_BADGE) {
            root_guest_report(r, badge, info); /* a VMM's Send: nothing to reply to */
            continue;
        }
        report_fault(r, badge, info);
        stop_vmm(r, badge);
        root_stop_passthrough(r, badge);
        /* A non-zero label leaves the faulting thread stopped (kernel/fault.c). */
        bh_reply(bh_msginfo(1, 0, 0, 0));
    }
}
