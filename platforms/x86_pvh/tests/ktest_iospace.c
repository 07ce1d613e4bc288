/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * IOSpaces on VT-d with QEMU's `edu` device (1234:11e8; hw/misc/edu.c, docs/specs/edu.txt:
 * BAR0 registers 0x80 DMA source, 0x88 destination, 0x90 count, 0x98 command with bit 0 start
 * and bit 1 "to RAM"; a 4 KiB buffer at device address 0x40000, reached only by DMA; a
 * 28-bit DMA mask; the transfer runs 100 ms of virtual time after the command). The suite
 * boots q35 with `-device intel-iommu -device edu` for these; elsewhere they are skipped
 * (vspace_io_space_only_with_iommu checks that IOSpaces cannot be made without VT-d).
 */
#include "ktest_edu.h"

#define EDU_DMA_SRC 0x80u
#define EDU_DMA_DST 0x88u
#define EDU_DMA_COUNT 0x90u
#define EDU_DMA_CMD 0x98u
#define EDU_BUFFER 0x40000u
#define TEST_VA 0x0000640000000000ull
#define BUF_VA (TEST_VA + 0x1000)
#define RAM_VA (TEST_VA + 0x10000)
#define IOVA 0x100000ull
#define PATTERN 0x5eed0000cafe0000ull
#define FAULT_BADGE 0x10u

static volatile uint64_t *edu_reg(unsigned off) { return edu_reg64(off); }

/* A transfer between the edu buffer and iova (to_ram: from the buffer), waited for. */
static int edu_dma(uint64_t iova, uint64_t bytes, int to_ram)
{
    *edu_reg(EDU_DMA_SRC) = to_ram ? EDU_BUFFER : iova;
    *edu_reg(EDU_DMA_DST) = to_ram ? iova : EDU_BUFFER;
    *edu_reg(EDU_DMA_COUNT) = bytes;
    *edu_reg(EDU_DMA_CMD) = 1 | (to_ram ? 2 : 0);
    for (unsigned long i = 0; i < 200000000ul; i++)
        if (!(*edu_reg(EDU_DMA_CMD) & 1)) return 0;
    return -1;
}

static int map_io(struct env *env, bh_cptr_t space, bh_cptr_t frame, uint64_t iova, bh_word_t rights)
{
    for (int tries = 0; tries < 4; tries++) {
        int err = bh_io_space_map_frame(space, frame, iova, rights);
        if (err != BH_ERR_FAILED_LOOKUP) return err;
        bh_cptr_t pt = new_object(env, BH_OBJ_PAGE_TABLE, 0);
        if ((err = bh_io_space_map_table(space, pt, iova)) != BH_ERR_OK) return err;
    }
    return BH_ERR_FAILED_LOOKUP;
}

