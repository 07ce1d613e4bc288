/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* IOSpaces, portable part (kernel/io_space.c) on the fake IOMMU: mappings that go with their
 * capabilities, functions unbound when their IOSpace, its pool, their own capability or the
 * IOSpaceControl's issue goes, DMA faults to the notification and READ_FAULT, and stale mapping
 * records meeting an ASID that now names the other kind of space. */
#include "harness.h"
#include "fixture.h"

#define N 20u
#define IOVA 0x200000u
#define SOURCE 0x18u /* 00:03.0 */
#define OTHER_SOURCE 0x108u /* 01:01.0 */

static exception_t del(word_t slot)
{
    word_t mr[2] = {slot, WORD_BITS};
    return fx_cnode(INV_CNODE_DELETE, mr, 2);
}

static exception_t revoke(word_t slot)
{
    word_t mr[2] = {slot, WORD_BITS};
    return fx_cnode(INV_CNODE_REVOKE, mr, 2);
}

/* An IOSpace in slot with an ASID from the pool in pool_slot. */
static void io_space(word_t slot, word_t pool_slot)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_IO_SPACE, 0, slot, 1), ERR_OK);
    CHECK_EQ(fx_assign(pool_slot, slot), ERR_OK);
}

/* A fresh ASID pool in dest (its untyped in ut_slot). */
static void new_pool(word_t ut_slot, word_t dest)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_UNTYPED, OBJ_ASID_POOL_SIZE_BITS, ut_slot, 1), ERR_OK);
    word_t mr[2] = {dest, WORD_BITS};
    struct cte *caps[2] = {fx_slot(ut_slot), fx_slot(S_CNODE)};
    CHECK_EQ(fx_decode(fx_slot(S_ASID_CONTROL), INV_ASID_CONTROL_MAKE_POOL, mr, 2, caps, 2), ERR_OK);
}

static exception_t issue(word_t source, word_t dest)
{
    word_t mr[5] = {source >> 8, (source >> 3) & 31u, source & 7u, dest, WORD_BITS};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    return fx_decode(fx_slot(S_IO_SPACE_CONTROL), INV_IO_SPACE_CONTROL_ISSUE, mr, 5, caps, 1);
}

static exception_t bind(word_t pci, word_t space)
{
    struct cte *caps[1] = {fx_slot(space)};
    return fx_decode(fx_slot(pci), INV_PCI_DEVICE_BIND, NULL, 0, caps, 1);
}

static exception_t io_map_table(word_t space, word_t table, word_t iova)
{
    word_t mr[1] = {iova};
    struct cte *caps[1] = {fx_slot(table)};
    return fx_decode(fx_slot(space), INV_IO_SPACE_MAP_TABLE, mr, 1, caps, 1);
}

static exception_t io_map_frame(word_t space, word_t frame, word_t iova, word_t rights)
{
    word_t mr[2] = {iova, rights};
    struct cte *caps[1] = {fx_slot(frame)};
    return fx_decode(fx_slot(space), INV_IO_SPACE_MAP_FRAME, mr, 2, caps, 1);
}

/* Two page tables (slots tables, tables + 1) for 4 KiB frames at IOVA in space. */
static void io_tables(word_t space, word_t tables)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, tables, 2), ERR_OK);
    CHECK_EQ(io_map_table(space, tables, IOVA), ERR_OK);
    CHECK_EQ(io_map_table(space, tables + 1, IOVA), ERR_OK);
}

static void *root_of(word_t slot) { return (void *)fx_slot(slot)->cap.ptr; }
static paddr_t paddr_of(word_t slot) { return ptr_to_paddr((void *)fx_slot(slot)->cap.ptr); }

/* READ_FAULT on the IOSpace in slot: the five words. */
static void read_fault(word_t slot, word_t out[5])
{
    static struct message m;
    word_t out_length = 0;
    m = (struct message){.label = INV_IO_SPACE_READ_FAULT};
    CHECK_EQ(decode_invocation(fx_slot(slot), &m, &out_length), ERR_OK);
    CHECK_EQ(out_length, 5);
    for (unsigned i = 0; i < 5; i++) out[i] = m.mr[i];
}

