/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The fake platform has no virtualization: plat_vcpu_supported() is false, so no VCPU exists. */
#ifndef PLAT_VCPU_H
#define PLAT_VCPU_H

#include <stdint.h>

#define VCPU_STATE_COUNT 1u
#define VCPU_RIP 0u
#define VCPU_EVENT_INJ 1u   /* reads 0: no event injection */
#define VCPU_RIGHT_EXECUTE 8u
#define VM_EXIT_INTERRUPTED (1ull << 32)
#define GUEST_PHYS_TOP (1ul << 48)

#define VCPU_EXIT_SUMMARY_WORDS 1u
#define VCPU_RESULT_WORDS 1u

struct vcpu_arch {
    uint64_t rip;
};

#endif
