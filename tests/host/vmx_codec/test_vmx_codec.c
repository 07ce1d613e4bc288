/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host unit tests of platforms/x86_pvh/vmx_codec.c, the VT-x <-> ABI (SVM encodings)
 * translations: the only part of the VT-x back end that runs anywhere today, since QEMU TCG
 * has no VMX. Expected values are worked out from the Intel SDM and the AMD APM by hand, the
 * way a VMM reading the ABI would expect them. Prints "PASS vmx.<test>" / "FAIL vmx.<test>: why".
 */
#include <stdio.h>
#include <string.h>
#include "vmx_codec.h"

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("FAIL vmx.%s: %s (line %d)\n", __func__, #cond, __LINE__);        \
            failures++;                                                              \
            return;                                                                  \
        }                                                                            \
    } while (0)

static struct vmx_exit_out exit_of(uint32_t reason, uint64_t qual)
{
    struct vmx_exit_in in;
    memset(&in, 0, sizeof in);
    in.reason = reason;
    in.qualification = qual;
    in.rip = 0x1000;
    in.insn_len = 2;
    struct vmx_exit_out out;
    vmx_translate_exit(&in, &out);
    return out;
}

static void exit_reasons_map_to_svm_codes(void)
{
    CHECK(exit_of(10, 0).code == BH_VM_EXIT_CPUID && exit_of(10, 0).next_rip == 0x1002);
    CHECK(exit_of(12, 0).code == BH_VM_EXIT_HLT);
    CHECK(exit_of(18, 0).code == BH_VM_EXIT_VMMCALL && exit_of(18, 0).next_rip == 0x1002);
    CHECK(exit_of(2, 0).code == BH_VM_EXIT_SHUTDOWN);
    CHECK(exit_of(31, 0).code == BH_VM_EXIT_MSR && exit_of(31, 0).info1 == 0);
    CHECK(exit_of(32, 0).code == BH_VM_EXIT_MSR && exit_of(32, 0).info1 == 1);
    CHECK(exit_of(55, 0).code == BH_VM_EXIT_XSETBV);
    CHECK(exit_of(36, 0).code == BH_VM_EXIT_MWAIT && exit_of(39, 0).code == BH_VM_EXIT_MONITOR);
    for (uint32_t r = 19; r <= 27; r++) CHECK(exit_of(r, 0).code == BH_VM_EXIT_VMRUN); /* VMCLEAR..VMXON */
    CHECK(exit_of(50, 0).code == BH_VM_EXIT_VMRUN && exit_of(53, 0).code == BH_VM_EXIT_VMRUN);
    printf("PASS vmx.%s\n", __func__);
}

static void host_events_and_failures(void)
{
    CHECK(exit_of(1, 0).code == VMX_EXIT_HOST_EVENT);          /* external interrupt */
    CHECK(exit_of(3, 0).code == VMX_EXIT_HOST_EVENT);          /* INIT */
    CHECK(exit_of(33, 0).code == BH_VM_EXIT_INVALID);            /* invalid guest state */
    CHECK(exit_of(49, 0).code == BH_VM_EXIT_INVALID);            /* EPT misconfiguration */
    CHECK(exit_of(1u << 31 | 33u, 0).code == BH_VM_EXIT_INVALID); /* entry failure bit */
    CHECK(exit_of(62, 0).code == BH_VM_EXIT_VMX_UNMAPPED(62));  /* PML full: no SVM twin */
    printf("PASS vmx.%s\n", __func__);
}

static void exceptions_and_nmi(void)
{
    struct vmx_exit_in in;
    memset(&in, 0, sizeof in);
    struct vmx_exit_out out;
    in.reason = 0;
    in.intr_info = 1u << 31 | 3u << 8 | 1u << 11 | 14u; /* #PF, hardware exception, error code */
    in.intr_error = 6;
    in.qualification = 0xdead000;
    vmx_translate_exit(&in, &out);
    CHECK(out.code == BH_VM_EXIT_EXCEPTION(14) && out.info1 == 6 && out.info2 == 0xdead000);
    in.intr_info = 1u << 31 | 3u << 8 | 6u; /* #UD, no error code */
    vmx_translate_exit(&in, &out);
    CHECK(out.code == BH_VM_EXIT_EXCEPTION(6) && out.info1 == 0 && out.info2 == 0);
    in.intr_info = 1u << 31 | 2u << 8 | 2u; /* NMI: the host's */
    vmx_translate_exit(&in, &out);
    CHECK(out.code == VMX_EXIT_HOST_EVENT);
    printf("PASS vmx.%s\n", __func__);
}

