/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * /rtas and the code it points to. There is no firmware: the "RTAS" Linux enters (32-bit
 * big-endian real mode, r3 = the rtas_args buffer; rtas_entry.S) is five instructions that
 * turn the call into hcall H_RTAS with r4 = the buffer, as QEMU, VOF and kvmtool do; rtas.c
 * serves it. Linux finds the blob through linux,rtas-base/-entry and rtas-size
 * (early_init_dt_scan_rtas, rtas_initialize) and each service through a property named after
 * it whose value is its token (rtas_token()).
 */
#include <libfdt.h>
#include "papr.h"

#define RTAS_ERROR_LOG_MAX 2048u     /* QEMU's; rtasd sizes its buffer from it */
#define RTAS_EVENT_SCAN_RATE 1u      /* scans per minute */

/* The function sets served (hcall.c). Their presence sets FW_FEATURE_LPAR; hcall-splpar gives
 * the VPA, H_CEDE idle and H_CONFER/H_PROD; hcall-set-mode the LE-interrupt switch Linux
 * panics without (platforms/pseries/firmware.c hypertas_fw_features_table). */
static const char hypertas[] = "hcall-term\0hcall-interrupt\0hcall-splpar\0hcall-set-mode";

void papr_rtas_blob(uint8_t out[PAPR_RTAS_BLOB_BYTES])
{
    static const uint32_t insn[5] = {
        0x7c641b78u,    /* mr   r4,r3 */
        0x3c600000u,    /* lis  r3,0 */
        0x6063f000u,    /* ori  r3,r3,H_RTAS */
        0x44000022u,    /* sc   1 */
        0x4e800020u,    /* blr */
    };
    for (unsigned i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(insn[i] >> 24);
        out[4 * i + 1] = (uint8_t)(insn[i] >> 16);
        out[4 * i + 2] = (uint8_t)(insn[i] >> 8);
        out[4 * i + 3] = (uint8_t)insn[i];
    }
}

int papr_fdt_rtas(void *fdt, const struct papr_config *cfg)
{
    int node = fdt_add_subnode(fdt, 0, "rtas"), e;
    if (node < 0) return node;
    if ((e = fdt_setprop_u32(fdt, node, "linux,rtas-base", (uint32_t)cfg->rtas_base)) ||
        (e = fdt_setprop_u32(fdt, node, "linux,rtas-entry", (uint32_t)cfg->rtas_base)) ||
        (e = fdt_setprop_u32(fdt, node, "rtas-size", PAPR_RTAS_SIZE)) ||
        (e = fdt_setprop(fdt, node, "ibm,hypertas-functions", hypertas, sizeof hypertas)) ||
        (e = fdt_setprop_u32(fdt, node, "rtas-error-log-max", RTAS_ERROR_LOG_MAX)) ||
        (e = fdt_setprop_u32(fdt, node, "rtas-event-scan-rate", RTAS_EVENT_SCAN_RATE)) ||
        (e = fdt_setprop_empty(fdt, node, "ibm,extended-os-term")))
        return e;
    for (size_t i = 0; i < papr_rtas_service_count; i++)
        if ((e = fdt_setprop_u32(fdt, node, papr_rtas_services[i].name, papr_rtas_services[i].token)))
            return e;
    return 0;
}
