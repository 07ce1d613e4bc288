/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#ifndef BH_TESTS_LIB_CHECK_H
#define BH_TESTS_LIB_CHECK_H

/*
 * The assertion macros of the lib/ host tests. A test is a void function;
 * the first failing CHECK records why and returns from it; RUN prints
 * "PASS lib.<name>" or "FAIL lib.<name>: <why>" as docs/development.md asks; a test program
 * of another suite defines CHECK_SUITE ("papr") before including this file.
 */
#include <stdarg.h>
#include <stdio.h>

#ifndef CHECK_SUITE
#define CHECK_SUITE "lib"
#endif

static char check_why[512];
static int check_failed;
static int check_passes, check_fails;

__attribute__((format(printf, 3, 4)))
static void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (check_failed)
		return;
	check_failed = 1;
	n = snprintf(check_why, sizeof(check_why), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(check_why + n, sizeof(check_why) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* In a void function: stop the test. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		check_fail(__FILE__, __LINE__, "%s", #cond); \
		return; \
	} \
} while (0)

/* Two integers, both shown on failure. */
#define CHECK_EQ(got, want) do { \
	long long got_ = (long long)(got), want_ = (long long)(want); \
	if (got_ != want_) { \
		check_fail(__FILE__, __LINE__, "%s == %lld, want %lld", \
			   #got, got_, want_); \
		return; \
	} \
} while (0)

/* In a function returning int: record, return -1 (caller CHECKs it). */
#define CHECK_R(cond) do { \
	if (!(cond)) { \
		check_fail(__FILE__, __LINE__, "%s", #cond); \
		return -1; \
	} \
} while (0)

#define RUN(name, fn) check_run(name, fn)

static void check_run(const char *name, void (*fn)(void))
{
	check_failed = 0;
	check_why[0] = 0;
	fn();
	if (check_failed) {
		printf("FAIL " CHECK_SUITE ".%s: %s\n", name, check_why);
		check_fails++;
	} else {
		printf("PASS " CHECK_SUITE ".%s\n", name);
		check_passes++;
	}
	fflush(stdout);
}

static int check_summary(void)
{
	fprintf(stderr, "%d passed, %d failed\n", check_passes, check_fails);
	return check_fails == 0 ? 0 : 1;
}

#endif /* BH_TESTS_LIB_CHECK_H */
