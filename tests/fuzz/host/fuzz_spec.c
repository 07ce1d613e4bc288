/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target: the system-specification reader. The checksum would reject almost
 * every mutation, so the target also tries each input with its CRC fixed up, which lets
 * the fuzzer reach the structural checks. Every accessor is then walked over every record,
 * and what the reader promised about guests' grant frames and tables is checked.
 */
#include "spec.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct bh_spec *s)
{
    for (uint32_t k = 1; k < BH_SPEC_SEC_COUNT; k++) (void)bh_spec_count(s, (enum bh_spec_section)k);
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_OBJECTS); i++) {
        struct bh_spec_object o;
        if (bh_spec_object(s, i, &o) != 0 || !bh_spec_string(s, o.name)) abort();
    }
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_INSTANCES); i++) {
        struct bh_spec_instance in;
        if (bh_spec_instance(s, i, &in) != 0 || !bh_spec_string(s, in.name)) abort();
    }
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_GUESTS); i++) {
        struct bh_spec_guest g;
        struct bh_spec_object o;
        if (bh_spec_guest(s, i, &g) != 0) abort();
        /* the reader promised: each listed grant frame and spare table exists */
        for (uint32_t k = 0; k < g.grant_count; k++)
            if (bh_spec_object(s, g.grant_first + k, &o) != 0 || o.type != BH_SPEC_OBJ_FRAME) abort();
        for (uint32_t k = 0; k < g.grant_table_count; k++)
            if (bh_spec_object(s, g.grant_table_first + k, &o) != 0 || o.aux != 0) abort();
    }
    struct bh_spec_cap c;
    if (bh_spec_cap(s, bh_spec_count(s, BH_SPEC_SEC_CAPS), &c) == 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bh_spec s;
    struct bh_spec_error err;
    if (bh_spec_open(data, size, &s, &err) == 0) walk(&s);
    if (size >= 24) {
        uint8_t *copy = malloc(size);
        if (!copy) return 0;
        memcpy(copy, data, size);
        uint32_t total = (uint32_t)size;
        for (int i = 0; i < 4; i++) copy[12 + i] = (uint8_t)(total >> (8 * i));
        uint32_t crc = bh_spec_crc32(0, copy + 20, size - 20);
        for (int i = 0; i < 4; i++) copy[16 + i] = (uint8_t)(crc >> (8 * i));
        if (bh_spec_open(copy, size, &s, &err) == 0) walk(&s);
        free(copy);
    }
    return 0;
}
