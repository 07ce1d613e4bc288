/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The Xen PV console (Xen's public io/console.h; Linux's hvc_xen): one page of guest RAM, the
 * top one, holds struct xencons_interface. It is not RAM in the guest's memory map (pvh.c,
 * physmap.c) and its frame number is HVM_PARAM_CONSOLE_PFN. HVM_PARAM_CONSOLE_EVTCHN names a
 * port the VMM bound to itself at start (EVTCHN_CONSOLE): the guest's EVTCHNOP_send on it makes
 * the VMM drain out[] to its console output, labelled "[name hvc]"; bytes the VMM puts into
 * in[] raise that port in the guest (2-level delivery, evtchn.c). Output is never dropped
 * here: a line the console server's ring has no room for stays in out[] (report.c,
 * output_room), the guest sees its ring full and waits, and the VMM drains again after its
 * next exit (input.c).
 * Ring rules: the producer writes data, then (write barrier) its index; the consumer reads the
 * producer's index, then (read barrier) the data, then (full barrier) writes its own index.
 * Indices are free-running 32-bit counters masked by the ring size; a producer index more than
 * the ring size ahead of the consumer's is the guest's error: the VMM drops what is pending
 * (consumer := producer) and reads nothing outside the ring.
 */
#include <xen/io/console.h>
#include "vmm.h"

_Static_assert(sizeof(struct xencons_interface) <= 4096, "the ring fits its page");

#define RING_OUT_SIZE ((uint32_t)sizeof(((struct xencons_interface *)0)->out))
#define RING_IN_SIZE ((uint32_t)sizeof(((struct xencons_interface *)0)->in))

static struct xencons_interface *ring(struct vm *vm)
{
    if (!vm->console_gpa) return NULL;
    return gpa_ptr(vm, vm->console_gpa, sizeof(struct xencons_interface));
}

uint64_t console_ring_gpa(uint64_t ram_size)
{
    return ram_size - 4096;
}

void console_init(struct vm *vm)
{
    vm->console_gpa = console_ring_gpa(vm->ram_size);
    uint32_t port = evtchn_bind_vmm(vm);
    if (!ring(vm) || port == 0) {
        vm->console_gpa = 0;
        return;
    }
    vm->console_port = port;
    vm->hvm_param[HVM_PARAM_CONSOLE_PFN] = vm->console_gpa >> 12;
    vm->hvm_param[HVM_PARAM_CONSOLE_EVTCHN] = port;
}

/* The guest's EVTCHNOP_send on the console port (and the guest's end): out[] to the console. */
void console_drain(struct vm *vm)
{
    struct xencons_interface *r = ring(vm);
    if (!r) return;
    uint32_t cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
    uint32_t prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > RING_OUT_SIZE) {
        vm->console_errors++;
        cons = prod;
    }
    for (; cons != prod; cons++) {
        uint32_t i = cons & (RING_OUT_SIZE - 1);    /* < RING_OUT_SIZE */
        char c = __atomic_load_n(&r->out[i], __ATOMIC_RELAXED);
        if ((c == '\n' || vm->ring_len == VMM_LINE_MAX) && !output_room(vm, vm->ring_len)) break;
        console_put(vm, vm->ring_line, &vm->ring_len, c, "hvc");
        vm->console_bytes++;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELAXED);
}

bool console_pending(struct vm *vm)
{
    struct xencons_interface *r = ring(vm);
    return r && __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE) != __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
}

/* Input for the guest: as much of buf as in[] has room for; the number of bytes queued. */
uint32_t console_input(struct vm *vm, const char *buf, uint32_t len)
{
    struct xencons_interface *r = ring(vm);
    if (!r) return 0;
    uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
    uint32_t used = prod - cons;
    if (used > RING_IN_SIZE) return 0;               /* the guest broke its index: queue nothing */
    uint32_t n = 0;
    for (; n < len && used + n < RING_IN_SIZE; n++)
        __atomic_store_n(&r->in[(prod + n) & (RING_IN_SIZE - 1)], buf[n], __ATOMIC_RELAXED);
    if (n == 0) return 0;
    __atomic_store_n(&r->in_prod, prod + n, __ATOMIC_RELEASE);
    evtchn_raise(vm, vm->console_port);
    return n;
}
