/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server (docs/console.md): its clients' lines to COM1, each labelled with the
 * client's name as the server knows it (a component's badge, a console channel's peer), each
 * client held to its own rate. One concern per file:
 *   main.c       the components' put_string (RPC), line buffers, labels
 *   limit.c      a token bucket and drop counts per client
 *   out_com1.c   writing to COM1 under one lock, the clock (x86); out_debug.c (POWER9)
 *   guests.c     the console channels' output rings, one thread per channel (x86)
 *   input.c      COM1's input to one console channel at a time, Ctrl-] commands (x86)
 */
#ifndef CONSOLE_CONSOLE_H
#define CONSOLE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bulkhead/console_ring.h>

#define CONSOLE_LINE_MAX BH_CONSOLE_LINE_MAX /* a longer line is cut */
#define CONSOLE_LABEL_MAX 48u

struct client {
    const char *name;
    uint64_t rate, burst;          /* bytes per second, bytes */
    uint64_t cost;                 /* cycles of the counter per byte; 0: no limit */
    uint64_t level, stamp;         /* the bucket, in counter cycles, and when it was filled */
    uint64_t written, dropped;     /* bytes, since start */
    uint64_t dropped_said, said_at; /* dropped at the last drop line, and when it was printed */
    uint64_t first;                /* the counter at the client's first line */
};

/* limit.c: sets up a client's bucket from its rate (full at start); takes the cost of n bytes
 * when the bucket holds it (and counts them written), else nothing; counts n dropped bytes;
 * prints a drop line for the client when bytes were dropped since the last one and a second
 * has passed (or always with force); prints the limits in force. */
void limit_init(struct client *c, const char *name);
bool limit_take(struct client *c, uint64_t n);
void limit_drop(struct client *c, uint64_t n);
void limit_report(struct client *c, bool force);
void limit_describe(void);

/* out_*.c: prepares the output and the server's own bh_printf; writes one piece whole (no
 * other thread's output lands inside it); the counter for the rate limits and its
 * frequency in kHz (0: no clock, no limits). */
void console_out_init(void);
void console_write(const char *text, size_t len);
uint64_t console_clock(void);
uint64_t console_clock_khz(void);

/* main.c: a labelled line "[label] text\n" (or "[label text\n" for a channel, whose text
 * carries its source and bracket), with control bytes dropped; returns its length. */
size_t console_format(char *out, const char *label, bool closed, const char *text, size_t len);

#endif
