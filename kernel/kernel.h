/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Functions shared between the core's files. One section per file. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "object.h"
#include "thread_queue.h"
#include "proof.h"

/* Result of a kernel operation: ERR_OK, an ABI error code, or EXC_PREEMPTED. */
typedef word_t exception_t;
#define EXC_PREEMPTED 0x1000u

/* The error of the current invocation: the code, two detail words, a reason for debugging. */
struct current_error {
    word_t code;
    word_t detail[2];
    const char *reason;
};
extern struct current_error current_error;
/*@ assigns current_error; ensures \result == code; */
exception_t fail(word_t code, word_t d0, word_t d1, const char *reason);

/* The message of an invocation, copied out of registers and the IPC buffer (syscall.c); the
 * generated decoders (decode_gen.h) read it, and out values go back in mr. */
struct message {
    word_t label;
    word_t length;
    word_t ncaps;
    word_t mr[BH_MSG_MAX_LENGTH];
    struct cte *caps[BH_MSG_MAX_EXTRA_CAPS];
};
exception_t decode_invocation(struct cte *slot, struct message *m, word_t *out_length);

/* console.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*@ assigns \nothing; ensures \false; */
NORETURN void panic(const char *why);
extern bool debug_errors;
#define ASSERT(c) do { if (unlikely(!(c))) panic("assertion failed: " #c); } while (0)

/* string.c */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* cap.c: the capability derivation tree. The contracts say how each operation changes the
 * list: the slot it fills holds the capability given, placed where the operation says. */
/*@ requires \valid(parent) && \valid(child) && \separated(parent, child) && child->cap.type == OBJ_NULL;
  @ requires parent->next == \null || (\valid(parent->next) && \separated(parent->next, child, parent));
  @ assigns child->cap, child->flags, child->prev, child->next, parent->next, parent->next->prev;
  @ ensures child->cap == c;
  @ ensures child->prev == parent && child->next == \old(parent->next) && parent->next == child;
  @ ensures \old(parent->next) != \null ==> \old(parent->next)->prev == child;
  @ ensures parent->cap.type == OBJ_UNTYPED ==> child->flags == CTE_REVOCABLE;
  @*/
void cte_insert_child(struct cte *parent, struct cte *child, struct cap c);
/*@ requires \valid(slot);
  @ requires after == \null || (\valid(after) && \separated(after, slot));
  @ requires after != \null && after->next != \null ==> \valid(after->next) && \separated(after->next, slot, after);
  @ assigns slot->cap, slot->flags, slot->prev, slot->next, after->next, after->next->prev;
  @ ensures slot->cap == c && slot->flags == CTE_REVOCABLE && slot->prev == after;
  @ ensures after == \null ==> slot->next == \null;
  @ ensures after != \null ==> slot->next == \old(after->next) && after->next == slot;
  @*/
void cte_insert_root(struct cte *after, struct cte *slot, struct cap c);
/*@ requires \valid(dest) && \valid(src) && \separated(dest, src) && dest->cap.type == OBJ_NULL;
  @ requires src->prev == \null || (\valid(src->prev) && \separated(src->prev, dest, src));
  @ requires src->next == \null || (\valid(src->next) && \separated(src->next, dest, src));
  @ requires src->prev != \null && src->next != \null ==> \separated(src->prev, src->next);
  @ assigns *dest, src->cap, src->prev, src->next, src->flags, src->prev->next, src->next->prev;
  @ ensures dest->cap == c;
  @ ensures dest->flags == \old(src->flags);
  @ ensures dest->prev == \old(src->prev);
  @ ensures dest->next == \old(src->next);
  @ ensures \old(src->prev) != \null ==> \old(src->prev)->next == dest;
  @ ensures \old(src->next) != \null ==> \old(src->next)->prev == dest;
  @ ensures src->cap.type == OBJ_NULL;
  @ ensures src->prev == \null && src->next == \null && src->flags == 0;
  @*/
