/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The checks of the creator's parameters (params.h) that both VMMs make (x86's vmm/main.c,
 * POWER9's vmm/power9/main.c), each adding its platform's own: what identifies the page, the
 * vCPUs, where RAM is mapped, the slots every VMM needs, the strings ending in their fields,
 * and the console channel.
 */
#include "params_check.h"

int vmm_params_check_common(const struct vmm_params *p, unsigned max_vcpus)
{
    if (p->magic != VMM_PARAMS_MAGIC) return -1;
    if (p->vcpus < 1 || p->vcpus > max_vcpus) return -1;
    if (p->ram_vaddr == 0 || (p->ram_vaddr & 0x1fffff) != 0) return -1;
    if (!p->slot.vcpu0 || !p->slot.guest_space || !p->slot.notification || !p->slot.report) return -1;
    if (p->name[VMM_NAME_LEN - 1] != 0 || p->cmdline[VMM_CMDLINE_LEN - 1] != 0) return -1;
    if ((p->console_vaddr & 0xfff) != 0 || (p->slot.console_signal && !p->console_vaddr)) return -1;
    return 0;
}
