/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PVH start of day (Xen's public arch-x86/hvm/start_info.h): %ebx holds the physical address
 * of struct hvm_start_info when a PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) starts. Everything it
 * points to is a physical address; 0 means absent (nothing is ever placed at address 0). Used by
 * both sides: the kernel boots from it, the VMM builds it for its guests.
 *
 * Versions: 0 is the first; 1 adds memmap_paddr, memmap_entries and reserved. A reader checks
 * memmap_entries is nonzero before using the map.
 */
#ifndef XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H
#define XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H

#include <stddef.h>
#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u   /* "xEn3" with bit 7 of the 'E' set */

/* memory map types: the ACPI address range types */
#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
#define XEN_HVM_MEMMAP_TYPE_NVS 4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM 7

struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;           /* 0 or 1; later versions only add fields */
    uint32_t flags;             /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;     /* nr_modules struct hvm_modlist_entry */
    uint64_t cmdline_paddr;     /* a NUL-terminated string */
    uint64_t rsdp_paddr;        /* the ACPI RSDP */
    /* version 1 on */
    uint64_t memmap_paddr;      /* memmap_entries struct hvm_memmap_table_entry */
    uint32_t memmap_entries;    /* 0: no map */
    uint32_t reserved;          /* 0 */
};
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "hvm_start_info modlist");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "hvm_start_info rsdp");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "hvm_start_info memmap");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48, "hvm_start_info entries");
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;              /* bytes */
    uint64_t cmdline_paddr;     /* the module's own command line, 0 for none */
    uint64_t reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;              /* bytes */
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;          /* 0 in version 1 */
};
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16, "hvm_memmap_table_entry type");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry");

#endif
