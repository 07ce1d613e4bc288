/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * XICS as PAPR defines it for an LPAR: a presentation controller (ICP) per server = vCPU,
 * driven by H_XIRR, H_EOI, H_CPPR, H_IPI and H_IPOLL (Linux sysdev/xics/icp-hv.c), and one
 * source controller (ICS) driven by RTAS ibm,set-xive, ibm,get-xive, ibm,int-off and
 * ibm,int-on (ics-rtas.c). The presentation rules follow QEMU's hw/intc/xics.c: a smaller
 * priority number is more favoured; an interrupt is presented when it is more favoured than
 * the CPPR and than what is already pending, and the one it displaces is rejected back to its
 * source, which resends it when the CPPR relaxes or at an EOI. The IPI is source 2, raised by
 * an MFRR more favoured than the CPPR. Every source is message-signalled (edge).
 */
#include "papr.h"

#define XISR_MASK 0x00ffffffu
#define CPPR_MASK 0xff000000u

static uint32_t xisr(const struct xics_icp *icp) { return icp->xirr & XISR_MASK; }
static uint8_t cppr(const struct xics_icp *icp) { return (uint8_t)(icp->xirr >> 24); }
static bool source_valid(uint64_t irq) { return irq >= XICS_IRQ_BASE && irq < XICS_IRQ_BASE + PAPR_ICS_SOURCES; }
static struct xics_source *source(struct papr_vm *vm, uint32_t irq) { return &vm->ics[irq - XICS_IRQ_BASE]; }

static void ics_reject(struct papr_vm *vm, uint32_t irq)
{
    if (source_valid(irq)) source(vm, irq)->rejected = true;
}

/* Present irq at priority to server, or reject it (QEMU icp_irq). */
static void icp_irq(struct papr_vm *vm, uint32_t server, uint32_t irq, uint8_t priority)
{
    struct xics_icp *icp = &vm->vcpu[server].icp;
    if (priority >= cppr(icp) || (xisr(icp) && icp->pending_priority <= priority)) {
        ics_reject(vm, irq);
        return;
    }
    if (xisr(icp)) ics_reject(vm, xisr(icp));
    icp->xirr = (icp->xirr & CPPR_MASK) | irq;
    icp->pending_priority = priority;
    vm->host->kick(vm->host->ctx, server);
}

static void ics_resend(struct papr_vm *vm)
{
    for (uint32_t i = 0; i < PAPR_ICS_SOURCES; i++) {
        struct xics_source *s = &vm->ics[i];
        if (s->rejected && s->priority != XICS_PRIORITY_MASKED) {
            s->rejected = false;
            icp_irq(vm, s->server, XICS_IRQ_BASE + i, s->priority);
        }
    }
}

static void icp_check_ipi(struct papr_vm *vm, uint32_t server)
{
    struct xics_icp *icp = &vm->vcpu[server].icp;
    if (xisr(icp) && icp->pending_priority <= icp->mfrr) return;
    if (xisr(icp)) ics_reject(vm, xisr(icp));
    icp->xirr = (icp->xirr & CPPR_MASK) | XICS_IPI;
    icp->pending_priority = icp->mfrr;
    vm->host->kick(vm->host->ctx, server);
}

static void icp_resend(struct papr_vm *vm, uint32_t server)
{
    struct xics_icp *icp = &vm->vcpu[server].icp;
    if (icp->mfrr < cppr(icp)) icp_check_ipi(vm, server);
    ics_resend(vm);
}

/* A CPPR at least as favoured as the presented interrupt withdraws it, back to its source. */
static void icp_withdraw_masked(struct papr_vm *vm, struct xics_icp *icp)
{
    if (xisr(icp) && cppr(icp) <= icp->pending_priority) {
        uint32_t displaced = xisr(icp);
        icp->xirr &= CPPR_MASK;
        icp->pending_priority = XICS_PRIORITY_MASKED;
        ics_reject(vm, displaced);
    }
}

static void icp_set_cppr(struct papr_vm *vm, uint32_t server, uint8_t value)
{
    struct xics_icp *icp = &vm->vcpu[server].icp;
    uint8_t old = cppr(icp);
    icp->xirr = (icp->xirr & XISR_MASK) | (uint32_t)value << 24;
    if (value < old)
        icp_withdraw_masked(vm, icp);
    else if (!xisr(icp))
        icp_resend(vm, server);
}

void xics_reset(struct papr_vm *vm)
{
    for (unsigned i = 0; i < PAPR_MAX_VCPUS; i++)
        vm->vcpu[i].icp = (struct xics_icp){.xirr = 0, .pending_priority = XICS_PRIORITY_MASKED,
                                            .mfrr = XICS_PRIORITY_MASKED};
    for (unsigned i = 0; i < PAPR_ICS_SOURCES; i++)
        vm->ics[i] = (struct xics_source){.server = 0, .priority = XICS_PRIORITY_MASKED,
                                          .saved_priority = XICS_PRIORITY_MASKED};
}

