/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The timer server: one-shot timeouts for its clients, in units of the processor's counter
 * (the TSC), from PIT channel 0 and its interrupt, both granted by the configuration. The
 * kernel keeps only its scheduling tick; everything else about time lives here.
 *
 * A client arms a deadline (set_timeout; 0 disarms). When the counter passes it, the server
 * signals that client's event once and forgets the deadline. Who may call and whom to signal
 * come from the configuration: a client is its RPC badge, and its event is the emitted event
 * whose consumer is the same instance (the glue's CONN_clients_CLIENT_TABLE and
 * EVT_fired_TO_TABLE). One client cannot touch another's timeout. The PIT counts at most
 * 65535 ticks (55 ms), so a later deadline takes several loads; the server measures the
 * counter's frequency against the PIT at start and returns it from every set_timeout.
 *
 * The interrupt's notification is bound to the server's thread, so interrupts and calls
 * arrive through the one receive: a message info of 0 is the interrupt. A client that sends
 * an empty message instead of calling properly gets no answer and blocks itself only.
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include <bulkhead/arch/machine.h>
#include <bulkhead/syscalls.h>
#include "glue.h"
#include "pit.h"

#define ERR_NO_EVENT 3 /* the configuration connects no event of ours to this client */
#define ERR_NO_CLOCK 4 /* the PIT gave no calibration or its interrupt cannot be bound: no timeouts */

struct client {
    bh_word_t badge;
    const char *name;
    bh_cptr_t event;   /* 0: no event connected */
    uint64_t deadline; /* counter value; 0 = not armed */
};

struct named { bh_word_t value; const char *name; };
static const struct named rpc_clients[] = CONN_clients_CLIENT_TABLE;
static const struct named events[] = EVT_fired_TO_TABLE;
#define NCLIENTS (sizeof rpc_clients / sizeof rpc_clients[0])

static struct client clients[NCLIENTS];
static uint64_t counter_khz;

/* Pairs each RPC client with the event connected to the same instance. */
static void match_clients(void)
{
    for (size_t i = 0; i < NCLIENTS; i++) {
        clients[i].badge = rpc_clients[i].value;
        clients[i].name = rpc_clients[i].name;
        for (size_t e = 0; e < sizeof events / sizeof events[0]; e++)
            if (strcmp(events[e].name, rpc_clients[i].name) == 0) clients[i].event = events[e].value;
        if (!clients[i].event)
            bh_printf("client %s has no 'fired' event connected: its set_timeout is refused\n",
                      clients[i].name);
    }
}

static struct client *client_of(bh_word_t badge)
{
    for (size_t i = 0; i < NCLIENTS; i++)
        if (clients[i].badge == badge) return &clients[i];
    return 0;
}

/* The counter against PIT channel 0: loaded with 65535 in mode 0, it counts down for 55 ms
 * with its output low. Two samples about 40 ms apart, each a counter reading on both sides of
 * a read-back of count and output. Polling, not the interrupt, because the interrupt reaches
 * this thread only in its own time partition. A sample whose counter readings lie far apart
 * was preempted, and an output already high means the count ran out unseen: both retry. */
#define CALIBRATION_TICKS 47727u  /* 40 ms */
#define CALIBRATION_TRIES 8
#define SAMPLE_MAX_SPAN 1000000u /* counter ticks: 0.5 ms at 2 GHz, 2 ms at POWER's 512 MHz */

enum sample_result { SAMPLE_OK, SAMPLE_PREEMPTED, SAMPLE_RAN_OUT };

static enum sample_result sample(uint64_t *counter, uint16_t *count)
{
    bool out_high = true;
    uint64_t before = bh_arch_counter();
    int err = pit_read(HW_pit_IOPORT_CPTR, count, &out_high);
    uint64_t after = bh_arch_counter();
    *counter = before + (after - before) / 2;
    if (err || out_high) return SAMPLE_RAN_OUT;
    return after - before < SAMPLE_MAX_SPAN ? SAMPLE_OK : SAMPLE_PREEMPTED;
}

