/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * sched_op(cmd, arg) (Xen's public sched.h): give up the CPU, wait for events, stop the domain.
 */
#ifndef XEN_PUBLIC_SCHED_H
#define XEN_PUBLIC_SCHED_H

#include <stdint.h>
#include "event_channel.h"

#define SCHEDOP_yield 0             /* arg: none */
#define SCHEDOP_block 1             /* arg: none; waits for an event, with upcalls unmasked */
#define SCHEDOP_shutdown 2          /* arg: struct sched_shutdown */
#define SCHEDOP_poll 3              /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog 6
#define SCHEDOP_pin_override 7

struct sched_shutdown {
    uint32_t reason;            /* IN: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");

/* Wait until one of the ports is pending or system time passes timeout (0: no timeout). */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;  /* IN: nr_ports ports */
    uint32_t nr_ports;                      /* IN */
    uint64_t timeout;                       /* IN: system time, ns */
};
_Static_assert(offsetof(struct sched_poll, timeout) == 16, "sched_poll timeout");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");

#define SHUTDOWN_poweroff 0     /* stopped normally */
#define SHUTDOWN_reboot 1       /* restart it */
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5

#endif
