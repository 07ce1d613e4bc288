/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console channel after every exit (vCPU 0, smp.c): bytes that the console server typed
 * into the channel's input ring (bulkhead/console_ring.h; params.h, console_vaddr) go into
 * the guest's PV console ring (console.c), as far as it has room: what does not fit stays in
 * the input ring for the next poll, and nothing is taken before the guest has set up its
 * console. The server's signal on the VMM's event line ends a run or a wait, so a poll
 * follows it. Then what the guest's ring still holds because the output ring was full: the
 * server signals when it has made room.
 */
#include <bulkhead/console_ring.h>
#include "vmm.h"

#define INPUT_CHUNK 64u

static void input_poll(struct vm *vm)
{
    struct bh_byte_ring *r = bh_console_input_ring(vm->params->console_vaddr);
    char buf[INPUT_CHUNK];
    for (;;) {
        uint32_t n = bh_byte_ring_peek(r, (uint8_t *)buf, INPUT_CHUNK);
        if (n == 0) return;
        uint32_t taken = console_input(vm, buf, n);
        bh_byte_ring_consume(r, taken);
        if (taken < n) return;
    }
}

void console_poll(struct vm *vm)
{
    if (!vm->params->console_vaddr) return;
    input_poll(vm);
    if (vm->out_ring && console_pending(vm)) console_drain(vm);
}
