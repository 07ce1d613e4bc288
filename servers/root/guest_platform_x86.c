/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The guests this platform's VMM runs (vmm/main.c checks the same): x86_pvh ones. */
#include "params.h"
#include "root.h"

const struct root_guest_platform root_guest_platform = {
    .arch = 0,
    .name = "x86_pvh",
    .max_vcpus = VMM_MAX_VCPUS,
    .min_ram = VMM_GUEST_MIN_RAM,
    .max_ram = VMM_GUEST_MAX_RAM,
    .grant_frames = true,
};
