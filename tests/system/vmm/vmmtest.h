/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* What the VMM test root and its test guest agree on. */
#ifndef VMMTEST_H
#define VMMTEST_H

#define VT_RAM_SIZE (4u << 20)
#define VT_INITRD_TEXT "bulkhead-initrd-contents"
#define VT_EXITS_CMDLINE "mode=exits check=cmdline-ok"
#define VT_EXITS_CHECKS 179u           /* checks the exits guest passes when all is well */
#define VT_EXITS_NPF_GPA 0x800000u     /* its end: a jump outside its RAM (a fetch from nothing) */
#define VT_HOSTILE_NPF_GPA 0x1234000u    /* where it jumps at the end: a fetch from nothing */
#define VT_PROBE_GPA 0x800000u         /* mode=probe: an address with nothing there */
#define VT_PROBE_LOOP 3000u            /* reads in a row there (the VMM logs a few) */
#define VT_PROBE_CHECKS 39u            /* checks the probe guest passes before it powers off */
#define VT_HOSTILE_CALLS 100000u
#define VT_HOSTILE_SEED 0x5eed0f0dull
#define VT_SHUTDOWN_REASON 1u          /* SHUTDOWN_reboot */
#define VT_ACPI_CHECKS 16u             /* checks the acpi-poweroff guest passes before S5 */
#define VT_SMP_VCPUS 3u               /* mode=smp: the BSP and two APs */
#define VT_SMP_CHECKS 37u              /* checks the smp guest passes before it powers off */
#define VT_BENCH_HYPERCALL 1u
#define VT_BENCH_CPUID 2u
#define VT_BENCH_IOPORT 3u
#define VT_BENCH_IPI 4u               /* mode=bench-smp */
#define VT_PROGRESS 0x5000u            /* a spinning guest's heartbeat, sent as a bench report */
#define VT_HEARTBEAT_TSC 5000000000ull /* mode=heartbeat: TSC ticks between lines (a few seconds) */
#define VT_LINUX_RAM_SIZE (128ull << 20) /* Debian's kernel loads at 16..74 MiB and needs 96 MiB */
#define VT_LINUX_CMDLINE "console=hvc0 earlyprintk=xen,keep loglevel=8 rdinit=/init"

#endif
