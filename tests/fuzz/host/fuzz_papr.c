/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target for vmm/papr's guest-facing surface: the input is a script of hcalls on a
 * VM of 1..8 vCPUs over 64 KiB of guest memory (an exact-size heap block, so ASan sees any
 * access past it). Each step is an opcode (mostly ones the dispatcher serves, sometimes any),
 * the calling vCPU, the problem-state bit, nine argument registers (steered towards small
 * numbers, vCPU ids, XICS sources and guest addresses), and sometimes bytes written into
 * guest memory first, so that H_RTAS finds argument buffers with real tokens. Device
 * interrupts are raised between steps. After every step the model's invariants are checked;
 * one input in 16 instead builds a device tree from a fuzzed configuration and checks it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "papr.h"
#include "fake_host.h"

#define RAM 0x10000u

struct input { const uint8_t *p; size_t n; };

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes && in->n; i++, in->p++, in->n--) v = v << 8 | *in->p;
    return v;
}

static const uint64_t opcodes[] = {
    H_LOGICAL_CI_LOAD, H_LOGICAL_CI_STORE, H_GET_TERM_CHAR, H_PUT_TERM_CHAR, H_EOI, H_CPPR, H_IPI,
    H_IPOLL, H_XIRR, H_REGISTER_VPA, H_CEDE, H_CONFER, H_PROD, H_SET_MODE, H_REGISTER_PROC_TBL,
    H_RTAS, H_RTAS, H_RTAS, H_RTAS,
};

/* An argument: a raw word, or one of the values handlers treat specially. */
static uint64_t argument(struct input *in)
{
    uint8_t kind = (uint8_t)take(in, 1);
    switch (kind % 8) {
    case 0: return take(in, 8);
    case 1: return take(in, 1);                                  /* small: vCPUs, flags, priorities */
    case 2: return XICS_IRQ_BASE + take(in, 1) % (PAPR_ICS_SOURCES + 2);
    case 3: return take(in, 2) % (RAM + 64);                     /* guest addresses, near the end too */
    case 4: return (take(in, 1) % 8) << H_VPA_FUNC_SHIFT;
    case 5: return PAPR_VTY_REG;
    case 6: return 0xff000000u | (uint32_t)take(in, 2);          /* an xirr */
    default: return UINT64_MAX - take(in, 1);
    }
}

/* An RTAS argument buffer somewhere in guest memory, with a real token most of the time. */
static void write_rtas_buffer(struct fake_host *h, struct input *in)
{
    uint64_t at = take(in, 2) % RAM;
    uint32_t words[3 + PAPR_RTAS_MAX_WORDS];
    const struct papr_rtas_service *s = &papr_rtas_services[take(in, 1) % papr_rtas_service_count];
    bool exact = take(in, 1) & 1;
    words[0] = exact ? s->token : (uint32_t)take(in, 4);
    words[1] = exact ? s->nargs : (uint32_t)take(in, 1);
    words[2] = exact ? s->nret : (uint32_t)take(in, 1);
    for (unsigned i = 3; i < 3 + PAPR_RTAS_MAX_WORDS; i++) words[i] = (uint32_t)argument(in);
    for (unsigned i = 0; i < 3 + PAPR_RTAS_MAX_WORDS && at + 4 * i + 4 <= RAM; i++)
        papr_store_be32(&h->mem, at + 4 * i, words[i]);
}

