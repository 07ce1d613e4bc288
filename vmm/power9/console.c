/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * hvc0, the guest's hvterm console (H_PUT_TERM_CHAR, H_GET_TERM_CHAR in vmm/papr/hcall_term.c),
 * on the console channel as the x86 VMM's consoles are: output in lines on the channel's
 * output ring, each "hvc] text" (vmm/console_line.c, shared with the x86 VMM) and signalled;
 * input from the channel's input ring, which the console server fills with what is typed.
 * Without a channel the lines go to the kernel's debug console when it has one. A full ring
 * holds the guest back for a while (the server signals after making room), then drops and
 * counts, so a stalled server cannot stop the guest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/console_ring.h>
#include "console_line.h"
#include "vmm9.h"

#define WAIT_FOR_ROOM 2000u    /* yields before a line is dropped */

void vm9_console_init(struct vm9 *vm)
{
    const struct vmm_params *p = vm->params;
    if (p->console_vaddr && p->slot.console_signal) {
        vm->out_ring = bh_console_output_ring(p->console_vaddr);
        vm->in_ring = bh_console_input_ring(p->console_vaddr);
    } else if (!(p->flags & VMM_PARAMS_DEBUG_CALLS)) {
        bh_console_set_sink(bh_console_discard);
    }
}

static void put_line(struct vm9 *vm, const char *source, const char *text, unsigned len)
{
    for (unsigned i = 0; vm->out_ring && i < WAIT_FOR_ROOM && bh_byte_ring_room(vm->out_ring) < vmm_console_line_bytes(len); i++)
        bh_yield();
    vm->console_dropped += vmm_put_line(vm->out_ring, vm->params->slot.console_signal, vm->params->name, source, text, len);
}

void vm9_say(struct vm9 *vm, const char *fmt, ...)
{
    char text[VMM_SAY_TEXT_SIZE];
    va_list ap;
    va_start(ap, fmt);
    unsigned len = vmm_format_line(text, sizeof text, fmt, ap);
    va_end(ap);
    put_line(vm, "vmm", text, len);
}

void vm9_console_flush(struct vm9 *vm)
{
    if (vm->line_len) put_line(vm, "hvc", vm->line, vm->line_len);
    vm->line_len = 0;
}

/* Printable ASCII and tabs are kept; other control bytes are dropped (escape sequences too). */
void vm9_console_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct vm9 *vm = ctx;
    for (size_t i = 0; i < len; i++) {
        char c = (char)buf[i];
        if (c == '\n' || vm->line_len == VMM9_LINE_MAX) vm9_console_flush(vm);
        if (c == '\n' || c == '\r' || ((unsigned char)c < 0x20 && c != '\t') || c == 0x7f) continue;
        vm->line[vm->line_len++] = c;
    }
}

size_t vm9_console_read(void *ctx, uint8_t *buf, size_t max)
{
    struct vm9 *vm = ctx;
    if (!vm->in_ring || max == 0) return 0;
    uint32_t n = bh_byte_ring_peek(vm->in_ring, buf, max > 16 ? 16u : (uint32_t)max);
    bh_byte_ring_consume(vm->in_ring, n);
    vm->console_in += n;
    return n;
}
