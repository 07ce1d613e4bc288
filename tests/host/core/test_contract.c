/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The ABI description as a contract, checked against the kernel core. Two parts, both driven by
 * what tools/abigen generated from abi/bulkhead.abi (decode_gen.h):
 *  - contract_generated_checks walks abi_invocations[] and provokes every check the description
 *    states (length, capability count, ranges, array counts, capability types and rights) on
 *    every invocation, expecting the exact error and detail, and that nothing changed;
 *  - ABI_DOCUMENTED_ERRORS registers one test per `error` line, contract_<OBJ>_<OP>_<ERROR>,
 *    which runs provoke_<OBJ>_<OP>_<ERROR> below and expects exactly that error. A documented
 *    error without a provoker does not compile, nor does a provoker without its error line.
 */
#include <string.h>
#include "harness.h"
#include "fixture.h"

/* Objects, one of each kind the invocations need, in root slots from O. */
#define O 20u
enum { O_TCB = O, O_VSPACE, O_IPC_FRAME, O_EP, O_NTFN, O_FRAME, O_LARGE, O_PT, O_GS, O_IRQ, O_PORTS, O_VCPU,
       O_UT4K, O_SPARE, O_IOS, O_PCI, O_END };
#define PCI_SOURCE 0x18u /* 00:03.0 */
#define FREE_SLOT 200u

static _Alignas(1u << OBJ_VCPU_SIZE_BITS) unsigned char vcpu_mem[1u << OBJ_VCPU_SIZE_BITS];

static void world(void)
{
    fx_thread(O_TCB, 10); /* O_TCB, O_VSPACE, O_IPC_FRAME */
    tcb_suspend(cap_tcb(&fx_slot(O_TCB)->cap));
    ASSERT(fx_retype(S_UT, OBJ_ENDPOINT, 0, O_EP, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_NOTIFICATION, 0, O_NTFN, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_FRAME, 0, O_FRAME, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_LARGE_FRAME, 0, O_LARGE, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, O_PT, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_GUEST_SPACE, 0, O_GS, 1) == ERR_OK);
    ASSERT(fx_assign(S_ASID_POOL, O_GS) == ERR_OK);
    word_t irq[3] = {5, O_IRQ, WORD_BITS};
    struct cte *cn[1] = {fx_slot(S_CNODE)};
    ASSERT(fx_decode(fx_slot(S_IRQ_CONTROL), INV_IRQ_CONTROL_GET, irq, 3, cn, 1) == ERR_OK);
    word_t ports[4] = {0x70, 0x77, O_PORTS, WORD_BITS};
    ASSERT(fx_decode(fx_slot(S_IO_PORT_CONTROL), INV_IO_PORT_CONTROL_ISSUE, ports, 4, cn, 1) == ERR_OK);
    /* The fake platform has no virtualization, so Retype makes no VCPU: one made by hand. */
    fx_put(O_VCPU, (struct cap){.type = OBJ_VCPU, .rights = RIGHTS_ALL, .ptr = (word_t)vcpu_mem});
    ASSERT(fx_retype(S_UT, OBJ_UNTYPED, OBJ_ASID_POOL_SIZE_BITS, O_UT4K, 1) == ERR_OK);
    ASSERT(fx_retype(S_UT, OBJ_IO_SPACE, 0, O_IOS, 1) == ERR_OK);
    ASSERT(fx_assign(S_ASID_POOL, O_IOS) == ERR_OK);
    word_t pci[5] = {0, 3, 0, O_PCI, WORD_BITS};
    ASSERT(fx_decode(fx_slot(S_IO_SPACE_CONTROL), INV_IO_SPACE_CONTROL_ISSUE, pci, 5, cn, 1) == ERR_OK);
}