static exception_t set_notification(word_t space, word_t ntfn)
{
    struct cte *caps[1] = {fx_slot(ntfn)};
    return fx_decode(fx_slot(space), INV_IO_SPACE_SET_NOTIFICATION, NULL, 0, caps, 1);
}

TEST(io_space_mapping_goes_with_its_capability)
{
    io_space(N, S_ASID_POOL);
    io_tables(N, N + 1);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 3, 2), ERR_OK);
    CHECK_EQ(fx_copy(N + 3, N + 5, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(io_map_frame(N, N + 5, IOVA, RIGHT_READ | RIGHT_WRITE), ERR_OK);
    CHECK_EQ(io_map_frame(N, N + 4, IOVA + 0x1000, RIGHT_READ), ERR_OK);
    paddr_t pa = 0;
    word_t rights = 0;
    CHECK(fake_lookup(root_of(N), IOVA, &pa, &rights));
    CHECK_EQ(pa, paddr_of(N + 3));
    CHECK_EQ(rights, RIGHT_READ | RIGHT_WRITE);
    CHECK(fake_lookup(root_of(N), IOVA + 0x1000, NULL, &rights));
    CHECK_EQ(rights, RIGHT_READ);
    CHECK(fx_slot(N + 5)->cap.data & IO_MAPPED);
    /* Revoking the frame deletes the mapped copy: the IOMMU entry goes, the IOTLB is flushed. */
    word_t flushes = fake_iommu_flushes, tlb = fake_tlb_flushes;
    CHECK_EQ(revoke(N + 3), ERR_OK);
    CHECK_EQ(fx_slot(N + 5)->cap.type, OBJ_NULL);
    CHECK(!fake_lookup(root_of(N), IOVA, NULL, NULL));
    CHECK_EQ(fake_iommu_flushes - flushes, 1);
    CHECK_EQ(fake_tlb_flushes, tlb); /* no CPU TLB: the tables are the IOMMU's */
    /* Unmapping the other frame takes its entry; the same IOVA can be mapped again. */
    CHECK_EQ(fx_decode(fx_slot(N + 4), INV_FRAME_UNMAP, NULL, 0, NULL, 0), ERR_OK);
    CHECK(!fake_lookup(root_of(N), IOVA + 0x1000, NULL, NULL));
    CHECK_EQ(fx_slot(N + 4)->cap.data, 0);
    CHECK_EQ(io_map_frame(N, N + 4, IOVA, RIGHT_READ), ERR_OK);
    /* Deleting the last table takes the whole branch out of the walk. */
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK(!fake_lookup(root_of(N), IOVA, NULL, NULL));
    CHECK_EQ(check_invariants(), 0);
}

TEST(io_space_deletion_unbinds_and_frees_its_asid)
{
    io_space(N, S_ASID_POOL);
    io_space(N + 1, S_ASID_POOL);
    CHECK_EQ(issue(SOURCE, N + 2), ERR_OK);
    CHECK_EQ(issue(OTHER_SOURCE, N + 3), ERR_OK);
    CHECK_EQ(bind(N + 2, N), ERR_OK);
    CHECK_EQ(bind(N + 3, N + 1), ERR_OK);
    word_t asid = fx_slot(N)->cap.aux;
    CHECK_EQ(fake_iommu_binding[SOURCE], asid + 1);
    CHECK_PTR(fake_iommu_root[SOURCE], root_of(N));
    io_tables(N, N + 4);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 6, 1), ERR_OK);
    CHECK_EQ(io_map_frame(N, N + 6, IOVA, RIGHT_READ), ERR_OK);
    CHECK_EQ(del(N), ERR_OK);
    CHECK_EQ(fake_iommu_binding[SOURCE], 0); /* blocked */
    CHECK_EQ(fake_iommu_binding[OTHER_SOURCE], fx_slot(N + 1)->cap.aux + 1); /* another IOSpace's */
    CHECK_PTR(asid_lookup(asid), NULL);
    /* The frame's record is stale: deleting it touches no IOMMU. */
    word_t flushes = fake_iommu_flushes;
    CHECK_EQ(del(N + 6), ERR_OK);
    CHECK_EQ(fake_iommu_flushes, flushes);
    /* The function is still issued; bound anew to the other IOSpace it works. */
    CHECK_EQ(issue(SOURCE, N + 7), ERR_REVOKE_FIRST);
    CHECK_EQ(bind(N + 2, N + 1), ERR_OK);
    CHECK_EQ(check_invariants(), 0);
}

