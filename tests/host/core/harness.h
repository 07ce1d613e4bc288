/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A tiny test harness: TEST(name) registers a test; each test runs in a child process (the
 * kernel's globals start fresh) and stops at its first failed check.
 */
#ifndef CORE_HARNESS_H
#define CORE_HARNESS_H

#include "kernel.h"

typedef void (*test_fn)(void);
void harness_register(const char *name, test_fn fn);
NORETURN void harness_fail(const char *file, int line, const char *what, word_t got, word_t want, bool values);

#define TEST(name)                                                                                  \
    static void test_##name(void);                                                                  \
    __attribute__((constructor)) static void register_##name(void) { harness_register(#name, test_##name); } \
    static void test_##name(void)

#define CHECK(c)                                                                                    \
    do {                                                                                            \
        if (!(c)) harness_fail(__FILE__, __LINE__, #c, 0, 0, false);                                \
    } while (0)

#define CHECK_EQ(a, b)                                                                              \
    do {                                                                                            \
        word_t got_ = (word_t)(a), want_ = (word_t)(b);                                             \
        if (got_ != want_) harness_fail(__FILE__, __LINE__, #a " == " #b, got_, want_, true);       \
    } while (0)

#define CHECK_PTR(a, b) CHECK_EQ((uintptr_t)(a), (uintptr_t)(b))

#endif
