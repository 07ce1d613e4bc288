/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Untyped.Retype: success, every error, reset after revoke. */
#include <stdbool.h>
#include "ktest.h"

/* A fresh child untyped of 2^bits bytes to play with. */
static bh_cptr_t child_untyped(struct env *env, unsigned bits)
{
    return new_object(env, BH_OBJ_UNTYPED, bits);
}

static int retype_every_type(struct env *env)
{
    bh_word_t types[] = {BH_OBJ_TCB, BH_OBJ_ENDPOINT, BH_OBJ_NOTIFICATION, BH_OBJ_FRAME, BH_OBJ_PAGE_TABLE, BH_OBJ_VSPACE};
    bh_cptr_t ut = child_untyped(env, 16);
    CHECK(ut != 0);
    for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++) {
        bh_cptr_t s = new_slot(env);
        CHECK_OK(bh_untyped_retype(ut, types[i], 0, BH_ROOT_CNODE, 0, 0, s, 1));
    }
    bh_cptr_t s = new_slot(env);
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_CNODE, 4, BH_ROOT_CNODE, 0, 0, s, 1));
    return 0;
}

static int retype_many(struct env *env)
{
    bh_cptr_t ut = child_untyped(env, 14);
    bh_cptr_t first = new_slot(env);
    for (int i = 1; i < 4; i++) new_slot(env);
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, first, 4));
    bh_word_t a0 = 0, a3 = 0;
    CHECK_OK(bh_frame_get_address(first, &a0));
    CHECK_OK(bh_frame_get_address(first + 3, &a3));
    CHECK(a3 == a0 + 3 * 4096);
    return 0;
}

static int retype_errors(struct env *env)
{
    bh_cptr_t ut = child_untyped(env, 12);
    bh_cptr_t s = new_slot(env);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_IRQ_HANDLER, 0, BH_ROOT_CNODE, 0, 0, s, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_untyped_retype(ut, 999, 0, BH_ROOT_CNODE, 0, 0, s, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_CNODE, 0, BH_ROOT_CNODE, 0, 0, s, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_UNTYPED, 13, BH_ROOT_CNODE, 0, 0, s, 1), BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, s, 0), BH_ERR_RANGE);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, s, 300), BH_ERR_RANGE);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, 4095, 2), BH_ERR_RANGE);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, BH_ROOT_TCB, 1), BH_ERR_DELETE_FIRST);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_LARGE_FRAME, 0, BH_ROOT_CNODE, 0, 0, s, 1), BH_ERR_NOT_ENOUGH_MEMORY);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_TCB, 0, 0, s, 1), BH_ERR_FAILED_LOOKUP);
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, s, 1));
    bh_cptr_t s2 = new_slot(env);
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, s2, 1), BH_ERR_NOT_ENOUGH_MEMORY);
    CHECK(bh_get_mr(0) == 0); /* bytes available */
    return 0;
}

static int retype_truncated(struct env *env)
{
    bh_cptr_t ut = child_untyped(env, 12);
    bh_set_mr(0, BH_OBJ_FRAME);
    bh_set_mr(1, 0);
    bh_msginfo_t r = raw_call(ut, BH_INV_UNTYPED_RETYPE, 2, 0);
    CHECK(bh_msginfo_label(r) == BH_ERR_TRUNCATED_MESSAGE);
    r = raw_call(ut, BH_INV_CNODE_COPY, 0, 0);
    CHECK(bh_msginfo_label(r) == BH_ERR_ILLEGAL_OPERATION);
    return 0;
}

