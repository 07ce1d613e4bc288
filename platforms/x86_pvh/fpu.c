/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Saving and restoring the x87, MMX and SSE state (FXSAVE64/FXRSTOR64), for threads (context.c)
 * and for guests around VMRUN and VM entry (svm.c, vmx.c).
 *
 * AMD processors without CPUID 0x80000008 EBX[2] (RstrFpErrPtrs) save and restore the x87
 * instruction and data pointers and the last opcode (FIP, FDP, FOP) only while an x87 exception
 * is pending (FSW.ES). Otherwise FXRSTOR leaves the pointers of whoever used the x87 last, and
 * the next thread or guest reads them with FXSAVE or FNSTENV: where another partition's code
 * and data are (CVE-2006-1056, Linux's X86_BUG_FXSAVE_LEAK). On those processors every restore
 * first clears pending exceptions (FNCLEX), empties the register stack (EMMS) and loads a
 * kernel constant (FILD), so the pointers left behind are this file's, the same for everyone.
 * QEMU's TCG always restores the pointers, so the leak cannot be seen there. The save and
 * restore themselves are inline (x86.h): they are on every thread switch and VM exit.
 */
#include "x86.h"

bool x86_fxsave_leaks_pointers;
const int32_t x86_fpu_scrub_operand;

void x86_fpu_init(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    bool amd = (r[1] == 0x68747541u && r[3] == 0x69746e65u && r[2] == 0x444d4163u) || /* AuthenticAMD */
               (r[1] == 0x6f677948u && r[3] == 0x6e65476eu && r[2] == 0x656e6975u);  /* HygonGenuine */
    cpuid(0x80000000u, 0, r);
    bool keeps_pointers = false;
    if (r[0] >= 0x80000008u) {
        cpuid(0x80000008u, 0, r);
        keeps_pointers = (r[1] & (1u << 2)) != 0;
    }
    x86_fxsave_leaks_pointers = amd && !keeps_pointers;
    if (x86_fxsave_leaks_pointers) kprintf("[kernel] FXSAVE keeps x87 FIP/FDP/FOP only with an exception pending: scrubbed before each restore\n");
}
