/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The structured fuzzer's runner (the root server of its boot archive). It gives an
 * unprivileged process 4 MiB of untyped memory, an ASID pool and its own TCB, CNode and VSpace, serves its
 * endpoint (echo; capabilities it is sent are deleted at once), resumes its own faults, leaves
 * the faulting threads it made stopped, and prints the fuzzer's progress. The campaign's size
 * and seed come from the file "sysfuzz.args" in the boot archive ("calls seed flags",
 * decimal or 0x-hex; flags: 1 prints every operation, 2 leaves VM_ENTER out), else the defaults of sysfuzz.h.
 */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "sysfuzz.h"
#include "../../system/common/task_server.h"

#define EXIT_PASS 0x10u
#define EXIT_FAIL 0x11u

static struct bh_alloc alloc;
static bh_cptr_t service_ep, exit_port;
/* The task's own faults come from the random RFLAGS.TF (a #DB after a return to user level):
 * resumed; the threads it made fault here too and stay stopped (task_server.h). */
static struct task_server srv_state;

static void finish(int pass)
{
    bh_io_port_out8(exit_port, 0xf4, pass ? EXIT_PASS : EXIT_FAIL);
}

static uint64_t parse_number(const char **p, const char *end)
{
    uint64_t v = 0;
    unsigned base = 10;
    while (*p < end && (**p == ' ' || **p == '\n' || **p == '\t')) (*p)++;
    if (end - *p > 2 && (*p)[0] == '0' && ((*p)[1] == 'x' || (*p)[1] == 'X')) {
        base = 16;
        *p += 2;
    }
    for (; *p < end; (*p)++) {
        char c = **p;
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
        if (d >= base) break;
        v = v * base + d;
    }
    return v;
}

static int build_task(struct bh_process *p, const void *img, size_t len, bh_cptr_t report_ep)
{
    int e = bh_process_create(&alloc, p, "sysfuzz-task", img, len, SF_TASK_PRIORITY, 0);
    if (e) return e;
    e |= bh_tcb_set_mc_priority(p->tcb, SF_TASK_MCP, BH_ROOT_TCB);
    e |= bh_process_give(&alloc, p, SF_SERVICE, service_ep, BH_RIGHTS_ALL, SF_TASK_BADGE);
    e |= bh_process_give(&alloc, p, SF_REPORT, report_ep, BH_RIGHT_WRITE | BH_RIGHT_GRANT, SF_REPORT_BADGE);
    bh_cptr_t ut = bh_alloc_object(&alloc, BH_OBJ_UNTYPED, SF_UNTYPED_BITS);
    e |= !ut;
    e |= bh_cnode_move(p->cnode, SF_UNTYPED_SLOT, BH_PROC_CNODE_RADIX, BH_ROOT_CNODE, ut, 64);
    bh_cptr_t pool = bh_alloc_asid_pool(&alloc, BH_ROOT_ASID_CONTROL);
    e |= !pool;
    e |= bh_process_give(&alloc, p, SF_ASID_POOL, pool, BH_RIGHTS_ALL, 0);
    bh_cptr_t fault_ep = bh_alloc_slot(&alloc);
    e |= bh_cnode_mint(BH_ROOT_CNODE, fault_ep, 64, BH_ROOT_CNODE, service_ep, 64, BH_RIGHTS_ALL, SF_FAULT_BADGE);
    e |= bh_tcb_set_fault_handler(p->tcb, fault_ep);
    return e;
}

