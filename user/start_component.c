/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Entry of a component started by the root server from a system specification (docs/idl.md,
 * "How the root server executes a specification"; docs/root-server.md). Every thread of the
 * component starts here with its IPC buffer, its index within the instance and the slot of its
 * own TCB in the instance's CSpace in the first three argument registers (x86_64 rdi, rsi,
 * rdx; ppc64le r3, r4, r5). The index is also in the IPC buffer's user_data word, which is what this entry reads: thread 0 runs main(), the others
 * the glue's bhidl_thread_start(index). MR0 of the IPC buffer holds the start message's
 * counter frequency (bh_counter_khz), read before any system call reuses the message words.
 */
#include <bulkhead/runtime.h>

#define EXTRA_THREADS 8u
#define TLS_AREA 4096u

int main(void);
int bhidl_thread_start(bh_word_t index);
_Noreturn void bh_start(bh_ipc_buffer_t *ipc, bh_word_t index_arg, bh_cptr_t self_tcb);

uint64_t bh_counter_khz;

static _Alignas(64) unsigned char extra_tls[EXTRA_THREADS][TLS_AREA];

/* The glue defines this only for components with more than one thread. */
__attribute__((weak)) int bhidl_thread_start(bh_word_t index)
{
    (void)index;
    return -1;
}

/* No TLS, so no bh_exit (it reads the TLS): stop this thread through its own TCB. */
static _Noreturn void stop(bh_cptr_t tcb)
{
    for (;;) bh_call_without_tls(tcb, bh_msginfo(BH_INV_TCB_SUSPEND, 0, 0, 0));
}

_Noreturn void bh_start(bh_ipc_buffer_t *ipc, bh_word_t index_arg, bh_cptr_t self_tcb)
{
    bh_word_t index = ipc->user_data;
    (void)index_arg;
    if (index == 0) bh_counter_khz = ipc->mr[0];
    if (index == 0) {
        bh_runtime_init(ipc);
        bh_exit(main());
    }
    if (index > EXTRA_THREADS || bh_runtime_init_thread(extra_tls[index - 1], TLS_AREA, ipc, self_tcb) != 0)
        stop(self_tcb);
    bh_exit(bhidl_thread_start(index));
}
