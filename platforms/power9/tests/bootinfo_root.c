/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* A minimal root server for bringing up a platform: prints its boot info and stops. */
#include <bulkhead/layout.h>
#include <bulkhead/runtime.h>

int root_main(const struct bh_bootinfo *bi)
{
    bh_printf("[root] boot info: magic %lx, ABI %lu, CNode radix %lu, %lu IRQ lines, tick %lu us\n",
              (unsigned long)bi->magic, (unsigned long)bi->abi_version, (unsigned long)bi->cnode_radix,
              (unsigned long)bi->irq_lines, (unsigned long)bi->tick_us);
    unsigned long ram = 0;
    for (bh_word_t i = 0; i < bi->untyped_last - bi->untyped_first; i++)
        if (!bi->untyped[i].is_device) ram += 1ul << bi->untyped[i].size_bits;
    bh_printf("[root] %lu untyped capabilities (%lu MiB), boot module %lu bytes at %lx, IPC buffer at %lx\n",
              (unsigned long)(bi->untyped_last - bi->untyped_first), ram >> 20, (unsigned long)bi->module_size,
              (unsigned long)bi->module_addr, (unsigned long)bi->ipc_buffer_addr);
    bh_printf("[root] power9 bootinfo: OK\n");
    return 0;
}
