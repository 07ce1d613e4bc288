/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Hypercalls: VMMCALL (3 bytes) from the hypercall page, or issued directly. Xen's register
 * convention: the number in rax; arguments in rdi, rsi, rdx, r10, r8 from 64-bit code, in
 * ebx, ecx, edx, esi, edi from 32-bit code; the result in rax, -errno on failure. Only CPL 0
 * may call (Xen: -EPERM otherwise). Unknown numbers give -ENOSYS.
 * Also here: xen_version, console_io and sched_op (yield, block, poll, shutdown).
 */
#include <string.h>
#include <bulkhead/runtime.h>
#include <xen/features.h>
#include <xen/sched.h>
#include <xen/version.h>
#include "vmm.h"

#define VMMCALL_LENGTH 3
#define EXTRAVERSION "-bulkhead"
#define CONSOLE_CHUNK 128u

static hypercall_fn *const table[VMM_HYPERCALLS] = {
    [__HYPERVISOR_set_timer_op] = hc_set_timer_op,
    [__HYPERVISOR_memory_op] = hc_memory_op,
    [__HYPERVISOR_xen_version] = hc_xen_version,
    [__HYPERVISOR_console_io] = hc_console_io,
    [__HYPERVISOR_grant_table_op] = hc_grant_table_op,
    [__HYPERVISOR_vcpu_op] = hc_vcpu_op,
    [__HYPERVISOR_sched_op] = hc_sched_op,
    [__HYPERVISOR_event_channel_op] = hc_event_channel_op,
    [__HYPERVISOR_hvm_op] = hc_hvm_op,
};

static void arguments(struct vcpu *v, uint64_t *a)
{
    static const unsigned regs64[5] = {BH_VCPU_RDI, BH_VCPU_RSI, BH_VCPU_RDX, BH_VCPU_R8 + 2, BH_VCPU_R8};
    static const unsigned regs32[5] = {BH_VCPU_RBX, BH_VCPU_RCX, BH_VCPU_RDX, BH_VCPU_RSI, BH_VCPU_RDI};
    bool wide = vcpu_long_mode(v);
    for (unsigned i = 0; i < 5; i++)
        a[i] = wide ? vcpu_reg(v, regs64[i]) : (uint32_t)vcpu_reg(v, regs32[i]);
}

/* Counts a refused hypercall under its kind: the number, its first argument (the sub-operation
 * of the multiplexed ones) and the error. */
static void count_error(struct vm *vm, uint64_t nr, uint64_t op, int64_t result)
{
    uint32_t err = (uint32_t)-result;
    vm->hypercall_errors++;
    for (unsigned k = 0; k < VMM_HCALL_ERROR_KINDS; k++) {
        struct hcall_error *e = &vm->hcall_error[k];
        if (e->count && (e->nr != nr || e->op != op || e->err != err)) continue;
        *e = (struct hcall_error){(uint32_t)nr, (uint32_t)op, err, e->count + 1};
        return;
    }
    vm->hcall_error_others++;
}

void hypercall_exit(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t a[5];
    uint64_t nr = vcpu_reg(v, BH_VCPU_RAX);
    int64_t result;
    vm->hypercalls++;
    v->next_rip = v->exit[BH_VM_MR_RIP] + VMMCALL_LENGTH;
    arguments(v, a);
    if (vcpu_cpl(v) != 0)
        result = -XEN_EPERM;
    else if (nr < VMM_HYPERCALLS && table[nr])
        result = table[nr](v, a);
    else
        result = -XEN_ENOSYS;
    if (result < 0) count_error(vm, nr, a[0], result);
    if (!vm->ended) vcpu_set_reg(v, BH_VCPU_RAX, (uint64_t)result);
}

/* xen_version(cmd, arg) */
int64_t hc_xen_version(struct vcpu *v, const uint64_t *a)
{
    switch (a[0]) {
    case XENVER_version: return VMM_XEN_VERSION;
    case XENVER_extraversion: {
        char extra[XEN_EXTRAVERSION_LEN] = EXTRAVERSION;
        return guest_copy_to(v, a[1], extra, sizeof extra);
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (guest_copy_from(v, a[1], &fi, sizeof fi) != 0) return -XEN_EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS) return -XEN_EINVAL;
        fi.submap = 1u << XENFEAT_writable_page_tables | 1u << XENFEAT_auto_translated_physmap |
                    1u << XENFEAT_hvm_callback_vector | 1u << XENFEAT_hvm_safe_pvclock;
        return guest_copy_to(v, a[1], &fi, sizeof fi);
    }
    default: return -XEN_ENOSYS;
    }
}

/* console_io(cmd, count, buffer): writes go to the console, labelled; there is no input. */
int64_t hc_console_io(struct vcpu *v, const uint64_t *a)
{
    struct vm *vm = v->vm;
    switch (a[0]) {
    case CONSOLEIO_write: {
        uint64_t count = (uint32_t)a[1], gva = a[2];
        char chunk[CONSOLE_CHUNK];
        while (count > 0) {
            uint64_t n = count < CONSOLE_CHUNK ? count : CONSOLE_CHUNK;
            if (guest_copy_from(v, gva, chunk, n) != 0) return -XEN_EFAULT;
            for (uint64_t i = 0; i < n; i++) console_put(vm, vm->hvc_line, &vm->hvc_len, chunk[i], "xen");
            gva += n;
            count -= n;
        }
        return 0;
    }
    case CONSOLEIO_read: return 0;
    default: return -XEN_ENOSYS;
    }
}

/* SCHEDOP_poll: as Xen, at most 128 ports, each a valid port number (-EINVAL), read in full
 * before the vCPU sleeps (-EFAULT); returns 0 however it wakes. */
static int64_t sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    uint32_t ports[VMM_POLL_MAX_PORTS];
    if (guest_copy_from(v, arg, &p, sizeof p) != 0) return -XEN_EFAULT;
    if (p.nr_ports > VMM_POLL_MAX_PORTS) return -XEN_EINVAL;
    if (p.nr_ports > 0 && guest_copy_from(v, p.ports, ports, p.nr_ports * sizeof ports[0]) != 0) return -XEN_EFAULT;
    for (uint32_t i = 0; i < p.nr_ports; i++)
        if (ports[i] >= VMM_EVTCHN_PORTS) return -XEN_EINVAL;
    vcpu_poll_ports(v, ports, p.nr_ports, p.timeout);
    return 0;
}

/* sched_op(cmd, arg) */
int64_t hc_sched_op(struct vcpu *v, const uint64_t *a)
{
    switch (a[0]) {
    case SCHEDOP_yield:
        vm_unlock(v->vm);   /* the other vCPUs' threads may run meanwhile */
        bh_yield();
        vm_lock(v->vm);
        return 0;
    case SCHEDOP_block: vcpu_wait_event(v); return 0;
    case SCHEDOP_poll: return sched_poll(v, a[1]);
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (guest_copy_from(v, a[1], &s, sizeof s) != 0) return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_soft_reset) return -XEN_EINVAL;
        vm_shutdown(v->vm, s.reason, VMM_SHUTDOWN_VIA_HYPERCALL);
        return 0;
    }
    default: return -XEN_ENOSYS;
    }
}
