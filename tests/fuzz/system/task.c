/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The structured system-call fuzzer (tests/fuzz/system/sysfuzz.h). An unprivileged
 * process with 4 MiB of untyped memory makes sequences of typed operations on real objects:
 * retype at every size, map and unmap at random and boundary addresses, copy, mint, move,
 * mutate, delete and revoke, threads configured and started with random registers (their
 * faults go to the runner, which leaves them stopped), notifications bound and signalled,
 * VCPUs with random guest state entered, IPC with capability transfer, and now and then an
 * invocation with a random label and random words. Every call is made with random RFLAGS
 * bits (NT and AC around whole operations, the rest around the raw calls) and data segment
 * selectors. The kernel's invariant checker runs after every batch.
 *
 * A model of the playground slots (what each holds and what it derives from) picks the
 * operands. It marks what a revoke may have deleted as unknown rather than empty, so that it
 * never believes a slot holds anything but an endpoint when it holds one: the fuzzer never
 * Calls an endpoint nobody serves.
 */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "sysfuzz.h"
#include "arch_x86_64.h"
#include <bulkhead/arch/vcpu.h>

/* K_MAYBE: a slot a revoke may or may not have emptied (the model does not follow the
 * kernel's derivation rules exactly): never the target of a Call until deleted or found out. */
enum kind { K_EMPTY, K_UNTYPED, K_TCB, K_ENDPOINT, K_NOTIFICATION, K_CNODE, K_FRAME, K_LARGE_FRAME, K_PAGE_TABLE,
            K_VSPACE, K_VCPU, K_GUEST_SPACE, K_MAYBE, K_KINDS };

static const bh_word_t object_of_kind[K_KINDS] = {
    [K_UNTYPED] = BH_OBJ_UNTYPED,       [K_TCB] = BH_OBJ_TCB,         [K_ENDPOINT] = BH_OBJ_ENDPOINT,
    [K_NOTIFICATION] = BH_OBJ_NOTIFICATION, [K_CNODE] = BH_OBJ_CNODE, [K_FRAME] = BH_OBJ_FRAME,
    [K_LARGE_FRAME] = BH_OBJ_LARGE_FRAME, [K_PAGE_TABLE] = BH_OBJ_PAGE_TABLE, [K_VSPACE] = BH_OBJ_VSPACE,
    [K_VCPU] = BH_OBJ_VCPU,             [K_GUEST_SPACE] = BH_OBJ_GUEST_SPACE,
};

struct slot_model {
    uint8_t kind;
    uint8_t parent; /* the slot it derives from, 0 for none */
};
static struct slot_model model[SF_PLAYGROUND_END];

enum op { OP_RETYPE, OP_COPY, OP_MINT, OP_MOVE, OP_MUTATE, OP_DELETE, OP_REVOKE, OP_FRAME_MAP, OP_FRAME_UNMAP,
          OP_TABLE_MAP, OP_TABLE_UNMAP, OP_TCB_CONFIGURE, OP_TCB_WRITE_REGS, OP_TCB_READ_REGS, OP_TCB_RESUME,
          OP_TCB_SUSPEND, OP_TCB_PRIORITY, OP_TCB_BIND, OP_TCB_FAULT_HANDLER, OP_SIGNAL, OP_POLL, OP_ENDPOINT_NB,
          OP_TRANSFER, OP_VCPU_BIND, OP_VCPU_SPACE, OP_VCPU_WRITE, OP_VCPU_READ, OP_VM_ENTER, OP_GUEST_MAP,
          OP_YIELD, OP_RANDOM_INVOCATION, OP_ASID_ASSIGN, OP_COUNT };

