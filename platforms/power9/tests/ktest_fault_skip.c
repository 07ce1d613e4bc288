/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * tests/system/ktest/t_fault.c raises an unknown system call with x86 inline assembly and
 * expects a fault from an integer division by zero (POWER does not trap on it), so the
 * ppc64le build replaces the fault group with an empty one; tests/suites/power9.sh prints
 * SKIP lines for it.
 */
#include "../../../tests/system/ktest/ktest.h"

const struct test tests_fault[] = {{NULL, NULL}};

/* VCPUs (t_vcpu.c, AMD SVM guests) are x86-only so far. */
const struct test tests_vcpu[] = {{NULL, NULL}};
