/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The hcall dispatcher: `sc 1` from the guest leaves the opcode in r3 and up to nine
 * arguments in r4..r12; the status goes back in r3 and results from r4 (PAPR 14.5.3; Linux
 * plpar_hcall*). Only the guest's supervisor may call: an hcall from problem state gets
 * H_PRIVILEGE (QEMU emulate_spapr_hypercall checks MSR[PR] the same way). An opcode not in
 * the table gets H_FUNCTION. Decode, then invoke: handlers check every argument they use.
 */
#include <string.h>
#include "papr.h"

/* H_LOGICAL_CI_LOAD/STORE (the "debug" function set, not advertised): cache-inhibited access
 * to any logical address would let a guest reach device space the VMM never gave it, so they
 * are refused outright, and counted. */
static int64_t hc_logical_ci_refused(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call,
                                     enum papr_action *action)
{
    vm->stats.refused_logical_ci++;
    return H_FUNCTION;
}

static const struct {
    uint32_t opcode;
    const char *name;
    papr_hcall_fn *fn;
} hcalls[] = {
    {H_LOGICAL_CI_LOAD, "H_LOGICAL_CI_LOAD", hc_logical_ci_refused},
    {H_LOGICAL_CI_STORE, "H_LOGICAL_CI_STORE", hc_logical_ci_refused},
    {H_GET_TERM_CHAR, "H_GET_TERM_CHAR", hc_get_term_char},
    {H_PUT_TERM_CHAR, "H_PUT_TERM_CHAR", hc_put_term_char},
    {H_EOI, "H_EOI", hc_eoi},
    {H_CPPR, "H_CPPR", hc_cppr},
    {H_IPI, "H_IPI", hc_ipi},
    {H_IPOLL, "H_IPOLL", hc_ipoll},
    {H_XIRR, "H_XIRR", hc_xirr},
    {H_REGISTER_VPA, "H_REGISTER_VPA", hc_register_vpa},
    {H_CEDE, "H_CEDE", hc_cede},
    {H_CONFER, "H_CONFER", hc_confer},
    {H_PROD, "H_PROD", hc_prod},
    {H_SET_MODE, "H_SET_MODE", hc_set_mode},
    {H_REGISTER_PROC_TBL, "H_REGISTER_PROC_TBL", hc_register_proc_tbl},
    {H_RTAS, "H_RTAS", hc_rtas},
};

static int lookup(uint64_t opcode)
{
    for (unsigned i = 0; i < sizeof hcalls / sizeof hcalls[0]; i++)
        if (hcalls[i].opcode == opcode) return (int)i;
    return -1;
}

const char *papr_hcall_name(uint64_t opcode)
{
    int i = lookup(opcode);
    return i < 0 ? "unknown" : hcalls[i].name;
}

void papr_vm_init(struct papr_vm *vm, const struct papr_config *cfg, const struct papr_guest_memory *mem,
                  const struct papr_host *host)
{
    memset(vm, 0, sizeof *vm);
    vm->cfg = cfg;
    vm->mem = mem;
    vm->host = host;
    vm->vcpu[0].state = PAPR_VCPU_RUNNING;
    xics_reset(vm);
}

enum papr_action papr_hcall(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call)
{
    enum papr_action action = PAPR_CONTINUE;
    int64_t status;
    int i = lookup(call->r[3]);
    vm->stats.hcalls++;
    if (vcpu >= vm->cfg->vcpus)
        status = H_HARDWARE;         /* the VMM's mistake, never the guest's */
    else if (call->problem_state)
        status = H_PRIVILEGE;
    else if (i < 0)
        status = H_FUNCTION;
    else
        status = hcalls[i].fn(vm, vcpu, call, &action);
    if (status != H_SUCCESS) {
        vm->stats.hcall_errors++;
        action = PAPR_CONTINUE;
    }
    call->r[3] = (uint64_t)status;
    return action;
}
