/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The fake platform has no virtualization: plat_vcpu_supported() is false, so no VCPU exists.
 * Its state is one word, the PC, as POWER9's. */
#ifndef PLAT_VCPU_H
#define PLAT_VCPU_H

#include <stdint.h>

#define VCPU_STATE_COUNT 1u
#define VCPU_STATE_PC 0u
#define GUEST_PHYS_TOP (1ul << 48)

#define VCPU_EXIT_SUMMARY_WORDS 1u
#define VCPU_RESULT_WORDS 1u

struct vcpu_arch {
    uint64_t rip;
};

#endif