void cte_move(struct cte *dest, struct cte *src, struct cap c);
/* Delete's step: the slot leaves the list, its neighbours are joined, and it is empty. */
/*@ requires \valid(slot);
  @ requires slot->prev == \null || (\valid(slot->prev) && \separated(slot->prev, slot));
  @ requires slot->next == \null || (\valid(slot->next) && \separated(slot->next, slot));
  @ requires slot->prev != \null && slot->next != \null ==> \separated(slot->prev, slot->next);
  @ assigns slot->cap, slot->prev, slot->next, slot->flags, slot->prev->next, slot->next->prev;
  @ ensures \old(slot->prev) != \null ==> \old(slot->prev)->next == \old(slot->next);
  @ ensures \old(slot->next) != \null ==> \old(slot->next)->prev == \old(slot->prev);
  @ ensures slot->cap.type == OBJ_NULL;
  @ ensures slot->prev == \null && slot->next == \null && slot->flags == 0;
  @*/
void cte_unlink(struct cte *slot);
/*@ requires slot_fits(slot) && links_ok(slot);
  @ assigns \nothing;
  @ ensures \result ==> slot->next != \null && (slot->flags & CTE_REVOCABLE) != 0;
  @*/
bool cte_has_children(const struct cte *slot);
/*@ requires \valid_read(a) && \valid_read(b);
  @ assigns \nothing;
  @ ensures \result ==> a->type == b->type && a->type != OBJ_NULL && a->type != CAP_ZOMBIE;
  @*/
bool cap_same_object(const struct cap *a, const struct cap *b);
/*@ requires \valid_read(slot) && links_ok(slot);
  @ assigns \nothing;
  @*/
bool cte_is_final(const struct cte *slot);
/* derive (Copy, Mint): the capability made has the source's type and object, and no right
 * the source lacks; a badge is set only where asked, on an endpoint or a notification. */
/*@ requires cap_ok(src) && \valid(err) && \separated(err, src) && \separated(err, &current_error) &&
  @          \separated(src, &current_error);
  @ assigns *err, current_error;
  @ ensures \result.type == src->type;
  @ ensures \result.ptr == src->ptr;
  @ ensures \result.rights == (src->rights & rights);
  @ ensures *err == ERR_OK ==> src->type != OBJ_NULL && src->type != CAP_ZOMBIE && src->type != OBJ_UNTYPED &&
  @                            src->type != OBJ_PAGE_TABLE;
  @ ensures *err == ERR_OK && set_badge && (src->type == OBJ_ENDPOINT || src->type == OBJ_NOTIFICATION) ==>
  @   \result.data == badge && src->data == 0;
  @ ensures !set_badge && src->type != OBJ_FRAME && src->type != OBJ_LARGE_FRAME ==> \result.data == src->data;
  @*/
struct cap cap_derive(const struct cap *src, word_t rights, bool set_badge, word_t badge,
                      exception_t *err);

/* cspace.c */
struct lookup {
    struct cte *slot;
    enum lookup_failure failure;
};
/*@ requires cap_ok(root);
  @ assigns \nothing;
  @ ensures \result.failure == LF_NONE ==> \valid(\result.slot) && cap_ok(&\result.slot->cap);
  @ ensures \result.slot != \null ==> \valid(\result.slot) && cap_ok(&\result.slot->cap);
  @*/
struct lookup cspace_lookup_slot(const struct cap *root, word_t cptr, word_t depth);
/*@ requires \valid_read(t) && cap_ok(&t->slots[TCB_CSPACE].cap);
  @ assigns \nothing;
  @ ensures \result == \null || (\valid(\result) && cap_ok(&\result->cap));
  @*/
struct cte *cspace_lookup_cap(struct tcb *t, word_t cptr);
/*@ requires cap_ok(root) && \valid(out);
  @ assigns *out, current_error;
  @ ensures \result == ERR_OK ==> \valid(*out) && cap_ok(&(*out)->cap) && (*out)->cap.type == OBJ_NULL;
  @*/
exception_t lookup_dest_slot(const struct cap *root, word_t index, word_t depth, struct cte **out);
/*@ requires cap_ok(root) && \valid(out);
  @ assigns *out, current_error;
  @ ensures \result == ERR_OK ==> \valid(*out) && cap_ok(&(*out)->cap);
  @*/
exception_t lookup_src_slot(const struct cap *root, word_t index, word_t depth, struct cte **out);

