/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The user runtime on ppc64le (user/runtime.c is the x86_64 one; same interface,
 * <bulkhead/runtime.h>). Thread-local storage is musl's variant I for powerpc64: the thread
 * pointer r13 sits 0x7000 past the start of the TLS block, musl's struct pthread lies just
 * below the block, and the stack-protector canary is at r13 - 0x7010 (the last words of that
 * struct). r13 is an ordinary register here, so a thread sets its own thread pointer; the
 * kernel saves and restores it with the rest of the context (ReadRegisters index 18).
 * Built without the stack protector: it runs before the canary exists.
 */
#include <bulkhead/runtime.h>
#include <stdint.h>
#include <string.h>

#define THREAD_STRUCT_SIZE 512u /* larger than musl's struct pthread */
#define TP_OFFSET 0x7000u

extern char __tdata_start[], __tdata_end[], __tbss_end[];

__thread bh_ipc_buffer_t *bh_ipc_buffer_ptr;
__thread bh_cptr_t bh_self_tcb = BH_SLOT_SELF_TCB;

static _Alignas(64) unsigned char main_tls[8192];

static size_t tls_block_size(void)
{
    return ((size_t)(__tbss_end - __tdata_start) + 63) & ~(size_t)63;
}

size_t bh_tls_area_size(void)
{
    return THREAD_STRUCT_SIZE + tls_block_size();
}

static uint64_t canary(void)
{
    uint64_t tb;
    __asm__ volatile("mftb %0" : "=r"(tb));
    return (tb * 0x9e3779b97f4a7c15ull) & ~(uint64_t)0xff;
}

/* Lays out a TLS area; returns the thread pointer. */
static uintptr_t layout(unsigned char *area)
{
    unsigned char *block = area + THREAD_STRUCT_SIZE;
    memset(area, 0, bh_tls_area_size());
    memcpy(block, __tdata_start, (size_t)(__tdata_end - __tdata_start));
    uintptr_t tp = (uintptr_t)block + TP_OFFSET;
    *(uint64_t *)(tp - 0x7010) = canary();
    return tp;
}

/* Separate, never inlined: no TLS address computed from the old r13 may survive the switch. */
static __attribute__((noinline)) void set_thread_pointer(uintptr_t tp)
{
    __asm__ volatile("mr 13, %0" ::"r"(tp) : "memory");
}

static __attribute__((noinline)) void set_thread_vars(bh_ipc_buffer_t *ipc_buffer, bh_cptr_t self_tcb)
{
    bh_ipc_buffer_ptr = ipc_buffer;
    bh_self_tcb = self_tcb;
}

static uintptr_t thread_pointer(void)
{
    register uintptr_t tp __asm__("r13");
    __asm__("" : "=r"(tp));
    return tp;
}

bh_word_t bh_tls_prepare(void *area, bh_ipc_buffer_t *ipc_buffer_for_thread, bh_cptr_t tcb)
{
    uintptr_t tp = layout(area);
    uintptr_t off = (uintptr_t)&bh_ipc_buffer_ptr - thread_pointer();
    *(bh_ipc_buffer_t **)(tp + off) = ipc_buffer_for_thread;
    off = (uintptr_t)&bh_self_tcb - thread_pointer();
    *(bh_cptr_t *)(tp + off) = tcb;
    return (bh_word_t)tp;
}

void bh_runtime_init(bh_ipc_buffer_t *ipc_buffer)
{
    if (bh_tls_area_size() > sizeof main_tls) bh_exit(127);
    set_thread_pointer(layout(main_tls));
    set_thread_vars(ipc_buffer, BH_SLOT_SELF_TCB);
}

int bh_runtime_init_thread(void *area, size_t area_size, bh_ipc_buffer_t *ipc_buffer, bh_cptr_t self_tcb)
{
    if (bh_tls_area_size() > area_size || ((uintptr_t)area & 63u) != 0) return -1;
    set_thread_pointer(layout(area));
    set_thread_vars(ipc_buffer, self_tcb);
    return 0;
}

/* Raw calls that do not need the IPC buffer. */
static bh_word_t raw(bh_word_t nr, bh_word_t dest, bh_word_t info, bh_word_t mr0)
{
    bh_word_t mr[4] = {mr0, 0, 0, 0};
    bh_sys_mrs(nr, &dest, &info, mr);
    return mr[0];
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
    for (;;) raw((bh_word_t)BH_SYS_CALL, bh_self_tcb, bh_msginfo(BH_INV_TCB_SUSPEND, 0, 0, 0), 0);
}
