/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest configuration: defaults for the layout, and every check the device tree and the
 * loader rely on. The layout is: kernel image from 0, the initrd where the caller put it,
 * the FDT and above it the RTAS area at the top of RAM below 4 GiB (RTAS runs in 32-bit real
 * mode, arch/powerpc/kernel/rtas_entry.S), none overlapping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "papr.h"

void papr_config_defaults(struct papr_config *cfg, uint64_t memory_bytes, unsigned vcpus)
{
    uint64_t top = memory_bytes < PAPR_RTAS_LIMIT ? memory_bytes : PAPR_RTAS_LIMIT;
    memset(cfg, 0, sizeof *cfg);
    cfg->memory_bytes = memory_bytes;
    cfg->vcpus = vcpus;
    cfg->rtas_base = top >= PAPR_RTAS_SIZE ? (top - PAPR_RTAS_SIZE) & ~(uint64_t)0xffff : 0;
    cfg->fdt_base = cfg->rtas_base >= PAPR_FDT_MAX ? cfg->rtas_base - PAPR_FDT_MAX : 0;
    cfg->pvr = PAPR_PVR_POWER9;
    cfg->timebase_hz = PAPR_TIMEBASE_HZ;
    cfg->clock_hz = PAPR_CLOCK_HZ;
}

/* [base, base + bytes) inside [0, limit), without wrapping. */
static bool inside(uint64_t base, uint64_t bytes, uint64_t limit)
{
    return base <= limit && bytes <= limit - base;
}

/* The command line's length, counting no further than max + 1. */
static size_t bounded_length(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && s[n]) n++;
    return n;
}

static bool overlap(uint64_t a, uint64_t a_bytes, uint64_t b, uint64_t b_bytes)
{
    return a_bytes && b_bytes && a < b + b_bytes && b < a + a_bytes;
}

__attribute__((format(printf, 4, 5)))
static enum papr_config_error fail(enum papr_config_error e, char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && size) vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return e;
}

static enum papr_config_error check_layout(const struct papr_config *c, char *why, size_t size)
{
    uint64_t mem = c->memory_bytes;
    if (!inside(0, (unsigned long long)c->kernel_bytes, (unsigned long long)mem))
        return fail(PAPR_CONFIG_KERNEL_OUTSIDE_MEMORY, why, size,
                    "kernel image of %llu bytes does not fit in %llu bytes of memory", (unsigned long long)c->kernel_bytes, (unsigned long long)mem);
    if (c->initrd_bytes && !inside(c->initrd_start, c->initrd_bytes, mem))
        return fail(PAPR_CONFIG_INITRD_OUTSIDE_MEMORY, why, size,
                    "initrd at 0x%llx (%llu bytes) is outside memory", (unsigned long long)c->initrd_start, (unsigned long long)c->initrd_bytes);
    if ((c->rtas_base & 0xfff) || !inside(c->rtas_base, PAPR_RTAS_SIZE, mem) ||
        !inside(c->rtas_base, PAPR_RTAS_SIZE, PAPR_RTAS_LIMIT))
        return fail(PAPR_CONFIG_RTAS_MISPLACED, why, size,
                    "RTAS area at 0x%llx must be page aligned, in memory and below 0x%llx",
                    (unsigned long long)c->rtas_base, PAPR_RTAS_LIMIT);
    if ((c->fdt_base & 7) || !inside(c->fdt_base, PAPR_FDT_MAX, mem))
        return fail(PAPR_CONFIG_FDT_MISPLACED, why, size,
                    "device tree at 0x%llx must be 8-byte aligned and its %u bytes in memory",
                    (unsigned long long)c->fdt_base, PAPR_FDT_MAX);
    const uint64_t base[4] = {0, c->initrd_start, c->rtas_base, c->fdt_base};
    const uint64_t bytes[4] = {c->kernel_bytes, c->initrd_bytes, PAPR_RTAS_SIZE, PAPR_FDT_MAX};
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = i + 1; j < 4; j++)
            if (overlap(base[i], bytes[i], base[j], bytes[j]))
                return fail(PAPR_CONFIG_OVERLAP, why, size,
                            "guest regions at 0x%llx and 0x%llx overlap (kernel, initrd, RTAS, FDT)",
                            (unsigned long long)base[i], (unsigned long long)base[j]);
    return PAPR_CONFIG_OK;
}

enum papr_config_error papr_config_check(const struct papr_config *c, char *why, size_t size)
{
    if (c->vcpus == 0)
        return fail(PAPR_CONFIG_NO_VCPUS, why, size, "a guest needs at least one vCPU");
    if (c->vcpus > PAPR_MAX_VCPUS)
        return fail(PAPR_CONFIG_TOO_MANY_VCPUS, why, size, "%u vCPUs asked, at most %u", c->vcpus, PAPR_MAX_VCPUS);
    if (c->memory_bytes % PAPR_MEMORY_ALIGN)
        return fail(PAPR_CONFIG_MEMORY_UNALIGNED, why, size,
                    "memory of %llu bytes is not a multiple of %llu", (unsigned long long)c->memory_bytes, PAPR_MEMORY_ALIGN);
    if (c->memory_bytes < PAPR_MEMORY_MIN)
        return fail(PAPR_CONFIG_MEMORY_TOO_SMALL, why, size, "memory of %llu bytes, at least %llu",
                    (unsigned long long)c->memory_bytes, PAPR_MEMORY_MIN);
    if (c->memory_bytes > PAPR_MEMORY_MAX)
        return fail(PAPR_CONFIG_MEMORY_TOO_LARGE, why, size, "memory of %llu bytes, at most %llu",
                    (unsigned long long)c->memory_bytes, PAPR_MEMORY_MAX);
    if (!c->cmdline)
        return fail(PAPR_CONFIG_NO_CMDLINE, why, size, "no command line (give \"\" for none)");
    if (bounded_length(c->cmdline, PAPR_CMDLINE_MAX) > PAPR_CMDLINE_MAX)
        return fail(PAPR_CONFIG_CMDLINE_TOO_LONG, why, size,
                    "command line longer than %u characters (Linux's COMMAND_LINE_SIZE)", PAPR_CMDLINE_MAX);
    if (c->timebase_hz == 0 || c->clock_hz == 0)
        return fail(PAPR_CONFIG_BAD_FREQUENCY, why, size, "timebase %u Hz, clock %u Hz: both must be set",
                    c->timebase_hz, c->clock_hz);
    return check_layout(c, why, size);
}
