/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The pinger: calls pong.echo several times, each time passing a capability (its own
 * console connection), waits for pong's event, reads what pong wrote in the shared page,
 * then sends a few heartbeats and waits for events for good.
 */
#include <bulkhead/arch/machine.h>
#include <bulkhead/syscalls.h>
#include <string.h>
#include "glue.h"
#include "say.h"

#define CALLS 3u
#define HEARTBEATS 5u
#define HEARTBEAT_CYCLES 1000000000ull

/* Not a client of the timer server (it serves the Linux guest's VMM, and POWER9 has none):
 * spin on the architecture's cycle counter, letting threads of our priority run. */
static void pause_a_while(void)
{
    uint64_t until = bh_arch_counter() + HEARTBEAT_CYCLES;
    while (bh_arch_counter() < until) bh_yield();
}

static void call_pong(uint64_t value)
{
    uint64_t r = 0;
    int rc = echo_echo(value, CONN_log_CPTR, &r);
    if (rc != BHIDL_OK) say("echo(%llu) failed: error %d\n", (unsigned long long)value, rc);
    else say("echo(%llu) = %llu %s\n", (unsigned long long)value, (unsigned long long)r,
             r == value + 1 ? "(correct)" : "(WRONG)");
}

static void read_dataport(void)
{
    char text[80];
    const volatile char *p = shared_ptr();
    size_t i = 0;
    for (; i + 1 < sizeof text && p[i]; i++) text[i] = p[i];
    text[i] = 0;
    say("dataport (shared with pong) reads: \"%s\"\n", text);
}

int main(void)
{
    say("pinger started: calling pong.echo %u times, passing a capability each time\n", CALLS);
    for (unsigned i = 0; i < CALLS; i++) call_pong(41 + 100 * i);
    bh_word_t bits = pong_ready_wait();
    say("event received: bits 0x%lx%s\n", (unsigned long)bits, (bits & EVT_pong_ready_FROM_pong) ? " (from pong)" : "");
    read_dataport();
    for (unsigned k = 1; k <= HEARTBEATS; k++) {
        pause_a_while();
        uint64_t r = 0;
        int rc = echo_echo(1000 + k, CONN_log_CPTR, &r);
        say("still running: heartbeat %u, echo -> %s\n", k, rc == BHIDL_OK && r == 1001 + k ? "ok" : "FAILED");
    }
    say("heartbeats done; waiting for events\n");
    for (;;) pong_ready_wait();
}
