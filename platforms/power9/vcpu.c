/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* POWER9 virtual CPUs: not yet; LPAR guests in radix mode are issue 14 (the user-level PAPR layer
 * exists in vmm/papr/, tested on the host). */
#include "power9.h"

bool plat_vcpu_supported(void)
{
    return false;
}

void plat_vcpu_init(struct vcpu_arch *v)
{
    v->pc = 0;
}

bool plat_vcpu_check_state(word_t index, word_t value)
{
    (void)value;
    return index < VCPU_STATE_COUNT;
}

void plat_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value)
{
    if (index == VCPU_STATE_PC) v->pc = value;
}

word_t plat_vcpu_read_state(const struct vcpu_arch *v, word_t index)
{
    return index == VCPU_STATE_PC ? v->pc : 0;
}

void plat_vcpu_destroy(struct vcpu_arch *v)
{
    (void)v;
}

void plat_vcpu_space_changed(struct vcpu_arch *v)
{
    (void)v;
}

void plat_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *exit)
{
    (void)v;
    (void)guest_root;
    (void)host_fpu;
    exit->reason = VM_EXIT_INTERRUPTED;
}

int plat_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights)
{
    (void)rights;
    return plat_map_frame(guest_root, gpa, paddr, size_bits, RIGHT_READ | RIGHT_WRITE, 0);
}

int plat_guest_map_table(void *guest_root, word_t gpa, paddr_t table)
{
    return plat_map_table(guest_root, gpa, table);
}

unsigned plat_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out)
{
    (void)v;
    (void)out;
    return 0;
}

void plat_vcpu_set_results(struct vcpu_arch *v, const word_t *in)
{
    (void)v;
    (void)in;
}

word_t plat_vcpu_take_event(struct vcpu_arch *v)
{
    (void)v;
    return 0;
}
