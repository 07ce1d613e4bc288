/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* VCPUs (t_vcpu.c, AMD SVM guests) are x86-only so far: the ppc64le suite has an empty group. */
#include "../../../tests/system/ktest/ktest.h"

const struct test tests_vcpu[] = {{NULL, NULL}};
