/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Retype (kernel/untyped.c): alignment, watermark, reset, errors and their details, device
 * memory, preemptible reset. */
#include <string.h>
#include "harness.h"
#include "fixture.h"

#define D 20u

static word_t ut_base(word_t slot) { return fx_slot(slot)->cap.ptr; }
static word_t watermark(word_t slot) { return fx_slot(slot)->cap.data; }

TEST(retype_aligns_to_object_size)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, D, 1), ERR_OK);
    CHECK_EQ(watermark(S_UT), 16);
    CHECK_EQ(fx_retype(S_UT, OBJ_TCB, 0, D + 1, 1), ERR_OK);
    CHECK_EQ(fx_slot(D + 1)->cap.ptr, ut_base(S_UT) + 2048);
    CHECK_EQ(watermark(S_UT), 4096);
    CHECK_EQ(fx_retype(S_UT, OBJ_LARGE_FRAME, 0, D + 2, 1), ERR_OK);
    CHECK_EQ(fx_slot(D + 2)->cap.ptr, ut_base(S_UT) + BIT(21));
    CHECK(ALIGNED(fx_slot(D + 2)->cap.ptr, 21));
    CHECK_EQ(watermark(S_UT), BIT(22));
}

TEST(retype_many_objects_consecutive)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_NOTIFICATION, 0, D, 10), ERR_OK);
    for (word_t i = 0; i < 10; i++) {
        CHECK_EQ(fx_slot(D + i)->cap.type, OBJ_NOTIFICATION);
        CHECK_EQ(fx_slot(D + i)->cap.ptr, ut_base(S_UT) + (i << OBJ_NOTIFICATION_SIZE_BITS));
        CHECK_EQ(fx_slot(D + i)->cap.rights, RIGHTS_ALL);
    }
    CHECK_EQ(watermark(S_UT), 10u << OBJ_NOTIFICATION_SIZE_BITS);
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 3, D + 10, 1), ERR_OK);
    CHECK_EQ(fx_slot(D + 10)->cap.size_bits, 3);
    CHECK_EQ(fx_slot(D + 10)->cap.guard_bits, 0);
    CHECK_EQ(fx_slot(D + 10)->cap.ptr, ut_base(S_UT) + 512);
}

TEST(retype_reset_when_no_children)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_FRAME, 0, D, 2), ERR_OK);
    unsigned char *p = (unsigned char *)fx_slot(D + 1)->cap.ptr;
    memset(p, 0x5a, 4096); /* user data in the frame */
    word_t mr[2] = {S_UT_SMALL, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, mr, 2), ERR_OK);
    CHECK_EQ(watermark(S_UT_SMALL), 8192); /* the reset happens at the next retype */
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_FRAME, 0, D, 4), ERR_OK);
    CHECK_EQ(fx_slot(D)->cap.ptr, ut_base(S_UT_SMALL));
    CHECK_EQ(watermark(S_UT_SMALL), 16384);
    for (word_t i = 0; i < 4096; i++) CHECK_EQ(p[i], 0);
}

TEST(retype_no_reset_while_children)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_FRAME, 0, D, 2), ERR_OK);
    word_t mr[2] = {D, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, mr, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_FRAME, 0, D, 1), ERR_OK);
    CHECK_EQ(fx_slot(D)->cap.ptr, ut_base(S_UT_SMALL) + 8192);
    CHECK_EQ(watermark(S_UT_SMALL), 12288);
}

TEST(retype_not_enough_memory_details)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_FRAME, 0, D, 5), ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(current_error.detail[0], 16384);
    CHECK_EQ(watermark(S_UT_SMALL), 0);
    CHECK_EQ(fx_slot(D)->cap.type, OBJ_NULL);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_ENDPOINT, 0, D, 1), ERR_OK);
    /* The next TCB would start at 2048: 14 KiB are left for it. */
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_TCB, 0, D + 1, 8), ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(current_error.detail[0], 16384 - 2048);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_TCB, 0, D + 1, 7), ERR_OK);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_ENDPOINT, 0, D + 8, 1), ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(current_error.detail[0], 0);
}

