/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Channel 0 of the 8254 PIT as a one-shot interrupt source (pit.c). */
#ifndef TIMER_PIT_H
#define TIMER_PIT_H

#include <stdbool.h>
#include <stdint.h>
#include <bulkhead/types.h>

#define PIT_HZ 1193182ull
#define PIT_MAX_COUNT 0xffffu

/* Loads channel 0 in mode 0 (interrupt on terminal count): one rising edge after 'count' ticks. */
int pit_arm(bh_cptr_t ports, uint16_t count);
/* Reads channel 0's count and output together (the read-back command latches both). */
int pit_read(bh_cptr_t ports, uint16_t *count, bool *out_high);

#endif
