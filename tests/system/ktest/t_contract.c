/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The ABI description as a contract, on the real kernel (the host's test_contract.c checks the
 * same on the fake platform). Both lists come from tools/abigen (build/gen/tests/abi_contract.h):
 *  - contract_checks_<OBJ>_<OP>, one per invocation (ABI_INVOCATIONS): every check the
 *    description states (length, capability count, ranges, array count, capability types and
 *    rights) provoked from user level with the exact error and MR0/MR1;
 *  - contract_<OBJ>_<OP>_<ERROR>, one per `error` line (ABI_DOCUMENTED_ERRORS): its provoker
 *    below returns the error it got, which must be exactly that one. A documented error without
 *    a provoker does not compile. One that cannot be provoked here says so as a SKIP line with
 *    the reason (an object this machine cannot make).
 */
#include "ktest.h"
#include <abi_contract.h>

#define LOOKUP_INVALID_ROOT 1u /* FAILED_LOOKUP's MR1 (abi/bulkhead.abi) */
#define TYPES 32u

/* One object of each type the invocations need, made once; 0 where this machine has none. */
static struct {
    int made;
    bh_cptr_t of[TYPES];
    bh_word_t irq_line;
} world;

/* VCPUs and GuestSpaces from a private untyped (as t_vcpu.c); a GuestSpace gets an ASID. */
static bh_cptr_t new_vm_object(struct env *env, bh_word_t type)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 13), s = new_slot(env);
    if (!ut || !s || bh_untyped_retype(ut, type, 0, BH_ROOT_CNODE, 0, 0, s, 1) != BH_ERR_OK) return 0;
    if (type == BH_OBJ_GUEST_SPACE && bh_asid_pool_assign(BH_ROOT_ASID_POOL, s) != BH_ERR_OK) return 0;
    return s;
}

static bh_cptr_t new_irq_handler(struct env *env, bh_word_t *line)
{
    bh_cptr_t s = new_slot(env);
    for (bh_word_t l = 3; l < 64; l++)
        if (bh_irq_control_get(BH_ROOT_IRQ_CONTROL, l, BH_ROOT_CNODE, s, 64) == BH_ERR_OK) {
            *line = l;
            return s;
        }
    return 0;
}

static bh_cptr_t new_io_ports(struct env *env)
{
    static const bh_word_t ranges[][2] = {{0x80, 0x83}, {0x2f8, 0x2ff}, {0x3e8, 0x3ef}};
    bh_cptr_t s = new_slot(env);
    for (unsigned i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, ranges[i][0], ranges[i][1], BH_ROOT_CNODE, s, 64) == BH_ERR_OK)
            return s;
    return 0;
}

/* The PCI function the contract's PCI_DEVICE names: the last of the IOMMU's buses, where no
 * device of QEMU's machines sits, so binding it takes no real device's DMA away. */
#define PCI_BUS (BH_IOMMU_BUSES - 1)
#define PCI_DEV 31u
#define PCI_FN 7u

/* An IOSpace with an ASID (from the root's pool), a PCI_DEVICE for the function above; 0 and
 * 0 without an IOMMU the kernel drives (Retype refuses IOSpaces then). */
static bh_cptr_t new_io_space(struct env *env)
{
    bh_cptr_t s = new_object(env, BH_OBJ_IO_SPACE, 0);
    if (!s || bh_asid_pool_assign(BH_ROOT_ASID_POOL, s) != BH_ERR_OK) return 0;
    return s;
}

static void make_io_world(struct env *env, bh_cptr_t *o)
{
    o[BH_OBJ_IO_SPACE] = new_io_space(env);
    if (!o[BH_OBJ_IO_SPACE]) return;
    o[BH_OBJ_IO_SPACE_CONTROL] = BH_ROOT_IO_SPACE_CONTROL;
    bh_cptr_t pci = new_slot(env);
    if (bh_io_space_control_issue(BH_ROOT_IO_SPACE_CONTROL, PCI_BUS, PCI_DEV, PCI_FN, BH_ROOT_CNODE, pci, 64) == BH_ERR_OK)
        o[BH_OBJ_PCI_DEVICE] = pci;
}

static void make_world(struct env *env)
{
    if (world.made) return;
    world.made = 1;
    bh_cptr_t *o = world.of;
    o[BH_OBJ_UNTYPED] = new_object(env, BH_OBJ_UNTYPED, 16);
    o[BH_OBJ_CNODE] = new_object(env, BH_OBJ_CNODE, 4); /* a scratch CNode, never the root */
    o[BH_OBJ_TCB] = new_object(env, BH_OBJ_TCB, 0);
    o[BH_OBJ_VSPACE] = new_object(env, BH_OBJ_VSPACE, 0);
    o[BH_OBJ_ENDPOINT] = new_object(env, BH_OBJ_ENDPOINT, 0);
    o[BH_OBJ_NOTIFICATION] = new_object(env, BH_OBJ_NOTIFICATION, 0);
    o[BH_OBJ_FRAME] = new_object(env, BH_OBJ_FRAME, 0);
    o[BH_OBJ_LARGE_FRAME] = new_object(env, BH_OBJ_LARGE_FRAME, 0);
    o[BH_OBJ_PAGE_TABLE] = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    o[BH_OBJ_IRQ_CONTROL] = BH_ROOT_IRQ_CONTROL;
    o[BH_OBJ_IRQ_HANDLER] = new_irq_handler(env, &world.irq_line);
    o[BH_OBJ_IO_PORT] = new_io_ports(env);
    o[BH_OBJ_IO_PORT_CONTROL] = o[BH_OBJ_IO_PORT] ? BH_ROOT_IO_PORT_CONTROL : 0;
    o[BH_OBJ_DOMAIN_CONTROL] = BH_ROOT_DOMAIN_CONTROL;
    o[BH_OBJ_VCPU] = new_vm_object(env, BH_OBJ_VCPU);
    o[BH_OBJ_GUEST_SPACE] = new_vm_object(env, BH_OBJ_GUEST_SPACE);
    o[BH_OBJ_ASID_CONTROL] = BH_ROOT_ASID_CONTROL;
    o[BH_OBJ_ASID_POOL] = BH_ROOT_ASID_POOL;
    make_io_world(env, o);
}

