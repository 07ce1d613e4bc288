/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Partition-wide modes the guest asks for: its process table (H_REGISTER_PROC_TBL, which
 * becomes doubleword 1 of the LPAR's partition-table entry) and its interrupt endianness and
 * relocation (H_SET_MODE, which become LPCR[ILE] and LPCR[AIL] on every vCPU). The VMM hands
 * them to the kernel, which owns LPCR and the partition table. Checks as QEMU's
 * hw/ppc/spapr_hcall.c, with two differences: this platform is radix only, so a hash table
 * is refused; and the table must lie in guest memory, aligned to its size, as the MMU walks it.
 */
#include "papr.h"

#define PROC_TABLE_MAX_SHIFT 24u     /* table_size: 2^(12+24) bytes at most (QEMU H_P4) */

static int64_t register_radix(struct papr_vm *vm, uint64_t flags, uint64_t base, uint64_t page_size,
                              uint64_t table_size)
{
    if (page_size) return H_P3;
    if (table_size > PROC_TABLE_MAX_SHIFT) return H_P4;
    uint64_t bytes = 1ull << (table_size + 12);
    if ((base & (bytes - 1)) || !papr_memory_contains(vm->mem, base, bytes)) return H_P2;
    vm->proc_table_registered = true;
    vm->radix = true;
    vm->gtse = flags & PROC_TABLE_GTSE;
    vm->pate1 = PATB_GR | base | table_size;
    return H_SUCCESS;
}

/* H_REGISTER_PROC_TBL(flags, base, page_size, table_size) */
int64_t hc_register_proc_tbl(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint64_t flags = call->r[4];
    if (flags & ~(uint64_t)PROC_TABLE_FLAGS_MASK) return H_PARAMETER;
    switch (flags & PROC_TABLE_OP_MASK) {
    case PROC_TABLE_NEW:
        if ((flags & PROC_TABLE_TYPE_MASK) != PROC_TABLE_RADIX) return H_PARAMETER;
        return register_radix(vm, flags, call->r[5], call->r[6], call->r[7]);
    case PROC_TABLE_DEREG:
        vm->proc_table_registered = false;
        vm->pate1 = PATB_GR;
        return H_SUCCESS;
    case 0:
        /* Keep the registration: the type must match it (QEMU: H_PARAMETER otherwise). */
        if (!(flags & PROC_TABLE_RADIX) || (flags & PROC_TABLE_HPT_PT)) return H_PARAMETER;
        vm->gtse = flags & PROC_TABLE_GTSE;
        return H_SUCCESS;
    default:                         /* 0x08: register without modify */
        return H_PARAMETER;
    }
}

/* H_SET_MODE(mflags, resource, value1, value2) */
int64_t hc_set_mode(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call, enum papr_action *action)
{
    uint64_t mflags = call->r[4], resource = call->r[5];
    switch (resource) {
    case H_SET_MODE_RESOURCE_LE:
        if (call->r[6]) return H_P3;
        if (call->r[7]) return H_P4;
        if (mflags != H_SET_MODE_ENDIAN_BIG && mflags != H_SET_MODE_ENDIAN_LITTLE) return H_UNSUPPORTED_FLAG;
        vm->interrupts_le = mflags == H_SET_MODE_ENDIAN_LITTLE;
        return H_SUCCESS;
    case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
        if (call->r[6]) return H_P3;
        if (call->r[7]) return H_P4;
        /* AIL 1 is reserved on POWER9; 0, 2 and 3 are the modes LPCR[AIL] takes. */
        if (mflags == 1 || mflags > 3) return H_UNSUPPORTED_FLAG;
        vm->ail = (unsigned)mflags;
        return H_SUCCESS;
    default:
        /* CIABR and DAWR: the LPAR's debug registers are not offered (Linux copes). */
        return H_P2;
    }
}
