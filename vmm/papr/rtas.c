/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * H_RTAS: the RTAS blob's hcall. r4 is the guest-real address of Linux's struct rtas_args
 * (be32 token, nargs, nret, then nargs argument words and nret return words; rets[0] is the
 * status). As QEMU's h_rtas the top four address bits are ignored (ppc64_phys_to_real). The
 * buffer is read once into local words, the service fills the return words, they are written
 * back: a service never touches the buffer itself. Tokens follow QEMU's numbering (0x2000 + n,
 * include/hw/ppc/spapr.h). Here too the small services; the CPU, time and XICS ones have
 * their files.
 */
#include <string.h>
#include "papr.h"

#define REAL_ADDRESS_MASK 0x0fffffffffffffffull

/* display-character(c): one byte to the console (Linux's progress messages). */
static void rtas_display_character(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                                   enum papr_action *action)
{
    uint8_t c = (uint8_t)args[0];
    vm->host->console_write(vm->host->ctx, &c, 1);
    rets[0] = RTAS_OUT_SUCCESS;
}

/* power-off(power-on time hi, lo): the times are ignored, as nothing here powers on. */
static void rtas_power_off(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                           enum papr_action *action)
{
    *action = PAPR_POWER_OFF;
    rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_system_reboot(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                               enum papr_action *action)
{
    *action = PAPR_REBOOT;
    rets[0] = RTAS_OUT_SUCCESS;
}

/* ibm,os-term(message): Linux's panic string, a NUL-terminated guest-real string. With
 * ibm,extended-os-term in /rtas the call returns; the VMM decides what ends the guest. */
static void rtas_os_term(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                         enum papr_action *action)
{
    uint64_t gpa = args[0];
    size_t n = 0;
    char c = 1;
    while (n + 1 < sizeof vm->os_term && c) {
        if (!papr_memory_read(vm->mem, gpa + n, &c, 1)) break;
        vm->os_term[n++] = c;
    }
    if (n == 0) {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    vm->os_term[n] = 0;
    *action = PAPR_OS_TERM;
    rets[0] = RTAS_OUT_SUCCESS;
}

/* ibm,get-system-parameter(parameter, buffer, length): none is offered (lparcfg, which reads
 * them, is not in Debian's kernel); -3 is PAPR's "parameter not supported". */
static void rtas_get_system_parameter(struct papr_vm *vm, unsigned vcpu, const uint32_t *args,
                                      uint32_t *rets, enum papr_action *action)
{
    rets[0] = (uint32_t)RTAS_OUT_NOT_SUPPORTED;
}

/* event-scan(mask, critical, buffer, length): this platform raises no events, so the answer
 * is "no errors found" once the buffer is known to be the guest's (rtasd calls it). */
static void rtas_event_scan(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                            enum papr_action *action)
{
    bool ok = args[3] > 0 && papr_memory_contains(vm->mem, args[2], args[3]);
    rets[0] = ok ? RTAS_OUT_NO_ERRORS_FOUND : (uint32_t)RTAS_OUT_PARAM_ERROR;
}

/* ibm,nmi-register(system reset entry, machine check entry): FWNMI. Recorded for the VMM,
 * which delivers those interrupts there; both must be guest-real code addresses. */
static void rtas_nmi_register(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                              enum papr_action *action)
{
    bool ok = !(args[0] & 3) && !(args[1] & 3) && papr_memory_contains(vm->mem, args[0], 4) &&
              papr_memory_contains(vm->mem, args[1], 4);
    if (ok) {
        vm->nmi_sreset = args[0];
        vm->nmi_machine_check = args[1];
    }
    rets[0] = ok ? RTAS_OUT_SUCCESS : (uint32_t)RTAS_OUT_PARAM_ERROR;
}

/* ibm,nmi-interlock(): releases the FWNMI error log after a machine check. Linux's fwnmi_init
 * warns and gives FWNMI up when a tree has ibm,nmi-register without it; this VMM delivers no
 * machine check, so none is ever held: QEMU's answers for that (not registered: not
 * supported; no machine check in progress: parameter error). */
static void rtas_nmi_interlock(struct papr_vm *vm, unsigned vcpu, const uint32_t *args, uint32_t *rets,
                               enum papr_action *action)
{
    rets[0] = (uint32_t)(vm->nmi_machine_check ? RTAS_OUT_PARAM_ERROR : RTAS_OUT_NOT_SUPPORTED);
}

const struct papr_rtas_service papr_rtas_services[] = {
    {"display-character", 0x2000, 1, 1, rtas_display_character},
    {"get-time-of-day", 0x2001, 0, 8, rtas_get_time_of_day},
    {"set-time-of-day", 0x2002, 7, 1, rtas_set_time_of_day},
    {"power-off", 0x2003, 2, 1, rtas_power_off},
    {"system-reboot", 0x2004, 0, 1, rtas_system_reboot},
    {"query-cpu-stopped-state", 0x2005, 1, 2, rtas_query_cpu_stopped_state},
    {"start-cpu", 0x2006, 3, 1, rtas_start_cpu},
    {"stop-self", 0x2007, 0, 1, rtas_stop_self},
    {"ibm,get-system-parameter", 0x2008, 3, 1, rtas_get_system_parameter},
    {"ibm,set-xive", 0x200a, 3, 1, rtas_set_xive},
    {"ibm,get-xive", 0x200b, 1, 3, rtas_get_xive},
    {"ibm,int-off", 0x200c, 1, 1, rtas_int_off},
    {"ibm,int-on", 0x200d, 1, 1, rtas_int_on},
    {"event-scan", 0x200f, 4, 1, rtas_event_scan},
    {"ibm,os-term", 0x201f, 1, 1, rtas_os_term},
    {"ibm,nmi-register", 0x202b, 2, 1, rtas_nmi_register},
    {"ibm,nmi-interlock", 0x202c, 0, 1, rtas_nmi_interlock},
};
const size_t papr_rtas_service_count = sizeof papr_rtas_services / sizeof papr_rtas_services[0];

static const struct papr_rtas_service *service(uint32_t token)
{
    for (size_t i = 0; i < papr_rtas_service_count; i++)
        if (papr_rtas_services[i].token == token) return &papr_rtas_services[i];
    return NULL;
}

/* The status word alone, for a call that never reaches a service. */
static int64_t status_only(struct papr_vm *vm, uint64_t rets, int32_t status)
{
    vm->stats.rtas_errors++;
    return papr_store_be32(vm->mem, rets, (uint32_t)status) ? H_SUCCESS : H_PARAMETER;
}

int64_t hc_rtas(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint64_t buf = call->r[4] & REAL_ADDRESS_MASK;
    uint32_t token, nargs, nret, args[PAPR_RTAS_MAX_WORDS], rets[PAPR_RTAS_MAX_WORDS];
    vm->stats.rtas_calls++;
    if (!papr_load_be32(vm->mem, buf, &token) || !papr_load_be32(vm->mem, buf + 4, &nargs) ||
        !papr_load_be32(vm->mem, buf + 8, &nret) || nret == 0)
        return H_PARAMETER;
    uint64_t rets_gpa = buf + 12 + 4ull * nargs;
    const struct papr_rtas_service *s = service(token);
    if (!s || nargs > PAPR_RTAS_MAX_WORDS || nret > PAPR_RTAS_MAX_WORDS - nargs || nargs != s->nargs ||
        nret != s->nret)
        return status_only(vm, rets_gpa, RTAS_OUT_PARAM_ERROR);
    for (uint32_t i = 0; i < nargs; i++)
        if (!papr_load_be32(vm->mem, buf + 12 + 4ull * i, &args[i])) return H_PARAMETER;
    if (!papr_memory_contains(vm->mem, rets_gpa, 4ull * nret)) return H_PARAMETER;
    enum papr_action next = PAPR_CONTINUE;
    memset(rets, 0, sizeof rets);
    s->fn(vm, vcpu, args, rets, &next);
    for (uint32_t i = 0; i < nret; i++)
        if (!papr_store_be32(vm->mem, rets_gpa + 4ull * i, rets[i])) return H_PARAMETER;
    if ((int32_t)rets[0] < 0) vm->stats.rtas_errors++;
    *action = next;
    return H_SUCCESS;
}
