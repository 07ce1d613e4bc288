/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The hostile task's CSpace layout, shared by the runner (which fills it) and the task. */
#ifndef HOSTILE_H
#define HOSTILE_H

enum hostile_slot {
    H_CNODE = 2,          /* its own CNode */
    H_VSPACE = 3,         /* its own VSpace */
    H_SERVICE = 6,        /* endpoint served by the runner (badge 1) */
    H_UNTYPED = 7,        /* 1 MiB of untyped memory */
    H_VICTIM_TCB = 8,     /* a thread of its own to configure and break */
    H_NOTIFICATION = 9,
    H_ENDPOINT_RO = 10,   /* the service endpoint, read right only */
    H_IO_PORT = 11,       /* port 0x80 (POST codes) */
    H_FRAME = 12,
    H_PAGE_TABLE = 13,
    H_SMALL_CNODE = 14,
    H_ASID_POOL = 15,     /* an ASID pool of its own, which the runner left HOSTILE_FREE_ASIDS free */
    H_FIRST_EMPTY = 16,
    /* The report endpoint, out of reach of the random slot choice. */
    H_DONE = 255,
};

#define HOSTILE_CALLS 100000u
#define HOSTILE_BATCH 1000u
#define HOSTILE_SEED 0x5eed0b5eULL
#define HOSTILE_FREE_ASIDS 12u

#endif
