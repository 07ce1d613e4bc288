/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Helpers of the VCPU tests (t_vcpu.c), shared with the state-hygiene tests (t_vcpu_hygiene.c). */
#ifndef KTEST_VCPU_TEST_H
#define KTEST_VCPU_TEST_H

#include "ktest.h"

/* VMEnter (MR0 = rip when set_rip) until an exit that is not an interruption; the exit in
 * x[0..5]; returns the error label. */
int vcpu_test_run(bh_word_t *x, int set_rip, bh_word_t rip);
bh_word_t vcpu_test_get(bh_cptr_t vcpu, bh_word_t index);
int vcpu_test_set(bh_cptr_t vcpu, bh_word_t index, bh_word_t value);
bh_cptr_t vcpu_test_copy(struct env *env, bh_cptr_t c);
/* A VCPU or GuestSpace from a private untyped. */
bh_cptr_t vcpu_test_new_object(struct env *env, bh_word_t type);

int vcpu_hygiene_fresh_guest(struct env *env);
int vcpu_hygiene_after_delete(struct env *env);

#endif
