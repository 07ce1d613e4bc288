/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Virtual CPUs on POWER9: the state indices are generated from abi/ppc64le.abi
 * (<bulkhead/vcpu_ppc64le.h>), the exit record's shape from abi/bulkhead.abi
 * (<bulkhead/layout.h>). The kernel refuses VCPUs on POWER9 until LPAR guests come (issue 14).
 */
#ifndef BULKHEAD_ARCH_VCPU_H
#define BULKHEAD_ARCH_VCPU_H

#include <bulkhead/abi.h>
#include <bulkhead/types.h>
#include <bulkhead/vcpu_ppc64le.h>

#endif
