/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM's start: check what the creator gave (params.h), bind the vCPU and the event
 * notification to this thread, load the guest, run it, and report how it ended. The VMM never
 * ends the program on a guest's error: it reports it, and its creator decides.
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "vmm.h"

static struct vm the_vm;

static int check_params(const struct vmm_params *p)
{
    if (p->magic != VMM_PARAMS_MAGIC) return -1;
    if (p->ram_size == 0 || (p->ram_size & 0x1fffff) != 0 || p->ram_size > (1ull << 36)) return -1;
    if (p->vcpus < 1 || p->vcpus > VMM_MAX_VCPUS) return -1;
    if (p->ram_vaddr == 0 || (p->ram_vaddr & 0x1fffff) != 0) return -1;
    if (!p->slot.vcpu0 || !p->slot.guest_space || !p->slot.notification || !p->slot.report) return -1;
    if (p->grant.vaddr == 0 || (p->grant.vaddr & 0xfff) != 0) return -1;
    return 0;
}

static int bind_vcpu(struct vm *vm, unsigned id)
{
    struct vcpu *v = &vm->vcpu[id];
    v->vm = vm;
    v->id = id;
    v->cap = VMM_SLOT_VCPU0 + id;
    v->pat = VMM_PAT_DEFAULT;
    int err = bh_vcpu_set_space(v->cap, VMM_SLOT_GUEST_SPACE);
    if (err == 0) err = bh_vcpu_set_tcb(v->cap, BH_PROC_SLOT_TCB);
    return err;
}

int program_main(bh_word_t arg)
{
    struct vm *vm = &the_vm;
    (void)arg;
    vm->params = VMM_PARAMS;
    if (check_params(vm->params) != 0) {
        bh_printf("[vmm] the creator's parameters are malformed\n");
        bh_set_mr(0, VMM_END_SETUP);
        bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_END, 0, 0, 1));
        return 1;
    }
    vm->ram = (uint8_t *)(uintptr_t)vm->params->ram_vaddr;
    vm->ram_size = vm->params->ram_size;
    int err = bh_tcb_bind_notification(BH_PROC_SLOT_TCB, VMM_SLOT_NOTIFICATION);
    if (err == 0) err = bind_vcpu(vm, 0);
    if (err != 0) {
        vm_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
        return 1;
    }
    time_init(vm);
    gnttab_init(vm);
    console_init(vm);
    int rc = pvh_load(vm);
    if (rc != 0) {
        vm_end(vm, VMM_END_REFUSED, (uint64_t)rc, 0);
        return 1;
    }
    vcpu_run(&vm->vcpu[0]);
    return 0;
}
