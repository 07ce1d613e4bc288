/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The structured system-call fuzzer: the CSpace layout its runner fills and the protocol
 * between the two. Unlike the hostile task (random words, most of which fail to decode),
 * the fuzzer keeps a model of what each of its slots holds and makes typed operations on
 * real objects, so that most calls reach the kernel's object code.
 */
#ifndef SYSFUZZ_H
#define SYSFUZZ_H

enum sysfuzz_slot {
    SF_TCB = 1,           /* its own TCB (authority for priorities, VCPU binding) */
    SF_CNODE = 2,         /* its own CNode, without a guard: slots named with depth 8 */
    SF_VSPACE = 3,        /* its own VSpace: never given to the threads it makes */
    SF_SERVICE = 6,       /* the runner's endpoint (badge SF_TASK_BADGE): echo, capability transfer */
    SF_REPORT = 7,        /* the runner's endpoint (badge SF_REPORT_BADGE): parameters, progress */
    SF_ASID_POOL = 8,     /* an ASID pool of its own (512 ASIDs) for the spaces it makes */
    SF_UNTYPED_SLOT = 15, /* 4 MiB of untyped memory: retyped and revoked, never moved or deleted */
    SF_PLAYGROUND = 16,   /* first slot the operations may touch */
    SF_PLAYGROUND_END = 240,
};

#define SF_TASK_BADGE 1u
#define SF_REPORT_BADGE 2u
#define SF_FAULT_BADGE 3u   /* the task's own faults (random RFLAGS.TF) */
#define SF_UNTYPED_BITS 22u
#define SF_TASK_PRIORITY 100u
#define SF_TASK_MCP 99u     /* the threads it makes never preempt it */

/* Report-endpoint labels (task -> runner). */
#define SF_GET_PARAMS 0x5f01u  /* reply: MR0 = calls, MR1 = seed, MR2 = batch */
#define SF_PROGRESS 0x5f02u    /* MR0 = calls done, MR1 = calls that succeeded, MR2 = violations */
#define SF_DONE 0x5f03u        /* MR0 = calls, MR1 = succeeded, MR2 = violations, then per-op counts */

#define SF_DEFAULT_CALLS 200000u
#define SF_DEFAULT_SEED 0xb0a7f00dull
#define SF_BATCH 1000u

#endif