static const char *const op_names[OP_COUNT] = {
    "retype", "copy", "mint", "move", "mutate", "delete", "revoke", "frame_map", "frame_unmap", "table_map",
    "table_unmap", "tcb_configure", "tcb_write_registers", "tcb_read_registers", "tcb_resume", "tcb_suspend",
    "tcb_priority", "tcb_bind_notification", "tcb_fault_handler", "signal", "poll", "endpoint_nb", "ipc_transfer",
    "vcpu_bind", "vcpu_space", "vcpu_write_state", "vcpu_read_state", "vm_enter", "guest_map", "yield",
    "random_invocation", "asid_assign",
};
/* Relative frequencies. */
static const uint8_t op_weight[OP_COUNT] = {
    14, 6, 6, 4, 3, 8, 3, 8, 3, 6, 2, 4, 5, 2, 3, 2, 2, 2, 2, 3, 2, 3, 5, 2, 2, 6, 2, 3, 4, 1, 6, 5,
};
static unsigned op_tried[OP_COUNT], op_ok[OP_COUNT];
static uint64_t op_ticks[OP_COUNT]; /* time-stamp counter ticks spent, for the campaign's profile */

static uint64_t rng, trace;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

/* Addresses: mostly inside a window of our own, often at the edges of user space. */
#define WINDOW 0x0000100000000000ull
static bh_word_t random_vaddr(void)
{
    switch (rnd() % 10) {
    case 0: return 0;
    case 1: return 0x00007ffffffff000ull - 4096 * (rnd() % 4);     /* the top of user space */
    case 2: return 0x0000800000000000ull + 4096 * (rnd() % 4);     /* the canonical hole */
    case 3: return 0xffff800000000000ull + 4096 * (rnd() % 1024);  /* the kernel half */
    case 4: return WINDOW + (rnd() % 64) * 0x200000ull;            /* large-page aligned */
    case 5: return WINDOW + (rnd() % 0x40000) * 4096 + rnd() % 4096; /* unaligned */
    case 6: return rnd();
    default: return WINDOW + (rnd() % 0x4000) * 4096;
    }
}

static bh_word_t interesting(void)
{
    switch (rnd() % 10) {
    case 0: return 0;
    case 1: return 1;
    case 2: return rnd() % 64;
    case 3: return 1ull << (rnd() % 64);
    case 4: return (bh_word_t)-1 - rnd() % 4;
    case 5: return random_vaddr();
    case 6: return SF_PLAYGROUND + rnd() % (SF_PLAYGROUND_END - SF_PLAYGROUND);
    default: return rnd();
    }
}

static unsigned playground_slot(void)
{
    return SF_PLAYGROUND + (unsigned)(rnd() % (SF_PLAYGROUND_END - SF_PLAYGROUND));
}

/* A slot believed to hold `kind` (K_EMPTY: an empty one), or 0. */
static unsigned find_slot(unsigned kind)
{
    unsigned start = playground_slot();
    for (unsigned i = 0; i < SF_PLAYGROUND_END - SF_PLAYGROUND; i++) {
        unsigned s = SF_PLAYGROUND + (start - SF_PLAYGROUND + i) % (SF_PLAYGROUND_END - SF_PLAYGROUND);
        if (model[s].kind == kind) return s;
    }
    return 0;
}

static unsigned find_full(void)
{
    unsigned start = playground_slot();
    for (unsigned i = 0; i < SF_PLAYGROUND_END - SF_PLAYGROUND; i++) {
        unsigned s = SF_PLAYGROUND + (start - SF_PLAYGROUND + i) % (SF_PLAYGROUND_END - SF_PLAYGROUND);
        if (model[s].kind != K_EMPTY) return s;
    }
    return 0;
}

/* Derives from `anc` (through parent links), not counting the slot itself. */
static int descends_from(unsigned s, unsigned anc)
{
    for (unsigned p = model[s].parent, n = 0; p && n < SF_PLAYGROUND_END; p = model[p].parent, n++)
        if (p == anc) return 1;
    return 0;
}

static void forget(unsigned s)
{
    for (unsigned t = SF_PLAYGROUND; t < SF_PLAYGROUND_END; t++)
        if (model[t].parent == s) model[t].parent = model[s].parent;
    model[s].kind = K_EMPTY;
    model[s].parent = 0;
}

