/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What a VMM's creator gives it (docs/vmm.md, "The VMM"): capabilities at fixed slots of its
 * CSpace, and mappings at fixed addresses of its VSpace. The VMM holds no untyped memory and
 * no capability to its guest's frames: its creator maps guest RAM twice, into the GuestSpace
 * at gpa and into the VMM at VMM_GUEST_WINDOW + gpa.
 */
#ifndef VMM_PARAMS_H
#define VMM_PARAMS_H

#include <stdint.h>

enum vmm_slot {
    VMM_SLOT_VCPU0 = 5,         /* VCPU n at VMM_SLOT_VCPU0 + n (this stage: one) */
    VMM_SLOT_GUEST_SPACE = 12,
    VMM_SLOT_NOTIFICATION = 13, /* the guest's event line: a signal wakes a halted vCPU */
    VMM_SLOT_REPORT = 14,       /* send-only endpoint to the creator, badged per guest */
};

/* VSpace layout of the VMM process. */
#define VMM_PARAMS_VADDR 0x0000400000000000ull  /* struct vmm_params, read-only */
#define VMM_IMAGE_VADDR 0x0000410000000000ull   /* the kernel image, read-only */
#define VMM_INITRD_VADDR 0x0000420000000000ull  /* the initrd module, read-only */
#define VMM_GUEST_WINDOW 0x0000480000000000ull  /* guest RAM: VMM_GUEST_WINDOW + gpa */

#define VMM_PARAMS_MAGIC 0x31305241504d4d56ull /* "VMMPAR01" */
#define VMM_NAME_LEN 16
#define VMM_CMDLINE_LEN 256

struct vmm_params {
    uint64_t magic;
    uint64_t ram_size;          /* guest RAM is [0, ram_size), 2 MiB granular */
    uint64_t image_size;
    uint64_t initrd_size;
    uint64_t vcpus;
    char name[VMM_NAME_LEN];    /* labels the guest's console output */
    char cmdline[VMM_CMDLINE_LEN];
};
_Static_assert(sizeof(struct vmm_params) <= 4096, "vmm_params fits a page");

/* The guest's debug port (32-bit OUT): test guests report results there. */
#define VMM_DEBUG_PORT_CHECK 0x500u  /* check id; bit 31 set: the check failed */
#define VMM_DEBUG_PORT_VALUE 0x504u  /* a value for the next CHECK or BENCH */
#define VMM_DEBUG_PORT_BENCH 0x508u  /* benchmark id; the value is the last VALUE */
#define VMM_DEBUG_CHECK_FAILED 0x80000000u

/* Reports to the creator on VMM_SLOT_REPORT: the label says what, the MRs the details. */
enum vmm_report {
    VMM_REPORT_BENCH = 1,     /* MR0 bench id, MR1 value */
    VMM_REPORT_END = 2,       /* the guest ended: MR0 enum vmm_end, MR1 detail, MR2 detail,
                                 MR3 checks passed, MR4 checks failed, MR5 exits,
                                 MR6 hypercalls, MR7 hypercalls that returned an error */
};

enum vmm_end {
    VMM_END_SHUTDOWN = 1,     /* the guest shut down: detail = reason (Xen's SHUTDOWN_*),
                                 detail2 = enum vmm_shutdown_via */
    VMM_END_CRASH = 2,        /* triple fault: detail = rip */
    VMM_END_NPF = 3,          /* access outside guest memory: detail = gpa, rip */
    VMM_END_HALTED = 4,       /* HLT with interrupts disabled: detail = rip */
    VMM_END_BAD_STATE = 5,    /* VMRUN refused the state: detail = rip */
    VMM_END_REFUSED = 6,      /* the image was refused: detail = enum vmm_load_error */
    VMM_END_SETUP = 7,        /* the VMM could not set itself up: detail = kernel error */
    VMM_END_UNSUPPORTED = 8,  /* an exit the VMM does not handle: detail = reason, rip */
};

enum vmm_shutdown_via {
    VMM_SHUTDOWN_VIA_HYPERCALL = 0,  /* SCHEDOP_shutdown */
    VMM_SHUTDOWN_VIA_ACPI = 1,       /* the ACPI sleep control register, sleep type S5 */
};

enum vmm_load_error {
    VMM_LOAD_NOT_ELF = 1,
    VMM_LOAD_NO_PVH_NOTE = 2,
    VMM_LOAD_OVERLAP = 3,
    VMM_LOAD_OUTSIDE_RAM = 4,
    VMM_LOAD_TRUNCATED = 5,
    VMM_LOAD_BAD_IMAGE = 6,   /* any other ELF error */
    VMM_LOAD_NO_ROOM = 7,     /* start info, command line or initrd do not fit */
};

#endif
