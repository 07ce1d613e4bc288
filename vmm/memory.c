/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Guest memory as the VMM sees it: guest RAM [0, ram_size) is mapped by the creator at
 * VMM_GUEST_WINDOW + gpa. Every access the VMM makes on the guest's behalf goes through
 * gpa_ptr, which checks the whole range against guest RAM. Hypercall arguments are guest-virtual
 * (as under Xen for HVM/PVH guests): they are translated through the guest's own page tables,
 * page by page, and a range that is not mapped, not writable for a write, or not RAM gives
 * -EFAULT.
 */
#include <string.h>
#include "vmm.h"

#define PAGE_SIZE 4096ull
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define CR0_PG (1ull << 31)
#define CR0_WP (1ull << 16)
#define EFER_LMA (1ull << 10)

void *gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa >= vm->ram_size || len > vm->ram_size - gpa) return NULL;
    return vm->ram + gpa;
}

static int read_pte(struct vm *vm, uint64_t table, unsigned index, uint64_t *pte)
{
    const uint64_t *p = gpa_ptr(vm, (table & PTE_ADDR) + index * 8ull, 8);
    if (!p) return -1;
    *pte = *p;
    return 0;
}

/* A 4-level long-mode walk (APM vol. 2, 5.3), honouring 1 GiB and 2 MiB pages. */
static int walk_long(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
    uint64_t entry = vcpu_reg(v, BH_VCPU_CR3), writable = PTE_W;
    for (int level = 3; level >= 0; level--) {
        unsigned index = (unsigned)(gva >> (12 + 9 * level)) & 511u;
        if (read_pte(v->vm, entry, index, &entry) != 0 || !(entry & PTE_P)) return -1;
        writable &= entry;
        if (level == 0 || ((entry & PTE_PS) && level <= 2)) {
            uint64_t mask = (1ull << (12 + 9 * level)) - 1;
            bool wp = (vcpu_reg(v, BH_VCPU_CR0) & CR0_WP) != 0;
            if (write && wp && !writable) return -1;
            *gpa = ((entry & PTE_ADDR) & ~mask) | (gva & mask);
            return 0;
        }
    }
    return -1;
}

/* Guest-virtual to guest-physical. 32-bit paging (legacy and PAE) is not supported yet. */
static int translate(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
    if (!(vcpu_reg(v, BH_VCPU_CR0) & CR0_PG)) {
        *gpa = gva & 0xffffffffull;
        return gva >> 32 ? -1 : 0;
    }
    if (!(vcpu_reg(v, BH_VCPU_EFER) & EFER_LMA)) return -1;
    return walk_long(v, gva, write, gpa);
}

/* Runs over [gva, gva + len) page by page; copies to or from buf, or (buf NULL) only checks. */
static int guest_walk(struct vcpu *v, uint64_t gva, uint8_t *b, uint64_t len, bool write)
{
    while (len > 0) {
        uint64_t chunk = PAGE_SIZE - (gva & (PAGE_SIZE - 1)), gpa;
        if (chunk > len) chunk = len;
        if (translate(v, gva, write, &gpa) != 0) return -XEN_EFAULT;
        uint8_t *p = gpa_ptr(v->vm, gpa, chunk);
        if (!p) return -XEN_EFAULT;
        if (b && write) memcpy(p, b, (size_t)chunk);
        if (b && !write) memcpy(b, p, (size_t)chunk);
        gva += chunk;
        if (b) b += chunk;
        len -= chunk;
    }
    return 0;
}

/* Decode, then act: the whole range is checked before a byte moves, so a failed copy leaves
 * guest memory as it was. */
static int guest_copy(struct vcpu *v, uint64_t gva, void *buf, uint64_t len, bool write)
{
    if (len > v->vm->ram_size || gva + len < gva) return -XEN_EFAULT;
    if (guest_walk(v, gva, NULL, len, write) != 0) return -XEN_EFAULT;
    return guest_walk(v, gva, buf, len, write);
}

int guest_copy_from(struct vcpu *v, uint64_t gva, void *buf, uint64_t len)
{
    return guest_copy(v, gva, buf, len, false);
}

int guest_copy_to(struct vcpu *v, uint64_t gva, const void *buf, uint64_t len)
{
    return guest_copy(v, gva, (void *)(uintptr_t)buf, len, true);
}

/* The guest-physical address of [gva, gva + len), which must lie in one page of RAM (the
 * structures the VMM updates later, such as the runstate area, are registered this way). */
int guest_gpa(struct vcpu *v, uint64_t gva, uint64_t len, bool write, uint64_t *gpa)
{
    if (len == 0 || len > PAGE_SIZE - (gva & (PAGE_SIZE - 1))) return -XEN_EINVAL;
    if (translate(v, gva, write, gpa) != 0 || !gpa_ptr(v->vm, *gpa, len)) return -XEN_EFAULT;
    return 0;
}
