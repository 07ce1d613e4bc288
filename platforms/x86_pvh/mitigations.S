/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Assembly of the side-channel mitigations (mitigations.c). */
#include "mitigations.h"

    .section .text
/* x86_rsb_fill(): the RSB overwritten (RSB_FILL); its own return is then mispredicted into a
 * speculation trap, harmlessly. */
    .globl x86_rsb_fill
x86_rsb_fill:
    RSB_FILL
    ret

    .section .note.GNU-stack,"",@progbits
