/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Thread-local storage, x86_64 variant II (TLS block below the thread pointer), laid out
 * so that musl's libc.a works: the thread pointer points to a struct whose first word points
 * to itself and whose word at 0x28 holds the stack-protector canary (musl's struct pthread:
 * self, dtv, prev, next, sysinfo, canary). Built without the stack protector: it runs
 * before the canary exists.
 */
#include <bulkhead/runtime.h>
#include <stdint.h>
#include <string.h>

#define THREAD_STRUCT_SIZE 512u /* larger than musl's struct pthread */

extern char __tdata_start[], __tdata_end[], __tbss_end[];
extern char __tls_align[];

__thread bh_ipc_buffer_t *bh_ipc_buffer_ptr;
/* The calling thread's own TCB capability (slot 1 in a process's own CSpace). */
__thread bh_cptr_t bh_self_tcb = BH_SLOT_SELF_TCB;

static _Alignas(64) unsigned char main_tls[8192];

static size_t tls_block_size(void)
{
    size_t align = (size_t)__tls_align ? (size_t)__tls_align : 1;
    size_t size = (size_t)(__tbss_end - __tdata_start);
    return (size + align - 1) & ~(align - 1);
}

size_t bh_tls_area_size(void)
{
    return ((tls_block_size() + 63) & ~(size_t)63) + THREAD_STRUCT_SIZE;
}

static uint64_t read_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* A system call with MR0 in its register, usable before TLS (and so the IPC buffer) exists;
 * returns MR0. */
static bh_word_t raw(bh_word_t nr, bh_word_t dest, bh_word_t info, bh_word_t mr)
{
    register bh_word_t mr0 __asm__("r10") = mr;
    __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
    return mr0;
}

/* Lays out a TLS area from the link-time template; returns the thread pointer. */
static uintptr_t layout(unsigned char *area)
{
    size_t block = tls_block_size();
    unsigned char *tp = area + ((block + 63) & ~(size_t)63);
    memset(area, 0, bh_tls_area_size());
    memcpy(tp - block, __tdata_start, (size_t)(__tdata_end - __tdata_start));
    ((uintptr_t *)tp)[0] = (uintptr_t)tp;                                                       /* self */
    ((uintptr_t *)tp)[5] = (uintptr_t)(read_tsc() * 0x9e3779b97f4a7c15ull) & ~(uintptr_t)0xff; /* canary */
    return (uintptr_t)tp;
}

static void set_tls_base_of(bh_cptr_t tcb, uintptr_t tp)
{
    (void)raw((bh_word_t)BH_SYS_CALL, tcb, bh_msginfo(BH_INV_TCB_SET_TLS_BASE, 0, 0, 1), (bh_word_t)tp);
}

bh_word_t bh_tls_prepare(void *area, bh_ipc_buffer_t *ipc_buffer_for_thread, bh_cptr_t tcb)
{
    unsigned char *tp = (unsigned char *)layout(area);
    /* The TLS variables of the new block, found by their offset in ours. */
    uintptr_t off = (uintptr_t)&bh_ipc_buffer_ptr - (uintptr_t)__builtin_thread_pointer();
    *(bh_ipc_buffer_t **)(tp + off) = ipc_buffer_for_thread;
    off = (uintptr_t)&bh_self_tcb - (uintptr_t)__builtin_thread_pointer();
    *(bh_cptr_t *)(tp + off) = tcb;
    return (bh_word_t)(uintptr_t)tp;
}

void bh_runtime_init(bh_ipc_buffer_t *ipc_buffer)
{
    if (bh_tls_area_size() > sizeof main_tls) bh_exit(127);
    set_tls_base_of(BH_SLOT_SELF_TCB, layout(main_tls));
    bh_ipc_buffer_ptr = ipc_buffer;
}

int bh_runtime_init_thread(void *area, size_t area_size, bh_ipc_buffer_t *ipc_buffer, bh_cptr_t self_tcb)
{
    /* bh_tls_prepare reads the caller's thread pointer, which this thread does not have yet:
     * the block comes from the link-time template, as for the first thread. */
    if (bh_tls_area_size() > area_size || ((uintptr_t)area & 63u) != 0) return -1;
    memset(area, 0, area_size);
    set_tls_base_of(self_tcb, layout(area));
    bh_ipc_buffer_ptr = ipc_buffer;
    bh_self_tcb = self_tcb;
    return 0;
}

bh_word_t bh_debug_check_kernel(void)
{
    return raw((bh_word_t)BH_SYS_DEBUG_CHECK_KERNEL, 0, 0, 0);
}

_Noreturn void bh_debug_halt(bh_word_t status)
{
    for (;;) (void)raw((bh_word_t)BH_SYS_DEBUG_HALT, 0, 0, status);
}

size_t bh_debug_put_string(size_t len)
{
    return (size_t)raw((bh_word_t)BH_SYS_DEBUG_PUT_STRING, (bh_word_t)len, 0, 0);
}

size_t bh_debug_put_char(char c)
{
    return (size_t)raw((bh_word_t)BH_SYS_DEBUG_PUT_CHAR, 0, 0, (bh_word_t)(unsigned char)c);
}

_Noreturn void bh_exit(int status)
{
    (void)status;
    for (;;) (void)raw((bh_word_t)BH_SYS_CALL, bh_self_tcb, bh_msginfo(BH_INV_TCB_SUSPEND, 0, 0, 0), 0);
}