/* Why a type has no object here: the platform lacks it (no virtualization, no I/O ports). */
static const char *missing(bh_word_t types)
{
    for (bh_word_t t = 0; t < TYPES; t++)
        if ((types >> t) & 1u) {
            if (world.of[t]) return 0;
            if (t == BH_OBJ_VCPU || t == BH_OBJ_GUEST_SPACE) return "no hardware virtualization on this machine";
            if (t == BH_OBJ_IO_PORT || t == BH_OBJ_IO_PORT_CONTROL) return "no I/O ports on this machine";
            if (t == BH_OBJ_IO_SPACE || t == BH_OBJ_IO_SPACE_CONTROL || t == BH_OBJ_PCI_DEVICE)
                return "no IOMMU the kernel drives on this machine";
            return "the object could not be made";
        }
    return 0;
}

static bh_word_t first_type(bh_word_t types)
{
    return (bh_word_t)__builtin_ctzll(types);
}

/* A capability of a type the argument does not take. */
static bh_cptr_t wrong_cap(bh_word_t types)
{
    return ((types >> BH_OBJ_ENDPOINT) & 1u) ? world.of[BH_OBJ_NOTIFICATION] : world.of[BH_OBJ_ENDPOINT];
}

struct attempt {
    bh_word_t mr[BH_MSG_MAX_LENGTH];
    bh_cptr_t caps[BH_MSG_MAX_EXTRA_CAPS];
    unsigned len, ncaps;
};

/* A message that passes every stated check: ranged inputs at their minimum, the others 0,
 * capabilities of the first type each takes. */
static void good_message(const struct abi_invocation *inv, struct attempt *m)
{
    *m = (struct attempt){.len = (unsigned)inv->ins, .ncaps = (unsigned)inv->caps};
    for (bh_word_t i = 0; i < inv->ins; i++) m->mr[i] = inv->in[i].range != ABI_UNRANGED ? inv->in[i].lo : 0;
    for (bh_word_t j = 0; j < inv->caps; j++) m->caps[j] = world.of[first_type(inv->cap[j].types)];
}

/* Sends m; 0 when the error and MR0/MR1 are as expected, else prints why and returns 1. */
static int expect(struct env *env, const struct abi_invocation *inv, const struct attempt *m, const char *what,
                  int err, bh_word_t d0, bh_word_t d1)
{
    for (unsigned i = 0; i < m->len; i++) bh_set_mr(i, m->mr[i]);
    for (unsigned j = 0; j < m->ncaps; j++) bh_set_cap(j, m->caps[j]);
    int got = (int)bh_msginfo_label(raw_call(world.of[inv->object], inv->label, m->len, m->ncaps));
    bh_word_t g0 = bh_get_mr(0), g1 = bh_get_mr(1);
    if (got == err && (err == BH_ERR_OK || (g0 == d0 && g1 == d1))) return 0;
    bh_printf("FAIL ktest.%s: %s: error %d (MR0 %lu, MR1 %lu), expected %d (MR0 %lu, MR1 %lu)\n", env->test, what, got,
              (unsigned long)g0, (unsigned long)g1, err, (unsigned long)d0, (unsigned long)d1);
    return 1;
}

/* A range only the kernel knows: ~0 is beyond it, and the reply names it; one past it is out too. */
static int kernel_range(struct env *env, const struct abi_invocation *inv, bh_word_t i)
{
    struct attempt m;
    good_message(inv, &m);
    m.mr[i] = ~(bh_word_t)0;
    for (unsigned k = 0; k < m.len; k++) bh_set_mr(k, m.mr[k]);
    for (unsigned j = 0; j < m.ncaps; j++) bh_set_cap(j, m.caps[j]);
    int got = (int)bh_msginfo_label(raw_call(world.of[inv->object], inv->label, m.len, m.ncaps));
    bh_word_t lo = bh_get_mr(0), hi = bh_get_mr(1);
    if (got != BH_ERR_RANGE || lo != inv->in[i].lo || hi < lo) {
        bh_printf("FAIL ktest.%s: %s beyond %s: error %d (MR0 %lu, MR1 %lu)\n", env->test, inv->name, inv->in[i].bound, got,
                  (unsigned long)lo, (unsigned long)hi);
        return 1;
    }
    m.mr[i] = hi + 1;
    return expect(env, inv, &m, "one past the kernel's bound", BH_ERR_RANGE, lo, hi);
}

