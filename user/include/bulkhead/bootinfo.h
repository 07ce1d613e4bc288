/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What the kernel tells the root server at start (its first argument register points to
 * this, in a frame mapped read-write). The root server's CNode holds these capabilities at
 * fixed slots; untyped memory follows in [untyped_first, untyped_last).
 */
#ifndef BULKHEAD_BOOTINFO_H
#define BULKHEAD_BOOTINFO_H

#include <stdint.h>

#define BH_BOOTINFO_MAGIC 0x31304f4f42484248ull /* "BHBOOT01" */

enum bh_root_slot {
    BH_ROOT_NULL = 0,
    BH_ROOT_TCB = 1,
    BH_ROOT_CNODE = 2,
    BH_ROOT_VSPACE = 3,
    BH_ROOT_IRQ_CONTROL = 4,
    BH_ROOT_IO_PORT_CONTROL = 5,
    BH_ROOT_DOMAIN_CONTROL = 6,
    BH_ROOT_BOOTINFO_FRAME = 7,
    BH_ROOT_IPC_BUFFER_FRAME = 8,
    BH_ROOT_ASID_CONTROL = 9,   /* makes ASID pools from 4 KiB untyped */
    BH_ROOT_ASID_POOL = 10,     /* the pool of range 0, which holds the ASID of BH_ROOT_VSPACE */
    BH_ROOT_IO_SPACE_CONTROL = 11, /* issues PCI device capabilities; empty without an IOMMU the kernel drives */
    BH_ROOT_FIRST_FREE_FIXED = 12,
};

struct bh_untyped_desc {
    uint64_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t reserved[6];
};

#define BH_BOOTINFO_MAX_UNTYPED 200u

/* Device memory the kernel drives itself and never hands out as device untyped: a frame of
 * it would let its holder mask the scheduler's tick or redirect interrupts and DMA. The root
 * server refuses a specification that asks for any of it (servers/root/objects.c). */
enum bh_kernel_device_kind {
    BH_KERNEL_DEVICE_LOCAL_APIC = 1,
    BH_KERNEL_DEVICE_MSI_WINDOW = 2,  /* x86: 0xfee00000..0xfeefffff, interrupt messages */
    BH_KERNEL_DEVICE_IO_APIC = 3,
    BH_KERNEL_DEVICE_IOMMU = 4,       /* x86: a DMA-remapping unit of the ACPI DMAR table */
};

static inline const char *bh_kernel_device_name(uint64_t kind)
{
    switch (kind) {
    case BH_KERNEL_DEVICE_LOCAL_APIC: return "local APIC";
    case BH_KERNEL_DEVICE_MSI_WINDOW: return "MSI window";
    case BH_KERNEL_DEVICE_IO_APIC: return "I/O APIC";
    case BH_KERNEL_DEVICE_IOMMU: return "IOMMU";
    default: return "device";
    }
}

struct bh_kernel_device_desc {
    uint64_t paddr;
    uint64_t size;
    uint64_t kind;              /* enum bh_kernel_device_kind */
};

#define BH_BOOTINFO_MAX_KERNEL_DEVICES 16u

/* Speculation mitigations the kernel applies (bh_bootinfo.mitigations), chosen at boot from
 * the CPU and the kernel command line (docs/security.md). */
#define BH_MITIGATION_MELTDOWN_WINDOW 0x1u     /* only an entry window of the kernel is mapped at user level */
#define BH_MITIGATION_VERW 0x2u                /* CPU buffers cleared on every exit to user level */
#define BH_MITIGATION_IBPB 0x4u                /* branch predictor barrier between partitions and guests */
#define BH_MITIGATION_RSB_FILL 0x8u            /* return stack overwritten after VM exits and partition switches */
#define BH_MITIGATION_PARTITION_FLUSH 0x10u    /* L1D, TLB (and the above) flushed on partition switches */
#define BH_MITIGATION_L1D_FLUSH_VM_ENTRY 0x20u /* L1D flushed before every guest entry (L1TF) */

/* bh_bootinfo.flags: what kind of kernel this is. */
#define BH_BOOTINFO_DEBUG_CALLS 0x1u  /* the debug system calls exist (a debug build); the release
                                         kernel has none, so its programs print otherwise */

struct bh_bootinfo {
    uint64_t magic;
    uint64_t abi_version;
    uint64_t cnode_radix;       /* the root CNode has 2^radix slots; its guard fills 64 bits */
    uint64_t empty_first;       /* free slots: [empty_first, empty_last) */
    uint64_t empty_last;
    uint64_t untyped_first;     /* untyped capabilities: [untyped_first, untyped_last) */
    uint64_t untyped_last;
    uint64_t ipc_buffer_addr;
    uint64_t module_addr;       /* the boot archive, mapped read-only */
    uint64_t module_size;
    uint64_t partitions;        /* time partitions the kernel supports */
    uint64_t irq_lines;
    uint64_t tick_us;           /* scheduler tick */
    uint64_t counter_khz;       /* the user-readable cycle counter (x86 TSC, POWER timebase),
                                   measured or read from firmware at boot; 0 when unknown */
    uint64_t mitigations;       /* BH_MITIGATION_* in force (docs/security.md) */
    uint64_t flags;             /* BH_BOOTINFO_* */
    struct bh_untyped_desc untyped[BH_BOOTINFO_MAX_UNTYPED];
    uint64_t kernel_devices;    /* entries of kernel_device[] in use */
    struct bh_kernel_device_desc kernel_device[BH_BOOTINFO_MAX_KERNEL_DEVICES];
};

_Static_assert(sizeof(struct bh_bootinfo) <= 4096, "boot info fits one page");

#endif
