/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * PCI passthrough on a platform where the root does not do it yet (POWER9): a spec with an
 * IOSpace is refused in step 1, so binding is never reached.
 */
#include "root.h"

int root_check_passthrough(struct root *r)
{
    for (uint32_t i = 0; i < r->nobjects; i++) {
        struct bh_spec_object o;
        bh_spec_object(&r->spec, i, &o);
        if (o.type != BH_SPEC_OBJ_IO_SPACE) continue;
        bh_printf("[root] error: system.spec refused: object %u (%s): PCI passthrough is x86 only so far\n", i,
                  root_object_name(r, i));
        return -1;
    }
    return 0;
}

int root_bind_passthrough(struct root *r)
{
    (void)r;
    return 0;
}

void root_stop_passthrough(struct root *r, bh_word_t fault_badge)
{
    (void)r, (void)fault_badge;
}