static void check_invariants(const struct fake_host *h, int64_t status)
{
    const struct papr_vm *vm = &h->vm;
    static const int64_t statuses[] = {H_SUCCESS, H_HARDWARE, H_FUNCTION, H_PRIVILEGE, H_PARAMETER,
                                       H_RESOURCE, H_P2, H_P3, H_P4, H_UNSUPPORTED_FLAG};
    bool known = false;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) known |= status == statuses[i];
    if (!known) abort();
    if (vm->stats.hcall_errors > vm->stats.hcalls || vm->stats.rtas_errors > vm->stats.rtas_calls) abort();
    for (unsigned i = 0; i < vm->cfg->vcpus; i++) {
        const struct papr_vcpu *v = &vm->vcpu[i];
        uint32_t xisr = v->icp.xirr & 0xffffff;
        /* Something presented has a priority better than the CPPR it got past; nothing
         * presented leaves the pending priority at "none". */
        if (xisr && !(xisr == XICS_IPI || (xisr >= XICS_IRQ_BASE && xisr < XICS_IRQ_BASE + PAPR_ICS_SOURCES)))
            abort();
        if (!xisr && v->icp.pending_priority != XICS_PRIORITY_MASKED) abort();
        if (xisr && v->icp.pending_priority >= (v->icp.xirr >> 24)) abort();
        if (v->start_pending && (v->state != PAPR_VCPU_RUNNING || v->start_pc >= RAM)) abort();
        if (v->vpa >= RAM || v->dtl >= RAM || v->slb_shadow >= RAM) abort();
        if ((v->dtl || v->slb_shadow) && !v->vpa) abort();
    }
    for (unsigned i = 0; i < PAPR_ICS_SOURCES; i++)
        if (vm->ics[i].server >= vm->cfg->vcpus) abort();
    if (vm->proc_table_registered && (vm->pate1 & ~PATB_GR) >= RAM) abort();
    if (vm->ail == 1 || vm->ail > 3) abort();
    if (strnlen(vm->os_term, sizeof vm->os_term) == sizeof vm->os_term) abort();
}

static void fuzz_hcalls(struct input *in)
{
    unsigned vcpus = 1 + (unsigned)take(in, 1) % PAPR_MAX_VCPUS;
    struct fake_host *h = fake_host_new(vcpus, RAM);
    h->now_ns = take(in, 8);
    while (in->n) {
        uint8_t ctl = (uint8_t)take(in, 1);
        struct papr_hcall call = {0};
        if (ctl & 0x80) write_rtas_buffer(h, in);
        if (ctl & 0x40) xics_raise(&h->vm, (uint32_t)argument(in));
        if (ctl & 0x20) {
            h->in_len = take(in, 1) % sizeof h->in;
            h->in_pos = 0;
        }
        call.r[3] = (ctl & 0x10) ? argument(in) : opcodes[take(in, 1) % (sizeof opcodes / sizeof opcodes[0])];
        call.problem_state = (ctl & 0x0f) == 0x0f;
        for (unsigned r = 4; r <= 12; r++) call.r[r] = argument(in);
        unsigned vcpu = (unsigned)take(in, 1) % (vcpus + 1);   /* one past: the VMM's mistake */
        enum papr_action a = papr_hcall(&h->vm, vcpu, &call);
        if (a > PAPR_OS_TERM) abort();
        check_invariants(h, (int64_t)call.r[3]);
        if (h->out_len == sizeof h->out) h->out_len = 0;
    }
    fake_host_free(h);
}

/* A configuration from the input; a tree is built only if the checks accept it, and then it
 * must be a valid, packed tree that fits. */
static void fuzz_fdt(struct input *in)
{
    static uint8_t blob[PAPR_FDT_MAX];
    char cmdline[64], why[128];
    struct papr_config cfg;
    papr_config_defaults(&cfg, (take(in, 2) % 512 + 1) << 20, (unsigned)take(in, 1) % 10);
    size_t len = take(in, 1) % sizeof cmdline;
    for (size_t i = 0; i < len; i++) cmdline[i] = (char)(32 + take(in, 1) % 95);
    cmdline[len < sizeof cmdline ? len : sizeof cmdline - 1] = 0;
    cfg.cmdline = cmdline;
    cfg.kernel_bytes = take(in, 4);
    cfg.initrd_start = take(in, 4);
    cfg.initrd_bytes = take(in, 4);
    if (take(in, 1) & 1) cfg.rtas_base = take(in, 8);
    if (take(in, 1) & 1) cfg.fdt_base = take(in, 8);
    size_t size = take(in, 1) & 1 ? sizeof blob : take(in, 2) % sizeof blob;
    int rc = papr_fdt_build(&cfg, blob, size, why, sizeof why);
    bool ok = papr_config_check(&cfg, NULL, 0) == PAPR_CONFIG_OK;
    if (!ok && rc != -FDT_ERR_BADVALUE) abort();
    if (rc == 0 && (fdt_check_full(blob, size) != 0 || fdt_totalsize(blob) > size)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    if (size && data[0] % 16 == 15) {
        take(&in, 1);
        fuzz_fdt(&in);
    } else {
        fuzz_hcalls(&in);
    }
    return 0;
}
