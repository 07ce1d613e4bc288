/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What the VMM tells the outside: the guest's console output and its own messages, a line at
 * a time and labelled "[name source]", and reports to its creator on the report endpoint
 * (params.h).
 *
 * Where lines go is chosen once at start. With a console channel (params console_vaddr and
 * slot.console_signal), into its output ring (bulkhead/console_ring.h) as "source] text\n":
 * the console server writes them to COM1 at its client's rate and adds "[name " itself. A
 * line the ring has no room for is dropped and counted (the UART, console_io and the VMM's
 * own lines; the PV console is held back instead: console.c asks output_room first).
 * Without a channel, through the kernel's debug console where it exists (the test root's
 * VMMs), else nowhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/console_ring.h>
#include <bulkhead/runtime.h>
#include <xen/errno.h>
#include <xen/xen.h>
#include "console_line.h"
#include "vmm.h"

_Static_assert(VMM_LINE_MAX + VMM_SOURCE_MAX + 2 <= BH_CONSOLE_LINE_MAX, "a guest's line fits a console line whole");

void output_init(struct vm *vm)
{
    const struct vmm_params *p = vm->params;
    vm->out_ring = p->console_vaddr && p->slot.console_signal ? bh_console_output_ring(p->console_vaddr) : NULL;
    if (!vm->out_ring && !(p->flags & VMM_PARAMS_DEBUG_CALLS)) bh_console_set_sink(bh_console_discard);
}

bool output_room(struct vm *vm, unsigned len)
{
    return !vm->out_ring || bh_byte_ring_room(vm->out_ring) >= vmm_console_line_bytes(len);
}

void vmm_line(struct vm *vm, const char *source, const char *text, unsigned len)
{
    vm->console_dropped += vmm_put_line(vm->out_ring, vm->params->slot.console_signal, vm->params->name, source, text, len);
}

void vmm_say(struct vm *vm, const char *fmt, ...)
{
    char text[VMM_SAY_TEXT_SIZE];
    va_list ap;
    va_start(ap, fmt);
    unsigned len = vmm_format_line(text, sizeof text, fmt, ap);
    va_end(ap);
    if (len && text[len - 1] == '\n') len--;
    vmm_line(vm, "vmm", text, len);
}