/* The slot of an object of the given type (the invoked object or a good argument). */
static word_t slot_of(word_t type)
{
    switch (type) {
    case OBJ_UNTYPED: return S_UT;
    case OBJ_CNODE: return S_CNODE;
    case OBJ_TCB: return O_TCB;
    case OBJ_VSPACE: return O_VSPACE;
    case OBJ_ENDPOINT: return O_EP;
    case OBJ_NOTIFICATION: return O_NTFN;
    case OBJ_FRAME: return O_FRAME;
    case OBJ_LARGE_FRAME: return O_LARGE;
    case OBJ_PAGE_TABLE: return O_PT;
    case OBJ_GUEST_SPACE: return O_GS;
    case OBJ_IRQ_CONTROL: return S_IRQ_CONTROL;
    case OBJ_IRQ_HANDLER: return O_IRQ;
    case OBJ_IO_PORT_CONTROL: return S_IO_PORT_CONTROL;
    case OBJ_IO_PORT: return O_PORTS;
    case OBJ_DOMAIN_CONTROL: return S_DOMAIN;
    case OBJ_VCPU: return O_VCPU;
    case OBJ_ASID_CONTROL: return S_ASID_CONTROL;
    case OBJ_ASID_POOL: return S_ASID_POOL;
    case OBJ_IO_SPACE_CONTROL: return S_IO_SPACE_CONTROL;
    case OBJ_PCI_DEVICE: return O_PCI;
    case OBJ_IO_SPACE: return O_IOS;
    default: ASSERT(false); return 0;
    }
}

static word_t first_type(word_t types)
{
    return (word_t)__builtin_ctzl(types);
}

/* A capability of a type the argument does not take. */
static word_t wrong_slot(word_t types)
{
    return (types & BIT(OBJ_ENDPOINT)) ? O_NTFN : O_EP;
}

/* A digest of the state an invocation could change: the root CNode's slots and the memory
 * retyped so far (every object above lives there). */
static word_t digest(void)
{
    const unsigned char *p[2] = {(const unsigned char *)fx_slot(0), (const unsigned char *)fx_slot(S_UT)->cap.ptr};
    word_t n[2] = {BIT(ROOT_RADIX) * sizeof(struct cte), untyped_watermark(&fx_slot(S_UT)->cap)};
    word_t h = 14695981039346656037ul;
    for (unsigned k = 0; k < 2; k++)
        for (word_t i = 0; i < n[k]; i++) h = (h ^ p[k][i]) * 1099511628211ul;
    return h;
}

struct attempt {
    word_t mr[BH_MSG_MAX_LENGTH];
    struct cte *caps[BH_MSG_MAX_EXTRA_CAPS];
    word_t len, ncaps;
};

/* A message that passes every generated check: ranged inputs at their minimum, the others 0,
 * capabilities of the first type each takes (a fresh copy with all rights). */
static void good_message(const struct abi_invocation *inv, struct attempt *m)
{
    memset(m, 0, sizeof *m);
    m->len = inv->ins;
    m->ncaps = inv->caps;
    for (word_t i = 0; i < inv->ins; i++) m->mr[i] = inv->in[i].ranged ? inv->in[i].lo : 0;
    for (word_t j = 0; j < inv->caps; j++) m->caps[j] = fx_slot(slot_of(first_type(inv->cap[j].types)));
}

static exception_t attempt(const struct abi_invocation *inv, const struct attempt *m)
{
    word_t before = digest();
    exception_t e = fx_decode(fx_slot(slot_of(inv->object)), inv->label, m->mr, m->len, (struct cte **)m->caps, m->ncaps);
    if (e != ERR_OK && digest() != before) harness_fail(__FILE__, __LINE__, inv->name, e, 0, true);
    return e;
}

#define EXPECT(inv, m, err, d0, d1)                                                                 \
    do {                                                                                            \
        exception_t e_ = attempt(inv, m);                                                           \
        if (e_ != (err)) harness_fail(__FILE__, __LINE__, (inv)->name, e_, (err), true);            \
        if (current_error.detail[0] != (d0) || current_error.detail[1] != (d1))                     \
            harness_fail(__FILE__, __LINE__, (inv)->name, current_error.detail[0], (d0), true);     \
    } while (0)

