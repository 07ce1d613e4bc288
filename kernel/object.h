/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Kernel objects and capabilities. Every object lives in memory retyped from an Untyped;
 * the kernel has no other allocator. Layouts are fixed by static assertions so that the
 * sizes in abi/bulkhead.abi hold.
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include "platform.h"
#include <bulkhead/types.h>

/* Capability types beyond the ABI's object types (never visible to user level). */
#define CAP_ZOMBIE 0xffu

/*
 * A capability. ptr is the kernel address of the object (for I/O ports: first | last << 16).
 *   UNTYPED:  size_bits; data = watermark (bytes used); aux = 1 for device memory
 *   CNODE:    size_bits = radix; guard_bits; data = guard value
 *   ENDPOINT, NOTIFICATION: data = badge
 *   FRAME, LARGE_FRAME: data = mapped user address (0: unmapped); aux = ASID when mapped;
 *             size_bits = FRAME_DEVICE for device frames (never zeroed)
 *   PAGE_TABLE: data = mapped address | level; aux = ASID
 *   VSPACE, GUEST_SPACE: aux = ASID (0: never assigned; it stays after its pool is deleted,
 *             then names nothing or another space: compare with asid_lookup)
 *   ASID_POOL: aux = its range (first ASID / ASID_POOL_ASIDS)
 *   IRQ_HANDLER: aux = line; ptr = the PCI function (bus << 8 | devfn) for an MSI line
 *   PCI_DEVICE: ptr = the function (bus << 8 | devfn)
 *   ZOMBIE:   an object being destroyed; see cnode.c
 */
struct cap {
    uint8_t type;
    uint8_t rights;
    uint8_t size_bits;
    uint8_t guard_bits;
    uint32_t aux;
    word_t ptr;
    word_t data;
};
_Static_assert(sizeof(struct cap) == 24, "struct cap: the seven fields cap.c's cap_clear zeroes, no padding");

/*
 * A capability slot. The capability derivation tree is kept seL4-style: a doubly linked list
 * in which every capability follows its parent, and parenthood is decided from the two
 * capabilities themselves (cap.c: cte_parent_of). Deleting a capability is then an unlink,
 * and its children stay children of its own parent.
 */
struct cte {
    struct cap cap;
    struct cte *prev;
    struct cte *next;
    word_t flags;   /* CTE_REVOCABLE, CTE_FIRST_BADGED */
    word_t owner;   /* SLOT_IN_CNODE, or which TCB slot (SLOT_IN_TCB + index), or SLOT_IN_IRQ */
    word_t reserved;
};
#define CTE_REVOCABLE 1u
#define CTE_FIRST_BADGED 2u
#define SLOT_IN_CNODE 0u
#define SLOT_IN_IRQ 1u
#define SLOT_IN_TCB 2u
#define CTE_SIZE_BITS 6u
_Static_assert(sizeof(struct cte) == (1u << CTE_SIZE_BITS), "cte layout");
_Static_assert(CTE_SIZE_BITS == BH_OBJ_CNODE_UNIT_BITS, "a CNode slot has the size abi/bulkhead.abi gives it");
_Static_assert(MSG_REGISTERS == BH_MSG_REGISTERS, "the platform passes the ABI's register message registers");

enum thread_state {
    TS_INACTIVE,
    TS_RUNNING,
    TS_BLOCKED_SEND,
    TS_BLOCKED_RECV,
    TS_BLOCKED_REPLY,
    TS_BLOCKED_NOTIFICATION,
};

/* Slots kept inside each TCB. */
enum tcb_slot { TCB_CSPACE, TCB_VSPACE, TCB_IPC_BUFFER, TCB_FAULT_HANDLER, TCB_SLOTS };

struct endpoint;
struct notification;
struct tcb;

/* A queue of threads and a thread's place in one (operations: thread_queue.h). */
struct thread_queue {
    struct tcb *head, *tail;
};
struct thread_link {
    struct tcb *next, *prev;
};
enum queue_kind {
    QUEUE_READY, /* the scheduler's ready queue of the thread's partition and priority */
    QUEUE_WAIT,  /* the endpoint or notification the thread is blocked on */
    QUEUE_KINDS,
};