bool xics_pending(const struct papr_vm *vm, unsigned vcpu)
{
    return vcpu < vm->cfg->vcpus && xisr(&vm->vcpu[vcpu].icp) != 0;
}

bool xics_raise(struct papr_vm *vm, uint32_t irq)
{
    if (!source_valid(irq)) return false;
    struct xics_source *s = source(vm, irq);
    if (s->priority == XICS_PRIORITY_MASKED)
        s->masked_pending = true;
    else
        icp_irq(vm, s->server, irq, s->priority);
    return true;
}

/* QEMU ics_write_xive: a source unmasked with an interrupt held while masked presents it. */
static void write_xive(struct papr_vm *vm, uint32_t irq, uint32_t server, uint8_t priority, uint8_t saved)
{
    struct xics_source *s = source(vm, irq);
    s->server = server;
    s->priority = priority;
    s->saved_priority = saved;
    if (s->masked_pending && priority != XICS_PRIORITY_MASKED) {
        s->masked_pending = false;
        icp_irq(vm, server, irq, priority);
    }
}

/* H_CPPR(cppr) */
int64_t hc_cppr(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    if (call->r[4] > 0xff) return H_PARAMETER;
    icp_set_cppr(vm, vcpu, (uint8_t)call->r[4]);
    return H_SUCCESS;
}

/* H_IPI(server, mfrr) */
int64_t hc_ipi(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint64_t server = call->r[4], mfrr = call->r[5];
    if (server >= vm->cfg->vcpus || mfrr > 0xff) return H_PARAMETER;
    struct xics_icp *icp = &vm->vcpu[server].icp;
    icp->mfrr = (uint8_t)mfrr;
    if (icp->mfrr < cppr(icp)) icp_check_ipi(vm, (uint32_t)server);
    return H_SUCCESS;
}

/* H_XIRR(cppr hint, unused) -> xirr: accept the pending interrupt, CPPR = its priority. */
int64_t hc_xirr(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    struct xics_icp *icp = &vm->vcpu[vcpu].icp;
    call->r[4] = icp->xirr;
    icp->xirr = (uint32_t)icp->pending_priority << 24;
    icp->pending_priority = XICS_PRIORITY_MASKED;
    return H_SUCCESS;
}

/* H_EOI(xirr): end the interrupt in its XISR, CPPR back to the xirr's. */
int64_t hc_eoi(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint64_t value = call->r[4];
    uint32_t irq = (uint32_t)value & XISR_MASK;
    if (value > 0xffffffffu || (irq != 0 && irq != XICS_IPI && !source_valid(irq))) return H_PARAMETER;
    struct xics_icp *icp = &vm->vcpu[vcpu].icp;
    icp->xirr = (icp->xirr & XISR_MASK) | ((uint32_t)value & CPPR_MASK);
    /* The new CPPR rules as an H_CPPR's would (QEMU's icp_eoi left a masked one presented). */
    icp_withdraw_masked(vm, icp);
    if (!xisr(icp)) icp_resend(vm, vcpu);
    return H_SUCCESS;
}

/* H_IPOLL() -> xirr, mfrr, without accepting anything. */
int64_t hc_ipoll(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    call->r[4] = vm->vcpu[vcpu].icp.xirr;
    call->r[5] = vm->vcpu[vcpu].icp.mfrr;
    return H_SUCCESS;
}

/* ibm,set-xive(irq, server, priority) */
void rtas_set_xive(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                   enum papr_action *action)
{
    if (!source_valid(args[0]) || args[1] >= vm->cfg->vcpus || args[2] > 0xff) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    write_xive(vm, args[0], args[1], (uint8_t)args[2], (uint8_t)args[2]);
    rets[0] = RTAS_OUT_SUCCESS;
}

/* ibm,get-xive(irq) -> status, server, priority */
void rtas_get_xive(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                   enum papr_action *action)
{
    if (!source_valid(args[0])) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    rets[0] = RTAS_OUT_SUCCESS;
    rets[1] = source(vm, args[0])->server;
    rets[2] = source(vm, args[0])->priority;
}

/* ibm,int-off(irq): mask, keeping the priority for int-on (a second int-off keeps it too,
 * where QEMU would save the masked priority and lose it). */
void rtas_int_off(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                  enum papr_action *action)
{
    if (!source_valid(args[0])) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    struct xics_source *s = source(vm, args[0]);
    uint8_t saved = s->priority == XICS_PRIORITY_MASKED ? s->saved_priority : s->priority;
    write_xive(vm, args[0], s->server, XICS_PRIORITY_MASKED, saved);
    rets[0] = RTAS_OUT_SUCCESS;
}

/* ibm,int-on(irq): back to the priority int-off saved. */
void rtas_int_on(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                 enum papr_action *action)
{
    if (!source_valid(args[0])) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    struct xics_source *s = source(vm, args[0]);
    write_xive(vm, args[0], s->server, s->saved_priority, s->saved_priority);
    rets[0] = RTAS_OUT_SUCCESS;
}