TEST(contract_generated_checks)
{
    world();
    struct attempt m;
    for (size_t k = 0; k < ARRAY_SIZE(abi_invocations); k++) {
        const struct abi_invocation *inv = &abi_invocations[k];
        if (inv->ins > 0) {
            good_message(inv, &m);
            m.len--;
            EXPECT(inv, &m, ERR_TRUNCATED_MESSAGE, 0, 0);
        }
        if (inv->caps > 0) {
            good_message(inv, &m);
            m.ncaps--;
            EXPECT(inv, &m, ERR_TRUNCATED_MESSAGE, 0, 0);
        }
        for (word_t i = 0; i < inv->ins; i++) {
            if (!inv->in[i].ranged) continue;
            good_message(inv, &m);
            m.mr[i] = inv->in[i].hi + 1;
            EXPECT(inv, &m, ERR_RANGE, inv->in[i].lo, inv->in[i].hi);
            if (inv->in[i].lo == 0) continue;
            m.mr[i] = inv->in[i].lo - 1;
            EXPECT(inv, &m, ERR_RANGE, inv->in[i].lo, inv->in[i].hi);
        }
        if (inv->has_array) {
            good_message(inv, &m);
            m.len = inv->ins + inv->array_max + 1;
            EXPECT(inv, &m, ERR_RANGE, 0, inv->array_max);
        }
        for (word_t j = 0; j < inv->caps; j++) {
            const struct abi_cap_arg *c = &inv->cap[j];
            good_message(inv, &m);
            m.caps[j] = fx_slot(wrong_slot(c->types));
            if (c->lookup) EXPECT(inv, &m, ERR_FAILED_LOOKUP, (word_t)(c->lookup - 1), LF_INVALID_ROOT);
            else EXPECT(inv, &m, ERR_WRONG_OBJECT_TYPE, j + 1, 0);
            if (!c->rights) continue;
            ASSERT(fx_copy(slot_of(first_type(c->types)), FREE_SLOT, RIGHTS_ALL & ~c->rights) == ERR_OK);
            m.caps[j] = fx_slot(FREE_SLOT);
            EXPECT(inv, &m, ERR_INSUFFICIENT_RIGHTS, c->rights, 0);
            word_t del[2] = {FREE_SLOT, WORD_BITS};
            ASSERT(fx_cnode(INV_CNODE_DELETE, del, 2) == ERR_OK);
        }
    }
}

/* One invocation with its arguments; the error it returns. */
static exception_t call(word_t slot, word_t label, const word_t *mr, word_t len, const word_t *cap_slots, word_t ncaps)
{
    struct cte *caps[BH_MSG_MAX_EXTRA_CAPS];
    for (word_t i = 0; i < ncaps; i++) caps[i] = fx_slot(cap_slots[i]);
    return fx_decode(fx_slot(slot), label, mr, len, caps, ncaps);
}
#define CALL(slot, label, mr, caps) call(slot, label, mr, ARRAY_SIZE(mr), caps, ARRAY_SIZE(caps))
#define CALL_NOCAPS(slot, label, mr) call(slot, label, mr, ARRAY_SIZE(mr), NULL, 0)

static const word_t cnode_only[1] = {S_CNODE};

#define CONTRACT(obj, op, err)                                                                      \
    static exception_t provoke_##obj##_##op##_##err(void);                                          \
    static void contract_##obj##_##op##_##err(void)                                                 \
    {                                                                                               \
        world();                                                                                    \
        CHECK_EQ(provoke_##obj##_##op##_##err(), ERR_##err);                                        \
    }                                                                                               \
    __attribute__((constructor)) static void register_##obj##_##op##_##err(void)                    \
    {                                                                                               \
        harness_register("contract_" #obj "_" #op "_" #err, contract_##obj##_##op##_##err);        \
    }
ABI_DOCUMENTED_ERRORS(CONTRACT)

/* UNTYPED RETYPE */
static exception_t provoke_UNTYPED_RETYPE_INVALID_ARGUMENT(void)
{
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_TCB, 0, FREE_SLOT, 1), ERR_INVALID_ARGUMENT); /* device memory */
    CHECK_EQ(current_error.detail[0], 0);
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, 2, FREE_SLOT, 1), ERR_INVALID_ARGUMENT); /* size_bits */
    CHECK_EQ(current_error.detail[0], 1);
    return fx_retype(S_UT, OBJ_IRQ_HANDLER, 0, FREE_SLOT, 1);
}
static exception_t provoke_UNTYPED_RETYPE_RANGE(void) { return fx_retype(S_UT, OBJ_ENDPOINT, 0, 255, 2); }
static exception_t provoke_UNTYPED_RETYPE_DELETE_FIRST(void) { return fx_retype(S_UT, OBJ_ENDPOINT, 0, O_EP, 1); }
static exception_t provoke_UNTYPED_RETYPE_NOT_ENOUGH_MEMORY(void) { return fx_retype(S_UT_SMALL, OBJ_FRAME, 0, FREE_SLOT, 5); }

