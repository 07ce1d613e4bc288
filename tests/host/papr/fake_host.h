/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM's side of vmm/papr for host tests and the fuzzer: a clock the test sets, a console
 * that records output and serves queued input, kicks counted per vCPU, and guest memory as an
 * exact-size heap block so that AddressSanitizer sees any access the bounds checks missed.
 */
#ifndef TESTS_HOST_PAPR_FAKE_HOST_H
#define TESTS_HOST_PAPR_FAKE_HOST_H

#include <stdlib.h>
#include <string.h>
#include "papr.h"

struct fake_host {
    uint64_t now_ns;
    uint8_t out[4096];
    size_t out_len;
    uint8_t in[256];
    size_t in_len, in_pos;
    unsigned kicks[PAPR_MAX_VCPUS];
    struct papr_host host;
    struct papr_guest_memory mem;
    uint8_t *ram;
    struct papr_config cfg;
    struct papr_vm vm;
};

static uint64_t fake_now(void *ctx) { return ((struct fake_host *)ctx)->now_ns; }

static void fake_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct fake_host *h = ctx;
    size_t room = sizeof h->out - h->out_len;
    if (len > room) len = room;
    memcpy(h->out + h->out_len, buf, len);
    h->out_len += len;
}

static size_t fake_read(void *ctx, uint8_t *buf, size_t max)
{
    struct fake_host *h = ctx;
    size_t n = h->in_len - h->in_pos;
    if (n > max) n = max;
    memcpy(buf, h->in + h->in_pos, n);
    h->in_pos += n;
    return n;
}

static void fake_kick(void *ctx, unsigned vcpu)
{
    struct fake_host *h = ctx;
    if (vcpu < PAPR_MAX_VCPUS) h->kicks[vcpu]++;
}

/* A VM of vcpus vCPUs over ram_bytes of guest memory (the configuration's layout is not
 * used by the hcalls: they see only the memory accessor). */
static struct fake_host *fake_host_new(unsigned vcpus, uint64_t ram_bytes)
{
    struct fake_host *h = calloc(1, sizeof *h);
    h->ram = calloc(1, (size_t)ram_bytes);
    h->host = (struct papr_host){h, fake_now, fake_write, fake_read, fake_kick};
    papr_memory_flat(&h->mem, h->ram, ram_bytes);
    papr_config_defaults(&h->cfg, 256ull << 20, vcpus);
    h->cfg.cmdline = "";
    papr_vm_init(&h->vm, &h->cfg, &h->mem, &h->host);
    return h;
}

static void fake_host_free(struct fake_host *h)
{
    free(h->ram);
    free(h);
}

#endif /* TESTS_HOST_PAPR_FAKE_HOST_H */
