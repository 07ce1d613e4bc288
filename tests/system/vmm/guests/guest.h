/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The freestanding test guest: port and MSR access, hypercalls, reporting to the debug port. */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "../../../../vmm/params.h"
#include "../vmmtest.h"

extern uint8_t hypercall_page[4096];
extern uint64_t pd1[512];   /* the page directory at 1 GiB of guest-virtual space (entry.S) */
extern volatile uint32_t gp_count, ud_count, callback_count, pf_count, pf_error;
extern volatile uint64_t pf_cr2, gp_skip, db_dr6;
extern volatile uint32_t db_count;

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
struct cpuid_out {
    uint32_t a, b, c, d;
};
static inline struct cpuid_out cpuid(uint32_t leaf, uint32_t sub)
{
    struct cpuid_out r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}
/* RDMSR/WRMSR: a #GP is counted by the handler, which skips the instruction. */
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* A hypercall through the page the VMM wrote (Xen's 64-bit convention). */
static inline long hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    long ret;
    register uint64_t r10 __asm__("r10") = 0;
    register uint64_t r8 __asm__("r8") = 0;
    void *stub = hypercall_page + nr * 32;
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(stub)
                     : "memory", "cc");
    return ret;
}
/* A VMMCALL with any rax, without the page. */
static inline long vmmcall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd9"
                     : "+a"(nr), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :
                     : "memory", "cc");
    return (long)nr;
}

static inline void check(uint32_t id, int ok, uint64_t value)
{
    outl(VMM_DEBUG_PORT_VALUE, (uint32_t)value);
    outl(VMM_DEBUG_PORT_CHECK, id | (ok ? 0 : VMM_DEBUG_CHECK_FAILED));
}
static inline void bench(uint32_t id, uint64_t value)
{
    outl(VMM_DEBUG_PORT_VALUE, (uint32_t)value);
    outl(VMM_DEBUG_PORT_BENCH, id);
}

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
void uart_puts(const char *s);

void test_exits(const struct hvm_start_info *si);
void test_hostile(void);
void test_probe(void);
/* Jumps to a guest-physical address with nothing there: the VMM ends the guest (a fetch). */
static inline void __attribute__((noreturn)) jump_to_nothing(uint64_t gpa)
{
    __asm__ volatile("jmp *%0" : : "r"(gpa));
    __builtin_unreachable();
}
void test_acpi_poweroff(const struct hvm_start_info *si);
void bench_exits(void);
void test_smp(void);
void bench_smp(void);
void test_xenstore(_Bool hostile);
/* Checks reported by name over the UART, "<suite>: <me>: <what>: ok" or ": FAILED (<value>)"
 * (named_checks.c; peers.c and grants.c). */
struct named_checks {
    const char *suite, *me;
    unsigned passed, failed;
};
void nc_num(char *out, uint64_t v);
void nc_say(const struct named_checks *c, const char *what, const char *tail);
void nc_say_num(const struct named_checks *c, const char *what, uint64_t v);
void nc_expect(struct named_checks *c, const char *what, _Bool ok, int64_t value);

void test_peers(int which);   /* 0 alice, 1 bob, 2 the hostile peer (peers.c) */
void test_grants(int which);  /* 0 the granter anna, 1 the mapper ben, 2 the hostile mal, 3 dan, who dies,
                                 4 and 5 the benchmark's granter and mapper (grants.c) */

#endif
