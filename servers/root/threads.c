/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Steps 6 to 9: IRQ bindings, threads, the partition schedule, start.
 *
 * A thread starts at its image's entry with (ReadRegisters order: rip, rsp, rflags, rax, rbx,
 * rcx, rdx, rsi, rdi, ...) rsp = stack_top, rdi = its IPC buffer, rsi = its index within its
 * instance, the third argument register (rdx; r5 on POWER9, at BH_ARCH_REG_ARG2) = the slot
 * of its own TCB in its CSpace (0 if the spec gives it none); the
 * index is also stored in its IPC buffer's user_data word (docs/idl.md), which
 * user/start_component.c reads, beside a start message in its message words: MR0 the
 * cycle counter's frequency from the boot info (counter_khz; the console server measures its
 * clients' rates with it). Its faults go to the root's fault endpoint, badged with the
 * thread's index in the spec + 1.
 */
#include <stddef.h>
#include <bulkhead/arch/machine.h>
#include "root.h"

#define RFLAGS_IF 0x202u
#define SCHEDULE_MAX 64u

int root_bind(struct root *r)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < r->nobjects; i++) {
        struct bh_spec_object o;
        bh_spec_object(&r->spec, i, &o);
        if (o.type != BH_SPEC_OBJ_IRQ_HANDLER) continue;
        bh_cptr_t badged = root_copy(r, r->obj[o.link], BH_RIGHT_WRITE, 1ull << (o.aux & 63u));
        int err = badged ? bh_irq_handler_set_notification(r->obj[i], badged) : BH_ERR_RANGE;
        if (badged) root_delete(badged); /* the kernel keeps its own copy */
        if (err != BH_ERR_OK) {
            bh_printf("[root] error: IRQ %llu (%s): binding to %s failed: error %d (%s)\n", (unsigned long long)o.arg,
                      root_object_name(r, i), root_object_name(r, o.link), err, root_error_name(err));
            return -1;
        }
        n++;
    }
    if (n) bh_printf("[root] bound %u IRQ handlers to their notifications\n", n);
    return 0;
}

bh_word_t root_slot_of(const struct root *r, const struct bh_spec_instance *in, uint32_t obj)
{
    return root_slot_with(r, in, obj, 0);
}

bh_word_t root_slot_with(const struct root *r, const struct bh_spec_instance *in, uint32_t obj, uint8_t rights)
{
    for (uint32_t k = 0; k < in->cap_count; k++) {
        struct bh_spec_cap c;
        bh_spec_cap(&r->spec, in->first_cap + k, &c);
        if (c.object == obj && (c.rights & rights) == rights) return c.slot;
    }
    return 0;
}

/* Writes the thread's index into the user_data word of its IPC buffer and the counter
 * frequency into its MR0 (through a copy of the frame's capability: the original holds the
 * thread's mapping). */
static int store_index(struct root *r, const struct bh_spec_thread *t, bh_word_t index)
{
    bh_cptr_t f = root_copy(r, r->obj[t->ipc_frame], BH_RIGHT_READ | BH_RIGHT_WRITE, 0);
    if (!f) return BH_ERR_RANGE;
    int err = bh_frame_map(f, BH_ROOT_VSPACE, ROOT_SCRATCH_VADDR, BH_RIGHT_READ | BH_RIGHT_WRITE, 1);
    if (err == BH_ERR_OK) {
        uintptr_t at = (uintptr_t)ROOT_SCRATCH_VADDR + (uintptr_t)(t->ipc_vaddr & 4095u);
        ((bh_ipc_buffer_t *)at)->user_data = index;
        ((bh_ipc_buffer_t *)at)->mr[0] = r->bi->counter_khz;
        bh_frame_unmap(f);
    }
    root_delete(f);
    return err;
}

/* The thread's fault handler: the root's fault endpoint badged with j + 1 (the TCB keeps
 * its own copy of the badged capability, so the root's temporary one goes). */
static int set_fault_handler(struct root *r, bh_cptr_t tcb, uint32_t j)
{
    bh_cptr_t fep = root_copy(r, r->fault_ep, BH_RIGHT_WRITE | BH_RIGHT_GRANT, (bh_word_t)j + 1);
    if (!fep) return BH_ERR_RANGE;
    int err = bh_tcb_set_fault_handler(tcb, fep);
    root_delete(fep);
    return err;
}

