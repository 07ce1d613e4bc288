/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What the VMM tells the outside: the guest's console output, a line at a time and labelled
 * "[name source]", and reports to its creator on the report endpoint (params.h).
 */
#include <bulkhead/runtime.h>
#include "vmm.h"

static void flush_line(struct vm *vm, char *line, unsigned *len, const char *source)
{
    if (*len == 0) return;
    bh_printf("[%s %s] %.*s\n", vm->params->name, source, (int)*len, line);
    *len = 0;
}

/* Printable ASCII and tabs are kept; other control bytes and NULs are dropped. */
void console_put(struct vm *vm, char *line, unsigned *len, char c, const char *source)
{
    if (c == '\n' || *len == VMM_LINE_MAX) flush_line(vm, line, len, source);
    if (c == '\n' || c == '\r') return;
    if ((c < 0x20 && c != '\t') || c == 0x7f) return;
    line[(*len)++] = c;
}

void report_bench(struct vm *vm, uint32_t id, uint32_t value)
{
    (void)vm;
    bh_set_mr(0, id);
    bh_set_mr(1, value);
    bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_BENCH, 0, 0, 2));
}

void report_end(struct vm *vm, enum vmm_end why, uint64_t detail, uint64_t detail2)
{
    flush_line(vm, vm->uart_line, &vm->uart_len, "uart");
    console_drain(vm);
    flush_line(vm, vm->hvc_line, &vm->hvc_len, "xen");
    flush_line(vm, vm->ring_line, &vm->ring_len, "hvc");
    bh_printf("[vmm %s] guest %s (%#lx, %#lx); %lu exits, %lu hypercalls (%lu errors), checks %lu passed, %lu failed\n",
              vm->params->name, vmm_end_name(why), (unsigned long)detail, (unsigned long)detail2,
              (unsigned long)vm->exits, (unsigned long)vm->hypercalls, (unsigned long)vm->hypercall_errors,
              (unsigned long)vm->checks_passed, (unsigned long)vm->checks_failed);
    static const char *const names[VMM_EXIT_CLASSES] = {"cpuid", "msr", "ioio", "hlt", "vmmcall", "npf",
                                                         "interrupted", "other"};
    bh_printf("[vmm %s] exits by reason:", vm->params->name);
    for (unsigned i = 0; i < VMM_EXIT_CLASSES; i++) bh_printf(" %s %lu", names[i], (unsigned long)vm->exits_by_reason[i]);
    bh_printf("; timer events %lu\n", (unsigned long)vm->timer_events);
    bh_printf("[vmm %s] time: TSC at %lu kHz (%s), %lu sleeps until a deadline through the timer server%s\n",
              vm->params->name, (unsigned long)vm->tsc_khz, vm->params->counter_khz ? "the kernel's measure" : "nominal",
              (unsigned long)vm->timer_waits, timer_available() ? "" : " (none configured)");
    if (vm->console_gpa)
        bh_printf("[vmm %s] console ring at %#lx, port %u: %lu bytes out, %lu index errors\n", vm->params->name,
                  (unsigned long)vm->console_gpa, vm->console_port, (unsigned long)vm->console_bytes,
                  (unsigned long)vm->console_errors);
    bh_word_t words[8] = {why, detail, detail2, vm->checks_passed, vm->checks_failed, vm->exits, vm->hypercalls,
                          vm->hypercall_errors};
    for (unsigned i = 0; i < 8; i++) bh_set_mr(i, words[i]);
    bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_END, 0, 0, 8));
}
