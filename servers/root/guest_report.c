/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A VMM's report on the supervisor endpoint (vmm/params.h, enum vmm_report): the root prints
 * how the guest ended, with the VMM's figures. Nothing else changes: the VMM has stopped
 * itself, and every other thread, guests included, runs on. Progress reports (a test
 * guest's heartbeat through the debug port) are not printed.
 */
#include "params.h"
#include "root.h"

void root_guest_report(const struct root *r, bh_word_t badge, bh_msginfo_t info)
{
    bh_word_t i = badge & ~ROOT_REPORT_BADGE;
    const char *name = i < r->nguests ? r->guest[i].name : "?";
    if (bh_msginfo_label(info) != VMM_REPORT_END) return;
    bh_word_t why = bh_get_mr(0), d1 = bh_get_mr(1), d2 = bh_get_mr(2), exits = bh_get_mr(5), calls = bh_get_mr(6);
    bh_printf("[root] supervisor: guest %s %s (%#lx, %#lx) after %lu exits and %lu hypercalls; the rest runs on\n",
              name, vmm_end_name(why), (unsigned long)d1, (unsigned long)d2, (unsigned long)exits, (unsigned long)calls);
}
