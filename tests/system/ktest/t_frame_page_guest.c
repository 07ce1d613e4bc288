/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pages of a large frame in a GuestSpace (x86, AMD SVM under QEMU -cpu max; t_frame_page.c has
 * the VSpace half): a real-mode guest reads and writes through a page derived from a 2 MiB
 * frame the test also maps whole; a read-only page mapped writable makes the guest's write an
 * NPF; revoking the page (a grant ending) makes the guest's next read an NPF.
 */
#include "ktest.h"
#include "vcpu_test.h"
#include <bulkhead/arch/vcpu.h>
#include <string.h>

#define LARGE_VA 0x00006d0000000000ull
#define CODE_VA 0x00006e0000000000ull
#define CODE_GPA 0x1000u
#define PAGE_GPA 0x8000u    /* a writable page of the frame */
#define RO_GPA 0x9000u      /* a read-only page of the frame */
#define RW (BH_RIGHT_READ | BH_RIGHT_WRITE)

/* 16-bit real mode, CS = DS = 0, at CODE_GPA. Exits: VMMCALL (eax = what PAGE_GPA holds),
 * VMMCALL (after writing 0x12345678 at PAGE_GPA + 4), NPF (the write to RO_GPA). */
static const uint8_t guest_code[] = {
    0x66, 0xa1, 0x00, 0x80,                                     /* mov eax, [0x8000] */
    0x0f, 0x01, 0xd9,                                           /* vmmcall */
    0x66, 0xc7, 0x06, 0x04, 0x80, 0x78, 0x56, 0x34, 0x12,       /* mov dword [0x8004], 0x12345678 */
    0x0f, 0x01, 0xd9,                                           /* vmmcall */
    0x66, 0xc7, 0x06, 0x00, 0x90, 0x01, 0x00, 0x00, 0x00,       /* mov dword [0x9000], 1 */
    0x0f, 0x01, 0xd9,                                           /* vmmcall */
    0xf4,                                                       /* hlt */
};

static volatile uint32_t *large_at(bh_word_t offset) { return (volatile uint32_t *)(uintptr_t)(LARGE_VA + offset); }

static int build(struct env *env, bh_cptr_t *vcpu, bh_cptr_t *space, bh_cptr_t lf, bh_cptr_t *page)
{
    *space = vcpu_test_new_object(env, BH_OBJ_GUEST_SPACE);
    *vcpu = vcpu_test_new_object(env, BH_OBJ_VCPU);
    CHECK(*space && *vcpu);
    for (int i = 0; i < 3; i++) CHECK_OK(bh_guest_space_map_table(*space, new_object(env, BH_OBJ_PAGE_TABLE, 0), 0));
    bh_cptr_t code = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_OK(bh_map_frame(&env->alloc, code, BH_ROOT_VSPACE, CODE_VA, RW, 1));
    memcpy((void *)(uintptr_t)CODE_VA, guest_code, sizeof guest_code);
    CHECK_OK(bh_guest_space_map_frame(*space, vcpu_test_copy(env, code), CODE_GPA, BH_RIGHT_READ | BH_VCPU_RIGHT_EXECUTE));
    /* The granter's pages: 0x40000 of the frame writable, 0x41000 read-only; the mapper maps
     * copies, as a VMM mapping another's grant would. */
    page[0] = frame_page_derive(env, lf, 0x40000, RW);
    page[1] = frame_page_derive(env, lf, 0x41000, BH_RIGHT_READ);
    CHECK(page[0] && page[1]);
    CHECK_OK(bh_guest_space_map_frame(*space, vcpu_test_copy(env, page[0]), PAGE_GPA, RW));
    CHECK_OK(bh_guest_space_map_frame(*space, vcpu_test_copy(env, page[1]), RO_GPA, RW));
    CHECK_OK(bh_vcpu_set_space(*vcpu, *space));
    CHECK_OK(bh_vcpu_set_tcb(*vcpu, BH_ROOT_TCB));
    bh_word_t regs[] = {0x7000 /* rsp */, CODE_GPA /* rip */, 0x2 /* rflags */};
    CHECK_OK(bh_vcpu_write_state(*vcpu, BH_VCPU_RSP, regs, 3));
    return 0;
}

int frame_page_guest(struct env *env)
{
    bh_cptr_t lf = frame_page_new_large(env), vcpu = 0, space = 0, page[2] = {0, 0};
    CHECK(lf != 0);
    CHECK_OK(bh_map_frame(&env->alloc, lf, BH_ROOT_VSPACE, LARGE_VA, RW, 1));
    *large_at(0x40000) = 0xabcd1234;
    if (build(env, &vcpu, &space, lf, page)) return 1;
    bh_word_t x[BH_VM_MR_COUNT];
    CHECK_OK(vcpu_test_run(x, 1, CODE_GPA));
    CHECK(x[0] == BH_VM_EXIT_VMMCALL && (vcpu_test_get(vcpu, BH_VCPU_RAX) & 0xffffffffu) == 0xabcd1234);
    CHECK_OK(vcpu_test_run(x, 1, x[3] + 3));
    CHECK(x[0] == BH_VM_EXIT_VMMCALL && *large_at(0x40004) == 0x12345678);
    /* The read-only page, though mapped with the write right asked for: the write exits. */
    CHECK_OK(vcpu_test_run(x, 1, x[3] + 3));
    CHECK(x[0] == BH_VM_EXIT_NPF && x[2] == RO_GPA && (x[1] & 3) == 3); /* present, write */
    CHECK(*large_at(0x41000) == 0);
    /* The grant ends: revoking the page takes the guest's mapping; the read now exits. */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, page[0], 64));
    CHECK_OK(vcpu_test_run(x, 1, CODE_GPA));
    CHECK(x[0] == BH_VM_EXIT_NPF && x[2] == PAGE_GPA && (x[1] & 1) == 0); /* not present */
    /* The guest dies: revoking the frame takes the read-only page's mapping too. */
    CHECK_OK(bh_cnode_revoke(BH_ROOT_CNODE, lf, 64));
    CHECK_OK(vcpu_test_run(x, 1, CODE_GPA + 19)); /* the write to RO_GPA */
    CHECK(x[0] == BH_VM_EXIT_NPF && x[2] == RO_GPA && (x[1] & 1) == 0);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, vcpu, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, space, 64));
    CHECK_OK(bh_frame_unmap(lf));
    return 0;
}
