/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The loop around VMEnter for vCPU 0: entered in real mode at the vmlinux entry with r3 =
 * the FDT and r4 = r5 = 0 (Linux's kexec-style pseries entry); every hcall goes to papr_hcall
 * (vmm/papr/hcall.c), whose results are written back to r3..r12, and the partition state it
 * sets (H_SET_MODE: LPCR[ILE] and [AIL]; H_REGISTER_PROC_TBL: the partition-table entry's
 * process table) is handed to the kernel when it changes. H_CEDE returns at once with MSR[EE]
 * set, which PAPR allows (a pending decrementer is taken then), after yielding the CPU. A
 * notification on the event line (the console server's: input or room in the ring) only
 * interrupts the guest; H_GET_TERM_CHAR polls the input. The guest ends with RTAS power-off,
 * system-reboot or ibm,os-term, or an exit this VMM does not handle: all reported.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/arch/vcpu.h>
#include "vmm9.h"

#define MSR_SF (1ull << 63)
#define MSR_EE (1ull << 15)
#define MSR_PR (1ull << 14)
#define MSR_ME (1ull << 12)
#define LPCR_ILE 0x02000000ull
#define LPCR_AIL_SHIFT 23u

enum { BY_HCALL, BY_HDEC, BY_INTERRUPTED, BY_HDSI, BY_HISI, BY_EMULATION, BY_FACILITY, BY_OTHER };

static unsigned reason_class(bh_word_t reason)
{
    switch (reason) {
    case BH_VM_EXIT_HCALL: return BY_HCALL;
    case BH_VM_EXIT_HDEC: return BY_HDEC;
    case BH_VM_EXIT_INTERRUPTED: return BY_INTERRUPTED;
    case BH_VM_EXIT_HDSI: return BY_HDSI;
    case BH_VM_EXIT_HISI: return BY_HISI;
    case BH_VM_EXIT_EMULATION: return BY_EMULATION;
    case BH_VM_EXIT_FACILITY: return BY_FACILITY;
    default: return BY_OTHER;
    }
}

static int put(bh_word_t index, bh_word_t value)
{
    return bh_vcpu_write_state(VMM_SLOT_VCPU0, index, &value, 1);
}

/* The partition state papr_hcall may have changed, to the kernel when it did. */
static void apply_partition_state(struct vm9 *vm, bh_word_t *mode, bh_word_t *table)
{
    bh_word_t m = (vm->papr.interrupts_le ? LPCR_ILE : 0) | ((bh_word_t)vm->papr.ail << LPCR_AIL_SHIFT);
    if (m != *mode && put(BH_VCPU_MODE, m) == 0) *mode = m;
    if (vm->papr.pate1 != *table && put(BH_VCPU_PROCESS_TABLE, vm->papr.pate1) == 0) *table = vm->papr.pate1;
}

/* An hcall exit: its arguments from the exit summary (r3..r10) and the VCPU (r11, r12). */
static enum papr_action hcall(struct vm9 *vm, const bh_word_t *x)
{
    struct papr_hcall c;
    for (unsigned i = 3; i <= 10; i++) c.r[i] = x[BH_VM_MR_SUMMARY + i - 3];
    bh_word_t r11 = 0, r12 = 0;
    (void)bh_vcpu_read_state(VMM_SLOT_VCPU0, 11, 1, &r11);
    (void)bh_vcpu_read_state(VMM_SLOT_VCPU0, 12, 1, &r12);
    c.r[11] = r11;
    c.r[12] = r12;
    c.problem_state = (x[BH_VM_MR_MODE] & MSR_PR) != 0;
    uint64_t errors = vm->papr.stats.hcall_errors;
    enum papr_action a = papr_hcall(&vm->papr, 0, &c);
    vm->hcalls++;
    if (vm->papr.stats.hcall_errors != errors) vm->hcall_errors++;
    bh_word_t out[10];
    for (unsigned i = 0; i < 10; i++) out[i] = c.r[3 + i];
    (void)bh_vcpu_write_state(VMM_SLOT_VCPU0, BH_VCPU_R3, out, 10);
    return a;
}

void vm9_run(struct vm9 *vm)
{
    if (put(BH_VCPU_MSR, MSR_SF | MSR_ME) || put(BH_VCPU_R3, vm->cfg.fdt_base) || put(BH_VCPU_R4, 0) ||
        put(BH_VCPU_R5, 0)) {
        vm9_end(vm, VMM_END_BAD_STATE, vm->entry, 0);
        return;
    }
    bh_word_t x[BH_VM_MR_MODE + 1], pc = vm->entry, mode = 0, table = 0;
    int set_pc = 1;
    vm9_say(vm, "running %s: command line \"%s\"", vm->params->name, vm->params->cmdline);
    for (;;) {
        bh_word_t dest = 0;
        bh_msginfo_t info = bh_msginfo(0, 0, 0, set_pc ? 1u : 0u);
        bh_set_mr(0, pc);
        bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
        for (unsigned i = 0; i <= BH_VM_MR_MODE; i++) x[i] = bh_get_mr(i);
        set_pc = 0;
        if (bh_msginfo_label(info)) {
            vm9_end(vm, VMM_END_BAD_STATE, pc, (uint64_t)bh_msginfo_label(info));
            return;
        }
        /* An interrupt being delivered when the exit came goes in again at the next entry. */
        if (x[BH_VM_MR_EVENT]) (void)put(BH_VCPU_EVENT, x[BH_VM_MR_EVENT]);
        vm->exits_by_reason[reason_class(x[BH_VM_MR_REASON])]++;
        if (x[BH_VM_MR_REASON] == BH_VM_EXIT_INTERRUPTED) {
            (void)bh_poll(VMM_SLOT_NOTIFICATION);
            continue;
        }
        vm->exits++;
        if (x[BH_VM_MR_REASON] == BH_VM_EXIT_HDEC) continue;
        if (x[BH_VM_MR_REASON] != BH_VM_EXIT_HCALL) {
            vm9_end(vm, VMM_END_UNSUPPORTED, x[BH_VM_MR_REASON], x[BH_VM_MR_PC]);
            return;
        }
        enum papr_action a = hcall(vm, x);
        apply_partition_state(vm, &mode, &table);
        pc = x[BH_VM_MR_NEXT_PC];
        set_pc = 1;
        switch (a) {
        case PAPR_POWER_OFF: vm9_end(vm, VMM_END_SHUTDOWN, 0,   /* Xen's SHUTDOWN_poweroff, _reboot */
 VMM_SHUTDOWN_VIA_RTAS); return;
        case PAPR_REBOOT: vm9_end(vm, VMM_END_SHUTDOWN, 1, VMM_SHUTDOWN_VIA_RTAS); return;
        case PAPR_OS_TERM:
            vm9_say(vm, "ibm,os-term: %s", vm->papr.os_term);
            vm9_end(vm, VMM_END_SHUTDOWN, 3, VMM_SHUTDOWN_VIA_RTAS);   /* Xen's SHUTDOWN_crash */
            return;
        case PAPR_STOP_SELF: vm9_end(vm, VMM_END_HALTED, pc, 0); return;   /* its only vCPU stopped */
        case PAPR_CEDE:
            (void)put(BH_VCPU_MSR, (x[BH_VM_MR_MODE] | MSR_EE) & BH_VCPU_MSR_ALLOWED);
            bh_yield();
            break;
        case PAPR_WAIT_PROD:
        case PAPR_YIELD: bh_yield(); break;
        case PAPR_CONTINUE: break;
        }
    }
}