TEST(retype_object_larger_than_untyped)
{
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_LARGE_FRAME, 0, D, 1), ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(current_error.detail[0], 16384);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_UNTYPED, 15, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_UNTYPED, 3, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 1);
}

TEST(retype_bad_type_and_cnode_radix)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_IRQ_CONTROL, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 0);
    CHECK_EQ(fx_retype(S_UT, 99, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(fx_retype(S_UT, OBJ_NULL, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 25, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(watermark(S_UT), 0);
}

TEST(retype_count_and_destination_range)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, D, 0), ERR_RANGE);
    CHECK_EQ(current_error.detail[0], 1);
    CHECK_EQ(current_error.detail[1], 256);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, 0, 257), ERR_RANGE);
    CHECK_EQ(current_error.detail[1], 256);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, 250, 10), ERR_RANGE);
    CHECK_EQ(current_error.detail[0], 0);
    CHECK_EQ(current_error.detail[1], 255);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, 256, 1), ERR_RANGE);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, 250, 6), ERR_OK);
}

TEST(retype_destination_occupied_changes_nothing)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, D + 3, 1), ERR_OK);
    word_t before = watermark(S_UT);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, D, 5), ERR_DELETE_FIRST);
    CHECK_EQ(watermark(S_UT), before);
    for (word_t i = 0; i < 3; i++) CHECK_EQ(fx_slot(D + i)->cap.type, OBJ_NULL);
}

TEST(retype_message_checks)
{
    word_t mr[6] = {OBJ_ENDPOINT, 0, 0, 0, D, 1};
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 5, caps, 1), ERR_TRUNCATED_MESSAGE);
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, caps, 0), ERR_TRUNCATED_MESSAGE);
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_CNODE_COPY, mr, 6, caps, 1), ERR_ILLEGAL_OPERATION);
    caps[0] = fx_slot(S_UT);
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], LF_INVALID_ROOT);
}

TEST(retype_into_nested_cnode)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_CNODE, 4, D, 1), ERR_OK);
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, D + 1, 1), ERR_OK);
    struct cte *caps[1] = {fx_slot(S_CNODE)};
    word_t mr[6] = {OBJ_NOTIFICATION, 0, D, WORD_BITS, 7, 2};
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_OK);
    struct cte *inner = cnode_slots(&fx_slot(D)->cap);
    CHECK_EQ(inner[7].cap.type, OBJ_NOTIFICATION);
    CHECK_EQ(inner[8].cap.type, OBJ_NOTIFICATION);
    CHECK_EQ(inner[7].owner, SLOT_IN_CNODE);
    mr[4] = 15; /* 2 objects from slot 15 of 16 */
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_RANGE);
    CHECK_EQ(current_error.detail[1], 15);
    mr[2] = D + 1; /* an endpoint, not a CNode */
    mr[4] = 0;
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], LF_INVALID_ROOT);
    mr[2] = D;
    mr[3] = 4; /* too shallow for the root's 64-bit level */
    CHECK_EQ(fx_decode(fx_slot(S_UT), INV_UNTYPED_RETYPE, mr, 6, caps, 1), ERR_FAILED_LOOKUP);
    CHECK_EQ(current_error.detail[1], LF_DEPTH);
}

TEST(retype_device_untyped_rules)
{
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_TCB, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(current_error.detail[0], 0);
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_CNODE, 2, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_ENDPOINT, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_PAGE_TABLE, 0, D, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_FRAME, 0, D, 1), ERR_OK);
    CHECK_EQ(fx_slot(D)->cap.size_bits, 1); /* a device frame */
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_UNTYPED, 16, D + 1, 1), ERR_OK);
    CHECK_EQ(fx_slot(D + 1)->cap.aux, 1);
    CHECK_EQ(fx_retype(D + 1, OBJ_NOTIFICATION, 0, D + 2, 1), ERR_INVALID_ARGUMENT);
    CHECK_EQ(fx_retype(D + 1, OBJ_FRAME, 0, D + 2, 1), ERR_OK);
    CHECK_EQ(fx_slot(D + 2)->cap.size_bits, 1);
}