static void revoked(unsigned s)
{
    /* Everything the playground holds derives from the untyped: all of it goes. */
    if (s == SF_UNTYPED_SLOT) {
        for (unsigned t = SF_PLAYGROUND; t < SF_PLAYGROUND_END; t++) model[t] = (struct slot_model){K_EMPTY, 0};
        return;
    }
    for (unsigned t = SF_PLAYGROUND; t < SF_PLAYGROUND_END; t++)
        if (t != s && model[t].kind != K_EMPTY && descends_from(t, s)) model[t].kind = K_MAYBE;
}

static void moved(unsigned from, unsigned to)
{
    model[to] = model[from];
    for (unsigned t = SF_PLAYGROUND; t < SF_PLAYGROUND_END; t++)
        if (model[t].parent == from) model[t].parent = (uint8_t)to;
    model[from].kind = K_EMPTY;
    model[from].parent = 0;
}

/* The call itself: random RFLAGS bits around it; the error label back. */
static int invoke(bh_word_t nr, bh_cptr_t dest, bh_word_t label, unsigned ncaps, unsigned len)
{
    bh_word_t d = dest;
    bh_msginfo_t r = sf_syscall(nr, &d, bh_msginfo(label, 0, ncaps, len), sf_random_flags(rnd()));
    return (int)bh_msginfo_label(r);
}

static int call(bh_cptr_t dest, bh_word_t label, unsigned ncaps, unsigned len)
{
    return invoke((bh_word_t)BH_SYS_CALL, dest, label, ncaps, len);
}

static unsigned random_kind(void)
{
    static const uint8_t kinds[] = {K_UNTYPED, K_TCB, K_TCB, K_ENDPOINT, K_NOTIFICATION, K_NOTIFICATION, K_CNODE,
                                    K_FRAME, K_FRAME, K_FRAME, K_LARGE_FRAME, K_PAGE_TABLE, K_PAGE_TABLE,
                                    K_PAGE_TABLE, K_VSPACE, K_VCPU, K_GUEST_SPACE};
    return kinds[rnd() % sizeof kinds];
}

static int op_retype(void)
{
    unsigned ut = rnd() % 4 ? find_slot(K_UNTYPED) : SF_UNTYPED_SLOT, kind = random_kind();
    if (!ut) ut = rnd() % 8 ? SF_UNTYPED_SLOT : playground_slot();
    if (model[ut].kind == K_ENDPOINT || model[ut].kind == K_MAYBE) return -1; /* a Call there may wait for ever */
    bh_word_t size_bits = 0;
    if (kind == K_UNTYPED) size_bits = 4 + rnd() % 20;
    if (kind == K_CNODE) size_bits = rnd() % 8;
    if (rnd() % 16 == 0) size_bits = interesting();
    unsigned n = 1 + (unsigned)(rnd() % 3), dest = find_slot(K_EMPTY);
    if (!dest || rnd() % 32 == 0) dest = playground_slot();
    if (dest + n > SF_PLAYGROUND_END) n = SF_PLAYGROUND_END - dest;
    if (trace) bh_printf("[sysfuzz]   untyped %u (kind %u): %u of kind %u, %lu bits, at %u\n", ut, model[ut].kind, n, kind, (unsigned long)size_bits, dest);
    int err = bh_untyped_retype(ut, object_of_kind[kind], size_bits, SF_CNODE, 0, 0, dest, n);
    if (err == BH_ERR_OK)
        for (unsigned i = 0; i < n; i++) model[dest + i] = (struct slot_model){(uint8_t)kind, (uint8_t)ut};
    return err;
}

static bh_word_t random_rights(void)
{
    return rnd() % 4 ? BH_RIGHTS_ALL : rnd() % 16;
}