struct tcb {
    struct user_context ctx;
    struct fpu_state fpu;
    struct cte slots[TCB_SLOTS];
    uint8_t state;
    uint8_t priority;
    uint8_t mcp;
    uint8_t partition;
    uint8_t blocked_is_call;     /* TS_BLOCKED_SEND: a Call, wants a reply */
    uint8_t blocked_can_grant;   /* TS_BLOCKED_SEND: may transfer capabilities */
    uint8_t fault_pending;       /* the message being sent is a fault message */
    uint8_t timeslice;
    uint8_t reply_can_grant;     /* reply_to may receive capabilities: its endpoint cap had Grant */
    word_t blocked_badge;        /* TS_BLOCKED_SEND: badge of the endpoint capability */
    void *blocked_on;            /* endpoint, notification, or (reply) the callee */
    struct thread_link link[QUEUE_KINDS];
    struct tcb *reply_to;        /* the caller this thread must reply to */
    struct notification *bound;
    bh_ipc_buffer_t *ipc_buffer;          /* kernel view of the IPC buffer, or NULL */
    word_t ipc_buffer_addr;
    word_t fault[4];             /* label and details of a pending fault message */
    struct vcpu *vcpu;           /* the VCPU bound to this thread (VMEnter runs it), or NULL */
};
/* On every platform (its context and FPU state differ): the TCB object of abi/bulkhead.abi holds it. */
_Static_assert(sizeof(struct tcb) <= (1u << OBJ_TCB_SIZE_BITS), "TCB object size (abi/bulkhead.abi) too small");

/* Its queue holds only senders or only receivers; which one is the state of its head. */
struct endpoint {
    struct thread_queue queue;
};
_Static_assert(sizeof(struct endpoint) <= (1u << OBJ_ENDPOINT_SIZE_BITS), "endpoint size");

struct notification {
    word_t word;
    struct thread_queue waiters;
    struct tcb *bound;
};
_Static_assert(sizeof(struct notification) <= (1u << OBJ_NOTIFICATION_SIZE_BITS), "notification size");

/* A virtual CPU: the platform's part first (its hardware control block is page aligned), the
 * bound thread, and a copy of the GuestSpace capability (a child of the VMM's, so revoking the
 * GuestSpace empties it; the slot belongs to no CNode). */
struct vcpu {
    struct vcpu_arch arch;
    struct tcb *tcb;
    struct cte space;
};
_Static_assert(sizeof(struct vcpu) <= (1u << OBJ_VCPU_SIZE_BITS), "vcpu size");

/* An ASID pool: the space (VSpace or GuestSpace root) each ASID of its range names, or NULL. */
struct asid_pool {
    void *space[ASID_POOL_ASIDS];
};
_Static_assert(sizeof(struct asid_pool) == (1u << OBJ_ASID_POOL_SIZE_BITS), "ASID pool size");

/* An IOSpace: the root table of its DMA address space first (page aligned: the IOMMU walks
 * it), then a copy of its fault notification capability (a child of the holder's; the slot
 * belongs to no CNode) and its recorded fault (BH IO_SPACE READ_FAULT's words). */
struct io_fault {
    word_t pending, source, address, kind, lost;
};
struct io_space {
    word_t root[BIT(PAGE_BITS) / sizeof(word_t)];
    struct cte notification;
    struct io_fault fault;
};
_Static_assert(sizeof(struct io_space) <= (1u << OBJ_IO_SPACE_SIZE_BITS), "IOSpace size");
/* A mapping record (frame or page table) in an IOSpace: iova | IO_MAPPED (| level for tables),
 * below the page size where the walks look not. An ASID pool names an IOSpace as its root |
 * ASID_IO_TAG (io_space.c). */
#define IO_MAPPED 0x800u
#define IO_LEVEL_MASK 0x7u
#define ASID_IO_TAG 1u

/* Static limits of kernel tables (not of user configurations). */
#define PARTITIONS 16u
#define PRIORITIES 256u
#define ASIDS (ASID_POOLS * ASID_POOL_ASIDS)
#define SCHEDULE_ENTRIES 64u

/*
 * Typed accessors: what a field means depends on the capability's type (the table above), so
 * code reads and writes it through a name that says what it is, never the raw field.
 */
