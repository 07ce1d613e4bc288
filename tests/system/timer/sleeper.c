/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A client of the timer server (tests/suites/timer.sh), compiled once per instance against
 * that instance's glue; INSTANCE names it. It arms timeouts of several lengths, each while the
 * other sleeper's are armed too, and checks: the wakeup never comes before the deadline, nor
 * much after it (the server runs in another time partition: up to one schedule period late);
 * a disarmed or replaced deadline does not fire; the frequency the server measured is
 * credible. The unwired instance, which the configuration gives no event, must be refused.
 */
#include <bulkhead/runtime.h>
#include <bulkhead/arch/machine.h>
#include <bulkhead/syscalls.h>
#include "glue.h"

#define ERR_NO_EVENT 3
#define ERR_NO_CLOCK 4
#define LATE_LIMIT_MS 100u /* a 7-tick schedule period, QEMU's timer slack and TCG's pace on a loaded host */

static unsigned failures;

static void verdict(bool ok, const char *what, const char *detail)
{
    if (!ok) failures++;
    bh_printf("%s timer.%s_%s%s%s\n", ok ? "PASS" : "FAIL", INSTANCE, what, ok ? "" : ": ", ok ? "" : detail);
}

#ifdef EVT_wake_CPTR
static uint64_t khz;

/* Sleeps 'ms' milliseconds; returns how late the wakeup came, in microseconds (-1: early). */
static long sleep_ms(unsigned ms)
{
    uint64_t deadline = bh_arch_counter() + ms * khz;
    if (clock_set_timeout(deadline, &khz) != BHIDL_OK) return -2;
    (void)bh_wait(EVT_wake_CPTR);
    uint64_t now = bh_arch_counter();
    if (now < deadline) return -1;
    return (long)((now - deadline) * 1000u / khz);
}

static void sleeps(void)
{
    static const unsigned lengths[] = {1, 3, 10, 25, 70, 130}; /* 70 and 130: several PIT loads */
    bool early = false, late = false;
    for (unsigned i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        long us = sleep_ms(lengths[i]);
        bh_printf("[%s] slept %u ms: woken %ld us after the deadline\n", INSTANCE, lengths[i], us);
        if (us < 0) early = true;
        else if (us > (long)LATE_LIMIT_MS * 1000) late = true;
    }
    verdict(!early, "never_woken_early", "a wakeup came before its deadline (or the call failed)");
    verdict(!late, "woken_within_100ms", "a wakeup came more than 100 ms late");
}

/* A deadline disarmed, and one replaced, never fire. The calls reach the server only in its
 * partition, so each deadline lies far enough ahead to still be in the future when it
 * arrives: 100 ms, disarmed; 150 ms, replaced by 60 ms. The wakeup comes after 60 ms; the
 * next sleep, 120 ms, covers both old deadlines and must not end early. */
static void disarm_and_replace(void)
{
    uint64_t t0 = bh_arch_counter();
    bool ok = clock_set_timeout(t0 + 100 * khz, &khz) == BHIDL_OK && clock_set_timeout(0, &khz) == BHIDL_OK &&
              clock_set_timeout(t0 + 150 * khz, &khz) == BHIDL_OK && clock_set_timeout(t0 + 60 * khz, &khz) == BHIDL_OK;
    (void)bh_wait(EVT_wake_CPTR);
    uint64_t woke = bh_arch_counter();
    uint64_t t1 = bh_arch_counter();
    ok = ok && clock_set_timeout(t1 + 120 * khz, &khz) == BHIDL_OK;
    (void)bh_wait(EVT_wake_CPTR);
    uint64_t woke2 = bh_arch_counter();
    bh_printf("[%s] disarm and replace: woken %ld us after the start (deadline 60 ms), then %ld us after a 120 ms "
              "deadline\n", INSTANCE, (long)((woke - t0) * 1000u / khz), (long)((woke2 - t1) * 1000u / khz));
    verdict(ok && woke >= t0 + 60 * khz, "replaced_deadline_counts", "woken before the deadline that replaced the others");
    verdict(woke2 >= t1 + 120 * khz, "disarmed_and_replaced_deadlines_do_not_fire",
            "an old deadline ended the next sleep early");
}

int main(void)
{
    khz = 0;
    int err = clock_set_timeout(0, &khz);
    if (err == ERR_NO_CLOCK) {
        /* The suite's run without a PIT expects exactly this answer (instead of no answer). */
        verdict(false, "counter_frequency", "the server has no clock (error 4)");
        bh_printf("[%s] timer tests done, %u failed\n", INSTANCE, failures);
        return 0;
    }
    bool ok = err == BHIDL_OK;
    verdict(ok && khz >= 100000u && khz <= 10000000u, "counter_frequency", "no credible frequency from the server");
    if (!ok || !khz) return 1;
    sleeps();
    disarm_and_replace();
    bh_printf("[%s] timer tests done, %u failed\n", INSTANCE, failures);
    return 0;
}
#else
int main(void)
{
    uint64_t khz = 0;
    int err = clock_set_timeout(bh_arch_counter() + 1000, &khz);
    verdict(err == ERR_NO_EVENT, "refused_without_event", "a client without a configured event was served");
    bh_printf("[%s] timer tests done, %u failed\n", INSTANCE, failures);
    return 0;
}
#endif
