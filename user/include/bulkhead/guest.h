/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Helpers for the creator of a VMM (docs/vmm.md, "The VMM"): VCPU and GuestSpace objects,
 * guest RAM mapped both into a GuestSpace and into the VMM's window, and read-only data placed
 * into another process's address space. Errors are BH_ERR_* values.
 */
#ifndef BULKHEAD_GUEST_H
#define BULKHEAD_GUEST_H

#include <bulkhead/process.h>

/* A VCPU or GUEST_SPACE object in a free slot (from a fresh 8 KiB untyped; a GuestSpace gets its
 * ASID from a->asid_pool); 0 on failure. */
bh_cptr_t bh_alloc_vm_object(struct bh_alloc *a, bh_word_t type);
/* Maps a frame into a GuestSpace, adding page tables as needed. */
int bh_guest_map_frame(struct bh_alloc *a, bh_cptr_t space, bh_cptr_t frame, uint64_t gpa, bh_word_t rights);
/* Guest RAM [0, size) (size 2 MiB granular) from large frames: each mapped read-write-execute
 * into `space` at gpa and, through a copy, read-write into `vspace` at window + gpa. */
int bh_guest_ram_create(struct bh_alloc *a, bh_cptr_t space, bh_cptr_t vspace, uint64_t window, uint64_t size);
/* Copies `len` bytes into fresh frames mapped at vaddr (page-aligned) in vspace with `rights`. */
int bh_map_data(struct bh_alloc *a, bh_cptr_t vspace, uint64_t vaddr, const void *data, size_t len, bh_word_t rights);
/* A boot module (a guest's kernel or initrd) copied read-only to vaddr (2 MiB aligned) in
 * vspace: 2 MiB frames when it is larger than 1 MiB, 4 KiB frames otherwise. */
int bh_map_module(struct bh_alloc *a, bh_cptr_t vspace, uint64_t vaddr, const void *data, size_t len);

#endif
