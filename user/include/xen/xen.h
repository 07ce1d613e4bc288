/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The core of the Xen guest ABI (Xen's public xen.h), as a 64-bit x86 guest sees it: hypercall
 * numbers, virtual interrupts, domain ids, console_io, and the pages Xen shares with a guest
 * (struct shared_info, struct vcpu_info, the PV clock in struct vcpu_time_info).
 *
 * Written from Xen's public headers (xen/include/public/): names and numbers as upstream, field
 * widths explicit, every layout asserted. The other headers of this tree mirror upstream's
 * file by file (event_channel.h, grant_table.h, sched.h, vcpu.h, memory.h, hvm/, io/, arch-x86/).
 * A hypercall returns its result in rax: 0 or more on success, -XEN_E* (errno.h) on failure.
 */
#ifndef XEN_PUBLIC_XEN_H
#define XEN_PUBLIC_XEN_H

#include <stddef.h>
#include <stdint.h>
#include "arch-x86/xen.h"

/* Hypercall numbers: rax, arguments in rdi, rsi, rdx, r10, r8. */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42

/* Virtual interrupts (EVTCHNOP_bind_virq). V: one per vCPU; G: global, bound on vCPU 0. */
#define VIRQ_TIMER 0        /* V: a VCPUOP or set_timer_op timer fired */
#define VIRQ_DEBUG 1        /* V: dump debug state */
#define VIRQ_CONSOLE 2      /* G: bytes on the emergency console */
#define VIRQ_DOM_EXC 3      /* G */
#define VIRQ_TBUF 4         /* G */
#define VIRQ_DEBUGGER 6     /* G */
#define VIRQ_XENOPROF 7     /* V */
#define VIRQ_CON_RING 8     /* G */
#define VIRQ_PCPU_STATE 9   /* G */
#define VIRQ_MEM_EVENT 10   /* G */
#define VIRQ_ARGO 11        /* per domain */
#define VIRQ_ENOMEM 12      /* G */
#define VIRQ_XENPMU 13      /* V */
#define NR_VIRQS 24

/* console_io(cmd, count, buffer): the hypervisor's own console. */
#define CONSOLEIO_write 0   /* count bytes from buffer */
#define CONSOLEIO_read 1    /* up to count bytes into buffer; returns how many */

/* Domain ids. A guest names itself DOMID_SELF; ids from DOMID_FIRST_RESERVED are special. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_SELF 0x7ff0u
#define DOMID_IO 0x7ff1u
#define DOMID_XEN 0x7ff2u
#define DOMID_COW 0x7ff3u
#define DOMID_INVALID 0x7ff4u
#define DOMID_ANY 0x7ff5u
#define DOMID_IDLE 0x7fffu
#define DOMID_MASK 0x7fffu

/*
 * The PV clock, one per vCPU. Xen makes version odd, updates, then makes it even again: a
 * reader retries while it is odd or changed. System time in ns is
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since the domain started, at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;              /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24, "vcpu_time_info mul");
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
typedef struct vcpu_time_info vcpu_time_info_t;
#define XEN_PVCLOCK_TSC_STABLE_BIT (1u << 0)    /* the clock is monotonic across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED (1u << 1)

/*
 * Per-vCPU event state. Xen sets evtchn_upcall_pending (and a bit in evtchn_pending_sel for the
 * word of shared_info.evtchn_pending that changed) and delivers the upcall unless
 * evtchn_upcall_mask is set; the guest clears pending before it scans.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "vcpu_info pending_sel");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info time");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared page (XENMAPSPACE_shared_info): vcpu_info of the first XEN_LEGACY_MAX_VCPUS vCPUs,
 * the 2-level event channel bits (a port's pending and mask bit is bit port % 64 of word
 * port / 64) and the wallclock (seconds since the epoch at system time 0; wc_version as
 * vcpu_time_info's version).
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048, "shared_info pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560, "shared_info mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "shared_info wallclock");
_Static_assert(offsetof(struct shared_info, arch) == 3088, "shared_info arch");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info");
typedef struct shared_info shared_info_t;

#endif
