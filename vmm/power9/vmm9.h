/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The POWER9 VMM (one process per guest, started by the root server from the system
 * description, as on x86): what its files share. It takes the same parameters as the x86 VMM
 * (vmm/params.h) and reports to its creator with the same protocol (VMM_REPORT_END); what is
 * PAPR is in vmm/papr/, which this side drives. One concern per file:
 *   main.c     the parameters, the guest's configuration and the end report
 *   load.c     vmlinux at guest-real 0, the initrd after it, the device tree and RTAS blob
 *   run.c      a vCPU's thread: the loop around VMEnter, hcalls to vmm/papr, the partition
 *              state it sets, XICS interrupts injected, start-cpu and stop-self
 *   console.c  hvc0: H_PUT_TERM_CHAR to the console channel, its input to H_GET_TERM_CHAR
 */
#ifndef VMM_POWER9_VMM9_H
#define VMM_POWER9_VMM9_H

#include <stdbool.h>
#include <stdint.h>
#include <bulkhead/byte_ring.h>
#include <bulkhead/runtime.h>
#include "params.h"
#include "papr/papr.h"

#define VMM9_LINE_MAX 160u

struct vm9;

/* A vCPU and the thread that runs it (thread n runs vCPU n, as on x86). */
struct vcpu9 {
    struct vm9 *vm;
    unsigned id;
    bh_cptr_t cap, notification;     /* its VCPU and its event line (badged BH_VMM_KICK_BADGE) */
    bh_word_t mode, table;           /* the partition state last written to its VCPU */
    bool event_outstanding;          /* an injected interrupt not yet taken */
};

struct vm9 {
    const struct vmm_params *params;
    uint8_t *ram;
    struct papr_config cfg;
    struct papr_guest_memory mem;
    struct papr_host host;
    struct papr_vm papr;
    struct vcpu9 vcpu[PAPR_MAX_VCPUS];
    int lock;                            /* serialises everything below and papr (vm9_lock) */
    bool loaded, ended;
    uint64_t entry;                      /* the vmlinux entry, guest-real */
    struct bh_byte_ring *out_ring, *in_ring;  /* the console channel's, NULL: none */
    char line[VMM9_LINE_MAX];            /* the guest's hvc0 line being collected */
    unsigned line_len;
    uint64_t exits, hcalls, hcall_errors, console_dropped, console_in, injected;
    uint64_t exits_by_reason[8];         /* hcall, hdec, interrupted, hdsi, hisi, emulation, facility, other */
};

void vm9_lock(struct vm9 *vm);
void vm9_unlock(struct vm9 *vm);
/* main.c: the end, reported once on the report slot (what the root's supervisor prints);
 * the other vCPUs' threads are kicked out of the guest and stop. Under the lock. */
void vm9_end(struct vm9 *vm, enum vmm_end why, uint64_t detail, uint64_t detail2);
/* main.c: wakes vCPU n's thread (start-cpu, H_PROD, an interrupt for it). */
void vm9_kick(void *ctx, unsigned vcpu);
/* load.c: 0, or an enum vmm_load_error. */
int vm9_load(struct vm9 *vm);
/* run.c: binds vCPU n to the calling thread (TCB at slot tcb). */
int vm9_bind(struct vm9 *vm, unsigned id, bh_cptr_t tcb);
/* run.c: the vCPU's thread from then on: vCPU 0 enters Linux at once, the others when RTAS
 * start-cpu starts them; a stopped vCPU waits for the next start. Never returns. */
_Noreturn void vm9_vcpu_main(struct vcpu9 *v);
/* console.c */
void vm9_console_init(struct vm9 *vm);
void vm9_console_write(void *ctx, const uint8_t *buf, size_t len);
size_t vm9_console_read(void *ctx, uint8_t *buf, size_t max);
void vm9_say(struct vm9 *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vm9_console_flush(struct vm9 *vm);

#endif