/* Every check the description states for one invocation. */
static int stated_checks(struct env *env, bh_word_t label)
{
    make_world(env);
    const struct abi_invocation *inv = &abi_invocations[label - 1];
    const char *why = missing(1ull << inv->object);
    for (bh_word_t j = 0; !why && j < inv->caps; j++) why = missing(inv->cap[j].types);
    if (why) SKIP(why);
    struct attempt m;
    int bad = 0;
    if (inv->ins > 0) {
        good_message(inv, &m);
        m.len--;
        bad |= expect(env, inv, &m, "one word short", BH_ERR_TRUNCATED_MESSAGE, 0, 0);
    }
    if (inv->caps > 0) {
        good_message(inv, &m);
        m.ncaps--;
        bad |= expect(env, inv, &m, "one capability short", BH_ERR_TRUNCATED_MESSAGE, 0, 0);
    }
    for (bh_word_t i = 0; i < inv->ins; i++) {
        if (inv->in[i].range == ABI_RANGED_BY_KERNEL) bad |= kernel_range(env, inv, i);
        if (inv->in[i].range != ABI_RANGED) continue;
        good_message(inv, &m);
        m.mr[i] = inv->in[i].hi + 1;
        bad |= expect(env, inv, &m, "above the range", BH_ERR_RANGE, inv->in[i].lo, inv->in[i].hi);
        if (inv->in[i].lo == 0) continue;
        m.mr[i] = inv->in[i].lo - 1;
        bad |= expect(env, inv, &m, "below the range", BH_ERR_RANGE, inv->in[i].lo, inv->in[i].hi);
    }
    if (inv->has_array) {
        good_message(inv, &m);
        m.len = (unsigned)(inv->ins + inv->array_max + 1);
        bad |= expect(env, inv, &m, "array too long", BH_ERR_RANGE, 0, inv->array_max);
    }
    for (bh_word_t j = 0; j < inv->caps; j++) {
        const struct abi_cap_arg *c = &inv->cap[j];
        good_message(inv, &m);
        m.caps[j] = wrong_cap(c->types);
        if (c->lookup) bad |= expect(env, inv, &m, "lookup root of another type", BH_ERR_FAILED_LOOKUP, (bh_word_t)(c->lookup - 1), LOOKUP_INVALID_ROOT);
        else bad |= expect(env, inv, &m, "capability of another type", BH_ERR_WRONG_OBJECT_TYPE, j + 1, 0);
        if (!c->rights) continue;
        bh_cptr_t weak = new_slot(env), good = world.of[first_type(c->types)];
        CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, weak, 64, BH_ROOT_CNODE, good, 64, BH_RIGHTS_ALL & ~c->rights));
        m.caps[j] = weak;
        bad |= expect(env, inv, &m, "capability without the right", BH_ERR_INSUFFICIENT_RIGHTS, c->rights, 0);
        CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, weak, 64));
    }
    return bad;
}

/* ---- One provoker per documented error: it returns the error it got (negative: failed or
 * skipped, already said). ---- */
#define PROVOKE_FAILED (-1)
#define PROVOKE_SKIPPED (-2)
#define REQUIRE(c)                                                                                  \
    do {                                                                                            \
        if (!(c)) {                                                                                 \
            bh_printf("FAIL ktest.%s: %s:%d: %s\n", env->test, __FILE__, __LINE__, #c);             \
            return PROVOKE_FAILED;                                                                  \
        }                                                                                           \
    } while (0)
#define NOT_HERE(why)                                                                               \
    do {                                                                                            \
        bh_printf("SKIP ktest.%s: %s\n", env->test, why);                                           \
        return PROVOKE_SKIPPED;                                                                     \
    } while (0)

static int documented(struct env *env, int got, int want)
{
    if (got == PROVOKE_SKIPPED) return KTEST_SKIPPED;
    if (got == PROVOKE_FAILED) return 1;
    if (got == want) return 0;
    bh_printf("FAIL ktest.%s: error %d, expected %d (MR0 %lu)\n", env->test, got, want, (unsigned long)bh_get_mr(0));
    return 1;
}

#define PROVOKER(obj, op, err) static int provoke_##obj##_##op##_##err(struct env *env);
ABI_DOCUMENTED_ERRORS(PROVOKER)
#define DOCUMENTED_TEST(obj, op, err)                                                               \
    static int contract_##obj##_##op##_##err(struct env *env)                                       \
    {                                                                                               \
        make_world(env);                                                                            \
        return documented(env, provoke_##obj##_##op##_##err(env), BH_ERR_##err);                    \
    }
ABI_DOCUMENTED_ERRORS(DOCUMENTED_TEST)
#define CHECKS_TEST(obj, op) \
    static int contract_checks_##obj##_##op(struct env *env) { return stated_checks(env, BH_INV_##obj##_##op); }
ABI_INVOCATIONS(CHECKS_TEST)

/* A device untyped of the boot info, or 0. */
static bh_cptr_t device_untyped(struct env *env)
{
    for (bh_word_t i = 0; i < env->bi->untyped_last - env->bi->untyped_first; i++)
        if (env->bi->untyped[i].is_device) return env->bi->untyped_first + i;
    return 0;
}

/* UNTYPED */
static int provoke_UNTYPED_RETYPE_INVALID_ARGUMENT(struct env *env)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 14), s = new_slot(env), dev = device_untyped(env);
    REQUIRE(bh_untyped_retype(ut, BH_OBJ_UNTYPED, 2, BH_ROOT_CNODE, 0, 0, s, 1) == BH_ERR_INVALID_ARGUMENT);
    REQUIRE(bh_get_mr(0) == 1); /* size_bits */
    if (dev) {
        REQUIRE(bh_untyped_retype(dev, BH_OBJ_TCB, 0, BH_ROOT_CNODE, 0, 0, s, 1) == BH_ERR_INVALID_ARGUMENT);
        REQUIRE(bh_get_mr(0) == 0); /* a kernel object from device memory */
    }
    int e = bh_untyped_retype(ut, BH_OBJ_IRQ_HANDLER, 0, BH_ROOT_CNODE, 0, 0, s, 1);
    REQUIRE(bh_get_mr(0) == 0); /* not retypable */
    return e;
}
static int provoke_UNTYPED_RETYPE_RANGE(struct env *env)
{
    bh_cptr_t cn = new_object(env, BH_OBJ_CNODE, 4); /* 16 slots: 15 and 16 do not fit */
    return bh_untyped_retype(new_object(env, BH_OBJ_UNTYPED, 14), BH_OBJ_ENDPOINT, 0, BH_ROOT_CNODE, cn, 64, 15, 2);
}
static int provoke_UNTYPED_RETYPE_DELETE_FIRST(struct env *env)
{
    return bh_untyped_retype(new_object(env, BH_OBJ_UNTYPED, 14), BH_OBJ_ENDPOINT, 0, BH_ROOT_CNODE, 0, 0, BH_ROOT_TCB, 1);
}
static int provoke_UNTYPED_RETYPE_NOT_ENOUGH_MEMORY(struct env *env)
{
    bh_cptr_t cn = new_object(env, BH_OBJ_CNODE, 2), ut = new_object(env, BH_OBJ_UNTYPED, 12);
    int e = bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, cn, 64, 0, 2);
    REQUIRE(bh_get_mr(0) == 4096); /* the bytes available */
    return e;
}

