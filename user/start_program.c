/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Entry of every other program: rdi = its IPC buffer, rsi = an argument from its creator. */
#include <bulkhead/runtime.h>

_Noreturn void bh_start(bh_ipc_buffer_t *ipc, bh_word_t arg);

_Noreturn void bh_start(bh_ipc_buffer_t *ipc, bh_word_t arg)
{
    bh_runtime_init(ipc);
    bh_exit(program_main(arg));
}
