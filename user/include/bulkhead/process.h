/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Building blocks for a program that holds untyped memory (the root server, the kernel test
 * suite): an object allocator over untyped capabilities and a builder of processes from ELF
 * images. Everything goes through kernel invocations; errors are returned, never hidden.
 */
#ifndef BULKHEAD_PROCESS_H
#define BULKHEAD_PROCESS_H

#include <stddef.h>
#include <bulkhead/layout.h>
#include <bulkhead/invocations.h>

#define BH_ALLOC_MAX_UNTYPED BH_BOOTINFO_MAX_UNTYPED

/* Tracks the caller's untyped capabilities and free slots of its root CNode. */
struct bh_alloc {
    bh_cptr_t cnode;            /* the caller's root CNode */
    bh_word_t cnode_depth;      /* 64 with a guard filling the rest */
    bh_cptr_t next_slot, end_slot;
    unsigned nuntyped;
    struct {
        bh_cptr_t cptr;
        uint64_t paddr;
        uint8_t size_bits;
        uint8_t is_device;
        uint64_t used;          /* mirrors the kernel's watermark */
    } untyped[BH_ALLOC_MAX_UNTYPED];
    bh_cptr_t vspace;           /* the caller's own VSpace, for scratch mappings */
    uint64_t scratch_vaddr;     /* a free page-aligned window in the caller's space */
    bh_cptr_t asid_pool;        /* where new VSpaces and GuestSpaces get their ASIDs (0: none) */
};

void bh_alloc_init(struct bh_alloc *a, const struct bh_bootinfo *bi, bh_cptr_t vspace, uint64_t scratch_vaddr);
/* A free slot of the caller's CNode, or 0 when there is none. */
bh_cptr_t bh_alloc_slot(struct bh_alloc *a);
/* Retypes one object (size_bits for UNTYPED and CNODE) into a free slot; 0 on failure. A
 * VSpace is also given an ASID from a->asid_pool (without one it cannot be used). */
bh_cptr_t bh_alloc_object(struct bh_alloc *a, bh_word_t type, bh_word_t size_bits);
/* A new ASID pool (ASIDControl MAKE_POOL on a fresh 4 KiB untyped) in a free slot; 0 on failure. */
bh_cptr_t bh_alloc_asid_pool(struct bh_alloc *a, bh_cptr_t asid_control);
/* A device frame at a physical address (from device untyped); 0 if none covers it. */
bh_cptr_t bh_alloc_device_frame(struct bh_alloc *a, uint64_t paddr);
/* Maps frame into vspace, creating page tables as needed. Returns BH_ERR_*. */
int bh_map_frame(struct bh_alloc *a, bh_cptr_t frame, bh_cptr_t vspace, uint64_t vaddr, bh_word_t rights, bh_word_t attr);

#define BH_PROC_CNODE_RADIX 8u
#define BH_PROC_STACK_TOP 0x0000700000000000ull
#define BH_PROC_STACK_PAGES 16u
#define BH_PROC_IPC_BUFFER 0x0000700000100000ull

/* Well-known slots of every process's CSpace (the IDL compiler uses the same). Slot 2 holds
 * the process's own CNode without a guard: name its slots with depth BH_PROC_CNODE_RADIX. */
enum {
    BH_PROC_SLOT_TCB = 1,
    BH_PROC_SLOT_CNODE = 2,
    BH_PROC_SLOT_VSPACE = 3,
    BH_PROC_SLOT_IPC_BUFFER = 4,
    BH_PROC_SLOT_FIRST_FREE = 5,
};

struct bh_process {
    const char *name;
    bh_cptr_t tcb, cnode, vspace, ipc_frame;   /* in the creator's CSpace */
    bh_cptr_t cspace;                          /* the CNode with the process's guard */
    uint64_t entry;
    bh_word_t arg;
};

/* Further threads of a process: thread n (1..BH_PROC_MAX_THREADS-1) has its stack and IPC
 * buffer in a window of its own above the first thread's. */
#define BH_PROC_MAX_THREADS 9u
#define BH_PROC_THREAD_WINDOW(n) (BH_PROC_STACK_TOP + (uint64_t)(n) * 0x200000ull)

/* Creates (but does not start) a process from an ELF image. Returns BH_ERR_* or -1 for a bad
 * image (with a message on the console). */
int bh_process_create(struct bh_alloc *a, struct bh_process *p, const char *name, const void *elf, size_t len,
                      bh_word_t priority, bh_word_t arg);
/* Mints a capability from the creator's CSpace into slot `slot` of the process. */
int bh_process_give(struct bh_alloc *a, struct bh_process *p, bh_cptr_t slot, bh_cptr_t src, bh_word_t rights,
                    bh_word_t badge);
int bh_process_start(struct bh_process *p);
/* Adds thread `index` (1..BH_PROC_MAX_THREADS-1) to a created process, its TCB given to the
 * process at slot tcb_slot, and starts it at the process's entry as user/start_component.c
 * expects: rdi = its IPC buffer (whose user_data word holds index), rsi = index, rdx = tcb_slot.
 * Returns BH_ERR_*. */
int bh_process_start_thread(struct bh_alloc *a, struct bh_process *p, unsigned index, bh_cptr_t tcb_slot,
                            bh_word_t priority);

/* Finds a file in the boot archive. */
const void *bh_archive_find(const struct bh_bootinfo *bi, const char *name, size_t *len);



/* Threads in the caller's own address space (they share its CSpace). */
struct bh_thread {
    bh_cptr_t tcb;
    bh_cptr_t ipc_frame;
    uint64_t ipc_addr;
    uint64_t stack_top;
};
typedef void (*bh_thread_fn)(bh_word_t arg);
/* Creates a thread running fn(arg) at `priority`; not started until bh_thread_start. */
int bh_thread_create(struct bh_alloc *a, struct bh_thread *t, bh_thread_fn fn, bh_word_t arg, bh_word_t priority);
int bh_thread_start(struct bh_thread *t);
#endif
