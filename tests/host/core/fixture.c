/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The test world: root capabilities over a host buffer, threads, system calls. */
#include <stdlib.h>
#include <string.h>
#include "fixture.h"

unsigned char *fx_mem;
static struct cte *root_cnode;

void fx_init(void)
{
    fx_mem = aligned_alloc(BIT(BIG_UT_BITS), BIT(MEM_BITS));
    if (!fx_mem) abort();
    memset(fx_mem, 0, BIT(MEM_BITS));
}

struct cte *fx_slot(word_t i) { return &root_cnode[i]; }

void fx_put(word_t slot, struct cap c)
{
    cte_insert_root(NULL, fx_slot(slot), c);
    invariants_register_root(fx_slot(slot));
}

static struct cap untyped(word_t offset, word_t bits, bool device)
{
    return (struct cap){.type = OBJ_UNTYPED, .rights = RIGHTS_ALL, .size_bits = (uint8_t)bits,
                        .aux = device, .ptr = (word_t)(fx_mem + offset)};
}

void fx_boot(void)
{
    root_cnode = (struct cte *)fx_mem; /* the boot pool: the first 2 MiB */
    struct asid_pool *asids = (struct asid_pool *)(fx_mem + (1ul << 20));
    void *boot_vspace = fx_mem + (1ul << 20) + BIT(OBJ_ASID_POOL_SIZE_BITS);
    struct cap cn = {.type = OBJ_CNODE, .rights = RIGHTS_ALL, .size_bits = ROOT_RADIX,
                     .guard_bits = (uint8_t)(WORD_BITS - ROOT_RADIX), .ptr = (word_t)root_cnode};
    fx_put(S_CNODE, cn);
    fx_put(S_UT, untyped(BIT(BIG_UT_BITS), BIG_UT_BITS, false));
    fx_put(S_UT_SMALL, untyped(4ul << 20, SMALL_UT_BITS, false));
    fx_put(S_DEV_UT, untyped(2ul << 20, DEV_UT_BITS, true));
    fx_put(S_IRQ_CONTROL, (struct cap){.type = OBJ_IRQ_CONTROL, .rights = RIGHTS_ALL});
    fx_put(S_IO_PORT_CONTROL, (struct cap){.type = OBJ_IO_PORT_CONTROL, .rights = RIGHTS_ALL});
    fx_put(S_DOMAIN, (struct cap){.type = OBJ_DOMAIN_CONTROL, .rights = RIGHTS_ALL});
    fx_put(S_ASID_CONTROL, (struct cap){.type = OBJ_ASID_CONTROL, .rights = RIGHTS_ALL});
    fx_put(S_IO_SPACE_CONTROL, (struct cap){.type = OBJ_IO_SPACE_CONTROL, .rights = RIGHTS_ALL});
    ASSERT(asid_boot_pool(asids, boot_vspace) == 1);
    fx_put(S_ASID_POOL, (struct cap){.type = OBJ_ASID_POOL, .rights = RIGHTS_ALL, .ptr = (word_t)asids});
}

exception_t fx_decode(struct cte *slot, word_t label, const word_t *mr, word_t len, struct cte **caps, word_t ncaps)
{
    static struct message m;
    word_t out_length = 0;
    m.label = label;
    m.length = len;
    m.ncaps = ncaps;
    for (word_t i = 0; i < len; i++) m.mr[i] = mr[i];
    for (word_t i = 0; i < ncaps; i++) m.caps[i] = caps[i];
    return decode_invocation(slot, &m, &out_length);
}

exception_t fx_assign(word_t pool_slot, word_t slot)
{
    struct cte *caps[1] = {fx_slot(slot)};
    return fx_decode(fx_slot(pool_slot), INV_ASID_POOL_ASSIGN, NULL, 0, caps, 1);
}

exception_t fx_retype(word_t ut_slot, word_t type, word_t bits, word_t dest, word_t n)
{
    word_t mr[6] = {type, bits, 0, 0, dest, n};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    return fx_decode(fx_slot(ut_slot), INV_UNTYPED_RETYPE, mr, 6, caps, 1);
}