/* A sample that was not preempted; SAMPLE_RAN_OUT when the count ran out first. */
static enum sample_result good_sample(uint64_t *counter, uint16_t *count)
{
    enum sample_result r;
    while ((r = sample(counter, count)) == SAMPLE_PREEMPTED) {}
    return r;
}

static void calibrate(void)
{
    for (int t = 0; t < CALIBRATION_TRIES && !counter_khz; t++) {
        uint64_t c0, c1 = 0;
        uint16_t p0, p1 = 0;
        if (pit_arm(HW_pit_IOPORT_CPTR, PIT_MAX_COUNT) || good_sample(&c0, &p0) != SAMPLE_OK) continue;
        enum sample_result r;
        while ((r = good_sample(&c1, &p1)) == SAMPLE_OK && (uint16_t)(p0 - p1) < CALIBRATION_TICKS) {}
        if (r == SAMPLE_OK) counter_khz = (c1 - c0) * PIT_HZ / ((uint64_t)(uint16_t)(p0 - p1) * 1000ull);
    }
}

/* PIT ticks until 'deadline', rounded up, at least 1, at most one load. */
static uint16_t ticks_until(uint64_t deadline, uint64_t now)
{
    uint64_t max_delta = PIT_MAX_COUNT * counter_khz * 1000ull / PIT_HZ;
    uint64_t delta = deadline - now;
    if (delta >= max_delta) return PIT_MAX_COUNT;
    uint64_t ticks = (delta * PIT_HZ + counter_khz * 1000ull - 1) / (counter_khz * 1000ull);
    return (uint16_t)(ticks ? ticks : 1);
}

/* Signals every client whose deadline has passed, then loads the PIT for the earliest left. */
static void run_timeouts(void)
{
    uint64_t now = bh_arch_counter(), earliest = 0;
    for (size_t i = 0; i < NCLIENTS; i++) {
        struct client *c = &clients[i];
        if (!c->deadline) continue;
        if (c->deadline <= now) {
            c->deadline = 0;
            bh_signal(c->event);
        } else if (!earliest || c->deadline < earliest) {
            earliest = c->deadline;
        }
    }
    if (earliest) {
        (void)pit_arm(HW_pit_IOPORT_CPTR, ticks_until(earliest, now));
    }
}

int clients_set_timeout(bh_word_t badge, uint64_t deadline, uint64_t *ret)
{
    struct client *c = client_of(badge);
    if (!c || !c->event) return ERR_NO_EVENT;
    if (!counter_khz) return ERR_NO_CLOCK;
    c->deadline = deadline;
    run_timeouts();
    *ret = counter_khz;
    return 0;
}

/* Lines through the console server, which labels them (servers/console/client.c, linked where
 * the spec gives the timer a console); without one (the timer suite), the kernel's debug
 * console with the same label. */
void console_client_init(void);

__attribute__((weak)) void console_client_init(void)
{
    bh_console_set_labelled_debug("timer");
}

int main(void)
{
    console_client_init();
    match_clients();
    calibrate();
    /* Without a clock the server still answers, with an error: a client (a VMM holding its
     * guest's lock, once) must never wait for ever on a server that stopped. */
    if (!counter_khz) {
        bh_printf("error: PIT channel 0 gave no usable calibration; every set_timeout is refused (error %d)\n",
                  ERR_NO_CLOCK);
    } else {
        int err = bh_tcb_bind_notification(BH_SLOT_TCB, HW_IRQ_NOTIFICATION_CPTR);
        if (err) {
            bh_printf("error: cannot bind the interrupt notification (%d); every set_timeout is refused (error %d)\n",
                      err, ERR_NO_CLOCK);
            counter_khz = 0;
        } else {
            bh_printf("PIT channel 0 one-shot timeouts; counter %llu kHz\n", (unsigned long long)counter_khz);
        }
    }
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_recv(CONN_clients_CPTR, &badge);
    for (;;) {
        if (info == 0) { /* the interrupt */
            (void)bh_irq_handler_ack(HW_pit_irq_IRQ_CPTR);
            run_timeouts();
            info = bh_recv(CONN_clients_CPTR, &badge);
            continue;
        }
        bh_msginfo_t reply = clients__dispatch(badge, info);
        info = bh_reply_recv(CONN_clients_CPTR, reply, &badge);
    }
}
