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
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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

bh_word_t bh_tls_prepare(void *area, bh_ipc_buffer_t *ipc_buffer_for_thread, bh_cptr_t tcb)
{
    unsigned char *base = area;
    size_t block = tls_block_size();
    unsigned char *tp = base + ((block + 63) & ~(size_t)63);
    unsigned char *tls = tp - block;
    memset(base, 0, bh_tls_area_size());
    memcpy(tls, __tdata_start, (size_t)(__tdata_end - __tdata_start));
    ((uintptr_t *)tp)[0] = (uintptr_t)tp;                               /* self */
    ((uintptr_t *)tp)[5] = (uintptr_t)(read_tsc() * 0x9e3779b97f4a7c15ull) & ~(uintptr_t)0xff; /* canary */
    /* The IPC buffer pointer is a TLS variable: find it in the new block by offset. */
    uintptr_t off = (uintptr_t)&bh_ipc_buffer_ptr - (uintptr_t)__builtin_thread_pointer();
    *(bh_ipc_buffer_t **)(tp + off) = ipc_buffer_for_thread;
    off = (uintptr_t)&bh_self_tcb - (uintptr_t)__builtin_thread_pointer();
    *(bh_cptr_t *)(tp + off) = tcb;
    return (bh_word_t)(uintptr_t)tp;
}

/* SetTLSBase on our own TCB, before TLS (and so the IPC buffer pointer) exists: MR0 in r10. */
static void set_own_tls_base(bh_word_t base)
{
    register bh_word_t mr0 __asm__("r10") = base;
    bh_word_t dest = BH_SLOT_SELF_TCB, info = bh_msginfo(BH_INV_TCB_SET_TLS_BASE, 0, 0, 1);
    bh_word_t nr = (bh_word_t)BH_SYS_CALL;
    __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
}

void bh_runtime_init(bh_ipc_buffer_t *ipc_buffer)
{
    if (bh_tls_area_size() > sizeof main_tls) bh_exit(127);
    /* The offset of bh_ipc_buffer_ptr needs a thread pointer: compute it from the link. */
    size_t block = tls_block_size();
    unsigned char *tp = main_tls + ((block + 63) & ~(size_t)63);
    memset(main_tls, 0, sizeof main_tls);
    memcpy(tp - block, __tdata_start, (size_t)(__tdata_end - __tdata_start));
    ((uintptr_t *)tp)[0] = (uintptr_t)tp;
    ((uintptr_t *)tp)[5] = (uintptr_t)(read_tsc() * 0x9e3779b97f4a7c15ull) & ~(uintptr_t)0xff;
    set_own_tls_base((bh_word_t)(uintptr_t)tp);
    bh_ipc_buffer_ptr = ipc_buffer;
}

bh_word_t bh_debug_check_kernel(void)
{
    register bh_word_t mr0 __asm__("r10") = 0;
    bh_word_t dest = 0, info = 0, nr = (bh_word_t)BH_SYS_DEBUG_CHECK_KERNEL;
    __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
    return mr0;
}

_Noreturn void bh_debug_halt(bh_word_t status)
{
    for (;;) {
        register bh_word_t mr0 __asm__("r10") = status;
        bh_word_t dest = 0, info = 0, nr = (bh_word_t)BH_SYS_DEBUG_HALT;
        __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
    }
}

void bh_putc(char c)
{
    register bh_word_t mr0 __asm__("r10") = (bh_word_t)(unsigned char)c;
    bh_word_t dest = 0, info = 0, nr = (bh_word_t)BH_SYS_DEBUG_PUT_CHAR;
    __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
}

void bh_puts(const char *s)
{
    while (*s) bh_putc(*s++);
}

int bh_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bh_puts(buf);
    return n;
}

_Noreturn void bh_exit(int status)
{
    (void)status;
    for (;;) {
        register bh_word_t mr0 __asm__("r10") = 0;
        bh_word_t dest = bh_self_tcb, info = bh_msginfo(BH_INV_TCB_SUSPEND, 0, 0, 0);
        bh_word_t nr = (bh_word_t)BH_SYS_CALL;
        __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
    }
}

/* SetTLSBase on a given TCB capability, before TLS exists (the raw form of the stub). */
static void set_tls_base_of(bh_cptr_t tcb, bh_word_t base)
{
    register bh_word_t mr0 __asm__("r10") = base;
    bh_word_t dest = tcb, info = bh_msginfo(BH_INV_TCB_SET_TLS_BASE, 0, 0, 1);
    bh_word_t nr = (bh_word_t)BH_SYS_CALL;
    __asm__ volatile("syscall" : "+D"(dest), "+S"(info), "+r"(mr0), "+a"(nr) : : "rcx", "r11", "r8", "r9", "r15", "memory");
}

int bh_runtime_init_thread(void *area, size_t area_size, bh_ipc_buffer_t *ipc_buffer, bh_cptr_t self_tcb)
{
    /* bh_tls_prepare reads the caller's thread pointer, which this thread does not have yet:
     * lay the block out from the link-time symbols instead, as bh_runtime_init does. */
    if (bh_tls_area_size() > area_size || ((uintptr_t)area & 63u) != 0) return -1;
    size_t block = tls_block_size();
    unsigned char *tp = (unsigned char *)area + ((block + 63) & ~(size_t)63);
    memset(area, 0, area_size);
    memcpy(tp - block, __tdata_start, (size_t)(__tdata_end - __tdata_start));
    ((uintptr_t *)tp)[0] = (uintptr_t)tp;
    ((uintptr_t *)tp)[5] = (uintptr_t)(read_tsc() * 0x9e3779b97f4a7c15ull) & ~(uintptr_t)0xff;
    set_tls_base_of(self_tcb, (bh_word_t)(uintptr_t)tp);
    bh_ipc_buffer_ptr = ipc_buffer;
    bh_self_tcb = self_tcb;
    return 0;
}