/* CNODE */
static exception_t provoke_CNODE_COPY_DELETE_FIRST(void) { return fx_copy(O_EP, O_NTFN, RIGHTS_ALL); }
static exception_t provoke_CNODE_COPY_FAILED_LOOKUP(void) { return fx_copy(FREE_SLOT + 1, FREE_SLOT, RIGHTS_ALL); }
static exception_t provoke_CNODE_MINT_ILLEGAL_OPERATION(void)
{
    CHECK_EQ(fx_mint(O_EP, FREE_SLOT, RIGHTS_ALL, 7), ERR_OK);
    return fx_mint(FREE_SLOT, FREE_SLOT + 1, RIGHTS_ALL, 8);
}

/* TCB CONFIGURE: a fresh, suspended thread */
static exception_t configure(word_t tcb, word_t vspace, word_t frame, word_t addr)
{
    word_t mr[1] = {addr}, caps[3] = {S_CNODE, vspace, frame};
    return CALL(tcb, INV_TCB_CONFIGURE, mr, caps);
}
static exception_t provoke_TCB_CONFIGURE_INVALID_CAPABILITY(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, FREE_SLOT, 1), ERR_OK); /* no ASID */
    exception_t e = configure(O_TCB, FREE_SLOT, O_FRAME, 0x10000);
    CHECK_EQ(current_error.detail[0], 2);
    return e;
}
static exception_t provoke_TCB_CONFIGURE_WRONG_OBJECT_TYPE(void)
{
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_FRAME, 0, FREE_SLOT, 1), ERR_OK);
    exception_t e = configure(O_TCB, O_VSPACE, FREE_SLOT, 0x10000);
    CHECK_EQ(current_error.detail[0], 3);
    return e;
}
static exception_t provoke_TCB_CONFIGURE_ALIGNMENT(void) { return configure(O_TCB, O_VSPACE, O_FRAME, 0x10010); }
static exception_t provoke_TCB_CONFIGURE_ILLEGAL_OPERATION(void)
{
    /* Regression: a running thread was configured, and emptying its slots suspended it. */
    struct tcb *t = cap_tcb(&fx_slot(O_TCB)->cap);
    tcb_resume(t);
    exception_t e = configure(O_TCB, O_VSPACE, O_FRAME, 0x10000);
    CHECK_EQ(t->state, TS_RUNNING);
    return e;
}

static exception_t provoke_TCB_WRITE_REGISTERS_INVALID_ARGUMENT(void)
{
    word_t mr[1 + REG_IP + 1] = {0};
    mr[1 + REG_IP] = ~0ul;
    return CALL_NOCAPS(O_TCB, INV_TCB_WRITE_REGISTERS, mr);
}
static exception_t provoke_TCB_RESUME_ILLEGAL_OPERATION(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_TCB, 0, FREE_SLOT, 1), ERR_OK);
    return call(FREE_SLOT, INV_TCB_RESUME, NULL, 0, NULL, 0);
}
static exception_t provoke_TCB_SET_PRIORITY_RANGE(void)
{
    cap_tcb(&fx_slot(O_TCB)->cap)->mcp = 50;
    word_t mr[1] = {51}, caps[1] = {O_TCB};
    exception_t e = CALL(O_TCB, INV_TCB_SET_PRIORITY, mr, caps);
    CHECK_EQ(current_error.detail[1], 50);
    return e;
}
static exception_t provoke_TCB_SET_MC_PRIORITY_RANGE(void)
{
    cap_tcb(&fx_slot(O_TCB)->cap)->mcp = 50;
    word_t mr[1] = {51}, caps[1] = {O_TCB};
    exception_t e = CALL(O_TCB, INV_TCB_SET_MC_PRIORITY, mr, caps);
    CHECK_EQ(current_error.detail[1], 50);
    return e;
}
static exception_t provoke_TCB_BIND_NOTIFICATION_DELETE_FIRST(void)
{
    word_t caps[1] = {O_NTFN};
    CHECK_EQ(call(O_TCB, INV_TCB_BIND_NOTIFICATION, NULL, 0, caps, 1), ERR_OK);
    return call(O_TCB, INV_TCB_BIND_NOTIFICATION, NULL, 0, caps, 1);
}

