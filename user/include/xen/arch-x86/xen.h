/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The x86 part of the guest ABI (Xen's public arch-x86/xen.h), as a 64-bit guest sees it:
 * guest handles, frame numbers, the legacy vCPU limit of shared_info, and the arch part of
 * shared_info. Only the 64-bit ABI is described: every user of this tree is a 64-bit program.
 */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_H
#define XEN_PUBLIC_ARCH_X86_XEN_H

#include <stdint.h>
#include "xen-x86_64.h"

/*
 * A guest handle is a guest-virtual address of a buffer, 8 bytes on x86_64 (upstream wraps a
 * pointer in a struct). The type names what the buffer holds; the field is an address because
 * the VMM, which reads these structures from guest memory, must never take it for its own
 * pointer. A guest stores its pointer with set_xen_guest_handle.
 */
#define XEN_GUEST_HANDLE(type) uint64_t
#define XEN_GUEST_HANDLE_64(type) uint64_t
#define set_xen_guest_handle(hnd, val) ((hnd) = (uint64_t)(uintptr_t)(val))

typedef uint64_t xen_pfn_t;     /* a guest frame number (gpa >> 12) */
typedef uint64_t xen_ulong_t;   /* the guest's unsigned long */

/* shared_info has room for this many vcpu_info; later ones register their own (vcpu.h). */
#define XEN_LEGACY_MAX_VCPUS 32

struct arch_shared_info {
    xen_ulong_t max_pfn;                    /* PV guests' p2m: unused by HVM and PVH guests */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;
    xen_ulong_t p2m_vaddr;
    xen_ulong_t p2m_generation;
};
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info");

#endif
