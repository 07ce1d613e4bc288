/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target: any bytes through lexer, parser, every check, allocation and the
 * policy pass (generators excluded: they only print what these passes decided).
 */
#include "bhidl.h"

void ctx_init(struct ctx *c, const char *file);
int run_passes(struct ctx *c, const char *src, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctx c;
    ctx_init(&c, "fuzz.bh");
    (void)run_passes(&c, (const char *)data, size);
    arena_free(&c.arena);
    return 0;
}