/* CNODE */
static int provoke_CNODE_COPY_DELETE_FIRST(struct env *env)
{
    return bh_cnode_copy(BH_ROOT_CNODE, BH_ROOT_TCB, 64, BH_ROOT_CNODE, world.of[BH_OBJ_ENDPOINT], 64, BH_RIGHTS_ALL);
}
static int provoke_CNODE_COPY_FAILED_LOOKUP(struct env *env)
{
    bh_cptr_t empty = new_slot(env);
    int e = bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, empty, 64, BH_RIGHTS_ALL);
    REQUIRE(bh_get_mr(0) == 1); /* the source */
    return e;
}
static int provoke_CNODE_MINT_ILLEGAL_OPERATION(struct env *env)
{
    bh_cptr_t badged = new_slot(env);
    REQUIRE(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, world.of[BH_OBJ_ENDPOINT], 64, BH_RIGHTS_ALL, 7) == BH_ERR_OK);
    return bh_cnode_mint(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, badged, 64, BH_RIGHTS_ALL, 8);
}

/* TCB */
static int provoke_TCB_CONFIGURE_INVALID_CAPABILITY(struct env *env)
{
    bh_cptr_t vs = new_slot(env); /* retyped here, not by the allocator: no ASID */
    REQUIRE(bh_untyped_retype(new_object(env, BH_OBJ_UNTYPED, 13), BH_OBJ_VSPACE, 0, BH_ROOT_CNODE, 0, 0, vs, 1) == BH_ERR_OK);
    int e = bh_tcb_configure(new_object(env, BH_OBJ_TCB, 0), BH_ROOT_CNODE, vs, world.of[BH_OBJ_FRAME], 0x10000);
    REQUIRE(bh_get_mr(0) == 2);
    return e;
}
static int provoke_TCB_CONFIGURE_WRONG_OBJECT_TYPE(struct env *env)
{
    bh_cptr_t dev = device_untyped(env), f = new_slot(env);
    if (!dev) NOT_HERE("no device untyped to make a device frame of");
    REQUIRE(bh_untyped_retype(dev, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, f, 1) == BH_ERR_OK);
    int e = bh_tcb_configure(new_object(env, BH_OBJ_TCB, 0), BH_ROOT_CNODE, BH_ROOT_VSPACE, f, 0x10000);
    REQUIRE(bh_get_mr(0) == 3); /* the IPC buffer may not be device memory */
    return e;
}
static int provoke_TCB_CONFIGURE_ALIGNMENT(struct env *env)
{
    return bh_tcb_configure(new_object(env, BH_OBJ_TCB, 0), BH_ROOT_CNODE, BH_ROOT_VSPACE, world.of[BH_OBJ_FRAME], 0x10010);
}
static int provoke_TCB_CONFIGURE_ILLEGAL_OPERATION(struct env *env)
{
    return bh_tcb_configure(BH_ROOT_TCB, BH_ROOT_CNODE, BH_ROOT_VSPACE, world.of[BH_OBJ_FRAME], 0x10000); /* running */
}
static int provoke_TCB_WRITE_REGISTERS_INVALID_ARGUMENT(struct env *env)
{
    const bh_word_t regs[2] = {~(bh_word_t)0, ~(bh_word_t)0}; /* the instruction and stack pointers come first */
    return bh_tcb_write_registers(new_object(env, BH_OBJ_TCB, 0), 0, regs, 2);
}
static int provoke_TCB_RESUME_ILLEGAL_OPERATION(struct env *env)
{
    return bh_tcb_resume(new_object(env, BH_OBJ_TCB, 0)); /* no CSpace, no VSpace */
}
static int provoke_TCB_SET_PRIORITY_RANGE(struct env *env)
{
    bh_cptr_t t = new_object(env, BH_OBJ_TCB, 0);
    REQUIRE(bh_tcb_set_mc_priority(t, 50, BH_ROOT_TCB) == BH_ERR_OK);
    int e = bh_tcb_set_priority(t, 51, t);
    REQUIRE(bh_get_mr(1) == 50); /* the authority's MCP */
    return e;
}
static int provoke_TCB_SET_MC_PRIORITY_RANGE(struct env *env)
{
    bh_cptr_t t = new_object(env, BH_OBJ_TCB, 0);
    REQUIRE(bh_tcb_set_mc_priority(t, 50, BH_ROOT_TCB) == BH_ERR_OK);
    int e = bh_tcb_set_mc_priority(t, 51, t);
    REQUIRE(bh_get_mr(1) == 50);
    return e;
}
static int provoke_TCB_BIND_NOTIFICATION_DELETE_FIRST(struct env *env)
{
    bh_cptr_t t = new_object(env, BH_OBJ_TCB, 0), n = new_object(env, BH_OBJ_NOTIFICATION, 0);
    REQUIRE(bh_tcb_bind_notification(t, n) == BH_ERR_OK);
    return bh_tcb_bind_notification(t, n);
}

