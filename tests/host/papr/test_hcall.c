/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of the PAPR hcall and RTAS layer (vmm/papr/hcall*.c, xics.c, rtas*.c): every
 * handler, every refused argument, the XICS presentation rules across two vCPUs, each RTAS
 * service through the real H_RTAS path (a struct rtas_args built big-endian in guest memory,
 * as Linux's rtas_call does). Guest memory is an exact-size heap block: a missed bounds check
 * is an AddressSanitizer report.
 */
#define CHECK_SUITE "papr"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "papr.h"
#include "fake_host.h"
#include "../../lib/check.h"

#define RAM (1u << 20)
#define ARGS_GPA 0x8000u

static struct fake_host *h;

static void fresh(unsigned vcpus)
{
    if (h) fake_host_free(h);
    h = fake_host_new(vcpus, RAM);
}

/* One hcall from vcpu with up to 6 arguments; returns the status, results stay in *c. */
static int64_t hcall6(struct papr_hcall *c, unsigned vcpu, uint64_t op, uint64_t a, uint64_t b, uint64_t cc,
                      uint64_t d, uint64_t e, uint64_t f, enum papr_action *action)
{
    memset(c, 0, sizeof *c);
    c->r[3] = op;
    c->r[4] = a, c->r[5] = b, c->r[6] = cc, c->r[7] = d, c->r[8] = e, c->r[9] = f;
    enum papr_action act = papr_hcall(&h->vm, vcpu, c);
    if (action) *action = act;
    return (int64_t)c->r[3];
}

static int64_t hc(unsigned vcpu, uint64_t op, uint64_t a, uint64_t b, uint64_t cc, uint64_t d)
{
    struct papr_hcall c;
    return hcall6(&c, vcpu, op, a, b, cc, d, 0, 0, NULL);
}

static void put_be32(uint64_t gpa, uint32_t v)
{
    h->ram[gpa] = (uint8_t)(v >> 24), h->ram[gpa + 1] = (uint8_t)(v >> 16);
    h->ram[gpa + 2] = (uint8_t)(v >> 8), h->ram[gpa + 3] = (uint8_t)v;
}

static uint32_t get_be32(uint64_t gpa)
{
    return (uint32_t)h->ram[gpa] << 24 | (uint32_t)h->ram[gpa + 1] << 16 | (uint32_t)h->ram[gpa + 2] << 8 |
           h->ram[gpa + 3];
}

/* An RTAS call as Linux makes it: rtas_args at ARGS_GPA, then the blob's hcall. rets[] gets
 * the return words; the result is the hcall status. */
static int64_t rtas(unsigned vcpu, uint32_t token, uint32_t nargs, uint32_t nret, const uint32_t *args,
                    uint32_t *rets, enum papr_action *action)
{
    struct papr_hcall c;
    put_be32(ARGS_GPA, token);
    put_be32(ARGS_GPA + 4, nargs);
    put_be32(ARGS_GPA + 8, nret);
    for (uint32_t i = 0; i < nargs; i++) put_be32(ARGS_GPA + 12 + 4 * i, args[i]);
    for (uint32_t i = 0; i < nret; i++) put_be32(ARGS_GPA + 12 + 4 * (nargs + i), 0xdeadbeef);
    int64_t st = hcall6(&c, vcpu, H_RTAS, ARGS_GPA, 0, 0, 0, 0, 0, action);
    for (uint32_t i = 0; i < nret && rets; i++) rets[i] = get_be32(ARGS_GPA + 12 + 4 * (nargs + i));
    return st;
}

static uint32_t token(const char *name)
{
    for (size_t i = 0; i < papr_rtas_service_count; i++)
        if (!strcmp(papr_rtas_services[i].name, name)) return papr_rtas_services[i].token;
    return 0;
}

/* ---- dispatcher ---- */

static void unknown_hcall_is_h_function(void)
{
    fresh(2);
    CHECK_EQ(hc(0, 0x1234, 0, 0, 0, 0), H_FUNCTION);
    CHECK_EQ(hc(0, 0x2ec, 0, 0, 0, 0), H_FUNCTION);     /* H_HOME_NODE_ASSOCIATIVITY: no vphn */
    CHECK_EQ(hc(0, 0xf080, 0, 0, 0, 0), H_FUNCTION);    /* H_GET_PERF_COUNTER_INFO */
    CHECK_EQ(hc(0, UINT64_MAX, 0, 0, 0, 0), H_FUNCTION);
    CHECK_EQ(h->vm.stats.hcalls, 4);
    CHECK_EQ(h->vm.stats.hcall_errors, 4);
    CHECK_EQ(strcmp(papr_hcall_name(H_CEDE), "H_CEDE"), 0);
    CHECK_EQ(strcmp(papr_hcall_name(0x1234), "unknown"), 0);
}

static void problem_state_is_h_privilege(void)
{
    struct papr_hcall c = {0};
    fresh(2);
    c.r[3] = H_PUT_TERM_CHAR;
    c.r[4] = PAPR_VTY_REG, c.r[5] = 1, c.r[6] = (uint64_t)'x' << 56;
    c.problem_state = true;
    CHECK_EQ(papr_hcall(&h->vm, 0, &c), PAPR_CONTINUE);
    CHECK_EQ((int64_t)c.r[3], H_PRIVILEGE);
    CHECK_EQ(h->out_len, 0);
    c.r[3] = H_CEDE;
    CHECK_EQ(papr_hcall(&h->vm, 0, &c), PAPR_CONTINUE);
    CHECK_EQ((int64_t)c.r[3], H_PRIVILEGE);
}

static void bad_vcpu_is_h_hardware(void)
{
    fresh(2);
    CHECK_EQ(hc(2, H_CEDE, 0, 0, 0, 0), H_HARDWARE);
    CHECK_EQ(hc(PAPR_MAX_VCPUS, H_XIRR, 0, 0, 0, 0), H_HARDWARE);
}

static void logical_ci_refused(void)
{
    fresh(1);
    h->ram[0x100] = 0x5a;
    struct papr_hcall c;
    CHECK_EQ(hcall6(&c, 0, H_LOGICAL_CI_LOAD, 1, 0x100, 0, 0, 0, 0, NULL), H_FUNCTION);
    CHECK_EQ(c.r[4], 1);                     /* r4 keeps the size: nothing was loaded */
    CHECK_EQ(hc(0, H_LOGICAL_CI_STORE, 1, 0x100, 0x77, 0), H_FUNCTION);
    CHECK_EQ(h->ram[0x100], 0x5a);
    CHECK_EQ(h->vm.stats.refused_logical_ci, 2);
}

/* ---- console ---- */

static void put_term_char(void)
{
    fresh(1);
    /* "Hello, PAPR!abcd": bytes 0..7 in r6, 8..15 in r7, most significant first. */
    CHECK_EQ(hc(0, H_PUT_TERM_CHAR, PAPR_VTY_REG, 16, 0x48656c6c6f2c2050ull, 0x4150522161626364ull), H_SUCCESS);
    CHECK_EQ(h->out_len, 16);
    CHECK_EQ(memcmp(h->out, "Hello, PAPR!abcd", 16), 0);
    CHECK_EQ(hc(0, H_PUT_TERM_CHAR, PAPR_VTY_REG, 3, 0x6f6b0a0000000000ull, 0), H_SUCCESS);
    CHECK_EQ(memcmp(h->out + 16, "ok\n", 3), 0);
    CHECK_EQ(hc(0, H_PUT_TERM_CHAR, PAPR_VTY_REG, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(h->out_len, 19);
    CHECK_EQ(hc(0, H_PUT_TERM_CHAR, PAPR_VTY_REG, 17, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_PUT_TERM_CHAR, PAPR_VTY_REG + 1, 1, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_PUT_TERM_CHAR, PAPR_VTY_REG, UINT64_MAX, 0, 0), H_PARAMETER);
    CHECK_EQ(h->out_len, 19);
}

static void get_term_char(void)
{
    struct papr_hcall c;
    fresh(1);
    CHECK_EQ(hcall6(&c, 0, H_GET_TERM_CHAR, PAPR_VTY_REG, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0);                     /* nothing waiting: success with 0 */
    memcpy(h->in, "xyz0123456789ABCDEFG", 20);
    h->in_len = 20;
    CHECK_EQ(hcall6(&c, 0, H_GET_TERM_CHAR, PAPR_VTY_REG, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 16);
    CHECK_EQ(c.r[5], 0x78797a3031323334ull);
    CHECK_EQ(c.r[6], 0x3536373839414243ull);
    CHECK_EQ(hcall6(&c, 0, H_GET_TERM_CHAR, PAPR_VTY_REG, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 4);
    CHECK_EQ(c.r[5], 0x4445464700000000ull);
    CHECK_EQ(c.r[6], 0);
    CHECK_EQ(hcall6(&c, 0, H_GET_TERM_CHAR, 0, 0, 0, 0, 0, 0, NULL), H_PARAMETER);
}

/* ---- partition modes ---- */

static void set_mode_le_and_ail(void)
{
    fresh(2);
    /* Linux: pseries_little_endian_exceptions, H_SET_MODE(1, 4, 0, 0); failure panics. */
    CHECK_EQ(hc(0, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0), H_SUCCESS);
    CHECK(h->vm.interrupts_le);
    CHECK_EQ(hc(0, H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0), H_SUCCESS);
    CHECK(!h->vm.interrupts_le);
    CHECK_EQ(hc(0, H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0), H_UNSUPPORTED_FLAG);
    CHECK_EQ(hc(0, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 1, 0), H_P3);
    CHECK_EQ(hc(0, H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 1), H_P4);
    CHECK(!h->vm.interrupts_le);
    CHECK_EQ(hc(1, H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0), H_SUCCESS);
    CHECK_EQ(h->vm.ail, 3);
    CHECK_EQ(hc(1, H_SET_MODE, 1, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0), H_UNSUPPORTED_FLAG);
    CHECK_EQ(hc(1, H_SET_MODE, 4, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0), H_UNSUPPORTED_FLAG);
    CHECK_EQ(hc(1, H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 9, 0), H_P3);
    CHECK_EQ(hc(1, H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 9), H_P4);
    CHECK_EQ(h->vm.ail, 3);
    CHECK_EQ(hc(1, H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0), H_SUCCESS);
    CHECK_EQ(h->vm.ail, 0);
    CHECK_EQ(hc(0, H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_CIABR, 0x1000, 0), H_P2);
    CHECK_EQ(hc(0, H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_DAWR0, 0x1000, 0), H_P2);
    CHECK_EQ(hc(0, H_SET_MODE, 0, H_SET_MODE_RESOURCE_SET_DAWR1, 0x1000, 0), H_P2);
    CHECK_EQ(hc(0, H_SET_MODE, 0, 99, 0, 0), H_P2);
}

static void register_proc_tbl(void)
{
    fresh(2);
    /* Linux 6.1 radix: flags NEW|RADIX|GTSE (0x1d), a 16 MiB-aligned table of 2^(12+12). Our
     * guest memory is 1 MiB, so use table_size 0 (4 KiB) for a base that fits. */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 0x4000, 0, 2), H_SUCCESS);
    CHECK(h->vm.proc_table_registered && h->vm.radix && h->vm.gtse);
    CHECK_EQ(h->vm.pate1, PATB_GR | 0x4000 | 2);
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x20 | 0x1d, 0x4000, 0, 2), H_PARAMETER);   /* reserved bit */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x18, 0x4000, 0, 2), H_PARAMETER);          /* hash */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1a, 0x4000, 0, 2), H_PARAMETER);          /* hash + tables */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1e, 0x4000, 0, 2), H_PARAMETER);          /* both */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 0x4000, 1, 2), H_P3);                 /* page size */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 0x4000, 0, 25), H_P4);                /* too big */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 0x4100, 0, 2), H_P2);                 /* unaligned */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 0x2000, 0, 2), H_P2);                 /* not to its size */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, RAM, 0, 0), H_P2);                    /* beyond RAM */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 0, 0, 12), H_P2);                     /* 16 MiB > RAM */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x1d, 1ull << 62, 0, 0), H_P2);
    CHECK_EQ(h->vm.pate1, PATB_GR | 0x4000 | 2);            /* unchanged by the failures */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x08 | 0x04, 0x4000, 0, 2), H_PARAMETER);   /* no modify */
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x04, 0, 0, 0), H_SUCCESS);                 /* keep, no GTSE */
    CHECK(!h->vm.gtse);
    CHECK_EQ(hc(0, H_REGISTER_PROC_TBL, 0x00, 0, 0, 0), H_PARAMETER);               /* keep as hash */
    CHECK_EQ(hc(1, H_REGISTER_PROC_TBL, 0x10, 0, 0, 0), H_SUCCESS);                 /* deregister */
    CHECK(!h->vm.proc_table_registered);
    CHECK_EQ(h->vm.pate1, PATB_GR);
}