/* delete.c */
exception_t cte_delete(struct cte *slot);
exception_t cte_revoke(struct cte *slot);
void cte_delete_nonfinal_or_simple(struct cte *slot);

/* untyped.c */
/*@ assigns \nothing;
  @ ensures type == OBJ_UNTYPED ==> \result == user_bits;
  @ ensures type == OBJ_CNODE ==> \result == user_bits + CTE_SIZE_BITS;
  @ ensures type != OBJ_UNTYPED && type != OBJ_CNODE ==> \result <= OBJ_LARGE_FRAME_SIZE_BITS;
  @*/
word_t object_size_bits(word_t type, word_t user_bits);

/* tcb.c */
void tcb_finalise(struct tcb *t);
void tcb_slot_emptied(struct tcb *t, enum tcb_slot which);
void tcb_init(struct tcb *t);
void tcb_set_state(struct tcb *t, enum thread_state s);
bool tcb_runnable(const struct tcb *t);
void tcb_suspend(struct tcb *t);
void tcb_resume(struct tcb *t);

/* sched.c */
extern struct tcb *current;
extern struct tcb *chosen;   /* set when the scheduler must pick again */
void sched_enqueue(struct tcb *t);
void sched_dequeue(struct tcb *t);
void sched_wake(struct tcb *t);
void sched_yield(void);
void sched_reschedule(void);
void schedule(void);
void sched_timer_tick(void);
extern word_t sched_ticks; /* timer ticks since boot */
void sched_set_priority(struct tcb *t, word_t prio);
void sched_set_partition(struct tcb *t, word_t partition);
void sched_set_schedule(const word_t *entries, word_t count);
bool sched_in_queue(const struct tcb *t);
void *sched_space_of(const struct tcb *t);
void sched_space_revoked(void);
extern bool sched_action_needed;

/* ipc.c */
void ipc_send(struct tcb *sender, struct endpoint *ep, word_t badge, bool blocking, bool is_call, bool can_grant);
void ipc_recv(struct tcb *receiver, struct cte *slot, bool blocking);
void ipc_reply(struct tcb *t);
void ipc_cancel(struct tcb *t);
void ipc_cancel_all(struct endpoint *ep);
void ipc_cancel_badged(struct endpoint *ep, word_t badge);
void ipc_do_transfer(struct tcb *sender, struct tcb *receiver, struct endpoint *ep, word_t badge, bool can_grant);
word_t ipc_get_mr(struct tcb *t, word_t i);
void ipc_set_mr(struct tcb *t, word_t i, word_t v);
void ipc_reply_error(struct tcb *t);

/* notification.c */
void notification_signal(struct notification *n, word_t badge);
void notification_wait(struct tcb *t, struct notification *n, bool blocking);
void notification_cancel(struct tcb *t);
void notification_cancel_all(struct notification *n);
void notification_unbind_tcb(struct tcb *t);
void notification_bind(struct notification *n, struct tcb *t);

/* fault.c */
void fault_raise(struct tcb *t, word_t kind, word_t d0, word_t d1, word_t d2);
void fault_reply(struct tcb *t, struct tcb *handler_reply_from);

/* vspace.c */
void frame_unmap_cap(struct cap *c);
void page_table_unmap_cap(struct cap *c);
void page_table_clear(const struct cap *c);
/* One mapping helper for VSpaces and GuestSpaces: the checks change nothing, the map cannot fail. */
exception_t frame_map_check(const struct cap *f, void *root, word_t addr, bool remap, struct frame_slot *slot);
exception_t page_table_map_check(const struct cap *t, void *root, word_t addr);
void page_table_map(struct cap *t, void *root, word_t asid, word_t addr, bool guest);

/* asid_pool.c: ASIDControl, ASID pools, the ASIDs of address spaces */
extern struct asid_pool *asid_pools[ASID_POOLS];
void *asid_lookup(word_t asid);
/* The root of a VSpace or GuestSpace capability whose ASID still names it, else NULL. Inline:
 * the scheduler and the IPC fast path ask on every switch. A capability's ASID is below ASIDS
 * (set by the kernel; invariants.c checks it), and the modulo keeps even a wrong one in the
 * table; ASID 0 names nothing, so an unassigned space has no root. */
