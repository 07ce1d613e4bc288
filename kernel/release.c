/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Release builds: no debug system calls; their numbers are unknown system calls (faults). */
#include "kernel.h"

const word_t debug_bootinfo_flags = 0;

bool debug_syscall(struct tcb *t, word_t number)
{
    (void)t;
    (void)number;
    return false;
}
