/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The hostile-task test runner (the root server of its boot archive). It builds an
 * unprivileged process holding a CSpace full of varied capabilities, serves its endpoint,
 * answers its faults (resume), and waits for its report. The kernel must stay up and its
 * invariant checker must find nothing, whatever the task does; and when the task has used up
 * its ASID pool, the runner's own must still give address spaces that work.
 */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "hostile.h"
#include "../common/task_server.h"

#define FAULT_BADGE 0xfau
#define EXIT_PASS 0x10u
#define EXIT_FAIL 0x11u

static struct bh_alloc alloc;
static bh_cptr_t service_ep, exit_port;
static struct task_server srv_state;

static int fill_cspace(struct bh_process *p, bh_cptr_t done_ep)
{
    int e = 0;
    e |= bh_process_give(&alloc, p, H_SERVICE, service_ep, BH_RIGHTS_ALL, 1);
    e |= bh_process_give(&alloc, p, H_ENDPOINT_RO, service_ep, BH_RIGHT_READ, 0);
    e |= bh_process_give(&alloc, p, H_DONE, done_ep, BH_RIGHT_WRITE, 2);
    e |= bh_process_give(&alloc, p, H_NOTIFICATION, bh_alloc_object(&alloc, BH_OBJ_NOTIFICATION, 0), BH_RIGHTS_ALL, 0);
    e |= bh_process_give(&alloc, p, H_VICTIM_TCB, bh_alloc_object(&alloc, BH_OBJ_TCB, 0), BH_RIGHTS_ALL, 0);
    e |= bh_process_give(&alloc, p, H_FRAME, bh_alloc_object(&alloc, BH_OBJ_FRAME, 0), BH_RIGHTS_ALL, 0);
    /* A page table has one capability: it moves to the task. */
    e |= bh_cnode_move(p->cnode, H_PAGE_TABLE, BH_PROC_CNODE_RADIX, BH_ROOT_CNODE,
                       bh_alloc_object(&alloc, BH_OBJ_PAGE_TABLE, 0), 64);
    e |= bh_process_give(&alloc, p, H_SMALL_CNODE, bh_alloc_object(&alloc, BH_OBJ_CNODE, 2), BH_RIGHTS_ALL, 0);
    bh_cptr_t port = bh_alloc_slot(&alloc);
    e |= bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x80, 0x80, BH_ROOT_CNODE, port, 64);
    e |= bh_process_give(&alloc, p, H_IO_PORT, port, BH_RIGHTS_ALL, 0);
    bh_cptr_t ut = bh_alloc_object(&alloc, BH_OBJ_UNTYPED, 20);
    e |= bh_cnode_move(p->cnode, H_UNTYPED, BH_PROC_CNODE_RADIX, BH_ROOT_CNODE, ut, 64);
    /* An ASID pool of its own, all but HOSTILE_FREE_ASIDS of it used by the runner's spaces. */
    bh_cptr_t pool = bh_alloc_asid_pool(&alloc, BH_ROOT_ASID_CONTROL);
    e |= !pool;
    alloc.asid_pool = pool;
    for (unsigned i = 0; pool && i < BH_ASID_POOL_ASIDS - HOSTILE_FREE_ASIDS; i++)
        e |= !bh_alloc_object(&alloc, BH_OBJ_VSPACE, 0);
    alloc.asid_pool = BH_ROOT_ASID_POOL;
    e |= bh_process_give(&alloc, p, H_ASID_POOL, pool, BH_RIGHTS_ALL, 0);
    bh_cptr_t fault_ep = bh_alloc_slot(&alloc);
    e |= bh_cnode_mint(BH_ROOT_CNODE, fault_ep, 64, BH_ROOT_CNODE, service_ep, 64, BH_RIGHTS_ALL, FAULT_BADGE);
    e |= bh_tcb_set_fault_handler(p->tcb, fault_ep);
    return e;
}

