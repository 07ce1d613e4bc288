/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * vcpu_op(cmd, vcpu, arg) (Xen's public vcpu.h): per-vCPU timers and the areas a vCPU registers
 * in guest memory (its vcpu_info, its runstate).
 */
#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include <stdint.h>
#include "xen.h"

#define VCPUOP_initialise 0
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3
#define VCPUOP_get_runstate_info 4

/* Time spent in each state. While XEN_RUNSTATE_UPDATE is set the area is being written. */
struct vcpu_runstate_info {
    int32_t state;              /* RUNSTATE_* */
    uint32_t pad;
    uint64_t state_entry_time;  /* system time the state was entered */
    uint64_t time[4];           /* ns in each RUNSTATE_* */
};
_Static_assert(offsetof(struct vcpu_runstate_info, state_entry_time) == 8, "vcpu_runstate_info entry");
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
#define XEN_RUNSTATE_UPDATE (1ull << 63)   /* in state_entry_time */
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3

/* Keep the vCPU's runstate at addr (a guest-virtual address) up to date. */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    uint64_t addr;              /* IN: struct vcpu_runstate_info */
};
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8,
               "vcpu_register_runstate_memory_area");

/* A periodic VIRQ_TIMER (Xen refuses periods under 50 us). */
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
struct vcpu_set_periodic_timer {
    uint64_t period_ns;         /* IN */
};
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "vcpu_set_periodic_timer");

/* One VIRQ_TIMER at an absolute system time. */
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;    /* IN: system time */
    uint32_t flags;             /* IN: VCPU_SSHOTTMR_* */
    uint32_t pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer");
#define VCPU_SSHOTTMR_future (1u << 0)  /* -XEN_ETIME if the time has passed */

/* Move the vCPU's vcpu_info out of shared_info, to offset in guest frame mfn. */
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
    uint64_t mfn;               /* IN: the guest frame */
    uint32_t offset;            /* IN: within it; vcpu_info must not cross the page */
    uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info");

#define VCPUOP_send_nmi 11
#define VCPUOP_get_physid 12
/* A secondary copy of the vCPU's vcpu_time_info, kept in step with the primary (same version
 * protocol), which a guest may map read-only into user space for its vDSO clock. */
#define VCPUOP_register_vcpu_time_memory_area 13
struct vcpu_register_time_memory_area {
    union {
        uint64_t h;             /* IN: guest virtual address of a vcpu_time_info (a handle) */
        uint64_t p;
    } addr;
};
_Static_assert(sizeof(struct vcpu_register_time_memory_area) == 8, "vcpu_register_time_memory_area");
#define VCPUOP_register_runstate_phys_area 14
#define VCPUOP_register_vcpu_time_phys_area 15

#endif