TEST(io_space_pool_deletion_unbinds)
{
    new_pool(N, N + 1);
    io_space(N + 2, N + 1);
    io_space(N + 3, S_ASID_POOL);
    CHECK_EQ(issue(SOURCE, N + 4), ERR_OK);
    CHECK_EQ(issue(OTHER_SOURCE, N + 5), ERR_OK);
    CHECK_EQ(bind(N + 4, N + 2), ERR_OK);
    CHECK_EQ(bind(N + 5, N + 3), ERR_OK);
    CHECK_EQ(del(N + 1), ERR_OK);
    CHECK_EQ(fake_iommu_binding[SOURCE], 0);
    CHECK_EQ(fake_iommu_binding[OTHER_SOURCE], fx_slot(N + 3)->cap.aux + 1); /* the boot pool's */
    /* The IOSpace has lost its domain for good: no binding, no mapping, no second ASID. */
    CHECK_EQ(bind(N + 4, N + 2), ERR_INVALID_CAPABILITY);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 6, 1), ERR_OK);
    CHECK_EQ(io_map_table(N + 2, N + 6, IOVA), ERR_INVALID_CAPABILITY);
    CHECK_EQ(fx_assign(S_ASID_POOL, N + 2), ERR_INVALID_CAPABILITY);
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK_EQ(check_invariants(), 0);
}

TEST(io_space_function_capability_last_copy_unbinds)
{
    io_space(N, S_ASID_POOL);
    CHECK_EQ(issue(SOURCE, N + 1), ERR_OK);
    CHECK_EQ(fx_copy(N + 1, N + 2, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(bind(N + 2, N), ERR_OK);
    CHECK_EQ(bind(N + 1, N), ERR_DELETE_FIRST); /* one function, one binding */
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK(fake_iommu_binding[SOURCE] != 0); /* a copy went, the original holds */
    CHECK_EQ(del(N + 1), ERR_OK);
    CHECK_EQ(fake_iommu_binding[SOURCE], 0);
    CHECK_EQ(issue(SOURCE, N + 1), ERR_OK); /* issued anew */
    /* Revoking IOSpaceControl takes every issued function with it, bound ones unbound. */
    CHECK_EQ(issue(OTHER_SOURCE, N + 3), ERR_OK);
    CHECK_EQ(bind(N + 1, N), ERR_OK);
    CHECK_EQ(bind(N + 3, N), ERR_OK);
    CHECK_EQ(revoke(S_IO_SPACE_CONTROL), ERR_OK);
    CHECK_EQ(fx_slot(N + 1)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 3)->cap.type, OBJ_NULL);
    CHECK_EQ(fake_iommu_binding[SOURCE], 0);
    CHECK_EQ(fake_iommu_binding[OTHER_SOURCE], 0);
    CHECK_EQ(check_invariants(), 0);
}

TEST(io_space_fault_signals_and_is_read_once)
{
    io_space(N, S_ASID_POOL);
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, N + 1, 1), ERR_OK);
    CHECK_EQ(fx_mint(N + 1, N + 2, RIGHTS_ALL, 0x40), ERR_OK);
    CHECK_EQ(set_notification(N, N + 2), ERR_OK);
    struct notification *n = cap_notification(&fx_slot(N + 1)->cap);
    word_t asid = fx_slot(N)->cap.aux, out[5];
    read_fault(N, out);
    CHECK_EQ(out[0], 0); /* nothing yet */
    io_space_fault(asid, SOURCE, 0x1234000, 5u << 8 | 1u);
    CHECK_EQ(n->word, 0x40);
    /* Two more before the holder reads: counted as lost, the first kept. */
    io_space_fault(asid, SOURCE, 0x5000, 6u << 8);
    io_space_fault(asid, OTHER_SOURCE, 0x6000, 6u << 8);
    read_fault(N, out);
    CHECK_EQ(out[0], 1);
    CHECK_EQ(out[1], SOURCE);
    CHECK_EQ(out[2], 0x1234000);
    CHECK_EQ(out[3], 5u << 8 | 1u);
    CHECK_EQ(out[4], 2);
    read_fault(N, out); /* read means cleared */
    CHECK_EQ(out[0], 0);
    CHECK_EQ(out[4], 0);
    /* A fault for an ASID that names no IOSpace goes nowhere. */
    n->word = 0;
    io_space_fault(asid + 1, SOURCE, 0x7000, 1);
    io_space_fault(1, SOURCE, 0x7000, 1); /* the boot VSpace's */
    CHECK_EQ(n->word, 0);
    /* The kernel's copy is a child of the holder's: revoking the holder's takes it, and a
     * fault is still recorded but signals nothing. */
    CHECK(cte_has_children(fx_slot(N + 2)));
    CHECK_EQ(revoke(N + 2), ERR_OK);
    CHECK(!cte_has_children(fx_slot(N + 2)));
    CHECK_EQ(del(N + 2), ERR_OK);
    io_space_fault(asid, SOURCE, 0x8000, 1);
    CHECK_EQ(n->word, 0);
    read_fault(N, out);
    CHECK_EQ(out[0], 1);
    CHECK_EQ(out[2], 0x8000);
    /* A new notification replaces the old one, whose copy goes. */
    CHECK_EQ(fx_mint(N + 1, N + 2, RIGHTS_ALL, 0x1), ERR_OK);
    CHECK_EQ(fx_mint(N + 1, N + 3, RIGHTS_ALL, 0x2), ERR_OK);
    CHECK_EQ(set_notification(N, N + 2), ERR_OK);
    CHECK_EQ(set_notification(N, N + 3), ERR_OK);
    CHECK(!cte_has_children(fx_slot(N + 2)));
    CHECK(cte_has_children(fx_slot(N + 3)));
    io_space_fault(asid, SOURCE, 0x9000, 1);
    CHECK_EQ(n->word, 0x2);
    /* Deleting the IOSpace deletes the kernel's copy. */
    CHECK_EQ(del(N), ERR_OK);
    CHECK(!cte_has_children(fx_slot(N + 3)));
    CHECK_EQ(check_invariants(), 0);
}

