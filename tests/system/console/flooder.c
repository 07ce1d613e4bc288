/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* A hostile console client (flood.bh): numbered 90-byte lines, as fast as they are taken. */
#include <bulkhead/runtime.h>

void console_client_init(void);

int main(void)
{
    console_client_init();
    for (unsigned long n = 1;; n++)
        bh_printf("line %08lu of a flood: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", n);
}
