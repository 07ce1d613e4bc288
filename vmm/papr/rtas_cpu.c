/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Secondary vCPUs, the RTAS way (Linux platforms/pseries/smp.c): every vCPU but 0 starts
 * stopped; Linux asks query-cpu-stopped-state, then start-cpu(server, entry, r3) with entry =
 * __pa(generic_secondary_smp_init) and r3 = the server; a CPU going offline calls stop-self.
 * The VMM's loop for the started vCPU enters it at start_pc in real mode with start_msr
 * (SF|ME, as QEMU's rtas_start_cpu); LPCR[ILE] and [AIL] are the partition's already.
 */
#include "papr.h"

/* query-cpu-stopped-state(server) -> status, state (0 stopped, 2 running). */
void rtas_query_cpu_stopped_state(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                                  enum papr_action *action)
{
    if (args[0] >= vm->cfg->vcpus) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    const struct papr_vcpu *v = &vm->vcpu[args[0]];
    bool stopped = v->state == PAPR_VCPU_STOPPED && !v->start_pending;
    rets[0] = RTAS_OUT_SUCCESS;
    rets[1] = stopped ? RTAS_CPU_STOPPED : RTAS_CPU_RUNNING;
}

/* start-cpu(server, entry, r3): only a stopped vCPU starts (QEMU answers -1 otherwise), and
 * only at an address in guest memory. */
void rtas_start_cpu(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                    enum papr_action *action)
{
    if (args[0] >= vm->cfg->vcpus || (args[1] & 3) || !papr_memory_contains(vm->mem, args[1], 4)) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    struct papr_vcpu *v = &vm->vcpu[args[0]];
    if (v->state != PAPR_VCPU_STOPPED || v->start_pending) {
        rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
        return;
    }
    v->start_pending = true;
    v->start_pc = args[1];
    v->start_r3 = args[2];
    v->start_msr = PAPR_MSR_SF | PAPR_MSR_ME;
    v->prodded = false;
    v->state = PAPR_VCPU_RUNNING;
    vm->host->kick(vm->host->ctx, args[0]);
    rets[0] = RTAS_OUT_SUCCESS;
}

/* stop-self(): the caller stops until a start-cpu; it never returns to the guest. */
void rtas_stop_self(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                    enum papr_action *action)
{
    vm->vcpu[vcpu].state = PAPR_VCPU_STOPPED;
    vm->vcpu[vcpu].start_pending = false;
    *action = PAPR_STOP_SELF;
    rets[0] = RTAS_OUT_SUCCESS;
}