/* FRAME, PAGE_TABLE: tables are mapped until every level at vaddr is present. */
static int all_tables(struct env *env, bh_cptr_t space, bh_word_t vaddr, int guest)
{
    for (unsigned level = 0; level < 8; level++) {
        bh_cptr_t pt = new_object(env, BH_OBJ_PAGE_TABLE, 0);
        int e = guest ? bh_guest_space_map_table(space, pt, vaddr) : bh_page_table_map(pt, space, vaddr);
        if (e == BH_ERR_DELETE_FIRST) return 1;
        if (e != BH_ERR_OK) return 0;
    }
    return 0;
}
static int provoke_FRAME_MAP_FAILED_LOOKUP(struct env *env)
{
    int e = bh_frame_map(new_object(env, BH_OBJ_FRAME, 0), new_object(env, BH_OBJ_VSPACE, 0), 0x400000, BH_RIGHT_READ, 0);
    REQUIRE(bh_get_mr(1) >= 1); /* the level of the missing table */
    return e;
}
static int provoke_FRAME_MAP_DELETE_FIRST(struct env *env)
{
    bh_cptr_t vs = new_object(env, BH_OBJ_VSPACE, 0), f = new_object(env, BH_OBJ_FRAME, 0);
    REQUIRE(all_tables(env, vs, 0x400000, 0));
    REQUIRE(bh_frame_map(f, vs, 0x400000, BH_RIGHT_READ, 0) == BH_ERR_OK);
    return bh_frame_map(f, vs, 0x401000, BH_RIGHT_READ, 0); /* mapped elsewhere */
}
static int provoke_PAGE_TABLE_MAP_DELETE_FIRST(struct env *env)
{
    bh_cptr_t vs = new_object(env, BH_OBJ_VSPACE, 0);
    REQUIRE(all_tables(env, vs, 0x400000, 0));
    return bh_page_table_map(new_object(env, BH_OBJ_PAGE_TABLE, 0), vs, 0x400000);
}

/* IRQ_CONTROL, IO_PORT_CONTROL, DOMAIN_CONTROL */
static int provoke_IRQ_CONTROL_GET_RANGE(struct env *env)
{
    return bh_irq_control_get(BH_ROOT_IRQ_CONTROL, ~(bh_word_t)0, BH_ROOT_CNODE, new_slot(env), 64);
}
static int provoke_IRQ_CONTROL_GET_REVOKE_FIRST(struct env *env)
{
    if (!world.of[BH_OBJ_IRQ_HANDLER]) NOT_HERE("no free interrupt line");
    return bh_irq_control_get(BH_ROOT_IRQ_CONTROL, world.irq_line, BH_ROOT_CNODE, new_slot(env), 64);
}
static int provoke_IO_PORT_CONTROL_ISSUE_RANGE(struct env *env)
{
    if (!world.of[BH_OBJ_IO_PORT_CONTROL]) NOT_HERE("no I/O ports on this machine");
    return bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x80, 0x7f, BH_ROOT_CNODE, new_slot(env), 64);
}
static int provoke_DOMAIN_CONTROL_SET_SCHEDULE_INVALID_ARGUMENT(struct env *env)
{
    const bh_word_t entries[2] = {1, env->bi->partitions << 32 | 1}; /* a partition the kernel does not have */
    int e = bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, entries, 2);
    REQUIRE(bh_get_mr(0) == 1); /* the entry */
    return e;
}

/* VCPU, GUEST_SPACE: fresh objects, never run. */
static int provoke_VCPU_SET_TCB_DELETE_FIRST(struct env *env)
{
    bh_cptr_t v = new_vm_object(env, BH_OBJ_VCPU), t = new_object(env, BH_OBJ_TCB, 0);
    if (!v) NOT_HERE("no hardware virtualization on this machine");
    REQUIRE(bh_vcpu_set_tcb(v, t) == BH_ERR_OK);
    return bh_vcpu_set_tcb(v, t);
}
static int provoke_VCPU_READ_STATE_RANGE(struct env *env)
{
    bh_cptr_t v = new_vm_object(env, BH_OBJ_VCPU);
    bh_word_t value;
    if (!v) NOT_HERE("no hardware virtualization on this machine");
    return bh_vcpu_read_state(v, 1ull << 20, 1, &value);
}
static int provoke_VCPU_WRITE_STATE_RANGE(struct env *env)
{
    bh_cptr_t v = new_vm_object(env, BH_OBJ_VCPU);
    const bh_word_t value = 0;
    if (!v) NOT_HERE("no hardware virtualization on this machine");
    return bh_vcpu_write_state(v, 1ull << 20, &value, 1);
}
static int provoke_VCPU_WRITE_STATE_INVALID_ARGUMENT(struct env *env)
{
    /* Whatever the platform's state layout: some field refuses all ones (a control register's
     * reserved bits, a non-canonical base). */
    bh_cptr_t v = new_vm_object(env, BH_OBJ_VCPU);
    const bh_word_t ones = ~(bh_word_t)0;
    if (!v) NOT_HERE("no hardware virtualization on this machine");
    int e = BH_ERR_OK;
    for (bh_word_t i = 0; i < 4096 && e == BH_ERR_OK; i++) e = bh_vcpu_write_state(v, i, &ones, 1);
    return e;
}
static int provoke_GUEST_SPACE_MAP_FRAME_FAILED_LOOKUP(struct env *env)
{
    bh_cptr_t gs = new_vm_object(env, BH_OBJ_GUEST_SPACE);
    if (!gs) NOT_HERE("no hardware virtualization on this machine");
    int e = bh_guest_space_map_frame(gs, new_object(env, BH_OBJ_FRAME, 0), 0x200000, BH_RIGHT_READ);
    REQUIRE(bh_get_mr(1) >= 1);
    return e;
}
static int provoke_GUEST_SPACE_MAP_FRAME_DELETE_FIRST(struct env *env)
{
    bh_cptr_t gs = new_vm_object(env, BH_OBJ_GUEST_SPACE), f = new_object(env, BH_OBJ_FRAME, 0), copy = new_slot(env);
    if (!gs) NOT_HERE("no hardware virtualization on this machine");
    REQUIRE(all_tables(env, gs, 0x200000, 1));
    REQUIRE(bh_guest_space_map_frame(gs, f, 0x200000, BH_RIGHT_READ) == BH_ERR_OK);
    REQUIRE(bh_cnode_copy(BH_ROOT_CNODE, copy, 64, BH_ROOT_CNODE, f, 64, BH_RIGHTS_ALL) == BH_ERR_OK);
    return bh_guest_space_map_frame(gs, copy, 0x200000, BH_RIGHT_READ); /* the address is taken */
}
static int provoke_GUEST_SPACE_MAP_TABLE_DELETE_FIRST(struct env *env)
{
    bh_cptr_t gs = new_vm_object(env, BH_OBJ_GUEST_SPACE);
    if (!gs) NOT_HERE("no hardware virtualization on this machine");
    REQUIRE(all_tables(env, gs, 0x200000, 1));
    return bh_guest_space_map_table(gs, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0x200000);
}