/* Copy, mint, move, mutate: the CNode invocations on our own CNode (depth 8). */
static int op_cnode_transfer(enum op op)
{
    unsigned src = find_full(), dest = find_slot(K_EMPTY);
    if (!src) return -1;
    if (!dest || rnd() % 16 == 0) dest = playground_slot();
    bh_word_t depth = rnd() % 32 ? BH_PROC_CNODE_RADIX : interesting();
    int err;
    switch (op) {
    case OP_COPY: err = bh_cnode_copy(SF_CNODE, dest, depth, SF_CNODE, src, depth, random_rights()); break;
    case OP_MINT: err = bh_cnode_mint(SF_CNODE, dest, depth, SF_CNODE, src, depth, random_rights(), interesting()); break;
    case OP_MOVE: err = bh_cnode_move(SF_CNODE, dest, depth, SF_CNODE, src, depth); break;
    default: err = bh_cnode_mutate(SF_CNODE, dest, depth, SF_CNODE, src, depth, interesting()); break;
    }
    if (trace) bh_printf("[sysfuzz]   %u (kind %u) -> %u: %d\n", src, model[src].kind, dest, err);
    if (err == BH_ERR_OK) {
        if (op == OP_COPY || op == OP_MINT) model[dest] = (struct slot_model){model[src].kind, (uint8_t)src};
        else moved(src, dest);
    }
    return err;
}

static int op_delete_or_revoke(enum op op)
{
    unsigned s = find_full();
    if (!s || rnd() % 32 == 0) s = playground_slot();
    if (op == OP_DELETE) {
        int err = bh_cnode_delete(SF_CNODE, s, BH_PROC_CNODE_RADIX);
        if (err == BH_ERR_OK) forget(s);
        return err;
    }
    if (rnd() % 16 == 0) s = SF_UNTYPED_SLOT;
    int err = bh_cnode_revoke(SF_CNODE, s, BH_PROC_CNODE_RADIX);
    if (err == BH_ERR_OK) revoked(s);
    return err;
}

/* A VSpace of ours (never our own: the threads we make must not scribble on us). */
static bh_cptr_t some_vspace(void)
{
    unsigned v = find_slot(K_VSPACE);
    return v ? v : playground_slot();
}

/* Addresses where a table went in lately, per space: tables and frames go near them, so that
 * all three levels below a VSpace's root come together and frames find their tables. */
#define HOT_SPOTS 8
struct hot_spot {
    bh_cptr_t space;
    bh_word_t vaddr;
};
static struct hot_spot hot[HOT_SPOTS];

static void hot_spot(bh_cptr_t space, bh_word_t vaddr)
{
    hot[rnd() % HOT_SPOTS] = (struct hot_spot){space, vaddr};
}

/* A space and an address for a mapping: near a hot spot, or anywhere. */
static void mapping_target(bh_cptr_t *space, bh_word_t *vaddr, bh_word_t align_mask)
{
    unsigned h = (unsigned)(rnd() % HOT_SPOTS);
    if (hot[h].space && rnd() % 4) {
        *space = hot[h].space;
        *vaddr = ((hot[h].vaddr & ~0x1fffffull) + (rnd() % 512) * 4096) & ~align_mask;
        return;
    }
    *space = rnd() % 3 ? some_vspace() : SF_VSPACE;
    *vaddr = random_vaddr();
}

static int op_frame(enum op op)
{
    unsigned f = find_slot(rnd() % 8 ? K_FRAME : K_LARGE_FRAME);
    if (!f) return -1;
    int err;
    if (op == OP_FRAME_UNMAP) {
        err = rnd() % 2 ? bh_frame_unmap(f) : call(f, BH_INV_FRAME_GET_ADDRESS, 0, 0);
    } else {
        /* Into one of our VSpaces, or our own at an address we never use ourselves. */
        bh_cptr_t vs;
        bh_word_t va;
        mapping_target(&vs, &va, model[f].kind == K_LARGE_FRAME ? 0x1fffffull : 0);
        err = bh_frame_map(f, vs, va, random_rights(), rnd() % 4);
    }
    return err;
}

static int op_table(enum op op)
{
    unsigned t = find_slot(K_PAGE_TABLE);
    if (!t) return -1;
    if (op == OP_TABLE_UNMAP) return bh_page_table_unmap(t);
    bh_cptr_t vs;
    bh_word_t va;
    mapping_target(&vs, &va, 0);
    int err = bh_page_table_map(t, vs, va);
    if (err == BH_ERR_OK) hot_spot(vs, va);
    return err;
}

