/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The x86_64 part of the guest ABI (Xen's public arch-x86/xen-x86_64.h): what struct vcpu_info
 * carries for the architecture. Included through arch-x86/xen.h.
 */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_X86_64_H
#define XEN_PUBLIC_ARCH_X86_XEN_X86_64_H

#include <stdint.h>

struct arch_vcpu_info {
    uint64_t cr2;   /* a PV guest's faulting address; unused by HVM and PVH guests */
    uint64_t pad;   /* makes struct vcpu_info 64 bytes */
};
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info");

#endif
