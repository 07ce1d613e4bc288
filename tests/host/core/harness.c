/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Runs every registered test (or those named on the command line) in its own child process
 * and prints "PASS core.<name>" or "FAIL core.<name>: <why>". A test that crashes, trips a
 * sanitizer or hangs is a FAIL too. Tests listed in known_bugs still report FAIL, with the
 * name of the proposed kernel fix.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "fixture.h"

#define MAX_TESTS 256
#define TEST_TIMEOUT_SECONDS 20u

struct test {
    const char *name;
    test_fn fn;
};
static struct test tests[MAX_TESTS];
static unsigned ntests;
static const char *running;

/* Tests that fail because of kernel bugs; the fixes are proposed in /tmp/core-fixes/. */
static const char *const known_bugs[][2] = {
    {"retype_same_size_untyped_keeps_watermark", "untyped-same-size-child.diff"},
};

void harness_register(const char *name, test_fn fn)
{
    if (ntests == MAX_TESTS) abort();
    tests[ntests++] = (struct test){name, fn};
}

static const char *known_bug(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_bugs); i++)
        if (strcmp(known_bugs[i][0], name) == 0) return known_bugs[i][1];
    return NULL;
}

static void report_fail(const char *name, const char *why)
{
    const char *bug = known_bug(name);
    if (bug) printf("FAIL core.%s: %s [known kernel bug: /tmp/core-fixes/%s]\n", name, why, bug);
    else printf("FAIL core.%s: %s\n", name, why);
    fflush(stdout);
}

void harness_fail(const char *file, int line, const char *what, word_t got, word_t want, bool values)
{
    char why[512];
    if (values)
        snprintf(why, sizeof why, "%s:%d: %s: got %#lx, want %#lx", file, line, what, got, want);
    else
        snprintf(why, sizeof why, "%s:%d: %s", file, line, what);
    report_fail(running, why);
    if (fake_console_len) fprintf(stderr, "kernel console of %s:\n%s\n", running, fake_console);
    fflush(stderr);
    _exit(1);
}

static bool run_one(const struct test *t)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        report_fail(t->name, "fork failed");
        return false;
    }
    if (pid == 0) {
        running = t->name;
        alarm(TEST_TIMEOUT_SECONDS);
        fx_boot();
        t->fn();
        printf("PASS core.%s\n", t->name);
        fflush(stdout);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        report_fail(t->name, "waitpid failed");
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) return false;
    char why[128];
    if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "killed by signal %d%s", WTERMSIG(status),
                 WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
    else
        snprintf(why, sizeof why, "exited with status %d (sanitizer report on stderr)", WEXITSTATUS(status));
    report_fail(t->name, why);
    return false;
}

int main(int argc, char **argv)
{
    unsigned failed = 0, ran = 0;
    fx_init();
    for (unsigned i = 0; i < ntests; i++) {
        bool selected = argc < 2;
        for (int a = 1; a < argc; a++) selected |= strcmp(argv[a], tests[i].name) == 0;
        if (!selected) continue;
        ran++;
        failed += !run_one(&tests[i]);
    }
    fprintf(stderr, "core: %u tests, %u failed\n", ran, failed);
    return failed ? 1 : 0;
}
