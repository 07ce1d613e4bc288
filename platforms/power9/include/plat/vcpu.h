/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * POWER9 virtual CPUs: not implemented yet (plat_vcpu_supported() is false, so the core
 * refuses VCPU objects' use). The state is the ABI's (abi/ppc64le.abi, <bulkhead/vcpu_ppc64le.h>):
 * one word, the PC, that the portable core names.
 */
#ifndef PLAT_VCPU_H
#define PLAT_VCPU_H

#include <stdint.h>
#include <bulkhead/vcpu_ppc64le.h>

#define VCPU_STATE_COUNT BH_VCPU_STATE_COUNT
#define VCPU_STATE_PC BH_VCPU_STATE_PC
/* Guest-physical addresses: one partition-scoped radix tree like the process-scoped ones. */
#define GUEST_PHYS_TOP (1ul << 48)

/* No virtualization on POWER9 yet: no exit summary, no result registers (one word each, unused,
 * so that the core's arrays have a size). */
#define VCPU_EXIT_SUMMARY_WORDS 1u
#define VCPU_RESULT_WORDS 1u

struct vcpu_arch {
    uint64_t pc;
};

#endif
