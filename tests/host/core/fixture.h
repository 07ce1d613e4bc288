/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The test world, set up as kernel/boot.c does: a root CNode (radix 8, guard 56 bits of 0,
 * so a capability pointer is the slot number) in a boot pool, and root Untyped capabilities
 * over a host buffer. Objects are retyped from the Untypeds through decode_invocation.
 */
#ifndef CORE_FIXTURE_H
#define CORE_FIXTURE_H

#include "kernel.h"
#include "fake.h"

#define ROOT_RADIX 8u
#define MEM_BITS 26u      /* the host buffer: 64 MiB, aligned to 32 MiB */
#define BIG_UT_BITS 25u   /* root untyped over the upper 32 MiB */
#define SMALL_UT_BITS 14u /* root untyped over 16 KiB at 4 MiB */
#define DEV_UT_BITS 21u   /* device untyped over 2 MiB at 2 MiB */

enum root_slot {
    S_CNODE = 1,
    S_UT = 2,
    S_UT_SMALL = 3,
    S_DEV_UT = 4,
    S_IRQ_CONTROL = 5,
    S_IO_PORT_CONTROL = 6,
    S_DOMAIN = 7,
    S_ASID_CONTROL = 8,
    S_ASID_POOL = 9, /* range 0; ASID 1 names the boot VSpace */
    S_IO_SPACE_CONTROL = 10,
    S_FREE = 16, /* first free slot */
};

extern unsigned char *fx_mem;
void fx_init(void);        /* once, in the parent: the host buffer */
void fx_boot(void);        /* in each test's process: the root capabilities */
struct cte *fx_slot(word_t i);
/* A capability made by hand in a root slot (objects the fake platform cannot retype). */
void fx_put(word_t slot, struct cap c);

/* Retype from the root untyped in ut_slot into root slots dest..dest+n-1 (Retype). */
exception_t fx_retype(word_t ut_slot, word_t type, word_t bits, word_t dest, word_t n);
/* An invocation on slot, as the kernel decodes it (decode_invocation), without a thread. */
exception_t fx_decode(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps);
/* ASID pool Assign of the space in slot from the pool in pool_slot (decode_asid_pool). */
exception_t fx_assign(word_t pool_slot, word_t slot);
/* Copy or mint (CNode invocations on the root CNode); ERR_OK or the error. */
exception_t fx_copy(word_t src, word_t dest, word_t rights);
exception_t fx_mint(word_t src, word_t dest, word_t rights, word_t badge);
exception_t fx_cnode(word_t label, const word_t *mr, word_t len);
/* A thread: TCB in slot, VSpace in slot+1 (its ASID from S_ASID_POOL), IPC buffer frame in
 * slot+2; CSpace = the root CNode; runnable at priority prio in partition 0. */
struct tcb *fx_thread(word_t slot, word_t prio);
/* The same with the VSpace's ASID from the pool in pool_slot. */
struct tcb *fx_thread_in(word_t slot, word_t prio, word_t pool_slot);

/* System calls from thread t (it becomes current). Registers: cptr, info, MRs. */
enum fake_exit fx_syscall(struct tcb *t, word_t number);
/* An invocation by Call: returns the reply label (ERR_OK or the error code). */
word_t fx_invoke(struct tcb *t, word_t cptr, word_t label, const word_t *mr, word_t len,
                 const word_t *caps, word_t ncaps);
/* Sets up t's message: label, length words, caps (by cptr). */
void fx_message(struct tcb *t, word_t cptr, word_t label, const word_t *mr, word_t len,
                const word_t *caps, word_t ncaps);

/* The number of capabilities after slot in its derivation list. */
word_t fx_list_after(const struct cte *slot);

#endif
