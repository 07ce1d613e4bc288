/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * NPF exits: the guest touched guest-physical memory that its GuestSpace does not map. The VMM
 * emulates no MMIO device and maps RAM, shared_info and the grant frames before the guest can
 * use them, so such an access reaches nothing. On a PC a read of an address nothing decodes
 * returns all ones and a write goes nowhere; Xen (hvmemul's unhandled MMIO) and KVM do the same,
 * and an operating system probing for a device that is not there relies on it. So: a read's
 * register gets all ones, a write is dropped, the guest goes on past the instruction, and a
 * line names the address (the first VMM_UNBACKED_LOGGED accesses, then every
 * VMM_UNBACKED_LOG_EVERY-th).
 *
 * The guest still ends (VMM_END_NPF, the address and RIP) for what it would not survive on
 * hardware either, or what the VMM cannot complete: an instruction fetched from there, a page
 * table there (the walk's own access), an event whose delivery touched it (an IDT or stack
 * there), an access the mapping refused although something is mapped (P set), an address inside
 * RAM, and an instruction that is not one of the MOV forms insn.c decodes (string instructions
 * among them).
 *
 * One access to something mapped is survived too: a MOV writing to another guest's page that
 * the guest mapped read-only (GNTTABOP_map_grant_ref with GNTMAP_readonly). Xen injects #GP
 * there; here the write is dropped, the page unchanged, and the guest goes on.
 */
#include "vmm.h"

/* SVM's NPF error code (APM vol. 2, 15.25.6): EXITINFO1. */
#define NPF_PRESENT (1ull << 0)
#define NPF_WRITE (1ull << 1)
#define NPF_FETCH (1ull << 4)
#define NPF_PAGE_WALK (1ull << 33)

#define VMM_UNBACKED_LOGGED 8u
#define VMM_UNBACKED_LOG_EVERY 1024u

static void say_access(struct vm *vm, const struct insn_mmio *a, uint64_t gpa, uint64_t rip)
{
    uint64_t count = vm->unbacked_reads + vm->unbacked_writes;
    if (count > VMM_UNBACKED_LOGGED && count % VMM_UNBACKED_LOG_EVERY) return;
    vmm_say(vm, "nothing at guest-physical %#llx: %u-byte %s at rip %#llx %s (%llu so far%s)",
            (unsigned long long)gpa, a->size, a->write ? "write" : "read", (unsigned long long)rip,
            a->write ? "dropped" : "reads all ones", (unsigned long long)count,
            count == VMM_UNBACKED_LOGGED ? "; from now on one line in 1024" : "");
}

void npf_exit(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t error = v->exit[BH_VM_MR_INFO1], gpa = v->exit[BH_VM_MR_INFO2], rip = v->exit[BH_VM_MR_RIP];
    struct insn_mmio a;
    /* A write to another guest's page mapped read-only (grant_map.c) is dropped like one to nothing. */
    bool ro_grant = (error & NPF_PRESENT) && (error & NPF_WRITE) && grant_mapped_readonly(vm, gpa);
    bool survivable = !(error & ((ro_grant ? 0 : NPF_PRESENT) | NPF_FETCH | NPF_PAGE_WALK)) && gpa >= vm->ram_size &&
                      !(v->exit[BH_VM_MR_INTINFO] & BH_VCPU_EVENT_VALID);
    if (!survivable || !insn_decode_mmio(v, &a) || a.write != ((error & NPF_WRITE) != 0)) {
        vm_end(vm, VMM_END_NPF, gpa, rip);
        return;
    }
    if (ro_grant) {
        vm->grant_ro_writes++;
        if (vm->grant_ro_writes <= VMM_UNBACKED_LOGGED)
            vmm_say(vm, "write to the read-only grant mapping at guest-physical %#llx at rip %#llx dropped",
                    (unsigned long long)gpa, (unsigned long long)rip);
        v->next_rip = rip + a.length;
        return;
    }
    if (a.write) {
        vm->unbacked_writes++;
    } else {
        vm->unbacked_reads++;
        insn_mmio_read_done(v, &a, ~0ull);
    }
    say_access(vm, &a, gpa, rip);
    v->next_rip = rip + a.length;
}
