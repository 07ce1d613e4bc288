/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Client side of the round-trip harness and its main(): calls every stub through the test
 * transport into the server's generated dispatcher and checks what comes back. Prints one
 * "PASS idl.marshal_<name>" or "FAIL idl.marshal_<name>: why" line per check.
 */
#include "glue.h"
#include "rt.h"

#include <bulkhead/syscalls.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void check(const char *name, int ok, const char *why)
{
    if (ok) {
        printf("PASS idl.marshal_%s\n", name);
    } else {
        printf("FAIL idl.marshal_%s: %s\n", name, why);
        failures++;
    }
}

int main(void)
{
    rt_use_client_buffer();
    rt_server_init();

    uint64_t sum = 0;
    int rc = cli_add(40, 0xffffffff00000002ull, &sum);
    check("u64", rc == 0 && sum == 0xffffffff0000002aull && rt_last_dest == CONN_cli_CPTR && rt_seen_badge == 1,
          "add(40, 0xffffffff00000002) did not return 0xffffffff0000002a through the client's endpoint");

    int64_t s64 = 0;
    int32_t neg = 0;
    rc = cli_negate(-5, -300, 100000, -(1ll << 40), &s64, &neg);
    check("signed", rc == 0 && neg == -100000 && s64 == -5 - 300 + 100000 - (1ll << 40),
          "negative i8/i16/i32/i64 values did not survive");

    uint32_t counter = 41;
    bool flipped = true;
    rc = cli_flip(true, &counter, &flipped);
    check("bool_inout", rc == 0 && !flipped && counter == 42, "flip(true, 41) should give false and 42");

    struct point p = {3, -4};
    rc = cli_scale(&p, 3);
    check("inout_struct", rc == 0 && p.x == 9 && p.y == -12, "scale({3,-4}, 3) should give {9,-12}");

    struct point origin = {100, -100};
    uint8_t tag[7] = {0};
    struct shape sh;
    memset(&sh, 0, sizeof sh);
    rc = cli_make(&origin, MODE_TURBO, tag, &sh);
    int shape_ok = rc == 0 && sh.closed && sh.m == MODE_TURBO && sh.id == 0xbeef && sh.corners[2].x == 102 &&
                   sh.corners[2].y == -102 && sh.name[0] == 'v' && sh.name[4] == 'z';
    check("struct_return", shape_ok, "the returned shape differs");
    check("out_array", rc == 0 && !memcmp(tag, "abcdefg", 7), "tag should be abcdefg");

    uint16_t vals[9] = {1, 2, 3, 4, 5, 6, 7, 8, 0xffff};
    rc = cli_reverse(vals);
    check("inout_array", rc == 0 && vals[0] == 0xffff && vals[8] == 1 && vals[4] == 5 && vals[1] == 8,
          "reverse should reverse 9 u16 values");

    bh_cptr_t back = 0;
    rc = cli_give(33, &back);
    check("cap_transfer",
          rc == 0 && rt_cap_to_server == 33 && rt_server_got_cap == rt_server_recv_slot && rt_cap_to_client == 77 &&
              back == BH_RECV_SLOT && rt_client_recv_slot == BH_RECV_SLOT,
          "capabilities should travel in caps_or_badges[0] and land in the receive slots");

    uint32_t r32 = 5;
    rc = cli_fail(1234, &r32);
    check("server_error", rc == 1234, "a server's error code should come back as the stub's result");

    rc = cli_nothing();
    check("void", rc == 0, "a void procedure without parameters should succeed");

    int8_t v[13] = {-1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, 12, -128};
    bool flags[3] = {false, true, false};
    enum mode modes[2] = {MODE_OFF, MODE_OFF};
    struct point pts[2] = {{5, 6}, {7, 8}};
    uint8_t small = 0;
    rc = cli_small(v, flags, modes, pts, &small);
    check("small_arrays",
          rc == 0 && flags[0] && !flags[1] && flags[2] && modes[0] == MODE_NEG && modes[1] == MODE_TURBO &&
              small == (uint8_t)(-122 + 5 + 8),
          "i8, bool, enum and struct arrays should round-trip (negative enumerators too)");

    uint64_t w[120];
    for (unsigned i = 0; i < 120; i++) w[i] = 0x0101010101010101ull * i;
    rc = cli_full(w);
    int full_ok = rc == 0;
    for (unsigned i = 0; i < 120; i++) full_ok &= w[i] == ~(0x0101010101010101ull * i);
    check("full_message", full_ok, "a 120-word inout array should fill the whole message both ways");

    bh_msginfo_t info = bh_call(CONN_cli_CPTR, bh_msginfo(99, 0, 0, 0));
    check("unknown_method", bh_msginfo_label(info) == BHIDL_ERR_UNKNOWN_METHOD && bh_msginfo_length(info) == 0,
          "label 99 should be answered with BHIDL_ERR_UNKNOWN_METHOD");

    info = bh_call(CONN_cli_CPTR, bh_msginfo(0, 0, 0, 1));
    check("bad_length", bh_msginfo_label(info) == BHIDL_ERR_BAD_MESSAGE,
          "add with one word should be answered with BHIDL_ERR_BAD_MESSAGE");

    rt_truncate_reply = 1;
    rc = cli_add(1, 2, &sum);
    rt_truncate_reply = 0;
    check("short_reply", rc == BHIDL_ERR_BAD_MESSAGE, "a short reply should make the stub return BHIDL_ERR_BAD_MESSAGE");

    rt_signal_badge = EVT_tick_FROM_server;
    rt_server_emit();
    bh_word_t bits = tick_poll();
    check("event", bits == EVT_tick_FROM_server && tick_poll() == 0, "the consumer should see the emitter's badge bit once");

    return failures ? 1 : 0;
}
