/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The hvterm console (Linux drivers/tty/hvc/hvc_vio.c, hvterm1 protocol): up to 16 bytes per
 * call, carried in two registers as a big-endian byte string whatever the guest's endianness
 * (Linux packs them with cpu_to_be64; QEMU h_put_term_char). termno is the vty node's reg.
 */
#include "papr.h"

#define TERM_MAX 16u

static void unpack(uint64_t hi, uint64_t lo, uint8_t out[TERM_MAX])
{
    for (unsigned i = 0; i < 8; i++) {
        out[i] = (uint8_t)(hi >> (56 - 8 * i));
        out[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
    }
}

static uint64_t pack(const uint8_t in[8])
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) v = v << 8 | in[i];
    return v;
}

/* H_PUT_TERM_CHAR(termno, len, bytes 0..7, bytes 8..15) */
int64_t hc_put_term_char(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint8_t buf[TERM_MAX];
    if (call->r[4] != PAPR_VTY_REG || call->r[5] > TERM_MAX) return H_PARAMETER;
    unpack(call->r[6], call->r[7], buf);
    if (call->r[5]) vm->host->console_write(vm->host->ctx, buf, (size_t)call->r[5]);
    return H_SUCCESS;
}

/* H_GET_TERM_CHAR(termno) -> count, bytes 0..7, bytes 8..15; a count of 0 when none waits. */
int64_t hc_get_term_char(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint8_t buf[TERM_MAX] = {0};
    if (call->r[4] != PAPR_VTY_REG) return H_PARAMETER;
    size_t n = vm->host->console_read(vm->host->ctx, buf, TERM_MAX);
    if (n > TERM_MAX) n = TERM_MAX;
    call->r[4] = n;
    call->r[5] = pack(buf);
    call->r[6] = pack(buf + 8);
    return H_SUCCESS;
}
