/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The parameter checks both VMMs make (params_check.c). */
#ifndef VMM_PARAMS_CHECK_H
#define VMM_PARAMS_CHECK_H

#include "params.h"

/* 0 when the page is well formed in what every VMM needs, else -1. */
int vmm_params_check_common(const struct vmm_params *p, unsigned max_vcpus);

#endif