static int setup_one(struct root *r, uint32_t j)
{
    struct bh_spec_thread t;
    struct bh_spec_instance in;
    bh_spec_thread(&r->spec, j, &t);
    bh_spec_instance(&r->spec, t.instance, &in);
    const struct root_instance *ri = &r->inst[t.instance];
    bh_cptr_t tcb = r->obj[t.tcb];
    bh_word_t index = j - in.first_thread;
    bh_word_t regs[11] = {ri->entry, t.stack_top, RFLAGS_IF, 0, 0, 0, 0, index, t.ipc_vaddr, 0, 0};
    regs[BH_ARCH_REG_ARG2] = root_slot_of(r, &in, t.tcb);
    const char *what = "configure";
    int err = bh_tcb_configure(tcb, ri->cspace, r->obj[in.vspace], r->obj[t.ipc_frame], t.ipc_vaddr);
    if (err == BH_ERR_OK) {
        what = "set priority";
        err = bh_tcb_set_priority(tcb, t.priority, BH_ROOT_TCB);
    }
    if (err == BH_ERR_OK) {
        what = "set partition";
        err = bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, t.partition, tcb);
    }
    if (err == BH_ERR_OK) {
        what = "set fault handler";
        err = set_fault_handler(r, tcb, j);
    }
    if (err == BH_ERR_OK) {
        what = "store its index";
        err = store_index(r, &t, index);
    }
    if (err == BH_ERR_OK) {
        what = "write registers";
        err = bh_tcb_write_registers(tcb, 0, regs, 11);
    }
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: thread %u (%s.%s): %s failed: error %d (%s)\n", j, ri->name,
                  bh_spec_string(&r->spec, t.name), what, err, root_error_name(err));
        return -1;
    }
    return 0;
}

int root_setup_threads(struct root *r)
{
    if (!root_supervisor_ep(r)) {
        bh_printf("[root] error: no memory for the fault endpoint\n");
        return -1;
    }
    for (uint32_t j = 0; j < r->nthreads; j++)
        if (setup_one(r, j) != 0) return -1;
    bh_printf("[root] configured %u threads (CSpace, VSpace, IPC buffer, priority, partition, fault handler)\n",
              r->nthreads);
    return 0;
}

int root_set_schedule(struct root *r)
{
    bh_word_t entries[SCHEDULE_MAX];
    uint32_t n = bh_spec_count(&r->spec, BH_SPEC_SEC_PARTITIONS);
    if (n == 0) return 0; /* no schedule: everything stays in partition 0 */
    if (n > SCHEDULE_MAX) {
        bh_printf("[root] error: %u partitions, the kernel's schedule holds %u\n", n, SCHEDULE_MAX);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct bh_spec_partition p;
        bh_spec_partition(&r->spec, i, &p);
        entries[i] = ((bh_word_t)i << 32) | p.ticks;
    }
    int err = bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, entries, n);
    if (err != BH_ERR_OK) {
        bh_printf("[root] error: SetSchedule of %u partitions failed: error %d (%s)\n", n, err, root_error_name(err));
        return -1;
    }
    bh_printf("[root] partition schedule:");
    for (uint32_t i = 0; i < n; i++) {
        struct bh_spec_partition p;
        bh_spec_partition(&r->spec, i, &p);
        bh_printf(" %s=%u ticks", bh_spec_string(&r->spec, p.name), p.ticks);
    }
    bh_printf(" (tick %lu us)\n", (unsigned long)r->bi->tick_us);
    return 0;
}

int root_start_threads(struct root *r)
{
    for (uint32_t j = 0; j < r->nthreads; j++) {
        struct bh_spec_thread t;
        bh_spec_thread(&r->spec, j, &t);
        int err = bh_tcb_resume(r->obj[t.tcb]);
        if (err != BH_ERR_OK) {
            bh_printf("[root] error: thread %u (%s.%s): resume failed: error %d (%s)\n", j, r->inst[t.instance].name,
                      bh_spec_string(&r->spec, t.name), err, root_error_name(err));
            return -1;
        }
    }
    bh_printf("[root] started %u threads\n", r->nthreads);
    return 0;
}
