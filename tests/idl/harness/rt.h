/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* What the server side of the round-trip harness exposes to the client side. */
#ifndef RT_H
#define RT_H
#include <bulkhead/types.h>
void rt_server_init(void);
void rt_server_emit(void);
extern bh_word_t rt_seen_badge;   /* badge of the last request the server handled */
extern bh_cptr_t rt_server_got_cap; /* where the server's glue said the received cap is */
extern bh_cptr_t rt_server_recv_slot;
#endif
