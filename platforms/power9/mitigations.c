/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Side channels on POWER9 (docs/security.md): at a partition switch, the L1 data cache is
 * displaced by loads from a buffer twice its size (32 KiB, 128-byte lines: POWER9 user's
 * manual), the software fallback Linux uses where the firmware offers no flush instruction.
 * The count cache, the link stack and the TLB are not flushed yet.
 */
#include "power9.h"
#include <bulkhead/layout.h>

#define L1D_DISPLACE_BYTES (64u * 1024u)
#define CACHE_LINE 128u

static uint8_t l1d_displacement[L1D_DISPLACE_BYTES] __attribute__((aligned(4096)));

void plat_partition_switch(void)
{
    const volatile uint8_t *p = l1d_displacement;
    for (size_t i = 0; i < sizeof l1d_displacement; i += CACHE_LINE) (void)p[i];
}

word_t plat_mitigations(void)
{
    return BH_MITIGATION_PARTITION_FLUSH;
}
