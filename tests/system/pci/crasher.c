/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The crasher of the PCI manager's test system (tests/system/pci/pci.bh): it is given the
 * second edu (00:06.0), turns memory decoding and bus mastering on through the manager, then
 * faults, so that the suite can see the root unbind the function (its DMA blocked) while the
 * manager and the other clients run on.
 */
#include <bulkhead/runtime.h>
#include "glue.h"

#define EDU2 0x30u /* 00:06.0 */

static volatile uintptr_t nowhere = 8; /* below the image: never mapped */

int main(void)
{
    int err = pci_write(EDU2, 4, 2, 0x6u);
    bh_printf("[crasher] 00:06.0 memory and bus master on (answer %d); faulting now\n", err);
    *(volatile uint32_t *)nowhere = 1;
    return 0;
}