/* FRAME, PAGE_TABLE (the fake's tables: levels 1 and 2) */
static exception_t map_table(word_t pt, word_t vaddr)
{
    word_t mr[1] = {vaddr}, caps[1] = {O_VSPACE};
    return CALL(pt, INV_PAGE_TABLE_MAP, mr, caps);
}
static exception_t map_frame(word_t frame, word_t vaddr)
{
    word_t mr[3] = {vaddr, RIGHT_READ, 0}, caps[1] = {O_VSPACE};
    return CALL(frame, INV_FRAME_MAP, mr, caps);
}
static exception_t provoke_FRAME_MAP_FAILED_LOOKUP(void)
{
    exception_t e = map_frame(O_FRAME, 0x400000);
    CHECK_EQ(current_error.detail[1], 1);
    return e;
}
static exception_t provoke_FRAME_MAP_DELETE_FIRST(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT, 2), ERR_OK);
    CHECK_EQ(map_table(FREE_SLOT, 0x400000), ERR_OK);
    CHECK_EQ(map_table(FREE_SLOT + 1, 0x400000), ERR_OK);
    CHECK_EQ(map_frame(O_FRAME, 0x400000), ERR_OK);
    return map_frame(O_FRAME, 0x401000); /* mapped elsewhere */
}
static exception_t provoke_PAGE_TABLE_MAP_DELETE_FIRST(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT, 2), ERR_OK);
    CHECK_EQ(map_table(FREE_SLOT, 0x400000), ERR_OK);
    CHECK_EQ(map_table(FREE_SLOT + 1, 0x400000), ERR_OK);
    /* Regression: the table was cleared before the map found every level present. */
    word_t *table = (word_t *)fx_slot(O_PT)->cap.ptr;
    table[7] = 0x5a5a;
    exception_t e = map_table(O_PT, 0x400000);
    CHECK_EQ(table[7], 0x5a5a);
    return e;
}

/* IRQ_CONTROL, IO_PORT_CONTROL, DOMAIN_CONTROL */
static exception_t provoke_IRQ_CONTROL_GET_RANGE(void)
{
    word_t mr[3] = {2, FREE_SLOT, WORD_BITS}; /* reserved by the platform */
    return CALL(S_IRQ_CONTROL, INV_IRQ_CONTROL_GET, mr, cnode_only);
}
static exception_t provoke_IRQ_CONTROL_GET_REVOKE_FIRST(void)
{
    word_t mr[3] = {5, FREE_SLOT, WORD_BITS};
    return CALL(S_IRQ_CONTROL, INV_IRQ_CONTROL_GET, mr, cnode_only);
}
static exception_t provoke_IO_PORT_CONTROL_ISSUE_RANGE(void)
{
    word_t mr[4] = {0x80, 0x7f, FREE_SLOT, WORD_BITS};
    return CALL(S_IO_PORT_CONTROL, INV_IO_PORT_CONTROL_ISSUE, mr, cnode_only);
}
static exception_t provoke_DOMAIN_CONTROL_SET_SCHEDULE_INVALID_ARGUMENT(void)
{
    word_t mr[2] = {1, 16ul << 32 | 1};
    exception_t e = CALL_NOCAPS(S_DOMAIN, INV_DOMAIN_CONTROL_SET_SCHEDULE, mr);
    CHECK_EQ(current_error.detail[0], 1);
    return e;
}

/* VCPU */
static exception_t provoke_VCPU_SET_TCB_DELETE_FIRST(void)
{
    word_t caps[1] = {O_TCB};
    CHECK_EQ(call(O_VCPU, INV_VCPU_SET_TCB, NULL, 0, caps, 1), ERR_OK);
    return call(O_VCPU, INV_VCPU_SET_TCB, NULL, 0, caps, 1);
}
static exception_t provoke_VCPU_READ_STATE_RANGE(void)
{
    word_t mr[2] = {0, VCPU_STATE_COUNT + 1};
    return CALL_NOCAPS(O_VCPU, INV_VCPU_READ_STATE, mr);
}
static exception_t provoke_VCPU_WRITE_STATE_RANGE(void)
{
    word_t mr[2] = {VCPU_STATE_COUNT, 0};
    return CALL_NOCAPS(O_VCPU, INV_VCPU_WRITE_STATE, mr);
}
static exception_t provoke_VCPU_WRITE_STATE_INVALID_ARGUMENT(void)
{
    word_t mr[2] = {0, ~0ul}; /* the fake platform's refused value */
    return CALL_NOCAPS(O_VCPU, INV_VCPU_WRITE_STATE, mr);
}

