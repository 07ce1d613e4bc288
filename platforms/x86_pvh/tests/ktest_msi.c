/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * MSIs that name vectors the kernel does not serve. Whoever programs a device's MSI address
 * and data (or a device that can bus-master, which writes the message itself) names any
 * vector: an exception vector whose exceptions push an error code (8, 10..14, 17, 21, 29, 30),
 * where the interrupt pushes none, or one the kernel never assigned. The kernel acknowledges
 * and drops such an interrupt: the thread it interrupts runs on, unharmed. Here edu's MSI
 * capability is programmed in compatibility format (address 0xfee00000 | APIC ID << 12,
 * data = vector, fixed delivery, edge), which reaches the local APIC where there is no
 * interrupt remapping; with VT-d the kernel turns remapping on and blocks this format, so the
 * test runs on machines without an IOMMU (the ktest suite boots q35 with edu for it). The
 * kernel reports each drop on its console; the suite checks the lines for these vectors.
 */
#include "ktest_edu.h"

#define MSI_ADDRESS_BSP 0xfee00000ull /* APIC ID 0: the boot CPU, which runs the tests */
#define MSI_DELIVERY_NMI (4u << 8)

static volatile uint64_t spinner_count;
static void spin(bh_word_t arg)
{
    (void)arg;
    for (;;) spinner_count++;
}

/* Registers that the interrupted code keeps in flight must come back as they were: with a
 * misread frame the thread resumed with other values (or took a fault it never caused). */
static int raise_and_check_registers(uint32_t value)
{
    uint64_t a = 0x1111222233334444ull, b = 0x5555666677778888ull, c = 0x9999aaaabbbbccccull;
    uint64_t a0 = a, b0 = b, c0 = c;
    volatile uint32_t *raise = edu_reg32(EDU_IRQ_RAISE);
    __asm__ volatile("movl %[v], (%[r])\n"
                     "pause; pause; pause; pause; pause; pause; pause; pause\n"
                     : "+r"(a), "+r"(b), "+r"(c)
                     : [v] "r"(value), [r] "r"(raise)
                     : "memory");
    return a == a0 && b == b0 && c == c0;
}

static int exception_vectors_dropped(struct env *env)
{
    bh_cptr_t space = new_object(env, BH_OBJ_IO_SPACE, 0);
    if (space) {
        CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, space, 64));
        SKIP("VT-d present: its interrupt remapping blocks compatibility-format MSIs");
    }
    int dev = edu_find(env);
    if (dev < 0) SKIP("no edu device");
    CHECK(edu_regs_map(env, (unsigned)dev) == 0);
    /* The exception vectors with an error code, two without (3: breakpoint, 6: invalid
     * opcode), and 0xf0, which the kernel never assigns: unacknowledged it would keep the
     * timer (0xef, a lower priority class) blocked for good. */
    static const uint32_t vectors[] = {17, 21, 29, 30, 8, 14, 10, 13, 3, 6, 0xf0};
    for (unsigned i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        CHECK(edu_msi_set((unsigned)dev, MSI_ADDRESS_BSP, vectors[i]) == 0);
        for (unsigned n = 0; n < 4; n++) {
            CHECK(raise_and_check_registers(1u << n));
            *edu_reg32(EDU_IRQ_ACK) = 1u << n;
        }
        bh_printf("ktest: edu MSI on vector %u raised 4 times\n", vectors[i]);
    }
    /* The NMI delivery mode (data bits 10:8 = 4): the kernel ignores NMIs. Before, the
     * interrupted thread was suspended with a user exception 2 it never caused. */
    CHECK(edu_msi_set((unsigned)dev, MSI_ADDRESS_BSP, MSI_DELIVERY_NMI | 0x20) == 0);
    for (unsigned n = 0; n < 4; n++) {
        CHECK(raise_and_check_registers(1u << n));
        *edu_reg32(EDU_IRQ_ACK) = 1u << n;
    }
    bh_printf("ktest: edu MSI as an NMI raised 4 times\n");
    edu_msi_disable((unsigned)dev);
    CHECK(bh_debug_check_kernel() == 0);
    /* The tick still comes: a thread of our priority that never yields gets the CPU only
     * through timer preemption while this one spins. */
    struct bh_thread t;
    spinner_count = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &t, spin, 0, 50));
    CHECK_OK(bh_thread_start(&t));
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 50, BH_ROOT_TCB));
    uint64_t spins = 0;
    while (spinner_count == 0 && spins < 2000000000ull) spins++;
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 255, BH_ROOT_TCB));
    CHECK_OK(bh_tcb_suspend(t.tcb));
    CHECK(spinner_count > 0);
    return 0;
}

const struct test tests_msi[] = {
    {"msi_exception_vectors_dropped", exception_vectors_dropped},
    {0, 0},
};
