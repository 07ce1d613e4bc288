/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The POWER9 VMM's start: check what the creator gave (params.h; a POWER9 guest has no grant
 * frames, xenstore or peer channels, which the IDL compiler and the root refuse), bind vCPU 0
 * and its notification to this thread, load the guest (load.c), run it (run.c) and report how
 * it ended. Like the x86 VMM it never ends on a guest's error without reporting it first.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/arch/machine.h>
#include <bulkhead/invocations.h>
#include <bulkhead/process.h>
#include "vmm9.h"

static struct vm9 the_vm;

int main(void);

static int check_params(const struct vmm_params *p)
{
    if (p->magic != VMM_PARAMS_MAGIC) return -1;
    if (p->ram_size < PAPR_MEMORY_MIN || p->ram_size % PAPR_MEMORY_ALIGN || p->ram_size > PAPR_MEMORY_MAX) return -1;
    if (p->vcpus != 1) return -1;   /* one vCPU: SMP (RTAS start-cpu on its own thread) is not done yet */
    if (p->ram_vaddr == 0 || (p->ram_vaddr & 0x1fffff) != 0) return -1;
    if (!p->slot.vcpu0 || !p->slot.guest_space || !p->slot.notification || !p->slot.report) return -1;
    if (p->name[VMM_NAME_LEN - 1] != 0 || p->cmdline[VMM_CMDLINE_LEN - 1] != 0) return -1;
    if ((p->console_vaddr & 0xfff) != 0 || (p->slot.console_signal && !p->console_vaddr)) return -1;
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

/* The guest's only vCPU runs on this thread: there is no other thread to wake. */
static void kick(void *ctx, unsigned vcpu)
{
    (void)ctx, (void)vcpu;
}

void vm9_end(struct vm9 *vm, enum vmm_end why, uint64_t detail, uint64_t detail2)
{
    vm9_console_flush(vm);
    vm9_say(vm, "guest %s (%#lx, %#lx); %lu exits, %lu hypercalls (%lu errors)", vmm_end_name(why),
            (unsigned long)detail, (unsigned long)detail2, (unsigned long)vm->exits, (unsigned long)vm->hcalls,
            (unsigned long)vm->hcall_errors);
    static const char *const names[8] = {"hcall", "hdec", "interrupted", "hdsi", "hisi", "emulation", "facility", "other"};
    char line[VMM9_LINE_MAX];
    size_t n = 0;
    for (unsigned i = 0; i < 8; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s %lu", names[i], (unsigned long)vm->exits_by_reason[i]);
    vm9_say(vm, "exits by reason:%s; RTAS calls %lu (%lu errors); console input %lu bytes%s", line,
            (unsigned long)vm->papr.stats.rtas_calls, (unsigned long)vm->papr.stats.rtas_errors,
            (unsigned long)vm->console_in, vm->in_ring ? "" : " (no console channel)");
    if (vm->console_dropped)
        vm9_say(vm, "%lu bytes of output dropped: the console server's ring was full", (unsigned long)vm->console_dropped);
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
    vm->params = p;
    vm->ram = (uint8_t *)(uintptr_t)p->ram_vaddr;
    vm9_console_init(vm);
    int err = bh_tcb_bind_notification(BH_PROC_SLOT_TCB, VMM_SLOT_NOTIFICATION);
    if (err == 0) err = bh_vcpu_set_space(VMM_SLOT_VCPU0, VMM_SLOT_GUEST_SPACE);
    if (err == 0) err = bh_vcpu_set_tcb(VMM_SLOT_VCPU0, BH_PROC_SLOT_TCB);
    if (err != 0) {
        vm9_end(vm, VMM_END_SETUP, (uint64_t)err, 0);
        return 1;
    }
    vm->host = (struct papr_host){vm, now_ns, vm9_console_write, vm9_console_read, kick};
    int rc = vm9_load(vm);
    if (rc != 0) {
        vm9_end(vm, VMM_END_REFUSED, (uint64_t)rc, 0);
        return 1;
    }
    vm9_run(vm);
    return 0;
}