/* ASID_CONTROL, ASID_POOL */
static int make_pool(struct env *env, bh_cptr_t ut, bh_cptr_t dest)
{
    (void)env;
    return bh_asid_control_make_pool(BH_ROOT_ASID_CONTROL, ut, BH_ROOT_CNODE, dest, 64);
}
static int provoke_ASID_CONTROL_MAKE_POOL_INVALID_CAPABILITY(struct env *env)
{
    return make_pool(env, new_object(env, BH_OBJ_UNTYPED, BH_OBJ_ASID_POOL_SIZE_BITS + 1), new_slot(env)); /* wrong size */
}
static int provoke_ASID_CONTROL_MAKE_POOL_REVOKE_FIRST(struct env *env)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, BH_OBJ_ASID_POOL_SIZE_BITS);
    REQUIRE(bh_untyped_retype(ut, BH_OBJ_ENDPOINT, 0, BH_ROOT_CNODE, 0, 0, new_slot(env), 1) == BH_ERR_OK);
    return make_pool(env, ut, new_slot(env));
}
static int provoke_ASID_CONTROL_MAKE_POOL_NOT_ENOUGH_MEMORY(struct env *env)
{
    /* Pools for every free range, then one more; the ranges are given back after. */
    bh_cptr_t pools[BH_ASID_POOLS];
    unsigned made = 0;
    int e = BH_ERR_OK;
    while (e == BH_ERR_OK && made < BH_ASID_POOLS) {
        pools[made] = new_slot(env);
        e = make_pool(env, new_object(env, BH_OBJ_UNTYPED, BH_OBJ_ASID_POOL_SIZE_BITS), pools[made]);
        if (e == BH_ERR_OK) made++;
    }
    for (unsigned i = 0; i < made; i++) REQUIRE(bh_cnode_delete(BH_ROOT_CNODE, pools[i], 64) == BH_ERR_OK);
    REQUIRE(made < BH_ASID_POOLS); /* the root server's pool holds a range */
    return e;
}
static int provoke_ASID_CONTROL_MAKE_POOL_DELETE_FIRST(struct env *env)
{
    return make_pool(env, new_object(env, BH_OBJ_UNTYPED, BH_OBJ_ASID_POOL_SIZE_BITS), BH_ROOT_TCB);
}
static int provoke_ASID_POOL_ASSIGN_INVALID_CAPABILITY(struct env *env)
{
    return bh_asid_pool_assign(BH_ROOT_ASID_POOL, world.of[BH_OBJ_VSPACE]); /* it has an ASID */
}
/* A pool's every ASID, and one more: 513 VSpaces need more slots than the root CNode has left,
 * so they live in a CNode of their own, and a helper thread whose CSpace it is (one level:
 * radix 10, a 54-bit guard) assigns them. */
#define SPACES_RADIX 10u
#define POOL_SLOT ((1u << SPACES_RADIX) - 1u)
static volatile int assign_done, assign_error;
static volatile bh_word_t assign_mr0;
static void assign_every_space(bh_word_t unused)
{
    int e = BH_ERR_OK;
    for (bh_word_t i = 0; i <= BH_ASID_POOL_ASIDS && e == BH_ERR_OK; i++) e = bh_asid_pool_assign(POOL_SLOT, i);
    assign_mr0 = bh_get_mr(0);
    assign_error = e;
    assign_done = 1;
    for (;;) bh_yield();
}
static int provoke_ASID_POOL_ASSIGN_NOT_ENOUGH_MEMORY(struct env *env)
{
    bh_cptr_t ut = new_object(env, BH_OBJ_UNTYPED, 22), spaces = new_object(env, BH_OBJ_CNODE, SPACES_RADIX);
    bh_cptr_t pool = new_slot(env), cspace = new_slot(env);
    struct bh_thread t;
    REQUIRE(make_pool(env, new_object(env, BH_OBJ_UNTYPED, BH_OBJ_ASID_POOL_SIZE_BITS), pool) == BH_ERR_OK);
    for (unsigned i = 0; i <= BH_ASID_POOL_ASIDS; i += 256) {
        unsigned n = BH_ASID_POOL_ASIDS + 1 - i < 256 ? BH_ASID_POOL_ASIDS + 1 - i : 256;
        REQUIRE(bh_untyped_retype(ut, BH_OBJ_VSPACE, 0, BH_ROOT_CNODE, spaces, 64, i, n) == BH_ERR_OK);
    }
    REQUIRE(bh_cnode_copy(spaces, POOL_SLOT, SPACES_RADIX, BH_ROOT_CNODE, pool, 64, BH_RIGHTS_ALL) == BH_ERR_OK);
    REQUIRE(bh_cnode_mint(BH_ROOT_CNODE, cspace, 64, BH_ROOT_CNODE, spaces, 64, BH_RIGHTS_ALL, 64 - SPACES_RADIX) == BH_ERR_OK);
    REQUIRE(bh_thread_create(&env->alloc, &t, assign_every_space, 0, 255) == BH_ERR_OK);
    REQUIRE(bh_tcb_configure(t.tcb, cspace, BH_ROOT_VSPACE, t.ipc_frame, t.ipc_addr) == BH_ERR_OK);
    REQUIRE(bh_thread_start(&t) == BH_ERR_OK);
    REQUIRE(wait_flag(&assign_done, 100000));
    /* The spaces go with their untyped, then the pool: its range is free again. */
    REQUIRE(bh_cnode_delete(BH_ROOT_CNODE, t.tcb, 64) == BH_ERR_OK);
    REQUIRE(bh_cnode_revoke(BH_ROOT_CNODE, ut, 64) == BH_ERR_OK);
    REQUIRE(bh_cnode_delete(BH_ROOT_CNODE, pool, 64) == BH_ERR_OK);
    REQUIRE(assign_error != BH_ERR_NOT_ENOUGH_MEMORY || assign_mr0 == 0); /* MR0: 0 for ASIDs */
    return assign_error;
}

