/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Guest-real memory. Every guest pointer an hcall or RTAS call names is checked here against
 * the guest's size before the accessor sees it, so an accessor never gets a range that wraps
 * or leaves [0, size). PAPR data (RTAS buffers, the VPA) is big-endian whatever the guest's
 * endianness.
 */
#include <string.h>
#include "papr.h"

static bool flat_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
    memcpy(dst, (uint8_t *)ctx + gpa, len);
    return true;
}

static bool flat_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    memcpy((uint8_t *)ctx + gpa, src, len);
    return true;
}

void papr_memory_flat(struct papr_guest_memory *mem, void *base, uint64_t size)
{
    mem->ctx = base;
    mem->size = size;
    mem->read = flat_read;
    mem->write = flat_write;
}

bool papr_memory_contains(const struct papr_guest_memory *mem, uint64_t gpa, uint64_t len)
{
    return gpa <= mem->size && len <= mem->size - gpa;
}

bool papr_memory_read(const struct papr_guest_memory *mem, uint64_t gpa, void *dst, size_t len)
{
    return papr_memory_contains(mem, gpa, len) && mem->read(mem->ctx, gpa, dst, len);
}

bool papr_memory_write(const struct papr_guest_memory *mem, uint64_t gpa, const void *src, size_t len)
{
    return papr_memory_contains(mem, gpa, len) && mem->write(mem->ctx, gpa, src, len);
}

bool papr_load_be16(const struct papr_guest_memory *mem, uint64_t gpa, uint16_t *v)
{
    uint8_t b[2];
    if (!papr_memory_read(mem, gpa, b, sizeof b)) return false;
    *v = (uint16_t)(b[0] << 8 | b[1]);
    return true;
}

bool papr_load_be32(const struct papr_guest_memory *mem, uint64_t gpa, uint32_t *v)
{
    uint8_t b[4];
    if (!papr_memory_read(mem, gpa, b, sizeof b)) return false;
    *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return true;
}

bool papr_store_be32(const struct papr_guest_memory *mem, uint64_t gpa, uint32_t v)
{
    const uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return papr_memory_write(mem, gpa, b, sizeof b);
}