/* ---- scheduling ---- */

static void cede_prod_confer(void)
{
    enum papr_action a;
    struct papr_hcall c;
    fresh(2);
    h->vm.vcpu[1].state = PAPR_VCPU_RUNNING;
    CHECK_EQ(hcall6(&c, 1, H_CEDE, 0, 0, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_CEDE);
    CHECK_EQ(hc(0, H_PROD, 1, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(h->kicks[1], 1);
    CHECK_EQ(hcall6(&c, 1, H_CEDE, 0, 0, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_CONTINUE);               /* the prod came first */
    CHECK(!h->vm.vcpu[1].prodded);
    CHECK_EQ(hc(0, H_PROD, 2, 0, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_PROD, UINT64_MAX, 0, 0, 0), H_PARAMETER);
    /* An interrupt waiting: cede returns at once. */
    CHECK_EQ(hc(1, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(0, H_IPI, 1, 4, 0, 0), H_SUCCESS);
    CHECK_EQ(hcall6(&c, 1, H_CEDE, 0, 0, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_CONTINUE);
    CHECK_EQ(hcall6(&c, 0, H_CONFER, UINT64_MAX, 0, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_YIELD);
    CHECK_EQ(hcall6(&c, 0, H_CONFER, 1, 7, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_YIELD);
    CHECK_EQ(hcall6(&c, 0, H_CONFER, 0, 0, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_WAIT_PROD);
    CHECK_EQ(hc(1, H_PROD, 0, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(hcall6(&c, 0, H_CONFER, 0, 0, 0, 0, 0, 0, &a), H_SUCCESS);
    CHECK_EQ(a, PAPR_CONTINUE);
    CHECK_EQ(hc(0, H_CONFER, 2, 0, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_CONFER, (uint64_t)-2, 0, 0, 0), H_PARAMETER);
}

static void register_vpa(void)
{
    const uint64_t vpa = 0x3000, dtl = 0x5000, slb = 0x6000;
    fresh(2);
    h->ram[vpa + 4] = 640 >> 8, h->ram[vpa + 5] = 640 & 0xff;  /* lppaca size, be16 */
    put_be32(dtl + 4, 4096);
    put_be32(slb + 4, 64);
    const uint64_t f = 1ull << H_VPA_FUNC_SHIFT;
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_DTL * f, 1, dtl, 0), H_RESOURCE);   /* VPA first */
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_SLB * f, 1, slb, 0), H_RESOURCE);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_VPA * f, 1, vpa, 0), H_SUCCESS);
    CHECK_EQ(h->vm.vcpu[1].vpa, vpa);
    CHECK_EQ(h->vm.vcpu[0].vpa, 0);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_DTL * f, 1, dtl, 0), H_SUCCESS);
    CHECK_EQ(h->vm.vcpu[1].dtl_bytes, 4096);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_SLB * f, 1, slb, 0), H_SUCCESS);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_DEREG_VPA * f, 1, 0, 0), H_RESOURCE);   /* DTL, SLB first */
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_DEREG_DTL * f, 1, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_DEREG_SLB * f, 1, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_DEREG_VPA * f, 1, 0, 0), H_SUCCESS);
    CHECK_EQ(h->vm.vcpu[1].vpa, 0);
    /* Refused: unaligned, too small, across a page, at 0, beyond RAM, bad cpu, bad function. */
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, vpa + 8, 0), H_PARAMETER);
    h->ram[0x7004] = 0, h->ram[0x7005] = 100;
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, 0x7000, 0), H_PARAMETER);
    h->ram[0x7f84] = 640 >> 8, h->ram[0x7f85] = 640 & 0xff;
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, 0x7f80, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, RAM - 128, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, UINT64_MAX - 127, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 2, vpa, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, 4 * f, 0, vpa, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, f | 1, 0, vpa, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_REGISTER_VPA, 0, 0, vpa, 0), H_PARAMETER);
    put_be32(dtl + 4, 47);
    CHECK_EQ(hc(0, H_REGISTER_VPA, f, 0, vpa, 0), H_SUCCESS);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_DTL * f, 0, dtl, 0), H_PARAMETER);
    put_be32(dtl + 4, 0xffffffffu);
    CHECK_EQ(hc(0, H_REGISTER_VPA, H_VPA_REG_DTL * f, 0, dtl, 0), H_PARAMETER);
}

