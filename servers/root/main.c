/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The root server. */
#include <bulkhead/bootinfo.h>
#include <bulkhead/runtime.h>

int root_main(const struct bh_bootinfo *bi)
{
    bh_printf("[root] boot info: ABI %lu, %lu untyped, free slots %lu..%lu, archive %lu bytes\n",
              (unsigned long)bi->abi_version, (unsigned long)(bi->untyped_last - bi->untyped_first),
              (unsigned long)bi->empty_first, (unsigned long)bi->empty_last, (unsigned long)bi->module_size);
    return 0;
}
