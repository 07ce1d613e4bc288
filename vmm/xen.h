/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The Xen guest ABI the VMM implements, written from Xen's public headers (xen.h, xen-compat,
 * version.h, sched.h, memory.h, hvm/hvm_op.h, hvm/params.h, vcpu.h, event_channel.h, grant_table.h,
 * arch-x86/cpuid.h, arch-x86/hvm/start_info.h): numbers and structure layouts as the 64-bit
 * guest sees them. Every structure the VMM reads or writes in guest memory has its size checked.
 */
#ifndef VMM_XEN_H
#define VMM_XEN_H

#include <stdint.h>

/* xen.h: hypercall numbers. */
#define XEN_HC_set_timer_op 15
#define XEN_HC_memory_op 12
#define XEN_HC_xen_version 17
#define XEN_HC_console_io 18
#define XEN_HC_grant_table_op 20
#define XEN_HC_vcpu_op 24
#define XEN_HC_sched_op 29
#define XEN_HC_event_channel_op 32
#define XEN_HC_hvm_op 34
#define XEN_HC_COUNT 64   /* the hypercall page has room for 4096 / 32 = 128 stubs; we fill 64 */

/* Xen's errno values (xen/include/public/errno.h), returned negated in rax. */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_ENOMEM 12
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOSPC 28
#define XEN_ENOSYS 38
#define XEN_ETIME 62

#define XEN_DOMID_SELF 0x7ff0u
#define XEN_MEMOP_CMD_MASK 0x3fu   /* memory_op: the command is in the low bits */

/* arch-x86/cpuid.h: the hypervisor leaves at 0x40000000 (Xen may shift them by 0x100). */
#define XEN_CPUID_FIRST_LEAF 0x40000000u
#define XEN_CPUID_LEAF(i) (XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */
#define XEN_HYPERCALL_MSR 0x40000000u       /* leaf 2, ebx: the MSR that installs the page */

/* version.h */
#define XENVER_version 0
#define XENVER_extraversion 1
#define XENVER_get_features 6
#define XEN_EXTRAVERSION_LEN 16
struct xen_feature_info {
    uint32_t submap_idx;
    uint32_t submap;
};
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info");
#define XENFEAT_writable_page_tables 0
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_hvm_safe_pvclock 9
#define XENFEAT_NR_SUBMAPS 1

/* console_io */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* sched.h */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
struct sched_poll {
    uint64_t ports;        /* XEN_GUEST_HANDLE(evtchn_port_t): nr_ports uint32_t ports */
    uint32_t nr_ports;
    uint32_t pad;
    uint64_t timeout;      /* system time (ns); 0: none */
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");
#define SCHED_POLL_MAX_PORTS 128u   /* Xen's limit */
struct sched_shutdown {
    uint32_t reason;
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5

/* memory.h: XENMEM_memory_map fills an array of E820 entries (packed, 20 bytes each). */
#define XENMEM_memory_map 9
#define XENMEM_add_to_physmap 7
struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;     /* for gmfn_range only */
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPIDX_grant_table_status 0x80000000u   /* idx bit 31: a status frame (v2 only) */
struct xen_memory_map {
    uint32_t nr_entries;   /* IN: room in buffer; OUT: entries written */
    uint32_t pad;
    uint64_t buffer;       /* XEN_GUEST_HANDLE(void) */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map");
struct __attribute__((packed)) xen_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};
_Static_assert(sizeof(struct xen_e820_entry) == 20, "e820entry");
#define XEN_E820_RAM 1
#define XEN_E820_RESERVED 2

/* hvm/hvm_op.h and hvm/params.h */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVMOP_set_evtchn_upcall_vector 23
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
    uint8_t pad[3];    /* the C layout's tail padding */
};
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "xen_hvm_evtchn_upcall_vector");
struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_NR_PARAMS 39
/* CALLBACK_IRQ: bits 63:56 give the type; type 2 delivers a vector (bits 7:0). */
#define HVM_PARAM_CALLBACK_TYPE(v) ((v) >> 56)
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2u

/* vcpu.h */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;   /* system time */
    uint32_t flags;
    uint32_t pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer");
#define VCPU_SSHOTTMR_future 1u
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;   /* bit 63: XEN_RUNSTATE_UPDATE */
    uint64_t time[4];
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");
#define RUNSTATE_running 0
/* struct vcpu_time_info (xen.h): the PV clock. system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32. */
struct xen_vcpu_time_info {
    uint32_t version;          /* odd while being updated */
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;      /* ns since the guest started */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct xen_vcpu_time_info) == 32, "vcpu_time_info");
#define XEN_PVCLOCK_TSC_STABLE_BIT 1u
struct vcpu_register_vcpu_info {
    uint64_t mfn;      /* guest frame number of the page holding vcpu_info */
    uint32_t offset;   /* within that page */
    uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info");
/* xen.h: struct vcpu_info on x86_64 (pending, mask, pending_sel, arch, time). */
struct xen_vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad[6];
    uint64_t evtchn_pending_sel;
    uint64_t arch_cr2;
    uint64_t arch_pad;
    uint8_t time[32];  /* struct vcpu_time_info */
};
_Static_assert(sizeof(struct xen_vcpu_info) == 64, "vcpu_info");

/* event_channel.h */
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
struct evtchn_bind_ipi {
    uint32_t vcpu;
    uint32_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi");
struct evtchn_bind_vcpu {
    uint32_t port;
    uint32_t vcpu;
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu");
struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    uint32_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq");
#define VIRQ_TIMER 0
#define XEN_NR_VIRQS 24

/* xen.h: struct shared_info on x86_64. */
#define XEN_LEGACY_MAX_VCPUS 32
struct xen_shared_info {
    struct xen_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version, wc_sec, wc_nsec, wc_sec_hi;
    /* arch_shared_info follows; unused here */
};
_Static_assert(sizeof(struct xen_shared_info) == 3088, "shared_info (without arch)");
struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom;
    uint32_t port;     /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound");
struct evtchn_port_arg {   /* evtchn_close and evtchn_send: one port */
    uint32_t port;
};
_Static_assert(sizeof(struct evtchn_port_arg) == 4, "evtchn_close/send");

/* grant_table.h: grant_table_op(cmd, uop, count); per-operation results in status (GNTST_*). */
#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_virt_addr (-5)
struct gnttab_setup_table {
    uint16_t dom;          /* IN */
    uint16_t pad0;
    uint32_t nr_frames;    /* IN */
    int16_t status;        /* OUT */
    uint16_t pad1[3];
    uint64_t frame_list;   /* XEN_GUEST_HANDLE(xen_pfn_t): OUT, nr_frames entries */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table");
struct gnttab_query_size {
    uint16_t dom;          /* IN */
    uint16_t pad0;
    uint32_t nr_frames;    /* OUT */
    uint32_t max_nr_frames;/* OUT */
    int16_t status;        /* OUT */
    uint16_t pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");
struct gnttab_set_version {
    uint32_t version;      /* IN/OUT */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version");
struct gnttab_get_version {
    uint16_t dom;          /* IN */
    uint16_t pad;
    uint32_t version;      /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version");
#define XEN_INVALID_GFN (~0ull)
/* A version 1 grant entry: what a grant frame holds, 512 of them. */
struct grant_entry_v1 {
    uint16_t flags;        /* GTF_* */
    uint16_t domid;        /* the domain granted access */
    uint32_t frame;        /* the frame granted */
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
#define GTF_permit_access 1u

/* arch-x86/hvm/start_info.h, version 1 (with the memory map). */
#define XEN_HVM_START_MAGIC 0x336ec578u
struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry");
#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2

#endif
