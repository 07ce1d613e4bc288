/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Controls and observations of the fake platform, for the host unit tests. */
#ifndef FAKE_PLATFORM_FAKE_H
#define FAKE_PLATFORM_FAKE_H

#include "kernel.h"

/* How the kernel left: kernel entries are noreturn and end in one of these. */
enum fake_exit { FAKE_RETURNED, FAKE_TO_USER, FAKE_IDLE, FAKE_HALT };
/* Runs a kernel entry and returns how it left (the platform's exits longjmp back here). */
enum fake_exit fake_enter(void (*entry)(word_t), word_t arg);
extern struct tcb *fake_user_thread;    /* the thread plat_return_to_user resumed */

/* Interrupts: what plat_irq_pending answers; how often it was asked; masks and acks. */
extern bool fake_irq_pending;
extern word_t fake_irq_polls;
extern bool fake_irq_masked[IRQ_LINES];
extern word_t fake_irq_acks;

/* Console output (kprintf, DebugPutChar), NUL-terminated. */
extern char fake_console[8192];
extern word_t fake_console_len;
void fake_console_clear(void);

/* Context switches. */
extern word_t fake_switches;
extern struct tcb *fake_switched_to;
extern void *fake_switched_root;
extern word_t fake_tls_base;
extern word_t fake_tlb_flushes;
extern word_t fake_partition_switches; /* plat_partition_switch calls */

/* The software page tables: level 1 tables cover 1 GiB, level 2 tables 2 MiB; a 4 KiB frame
 * needs both, a 2 MiB frame needs level 1. */
bool fake_lookup(void *root, vaddr_t vaddr, paddr_t *pa, word_t *rights);
word_t fake_mapping_count(void *root);

/* The IOMMU: present or not (Retype of IOSpaces, the root's IOSpaceControl), each function's
 * binding (domain + 1, 0 = none) and IOSpace root, and how many invalidations were asked. */
extern bool fake_iommu;
extern word_t fake_iommu_binding[IOMMU_BUSES << 8];
extern void *fake_iommu_root[IOMMU_BUSES << 8];
extern word_t fake_iommu_flushes;

/* MSI lines: available or not (GET_MSI), each line's function (source + 1, 0 = unbound); a
 * bound line's message is FAKE_MSI_ADDRESS | irq << 5 with data 0. */
#define FAKE_MSI_ADDRESS 0xfee00010u
extern bool fake_msi;
extern word_t fake_msi_source[IRQ_LINES];

/* I/O ports: the last output and what inputs return. */
extern word_t fake_io_last_port, fake_io_last_value;
extern unsigned fake_io_last_bytes;

#endif
