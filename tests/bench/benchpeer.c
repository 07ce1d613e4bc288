/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The benchmark's peer in its own address space: slot 5 holds its endpoint or notification. */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>

int program_main(bh_word_t mode)
{
    bh_cptr_t obj = BH_PROC_SLOT_FIRST_FREE;
    bh_word_t badge;
    if (mode == 1) {
        bh_msginfo_t info = bh_recv(obj, &badge);
        for (;;) info = bh_reply_recv(obj, bh_msginfo(0, 0, 0, bh_msginfo_length(info)), &badge);
    }
    for (;;) (void)bh_recv(obj, &badge);
}
