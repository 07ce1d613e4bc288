/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Spec-reader tests: spec_test SPEC-FILE. Takes a valid specification written by bhidl and
 * checks that lib/spec accepts it, refuses every truncation and every flipped byte, and
 * refuses targeted corruptions (checksum fixed up, so the structural checks must catch
 * them) with the expected error and offset. Runs under ASan+UBSan, so a crash or an
 * out-of-bounds read fails the test too. Prints PASS/FAIL lines.
 */
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void result(const char *name, int ok, const char *why)
{
    if (ok) printf("PASS idl.spec_%s\n", name);
    else {
        printf("FAIL idl.spec_%s: %s\n", name, why);
        failures++;
    }
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void fix_crc(uint8_t *b, size_t n) { put32(b + 16, bh_spec_crc32(0, b + 20, n - 20)); }

/* Offset of the first record of a section kind, read from the section table. */
static uint32_t section_offset(const uint8_t *b, uint32_t kind)
{
    uint32_t n = get32(b + 20);
    for (uint32_t i = 0; i < n; i++)
        if (get32(b + 24 + 16 * i) == kind) return get32(b + 24 + 16 * i + 4);
    return 0;
}

struct corruption {
    const char *name;
    uint32_t kind;   /* 0: absolute offset from the file start */
    uint32_t field;  /* offset within the section's first record (or absolute) */
    uint32_t value;  /* written as 32 bits, or 8 bits when width is 1 */
    int width;
    const char *expect;
};

static const struct corruption corruptions[] = {
    {"bad_magic", 0, 0, 0x58585858u, 4, "bad magic"},
    {"bad_version", 0, 8, 2, 1, "unsupported format version"},
    {"bad_header_size", 0, 10, 99, 1, "bad header size"},
    {"section_count", 0, 20, 1000, 4, "section table"},
    {"section_kind", 0, 24, 77, 4, "unknown section kind"},
    {"section_outside", 0, 28, 0xfffffff0u, 4, "outside the file body"},
    {"object_type", BH_SPEC_SEC_OBJECTS, 0, 99, 1, "unknown type"},
    {"object_owner", BH_SPEC_SEC_OBJECTS, 4, 12345, 4, "owner"},
    {"object_name", BH_SPEC_SEC_OBJECTS, 16, 0x7fffffff, 4, "name is not a string"},
    {"instance_cnode", BH_SPEC_SEC_INSTANCES, 8, 0x7fffffff, 4, "not a CNode"},
    {"instance_caps", BH_SPEC_SEC_INSTANCES, 20, 0x7fffffff, 4, "capability range"},
    {"cap_slot_zero", BH_SPEC_SEC_CAPS, 4, 0, 4, "slot is 0"},
    {"cap_slot_beyond", BH_SPEC_SEC_CAPS, 4, 0x7fffffff, 4, "beyond the CNode"},
    {"cap_object", BH_SPEC_SEC_CAPS, 8, 0x7fffffff, 4, "object does not exist"},
    {"cap_rights", BH_SPEC_SEC_CAPS, 12, 0x80, 1, "rights"},
    {"mapping_space", BH_SPEC_SEC_MAPPINGS, 0, 0x7fffffff, 4, "mapping space"},
    {"mapping_align", BH_SPEC_SEC_MAPPINGS, 8, 0x123, 4, "not aligned"},
    {"thread_tcb", BH_SPEC_SEC_THREADS, 4, 0x7fffffff, 4, "not a TCB"},
    {"thread_partition", BH_SPEC_SEC_THREADS, 20, 99, 4, "partition does not exist"},
    {"partition_ticks", BH_SPEC_SEC_PARTITIONS, 4, 0, 4, "zero ticks"},
    {"guest_grant_frames", BH_SPEC_SEC_GUESTS, 52, 0, 4, "grant frames are not frames"},
    {"guest_grant_frame_count", BH_SPEC_SEC_GUESTS, 56, 0x7fffffff, 4, "grant frames are not frames"},
    {"guest_grant_tables", BH_SPEC_SEC_GUESTS, 60, 0, 4, "grant page tables"},
    {"guest_grant_tables_none", BH_SPEC_SEC_GUESTS, 60, 0xffffffffu, 4, "grant page tables"},
    {"guest_console_signal", BH_SPEC_SEC_GUESTS, 68, 0x7fffffff, 4, "console signal is not a notification"},
    {"guest_store", BH_SPEC_SEC_GUESTS, 72, 0x7fffffff, 4, "store ring is not a frame"},
    {"guest_store_signal", BH_SPEC_SEC_GUESTS, 76, 0x7fffffff, 4, "store signal is not a notification"},
    {"guest_peer_count", BH_SPEC_SEC_GUESTS, 88, 9, 4, "more peer channels than the record holds"},
    {"guest_peer_objects", BH_SPEC_SEC_GUESTS, 88, 1, 4, "peer channel objects are not a frame, two endpoints"},
};

static int contains(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: spec_test SPEC\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct bh_spec s;
    struct bh_spec_error err = {0};
    int ok = bh_spec_open(buf, n, &s, &err) == 0;
    result("valid", ok, err.what ? err.what : "refused");
    if (!ok) return 1;

    /* every truncation: a copy of exactly that many bytes, so ASan sees any overread */
    int all = 1;
    char why[256] = "";
    for (size_t len = 0; len < n && all; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        err.what = NULL;
        if (bh_spec_open(copy, len, &s, &err) == 0 || !err.what) {
            all = 0;
            snprintf(why, sizeof why, "a spec truncated to %zu of %zu bytes was accepted", len, n);
        }
        free(copy);
    }
    result("every_truncation", all, why);

    /* every flipped byte: the checksum (or the header checks) must refuse it */
    all = 1;
    for (size_t i = 0; i < n && all; i++) {
        buf[i] ^= 0xff;
        if (bh_spec_open(buf, n, &s, &err) == 0) {
            all = 0;
            snprintf(why, sizeof why, "flipping byte %zu was not noticed", i);
        }
        buf[i] ^= 0xff;
    }
    result("every_flipped_byte", all, why);

    /* trailing garbage */
    {
        uint8_t *copy = malloc(n + 1);
        memcpy(copy, buf, n);
        copy[n] = 0;
        err.what = NULL;
        int refused = bh_spec_open(copy, n + 1, &s, &err) != 0 && contains(err.what, "trailing");
        result("trailing_bytes", refused, "one extra byte should be refused as trailing");
        free(copy);
    }

    /* targeted corruptions with the checksum fixed: the structural checks must catch them */
    for (size_t k = 0; k < sizeof corruptions / sizeof corruptions[0]; k++) {
        const struct corruption *c = &corruptions[k];
        uint8_t *copy = malloc(n);
        memcpy(copy, buf, n);
        uint32_t at = c->kind ? section_offset(copy, c->kind) + c->field : c->field;
        if (c->width == 1) copy[at] = (uint8_t)c->value;
        else put32(copy + at, c->value);
        if (c->kind || c->field >= 20) fix_crc(copy, n);
        err.what = NULL;
        err.offset = 0;
        int refused = bh_spec_open(copy, n, &s, &err) != 0;
        if (refused && contains(err.what, c->expect)) {
            result(c->name, 1, "");
        } else {
            snprintf(why, sizeof why, "expected an error containing \"%s\", got %s%s%s (offset %u)", c->expect,
                     refused ? "\"" : "acceptance", refused && err.what ? err.what : "", refused ? "\"" : "", err.offset);
            result(c->name, 0, why);
        }
        free(copy);
    }

    /* a guest record from before the grant fields (52 bytes; one guest): read as none */
    {
        uint8_t *copy = malloc(n);
        memcpy(copy, buf, n);
        int good = 0;
        for (uint32_t i = 0; i < get32(copy + 20); i++) {
            uint8_t *e = copy + 24 + 16 * i;
            if (get32(e) != BH_SPEC_SEC_GUESTS || get32(e + 8) == 0) continue;
            put32(e + 8, 1);
            put32(e + 12, BH_SPEC_GUEST_SIZE);
            fix_crc(copy, n);
            struct bh_spec_guest g;
            good = bh_spec_open(copy, n, &s, &err) == 0 && bh_spec_guest(&s, 0, &g) == 0 &&
                   g.grant_first == BH_SPEC_NONE && g.grant_count == 0 && g.grant_table_first == BH_SPEC_NONE &&
                   g.grant_table_count == 0 && g.timer == get32(copy + get32(e + 4) + 48);
        }
        result("guest_record_without_grant_fields", good, "a 52-byte guest record was refused or read grant frames");
        free(copy);
    }

    /* a guest record from before console_signal (68 bytes; one guest): read as none */
    {
        uint8_t *copy = malloc(n);
        memcpy(copy, buf, n);
        int good = 0;
        for (uint32_t i = 0; i < get32(copy + 20); i++) {
            uint8_t *e = copy + 24 + 16 * i;
            if (get32(e) != BH_SPEC_SEC_GUESTS || get32(e + 8) == 0) continue;
            put32(e + 8, 1);
            put32(e + 12, BH_SPEC_GUEST_GRANT_SIZE);
            fix_crc(copy, n);
            struct bh_spec_guest g;
            good = bh_spec_open(copy, n, &s, &err) == 0 && bh_spec_guest(&s, 0, &g) == 0 &&
                   g.console_signal == BH_SPEC_NONE && g.grant_table_count == get32(copy + get32(e + 4) + 64);
        }
        result("guest_record_without_console_signal", good, "a 68-byte guest record was refused or read a console signal");
        free(copy);
    }

    /* a guest record from before the store fields (72 bytes; one guest): no store, no domain id */
    {
        uint8_t *copy = malloc(n);
        memcpy(copy, buf, n);
        int good = 0;
        for (uint32_t i = 0; i < get32(copy + 20); i++) {
            uint8_t *e = copy + 24 + 16 * i;
            if (get32(e) != BH_SPEC_SEC_GUESTS || get32(e + 8) == 0) continue;
            put32(e + 8, 1);
            put32(e + 12, BH_SPEC_GUEST_CONSOLE_SIZE);
            fix_crc(copy, n);
            struct bh_spec_guest g;
            good = bh_spec_open(copy, n, &s, &err) == 0 && bh_spec_guest(&s, 0, &g) == 0 && g.store == BH_SPEC_NONE &&
                   g.store_signal == BH_SPEC_NONE && g.domid == 0 && g.console_signal == get32(copy + get32(e + 4) + 68);
        }
        result("guest_record_without_store", good, "a 72-byte guest record was refused or read a store or domain id");
        free(copy);
    }

    /* a guest record from before the peer channels (88 bytes; one guest): none, domain id kept */
    {
        uint8_t *copy = malloc(n);
        memcpy(copy, buf, n);
        int good = 0;
        for (uint32_t i = 0; i < get32(copy + 20); i++) {
            uint8_t *e = copy + 24 + 16 * i;
            if (get32(e) != BH_SPEC_SEC_GUESTS || get32(e + 8) == 0) continue;
            put32(e + 8, 1);
            put32(e + 12, BH_SPEC_GUEST_STORE_SIZE);
            fix_crc(copy, n);
            struct bh_spec_guest g;
            good = bh_spec_open(copy, n, &s, &err) == 0 && bh_spec_guest(&s, 0, &g) == 0 && g.peer_count == 0 &&
                   g.peer[0].ring == BH_SPEC_NONE && g.domid == (get32(copy + get32(e + 4) + 80) & 0xffff);
        }
        result("guest_record_without_peers", good, "an 88-byte guest record was refused, read peers or lost its domain id");
        free(copy);
    }

    /* error offsets point into the file */
    {
        uint8_t *copy = malloc(n);
        memcpy(copy, buf, n);
        uint32_t at = section_offset(copy, BH_SPEC_SEC_CAPS) + 4;
        put32(copy + at, 0);
        fix_crc(copy, n);
        int good = bh_spec_open(copy, n, &s, &err) != 0 && err.offset == at;
        snprintf(why, sizeof why, "a bad slot at offset %u was reported at offset %u", at, err.offset);
        result("error_offset", good, why);
        free(copy);
    }

    /* accessors refuse out-of-range indices */
    bh_spec_open(buf, n, &s, &err);
    struct bh_spec_object o;
    struct bh_spec_cap cp;
    result("accessor_bounds",
           bh_spec_object(&s, bh_spec_count(&s, BH_SPEC_SEC_OBJECTS), &o) != 0 &&
               bh_spec_cap(&s, 0xffffffffu, &cp) != 0 && bh_spec_string(&s, 0xffffffffu) == NULL &&
               bh_spec_count(&s, (enum bh_spec_section)0) == 0,
           "an index past the end was accepted");
    return failures ? 1 : 0;
}
