/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The intruder: holds its own objects and a console connection, nothing else. It tries a
 * slot it was never given twice: as a CNode operation's source (the kernel answers with an
 * error) and as an endpoint to call (a capability fault, which goes to its fault handler,
 * the root server, and stops this thread). Everything else runs on.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/syscalls.h>
#include "glue.h"
#include "say.h"

#define PROBE_SLOT 40u

int main(void)
{
    say("intruder started: my CSpace holds slots 1..%u only\n", BH_SLOT_FREE_FIRST - 1);
    int err = bh_cnode_copy(BH_SLOT_CNODE, BH_SLOT_FREE_FIRST, BH_CNODE_RADIX, BH_SLOT_CNODE, PROBE_SLOT,
                            BH_CNODE_RADIX, BH_RIGHTS_ALL);
    say("copying slot %u, which I was not given: %s (error %d%s)\n", PROBE_SLOT, err ? "refused" : "ALLOWED", err,
        err == BH_ERR_FAILED_LOOKUP ? ", FAILED_LOOKUP" : "");
    say("calling an endpoint through slot %u, which I was not given...\n", PROBE_SLOT);
    bh_call(PROBE_SLOT, bh_msginfo(0, 0, 0, 0));
    say("UNEXPECTED: the call through slot %u returned\n", PROBE_SLOT);
    return 1;
}