/* A frame mapped into a space whose ASID, after the space and its pool died, names a space of
 * the other kind, where a copy of the same frame is mapped at the same address: deleting the stale
 * capability must leave the new mapping alone (the two kinds of tables differ on hardware). */
TEST(io_space_stale_record_meets_a_vspace)
{
    new_pool(N, N + 1);
    io_space(N + 2, N + 1);
    word_t asid = fx_slot(N + 2)->cap.aux;
    io_tables(N + 2, N + 3);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 5, 1), ERR_OK);
    CHECK_EQ(fx_copy(N + 5, N + 6, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(io_map_frame(N + 2, N + 5, IOVA, RIGHT_READ), ERR_OK);
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK_EQ(del(N + 1), ERR_OK); /* a new pool of the range gives the number out again */
    new_pool(N + 10, N + 11);
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N + 7, 1), ERR_OK);
    CHECK_EQ(fx_assign(N + 11, N + 7), ERR_OK);
    CHECK_EQ(fx_slot(N + 7)->cap.aux, asid);
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 8, 2), ERR_OK);
    struct cte *vs[1] = {fx_slot(N + 7)};
    word_t pm[1] = {IOVA}, fm[3] = {IOVA, RIGHT_READ, 0};
    CHECK_EQ(fx_decode(fx_slot(N + 8), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 9), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 6), INV_FRAME_MAP, fm, 3, vs, 1), ERR_OK);
    word_t flushes = fake_iommu_flushes;
    CHECK_EQ(del(N + 5), ERR_OK);
    CHECK(fake_lookup(root_of(N + 7), IOVA, NULL, NULL));
    CHECK_EQ(fake_iommu_flushes, flushes);
    /* A fault reported for that number names no IOSpace now. */
    io_space_fault(asid, SOURCE, IOVA, 1);
    CHECK_EQ(check_invariants(), 0);
}

