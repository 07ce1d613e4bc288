/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The kernel API test runner: every group's tests, then the invariant check, then exit. */
#include "ktest.h"

/* DebugHalt's status: on x86 QEMU exits with (v << 1) | 1 (33 or 35); POWER9 powers off. */
#define EXIT_PASS 0x10u
#define EXIT_FAIL 0x11u /* 35 */

bh_cptr_t new_slot(struct env *env)
{
    return bh_alloc_slot(&env->alloc);
}

bh_cptr_t new_object(struct env *env, bh_word_t type, bh_word_t size_bits)
{
    return bh_alloc_object(&env->alloc, type, size_bits);
}

bh_msginfo_t raw_call(bh_cptr_t dest, bh_word_t label, unsigned length, unsigned extra_caps)
{
    return bh_call(dest, bh_msginfo(label, 0, extra_caps, length));
}

/* Weak: a platform without a PIT on line 2 may define its own (platforms/<name>/tests/). */
__attribute__((weak)) int have_pit(struct env *env)
{
    static int known = -1;
    if (known >= 0) return known;
    bh_cptr_t ports = new_slot(env), irq = new_slot(env);
    known = bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x40, 0x43, BH_ROOT_CNODE, ports, 64) == BH_ERR_OK &&
            bh_irq_control_get(BH_ROOT_IRQ_CONTROL, 2, BH_ROOT_CNODE, irq, 64) == BH_ERR_OK;
    bh_cnode_delete(BH_ROOT_CNODE, ports, 64);
    bh_cnode_delete(BH_ROOT_CNODE, irq, 64);
    return known;
}

__attribute__((weak)) size_t platform_kept_facts(const struct kept_fact **facts)
{
    *facts = NULL;
    return 0;
}

int wait_flag(volatile int *flag, unsigned limit)
{
    for (unsigned i = 0; i < limit && !*flag; i++) bh_yield();
    return *flag;
}

/* The platform group's default: no tests (a platform's build may link its own). */
__attribute__((weak)) const struct test tests_platform[] = {{0, 0}};
/* IOSpaces: the platform's, where it has an IOMMU the kernel drives (x86 VT-d). */
__attribute__((weak)) const struct test tests_iospace[] = {{0, 0}};
/* MSIs from a PCI device: the platform's, where it has one to test with (x86: QEMU's edu). */
__attribute__((weak)) const struct test tests_msi[] = {{0, 0}};

#define GROUP_TABLE(g) tests_##g,
static const struct test *const groups[] = {KTEST_LIST(GROUP_TABLE)};

int root_main(const struct bh_bootinfo *bi)
{
    static struct env env_storage;
    struct env *env = &env_storage;
    unsigned passed = 0, failed = 0, skipped = 0;
    env->bi = bi;
    bh_alloc_init(&env->alloc, bi, BH_ROOT_VSPACE, 0x0000600000000000ull);
    bh_printf("[ktest] kernel API test suite\n");
    for (unsigned g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (const struct test *t = groups[g]; t->name; t++) {
            env->test = t->name;
            int r = t->fn(env);
            bh_word_t bad = bh_debug_check_kernel();
            if (r == KTEST_SKIPPED && bad == 0) {
                skipped++;
            } else if (r == 0 && bad == 0) {
                bh_printf("PASS ktest.%s\n", t->name);
                passed++;
            } else {
                if (r == 0) bh_printf("FAIL ktest.%s: %lu kernel invariant violations\n", t->name, (unsigned long)bad);
                failed++;
            }
        }
    }
    bh_printf("[ktest] %u passed, %u failed, %u skipped\n", passed, failed, skipped);
    bh_debug_halt(failed ? EXIT_FAIL : EXIT_PASS);
}
