/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The kernel invariant checker (reachable through the DEBUG_CHECK_KERNEL system call).
 * It walks every capability list from the boot capabilities (every capability descends from
 * one of them) and checks the links, the capabilities and the threads they reach; then the
 * ready queues. Returns the number of violations and prints each.
 */
#include "kernel.h"

#define MAX_ROOTS 256u
#define MAX_WALK (1ul << 24)

static struct cte *roots[MAX_ROOTS];
static word_t nroots;

void invariants_register_root(struct cte *slot)
{
    if (nroots < MAX_ROOTS) roots[nroots++] = slot;
}

static word_t violation(const char *what, const void *where)
{
    kprintf("[kernel] invariant violated: %s at %p\n", what, where);
    return 1;
}

static word_t check_tcb(const struct tcb *t)
{
    word_t bad = 0;
    bool blocked = t->state == TS_BLOCKED_SEND || t->state == TS_BLOCKED_RECV || t->state == TS_BLOCKED_NOTIFICATION;
    if (t->state > TS_BLOCKED_NOTIFICATION) bad += violation("thread state out of range", t);
    if (blocked && !t->blocked_on) bad += violation("blocked thread without an object", t);
    /* Lazy scheduling (sched.c): every runnable thread but the running one is queued. */
    if (t == current ? sched_in_queue(t) : tcb_runnable(t) != sched_in_queue(t))
        bad += violation("runnable thread not in its ready queue (or back), or the running thread in one", t);
    if (t->partition >= PARTITIONS) bad += violation("partition out of range", t);
    if (t->ipc_buffer && t->slots[TCB_IPC_BUFFER].cap.type == OBJ_NULL) bad += violation("IPC buffer without frame", t);
    if (t->reply_to && t->reply_to->blocked_on != t) bad += violation("reply link not mutual", t);
    if (t->bound && t->bound->bound != t) bad += violation("notification binding not mutual", t);
    return bad;
}

/* kernel/proof.h's object_fits: the last byte of the object (an Untyped's region, a CNode's
 * slots, at most a large frame for the rest) has an address below the top, so that
 * cap.c's region comparisons (ptr + 2^bits - 1) never wrap. */
static bool object_fits(const struct cap *c)
{
    word_t bits = OBJ_LARGE_FRAME_SIZE_BITS;
    if (c->type == OBJ_UNTYPED) bits = untyped_size_bits(c);
    if (c->type == OBJ_CNODE) bits = cnode_radix(c) + CTE_SIZE_BITS;
    return bits < WORD_BITS && c->ptr < ~0ul - MASK(bits);
}

static word_t check_cap(const struct cte *s)
{
    const struct cap *c = &s->cap;
    word_t bad = 0;
    if (c->type >= OBJ_COUNT && c->type != CAP_ZOMBIE) bad += violation("capability type out of range", s);
    if (c->type == OBJ_UNTYPED && untyped_watermark(c) > BIT(untyped_size_bits(c)))
        bad += violation("untyped watermark beyond its size", s);
    /* kernel/proof.h's cnode_ok_shape assumes exactly this (radix 1..63: MASK(radix) is defined). */
    if (c->type == OBJ_CNODE && (cnode_radix(c) == 0 || cnode_radix(c) >= WORD_BITS ||
                                 cnode_radix(c) + cnode_guard_bits(c) > WORD_BITS))
        bad += violation("CNode radix/guard out of range", s);
    else if (!object_fits(c)) bad += violation("object past the end of the address space", s);
    if (c->type == OBJ_TCB) bad += check_tcb(cap_tcb(c));
    if (cap_is_frame(c) && mapping_present(c) && mapping_asid(c) >= ASIDS)
        bad += violation("frame mapped with an invalid ASID", s);
    if ((c->type == OBJ_VSPACE || c->type == OBJ_GUEST_SPACE || c->type == OBJ_IO_SPACE) && space_asid(c) >= ASIDS)
        bad += violation("address space with an invalid ASID", s);
    if (c->type == OBJ_ASID_POOL && !asid_pool_installed(c)) bad += violation("ASID pool not in the kernel's table", s);
    return bad;
}

static word_t check_list(struct cte *root, word_t *walked)
{
    word_t bad = 0;
    for (struct cte *s = root; s && *walked < MAX_WALK; s = s->next, (*walked)++) {
        if (s->next && s->next->prev != s) bad += violation("derivation list: next->prev != self", s);
        if (s->prev && s->prev->next != s) bad += violation("derivation list: prev->next != self", s);
        if (s->cap.type == OBJ_NULL) bad += violation("empty slot in the derivation list", s);
        bad += check_cap(s);
    }
    return bad;
}

word_t check_invariants(void)
{
    word_t bad = 0, walked = 0;
    for (word_t i = 0; i < nroots; i++) {
        struct cte *r = roots[i];
        if (r->cap.type == OBJ_NULL) continue;
        while (r->prev) r = r->prev;
        bad += check_list(r, &walked);
    }
    if (!sched_queue_consistent()) bad += violation("ready queues or their bitmap", NULL);
    if (current && !tcb_runnable(current)) bad += violation("current thread not runnable at kernel entry", current);
    return bad;
}