static int reset_after_revoke(struct env *env)
{
    bh_cptr_t ut = child_untyped(env, 13);
    bh_cptr_t s0 = new_slot(env), s1 = new_slot(env);
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, s0, 2));
    /* Dirty the frames so the reset has work to do. */
    CHECK_OK(bh_map_frame(&env->alloc, s0, BH_ROOT_VSPACE, 0x0000610000000000ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    *(volatile uint64_t *)0x0000610000000000ull = 0xdeadbeef;
    CHECK_ERR(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, new_slot(env), 1), BH_ERR_NOT_ENOUGH_MEMORY);
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, ut, 64));
    CHECK_OK(bh_untyped_retype(ut, BH_OBJ_FRAME, 0, BH_ROOT_CNODE, 0, 0, s0, 2));
    (void)s1;
    CHECK_OK(bh_map_frame(&env->alloc, s0, BH_ROOT_VSPACE, 0x0000610000000000ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    CHECK(*(volatile uint64_t *)0x0000610000000000ull == 0); /* memory came back zeroed */
    CHECK_OK(bh_frame_unmap(s0));
    return 0;
}

static int device_untyped_frames_only(struct env *env)
{
    const struct bh_bootinfo *bi = env->bi;
    for (uint64_t s = bi->untyped_first; s < bi->untyped_last; s++) {
        if (!bi->untyped[s - bi->untyped_first].is_device) continue;
        CHECK_ERR(bh_untyped_retype(s, BH_OBJ_TCB, 0, BH_ROOT_CNODE, 0, 0, new_slot(env), 1), BH_ERR_INVALID_ARGUMENT);
        return 0;
    }
    CHECK(!"no device untyped was handed out");
    return 0;
}

static bool untyped_covers(const struct bh_bootinfo *bi, uint64_t start, uint64_t end, bool device_only)
{
    for (uint64_t s = bi->untyped_first; s < bi->untyped_last; s++) {
        const struct bh_untyped_desc *d = &bi->untyped[s - bi->untyped_first];
        if ((d->is_device || !device_only) && start < d->paddr + (1ull << d->size_bits) && d->paddr < end) return true;
    }
    return false;
}
static bool device_untyped_covers(const struct bh_bootinfo *bi, uint64_t start, uint64_t end)
{
    return untyped_covers(bi, start, end, true);
}

/* The kernel keeps the interrupt controllers (and IOMMUs): no device untyped covers them, so
 * no retype can make a frame of them, and the boot info names each. A frame of the local
 * APIC let its holder mask the tick and stop the partition schedule. */
static int kernel_devices_never_frames(struct env *env)
{
    const struct bh_bootinfo *bi = env->bi;
    const struct kept_fact *facts;
    size_t nfacts = platform_kept_facts(&facts);
    for (size_t i = 0; i < nfacts; i++) {
        if (bh_alloc_device_frame(&env->alloc, facts[i].paddr) != 0)
            bh_printf("ktest: obtained a frame of the %s at 0x%llx\n", facts[i].what, (unsigned long long)facts[i].paddr);
        CHECK(!device_untyped_covers(bi, facts[i].paddr, facts[i].paddr + 4096));
        bool listed = false;
        for (uint64_t k = 0; k < bi->kernel_devices; k++)
            listed |= bi->kernel_device[k].paddr <= facts[i].paddr &&
                      facts[i].paddr < bi->kernel_device[k].paddr + bi->kernel_device[k].size;
        CHECK(listed);
    }
    CHECK(bi->kernel_devices <= BH_BOOTINFO_MAX_KERNEL_DEVICES);
    for (uint64_t k = 0; k < bi->kernel_devices; k++) {
        const struct bh_kernel_device_desc *d = &bi->kernel_device[k];
        CHECK(d->size && d->paddr % 4096 == 0 && d->size % 4096 == 0 && d->paddr + d->size > d->paddr);
        CHECK(d->kind >= BH_KERNEL_DEVICE_LOCAL_APIC && d->kind <= BH_KERNEL_DEVICE_IOMMU_TABLE);
        CHECK(!device_untyped_covers(bi, d->paddr, d->paddr + d->size));
        /* The IOMMU's ACPI table is memory: no untyped of any kind may cover it. */
        if (d->kind == BH_KERNEL_DEVICE_IOMMU_TABLE) CHECK(!untyped_covers(bi, d->paddr, d->paddr + d->size, false));
        CHECK(bh_alloc_device_frame(&env->alloc, d->paddr) == 0);
        CHECK(bh_alloc_device_frame(&env->alloc, d->paddr + d->size - 4096) == 0);
    }
    return 0;
}

const struct test tests_untyped[] = {
    {"untyped_retype_every_type", retype_every_type},
    {"untyped_retype_many_consecutive", retype_many},
    {"untyped_retype_errors", retype_errors},
    {"untyped_retype_truncated_and_wrong_label", retype_truncated},
    {"untyped_reset_after_revoke_zeroes", reset_after_revoke},
    {"untyped_device_memory_frames_only", device_untyped_frames_only},
    {"untyped_kernel_devices_never_frames", kernel_devices_never_frames},
    {0, 0},
};
