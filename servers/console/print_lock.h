/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The console server's two threads (clients' text, COM1 input) both print, one character
 * per debug system call, so a line of one could land inside a line of the other. Each
 * prints a whole line (or a client's whole call) holding this lock; a thread that finds it
 * taken yields to the holder (same priority, same partition).
 */
#ifndef CONSOLE_PRINT_LOCK_H
#define CONSOLE_PRINT_LOCK_H

#include <bulkhead/syscalls.h>

extern volatile int console_print_lock;

static inline void print_lock(void)
{
    while (__atomic_exchange_n(&console_print_lock, 1, __ATOMIC_ACQUIRE)) bh_yield();
}

static inline void print_unlock(void)
{
    __atomic_store_n(&console_print_lock, 0, __ATOMIC_RELEASE);
}

#endif
