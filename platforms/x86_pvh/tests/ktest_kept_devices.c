/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The interrupt controllers every QEMU x86 machine has (q35, pc, microvm), at the addresses
 * their ACPI tables give: the kernel API suite checks that none of them is device memory
 * without trusting the kernel's own list (microvm's second I/O APIC, at 0xfec10000, is
 * checked by tests/suites/ktest.sh from the kernel's boot line). */
#include "../../../tests/system/ktest/ktest.h"

static const struct kept_fact x86_facts[] = {
    {0xfee00000ull, "local APIC"},
    {0xfec00000ull, "I/O APIC"},
};

size_t platform_kept_facts(const struct kept_fact **facts)
{
    *facts = x86_facts;
    return sizeof x86_facts / sizeof x86_facts[0];
}
