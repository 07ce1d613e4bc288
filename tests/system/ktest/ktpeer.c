/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* A peer program for the kernel tests, in its own address space: an echo server on slot 5. */
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>

int program_main(bh_word_t arg)
{
    (void)arg;
    bh_cptr_t ep = BH_PROC_SLOT_FIRST_FREE;
    bh_word_t badge;
    bh_msginfo_t info = bh_recv(ep, &badge);
    for (;;) {
        unsigned n = bh_msginfo_length(info);
        for (unsigned i = 0; i < n; i++) bh_set_mr(i, bh_get_mr(i) + 1);
        info = bh_reply_recv(ep, bh_msginfo(bh_msginfo_label(info) + 1, 0, 0, n), &badge);
    }
}