/* Registers in BH_REG_* order: rip rsp rflags, then the rest; all of them random. */
static int op_tcb_write_registers(unsigned t)
{
    bh_word_t regs[19];
    for (unsigned i = 0; i < 19; i++) regs[i] = interesting();
    if (rnd() % 2) regs[0] = random_vaddr();
    if (rnd() % 2) regs[2] = rnd() | 0x202; /* every RFLAGS bit, IOPL, NT, VM and TF included */
    unsigned n = rnd() % 8 ? 19 : (unsigned)(rnd() % 22);
    return bh_tcb_write_registers(t, rnd() % 2, regs, n);
}

static int op_tcb(enum op op)
{
    unsigned t = find_slot(K_TCB);
    if (!t) return -1;
    int err;
    switch (op) {
    case OP_TCB_CONFIGURE: {
        unsigned cn = find_slot(K_CNODE), frame = find_slot(K_FRAME);
        err = bh_tcb_configure(t, cn ? cn : playground_slot(), some_vspace(), frame ? frame : playground_slot(),
                               rnd() % 2 ? random_vaddr() : WINDOW + (rnd() % 64) * 1024);
        break;
    }
    case OP_TCB_WRITE_REGS: err = op_tcb_write_registers(t); break;
    case OP_TCB_READ_REGS: {
        bh_word_t r;
        err = bh_tcb_read_registers(t, rnd() % 2, rnd() % 22, &r);
        break;
    }
    case OP_TCB_RESUME: err = bh_tcb_resume(t); break;
    case OP_TCB_SUSPEND: err = bh_tcb_suspend(t); break;
    case OP_TCB_PRIORITY:
        err = rnd() % 2 ? bh_tcb_set_priority(t, rnd() % 260, SF_TCB) : bh_tcb_set_mc_priority(t, rnd() % 260, SF_TCB);
        break;
    case OP_TCB_BIND: {
        unsigned n = find_slot(K_NOTIFICATION);
        err = rnd() % 3 ? bh_tcb_bind_notification(t, n ? n : playground_slot()) : bh_tcb_unbind_notification(t);
        break;
    }
    default: {
        /* Its faults go to the runner, which leaves it stopped; or to an endpoint of ours. */
        unsigned ep = rnd() % 2 ? SF_SERVICE : find_slot(K_ENDPOINT);
        err = rnd() % 4 ? bh_tcb_set_fault_handler(t, ep ? ep : playground_slot())
                        : bh_tcb_set_tls_base(t, random_vaddr());
        break;
    }
    }
    return err;
}

static int op_notification(enum op op)
{
    unsigned n = find_slot(K_NOTIFICATION);
    if (!n) return -1;
    /* Neither reports an error: the returned label is a received message's, or ours. */
    (void)invoke(op == OP_SIGNAL ? (bh_word_t)BH_SYS_SEND : (bh_word_t)BH_SYS_NBRECV, n, 0, 0, 0);
    return 0;
}

/* Endpoints of ours: never a blocking operation (nobody serves them). */
static int op_endpoint(void)
{
    unsigned e = find_slot(K_ENDPOINT);
    if (!e) return -1;
    bh_set_cap(0, find_full());
    (void)invoke(rnd() % 2 ? (bh_word_t)BH_SYS_NBSEND : (bh_word_t)BH_SYS_NBRECV, e, rnd() % 8, rnd() % 2,
                 (unsigned)(rnd() % 6));
    return 0; /* no error channel: the label back is a received message's, or ours */
}

/* A Call to the runner carrying up to three of our capabilities (it keeps none). */
static int op_transfer(void)
{
    unsigned ncaps = (unsigned)(rnd() % 4);
    for (unsigned i = 0; i < 3; i++) bh_set_cap(i, rnd() % 8 ? find_full() : playground_slot());
    bh_ipc_buffer_t *b = bh_ipc_buffer();
    b->receive_cnode = 0;
    b->receive_index = find_slot(K_EMPTY);
    b->receive_depth = 64;
    unsigned len = (unsigned)(rnd() % 8);
    for (unsigned i = 0; i < len; i++) bh_set_mr(i, interesting());
    return call(SF_SERVICE, rnd() % 16, ncaps, len);
}

