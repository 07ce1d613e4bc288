/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest of the vmm_hypercall fuzzer (guest.c): it reads the input and plays every vCPU,
 * turning bytes into exits with their registers and into what the guest does between exits
 * (writing its memory, changing mode, letting time pass, typing on the console).
 */
#ifndef VMM_FUZZ_GUEST_H
#define VMM_FUZZ_GUEST_H

#include "fake.h"

/* The input, read front to back; zeros once it is used up. */
void in_start(const uint8_t *data, size_t size);
bool in_empty(void);
uint8_t in_byte(void);
uint64_t in_bytes(unsigned n);

/* What each vCPU's last exit was, for the checks at its next entry. */
enum guest_exit_kind { EXIT_NONE, EXIT_VMMCALL, EXIT_CPUID, EXIT_MSR, EXIT_IOIO, EXIT_HLT,
                       EXIT_INTERRUPTED, EXIT_OTHER };
struct guest_last {
    enum guest_exit_kind kind;
    uint64_t rip, next;            /* next: EXITINFO2 of an I/O exit */
};
extern struct guest_last guest_last[VMM_MAX_VCPUS];

#define GUEST_ENTRY 0x100000ull
void guest_setup(struct vm *vm);                 /* page tables in guest RAM */
void guest_mode(unsigned id, unsigned preset, uint8_t flags);
void guest_exit(unsigned id, bh_word_t *mr);     /* runs the guest to its next exit */
void guest_interrupted(unsigned id, bh_word_t *mr);

#endif