/* GUEST_SPACE */
static exception_t guest_map_table(word_t pt, word_t gpa)
{
    word_t mr[1] = {gpa}, caps[1] = {pt};
    return CALL(O_GS, INV_GUEST_SPACE_MAP_TABLE, mr, caps);
}
static exception_t provoke_GUEST_SPACE_MAP_FRAME_FAILED_LOOKUP(void)
{
    word_t mr[2] = {0x200000, RIGHT_READ}, caps[1] = {O_FRAME};
    return CALL(O_GS, INV_GUEST_SPACE_MAP_FRAME, mr, caps);
}
static exception_t provoke_GUEST_SPACE_MAP_FRAME_DELETE_FIRST(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT, 2), ERR_OK);
    CHECK_EQ(guest_map_table(FREE_SLOT, 0x200000), ERR_OK);
    CHECK_EQ(guest_map_table(FREE_SLOT + 1, 0x200000), ERR_OK);
    word_t mr[2] = {0x200000, RIGHT_READ}, caps[1] = {O_FRAME};
    CHECK_EQ(CALL(O_GS, INV_GUEST_SPACE_MAP_FRAME, mr, caps), ERR_OK);
    CHECK_EQ(fx_copy(O_FRAME, FREE_SLOT + 2, RIGHTS_ALL), ERR_OK);
    caps[0] = FREE_SLOT + 2;
    return CALL(O_GS, INV_GUEST_SPACE_MAP_FRAME, mr, caps); /* gpa taken */
}
static exception_t provoke_GUEST_SPACE_MAP_TABLE_DELETE_FIRST(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT, 2), ERR_OK);
    CHECK_EQ(guest_map_table(FREE_SLOT, 0x200000), ERR_OK);
    CHECK_EQ(guest_map_table(FREE_SLOT + 1, 0x200000), ERR_OK);
    word_t *table = (word_t *)fx_slot(O_PT)->cap.ptr;
    table[3] = 0x5a5a;
    exception_t e = guest_map_table(O_PT, 0x200000);
    CHECK_EQ(table[3], 0x5a5a); /* regression, as PAGE_TABLE MAP */
    return e;
}

/* ASID_CONTROL, ASID_POOL */
static exception_t make_pool(word_t ut, word_t dest)
{
    word_t mr[2] = {dest, WORD_BITS}, caps[2] = {ut, S_CNODE};
    return CALL(S_ASID_CONTROL, INV_ASID_CONTROL_MAKE_POOL, mr, caps);
}
static exception_t provoke_ASID_CONTROL_MAKE_POOL_INVALID_CAPABILITY(void) { return make_pool(S_UT_SMALL, FREE_SLOT); }
static exception_t provoke_ASID_CONTROL_MAKE_POOL_REVOKE_FIRST(void)
{
    word_t mr[6] = {OBJ_ENDPOINT, 0, 0, 0, FREE_SLOT, 1};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    CHECK_EQ(fx_decode(fx_slot(O_UT4K), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_OK);
    return make_pool(O_UT4K, FREE_SLOT + 1);
}
static exception_t provoke_ASID_CONTROL_MAKE_POOL_NOT_ENOUGH_MEMORY(void)
{
    for (word_t i = 1; i < ASID_POOLS; i++) {
        CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, OBJ_ASID_POOL_SIZE_BITS, FREE_SLOT + 10 + i, 1), ERR_OK);
        CHECK_EQ(make_pool(FREE_SLOT + 10 + i, FREE_SLOT + 30 + i), ERR_OK);
    }
    return make_pool(O_UT4K, FREE_SLOT);
}
static exception_t provoke_ASID_CONTROL_MAKE_POOL_DELETE_FIRST(void) { return make_pool(O_UT4K, O_EP); }
static exception_t provoke_ASID_POOL_ASSIGN_INVALID_CAPABILITY(void)
{
    word_t caps[1] = {O_VSPACE}; /* has an ASID */
    return call(S_ASID_POOL, INV_ASID_POOL_ASSIGN, NULL, 0, caps, 1);
}
static exception_t provoke_ASID_POOL_ASSIGN_NOT_ENOUGH_MEMORY(void)
{
    /* Every ASID of range 0 taken (the root CNode has too few slots for 511 spaces). */
    static char taken;
    for (word_t i = 1; i < ASID_POOL_ASIDS; i++)
        if (!asid_pools[0]->space[i]) asid_pools[0]->space[i] = &taken;
    CHECK_EQ(fx_retype(S_UT, OBJ_GUEST_SPACE, 0, FREE_SLOT, 1), ERR_OK);
    word_t caps[1] = {FREE_SLOT};
    exception_t e = call(S_ASID_POOL, INV_ASID_POOL_ASSIGN, NULL, 0, caps, 1);
    CHECK_EQ(current_error.detail[0], 0);
    return e;
}

