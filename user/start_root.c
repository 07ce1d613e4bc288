/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Entry of the root server: rdi = boot info (which says where the IPC buffer is). */
#include <bulkhead/layout.h>
#include <bulkhead/runtime.h>

_Noreturn void bh_start(const struct bh_bootinfo *bi);

_Noreturn void bh_start(const struct bh_bootinfo *bi)
{
    bh_runtime_init((bh_ipc_buffer_t *)(uintptr_t)bi->ipc_buffer_addr);
    bh_exit(root_main(bi));
}