TEST(io_space_vspace_stale_record_meets_an_io_space)
{
    new_pool(N, N + 1);
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, N + 2, 1), ERR_OK);
    CHECK_EQ(fx_assign(N + 1, N + 2), ERR_OK);
    word_t asid = fx_slot(N + 2)->cap.aux;
    CHECK_EQ(fx_retype(S_UT, OBJ_PAGE_TABLE, 0, N + 3, 2), ERR_OK);
    struct cte *vs[1] = {fx_slot(N + 2)};
    word_t pm[1] = {IOVA}, fm[3] = {IOVA, RIGHT_READ, 0};
    CHECK_EQ(fx_decode(fx_slot(N + 3), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 4), INV_PAGE_TABLE_MAP, pm, 1, vs, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, N + 5, 1), ERR_OK);
    CHECK_EQ(fx_copy(N + 5, N + 6, RIGHTS_ALL), ERR_OK);
    CHECK_EQ(fx_decode(fx_slot(N + 5), INV_FRAME_MAP, fm, 3, vs, 1), ERR_OK);
    CHECK_EQ(del(N + 2), ERR_OK);
    CHECK_EQ(del(N + 1), ERR_OK); /* a new pool of the range gives the number out again */
    new_pool(N + 10, N + 11);
    io_space(N + 7, N + 11);
    CHECK_EQ(fx_slot(N + 7)->cap.aux, asid);
    io_tables(N + 7, N + 8);
    CHECK_EQ(io_map_frame(N + 7, N + 6, IOVA, RIGHT_READ), ERR_OK);
    word_t tlb = fake_tlb_flushes;
    CHECK_EQ(del(N + 5), ERR_OK); /* the VSpace's stale frame */
    CHECK(fake_lookup(root_of(N + 7), IOVA, NULL, NULL));
    CHECK_EQ(fake_tlb_flushes, tlb);
    CHECK_EQ(del(N + 3), ERR_OK); /* and its stale table */
    CHECK(fake_lookup(root_of(N + 7), IOVA, NULL, NULL));
    CHECK_EQ(check_invariants(), 0);
}

/* PCI_DEVICE GET_MSI on the handler's slot: the message words and the line. */
static exception_t get_msi(word_t pci, word_t dest, word_t out[3])
{
    static struct message m;
    word_t out_length = 0;
    m = (struct message){.label = INV_PCI_DEVICE_GET_MSI, .length = 2, .ncaps = 1};
    m.mr[0] = dest;
    m.mr[1] = WORD_BITS;
    m.caps[0] = fx_slot(S_CNODE);
    exception_t e = decode_invocation(fx_slot(pci), &m, &out_length);
    if (e == ERR_OK) {
        CHECK_EQ(out_length, 3);
        for (unsigned i = 0; i < 3; i++) out[i] = m.mr[i];
    }
    return e;
}

static exception_t irq_set_notification(word_t handler, word_t ntfn)
{
    struct cte *caps[1] = {fx_slot(ntfn)};
    return fx_decode(fx_slot(handler), INV_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, caps, 1);
}

/* An MSI line is bound to the function's requester id while its handler lives; the handler is a
 * child of the function's capability (revoking that takes it), deleting it unbinds the line and
 * frees it, and the line delivers like any other: masked until acknowledged. */
