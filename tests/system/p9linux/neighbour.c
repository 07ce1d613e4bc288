/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The Linux guest's neighbour in tests/system/p9linux/poweroff.bh: a component that prints a
 * numbered heartbeat every 2 s of timebase through the console server, for as long as the
 * system runs. The power9 suite checks that heartbeats come after the guest has ended: a
 * guest's end (its VMM's) touches nothing else.
 */
#include <bulkhead/arch/machine.h>
#include <bulkhead/runtime.h>

#define EVERY_MS 2000u
#define TIMEBASE_KHZ 512000u   /* POWER9's timebase, when the start message gives no frequency */

void console_client_init(void);

int main(void)
{
    console_client_init();
    uint64_t khz = bh_counter_khz ? bh_counter_khz : TIMEBASE_KHZ;
    bh_printf("neighbour started: a heartbeat every %u ms\n", EVERY_MS);
    for (unsigned long n = 1;; n++) {
        uint64_t start = bh_arch_counter();
        while (bh_arch_counter() - start < EVERY_MS * khz) bh_yield();
        bh_printf("heartbeat %lu\n", n);
    }
}
