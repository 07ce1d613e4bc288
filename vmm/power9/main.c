/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The POWER9 VMM's start: check what the creator gave (params.h; a POWER9 guest has no grant
 * frames, xenstore or peer channels, which the IDL compiler and the root refuse), bind each
 * vCPU and its notification to its thread, load the guest (load.c) and run it (run.c): thread
 * 0 runs vCPU 0 from the vmlinux entry, thread n vCPU n once start-cpu starts it. The end is
 * reported once, by the thread that saw it. Like the x86 VMM it never ends on a guest's error
 * without reporting it first.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/arch/machine.h>
#include <bulkhead/invocations.h>
#include <bulkhead/process.h>
#include "params_check.h"
#include "vmm9.h"

static struct vm9 the_vm;

int main(void);
int bhidl_thread_start(bh_word_t index); /* start_component.c's entry for threads 1.. */

static int check_params(const struct vmm_params *p)
{
    if (vmm_params_check_common(p, PAPR_MAX_VCPUS) != 0) return -1;
    if (p->ram_size < PAPR_MEMORY_MIN || p->ram_size % PAPR_MEMORY_ALIGN || p->ram_size > PAPR_MEMORY_MAX) return -1;
    if (p->store_vaddr || p->peer_count) return -1;
    return 0;
}

/* User level has no wall clock: the guest's RTAS clock starts at a fixed date (2023-11-14)
 * and runs with the timebase. */
static uint64_t now_ns(void *ctx)
{
    const struct vm9 *vm = ctx;
    uint64_t khz = vm->params->counter_khz ? vm->params->counter_khz : PAPR_TIMEBASE_HZ / 1000u;
    uint64_t tb = bh_arch_counter();
    return 1700000000ull * 1000000000ull + tb / khz * 1000000ull + tb % khz * 1000000ull / khz;
}

void vm9_lock(struct vm9 *vm)
{
    while (__atomic_exchange_n(&vm->lock, 1, __ATOMIC_ACQUIRE)) bh_yield();
}

void vm9_unlock(struct vm9 *vm)
{
    __atomic_store_n(&vm->lock, 0, __ATOMIC_RELEASE);
}

/* The caller's own vCPU needs no kick: it looks at its state before it enters again. */
static __thread int self_id = -1;

void vm9_kick(void *ctx, unsigned vcpu)
{
    struct vm9 *vm = ctx;
    if (vcpu < vm->params->vcpus && (int)vcpu != self_id) bh_signal(vm->params->slot.notification + vcpu);
}

void vm9_end(struct vm9 *vm, enum vmm_end why, uint64_t detail, uint64_t detail2)
{
    if (vm->ended) return;   /* another vCPU's thread saw the end first */
    vm9_console_flush(vm);
    vm9_say(vm, "guest %s (%#lx, %#lx); %lu exits, %lu hypercalls (%lu errors)", vmm_end_name(why),
            (unsigned long)detail, (unsigned long)detail2, (unsigned long)vm->exits, (unsigned long)vm->hcalls,
            (unsigned long)vm->hcall_errors);
    static const char *const names[8] = {"hcall", "hdec", "interrupted", "hdsi", "hisi", "emulation", "facility", "other"};
    char line[VMM9_LINE_MAX];
    size_t n = 0;
    for (unsigned i = 0; i < 8; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s %lu", names[i], (unsigned long)vm->exits_by_reason[i]);
    vm9_say(vm, "exits by reason:%s; RTAS calls %lu (%lu errors); %lu interrupts injected; console input %lu bytes%s",
            line, (unsigned long)vm->papr.stats.rtas_calls, (unsigned long)vm->papr.stats.rtas_errors,
            (unsigned long)vm->injected,
            (unsigned long)vm->console_in, vm->in_ring ? "" : " (no console channel)");
    if (vm->console_dropped)
        vm9_say(vm, "%lu bytes of output dropped: the console server's ring was full", (unsigned long)vm->console_dropped);
    vm->ended = true;
    for (unsigned i = 0; i < vm->params->vcpus; i++) vm9_kick(vm, i);
    bh_word_t words[8] = {why, detail, detail2, 0, 0, vm->exits, vm->hcalls, vm->hcall_errors};
    for (unsigned i = 0; i < 8; i++) bh_set_mr(i, words[i]);
    bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_END, 0, 0, 8));
}

int main(void)
{
    struct vm9 *vm = &the_vm;
    const struct vmm_params *p = VMM_PARAMS;
    if (check_params(p) != 0) {
        bh_printf("[vmm] the creator's parameters are malformed\n");
        bh_set_mr(0, VMM_END_SETUP);
        bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_END, 0, 0, 1));
        return 1;
    }
    vm9_lock(vm);
    vm->params = p;
    vm->ram = (uint8_t *)(uintptr_t)p->ram_vaddr;
    self_id = 0;
    vm9_console_init(vm);
    vm->host = (struct papr_host){vm, now_ns, vm9_console_write, vm9_console_read, vm9_kick};
    int err = vm9_bind(vm, 0, BH_PROC_SLOT_TCB);
    if (err != 0) {
        vm9_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
        vm9_unlock(vm);
        return 1;
    }
    int rc = vm9_load(vm);
    if (rc != 0) {
        vm9_end(vm, VMM_END_REFUSED, (uint64_t)rc, 0);
        vm9_unlock(vm);
        return 1;
    }
    vm->loaded = true;
    vm9_unlock(vm);
    vm9_vcpu_main(&vm->vcpu[0]);
}

/* A thread with nothing more to do waits for good (a returning thread would fault). */
static _Noreturn void park(const struct vmm_params *p, bh_word_t index)
{
    for (;;) (void)bh_wait(p->slot.notification + index);
}

/* The thread of vCPU `index` (1..vcpus-1): binds its VCPU and notification, then waits for
 * the guest to start it. vCPU 0's thread holds the lock until the guest is loaded. */
int bhidl_thread_start(bh_word_t index)
{
    struct vm9 *vm = &the_vm;
    const struct vmm_params *p = VMM_PARAMS;
    if (check_params(p) != 0 || index == 0 || index >= p->vcpus) return 1;
    self_id = (int)index;
    for (;;) {
        vm9_lock(vm);
        bool loaded = vm->loaded, ended = vm->ended;
        vm9_unlock(vm);
        if (loaded) break;
        if (ended) park(p, index);
        bh_yield();
    }
    vm9_lock(vm);
    int err = vm9_bind(vm, (unsigned)index, bh_self_tcb);
    if (err != 0) vm9_end(vm, VMM_END_SETUP, (uint64_t)err, index);
    vm9_unlock(vm);
    if (err != 0) park(p, index);
    vm9_vcpu_main(&vm->vcpu[index]);
}