TEST(io_space_msi_line_follows_its_handler)
{
    CHECK_EQ(issue(SOURCE, N), ERR_OK);
    word_t out[3];
    CHECK_EQ(get_msi(N, N + 1, out), ERR_OK);
    word_t irq = out[2];
    CHECK(irq >= IRQ_MSI_FIRST && irq < IRQ_LINES);
    CHECK_EQ(out[0], FAKE_MSI_ADDRESS | irq << 5);
    CHECK_EQ(out[1], 0);
    CHECK_EQ(fake_msi_source[irq], SOURCE + 1);
    CHECK_EQ(fx_slot(N + 1)->cap.type, OBJ_IRQ_HANDLER);
    CHECK(cte_has_children(fx_slot(N)));
    /* Handlers are moved, not copied: one per line. */
    CHECK_EQ(fx_copy(N + 1, N + 2, RIGHTS_ALL), ERR_ILLEGAL_OPERATION);
    /* Delivery: a badged notification, signalled once, the line masked until Ack. */
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, N + 3, 1), ERR_OK);
    CHECK_EQ(fx_mint(N + 3, N + 4, RIGHTS_ALL, 0x8), ERR_OK);
    CHECK_EQ(irq_set_notification(N + 1, N + 4), ERR_OK);
    CHECK(!fake_irq_masked[irq]);
    struct notification *n = cap_notification(&fx_slot(N + 3)->cap);
    handle_interrupt(irq);
    CHECK_EQ(n->word, 0x8);
    CHECK(fake_irq_masked[irq]);
    CHECK_EQ(fx_decode(fx_slot(N + 1), INV_IRQ_HANDLER_ACK, NULL, 0, NULL, 0), ERR_OK);
    CHECK(!fake_irq_masked[irq]);
    /* Deleting the handler unbinds the line; the next GET_MSI may take it again. */
    CHECK_EQ(del(N + 1), ERR_OK);
    CHECK_EQ(fake_msi_source[irq], 0);
    CHECK(fake_irq_masked[irq]);
    CHECK_EQ(get_msi(N, N + 1, out), ERR_OK);
    CHECK_EQ(out[2], irq);
    /* Revoking the function's capability takes its handlers: the line is unbound. */
    CHECK_EQ(revoke(N), ERR_OK);
    CHECK_EQ(fx_slot(N + 1)->cap.type, OBJ_NULL);
    CHECK_EQ(fake_msi_source[irq], 0);
    CHECK_EQ(check_invariants(), 0);
}

/* Another function's capability does not parent this one's handler, and the last capability to
 * a function going unbinds its lines even if a handler somehow outlived it (moved elsewhere). */
TEST(io_space_msi_lines_per_function)
{
    CHECK_EQ(issue(SOURCE, N), ERR_OK);
    CHECK_EQ(issue(OTHER_SOURCE, N + 1), ERR_OK);
    word_t a[3], b[3];
    CHECK_EQ(get_msi(N, N + 2, a), ERR_OK);
    CHECK_EQ(get_msi(N + 1, N + 3, b), ERR_OK);
    CHECK(a[2] != b[2]);
    CHECK_EQ(fake_msi_source[a[2]], SOURCE + 1);
    CHECK_EQ(fake_msi_source[b[2]], OTHER_SOURCE + 1);
    CHECK_EQ(revoke(N + 1), ERR_OK); /* the other function's handler goes, this one's stays */
    CHECK_EQ(fx_slot(N + 3)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 2)->cap.type, OBJ_IRQ_HANDLER);
    CHECK_EQ(fake_msi_source[a[2]], SOURCE + 1);
    CHECK_EQ(fake_msi_source[b[2]], 0);
    CHECK_EQ(del(N), ERR_OK); /* the function's last capability: its line stops delivering */
    CHECK_EQ(fake_msi_source[a[2]], 0);
    CHECK_EQ(check_invariants(), 0);
}

/* Revoking IOSpaceControl takes every function and every MSI handler under them, also when a
 * handler lies between two functions' capabilities in the derivation list. */
TEST(io_space_control_revoke_takes_msi_handlers)
{
    word_t out[3];
    CHECK_EQ(issue(OTHER_SOURCE, N), ERR_OK);
    CHECK_EQ(issue(SOURCE, N + 1), ERR_OK); /* placed right after IOSpaceControl: before N */
    CHECK_EQ(get_msi(N + 1, N + 2, out), ERR_OK); /* after N + 1, so before N */
    CHECK(fx_slot(N + 2)->next == fx_slot(N));
    CHECK_EQ(revoke(S_IO_SPACE_CONTROL), ERR_OK);
    CHECK_EQ(fx_slot(N)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 1)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_slot(N + 2)->cap.type, OBJ_NULL);
    CHECK_EQ(fake_msi_source[out[2]], 0);
    CHECK_EQ(check_invariants(), 0);
}