static void io_qualification_to_ioio(void)
{
    /* IN al, dx from port 0x3fd: size 0 (1 byte), direction IN, port in 31:16. */
    struct vmx_exit_out o = exit_of(30, 0x3fdull << 16 | 8u);
    CHECK(o.code == BH_VM_EXIT_IOIO && o.info1 == (0x3fdull << 16 | 1u << 4 | 1u) && o.info2 == 0x1002);
    /* OUT dx, eax to 0xcf8: size 3 (4 bytes), OUT. */
    o = exit_of(30, 0xcf8ull << 16 | 3u);
    CHECK(o.info1 == (0xcf8ull << 16 | 1u << 6));
    /* OUT dx, ax: 2 bytes. */
    o = exit_of(30, 0x70ull << 16 | 1u);
    CHECK(o.info1 == (0x70ull << 16 | 1u << 5));
    /* REP OUTSB with a 64-bit address through DS (instruction info: address size 2, segment 3). */
    struct vmx_exit_in in;
    memset(&in, 0, sizeof in);
    in.reason = 30;
    in.qualification = 0x3f8ull << 16 | 16u | 32u;
    in.insn_info = 2u << 7 | 3u << 15;
    struct vmx_exit_out out;
    vmx_translate_exit(&in, &out);
    CHECK(out.info1 == (0x3f8ull << 16 | 3u << 10 | 1u << 9 | 1u << 4 | 8u | 4u));
    /* INS always goes through ES, whatever the instruction information says. */
    in.qualification |= 8u;
    vmx_translate_exit(&in, &out);
    CHECK(((out.info1 >> 10) & 7u) == 0 && (out.info1 & 1u));
    printf("PASS vmx.%s\n", __func__);
}

static void ept_violation_to_npf(void)
{
    struct vmx_exit_in in;
    memset(&in, 0, sizeof in);
    struct vmx_exit_out out;
    in.reason = 48;
    in.guest_phys = 0x9000;
    in.qualification = 1u | 0x80u | 0x100u; /* a read, nothing mapped, linear translation */
    vmx_translate_exit(&in, &out);
    CHECK(out.code == BH_VM_EXIT_NPF && out.info2 == 0x9000);
    CHECK(out.info1 == (4u | 1ull << 32)); /* not present, user, final translation */
    in.qualification = 4u | 1u << 3; /* a fetch from a readable, non-executable page */
    vmx_translate_exit(&in, &out);
    CHECK(out.info1 == (1u | 4u | 16u) && out.next_rip == 0);
    in.qualification = 2u | 1u << 3 | 0x80u; /* a write during a guest page walk */
    vmx_translate_exit(&in, &out);
    CHECK(out.info1 == (1u | 2u | 4u | 1ull << 33));
    printf("PASS vmx.%s\n", __func__);
}

static void segment_attributes_round_trip(void)
{
    /* 64-bit code: type b, S, P, L; flat data: type 3, S, P, DB, G. */
    CHECK(vmx_access_rights(0x29b) == 0x209b);
    CHECK(vmx_access_rights(0xc93) == 0xc093);
    CHECK(vmx_access_rights(0) == 1u << 16);           /* not present: unusable */
    for (uint32_t a = 0; a < 0x1000; a++)
        if (a & 0x80u) CHECK(vmx_svm_attrib(vmx_access_rights((uint16_t)a)) == a);
    CHECK(vmx_svm_attrib(1u << 16 | 0x93) == 0x13);    /* unusable reads back not present */
    printf("PASS vmx.%s\n", __func__);
}

static void event_injection(void)
{
    uint32_t info, err, len;
    /* #GP(0x10): an exception with its error code in 63:32. */
    CHECK(vmx_entry_event(0x10ull << 32 | 1u << 31 | 1u << 11 | 3u << 8 | 13u, false, &info, &err, &len));
    CHECK(info == (1u << 31 | 1u << 11 | 3u << 8 | 13u) && err == 0x10 && len == 0);
    /* An external interrupt, vector 0x20. */
    CHECK(vmx_entry_event(1u << 31 | 0x20u, false, &info, &err, &len) && info == (1u << 31 | 0x20u) && err == 0);
    /* Nothing to inject. */
    CHECK(vmx_entry_event(0, false, &info, &err, &len) && info == 0);
    /* A software interrupt needs zero-length injection. */
    CHECK(!vmx_entry_event(1u << 31 | 4u << 8 | 0x80u, false, &info, &err, &len));
    CHECK(vmx_entry_event(1u << 31 | 4u << 8 | 0x80u, true, &info, &err, &len) && len == 0);
    /* IDT vectoring: a software exception (#BP) reads back as an exception; error codes move. */
    CHECK(vmx_exit_int_info(1u << 31 | 6u << 8 | 3u, 0) == (1u << 31 | 3u << 8 | 3u));
    CHECK(vmx_exit_int_info(1u << 31 | 1u << 11 | 3u << 8 | 14u, 2) == (2ull << 32 | 1u << 31 | 1u << 11 | 3u << 8 | 14u));
    CHECK(vmx_exit_int_info(0x20u, 5) == 0); /* not valid */
    printf("PASS vmx.%s\n", __func__);
}

