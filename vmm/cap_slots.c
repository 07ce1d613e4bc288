/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM's free capability slots (params caps.free_first..free_last, at most
 * VMM_CAP_SLOT_WORDS * 64 of them): derived pages it hands out, pages it receives. Taken and
 * given back with atomics: the vCPU threads take them without the VM lock (before a call to a
 * peer), the service threads under it.
 */
#include "vmm.h"

static uint32_t slot_count(const struct vm *vm)
{
    const struct vmm_cap_slots *c = &vm->params->caps;
    if (!c->cnode || !c->free_first || c->free_last < c->free_first) return 0;
    uint32_t n = c->free_last - c->free_first + 1;
    return n < VMM_CAP_SLOT_WORDS * 64u ? n : VMM_CAP_SLOT_WORDS * 64u;
}

uint32_t cap_slot_alloc(struct vm *vm)
{
    uint32_t n = slot_count(vm);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t bit = 1ull << (i % 64u);
        uint64_t *w = &vm->cap_slot_used[i / 64u];
        if (__atomic_load_n(w, __ATOMIC_RELAXED) & bit) continue;
        if (!(__atomic_fetch_or(w, bit, __ATOMIC_ACQ_REL) & bit)) return vm->params->caps.free_first + i;
    }
    return 0;
}

void cap_slot_free(struct vm *vm, uint32_t slot)
{
    uint32_t i = slot - vm->params->caps.free_first;
    if (slot < vm->params->caps.free_first || i >= slot_count(vm)) return;
    __atomic_fetch_and(&vm->cap_slot_used[i / 64u], ~(1ull << (i % 64u)), __ATOMIC_ACQ_REL);
}