static int op_vcpu(enum op op)
{
    unsigned v = find_slot(K_VCPU);
    if (!v) return -1;
    int err;
    switch (op) {
    case OP_VCPU_BIND: {
        /* Ourselves (so that VM_ENTER runs it) or a thread of ours. */
        unsigned t = find_slot(K_TCB);
        err = bh_vcpu_set_tcb(v, rnd() % 2 || !t ? SF_TCB : t);
        break;
    }
    case OP_VCPU_SPACE: {
        unsigned g = find_slot(K_GUEST_SPACE);
        err = bh_vcpu_set_space(v, g ? g : playground_slot());
        break;
    }
    case OP_VCPU_WRITE: {
        bh_word_t values[8], first = rnd() % (BH_VCPU_STATE_COUNT + 2);
        unsigned n = 1 + (unsigned)(rnd() % 8);
        for (unsigned i = 0; i < n; i++) values[i] = interesting();
        err = bh_vcpu_write_state(v, first, values, n);
        if (trace && err == BH_ERR_OK)
            for (unsigned i = 0; i < n; i++) bh_printf("[sysfuzz]   vcpu %u state %lu = %lx\n", v, (unsigned long)(first + i), (unsigned long)values[i]);
        break;
    }
    default: {
        bh_word_t value;
        err = bh_vcpu_read_state(v, rnd() % (BH_VCPU_STATE_COUNT + 2), 1 + rnd() % 4, &value);
        break;
    }
    }
    return err;
}

/* Runs whatever VCPU is bound to us, with random guest state, to its next exit. */
static int op_vm_enter(void)
{
    unsigned len = rnd() % 2;
    bh_set_mr(0, rnd() % 2 ? 0x1000 * (rnd() % 16) : interesting());
    return invoke((bh_word_t)BH_SYS_VM_ENTER, 0, 0, 0, len);
}

static int op_guest_map(void)
{
    unsigned g = find_slot(K_GUEST_SPACE);
    if (!g) return -1;
    bh_word_t gpa = rnd() % 2 ? 0x1000 * (rnd() % 64) : random_vaddr();
    if (rnd() % 2) {
        unsigned t = find_slot(K_PAGE_TABLE);
        return t ? bh_guest_space_map_table(g, t, gpa) : -1;
    }
    unsigned f = find_slot(K_FRAME);
    return f ? bh_guest_space_map_frame(g, f, gpa, rnd() % 16) : -1;
}

/* Any label on a capability we hold, random words and capabilities: the decoders' edges. */
static int op_random_invocation(void)
{
    unsigned s = find_full();
    if (!s || model[s].kind == K_ENDPOINT || model[s].kind == K_MAYBE) return -1;
    unsigned len = (unsigned)(rnd() % 10);
    for (unsigned i = 0; i < len; i++) bh_set_mr(i, interesting());
    for (unsigned i = 0; i < 3; i++) bh_set_cap(i, rnd() % 4 ? find_full() : playground_slot());
    return call(s, rnd() % (BH_INV_COUNT + 3), (unsigned)(rnd() % 4), len);
}

/* A space we made gets an ASID from our pool (without one it can be neither used nor copied). */
static int op_asid_assign(void)
{
    unsigned s = find_slot(rnd() % 2 ? K_VSPACE : K_GUEST_SPACE);
    if (!s || rnd() % 32 == 0) s = playground_slot();
    return bh_asid_pool_assign(SF_ASID_POOL, s);
}

static enum op pick_op(void)
{
    static unsigned total;
    if (!total)
        for (unsigned i = 0; i < OP_COUNT; i++) total += op_weight[i];
    unsigned r = (unsigned)(rnd() % total);
    for (unsigned i = 0; i < OP_COUNT; i++) {
        if (r < op_weight[i]) return (enum op)i;
        r -= op_weight[i];
    }
    return OP_YIELD;
}