TEST(retype_device_reset_does_not_zero)
{
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_FRAME, 0, D, 1), ERR_OK);
    unsigned char *p = (unsigned char *)fx_slot(D)->cap.ptr;
    memset(p, 0x77, 64); /* device registers */
    word_t mr[2] = {D, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, mr, 2), ERR_OK);
    CHECK_EQ(fx_retype(S_DEV_UT, OBJ_FRAME, 0, D, 1), ERR_OK);
    CHECK_PTR(fx_slot(D)->cap.ptr, p);
    CHECK_EQ(p[0], 0x77);
    CHECK_EQ(p[63], 0x77);
}

TEST(retype_reset_is_preemptible)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_FRAME, 0, D, 200), ERR_OK);
    memset((void *)ut_base(S_UT), 0xee, 200 * 4096);
    word_t mr[2] = {S_UT, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_REVOKE, mr, 2), ERR_OK);
    fake_irq_pending = true;
    exception_t e = fx_retype(S_UT, OBJ_ENDPOINT, 0, D, 1);
    CHECK_EQ(e, EXC_PREEMPTED);
    word_t w = watermark(S_UT);
    CHECK(w > 0 && w < 200 * 4096);
    CHECK(ALIGNED(w, 12));
    unsigned char *m = (unsigned char *)ut_base(S_UT);
    CHECK_EQ(m[w], 0);          /* zeroed above the watermark */
    CHECK_EQ(m[w - 1], 0xee);   /* not yet below */
    CHECK_EQ(fx_slot(D)->cap.type, OBJ_NULL);
    fake_irq_pending = false;
    CHECK_EQ(fx_retype(S_UT, OBJ_ENDPOINT, 0, D, 1), ERR_OK);
    CHECK_EQ(fx_slot(D)->cap.ptr, ut_base(S_UT));
    for (word_t i = 0; i < 200 * 4096; i += 997) CHECK_EQ(m[i], 0);
}

TEST(retype_vspace_has_no_asid_until_assigned)
{
    CHECK_EQ(fx_retype(S_UT, OBJ_VSPACE, 0, D, 2), ERR_OK);
    CHECK_EQ(fx_slot(D)->cap.aux, 0);
    CHECK_PTR(space_root(&fx_slot(D)->cap), NULL);
    CHECK_EQ(fx_assign(S_ASID_POOL, D), ERR_OK);
    CHECK_EQ(fx_assign(S_ASID_POOL, D + 1), ERR_OK);
    word_t a0 = fx_slot(D)->cap.aux, a1 = fx_slot(D + 1)->cap.aux;
    CHECK(a0 != 0 && a1 != 0 && a0 != a1);
    CHECK_PTR(asid_lookup(a0), fx_slot(D)->cap.ptr);
    word_t mr[2] = {D, WORD_BITS};
    CHECK_EQ(fx_cnode(INV_CNODE_DELETE, mr, 2), ERR_OK);
    CHECK_PTR(asid_lookup(a0), NULL);
    CHECK_PTR(asid_lookup(a1), fx_slot(D + 1)->cap.ptr);
}

TEST(retype_same_size_untyped_keeps_watermark)
{
    /* A child untyped covering all of its parent must still track its own children: two
     * retypes from it must not hand out the same memory twice. */
    CHECK_EQ(fx_retype(S_UT_SMALL, OBJ_UNTYPED, SMALL_UT_BITS, D, 1), ERR_OK);
    CHECK_EQ(fx_retype(D, OBJ_ENDPOINT, 0, D + 1, 1), ERR_OK);
    CHECK_EQ(fx_retype(D, OBJ_ENDPOINT, 0, D + 2, 1), ERR_OK);
    CHECK(fx_slot(D + 1)->cap.ptr != fx_slot(D + 2)->cap.ptr);
    CHECK(cte_has_children(fx_slot(D)));
}
