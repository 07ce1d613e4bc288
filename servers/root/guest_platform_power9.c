/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The guests this platform's VMM runs (vmm/power9/main.c checks the same): power9 ones, with
 * up to PAPR_MAX_VCPUS vCPUs and at least the RAM vmm/papr lays a pseries guest out in; no
 * grant frames (POWER9 guests have no Xen grant table). */
#include "params.h"
#include "papr/papr.h"
#include "root.h"

const struct root_guest_platform root_guest_platform = {
    .arch = 1,
    .name = "power9",
    .max_vcpus = PAPR_MAX_VCPUS,
    .min_ram = PAPR_MEMORY_MIN,
    .max_ram = PAPR_MEMORY_MAX,
    .grant_frames = false,
};
