/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Test-only stand-in for the generated <bulkhead/abi.h>: just the system-call numbers the
 * syscall stubs need, so generated glue can be compiled before the kernel build exists.
 */
#ifndef BULKHEAD_ABI_H
#define BULKHEAD_ABI_H
#define BH_SYS_CALL (-1)
#define BH_SYS_REPLY_RECV (-2)
#define BH_SYS_SEND (-3)
#define BH_SYS_NBSEND (-4)
#define BH_SYS_RECV (-5)
#define BH_SYS_REPLY (-6)
#define BH_SYS_YIELD (-7)
#define BH_SYS_NBRECV (-8)
#endif