/* One operation; -1 when it found no operand (not a call). */
static int one_op(enum op op)
{
    switch (op) {
    case OP_RETYPE: return op_retype();
    case OP_COPY: case OP_MINT: case OP_MOVE: case OP_MUTATE: return op_cnode_transfer(op);
    case OP_DELETE: case OP_REVOKE: return op_delete_or_revoke(op);
    case OP_FRAME_MAP: case OP_FRAME_UNMAP: return op_frame(op);
    case OP_TABLE_MAP: case OP_TABLE_UNMAP: return op_table(op);
    case OP_TCB_CONFIGURE: case OP_TCB_WRITE_REGS: case OP_TCB_READ_REGS: case OP_TCB_RESUME:
    case OP_TCB_SUSPEND: case OP_TCB_PRIORITY: case OP_TCB_BIND: case OP_TCB_FAULT_HANDLER: return op_tcb(op);
    case OP_SIGNAL: case OP_POLL: return op_notification(op);
    case OP_ENDPOINT_NB: return op_endpoint();
    case OP_TRANSFER: return op_transfer();
    case OP_VCPU_BIND: case OP_VCPU_SPACE: case OP_VCPU_WRITE: case OP_VCPU_READ: return op_vcpu(op);
    case OP_VM_ENTER: return op_vm_enter();
    case OP_GUEST_MAP: return op_guest_map();
    case OP_YIELD: (void)invoke((bh_word_t)BH_SYS_YIELD, 0, 0, 0, 0); return 0;
    case OP_ASID_ASSIGN: return op_asid_assign();
    default: return op_random_invocation();
    }
}

int program_main(bh_word_t arg)
{
    (void)arg;
    bh_call(SF_REPORT, bh_msginfo(SF_GET_PARAMS, 0, 0, 0));
    uint64_t calls = bh_get_mr(0), batch = bh_get_mr(2);
    trace = bh_get_mr(3) & 1;
    int no_guests = (bh_get_mr(3) & 2) != 0; /* no VM_ENTER: see tools/sysfuzz.sh --no-guests */
    rng = bh_get_mr(1) ? bh_get_mr(1) : SF_DEFAULT_SEED;
    model[SF_UNTYPED_SLOT].kind = K_UNTYPED;
    uint64_t done = 0, ok = 0, violations = 0, check_ticks = 0;
    while (done < calls) {
        if (rnd() % 8 == 0) sf_random_selectors(rnd());
        enum op op = pick_op();
        if (no_guests && op == OP_VM_ENTER) continue;
        if (trace) bh_printf("[sysfuzz] call %llu: %s\n", (unsigned long long)done, op_names[op]);
        uint64_t t0 = sf_timestamp();
        sf_set_sticky_flags(rnd());
        int err = one_op(op);
        sf_clear_sticky_flags();
        op_ticks[op] += sf_timestamp() - t0;
        if (trace) bh_printf("[sysfuzz]   -> %d\n", err);
        if (err < 0) continue;
        op_tried[op]++;
        if (err == BH_ERR_OK) {
            op_ok[op]++;
            ok++;
        }
        if (++done % batch == 0) {
            uint64_t c0 = sf_timestamp();
            bh_word_t v = bh_debug_check_kernel();
            check_ticks += sf_timestamp() - c0;
            violations += v;
            if (v) bh_printf("[sysfuzz] after call %llu: %lu invariant violations\n", (unsigned long long)done, (unsigned long)v);
            bh_set_mr(0, done);
            bh_set_mr(1, ok);
            bh_set_mr(2, violations);
            bh_call(SF_REPORT, bh_msginfo(SF_PROGRESS, 0, 0, 3));
        }
    }
    bh_printf("[sysfuzz] %-22s %8llu calls %8s           %12llu ticks\n", "invariant_check",
              (unsigned long long)(done / batch), "", (unsigned long long)check_ticks);
    for (unsigned i = 0; i < OP_COUNT; i++)
        bh_printf("[sysfuzz] %-22s %8u calls %8u succeeded %12llu ticks\n", op_names[i], op_tried[i], op_ok[i],
                  (unsigned long long)op_ticks[i]);
    bh_set_mr(0, done);
    bh_set_mr(1, ok);
    bh_set_mr(2, violations);
    bh_call(SF_REPORT, bh_msginfo(SF_DONE, 0, 0, 3));
    return 0;
}
