/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * VT-x <-> the VCPU ABI's SVM encodings (vmx_codec.h). Sources: Intel SDM vol. 3C, appendix C
 * (basic exit reasons), table 27-5 (I/O qualification), table 27-7 (EPT violation
 * qualification), 24.8.3 (VM-entry interruption information), 24.9.3 (IDT-vectoring
 * information), 24.4.1 (access rights), A.3 to A.5 (capability MSRs); AMD APM vol. 2, 15.10.2
 * (IOIO EXITINFO1), 15.25.6 (NPF error code), 15.20 (EVENTINJ), appendix C (exit codes).
 */
#include "vmx_codec.h"

enum vmx_reason {
    R_EXCEPTION_NMI = 0, R_EXTERNAL_INT = 1, R_TRIPLE_FAULT = 2, R_INIT = 3, R_TASK_SWITCH = 9,
    R_CPUID = 10, R_HLT = 12, R_INVD = 13, R_RDPMC = 15, R_VMCALL = 18, R_VMCLEAR = 19, R_VMXON = 27,
    R_CR_ACCESS = 28, R_DR_ACCESS = 29, R_IO = 30, R_RDMSR = 31, R_WRMSR = 32, R_BAD_GUEST_STATE = 33,
    R_BAD_MSR_LOAD = 34, R_MWAIT = 36, R_MONITOR = 39, R_MACHINE_CHECK = 41, R_EPT_VIOLATION = 48,
    R_EPT_MISCONFIG = 49, R_INVEPT = 50, R_RDTSCP = 51, R_INVVPID = 53, R_WBINVD = 54, R_XSETBV = 55,
};

#define REASON_ENTRY_FAILED (1u << 31)
#define INTR_TYPE(i) (((i) >> 8) & 7u)
#define INTR_VECTOR(i) ((i) & 0xffu)
#define INTR_ERROR_VALID (1u << 11)
#define INTR_VALID (1u << 31)
#define TYPE_NMI 2u
#define TYPE_HW_EXCEPTION 3u
#define TYPE_SW_INTERRUPT 4u
#define TYPE_PRIV_SW_EXCEPTION 5u
#define TYPE_SW_EXCEPTION 6u
#define VECTOR_DB 1u
#define VECTOR_PF 14u

/* An exception or NMI exit: NMI is the host's (NMI exiting is on), the rest the guest's.
 * INT1 (ICEBP) raises a #DB that the exception bitmap catches as a privileged software
 * exception, with the RIP of the instruction: it is reported as SVM's ICEBP intercept, with
 * the next RIP, for the VMM to deliver the #DB there. */
static void exception_exit(const struct vmx_exit_in *in, struct vmx_exit_out *out)
{
    uint32_t info = in->intr_info;
    if (INTR_TYPE(info) == TYPE_NMI) {
        out->code = VMX_EXIT_HOST_EVENT;
        return;
    }
    if (INTR_TYPE(info) == TYPE_PRIV_SW_EXCEPTION && INTR_VECTOR(info) == VECTOR_DB) {
        out->code = BH_VM_EXIT_ICEBP;
        out->next_rip = in->rip + in->insn_len;
        return;
    }
    out->code = BH_VM_EXIT_EXCEPTION(INTR_VECTOR(info));
    out->info1 = (info & INTR_ERROR_VALID) ? in->intr_error : 0;
    out->info2 = INTR_VECTOR(info) == VECTOR_PF ? in->qualification : 0;
}

/* SDM table 27-5 -> APM 15.10.2: direction, string, rep, one-hot size, address size, port. */
static uint64_t ioio_info(const struct vmx_exit_in *in)
{
    uint64_t q = in->qualification, info = (q >> 16 & 0xffffu) << 16;
    unsigned size = (unsigned)(q & 7u) + 1u; /* 1, 2 or 4 bytes */
    if (q & 8u) info |= 1u;                   /* IN */
    if (q & 16u) {                            /* INS/OUTS: address size and segment */
        unsigned addr = (in->insn_info >> 7) & 7u, seg = (in->insn_info >> 15) & 7u;
        info |= 4u;
        if (addr <= 2) info |= 1ull << (7 + addr);
        info |= (uint64_t)((q & 8u) ? 0u : seg) << 10; /* INS always writes through ES */
    }
    if (q & 32u) info |= 8u;
    info |= (size == 4 ? 4u : size) << 4;   /* SZ8, SZ16, SZ32 */
    return info;
}