static void flush_line(struct vm *vm, char *line, unsigned *len, const char *source)
{
    if (*len == 0) return;
    vmm_line(vm, source, line, *len);
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

/* At the end, what the guest left in its console ring and the report's lines should not be
 * lost to an output ring the server drains at its client's rate: wait for it to empty, in the
 * VMM's own time, at most two seconds. */
static void output_settle(struct vm *vm)
{
    if (!vm->out_ring) return;
    uint64_t until = bh_arch_counter() + 2000u * vm->tsc_khz;
    for (;;) {
        console_drain(vm);
        if ((bh_byte_ring_room(vm->out_ring) == BH_BYTE_RING_SIZE && !console_pending(vm)) ||
            bh_arch_counter() > until)
            return;
        bh_yield();
    }
}

static const char *hypercall_name(uint32_t nr)
{
    switch (nr) {
    case __HYPERVISOR_set_timer_op: return "set_timer_op";
    case __HYPERVISOR_memory_op: return "memory_op";
    case __HYPERVISOR_xen_version: return "xen_version";
    case __HYPERVISOR_console_io: return "console_io";
    case __HYPERVISOR_grant_table_op: return "grant_table_op";
    case __HYPERVISOR_vcpu_op: return "vcpu_op";
    case __HYPERVISOR_sched_op: return "sched_op";
    case __HYPERVISOR_event_channel_op: return "event_channel_op";
    case __HYPERVISOR_hvm_op: return "hvm_op";
    case __HYPERVISOR_platform_op: return "platform_op";
    case __HYPERVISOR_vm_assist: return "vm_assist";
    case __HYPERVISOR_physdev_op: return "physdev_op";
    default: return NULL;
    }
}

static const char *errno_name(uint32_t err)
{
    switch (err) {
    case XEN_EPERM: return "EPERM";
    case XEN_ENOENT: return "ENOENT";
    case XEN_ESRCH: return "ESRCH";
    case XEN_EAGAIN: return "EAGAIN";
    case XEN_ENOMEM: return "ENOMEM";
    case XEN_EFAULT: return "EFAULT";
    case XEN_EBUSY: return "EBUSY";
    case XEN_EEXIST: return "EEXIST";
    case XEN_EINVAL: return "EINVAL";
    case XEN_ENOSPC: return "ENOSPC";
    case XEN_ENOSYS: return "ENOSYS";
    case XEN_ETIME: return "ETIME";
    case XEN_EOPNOTSUPP: return "EOPNOTSUPP";
    default: return NULL;
    }
}

/* One line per kind of refused hypercall, with its sub-operation (the first argument, Xen's
 * cmd) and Xen's error: a user can tell a guest's probe of something the VMM does not offer
 * (answered as Xen answers what it lacks) from a real failure. */
static void report_refused_hypercalls(struct vm *vm)
{
    for (unsigned k = 0; k < VMM_HCALL_ERROR_KINDS && vm->hcall_error[k].count; k++) {
        const struct hcall_error *e = &vm->hcall_error[k];
        const char *hc = hypercall_name(e->nr), *err = errno_name(e->err);
        char hc_num[16], err_num[12];
        if (!hc) snprintf(hc_num, sizeof hc_num, "hypercall %u", e->nr), hc = hc_num;
        if (!err) snprintf(err_num, sizeof err_num, "%u", e->err), err = err_num;
        vmm_say(vm, "refused: %s, first argument %u: -%s, %u times", hc, e->op, err, e->count);
    }
    if (vm->hcall_error_others)
        vmm_say(vm, "refused: %lu more of other kinds", (unsigned long)vm->hcall_error_others);
}

void report_end(struct vm *vm, enum vmm_end why, uint64_t detail, uint64_t detail2)
{
    flush_line(vm, vm->uart_line, &vm->uart_len, "uart");
    output_settle(vm);
    flush_line(vm, vm->hvc_line, &vm->hvc_len, "xen");
    flush_line(vm, vm->ring_line, &vm->ring_len, "hvc");
    vmm_say(vm, "guest %s (%#lx, %#lx); %lu exits, %lu hypercalls (%lu refused)", vmm_end_name(why),
            (unsigned long)detail, (unsigned long)detail2, (unsigned long)vm->exits, (unsigned long)vm->hypercalls,
            (unsigned long)vm->hypercall_errors);
    if (vm->hypercall_errors) report_refused_hypercalls(vm);
    /* Bulkhead's test guests check themselves and tell the VMM through a debug port (ioport.c). */
    if (vm->checks_passed || vm->checks_failed)
        vmm_say(vm, "test guest's checks (debug port): %lu passed, %lu failed", (unsigned long)vm->checks_passed,
                (unsigned long)vm->checks_failed);
    static const char *const names[VMM_EXIT_CLASSES] = {"cpuid", "msr", "ioio", "hlt", "vmmcall", "npf",
                                                         "interrupted", "other"};
    char line[BH_CONSOLE_LINE_MAX];
    int n = snprintf(line, sizeof line, "exits by reason:");
    for (unsigned i = 0; i < VMM_EXIT_CLASSES && n > 0 && (size_t)n < sizeof line; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, " %s %lu", names[i], (unsigned long)vm->exits_by_reason[i]);
    vmm_say(vm, "%s; timer events %lu", line, (unsigned long)vm->timer_events);
    vmm_say(vm, "time: TSC at %lu kHz (%s), %lu sleeps until a deadline through the timer server%s",
            (unsigned long)vm->tsc_khz, vm->params->counter_khz ? "the kernel's measure" : "nominal",
            (unsigned long)vm->timer_waits, timer_available() ? "" : " (none configured)");
    if (vm->console_gpa)
        vmm_say(vm, "console ring at %#lx, port %u: %lu bytes out, %lu index errors", (unsigned long)vm->console_gpa,
                vm->console_port, (unsigned long)vm->console_bytes, (unsigned long)vm->console_errors);
    if (vm->params->store_vaddr)
        vmm_say(vm, "store page at %#llx, port %u: %lu notifications to the xenstore server, %lu from it",
                (unsigned long long)VMM_STORE_GPA, vm->store_port, (unsigned long)vm->store_sends,
                (unsigned long)vm->store_raised);
    if (vm->unbacked_reads || vm->unbacked_writes)
        vmm_say(vm, "accesses to guest-physical memory with nothing there: %lu reads (all ones), %lu writes (dropped)",
                (unsigned long)vm->unbacked_reads, (unsigned long)vm->unbacked_writes);
    if (vm->params->peer_count)
        vmm_say(vm, "peer channels: %u; events sent %lu, dropped %lu (the peer had ended), raised from peers %lu",
                vm->params->peer_count, (unsigned long)vm->peer_sends, (unsigned long)vm->peer_dropped,
                (unsigned long)vm->peer_raised);
    if (vm->grant_maps || vm->grant_copies || vm->grant_exports)
        vmm_say(vm, "grants: %lu maps and %lu unmaps of other guests' pages, %lu copies, %lu writes to read-only "
                "mappings dropped; %lu pages handed to peers, %lu taken back",
                (unsigned long)vm->grant_maps, (unsigned long)vm->grant_unmaps, (unsigned long)vm->grant_copies,
                (unsigned long)vm->grant_ro_writes, (unsigned long)vm->grant_exports,
                (unsigned long)vm->grant_exports_dropped);
    if (vm->console_dropped)
        vmm_say(vm, "%lu bytes of output dropped: the console server's ring was full", (unsigned long)vm->console_dropped);
    bh_word_t words[8] = {why, detail, detail2, vm->checks_passed, vm->checks_failed, vm->exits, vm->hypercalls,
                          vm->hypercall_errors};
    for (unsigned i = 0; i < 8; i++) bh_set_mr(i, words[i]);
    bh_send(VMM_SLOT_REPORT, bh_msginfo(VMM_REPORT_END, 0, 0, 8));
}
