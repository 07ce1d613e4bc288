/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The kernel API test suite: runs as the root server, so it holds all authority and can
 * exercise every invocation. Each test returns 0 on success; CHECK prints the failing
 * condition and returns 1. The runner prints "PASS ktest.<name>" or "FAIL ktest.<name>: ...".
 */
#ifndef KTEST_H
#define KTEST_H

#include <bulkhead/process.h>
#include <bulkhead/runtime.h>

struct env {
    const struct bh_bootinfo *bi;
    struct bh_alloc alloc;
    const char *test;      /* the running test */
};

struct test {
    const char *name;
    int (*fn)(struct env *);
};

#define CHECK(c) do { \
        if (!(c)) { \
            bh_printf("FAIL ktest.%s: %s:%d: %s\n", env->test, __FILE__, __LINE__, #c); \
            return 1; \
        } \
    } while (0)
#define CHECK_ERR(expr, err) do { \
        int e_ = (expr); \
        if (e_ != (err)) { \
            bh_printf("FAIL ktest.%s: %s:%d: %s returned %d, expected %d\n", env->test, __FILE__, __LINE__, #expr, e_, (int)(err)); \
            return 1; \
        } \
    } while (0)
#define CHECK_OK(expr) CHECK_ERR(expr, BH_ERR_OK)
/* The test cannot run on this machine: say why; it counts neither as passed nor failed. */
#define KTEST_SKIPPED 2
#define SKIP(why) do { bh_printf("SKIP ktest.%s: %s\n", env->test, why); return KTEST_SKIPPED; } while (0)

/* Helpers shared by the tests. */
bh_cptr_t new_object(struct env *env, bh_word_t type, bh_word_t size_bits);
bh_cptr_t new_slot(struct env *env);
/* A raw Call with an arbitrary message (to test malformed invocations). */
bh_msginfo_t raw_call(bh_cptr_t dest, bh_word_t label, unsigned length, unsigned extra_caps);
/* Spins until *flag is set or about `limit` yields pass; returns the flag. */
int wait_flag(volatile int *flag, unsigned limit);
/* Whether this machine has an 8254 PIT at ports 0x40..0x43 on interrupt line 2 (QEMU's x86 machines). */
int have_pit(struct env *env);

/* Device memory that must never be a device frame, known independently of the boot info
 * (the platform's fixed interrupt controllers); main.c's weak default knows none. */
struct kept_fact { uint64_t paddr; const char *what; };
size_t platform_kept_facts(const struct kept_fact **facts);

/* platform: the platform's own tests, from a file its build adds (platforms/<name>/tests/);
 * main.c holds an empty weak default. contract: the ABI's stated checks and documented errors
 * (t_contract.c), last, as it takes an interrupt line and ASID ranges for a while. */
#define KTEST_LIST(X) \
    X(untyped) X(cnode) X(ipc) X(notification) X(fault) X(vspace) X(tcb) X(irq) X(sched) X(misc) X(vcpu) X(platform) \
    X(iospace) X(msi) X(contract)

#define DECLARE_GROUP(g) extern const struct test tests_##g[];
KTEST_LIST(DECLARE_GROUP)

#endif
