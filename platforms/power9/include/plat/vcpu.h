/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 virtual CPUs: not implemented yet (plat_vcpu_supported() is false, so the core
 * refuses VCPU objects' use). The constants exist so that the portable core compiles.
 */
#ifndef PLAT_VCPU_H
#define PLAT_VCPU_H

#include <stdint.h>

#define VCPU_STATE_COUNT 1u
#define VCPU_RIP 0u
#define VCPU_EVENT_INJ 1u   /* reads 0: no event injection */
#define VCPU_RIGHT_EXECUTE 4u
#define VM_EXIT_INTERRUPTED 0u
/* Guest-physical addresses: one partition-scoped radix tree like the process-scoped ones. */
#define GUEST_PHYS_TOP (1ul << 48)

/* No virtualization on POWER9 yet: no exit summary, no result registers. */
#define VCPU_EXIT_SUMMARY_WORDS 1u
#define VCPU_RESULT_WORDS 1u

struct vcpu_arch {
    uint64_t pc;
};

#endif