/* SDM table 27-7 -> APM 15.25.6. Every access through nested/extended tables is a user
 * access (US); P when the translation allowed some access, so this one broke its rights. */
static uint64_t npf_info(uint64_t q)
{
    uint64_t info = 4u;
    if (q & 0x38u) info |= 1u;
    if (q & 2u) info |= 2u;
    if (q & 4u) info |= 16u;
    if (q & 0x80u) info |= (q & 0x100u) ? 1ull << 32 : 1ull << 33;
    return info;
}

void vmx_translate_exit(const struct vmx_exit_in *in, struct vmx_exit_out *out)
{
    out->info1 = out->info2 = out->next_rip = 0;
    if (in->reason & REASON_ENTRY_FAILED) {
        out->code = BH_VM_EXIT_INVALID;
        return;
    }
    uint32_t basic = in->reason & 0xffffu;
    uint64_t next = in->rip + in->insn_len;
    switch (basic) {
    case R_EXCEPTION_NMI: exception_exit(in, out); return;
    case R_EXTERNAL_INT:
    case R_INIT: out->code = VMX_EXIT_HOST_EVENT; return;
    case R_TRIPLE_FAULT: out->code = BH_VM_EXIT_SHUTDOWN; return;
    case R_TASK_SWITCH: out->code = BH_VM_EXIT_TASK_SWITCH; return;
    case R_CPUID: out->code = BH_VM_EXIT_CPUID; break;
    case R_HLT: out->code = BH_VM_EXIT_HLT; break;
    case R_INVD: out->code = BH_VM_EXIT_INVD; break;
    case R_RDPMC: out->code = BH_VM_EXIT_RDPMC; break;
    case R_VMCALL: out->code = BH_VM_EXIT_VMMCALL; break;
    case R_MWAIT: out->code = BH_VM_EXIT_MWAIT; break;
    case R_MONITOR: out->code = BH_VM_EXIT_MONITOR; break;
    case R_RDTSCP: out->code = BH_VM_EXIT_RDTSCP; break;
    case R_XSETBV: out->code = BH_VM_EXIT_XSETBV; break;
    case R_WBINVD: out->code = BH_VM_EXIT_WBINVD; break;
    case R_CR_ACCESS:
        /* Table 27-3: only MOV to CR (access type 0) exits here, for CR4's masked bits. */
        if ((in->qualification >> 4 & 3u) != 0) {
            out->code = BH_VM_EXIT_VMX_UNMAPPED(basic);
            return;
        }
        out->code = BH_VM_EXIT_WRITE_CR((uint32_t)(in->qualification & 15u));
        out->info1 = bh_vm_mov(1, (unsigned)(in->qualification >> 8 & 15u));
        break;
    case R_DR_ACCESS: /* table 27-4: DR in 2:0, direction in 4 (1 = MOV from DR), GPR in 11:8 */
        out->code = ((in->qualification & 16u) ? BH_VM_EXIT_READ_DR(0) : BH_VM_EXIT_WRITE_DR(0)) + (uint32_t)(in->qualification & 7u);
        out->info1 = in->qualification >> 8 & 15u;
        break;
    case R_IO:
        out->code = BH_VM_EXIT_IOIO;
        out->info1 = ioio_info(in);
        out->info2 = next;
        break;
    case R_RDMSR:
    case R_WRMSR:
        out->code = BH_VM_EXIT_MSR;
        out->info1 = basic == R_WRMSR;
        break;
    case R_EPT_VIOLATION:
        out->code = BH_VM_EXIT_NPF;
        out->info1 = npf_info(in->qualification);
        out->info2 = in->guest_phys;
        return;
    case R_BAD_GUEST_STATE:
    case R_BAD_MSR_LOAD:
    case R_MACHINE_CHECK:
    case R_EPT_MISCONFIG: out->code = BH_VM_EXIT_INVALID; return;
    default:
        /* The VMX instructions, INVEPT and INVVPID: the SVM instructions' exit, which the
         * VMM answers with #UD as a processor without the feature would. */
        if ((basic >= R_VMCLEAR && basic <= R_VMXON) || basic == R_INVEPT || basic == R_INVVPID) {
            out->code = BH_VM_EXIT_VMRUN;
            break;
        }
        out->code = BH_VM_EXIT_VMX_UNMAPPED(basic);
        return;
    }
    out->next_rip = next;
}

