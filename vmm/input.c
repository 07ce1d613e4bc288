/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Console input: bytes that the console server typed into this VMM's input ring (a console
 * channel of the spec; params.h, input_vaddr) go into the guest's PV console ring (console.c),
 * as far as it has room: what does not fit stays in the input ring for the next poll, and
 * nothing is taken before the guest has set up its console. Polled after every exit: the
 * server's signal on the VMM's event line ends a run or a wait, so a poll follows it.
 */
#include <bulkhead/byte_ring.h>
#include "vmm.h"

#define INPUT_CHUNK 64u

void input_poll(struct vm *vm)
{
    if (!vm->params->input_vaddr) return;
    struct bh_byte_ring *r = (struct bh_byte_ring *)(uintptr_t)vm->params->input_vaddr;
    char buf[INPUT_CHUNK];
    for (;;) {
        uint32_t n = bh_byte_ring_peek(r, (uint8_t *)buf, INPUT_CHUNK);
        if (n == 0) return;
        uint32_t taken = console_input(vm, buf, n);
        bh_byte_ring_consume(r, taken);
        if (taken < n) return;
    }
}
