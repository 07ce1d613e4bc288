/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The ponger: answers echo(value) with value + 1, keeps the capability each call brings
 * (the latest one, in one slot), uses it once to show that it works, writes a line into the
 * shared page and signals its event.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/syscalls.h>
#include <stdio.h>
#include <string.h>
#include "glue.h"
#include "say.h"

#define KEEP_SLOT BH_SLOT_FREE_FIRST
#define TOLD_CALLS 3u

static unsigned calls;

/* console.put_string through an arbitrary endpoint capability (the glue's stub uses our own). */
static int put_via(bh_cptr_t ep, const char *s)
{
    size_t len = strlen(s) < 96 ? strlen(s) : 96;
    for (unsigned w = 0; w < 12; w++) {
        bh_word_t v = 0;
        for (unsigned b = 0; b < 8 && w * 8 + b < len; b++) v |= (bh_word_t)(unsigned char)s[w * 8 + b] << (8 * b);
        bh_set_mr(w, v);
    }
    bh_set_mr(12, len);
    return (int)bh_msginfo_label(bh_call(ep, bh_msginfo(0, 0, 0, 13)));
}

int echo_echo(bh_word_t badge, uint64_t value, bh_cptr_t token, uint64_t *ret)
{
    calls++;
    (void)bh_cnode_delete(BH_SLOT_CNODE, KEEP_SLOT, BH_CNODE_RADIX); /* the previous token, if any */
    int err = bh_cnode_move(BH_SLOT_CNODE, KEEP_SLOT, BH_CNODE_RADIX, BH_SLOT_CNODE, token, BH_CNODE_RADIX);
    if (calls <= TOLD_CALLS)
        say("echo(%llu) from client %lu: answering %llu; its capability %s slot %u\n", (unsigned long long)value,
            (unsigned long)badge, (unsigned long long)(value + 1), err == 0 ? "kept in" : "could NOT be kept in",
            KEEP_SLOT);
    if (calls == 1 && err == 0)
        put_via(KEEP_SLOT, "(pong writing through the capability ping passed)\n");
    snprintf((char *)shared_ptr(), shared_size(), "pong answered %u calls, the last with %llu", calls,
             (unsigned long long)(value + 1));
    ready_emit();
    *ret = value + 1;
    return 0;
}

int main(void)
{
    say("ponger started: serving echo\n");
    echo_run();
}