exception_t fx_cnode(word_t label, const word_t *mr, word_t len)
{
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    return fx_decode(fx_slot(S_CNODE), label, mr, len, caps, 1);
}

exception_t fx_copy(word_t src, word_t dest, word_t rights)
{
    word_t mr[5] = {dest, WORD_BITS, src, WORD_BITS, rights};
    return fx_cnode(INV_CNODE_COPY, mr, 5);
}

exception_t fx_mint(word_t src, word_t dest, word_t rights, word_t badge)
{
    word_t mr[6] = {dest, WORD_BITS, src, WORD_BITS, rights, badge};
    return fx_cnode(INV_CNODE_MINT, mr, 6);
}

static void give(struct tcb *t, enum tcb_slot which, struct cte *src)
{
    exception_t e;
    struct cap c = cap_derive(&src->cap, RIGHTS_ALL, false, 0, &e);
    ASSERT(e == ERR_OK);
    cte_insert_child(src, &t->slots[which], c);
}

struct tcb *fx_thread(word_t slot, word_t prio)
{
    return fx_thread_in(slot, prio, S_ASID_POOL);
}

struct tcb *fx_thread_in(word_t slot, word_t prio, word_t pool_slot)
{
    ASSERT(fx_retype(S_UT, OBJ_TCB, 0, slot, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_VSPACE, 0, slot + 1, 1) == ERR_OK);
    ASSERT(fx_assign(pool_slot, slot + 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_FRAME, 0, slot + 2, 1) == ERR_OK);
    struct tcb *t = cap_tcb(&fx_slot(slot)->cap);
    give(t, TCB_CSPACE, fx_slot(S_CNODE));
    give(t, TCB_VSPACE, fx_slot(slot + 1));
    give(t, TCB_IPC_BUFFER, fx_slot(slot + 2));
    t->ipc_buffer = (bh_ipc_buffer_t *)fx_slot(slot + 2)->cap.ptr;
    t->ipc_buffer_addr = 0x10000;
    t->ctx.ip = 0x400000;
    t->mcp = 255;
    t->priority = (uint8_t)prio;
    tcb_set_state(t, TS_RUNNING);
    return t;
}

static void syscall_entry(word_t number) { handle_syscall(number); }

enum fake_exit fx_syscall(struct tcb *t, word_t number)
{
    /* t runs, as if schedule() had chosen it: out of its ready queue (lazy scheduling), and
     * the thread it replaces, if still runnable, back in one. */
    if (current != t) {
        struct tcb *was = current;
        if (sched_in_queue(t)) sched_dequeue(t);
        current = t;
        if (was && tcb_runnable(was)) sched_enqueue(was);
    }
    t->ctx.ip += SYSCALL_INSN_BYTES; /* the trap saved the address after the instruction */
    return fake_enter(syscall_entry, number);
}

void fx_message(struct tcb *t, word_t cptr, word_t label, const word_t *mr, word_t len,
                const word_t *caps, word_t ncaps)
{
    t->ctx.cptr = cptr;
    t->ctx.info = bh_msginfo(label, 0, (unsigned)ncaps, (unsigned)len);
    for (word_t i = 0; i < len; i++) ipc_set_mr(t, i, mr[i]);
    for (word_t i = 0; i < ncaps; i++) t->ipc_buffer->caps_or_badges[i] = caps[i];
}

word_t fx_invoke(struct tcb *t, word_t cptr, word_t label, const word_t *mr, word_t len,
                 const word_t *caps, word_t ncaps)
{
    fx_message(t, cptr, label, mr, len, caps, ncaps);
    fx_syscall(t, (word_t)SYS_CALL);
    return bh_msginfo_label(t->ctx.info);
}

word_t fx_list_after(const struct cte *slot)
{
    word_t n = 0;
    for (const struct cte *s = slot->next; s; s = s->next) n++;
    return n;
}