static inline bool untyped_is_device(const struct cap *c) { return c->aux != 0; }
static inline void untyped_set_device(struct cap *c, bool device) { c->aux = device; }
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->size_bits; */
static inline unsigned untyped_size_bits(const struct cap *c) { return c->size_bits; }
static inline word_t untyped_watermark(const struct cap *c) { return c->data; }
static inline void untyped_set_watermark(struct cap *c, word_t used) { c->data = used; }
/* ENDPOINT, NOTIFICATION: the badge (0: none). */
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->data; */
static inline word_t cap_badge(const struct cap *c) { return c->data; }
/*@ requires \valid(c); assigns c->data; ensures c->data == badge; */
static inline void cap_set_badge(struct cap *c, word_t badge) { c->data = badge; }
/* CNODE: radix, then the guard that addresses it (its width and value). */
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->size_bits; */
static inline unsigned cnode_radix(const struct cap *c) { return c->size_bits; }
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->guard_bits; */
static inline unsigned cnode_guard_bits(const struct cap *c) { return c->guard_bits; }
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->data; */
static inline word_t cnode_guard(const struct cap *c) { return c->data; }
/*@ requires \valid(c) && bits <= 255; assigns c->guard_bits, c->data;
  @ ensures c->guard_bits == bits && c->data == guard; */
static inline void cnode_set_guard(struct cap *c, word_t bits, word_t guard)
{
    c->guard_bits = (uint8_t)bits;
    c->data = guard;
}
#define FRAME_DEVICE 1u /* a frame's size_bits: device memory, never zeroed */
static inline bool frame_is_device(const struct cap *c) { return c->size_bits == FRAME_DEVICE; }
static inline void frame_set_device(struct cap *c) { c->size_bits = FRAME_DEVICE; }
static inline bool cap_is_frame(const struct cap *c) { return c->type == OBJ_FRAME || c->type == OBJ_LARGE_FRAME; }
/* FRAME, LARGE_FRAME, PAGE_TABLE: the space its one mapping is in (0: none), and where. */
static inline word_t mapping_asid(const struct cap *c) { return c->aux; }
static inline bool mapping_present(const struct cap *c) { return c->data != 0; }
/*@ requires \valid(c) && asid <= 0xffffffff; assigns c->aux, c->data;
  @ ensures c->aux == asid && c->data == where; */
static inline void mapping_record(struct cap *c, word_t asid, word_t where)
{
    c->aux = (uint32_t)asid;
    c->data = where;
}
/* VSPACE, GUEST_SPACE, IO_SPACE: its ASID (0: never assigned). */
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->aux; */
static inline word_t space_asid(const struct cap *c) { return c->aux; }
static inline void space_set_asid(struct cap *c, word_t asid) { c->aux = (uint32_t)asid; }
/* FRAME, LARGE_FRAME, PAGE_TABLE: whether its mapping is in an IOSpace (IO_MAPPED above). */
static inline bool io_mapped(const struct cap *c) { return (c->data & IO_MAPPED) != 0; }
/*@ requires \valid_read(c); assigns \nothing; ensures \result == c->aux; */
static inline word_t irq_handler_line(const struct cap *c) { return c->aux; }
/* ASID_POOL: its range, the first ASID / ASID_POOL_ASIDS. */
static inline word_t asid_pool_range(const struct cap *c) { return c->aux; }
static inline word_t io_port_first(const struct cap *c) { return c->ptr & 0xffff; }
static inline word_t io_port_last(const struct cap *c) { return (c->ptr >> 16) & 0xffff; }
/* ZOMBIE (delete.c): the container's slots, how many are not yet emptied (from the top), and
 * the slot of the zombie whose container holds this one (NULL for the top of the chain). */
static inline struct cte *zombie_slots(const struct cap *c) { return (struct cte *)c->ptr; }
static inline word_t zombie_slots_left(const struct cap *c) { return c->aux; }
static inline void zombie_set_slots_left(struct cap *c, word_t n) { c->aux = (uint32_t)n; }
static inline struct cte *zombie_container(const struct cap *c) { return (struct cte *)c->data; }
static inline void zombie_set_container(struct cap *c, const struct cte *z) { c->data = (word_t)z; }

/*@ requires \valid_read(c); assigns \nothing; ensures \result == (struct cte *)c->ptr; */
static inline struct cte *cnode_slots(const struct cap *c) { return (struct cte *)c->ptr; }
static inline struct tcb *cap_tcb(const struct cap *c) { return (struct tcb *)c->ptr; }
static inline struct endpoint *cap_endpoint(const struct cap *c) { return (struct endpoint *)c->ptr; }
static inline struct vcpu *cap_vcpu(const struct cap *c) { return (struct vcpu *)c->ptr; }
static inline struct notification *cap_notification(const struct cap *c) { return (struct notification *)c->ptr; }
static inline struct tcb *tcb_of_slot(const struct cte *s, enum tcb_slot which)
{
    return (struct tcb *)((uintptr_t)(s - which) - offsetof(struct tcb, slots));
}

#endif