/* IO_SPACE_CONTROL, PCI_DEVICE, IO_SPACE */
static exception_t provoke_IO_SPACE_CONTROL_ISSUE_REVOKE_FIRST(void)
{
    word_t mr[5] = {0, 3, 0, FREE_SLOT, WORD_BITS}; /* 00:03.0 is O_PCI's */
    return call(S_IO_SPACE_CONTROL, INV_IO_SPACE_CONTROL_ISSUE, mr, 5, cnode_only, 1);
}
static exception_t provoke_PCI_DEVICE_BIND_INVALID_CAPABILITY(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_IO_SPACE, 0, FREE_SLOT, 1), ERR_OK); /* no ASID */
    word_t caps[1] = {FREE_SLOT};
    exception_t e = call(O_PCI, INV_PCI_DEVICE_BIND, NULL, 0, caps, 1);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(fake_iommu_binding[PCI_SOURCE], 0);
    return e;
}
static exception_t provoke_PCI_DEVICE_BIND_DELETE_FIRST(void)
{
    word_t caps[1] = {O_IOS};
    CHECK_EQ(call(O_PCI, INV_PCI_DEVICE_BIND, NULL, 0, caps, 1), ERR_OK);
    return call(O_PCI, INV_PCI_DEVICE_BIND, NULL, 0, caps, 1);
}
static exception_t provoke_PCI_DEVICE_GET_MSI_ILLEGAL_OPERATION(void)
{
    fake_msi = false; /* a unit without interrupt remapping */
    word_t mr[2] = {FREE_SLOT, WORD_BITS};
    exception_t e = call(O_PCI, INV_PCI_DEVICE_GET_MSI, mr, 2, cnode_only, 1);
    CHECK_EQ(fx_slot(FREE_SLOT)->cap.type, OBJ_NULL);
    return e;
}
static exception_t provoke_PCI_DEVICE_GET_MSI_NOT_ENOUGH_MEMORY(void)
{
    /* Every MSI line handed out (handlers in slots 100..163), then one more. */
    for (word_t i = 0; i < IRQ_MSI_LINES; i++) {
        word_t mr[2] = {100 + i, WORD_BITS};
        CHECK_EQ(call(O_PCI, INV_PCI_DEVICE_GET_MSI, mr, 2, cnode_only, 1), ERR_OK);
    }
    word_t mr[2] = {FREE_SLOT, WORD_BITS};
    exception_t e = call(O_PCI, INV_PCI_DEVICE_GET_MSI, mr, 2, cnode_only, 1);
    CHECK_EQ(current_error.detail[0], 0);
    CHECK_EQ(fx_slot(FREE_SLOT)->cap.type, OBJ_NULL);
    return e;
}
static exception_t io_map_frame(word_t frame, word_t iova, word_t rights)
{
    word_t mr[2] = {iova, rights}, caps[1] = {frame};
    return CALL(O_IOS, INV_IO_SPACE_MAP_FRAME, mr, caps);
}
static exception_t io_map_table(word_t table, word_t iova)
{
    word_t mr[1] = {iova}, caps[1] = {table};
    return CALL(O_IOS, INV_IO_SPACE_MAP_TABLE, mr, caps);
}
/* Tables for 4 KiB frames at 0x200000 (the fake platform's two levels). */
static void io_tables(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT + 20, 2), ERR_OK);
    CHECK_EQ(io_map_table(FREE_SLOT + 20, 0x200000), ERR_OK);
    CHECK_EQ(io_map_table(FREE_SLOT + 21, 0x200000), ERR_OK);
}
static exception_t provoke_IO_SPACE_MAP_FRAME_INVALID_CAPABILITY(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_IO_SPACE, 0, FREE_SLOT, 1), ERR_OK); /* no ASID */
    word_t mr[2] = {0x200000, RIGHT_READ}, caps[1] = {O_FRAME};
    exception_t e = CALL(FREE_SLOT, INV_IO_SPACE_MAP_FRAME, mr, caps);
    CHECK_EQ(current_error.detail[0], 0);
    return e;
}
static exception_t provoke_IO_SPACE_MAP_TABLE_INVALID_CAPABILITY(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_IO_SPACE, 0, FREE_SLOT, 1), ERR_OK); /* no ASID */
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT + 1, 1), ERR_OK);
    word_t mr[1] = {0x200000}, caps[1] = {FREE_SLOT + 1};
    exception_t e = CALL(FREE_SLOT, INV_IO_SPACE_MAP_TABLE, mr, caps);
    CHECK_EQ(current_error.detail[0], 0);
    return e;
}
static exception_t provoke_IO_SPACE_MAP_TABLE_INVALID_ARGUMENT(void)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT, 1), ERR_OK);
    exception_t e = io_map_table(FREE_SLOT, BIT(39));
    CHECK_EQ(current_error.detail[0], 0);
    return e;
}
static exception_t provoke_IO_SPACE_MAP_FRAME_WRONG_OBJECT_TYPE(void)
{
    io_tables();
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_FRAME, 0, FREE_SLOT, 1), ERR_OK);
    exception_t e = io_map_frame(FREE_SLOT, 0x200000, RIGHT_READ);
    CHECK_EQ(current_error.detail[0], 1);
    return e;
}
static exception_t provoke_IO_SPACE_MAP_FRAME_ALIGNMENT(void) { return io_map_frame(O_LARGE, 0x201000, RIGHT_READ); }
static exception_t provoke_IO_SPACE_MAP_FRAME_INVALID_ARGUMENT(void)
{
    CHECK_EQ(io_map_frame(O_FRAME, BIT(39), RIGHT_READ), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 0);
    exception_t e = io_map_frame(O_FRAME, 0x200000, RIGHT_READ | RIGHT_GRANT);
    CHECK_EQ(current_error.detail[0], 1);
    return e;
}
static exception_t provoke_IO_SPACE_MAP_FRAME_INSUFFICIENT_RIGHTS(void)
{
    io_tables();
    CHECK_EQ(fx_copy(O_FRAME, FREE_SLOT, RIGHT_WRITE), ERR_OK); /* write-only capability */
    return io_map_frame(FREE_SLOT, 0x200000, RIGHT_READ | RIGHT_WRITE);
}
static exception_t provoke_IO_SPACE_MAP_FRAME_FAILED_LOOKUP(void)
{
    exception_t e = io_map_frame(O_FRAME, 0x200000, RIGHT_READ);
    CHECK_EQ(current_error.detail[1], 1);
    return e;
}
static exception_t provoke_IO_SPACE_MAP_FRAME_DELETE_FIRST(void)
{
    io_tables();
    CHECK_EQ(io_map_frame(O_FRAME, 0x200000, RIGHT_READ), ERR_OK);
    CHECK_EQ(fx_copy(O_FRAME, FREE_SLOT, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(io_map_frame(FREE_SLOT, 0x200000, RIGHT_READ), ERR_DELETE_FIRST); /* iova taken */
    return io_map_frame(O_FRAME, 0x201000, RIGHT_READ); /* the capability is mapped */
}
static exception_t provoke_IO_SPACE_MAP_TABLE_DELETE_FIRST(void)
{
    io_tables();
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, FREE_SLOT, 1), ERR_OK);
    CHECK_EQ(io_map_table(FREE_SLOT, 0x200000), ERR_DELETE_FIRST); /* every level present */
    return io_map_table(FREE_SLOT + 20, 0x40000000); /* the table is mapped */
}