int root_main(const struct bh_bootinfo *bi)
{
    struct bh_process task;
    struct bh_thread srv;
    size_t len, args_len;
    bh_alloc_init(&alloc, bi, BH_ROOT_VSPACE, 0x0000600000000000ull);
    exit_port = bh_alloc_slot(&alloc);
    bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0xf4, 0xf7, BH_ROOT_CNODE, exit_port, 64);
    service_ep = bh_alloc_object(&alloc, BH_OBJ_ENDPOINT, 0);
    bh_cptr_t report_ep = bh_alloc_object(&alloc, BH_OBJ_ENDPOINT, 0);
    srv_state = (struct task_server){service_ep, bh_alloc_slot(&alloc), exit_port, SF_FAULT_BADGE, "sysfuzz", 0, 0};

    uint64_t calls = SF_DEFAULT_CALLS, seed = SF_DEFAULT_SEED, trace = 0;
    const char *args = bh_archive_find(bi, "sysfuzz.args", &args_len);
    if (args) {
        const char *p = args, *end = args + args_len;
        uint64_t c = parse_number(&p, end), s = parse_number(&p, end);
        if (c) calls = c;
        if (s) seed = s;
        trace = parse_number(&p, end);
    }
    const void *img = bh_archive_find(bi, "sysfuzz-task", &len);
    int ok = img && build_task(&task, img, len, report_ep) == 0 && bh_thread_create(&alloc, &srv, task_server_run, (bh_word_t)(uintptr_t)&srv_state, 200) == 0 &&
             bh_thread_start(&srv) == 0 && bh_process_start(&task) == 0;
    if (!ok) {
        bh_printf("FAIL sysfuzz.setup: could not build the fuzzer's process\n");
        finish(0);
        return 1;
    }
    bh_printf("[sysfuzz] %llu calls, seed 0x%llx\n", (unsigned long long)calls, (unsigned long long)seed);

    /* Progress about every 2%, and at the end. */
    uint64_t step = calls / 50 < SF_BATCH ? SF_BATCH : calls / 50, next = step;
    bh_word_t badge, done = 0, succeeded = 0, violations = 0;
    for (;;) {
        bh_msginfo_t info = bh_recv(report_ep, &badge);
        bh_word_t label = bh_msginfo_label(info);
        if (label == SF_GET_PARAMS) {
            bh_set_mr(0, calls);
            bh_set_mr(1, seed);
            bh_set_mr(2, SF_BATCH);
            bh_set_mr(3, trace);
            bh_reply(bh_msginfo(0, 0, 0, 4));
            continue;
        }
        done = bh_get_mr(0);
        succeeded = bh_get_mr(1);
        violations = bh_get_mr(2);
        if (label == SF_DONE) break;
        if (done >= next) {
            bh_printf("[sysfuzz] %llu/%llu calls (%llu%%), %llu succeeded, %llu invariant violations\n",
                      (unsigned long long)done, (unsigned long long)calls, (unsigned long long)(done * 100 / calls),
                      (unsigned long long)succeeded, (unsigned long long)violations);
            next += step;
        }
        bh_reply(bh_msginfo(0, 0, 0, 0));
    }
    bh_word_t final_check = bh_debug_check_kernel();
    bh_printf("[sysfuzz] done: %llu calls, %llu succeeded (%llu%%), %lu faults of its own resumed, %lu messages served\n",
              (unsigned long long)done, (unsigned long long)succeeded,
              (unsigned long long)(done ? succeeded * 100 / done : 0), srv_state.faults, srv_state.messages);
    int pass = done == calls && violations == 0 && final_check == 0;
    bh_printf("%s sysfuzz.kernel_survives_%llu_typed_calls%s\n", done == calls ? "PASS" : "FAIL",
              (unsigned long long)calls, done == calls ? "" : ": the campaign did not finish");
    bh_printf("%s sysfuzz.invariants_hold_after_every_batch%s\n", violations == 0 ? "PASS" : "FAIL",
              violations == 0 ? "" : ": the checker found violations");
    bh_printf("%s sysfuzz.invariants_hold_at_the_end%s\n", final_check == 0 ? "PASS" : "FAIL",
              final_check == 0 ? "" : ": the checker found violations");
    /* Typed operations reach the object code: at least a third of the calls succeed (the
     * random-word hostile task manages 3%). */
    int reach = done && succeeded * 3 >= done;
    bh_printf("%s sysfuzz.most_calls_reach_objects%s\n", reach ? "PASS" : "FAIL",
              reach ? "" : ": fewer than a third of the calls succeeded");
    finish(pass && reach);
    return 0;
}
