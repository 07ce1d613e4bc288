/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * bhidl --dump-spec FILE: prints a system specification as text, through the same reader
 * the root server links (lib/spec), so a dump is also a test of that reader.
 */
#include "bhidl.h"
#include "../lib/spec/spec.h"

#include <stdlib.h>

static const char *rights(unsigned r)
{
    static const char *const n[8] = {"-", "R", "W", "RW", "G", "RG", "WG", "RWG"};
    return n[r & 7];
}

static const char *s_or(const struct bh_spec *s, uint32_t off)
{
    const char *p = bh_spec_string(s, off);
    return p ? p : "-";
}

static void dump(const struct bh_spec *s, FILE *out)
{
    fprintf(out, "spec version %u, %u bytes\n", s->version, s->size);
    fprintf(out, "partitions %u\n", bh_spec_count(s, BH_SPEC_SEC_PARTITIONS));
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_PARTITIONS); i++) {
        struct bh_spec_partition p;
        bh_spec_partition(s, i, &p);
        fprintf(out, "  [%u] %s ticks=%u\n", i, s_or(s, p.name), p.ticks);
    }
    fprintf(out, "objects %u\n", bh_spec_count(s, BH_SPEC_SEC_OBJECTS));
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_OBJECTS); i++) {
        struct bh_spec_object o;
        bh_spec_object(s, i, &o);
        fprintf(out, "  [%u] %s bits=%u", i, bh_spec_obj_type_name(o.type), o.size_bits);
        if (o.aux) fprintf(out, " aux=%u", o.aux);
        if (o.type == BH_SPEC_OBJ_PAGE_TABLE && o.aux == 0) fprintf(out, " spare");
        if (o.arg) fprintf(out, " arg=0x%llx", (unsigned long long)o.arg);
        if (o.link != BH_SPEC_NONE) fprintf(out, " link=%u", o.link);
        if (o.owner == BH_SPEC_NONE) fprintf(out, " owner=- %s\n", s_or(s, o.name));
        else fprintf(out, " owner=%u %s\n", o.owner, s_or(s, o.name));
    }
    fprintf(out, "instances %u\n", bh_spec_count(s, BH_SPEC_SEC_INSTANCES));
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_INSTANCES); i++) {
        struct bh_spec_instance in;
        bh_spec_instance(s, i, &in);
        fprintf(out, "  [%u] %s %s image=%s cnode=%u vspace=%u partition=%u\n", i, in.kind ? "vmm" : "component",
                s_or(s, in.name), s_or(s, in.image), in.cnode, in.vspace, in.partition);
        for (uint32_t k = 0; k < in.thread_count; k++) {
            struct bh_spec_thread t;
            bh_spec_thread(s, in.first_thread + k, &t);
            fprintf(out, "    thread %s tcb=%u prio=%u ipc=%u@0x%llx stack_top=0x%llx", s_or(s, t.name), t.tcb,
                    t.priority, t.ipc_frame, (unsigned long long)t.ipc_vaddr, (unsigned long long)t.stack_top);
            if (t.vcpu != BH_SPEC_NONE) fprintf(out, " vcpu=%u", t.vcpu);
            fprintf(out, "\n");
        }
        for (uint32_t k = 0; k < in.cap_count; k++) {
            struct bh_spec_cap c;
            struct bh_spec_object o;
            bh_spec_cap(s, in.first_cap + k, &c);
            bh_spec_object(s, c.object, &o);
            fprintf(out, "    slot %u: %s [%u] %s %s", c.slot, bh_spec_obj_type_name(o.type), c.object, rights(c.rights),
                    s_or(s, o.name));
            if (c.badge) fprintf(out, " badge=0x%llx", (unsigned long long)c.badge);
            fprintf(out, "\n");
        }
        for (uint32_t k = 0; k < in.map_count; k++) {
            struct bh_spec_mapping m;
            bh_spec_mapping(s, in.first_map + k, &m);
            fprintf(out, "    map [%u] -> space [%u] @0x%llx %s%s\n", m.object, m.space, (unsigned long long)m.vaddr,
                    rights(m.rights), m.flags & BH_SPEC_MAP_UNCACHED ? " uncached" : "");
        }
    }
    fprintf(out, "guests %u\n", bh_spec_count(s, BH_SPEC_SEC_GUESTS));
    for (uint32_t i = 0; i < bh_spec_count(s, BH_SPEC_SEC_GUESTS); i++) {
        struct bh_spec_guest g;
        bh_spec_guest(s, i, &g);
        fprintf(out, "  [%u] instance=%u %s vcpus=%u memory=0x%llx kernel=%s initrd=%s cmdline=\"%s\" space=%u ram=%u+%u events=%u console=%d timer=%d",
                i, g.instance, g.arch ? "power9" : "x86_pvh", g.vcpus, (unsigned long long)g.memory, s_or(s, g.kernel),
                s_or(s, g.initrd), s_or(s, g.cmdline), g.guest_space, g.ram_first, g.ram_count, g.events,
                g.console == BH_SPEC_NONE ? -1 : (int)g.console, g.timer == BH_SPEC_NONE ? -1 : (int)g.timer);
        if (g.grant_count) fprintf(out, " grant=%u+%u", g.grant_first, g.grant_count);
        if (g.grant_table_count) fprintf(out, " grant_tables=%u+%u", g.grant_table_first, g.grant_table_count);
        if (g.console_signal != BH_SPEC_NONE) fprintf(out, " console_signal=%u", g.console_signal);
        if (g.store != BH_SPEC_NONE) fprintf(out, " store=%u store_signal=%u", g.store, g.store_signal);
        if (g.domid) fprintf(out, " domid=%u", g.domid);
        for (uint32_t k = 0; k < g.peer_count && k < BH_SPEC_GUEST_PEERS; k++)
            fprintf(out, " peer%u=%s:dom%u:side%u:ring%u:ep%u:peer_ep%u:signal%u", k, g.peer[k].kind ? "event" : "grant",
                    g.peer[k].domid, g.peer[k].side, g.peer[k].ring, g.peer[k].endpoint, g.peer[k].peer_endpoint,
                    g.peer[k].peer_signal);
        fputc('\n', out);
    }
}

int dump_spec(const char *path, FILE *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    DA(uint8_t) buf = {0};
    struct arena a = {0};
    int ch;
    while ((ch = getc(f)) != EOF) *DA_PUSH(&a, &buf) = (uint8_t)ch;
    fclose(f);
    struct bh_spec s;
    struct bh_spec_error err = {0};
    int rc = 0;
    if (bh_spec_open(buf.v, buf.n, &s, &err) != 0) {
        fprintf(stderr, "%s: error: invalid specification: %s (at offset %u)\n", path, err.what, err.offset);
        rc = 1;
    } else {
        dump(&s, out);
    }
    arena_free(&a);
    return rc;
}