static void controls_and_ept(void)
{
    uint32_t out;
    /* Must-be-one bits 1,2 (allowed-0 = 0x6), may-be-one everything but bit 4. */
    CHECK(vmx_adjust_controls(0xffffffefull << 32 | 0x6u, 0x9, &out) && out == 0xf);
    CHECK(!vmx_adjust_controls(0xffffffefull << 32 | 0x6u, 0x10, &out));
    CHECK(vmx_ept_leaf(0x200000, true, false, true) == (0x200000u | 1u | 2u | 6u << 3 | 0x80u));
    CHECK(vmx_ept_leaf(0x5000, false, true, false) == (0x5000u | 1u | 4u | 6u << 3));
    CHECK(vmx_ept_table(0x7000) == (0x7000u | 7u));
    CHECK(vmx_eptp(0x123000) == (0x123000u | 6u | 3u << 3));
    /* A table entry has the host format's P, RW and U bits: mmu.c walks both alike. */
    CHECK((vmx_ept_table(0x7000) & 7u) == 7u && (vmx_ept_leaf(0x5000, false, false, false) & 1u));
    printf("PASS vmx.%s\n", __func__);
}

/* What the kernel always intercepts on top of the VMM's choices: MOV to CR4 (masked bits),
 * MOV DR, WBINVD, and #DB with DR6 as SVM would have saved it. */
static void hygiene_exits(void)
{
    /* MOV to CR4 from r9 (qualification: CR 4, type 0, GPR 9 in 11:8): SVM's write-CR4 code
     * with the decode-assist EXITINFO1 and the next RIP. */
    struct vmx_exit_out o = exit_of(28, 4u | 0u << 4 | 9u << 8);
    CHECK(o.code == 0x14 && o.info1 == (1ull << 63 | 9u) && o.next_rip == 0x1002);
    CHECK(exit_of(28, 0u | 1u << 4).code == BH_VM_EXIT_VMX_UNMAPPED(28)); /* MOV from CR: not ours */
    CHECK(exit_of(28, 0u | 3u << 4).code == BH_VM_EXIT_VMX_UNMAPPED(28)); /* LMSW */
    /* MOV to DR3 from rcx, MOV from DR0 to rax (direction bit 4). */
    o = exit_of(29, 3u | 1u << 8);
    CHECK(o.code == BH_VM_EXIT_WRITE_DR(3) && o.info1 == 1 && o.next_rip == 0x1002);
    CHECK(exit_of(29, 0u | 16u).code == BH_VM_EXIT_READ_DR(0));
    CHECK(exit_of(54, 0).code == BH_VM_EXIT_WBINVD && exit_of(54, 0).next_rip == 0x1002);
    CHECK(exit_of(13, 0).code == BH_VM_EXIT_INVD && exit_of(13, 0).next_rip == 0x1002);
    /* INT1 (ICEBP): a privileged software exception #DB, reported as SVM's ICEBP exit. */
    struct vmx_exit_in in;
    memset(&in, 0, sizeof in);
    in.intr_info = 1u << 31 | 5u << 8 | 1u;
    in.rip = 0x2000;
    in.insn_len = 1;
    vmx_translate_exit(&in, &o);
    CHECK(o.code == BH_VM_EXIT_ICEBP && o.next_rip == 0x2001);
    in.intr_info = 1u << 31 | 3u << 8 | 1u; /* a hardware #DB: the exception's exit */
    vmx_translate_exit(&in, &o);
    CHECK(o.code == BH_VM_EXIT_EXCEPTION(1) && o.next_rip == 0);
    /* DR6 after a #DB: a single step (BS) on a clean DR6; a breakpoint 2 hit replaces an
     * older B0 but keeps BS; RTM (bit 16, active low) cleared when the qualification sets
     * it; bit 12 (enabled breakpoint in the qualification) never reaches DR6; INT1 leaves
     * DR6 alone. */
    uint32_t hw = 1u << 31 | 3u << 8 | 1u;
    CHECK(vmx_dr6_after_db(0xffff0ff0u, 1u << 14, hw) == 0xffff4ff0u);
    CHECK(vmx_dr6_after_db(0xffff4ff1u, 1u << 12 | 1u << 2, hw) == 0xffff4ff4u);
    CHECK(vmx_dr6_after_db(0xffff0ff0u, 1u << 16 | 1u, hw) == 0xfffe0ff1u);
    CHECK(vmx_dr6_after_db(0xffff0ff0u, 1u << 13, hw) == 0xffff2ff0u); /* BD: general detect */
    CHECK(vmx_dr6_after_db(0xffff0ff3u, 1u << 14, 1u << 31 | 5u << 8 | 1u) == 0xffff0ff3u);
    printf("PASS vmx.%s\n", __func__);
}

int main(void)
{
    hygiene_exits();
    exit_reasons_map_to_svm_codes();
    host_events_and_failures();
    exceptions_and_nmi();
    io_qualification_to_ioio();
    ept_violation_to_npf();
    segment_attributes_round_trip();
    event_injection();
    controls_and_ept();
    return failures ? 1 : 0;
}
