/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * PAPR numbers the guest sees: hcall opcodes and return codes, RTAS status codes, register
 * flag layouts. Facts only, checked against Linux's arch/powerpc/include/asm/hvcall.h and
 * QEMU's include/hw/ppc/spapr.h (the hcall numbers are PAPR's; KVM's H_RTAS 0xf000 is the
 * platform-specific one QEMU, kvmtool and VOF use for the RTAS blob).
 */
#ifndef VMM_PAPR_ABI_H
#define VMM_PAPR_ABI_H

/* Hcall return codes (hvcall.h). */
#define H_SUCCESS 0
#define H_HARDWARE (-1)
#define H_FUNCTION (-2)
#define H_PRIVILEGE (-3)
#define H_PARAMETER (-4)
#define H_RESOURCE (-16)
#define H_P2 (-55)
#define H_P3 (-56)
#define H_P4 (-57)
#define H_UNSUPPORTED_FLAG (-256)   /* H_UNSUPPORTED_FLAG_START; QEMU answers H_SET_MODE with it */

/* Hcall opcodes (hvcall.h). */
#define H_LOGICAL_CI_LOAD 0x3cu
#define H_LOGICAL_CI_STORE 0x40u
#define H_GET_TERM_CHAR 0x54u
#define H_PUT_TERM_CHAR 0x58u
#define H_EOI 0x64u
#define H_CPPR 0x68u
#define H_IPI 0x6cu
#define H_IPOLL 0x70u
#define H_XIRR 0x74u
#define H_REGISTER_VPA 0xdcu
#define H_CEDE 0xe0u
#define H_CONFER 0xe4u
#define H_PROD 0xe8u
#define H_SET_MODE 0x31cu
#define H_REGISTER_PROC_TBL 0x37cu
#define H_RTAS 0xf000u

/* H_SET_MODE resources and the LE flags (hvcall.h; QEMU spapr.h H_SET_MODE_ENDIAN_*). */
#define H_SET_MODE_RESOURCE_SET_CIABR 1u
#define H_SET_MODE_RESOURCE_SET_DAWR0 2u
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE 3u
#define H_SET_MODE_RESOURCE_LE 4u
#define H_SET_MODE_RESOURCE_SET_DAWR1 5u
#define H_SET_MODE_ENDIAN_BIG 0u
#define H_SET_MODE_ENDIAN_LITTLE 1u

/* H_REGISTER_PROC_TBL flags (hvcall.h PROC_TABLE_*; QEMU FLAGS_MASK 0x1f). */
#define PROC_TABLE_OP_MASK 0x18u
#define PROC_TABLE_DEREG 0x10u
#define PROC_TABLE_NEW 0x18u
#define PROC_TABLE_TYPE_MASK 0x06u
#define PROC_TABLE_HPT_PT 0x02u
#define PROC_TABLE_RADIX 0x04u
#define PROC_TABLE_GTSE 0x01u
#define PROC_TABLE_FLAGS_MASK 0x1fu
#define PATB_GR (1ull << 63)        /* partition table entry dw1: guest uses radix */

/* H_REGISTER_VPA: the sub-function in bits 18..20 of r4, IBM numbering (hvcall.h). */
#define H_VPA_FUNC_SHIFT 45u
#define H_VPA_REG_VPA 1u
#define H_VPA_REG_DTL 2u
#define H_VPA_REG_SLB 3u
#define H_VPA_DEREG_VPA 5u
#define H_VPA_DEREG_DTL 6u
#define H_VPA_DEREG_SLB 7u

/* RTAS status words (QEMU spapr.h RTAS_OUT_*; PAPR R1-7.2.8). */
#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_NO_ERRORS_FOUND 1
#define RTAS_OUT_HW_ERROR (-1)
#define RTAS_OUT_PARAM_ERROR (-3)
#define RTAS_OUT_NOT_SUPPORTED (-3)

/* query-cpu-stopped-state answers (PAPR; QEMU rtas_query_cpu_stopped_state). */
#define RTAS_CPU_STOPPED 0u
#define RTAS_CPU_RUNNING 2u

/* XICS (QEMU xics.h): the IPI's source number, the first ICS source, least favoured priority. */
#define XICS_IPI 0x2u
#define XICS_IRQ_BASE 0x1000u
#define XICS_PRIORITY_MASKED 0xffu

/* MSR bits of a vCPU that RTAS start-cpu starts: 64-bit, machine checks on (QEMU rtas_start_cpu). */
#define PAPR_MSR_SF (1ull << 63)
#define PAPR_MSR_ME (1ull << 12)
#define PAPR_MSR_EE (1ull << 15)

#endif /* VMM_PAPR_ABI_H */