/* IO_SPACE_CONTROL, PCI_DEVICE, IO_SPACE: on a machine with an IOMMU the kernel drives. */
#define NO_IOMMU "no IOMMU the kernel drives on this machine"
static int provoke_IO_SPACE_CONTROL_ISSUE_REVOKE_FIRST(struct env *env)
{
    if (!world.of[BH_OBJ_PCI_DEVICE]) NOT_HERE(NO_IOMMU);
    return bh_io_space_control_issue(BH_ROOT_IO_SPACE_CONTROL, PCI_BUS, PCI_DEV, PCI_FN, BH_ROOT_CNODE, new_slot(env), 64);
}
/* An IOSpace retyped here, not by the allocator: no ASID. */
static bh_cptr_t io_space_without_asid(struct env *env)
{
    bh_cptr_t s = new_slot(env);
    if (bh_untyped_retype(new_object(env, BH_OBJ_UNTYPED, BH_OBJ_IO_SPACE_SIZE_BITS), BH_OBJ_IO_SPACE, 0, BH_ROOT_CNODE, 0, 0, s, 1) !=
        BH_ERR_OK)
        return 0;
    return s;
}
static int provoke_PCI_DEVICE_BIND_INVALID_CAPABILITY(struct env *env)
{
    if (!world.of[BH_OBJ_PCI_DEVICE]) NOT_HERE(NO_IOMMU);
    bh_cptr_t s = io_space_without_asid(env);
    REQUIRE(s);
    int e = bh_pci_device_bind(world.of[BH_OBJ_PCI_DEVICE], s);
    REQUIRE(bh_get_mr(0) == 1);
    return e;
}
static int provoke_PCI_DEVICE_BIND_DELETE_FIRST(struct env *env)
{
    bh_cptr_t pci = world.of[BH_OBJ_PCI_DEVICE];
    if (!pci) NOT_HERE(NO_IOMMU);
    REQUIRE(bh_pci_device_bind(pci, world.of[BH_OBJ_IO_SPACE]) == BH_ERR_OK);
    int e = bh_pci_device_bind(pci, world.of[BH_OBJ_IO_SPACE]);
    REQUIRE(bh_pci_device_unbind(pci) == BH_ERR_OK);
    return e;
}
/* GET_MSI: ILLEGAL_OPERATION on a unit without interrupt remapping (the suite's
 * intel-iommu,intremap=off run), NOT_ENOUGH_MEMORY where it remaps (every MSI line taken). */
