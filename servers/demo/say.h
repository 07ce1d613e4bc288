/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Formatted output through the console server (the instance's `log` connection). */
#ifndef DEMO_SAY_H
#define DEMO_SAY_H

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
