/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The POWER9 ktest group's tests in other files (listed in ktest_platform.c). */
#ifndef KTEST_POWER9_H
#define KTEST_POWER9_H

struct env;
/* ktest_state_hygiene.c */
int power9_state_hygiene_across_partitions(struct env *env);
/* ktest_lazy_fpu.c */
int power9_fpu_lazy_between_threads(struct env *env);
int power9_fpu_owner_death_writes_nothing(struct env *env);
/* ktest_user_faults.c */
int power9_denied_facilities_fault_in_user(struct env *env);
int power9_kernel_addresses_fault_in_user(struct env *env);

#endif