int root_main(const struct bh_bootinfo *bi)
{
    struct bh_process task;
    struct bh_thread srv;
    size_t len;
    bh_alloc_init(&alloc, bi, BH_ROOT_VSPACE, 0x0000600000000000ull);
    exit_port = bh_alloc_slot(&alloc);
    bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0xf4, 0xf7, BH_ROOT_CNODE, exit_port, 64);
    service_ep = bh_alloc_object(&alloc, BH_OBJ_ENDPOINT, 0);
    bh_cptr_t done_ep = bh_alloc_object(&alloc, BH_OBJ_ENDPOINT, 0);
    srv_state = (struct task_server){service_ep, bh_alloc_slot(&alloc), exit_port, FAULT_BADGE, "hostile", 0, 0};
    const void *img = bh_archive_find(bi, "hostile-task", &len);
    int ok = img && bh_process_create(&alloc, &task, "hostile-task", img, len, 100, 0) == 0 &&
             fill_cspace(&task, done_ep) == 0 && bh_thread_create(&alloc, &srv, task_server_run, (bh_word_t)(uintptr_t)&srv_state, 200) == 0 &&
             bh_thread_start(&srv) == 0 && bh_process_start(&task) == 0;
    if (!ok) {
        bh_printf("FAIL hostile.setup: could not build the hostile task\n");
        bh_io_port_out8(exit_port, 0xf4, EXIT_FAIL);
        return 1;
    }
    bh_word_t badge;
    bh_msginfo_t info = bh_recv(done_ep, &badge);
    bh_word_t violations = bh_get_mr(0), errors = bh_get_mr(1), assigned = bh_get_mr(2), refusal = bh_get_mr(3);
    bh_word_t final_check = bh_debug_check_kernel();
    /* The task used up its pool; ours still gives a VSpace that can be mapped into. */
    bh_cptr_t vs = bh_alloc_object(&alloc, BH_OBJ_VSPACE, 0), f = bh_alloc_object(&alloc, BH_OBJ_FRAME, 0);
    int own_exhausted = assigned == HOSTILE_FREE_ASIDS && refusal == BH_ERR_NOT_ENOUGH_MEMORY;
    int others_fine = vs && f && bh_map_frame(&alloc, f, vs, 0x10000000ull, BH_RIGHT_READ, 1) == BH_ERR_OK;
    int pass = bh_msginfo_label(info) == 0xd0e && violations == 0 && final_check == 0 && own_exhausted && others_fine;
    bh_printf("[hostile] %lu error replies, %lu faults answered, %lu messages served\n", (unsigned long)errors,
              srv_state.faults, srv_state.messages);
    bh_printf("PASS hostile.kernel_survives_%u_random_calls\n", HOSTILE_CALLS);
    bh_printf("%s hostile.invariants_hold_after_every_batch%s\n", violations == 0 ? "PASS" : "FAIL",
              violations == 0 ? "" : ": the checker found violations");
    bh_printf("%s hostile.invariants_hold_at_the_end%s\n", final_check == 0 ? "PASS" : "FAIL",
              final_check == 0 ? "" : ": the checker found violations");
    bh_printf("%s hostile.own_asid_pool_used_up%s\n", own_exhausted ? "PASS" : "FAIL",
              own_exhausted ? "" : ": the task's pool did not give exactly its free ASIDs and then refuse");
    bh_printf("%s hostile.other_asid_pools_unaffected%s\n", others_fine ? "PASS" : "FAIL",
              others_fine ? "" : ": the runner's pool gave no working VSpace");
    unsigned long faults = srv_state.faults;
    bh_printf("%s hostile.faults_reach_the_handler%s\n", faults > 0 ? "PASS" : "FAIL", faults > 0 ? "" : ": none");
    bh_io_port_out8(exit_port, 0xf4, pass && faults > 0 ? EXIT_PASS : EXIT_FAIL);
    return 0;
}
