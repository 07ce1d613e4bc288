/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM's start: check what the creator gave (params.h), bind each vCPU and its
 * notification to its thread, load the guest, run it, and report how it ended. The VMM never
 * ends the program on a guest's error: it reports it, and its creator decides.
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "params_check.h"
#include "vmm.h"

static struct vm the_vm;

int main(void);
int bhidl_thread_start(bh_word_t index); /* start_component.c's entry for threads 1.. */

static int check_params(const struct vmm_params *p)
{
    if (vmm_params_check_common(p, VMM_MAX_VCPUS) != 0) return -1;
    if (p->ram_size == 0 || (p->ram_size & 0x1fffff) != 0 || p->ram_size > (1ull << 36)) return -1;
    /* A TSC beyond 100 GHz is no measurement (time.c's scale would not fit). */
    if (p->counter_khz > VMM_MAX_COUNTER_KHZ) return -1;
    if (p->grant.vaddr == 0 || (p->grant.vaddr & 0xfff) != 0) return -1;
    if ((p->store_vaddr & 0xfff) != 0 || (p->store_signal && !p->store_vaddr)) return -1;
    if (p->peer_count > VMM_PEER_CHANNELS) return -1;
    for (unsigned k = 0; k < p->peer_count; k++) {
        const struct vmm_peer *q = &p->peer[k];
        if (q->ring_vaddr == 0 || (q->ring_vaddr & 0xfff) != 0 || !q->endpoint || !q->peer_endpoint || !q->peer_signal) return -1;
        if (q->domid == 0 || q->domid == p->domid || q->kind > VMM_PEER_EVENT || q->side > 1) return -1;
    }
    return 0;
}

/* vCPU 0's thread: checks the parameters, binds, loads the guest and runs it. The threads
 * after the vCPUs' serve the peer channels (peer.c) once it has set the VM up. */
int main(void)
{
    struct vm *vm = &the_vm;
    if (check_params(VMM_PARAMS) != 0) {
        bh_printf("[vmm] the creator's parameters are malformed\n");
        bh_set_mr(0, VMM_END_SETUP);
        bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_END, 0, 0, 1));
        return 1;
    }
    __atomic_store_n(&vm->params, VMM_PARAMS, __ATOMIC_RELEASE);
    output_init(vm);
    vm->ram = (uint8_t *)(uintptr_t)vm->params->ram_vaddr;
    vm->ram_size = vm->params->ram_size;
    vm_lock(vm);
    for (unsigned i = 0; i < vm->params->vcpus; i++) {
        vcpu_init(vm, i);
        vm->vcpu[i].pat = BH_VCPU_PAT_RESET;
    }
    int err = vcpu_bind(vm, 0, BH_PROC_SLOT_TCB);
    if (err != 0) {
        vm_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
        vm_unlock(vm);
        return 1;
    }
    time_init(vm);
    gnttab_init(vm);
    console_init(vm);
    store_init(vm);
    int rc = pvh_load(vm);
    if (rc != 0) {
        vm_end(vm, VMM_END_REFUSED, (uint64_t)rc, 0);
        vm_unlock(vm);
        return 1;
    }
    vm->vcpu[0].power = VCPU_RUNNING;
    __atomic_store_n(&vm->started, true, __ATOMIC_RELEASE);
    vcpu_run(&vm->vcpu[0]);
    vm_unlock(vm);
    return 0;
}

/* The thread of vCPU `index` (1..vcpus-1; start_component.c gives it its own TLS): binds its
 * VCPU and notification, then waits for the guest to start it (smp.c). The parameters are
 * read-only and the VM's state is touched only under the lock, which vCPU 0 holds until the
 * guest is loaded. */
int bhidl_thread_start(bh_word_t index)
{
    struct vm *vm = &the_vm;
    const struct vmm_params *p = VMM_PARAMS;
    if (check_params(p) != 0) return 1;
    if (index >= p->vcpus && index < p->vcpus + p->peer_count) {
        while (!__atomic_load_n(&vm->params, __ATOMIC_ACQUIRE)) bh_yield();
        return peer_serve(vm, (unsigned)(index - p->vcpus));
    }
    if (index >= p->vcpus || index >= VMM_MAX_VCPUS) return 1;
    int err = vcpu_bind(vm, (unsigned)index, bh_self_tcb);
    if (err != 0) {
        vm_lock(vm);
        vm->params = p;
        vm_end(vm, VMM_END_SETUP, (uint64_t)err, index);
        vm_unlock(vm);
        return 1;
    }
    vcpu_ap_main(&vm->vcpu[index]);
    return 0;
}
