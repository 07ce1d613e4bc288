/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A well-behaved console client beside a flood (flood.bh): a numbered line every 100 ms
 * (busy-waiting on the counter: its partition is its own), each saying how long the call
 * before it took (it waits for the console server's partition); then the longest. Its own
 * rate (about 450 bytes/s) is well below its limit.
 */
#include <bulkhead/arch/machine.h>
#include <bulkhead/runtime.h>

#define LINES 40u
#define EVERY_MS 100u

void console_client_init(void);

int main(void)
{
    console_client_init();
    uint64_t khz = bh_counter_khz, longest = 0, took = 0;
    if (!khz) {
        bh_printf("steady: no counter frequency in the start message\n");
        return 1;
    }
    for (unsigned n = 1; n <= LINES; n++) {
        uint64_t start = bh_arch_counter();
        bh_printf("steady line %u (the last took %llu ms)\n", n, (unsigned long long)(took / khz));
        took = bh_arch_counter() - start;
        if (took > longest) longest = took;
        while (bh_arch_counter() - start < EVERY_MS * khz) {
        }
    }
    bh_printf("steady: %u lines, the longest call to the console server took %llu ms\n", LINES,
              (unsigned long long)(longest / khz));
    return 0;
}
