/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Virtual CPUs on x86_64: the state indices, intercepts, event injection, exit codes and exit
 * summary are generated from abi/x86_64.abi (<bulkhead/vcpu_x86_64.h>), the exit record's
 * shape from abi/bulkhead.abi (<bulkhead/layout.h>); docs/vmm.md explains them. The kernel's
 * platform includes the same generated header.
 */
#ifndef BULKHEAD_ARCH_VCPU_H
#define BULKHEAD_ARCH_VCPU_H

#include <bulkhead/abi.h>
#include <bulkhead/types.h>
#include <bulkhead/vcpu_x86_64.h>

/* A segment's first state word (BH_VCPU_ES..BH_VCPU_TR). */
#define BH_VCPU_SEG(sel, attr, limit) ((bh_word_t)(sel) | (bh_word_t)(attr) << 16 | (bh_word_t)(limit) << 32)

#endif