/* ---- XICS ---- */

static void xics_ipi_accept_eoi(void)
{
    struct papr_hcall c;
    fresh(2);
    CHECK_EQ(hc(0, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(1, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);
    CHECK(!xics_pending(&h->vm, 1));
    /* Linux icp_hv_cause_ipi: H_IPI(server, IPI_PRIORITY 4). */
    CHECK_EQ(hc(0, H_IPI, 1, 4, 0, 0), H_SUCCESS);
    CHECK(xics_pending(&h->vm, 1));
    CHECK(!xics_pending(&h->vm, 0));
    CHECK(h->kicks[1] >= 1);
    CHECK_EQ(hcall6(&c, 1, H_IPOLL, 0, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0xff000000u | XICS_IPI);
    CHECK_EQ(c.r[5], 4);
    CHECK(xics_pending(&h->vm, 1));        /* polling accepts nothing */
    CHECK_EQ(hcall6(&c, 1, H_XIRR, 0xff, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0xff000000u | XICS_IPI);   /* the old CPPR and the source */
    CHECK(!xics_pending(&h->vm, 1));
    CHECK_EQ(h->vm.vcpu[1].icp.xirr >> 24, 4);  /* CPPR now the IPI's priority */
    /* icp_hv_ipi_action: MFRR back to 0xff, then EOI restores the CPPR. */
    CHECK_EQ(hc(1, H_IPI, 1, 0xff, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(1, H_EOI, 0xff000000u | XICS_IPI, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(h->vm.vcpu[1].icp.xirr, 0xff000000u);
    CHECK(!xics_pending(&h->vm, 1));
    /* Empty accept: XISR 0 (spurious). */
    CHECK_EQ(hcall6(&c, 1, H_XIRR, 0, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4] & 0xffffff, 0);
}

static void xics_cppr_masks_and_resends(void)
{
    fresh(2);
    CHECK_EQ(hc(1, H_CPPR, 0, 0, 0, 0), H_SUCCESS);   /* CPPR 0: nothing gets through */
    CHECK_EQ(hc(0, H_IPI, 1, 4, 0, 0), H_SUCCESS);
    CHECK(!xics_pending(&h->vm, 1));
    CHECK_EQ(hc(1, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);  /* relaxing it presents the IPI */
    CHECK(xics_pending(&h->vm, 1));
    CHECK_EQ(hc(1, H_CPPR, 2, 0, 0, 0), H_SUCCESS);     /* more favoured than 4: withdrawn */
    CHECK(!xics_pending(&h->vm, 1));
    CHECK_EQ(hc(1, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);
    CHECK(xics_pending(&h->vm, 1));
}

/* Found by the fuzzer: an EOI whose CPPR is more favoured than an interrupt already presented
 * left it presented below the CPPR. The EOI's CPPR acts as an H_CPPR does: it withdraws it. */
static void xics_eoi_cppr_withdraws(void)
{
    struct papr_hcall c;
    fresh(2);
    CHECK_EQ(hc(1, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(0, H_IPI, 1, 4, 0, 0), H_SUCCESS);
    CHECK(xics_pending(&h->vm, 1));
    CHECK_EQ(hc(1, H_EOI, 0x02000000u, 0, 0, 0), H_SUCCESS);   /* CPPR 2, more favoured than 4 */
    CHECK(!xics_pending(&h->vm, 1));
    CHECK_EQ(h->vm.vcpu[1].icp.pending_priority, XICS_PRIORITY_MASKED);
    CHECK_EQ(hc(1, H_EOI, 0xff000000u, 0, 0, 0), H_SUCCESS);   /* relaxed: the IPI again */
    CHECK(xics_pending(&h->vm, 1));
    CHECK_EQ(hcall6(&c, 1, H_XIRR, 0, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0xff000000u | XICS_IPI);
}

static void xics_errors(void)
{
    fresh(2);
    CHECK_EQ(hc(0, H_IPI, 2, 4, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_IPI, 1, 0x100, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_CPPR, 0x100, 0, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_EOI, 0xff000005u, 0, 0, 0), H_PARAMETER);            /* no such source */
    CHECK_EQ(hc(0, H_EOI, 0xff000000u | (XICS_IRQ_BASE + PAPR_ICS_SOURCES), 0, 0, 0), H_PARAMETER);
    CHECK_EQ(hc(0, H_EOI, 0x1ff000002ull, 0, 0, 0), H_PARAMETER);         /* beyond 32 bits */
    CHECK(!xics_pending(&h->vm, 1));
    CHECK(!xics_raise(&h->vm, 0x10));
    CHECK(!xics_raise(&h->vm, XICS_IRQ_BASE + PAPR_ICS_SOURCES));
}

/* A device source: RTAS routes it, the VMM raises it, int-off/int-on mask and unmask it. */
static void xics_sources_through_rtas(void)
{
    uint32_t a[3], r[3];
    struct papr_hcall c;
    const uint32_t irq = XICS_IRQ_BASE + 3;
    fresh(2);
    CHECK_EQ(hc(1, H_CPPR, 0xff, 0, 0, 0), H_SUCCESS);
    /* Reset: masked, server 0. */
    a[0] = irq;
    CHECK_EQ(rtas(0, token("ibm,get-xive"), 1, 3, a, r, NULL), H_SUCCESS);
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0xff);
    CHECK(xics_raise(&h->vm, irq));          /* masked: held */
    CHECK(!xics_pending(&h->vm, 1));
    a[0] = irq, a[1] = 1, a[2] = 5;
    CHECK_EQ(rtas(0, token("ibm,set-xive"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    CHECK(xics_pending(&h->vm, 1));          /* the held one arrives on unmask */
    CHECK_EQ(rtas(0, token("ibm,get-xive"), 1, 3, a, r, NULL), H_SUCCESS);
    CHECK(r[0] == 0 && r[1] == 1 && r[2] == 5);
    CHECK_EQ(hcall6(&c, 1, H_XIRR, 0, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0xff000000u | irq);
    CHECK_EQ(hc(1, H_EOI, 0xff000000u | irq, 0, 0, 0), H_SUCCESS);
    /* int-off masks (twice keeps the priority), int-on restores it. */
    CHECK_EQ(rtas(0, token("ibm,int-off"), 1, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ(rtas(0, token("ibm,int-off"), 1, 1, a, r, NULL), H_SUCCESS);
    CHECK(xics_raise(&h->vm, irq));
    CHECK(!xics_pending(&h->vm, 1));
    CHECK_EQ(rtas(0, token("ibm,int-on"), 1, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    CHECK(xics_pending(&h->vm, 1));
    CHECK_EQ(rtas(0, token("ibm,get-xive"), 1, 3, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[2], 5);
    /* A more favoured IPI displaces it; it comes back after the IPI's EOI. */
    CHECK_EQ(hc(0, H_IPI, 1, 3, 0, 0), H_SUCCESS);
    CHECK_EQ(hcall6(&c, 1, H_XIRR, 0, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0xff000000u | XICS_IPI);
    CHECK(!xics_pending(&h->vm, 1));
    CHECK_EQ(hc(1, H_IPI, 1, 0xff, 0, 0), H_SUCCESS);
    CHECK_EQ(hc(1, H_EOI, 0xff000000u | XICS_IPI, 0, 0, 0), H_SUCCESS);
    CHECK(xics_pending(&h->vm, 1));
    CHECK_EQ(hcall6(&c, 1, H_XIRR, 0, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(c.r[4], 0xff000000u | irq);
    /* Refused: no such source, no such server, a priority beyond a byte. */
    a[0] = XICS_IRQ_BASE + PAPR_ICS_SOURCES, a[1] = 0, a[2] = 5;
    CHECK_EQ(rtas(0, token("ibm,set-xive"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[0] = irq, a[1] = 2;
    CHECK_EQ(rtas(0, token("ibm,set-xive"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[1] = 0, a[2] = 0x100;
    CHECK_EQ(rtas(0, token("ibm,set-xive"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[0] = 0x0;
    CHECK_EQ(rtas(0, token("ibm,get-xive"), 1, 3, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(rtas(0, token("ibm,int-on"), 1, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(rtas(0, token("ibm,int-off"), 1, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
}

/* ---- RTAS ---- */

static void rtas_buffer_errors(void)
{
    uint32_t a[16] = {0}, r[16];
    struct papr_hcall c;
    fresh(2);
    CHECK_EQ(rtas(0, 0x1234, 0, 1, a, r, NULL), H_SUCCESS);               /* unknown token */
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(rtas(0, token("display-character"), 2, 1, a, r, NULL), H_SUCCESS);   /* wrong nargs */
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(rtas(0, token("get-time-of-day"), 0, 7, a, r, NULL), H_SUCCESS);     /* wrong nret */
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(rtas(0, token("display-character"), 1, 16, a, r, NULL), H_SUCCESS);  /* 17 words */
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(h->out_len, 0);
    CHECK_EQ(rtas(0, token("display-character"), 1, 0, a, r, NULL), H_PARAMETER); /* no status word */
    /* The buffer at the end of RAM, or beyond, or its rets beyond. */
    CHECK_EQ(hcall6(&c, 0, H_RTAS, RAM - 8, 0, 0, 0, 0, 0, NULL), H_PARAMETER);
    CHECK_EQ(hcall6(&c, 0, H_RTAS, RAM, 0, 0, 0, 0, 0, NULL), H_PARAMETER);
    CHECK_EQ(hcall6(&c, 0, H_RTAS, UINT64_MAX - 3, 0, 0, 0, 0, 0, NULL), H_PARAMETER);
    const uint64_t end = RAM - 16;
    put_be32(end, token("display-character")), put_be32(end + 4, 1), put_be32(end + 8, 1);
    put_be32(end + 12, 'Q');
    CHECK_EQ(hcall6(&c, 0, H_RTAS, end, 0, 0, 0, 0, 0, NULL), H_PARAMETER);
    CHECK_EQ(h->out_len, 0);                 /* refused before the service ran */
    put_be32(end, 0x1234), put_be32(end + 4, 0x40000000u);
    CHECK_EQ(hcall6(&c, 0, H_RTAS, end, 0, 0, 0, 0, 0, NULL), H_PARAMETER);
    /* The top four address bits are ignored (ppc64_phys_to_real). */
    a[0] = 'Z';
    put_be32(ARGS_GPA, token("display-character")), put_be32(ARGS_GPA + 4, 1), put_be32(ARGS_GPA + 8, 1);
    put_be32(ARGS_GPA + 12, 'Z');
    CHECK_EQ(hcall6(&c, 0, H_RTAS, 0xc000000000000000ull | ARGS_GPA, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
    CHECK_EQ(get_be32(ARGS_GPA + 16), 0);
    CHECK_EQ(h->out_len, 1);
    CHECK_EQ(h->out[0], 'Z');
    CHECK(h->vm.stats.rtas_calls >= 9);
    CHECK(h->vm.stats.rtas_errors >= 4);
}

static void rtas_display_power_reboot(void)
{
    uint32_t a[2] = {'#', 0}, r[1];
    enum papr_action act;
    fresh(1);
    CHECK_EQ(rtas(0, token("display-character"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK(r[0] == 0 && act == PAPR_CONTINUE && h->out_len == 1 && h->out[0] == '#');
    a[0] = a[1] = 0xffffffffu;               /* Linux: rtas_power_off(-1, -1) */
    CHECK_EQ(rtas(0, token("power-off"), 2, 1, a, r, &act), H_SUCCESS);
    CHECK(r[0] == 0 && act == PAPR_POWER_OFF);
    CHECK_EQ(rtas(0, token("power-off"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK((int32_t)r[0] == RTAS_OUT_PARAM_ERROR && act == PAPR_CONTINUE);
    CHECK_EQ(rtas(0, token("system-reboot"), 0, 1, a, r, &act), H_SUCCESS);
    CHECK(r[0] == 0 && act == PAPR_REBOOT);
    CHECK_EQ(rtas(0, token("system-reboot"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK((int32_t)r[0] == RTAS_OUT_PARAM_ERROR && act == PAPR_CONTINUE);
}

static void rtas_os_term(void)
{
    uint32_t a[1] = {0x9000}, r[1];
    enum papr_action act;
    fresh(1);
    strcpy((char *)h->ram + 0x9000, "Kernel panic - not syncing: test");
    CHECK_EQ(rtas(0, token("ibm,os-term"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK(r[0] == 0 && act == PAPR_OS_TERM);
    CHECK_EQ(strcmp(h->vm.os_term, "Kernel panic - not syncing: test"), 0);
    memset(h->ram + 0x9000, 'p', 1000);      /* no NUL within the limit: cut */
    CHECK_EQ(rtas(0, token("ibm,os-term"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK_EQ(strlen(h->vm.os_term), PAPR_OS_TERM_MAX - 1);
    memset(h->ram + RAM - 4, 'e', 4);        /* runs into the end of RAM: what was there */
    a[0] = RAM - 4;
    CHECK_EQ(rtas(0, token("ibm,os-term"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK_EQ(strcmp(h->vm.os_term, "eeee"), 0);
    a[0] = RAM;                              /* nothing readable */
    CHECK_EQ(rtas(0, token("ibm,os-term"), 1, 1, a, r, &act), H_SUCCESS);
    CHECK((int32_t)r[0] == RTAS_OUT_PARAM_ERROR && act == PAPR_CONTINUE);
}

static void rtas_cpu_start_stop(void)
{
    uint32_t a[3], r[2];
    enum papr_action act;
    fresh(2);
    a[0] = 1;
    CHECK_EQ(rtas(0, token("query-cpu-stopped-state"), 1, 2, a, r, NULL), H_SUCCESS);
    CHECK(r[0] == 0 && r[1] == RTAS_CPU_STOPPED);
    a[0] = 0;
    CHECK_EQ(rtas(0, token("query-cpu-stopped-state"), 1, 2, a, r, NULL), H_SUCCESS);
    CHECK(r[0] == 0 && r[1] == RTAS_CPU_RUNNING);
    /* Linux smp.c: start-cpu(pcpu, __pa(generic_secondary_smp_init), pcpu). */
    a[0] = 1, a[1] = 0x100, a[2] = 1;
    CHECK_EQ(rtas(0, token("start-cpu"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    const struct papr_vcpu *v = &h->vm.vcpu[1];
    CHECK(v->start_pending && v->start_pc == 0x100 && v->start_r3 == 1);
    CHECK_EQ(v->start_msr, PAPR_MSR_SF | PAPR_MSR_ME);
    CHECK_EQ(h->kicks[1], 1);
    CHECK_EQ(rtas(0, token("query-cpu-stopped-state"), 1, 2, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[1], RTAS_CPU_RUNNING);
    CHECK_EQ(rtas(0, token("start-cpu"), 3, 1, a, r, NULL), H_SUCCESS);   /* already running */
    CHECK_EQ((int32_t)r[0], RTAS_OUT_HW_ERROR);
    CHECK_EQ(rtas(1, token("stop-self"), 0, 1, a, r, &act), H_SUCCESS);
    CHECK_EQ(act, PAPR_STOP_SELF);
    CHECK(v->state == PAPR_VCPU_STOPPED && !v->start_pending);
    CHECK_EQ(rtas(0, token("query-cpu-stopped-state"), 1, 2, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[1], RTAS_CPU_STOPPED);
    /* Refused: no such CPU, an entry outside RAM or not word-aligned. */
    a[0] = 2;
    CHECK_EQ(rtas(0, token("start-cpu"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(rtas(0, token("query-cpu-stopped-state"), 1, 2, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[0] = 1, a[1] = RAM;
    CHECK_EQ(rtas(0, token("start-cpu"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[1] = 0x102;
    CHECK_EQ(rtas(0, token("start-cpu"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK(v->state == PAPR_VCPU_STOPPED);
}

static void rtas_time_of_day(void)
{
    uint32_t a[7], r[8];
    fresh(1);
    /* 2024-02-29 23:59:58.5 UTC */
    h->now_ns = 1709251198ull * 1000000000ull + 500000000ull;
    CHECK_EQ(rtas(0, token("get-time-of-day"), 0, 8, a, r, NULL), H_SUCCESS);
    CHECK(r[0] == 0 && r[1] == 2024 && r[2] == 2 && r[3] == 29);
    CHECK(r[4] == 23 && r[5] == 59 && r[6] == 58 && r[7] == 500000000);
    const uint32_t y2k[7] = {2000, 1, 1, 0, 0, 0, 0};
    CHECK_EQ(rtas(0, token("set-time-of-day"), 7, 1, y2k, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    h->now_ns += 61ull * 1000000000ull;      /* a minute and a second later */
    CHECK_EQ(rtas(0, token("get-time-of-day"), 0, 8, a, r, NULL), H_SUCCESS);
    CHECK(r[1] == 2000 && r[2] == 1 && r[3] == 1 && r[4] == 0 && r[5] == 1 && r[6] == 1 && r[7] == 0);
    static const uint32_t bad[][7] = {
        {2023, 2, 29, 0, 0, 0, 0}, {2024, 2, 30, 0, 0, 0, 0}, {2024, 13, 1, 0, 0, 0, 0},
        {2024, 0, 1, 0, 0, 0, 0},  {2024, 4, 31, 0, 0, 0, 0}, {2024, 1, 0, 0, 0, 0, 0},
        {2024, 1, 1, 24, 0, 0, 0}, {2024, 1, 1, 0, 60, 0, 0}, {2024, 1, 1, 0, 0, 60, 0},
        {2024, 1, 1, 0, 0, 0, 1000000000}, {1969, 12, 31, 0, 0, 0, 0}, {1900, 2, 29, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(rtas(0, token("set-time-of-day"), 7, 1, bad[i], r, NULL), H_SUCCESS);
        CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    }
    const uint32_t leap2000[7] = {2000, 2, 29, 12, 0, 0, 0};  /* 2000 is a leap year */
    CHECK_EQ(rtas(0, token("set-time-of-day"), 7, 1, leap2000, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    /* The last valid instant: in nanoseconds it overflows 64 bits (found by the fuzzer). */
    const uint32_t last[7] = {9999, 12, 31, 23, 59, 59, 999999999};
    CHECK_EQ(rtas(0, token("set-time-of-day"), 7, 1, last, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    CHECK_EQ(rtas(0, token("get-time-of-day"), 0, 8, a, r, NULL), H_SUCCESS);
    CHECK(r[1] == 9999 && r[2] == 12 && r[3] == 31 && r[4] == 23 && r[5] == 59 && r[6] == 59);
    CHECK_EQ(r[7], 999999999);
    h->now_ns += 1;                         /* one nanosecond later: year 10000 */
    CHECK_EQ(rtas(0, token("get-time-of-day"), 0, 8, a, r, NULL), H_SUCCESS);
    CHECK(r[1] == 10000 && r[2] == 1 && r[3] == 1 && r[4] == 0 && r[7] == 0);
}

/* The calendar against the C library's gmtime over 1970..2400 and both directions. */
static void civil_time_matches_gmtime(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t s = (int64_t)(x % 13569465600ull);   /* up to 2400-01-01 */
        if (i < 4) s = (int64_t[]){0, 951782400, 951868800, 4107542399}[i];
        time_t t = (time_t)s;
        struct tm tm;
        struct papr_civil_time c;
        gmtime_r(&t, &tm);
        papr_civil_from_unix(s, &c);
        CHECK_EQ(c.year, tm.tm_year + 1900);
        CHECK_EQ(c.month, tm.tm_mon + 1);
        CHECK_EQ(c.day, tm.tm_mday);
        CHECK_EQ(c.hour, tm.tm_hour);
        CHECK_EQ(c.minute, tm.tm_min);
        CHECK_EQ(c.second, tm.tm_sec);
        CHECK_EQ(papr_unix_from_civil(&c), s);
    }
}

static void rtas_small_services(void)
{
    uint32_t a[4], r[1];
    fresh(1);
    a[0] = 20, a[1] = 0x9000, a[2] = 1024;   /* SPLPAR characteristics */
    CHECK_EQ(rtas(0, token("ibm,get-system-parameter"), 3, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_NOT_SUPPORTED);
    /* rtasd: event-scan(all events, 0, __pa(logdata), rtas_error_log_max). */
    a[0] = 0xffffffffu, a[1] = 0, a[2] = 0x9000, a[3] = 2048;
    CHECK_EQ(rtas(0, token("event-scan"), 4, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_NO_ERRORS_FOUND);
    a[2] = RAM - 1024;
    CHECK_EQ(rtas(0, token("event-scan"), 4, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[2] = 0x9000, a[3] = 0;
    CHECK_EQ(rtas(0, token("event-scan"), 4, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    /* ibm,nmi-interlock before FWNMI is registered: not supported (QEMU's answer). */
    CHECK_EQ(rtas(0, token("ibm,nmi-interlock"), 0, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_NOT_SUPPORTED);
    /* fwnmi_init: ibm,nmi-register(__pa(system_reset_fwnmi), __pa(machine_check_fwnmi)). */
    a[0] = 0x7000, a[1] = 0x7100;
    CHECK_EQ(rtas(0, token("ibm,nmi-register"), 2, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ(r[0], 0);
    CHECK(h->vm.nmi_sreset == 0x7000 && h->vm.nmi_machine_check == 0x7100);
    a[1] = RAM;
    CHECK_EQ(rtas(0, token("ibm,nmi-register"), 2, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    a[1] = 0x7102;
    CHECK_EQ(rtas(0, token("ibm,nmi-register"), 2, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
    CHECK_EQ(h->vm.nmi_machine_check, 0x7100);
    /* Registered, but no machine check is in progress (none is ever delivered): nothing to release. */
    CHECK_EQ(rtas(0, token("ibm,nmi-interlock"), 0, 1, a, r, NULL), H_SUCCESS);
    CHECK_EQ((int32_t)r[0], RTAS_OUT_PARAM_ERROR);
}

static void rtas_token_table(void)
{
    for (size_t i = 0; i < papr_rtas_service_count; i++) {
        CHECK(papr_rtas_services[i].fn != NULL);
        CHECK(papr_rtas_services[i].nret >= 1);
        CHECK(papr_rtas_services[i].nargs + papr_rtas_services[i].nret <= PAPR_RTAS_MAX_WORDS);
        for (size_t j = i + 1; j < papr_rtas_service_count; j++) {
            CHECK(papr_rtas_services[i].token != papr_rtas_services[j].token);
            CHECK(strcmp(papr_rtas_services[i].name, papr_rtas_services[j].name) != 0);
        }
    }
    /* The minimum set research/xen-pv-passthrough-papr.md C.3 lists, and what the suite used;
     * ibm,nmi-interlock because Linux's fwnmi_init warns when nmi-register comes without it. */
    static const char *const needed[] = {
        "get-time-of-day", "query-cpu-stopped-state", "start-cpu", "stop-self", "ibm,set-xive",
        "ibm,get-xive", "ibm,int-on", "ibm,int-off", "power-off", "system-reboot", "ibm,os-term",
        "display-character", "event-scan", "ibm,nmi-register", "ibm,nmi-interlock", "ibm,get-system-parameter",
        "set-time-of-day"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) CHECK(token(needed[i]) != 0);
}

int main(void)
{
    RUN("hcall_unknown_is_h_function", unknown_hcall_is_h_function);
    RUN("hcall_problem_state_is_h_privilege", problem_state_is_h_privilege);
    RUN("hcall_bad_vcpu_is_h_hardware", bad_vcpu_is_h_hardware);
    RUN("hcall_logical_ci_refused", logical_ci_refused);
    RUN("hcall_put_term_char", put_term_char);
    RUN("hcall_get_term_char", get_term_char);
    RUN("hcall_set_mode_le_and_ail", set_mode_le_and_ail);
    RUN("hcall_register_proc_tbl", register_proc_tbl);
    RUN("hcall_cede_prod_confer", cede_prod_confer);
    RUN("hcall_register_vpa", register_vpa);
    RUN("xics_ipi_accept_eoi", xics_ipi_accept_eoi);
    RUN("xics_cppr_masks_and_resends", xics_cppr_masks_and_resends);
    RUN("xics_eoi_cppr_withdraws", xics_eoi_cppr_withdraws);
    RUN("xics_errors", xics_errors);
    RUN("xics_sources_through_rtas", xics_sources_through_rtas);
    RUN("rtas_buffer_errors", rtas_buffer_errors);
    RUN("rtas_display_power_reboot", rtas_display_power_reboot);
    RUN("rtas_os_term", rtas_os_term);
    RUN("rtas_cpu_start_stop", rtas_cpu_start_stop);
    RUN("rtas_time_of_day", rtas_time_of_day);
    RUN("rtas_civil_time_matches_gmtime", civil_time_matches_gmtime);
    RUN("rtas_small_services", rtas_small_services);
    RUN("rtas_token_table", rtas_token_table);
    if (h) fake_host_free(h);
    return check_summary();
}