static int provoke_PCI_DEVICE_GET_MSI_ILLEGAL_OPERATION(struct env *env)
{
    bh_cptr_t pci = world.of[BH_OBJ_PCI_DEVICE], s = new_slot(env);
    if (!pci) NOT_HERE(NO_IOMMU);
    bh_word_t address, data, irq;
    int e = bh_pci_device_get_msi(pci, BH_ROOT_CNODE, s, 64, &address, &data, &irq);
    if (e == BH_ERR_OK) {
        REQUIRE(bh_cnode_delete(BH_ROOT_CNODE, s, 64) == BH_ERR_OK);
        NOT_HERE("the IOMMU remaps interrupts");
    }
    return e;
}
static int provoke_PCI_DEVICE_GET_MSI_NOT_ENOUGH_MEMORY(struct env *env)
{
    bh_cptr_t pci = world.of[BH_OBJ_PCI_DEVICE];
    if (!pci) NOT_HERE(NO_IOMMU);
    static bh_cptr_t handlers[256];
    unsigned n = 0;
    bh_word_t address, data, irq;
    int e;
    for (;;) {
        bh_cptr_t s = new_slot(env);
        e = bh_pci_device_get_msi(pci, BH_ROOT_CNODE, s, 64, &address, &data, &irq);
        if (e != BH_ERR_OK || n == 256) break;
        handlers[n++] = s;
    }
    bh_word_t mr0 = bh_get_mr(0);
    for (unsigned i = 0; i < n; i++) REQUIRE(bh_cnode_delete(BH_ROOT_CNODE, handlers[i], 64) == BH_ERR_OK);
    if (e == BH_ERR_ILLEGAL_OPERATION) NOT_HERE("no interrupt remapping");
    REQUIRE(n > 0 && n < 256);
    REQUIRE(e != BH_ERR_NOT_ENOUGH_MEMORY || mr0 == 0);
    return e;
}
/* Tables are mapped until every level at iova is present (as all_tables). */
static int all_io_tables(struct env *env, bh_cptr_t space, bh_word_t iova)
{
    for (unsigned level = 0; level < 8; level++) {
        int e = bh_io_space_map_table(space, new_object(env, BH_OBJ_PAGE_TABLE, 0), iova);
        if (e == BH_ERR_DELETE_FIRST) return 1;
        if (e != BH_ERR_OK) return 0;
    }
    return 0;
}
static int provoke_IO_SPACE_MAP_FRAME_INVALID_CAPABILITY(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    bh_cptr_t s = io_space_without_asid(env);
    REQUIRE(s);
    int e = bh_io_space_map_frame(s, world.of[BH_OBJ_FRAME], 0x200000, BH_RIGHT_READ);
    REQUIRE(bh_get_mr(0) == 0);
    return e;
}
static int provoke_IO_SPACE_MAP_FRAME_WRONG_OBJECT_TYPE(struct env *env)
{
    bh_cptr_t dev = device_untyped(env), f = new_slot(env);
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    if (!dev) NOT_HERE("no device untyped to make a device frame of");
    REQUIRE(bh_untyped_retype(dev, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, f, 1) == BH_ERR_OK);
    int e = bh_io_space_map_frame(world.of[BH_OBJ_IO_SPACE], f, 0x200000, BH_RIGHT_READ);
    REQUIRE(bh_get_mr(0) == 1);
    return e;
}
static int provoke_IO_SPACE_MAP_FRAME_ALIGNMENT(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    return bh_io_space_map_frame(world.of[BH_OBJ_IO_SPACE], world.of[BH_OBJ_LARGE_FRAME], 0x201000, BH_RIGHT_READ);
}
static int provoke_IO_SPACE_MAP_FRAME_INVALID_ARGUMENT(struct env *env)
{
    bh_cptr_t s = world.of[BH_OBJ_IO_SPACE], f = world.of[BH_OBJ_FRAME];
    if (!s) NOT_HERE(NO_IOMMU);
    REQUIRE(bh_io_space_map_frame(s, f, ~(bh_word_t)0xfff, BH_RIGHT_READ) == BH_ERR_INVALID_ARGUMENT); /* beyond any width */
    REQUIRE(bh_get_mr(0) == 0);
    int e = bh_io_space_map_frame(s, f, 0x200000, BH_RIGHT_READ | BH_RIGHT_GRANT);
    REQUIRE(bh_get_mr(0) == 1);
    return e;
}
static int provoke_IO_SPACE_MAP_FRAME_INSUFFICIENT_RIGHTS(struct env *env)
{
    bh_cptr_t write_only = new_slot(env);
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    REQUIRE(bh_cnode_copy(BH_ROOT_CNODE, write_only, 64, BH_ROOT_CNODE, world.of[BH_OBJ_FRAME], 64, BH_RIGHT_WRITE) == BH_ERR_OK);
    return bh_io_space_map_frame(world.of[BH_OBJ_IO_SPACE], write_only, 0x200000, BH_RIGHT_READ | BH_RIGHT_WRITE);
}
static int provoke_IO_SPACE_MAP_FRAME_FAILED_LOOKUP(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    int e = bh_io_space_map_frame(new_io_space(env), new_object(env, BH_OBJ_FRAME, 0), 0x200000, BH_RIGHT_READ);
    REQUIRE(bh_get_mr(1) >= 1); /* the level of the missing table */
    return e;
}
static int provoke_IO_SPACE_MAP_FRAME_DELETE_FIRST(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    bh_cptr_t s = new_io_space(env), f = new_object(env, BH_OBJ_FRAME, 0), copy = new_slot(env);
    REQUIRE(s && all_io_tables(env, s, 0x200000));
    REQUIRE(bh_io_space_map_frame(s, f, 0x200000, BH_RIGHT_READ) == BH_ERR_OK);
    REQUIRE(bh_cnode_copy(BH_ROOT_CNODE, copy, 64, BH_ROOT_CNODE, f, 64, BH_RIGHTS_ALL) == BH_ERR_OK);
    REQUIRE(bh_io_space_map_frame(s, copy, 0x200000, BH_RIGHT_READ) == BH_ERR_DELETE_FIRST); /* the iova is taken */
    return bh_io_space_map_frame(s, f, 0x201000, BH_RIGHT_READ); /* the capability is mapped */
}
static int provoke_IO_SPACE_MAP_TABLE_INVALID_CAPABILITY(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    bh_cptr_t s = io_space_without_asid(env), t = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    REQUIRE(s && t);
    int e = bh_io_space_map_table(s, t, 0x200000);
    REQUIRE(bh_get_mr(0) == 0);
    return e;
}
static int provoke_IO_SPACE_MAP_TABLE_INVALID_ARGUMENT(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    bh_cptr_t t = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    REQUIRE(t);
    int e = bh_io_space_map_table(world.of[BH_OBJ_IO_SPACE], t, ~(bh_word_t)0xfff); /* beyond any width */
    REQUIRE(bh_get_mr(0) == 0);
    return e;
}
static int provoke_IO_SPACE_MAP_TABLE_DELETE_FIRST(struct env *env)
{
    if (!world.of[BH_OBJ_IO_SPACE]) NOT_HERE(NO_IOMMU);
    bh_cptr_t s = new_io_space(env), t = new_object(env, BH_OBJ_PAGE_TABLE, 0);
    REQUIRE(s && all_io_tables(env, s, 0x200000));
    REQUIRE(bh_io_space_map_table(s, t, 0x200000) == BH_ERR_DELETE_FIRST); /* every level present */
    REQUIRE(bh_io_space_map_table(s, t, 0x40000000) == BH_ERR_OK);
    return bh_io_space_map_table(s, t, 0x80000000); /* the table is mapped */
}

#define CHECKS_ENTRY(obj, op) {"contract_checks_" #obj "_" #op, contract_checks_##obj##_##op},
#define DOCUMENTED_ENTRY(obj, op, err) {"contract_" #obj "_" #op "_" #err, contract_##obj##_##op##_##err},
const struct test tests_contract[] = {ABI_INVOCATIONS(CHECKS_ENTRY) ABI_DOCUMENTED_ERRORS(DOCUMENTED_ENTRY){0, 0}};