static int edu_dma_confined(struct env *env)
{
    bh_cptr_t space = new_object(env, BH_OBJ_IO_SPACE, 0);
    if (!space) SKIP("no VT-d");
    int dev = edu_find(env);
    if (dev < 0) SKIP("no edu device");
    CHECK(edu_regs_map(env, (unsigned)dev) == 0);

    /* The IOSpace, its domain, the function bound, a frame at IOVA (a copy of its capability). */
    CHECK_OK(bh_asid_pool_assign(BH_ROOT_ASID_POOL, space));
    bh_cptr_t pci = new_slot(env), ntfn = new_object(env, BH_OBJ_NOTIFICATION, 0);
    CHECK_OK(bh_io_space_control_issue(BH_ROOT_IO_SPACE_CONTROL, 0, (bh_word_t)dev, 0, BH_ROOT_CNODE, pci, 64));
    CHECK_ERR(bh_io_space_control_issue(BH_ROOT_IO_SPACE_CONTROL, 0, (bh_word_t)dev, 0, BH_ROOT_CNODE, new_slot(env), 64),
              BH_ERR_REVOKE_FIRST);
    CHECK_OK(bh_pci_device_bind(pci, space));
    CHECK_ERR(bh_pci_device_bind(pci, space), BH_ERR_DELETE_FIRST);
    /* Signals carry the capability's badge: an unbadged one would signal nothing to a poll. */
    bh_cptr_t fault_ntfn = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, fault_ntfn, 64, BH_ROOT_CNODE, ntfn, 64, BH_RIGHTS_ALL, FAULT_BADGE));
    CHECK_OK(bh_io_space_set_notification(space, fault_ntfn));
    bh_cptr_t ram = new_object(env, BH_OBJ_FRAME, 0), dma_copy = new_slot(env), victim = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, dma_copy, 64, BH_ROOT_CNODE, ram, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_map_frame(&env->alloc, ram, BH_ROOT_VSPACE, RAM_VA, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    CHECK_OK(bh_map_frame(&env->alloc, victim, BH_ROOT_VSPACE, RAM_VA + 0x1000, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    CHECK_OK(map_io(env, space, dma_copy, IOVA, BH_RIGHT_READ | BH_RIGHT_WRITE));
    /* The pattern reaches the device's buffer by DMA from a frame the device may only read. */
    bh_cptr_t src = new_object(env, BH_OBJ_FRAME, 0), src_copy = new_slot(env);
    volatile uint64_t *src_mem = (volatile uint64_t *)BUF_VA;
    CHECK_OK(bh_map_frame(&env->alloc, src, BH_ROOT_VSPACE, BUF_VA, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    for (unsigned i = 0; i < 8; i++) src_mem[i] = PATTERN + i;
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, src_copy, 64, BH_ROOT_CNODE, src, 64, BH_RIGHTS_ALL));
    CHECK_OK(map_io(env, space, src_copy, IOVA + 0x1000, BH_RIGHT_READ));
    CHECK(edu_dma(IOVA + 0x1000, 64, 0) == 0);
    volatile uint64_t *mem = (volatile uint64_t *)RAM_VA, *victim_mem = (volatile uint64_t *)(RAM_VA + 0x1000);

    /* Into the mapped frame: the data arrives. */
    CHECK(edu_dma(IOVA, 64, 1) == 0);
    for (unsigned i = 0; i < 8; i++) CHECK(mem[i] == PATTERN + i);

    /* To an unmapped IOVA that is the victim frame's physical address (where the DMA would
     * land without the IOMMU): a fault with the address, the function and "write"; the victim
     * is untouched. */
    bh_word_t victim_pa = 0, pending = 0, source = 0, address = 0, kind = 0, lost = 0;
    CHECK_OK(bh_frame_get_address(victim, &victim_pa));
    CHECK(victim_pa < (1ull << 28));
    victim_mem[0] = 0x1111;
    while (bh_poll(ntfn)) {}
    CHECK(edu_dma(victim_pa, 64, 1) == 0);
    CHECK(bh_poll(ntfn) == FAULT_BADGE);
    CHECK_OK(bh_io_space_read_fault(space, &pending, &source, &address, &kind, &lost));
    CHECK(pending == 1 && source == (bh_word_t)dev << 3 && address == victim_pa && (kind & 1) == 1);
    bh_printf("ktest: edu DMA fault source %lx address %lx reason %lu\n", (unsigned long)source,
              (unsigned long)address, (unsigned long)(kind >> 8));
    CHECK(victim_mem[0] == 0x1111);
    CHECK_OK(bh_io_space_read_fault(space, &pending, &source, &address, &kind, &lost));
    CHECK(pending == 0);

    /* Into a frame mapped read-only: a write fault at its IOVA, the frame untouched. (QEMU
     * checks rights only when it walks the tables: a write to the read-only frame the device
     * has read from, whose translation it caches, is refused without a fault record.) */
    bh_cptr_t ro = new_object(env, BH_OBJ_FRAME, 0), ro_copy = new_slot(env);
    volatile uint64_t *ro_mem = (volatile uint64_t *)(BUF_VA + 0x1000);
    CHECK_OK(bh_map_frame(&env->alloc, ro, BH_ROOT_VSPACE, BUF_VA + 0x1000, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, ro_copy, 64, BH_ROOT_CNODE, ro, 64, BH_RIGHTS_ALL));
    CHECK_OK(map_io(env, space, ro_copy, IOVA + 0x2000, BH_RIGHT_READ));
    ro_mem[0] = 0x4444;
    src_mem[0] = 0x5555;
    CHECK(edu_dma(IOVA + 0x2000, 64, 1) == 0);
    CHECK(bh_poll(ntfn) == FAULT_BADGE);
    CHECK_OK(bh_io_space_read_fault(space, &pending, &source, &address, &kind, &lost));
    CHECK(pending == 1 && address == IOVA + 0x2000 && (kind & 1) == 1);
    CHECK(ro_mem[0] == 0x4444);
    CHECK(edu_dma(IOVA + 0x1000, 64, 1) == 0);
    CHECK(src_mem[0] == 0x5555);

    /* Two faulting transfers before the holder reads: the first is kept, the second counted. */
    while (bh_poll(ntfn)) {}
    CHECK(edu_dma(victim_pa, 64, 1) == 0);
    CHECK(edu_dma(victim_pa + 0x40, 64, 1) == 0);
    CHECK_OK(bh_io_space_read_fault(space, &pending, &source, &address, &kind, &lost));
    CHECK(pending == 1 && address == victim_pa && lost >= 1);
    CHECK(victim_mem[0] == 0x1111 && victim_mem[8] == 0);
    while (bh_poll(ntfn)) {}

    /* Revoking the frame takes the IOMMU mapping with it: the device no longer reaches it. */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, ram, 64));
    mem[0] = 0x2222;
    CHECK(edu_dma(IOVA, 64, 1) == 0);
    CHECK(bh_poll(ntfn) == FAULT_BADGE);
    CHECK_OK(bh_io_space_read_fault(space, &pending, &source, &address, &kind, &lost));
    CHECK(pending == 1 && address == IOVA);
    CHECK(mem[0] == 0x2222);

    /* Mapped again, then the function unbound: blocked, and no fault reaches the IOSpace. */
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, dma_copy, 64, BH_ROOT_CNODE, ram, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_io_space_map_frame(space, dma_copy, IOVA, BH_RIGHT_READ | BH_RIGHT_WRITE));
    CHECK(edu_dma(IOVA, 64, 1) == 0);
    CHECK(mem[0] == PATTERN);
    mem[0] = 0x3333;
    CHECK_OK(bh_pci_device_unbind(pci));
    CHECK(edu_dma(IOVA, 64, 1) == 0);
    CHECK(mem[0] == 0x3333);
    CHECK(bh_poll(ntfn) == 0);

    /* Deleting the IOSpace unbinds what is bound to it; the function can be issued again once
     * its capability is gone. */
    CHECK_OK(bh_pci_device_bind(pci, space));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, space, 64));
    CHECK(edu_dma(IOVA, 64, 1) == 0);
    CHECK(mem[0] == 0x3333);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pci, 64));
    CHECK_OK(bh_io_space_control_issue(BH_ROOT_IO_SPACE_CONTROL, 0, (bh_word_t)dev, 0, BH_ROOT_CNODE, pci, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pci, 64));
    return 0;
}

const struct test tests_iospace[] = {
    {"iospace_edu_dma_confined", edu_dma_confined},
    {0, 0},
};
