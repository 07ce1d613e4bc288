/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The generated test's watcher: the third member of a dataport group, a second emitter. */
#include <bulkhead/syscalls.h>
#include "say.h"

int main(void)
{
    volatile const char *s = shared_ptr();
    while (s[0] != 'w') bh_yield(); /* the server writes it once its console lines are out */
    verdict("dataport group of three", strcmp((const char *)s, "written by srv") == 0);
    done_emit();
    return 0;
}
