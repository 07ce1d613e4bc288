/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM as a client of the timer server (servers/timer, docs/time.md), when its
 * configuration gives it one (params slot.timer): before the vCPU sleeps with a guest timer
 * armed, the VMM arms a one-shot timeout at that deadline, and the server signals the VMM's
 * event line when it passes, so the vCPU thread sleeps instead of polling and yielding. The
 * protocol is the IDL's for the one procedure u64 set_timeout(in u64 deadline): label 0, the
 * deadline (a TSC value) in MR0; the reply's label 0 for success. The compiler refuses a
 * guest that uses any other interface.
 */
#include <bulkhead/syscalls.h>
#include "vmm.h"

#define SET_TIMEOUT_LABEL 0u

bool timer_available(void)
{
    return VMM_SLOT_TIMER != 0;
}

/* Arms the VMM's timeout at system time ns; false when there is no timer or it refused. */
bool timer_arm(struct vm *vm, uint64_t ns)
{
    if (!timer_available()) return false;
    bh_set_mr(0, time_tsc_at(vm, ns));
    bh_msginfo_t reply = bh_call(VMM_SLOT_TIMER, bh_msginfo(SET_TIMEOUT_LABEL, 0, 0, 1));
    if (bh_msginfo_label(reply) != 0) return false;
    __atomic_fetch_add(&vm->timer_waits, 1, __ATOMIC_RELAXED);   /* called without the VM's lock */
    return true;
}