static ALWAYS_INLINE void *space_root(const struct cap *c)
{
    const struct asid_pool *p = asid_pools[c->aux / ASID_POOL_ASIDS % ASID_POOLS];
    void *root = (void *)c->ptr;
    return p && p->space[c->aux % ASID_POOL_ASIDS] == root ? root : NULL;
}
void asid_release(const struct cap *c);
bool asid_pool_installed(const struct cap *c);
void asid_pool_finalise(const struct cap *c);
word_t asid_boot_pool(struct asid_pool *pool, void *root_vspace);

/* vcpu.c, guest_space.c: virtual CPUs and guest-physical spaces */
void vcpu_enter(struct tcb *t);
void vcpu_finalise(struct vcpu *v);
void vcpu_tcb_finalise(struct tcb *t);
void guest_space_finalise(const struct cap *c);

/* io_space.c: IOSpaceControl, PCI devices, IOSpaces (the IOMMU) */
void *io_space_root(const struct cap *c);
void io_space_unmap_frame(struct cap *f);
void io_space_unmap_table(struct cap *t);
void io_space_fault(word_t asid, word_t source, word_t address, word_t kind);
void io_space_finalise(const struct cap *c);
void io_space_pool_deleted(word_t range);
void pci_device_deleted(const struct cap *c);

/* irq.c: lines 0..IRQ_WIRED_LINES-1 are the platform's interrupt lines (IRQ_CONTROL GET),
 * IRQ_MSI_FIRST.. its MSI lines (PCI_DEVICE GET_MSI through io_space.c). IRQ_WIRED_LINES: abi_gen.h. */
#define IRQ_MSI_FIRST IRQ_WIRED_LINES
#define IRQ_MSI_LINES 64u
#define IRQ_LINES (IRQ_MSI_FIRST + IRQ_MSI_LINES)
void irq_handler_deleted(word_t irq);
void handle_interrupt(word_t irq);
word_t irq_msi_free_line(void); /* IRQ_LINES when every MSI line has a handler */
void irq_msi_issue(struct cte *device, struct cte *dest, word_t irq, word_t source);
void irq_msi_source_gone(word_t source);

/* ioport.c, domain.c */
void io_port_deleted(word_t range);

/* fastpath.c: return only when the slow path must handle the call */
bool fastpath_call(struct tcb *t);
bool fastpath_reply_recv(struct tcb *t);

/* syscall.c: entries from the platform */
NORETURN void handle_syscall(word_t number);
NORETURN void handle_user_exception(word_t kind, word_t d0, word_t d1, word_t d2);
NORETURN void handle_irq_entry(word_t irq);
NORETURN void handle_timer_entry(void);
NORETURN void kernel_exit(void);
bool preemption_point(void);

/* boot.c */
struct boot_region { paddr_t start, end; };
/* Device memory the kernel itself drives (interrupt controllers, IOMMUs): the platform leaves
 * it out of the device regions, and the boot info lists it (BH_KERNEL_DEVICE_* kinds). */
struct kernel_device { paddr_t start, end; word_t kind; };
struct boot_config {
    struct boot_region ram[64];
    word_t nram;
    struct boot_region device[64];
    word_t ndevice;
    struct boot_region reserved[16];   /* kernel image, boot module, firmware tables */
    word_t nreserved;
    struct kernel_device kept[16];
    word_t nkept;
    paddr_t module_start, module_end;  /* the boot archive */
};
NORETURN void kernel_boot(const struct boot_config *bc);

/* debug.c (debug builds) or release.c: the debug system calls; false when not one */
bool debug_syscall(struct tcb *t, word_t number);
/* The boot info's flags that say which variant this is (BH_BOOTINFO_DEBUG_CALLS or 0). */
extern const word_t debug_bootinfo_flags;

/* invariants.c */
word_t check_invariants(void);
void invariants_register_root(struct cte *slot);
word_t sched_active_partition(void);
bool sched_queue_consistent(void);

/* The generated decoders: decode_args_<object>_<op> checks what abi/bulkhead.abi states,
 * decode_invocation_<object> dispatches on the label to decode_<object>_<op> (in the object's
 * file), which checks the rest, changes nothing, and calls invoke_<object>_<op>. */
#include "decode_gen.h"

#endif