#define DR6_TRAP_BITS 0xfull
#define DR6_CAUSES 0x600full        /* B0-B3, BD, BS */
#define DR6_FIXED_1 0xfffe0ff0ull   /* reads as 1: bits 4-11 and 17-31; RTM (16) is active low */
#define DR6_RTM (1ull << 16)

uint64_t vmx_dr6_after_db(uint64_t dr6, uint64_t q, uint32_t intr_info)
{
    if (INTR_TYPE(intr_info) != TYPE_HW_EXCEPTION) return dr6;
    /* "Certain debug exceptions may clear bits 0-3" (SDM 18.2.3): those of this #DB replace
     * them; the others are never cleared by the processor. */
    dr6 = (dr6 & ~DR6_TRAP_BITS) | DR6_FIXED_1 | DR6_RTM | (q & DR6_CAUSES);
    if (q & DR6_RTM) dr6 &= ~DR6_RTM;
    return dr6 & 0xffffefffull; /* bit 12 is reserved, 0 in DR6 */
}

uint32_t vmx_access_rights(uint16_t a)
{
    uint32_t ar = (uint32_t)(a & 0xffu) | (uint32_t)(a & 0xf00u) << 4;
    return (a & 0x80u) ? ar : ar | 1u << 16;
}

uint16_t vmx_svm_attrib(uint32_t ar)
{
    uint16_t a = (uint16_t)((ar & 0xffu) | (ar >> 4 & 0xf00u));
    return (ar & 1u << 16) ? (uint16_t)(a & ~0x80u) : a;
}

bool vmx_entry_event(uint64_t e, bool zero_length_ok, uint32_t *info, uint32_t *error, uint32_t *length)
{
    uint32_t lo = (uint32_t)e;
    *info = *error = *length = 0;
    if (!(lo & INTR_VALID)) return true;
    if (INTR_TYPE(lo) == TYPE_SW_INTERRUPT && !zero_length_ok) return false;
    *info = lo & (INTR_VALID | INTR_ERROR_VALID | 0x7ffu); /* same layout, same type numbers */
    *error = (lo & INTR_ERROR_VALID) ? (uint32_t)(e >> 32) : 0;
    return true;
}

uint64_t vmx_exit_int_info(uint32_t v, uint32_t error)
{
    if (!(v & INTR_VALID)) return 0;
    uint32_t type = INTR_TYPE(v);
    if (type == TYPE_PRIV_SW_EXCEPTION || type == TYPE_SW_EXCEPTION) type = TYPE_HW_EXCEPTION;
    uint32_t lo = (v & (INTR_VALID | INTR_ERROR_VALID | 0xffu)) | type << 8;
    return (uint64_t)lo | ((v & INTR_ERROR_VALID) ? (uint64_t)error << 32 : 0);
}

bool vmx_adjust_controls(uint64_t capability, uint32_t want, uint32_t *out)
{
    uint32_t must = (uint32_t)capability, may = (uint32_t)(capability >> 32);
    *out = (want | must) & may;
    return (*out & want) == want;
}

#define EPT_READ 1u
#define EPT_WRITE 2u
#define EPT_EXECUTE 4u
#define EPT_MEMTYPE_WB (6u << 3)
#define EPT_LARGE 0x80u
#define EPT_ADDR 0x000ffffffffff000ull

uint64_t vmx_ept_leaf(uint64_t paddr, bool writable, bool executable, bool large)
{
    uint64_t e = (paddr & EPT_ADDR) | EPT_READ | EPT_MEMTYPE_WB;
    if (writable) e |= EPT_WRITE;
    if (executable) e |= EPT_EXECUTE;
    if (large) e |= EPT_LARGE;
    return e;
}

uint64_t vmx_ept_table(uint64_t paddr)
{
    return (paddr & EPT_ADDR) | EPT_READ | EPT_WRITE | EPT_EXECUTE;
}

uint64_t vmx_eptp(uint64_t root_paddr)
{
    return (root_paddr & EPT_ADDR) | 6u | 3u << 3;
}
