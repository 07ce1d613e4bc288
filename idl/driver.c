/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The pipeline: runs the passes in order and stops before a pass whose input would not
 * satisfy its contract. Name, type and resource checks all run on a parsed AST so one run
 * reports as many errors as it can; allocation and policy need an error-free system.
 */
#include "bhidl.h"

void ctx_init(struct ctx *c, const char *file);
int run_passes(struct ctx *c, const char *src, size_t len);

void ctx_init(struct ctx *c, const char *file)
{
    *c = (struct ctx){0};
    c->diags.arena = &c->arena;
    c->prog.file = file;
}

int run_passes(struct ctx *c, const char *src, size_t len)
{
    struct tokens toks = {{0}};
    lex(&c->arena, &c->diags, c->prog.file, src, len, &toks);
    parse(c, &toks);
    if (c->diags.errors) return -1;
    resolve(c);
    check_types(c);
    check_resources(c);
    check_pv_devices(c);
    if (c->diags.errors) return -1;
    allocate(c);
    if (c->diags.errors) return -1;
    check_policy(c);
    /* Only policies failed: the report and the picture can still be written (and are wanted). */
    c->policy_failed = c->diags.errors != 0;
    return c->diags.errors ? -1 : 0;
}
