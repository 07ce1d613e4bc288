/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Reader of the system specification (see spec.h). Checks everything once in
 * bh_spec_open; no libc, no allocation, no recursion, work linear in the file size.
 */
#include "spec.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

uint32_t bh_spec_crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

const char *bh_spec_obj_type_name(uint32_t type)
{
    switch (type) {
    case BH_SPEC_OBJ_UNTYPED: return "untyped";
    case BH_SPEC_OBJ_TCB: return "tcb";
    case BH_SPEC_OBJ_ENDPOINT: return "endpoint";
    case BH_SPEC_OBJ_NOTIFICATION: return "notification";
    case BH_SPEC_OBJ_CNODE: return "cnode";
    case BH_SPEC_OBJ_FRAME: return "frame";
    case BH_SPEC_OBJ_LARGE_FRAME: return "large_frame";
    case BH_SPEC_OBJ_PAGE_TABLE: return "page_table";
    case BH_SPEC_OBJ_VSPACE: return "vspace";
    case BH_SPEC_OBJ_VCPU: return "vcpu";
    case BH_SPEC_OBJ_GUEST_SPACE: return "guest_space";
    case BH_SPEC_OBJ_IO_SPACE: return "io_space";
    case BH_SPEC_OBJ_IRQ_HANDLER: return "irq_handler";
    case BH_SPEC_OBJ_IO_PORT: return "io_port";
    case BH_SPEC_OBJ_DEVICE_FRAME: return "device_frame";
    case BH_SPEC_OBJ_ASID_POOL: return "asid_pool";
    default: return "?";
    }
}

static const uint32_t min_entry[BH_SPEC_SEC_COUNT] = {
    0, 1, BH_SPEC_INSTANCE_SIZE, BH_SPEC_OBJECT_SIZE, BH_SPEC_CAP_SIZE, BH_SPEC_MAPPING_SIZE,
    BH_SPEC_THREAD_SIZE, BH_SPEC_PARTITION_SIZE, BH_SPEC_GUEST_SIZE,
};

static const uint8_t *rec(const struct bh_spec *s, enum bh_spec_section k, uint32_t i)
{
    return s->base + s->sec[k].offset + (size_t)i * s->sec[k].entry_size;
}
static uint32_t rec_off(const struct bh_spec *s, enum bh_spec_section k, uint32_t i, uint32_t field)
{
    return s->sec[k].offset + i * s->sec[k].entry_size + field;
}

uint32_t bh_spec_count(const struct bh_spec *s, enum bh_spec_section sec)
{
    if ((unsigned)sec == 0 || (unsigned)sec >= BH_SPEC_SEC_COUNT) return 0;
    return s->sec[sec].count;
}

const char *bh_spec_string(const struct bh_spec *s, uint32_t offset)
{
    if (offset >= s->sec[BH_SPEC_SEC_STRINGS].count) return 0;
    return (const char *)s->base + s->sec[BH_SPEC_SEC_STRINGS].offset + offset;
}

int bh_spec_instance(const struct bh_spec *s, uint32_t i, struct bh_spec_instance *o)
{
    if (i >= s->sec[BH_SPEC_SEC_INSTANCES].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_INSTANCES, i);
    o->name = rd32(p);
    o->kind = rd32(p + 4);
    o->cnode = rd32(p + 8);
    o->vspace = rd32(p + 12);
    o->first_cap = rd32(p + 16);
    o->cap_count = rd32(p + 20);
    o->first_map = rd32(p + 24);
    o->map_count = rd32(p + 28);
    o->first_thread = rd32(p + 32);
    o->thread_count = rd32(p + 36);
    o->partition = rd32(p + 40);
    o->image = rd32(p + 44);
    return 0;
}

int bh_spec_object(const struct bh_spec *s, uint32_t i, struct bh_spec_object *o)
{
    if (i >= s->sec[BH_SPEC_SEC_OBJECTS].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_OBJECTS, i);
    o->type = p[0];
    o->size_bits = p[1];
    o->aux = rd16(p + 2);
    o->owner = rd32(p + 4);
    o->arg = rd64(p + 8);
    o->name = rd32(p + 16);
    o->link = rd32(p + 20);
    return 0;
}

int bh_spec_cap(const struct bh_spec *s, uint32_t i, struct bh_spec_cap *o)
{
    if (i >= s->sec[BH_SPEC_SEC_CAPS].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_CAPS, i);
    o->instance = rd32(p);
    o->slot = rd32(p + 4);
    o->object = rd32(p + 8);
    o->rights = p[12];
    o->badge = rd64(p + 16);
    return 0;
}

int bh_spec_mapping(const struct bh_spec *s, uint32_t i, struct bh_spec_mapping *o)
{
    if (i >= s->sec[BH_SPEC_SEC_MAPPINGS].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_MAPPINGS, i);
    o->space = rd32(p);
    o->object = rd32(p + 4);
    o->vaddr = rd64(p + 8);
    o->rights = p[16];
    o->flags = p[17];
    return 0;
}

int bh_spec_thread(const struct bh_spec *s, uint32_t i, struct bh_spec_thread *o)
{
    if (i >= s->sec[BH_SPEC_SEC_THREADS].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_THREADS, i);
    o->instance = rd32(p);
    o->tcb = rd32(p + 4);
    o->ipc_frame = rd32(p + 8);
    o->vcpu = rd32(p + 12);
    o->name = rd32(p + 16);
    o->partition = rd32(p + 20);
    o->ipc_vaddr = rd64(p + 24);
    o->stack_top = rd64(p + 32);
    o->priority = p[40];
    return 0;
}

int bh_spec_partition(const struct bh_spec *s, uint32_t i, struct bh_spec_partition *o)
{
    if (i >= s->sec[BH_SPEC_SEC_PARTITIONS].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_PARTITIONS, i);
    o->name = rd32(p);
    o->ticks = rd32(p + 4);
    return 0;
}

int bh_spec_guest(const struct bh_spec *s, uint32_t i, struct bh_spec_guest *o)
{
    if (i >= s->sec[BH_SPEC_SEC_GUESTS].count) return -1;
    const uint8_t *p = rec(s, BH_SPEC_SEC_GUESTS, i);
    o->instance = rd32(p);
    o->guest_space = rd32(p + 4);
    o->arch = p[8];
    o->vcpus = p[9];
    o->kernel = rd32(p + 12);
    o->initrd = rd32(p + 16);
    o->cmdline = rd32(p + 20);
    o->memory = rd64(p + 24);
    o->ram_first = rd32(p + 32);
    o->ram_count = rd32(p + 36);
    o->events = rd32(p + 40);
    o->console = rd32(p + 44);
    o->timer = rd32(p + 48);
    int grant = s->sec[BH_SPEC_SEC_GUESTS].entry_size >= BH_SPEC_GUEST_GRANT_SIZE;
    o->grant_first = grant ? rd32(p + 52) : BH_SPEC_NONE;
    o->grant_count = grant ? rd32(p + 56) : 0;
    o->grant_table_first = grant ? rd32(p + 60) : BH_SPEC_NONE;
    o->grant_table_count = grant ? rd32(p + 64) : 0;
    o->console_signal = s->sec[BH_SPEC_SEC_GUESTS].entry_size >= BH_SPEC_GUEST_CONSOLE_SIZE ? rd32(p + 68) : BH_SPEC_NONE;
    int store = s->sec[BH_SPEC_SEC_GUESTS].entry_size >= BH_SPEC_GUEST_STORE_SIZE;
    o->store = store ? rd32(p + 72) : BH_SPEC_NONE;
    o->store_signal = store ? rd32(p + 76) : BH_SPEC_NONE;
    o->domid = store ? rd16(p + 80) : 0;
    int peers = s->sec[BH_SPEC_SEC_GUESTS].entry_size >= BH_SPEC_GUEST_PEERS_SIZE;
    o->peer_count = peers ? rd32(p + 88) : 0;
    for (uint32_t k = 0; k < BH_SPEC_GUEST_PEERS; k++) {
        const uint8_t *e = p + 96 + k * BH_SPEC_GUEST_PEER_SIZE;
        struct bh_spec_guest_peer *q = &o->peer[k];
        if (!peers) {
            q->ring = q->endpoint = q->peer_endpoint = q->peer_signal = BH_SPEC_NONE;
            q->domid = 0, q->kind = 0, q->side = 0;
            continue;
        }
        q->ring = rd32(e), q->endpoint = rd32(e + 4), q->peer_endpoint = rd32(e + 8), q->peer_signal = rd32(e + 12);
        q->domid = rd16(e + 16), q->kind = e[18], q->side = e[19];
    }
    return 0;
}

/* ---- validation ---- */

static int fail(struct bh_spec_error *err, const char *what, uint32_t offset)
{
    if (err) {
        err->what = what;
        err->offset = offset;
    }
    return -1;
}

static int obj_type_known(uint32_t t) { return t <= BH_SPEC_OBJ_IO_SPACE || (t >= 64 && t <= BH_SPEC_OBJ_ASID_POOL); }

static int obj_is(const struct bh_spec *s, uint32_t i, uint32_t type)
{
    struct bh_spec_object o;
    return bh_spec_object(s, i, &o) == 0 && o.type == type;
}

static int string_ok(const struct bh_spec *s, uint32_t off, int optional)
{
    return (optional && off == BH_SPEC_NONE) || off < s->sec[BH_SPEC_SEC_STRINGS].count;
}

static int check_header(const uint8_t *b, size_t len, struct bh_spec *s, struct bh_spec_error *err)
{
    static const uint8_t magic[8] = {'B', 'H', 'S', 'P', 'E', 'C', 0, 0};
    if (len < BH_SPEC_HEADER_SIZE) return fail(err, "truncated: shorter than the 24-byte header", (uint32_t)len);
    for (int i = 0; i < 8; i++)
        if (b[i] != magic[i]) return fail(err, "bad magic: not a Bulkhead system specification", (uint32_t)i);
    s->version = rd16(b + 8);
    if (s->version != BH_SPEC_VERSION) return fail(err, "unsupported format version (this reader knows 1)", 8);
    if (rd16(b + 10) != BH_SPEC_HEADER_SIZE) return fail(err, "bad header size (expected 24)", 10);
    uint32_t total = rd32(b + 12);
    if (len > 0xffffffffu) return fail(err, "file larger than 4 GiB", 12);
    if (total > len) return fail(err, "truncated: the header's total size is beyond the end of the data", (uint32_t)len);
    if (total < len) return fail(err, "trailing bytes after the header's total size", total);
    if (bh_spec_crc32(0, b + 20, total - 20) != rd32(b + 16))
        return fail(err, "checksum mismatch: CRC-32 of bytes 20..end differs from the header", 16);
    s->base = b;
    s->size = total;
    return 0;
}

static int check_sections(struct bh_spec *s, struct bh_spec_error *err)
{
    const uint8_t *b = s->base;
    uint32_t n = rd32(b + 20);
    uint64_t table_end = BH_SPEC_HEADER_SIZE + (uint64_t)n * BH_SPEC_SECTION_ENTRY_SIZE;
    if (n > 64 || table_end > s->size) return fail(err, "section table runs past the end of the file", 20);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = b + BH_SPEC_HEADER_SIZE + i * BH_SPEC_SECTION_ENTRY_SIZE;
        uint32_t eo = BH_SPEC_HEADER_SIZE + i * BH_SPEC_SECTION_ENTRY_SIZE;
        uint32_t kind = rd32(e), off = rd32(e + 4), count = rd32(e + 8), esz = rd32(e + 12);
        if (kind == 0 || kind >= BH_SPEC_SEC_COUNT) return fail(err, "unknown section kind", eo);
        if (s->sec[kind].entry_size) return fail(err, "section kind appears twice", eo);
        if (esz < min_entry[kind] || (kind == BH_SPEC_SEC_STRINGS && esz != 1))
            return fail(err, "section entry size is smaller than its record", eo + 12);
        if (off < table_end || (uint64_t)off + (uint64_t)count * esz > s->size)
            return fail(err, "section lies outside the file body", eo + 4);
        s->sec[kind].offset = off;
        s->sec[kind].count = count;
        s->sec[kind].entry_size = esz;
    }
    for (uint32_t k = 1; k < BH_SPEC_SEC_COUNT; k++)
        if (!s->sec[k].entry_size) return fail(err, "a required section is missing", 20);
    const struct bh_spec_section_info *st = &s->sec[BH_SPEC_SEC_STRINGS];
    if (st->count == 0 || b[st->offset + st->count - 1] != 0)
        return fail(err, "string section does not end with NUL", st->offset);
    if (s->sec[BH_SPEC_SEC_PARTITIONS].count == 0)
        return fail(err, "no partition: nothing could run", s->sec[BH_SPEC_SEC_PARTITIONS].offset);
    return 0;
}

static int check_objects(const struct bh_spec *s, struct bh_spec_error *err)
{
    uint32_t nobj = s->sec[BH_SPEC_SEC_OBJECTS].count, ninst = s->sec[BH_SPEC_SEC_INSTANCES].count;
    for (uint32_t i = 0; i < nobj; i++) {
        struct bh_spec_object o;
        bh_spec_object(s, i, &o);
        if (!obj_type_known(o.type)) return fail(err, "object has an unknown type", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 0));
        if (o.owner != BH_SPEC_NONE && o.owner >= ninst)
            return fail(err, "object owner is not an instance", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 4));
        if (!string_ok(s, o.name, 0)) return fail(err, "object name is not a string offset", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 16));
        if (o.link != BH_SPEC_NONE && o.link >= nobj)
            return fail(err, "object link is not an object", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 20));
        int bad_size = (o.type == BH_SPEC_OBJ_CNODE && (o.size_bits < 1 || o.size_bits > 28)) ||
                       ((o.type == BH_SPEC_OBJ_FRAME || o.type == BH_SPEC_OBJ_DEVICE_FRAME) && o.size_bits != 12) ||
                       (o.type == BH_SPEC_OBJ_LARGE_FRAME && o.size_bits != 21) ||
                       (o.type == BH_SPEC_OBJ_ASID_POOL && o.size_bits != 12);
        if (bad_size) return fail(err, "object size does not fit its type", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 1));
        if (o.type == BH_SPEC_OBJ_PAGE_TABLE &&
            (o.aux > 3 || o.link == BH_SPEC_NONE ||
             !(obj_is(s, o.link, BH_SPEC_OBJ_VSPACE) || obj_is(s, o.link, BH_SPEC_OBJ_GUEST_SPACE))))
            return fail(err, "page table needs a level 0..3 and an address space", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 2));
        if ((o.type == BH_SPEC_OBJ_VSPACE || o.type == BH_SPEC_OBJ_GUEST_SPACE) &&
            (o.link == BH_SPEC_NONE || !obj_is(s, o.link, BH_SPEC_OBJ_ASID_POOL)))
            return fail(err, "address space does not link the ASID pool of its ASID", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 20));
        if (o.type == BH_SPEC_OBJ_IRQ_HANDLER &&
            (o.aux > 63 || (o.link != BH_SPEC_NONE && !obj_is(s, o.link, BH_SPEC_OBJ_NOTIFICATION))))
            return fail(err, "IRQ handler must bind a notification with a badge bit below 64",
                        rec_off(s, BH_SPEC_SEC_OBJECTS, i, 2));
        if (o.type == BH_SPEC_OBJ_DEVICE_FRAME && (o.arg & 0xfff))
            return fail(err, "device frame address is not 4 KiB aligned", rec_off(s, BH_SPEC_SEC_OBJECTS, i, 8));
    }
    return 0;
}

static int check_instances(const struct bh_spec *s, struct bh_spec_error *err)
{
    uint32_t n = s->sec[BH_SPEC_SEC_INSTANCES].count;
    uint64_t ncap = s->sec[BH_SPEC_SEC_CAPS].count, nmap = s->sec[BH_SPEC_SEC_MAPPINGS].count,
             nthr = s->sec[BH_SPEC_SEC_THREADS].count;
    for (uint32_t i = 0; i < n; i++) {
        struct bh_spec_instance in;
        bh_spec_instance(s, i, &in);
        if (!string_ok(s, in.name, 0) || !string_ok(s, in.image, 0))
            return fail(err, "instance name or image is not a string offset", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 0));
        if (in.kind > 1) return fail(err, "instance kind is neither component nor VMM", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 4));
        if (!obj_is(s, in.cnode, BH_SPEC_OBJ_CNODE)) return fail(err, "instance cnode is not a CNode object", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 8));
        if (!obj_is(s, in.vspace, BH_SPEC_OBJ_VSPACE)) return fail(err, "instance vspace is not a VSpace object", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 12));
        if ((uint64_t)in.first_cap + in.cap_count > ncap) return fail(err, "instance capability range runs past the capability table", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 16));
        if ((uint64_t)in.first_map + in.map_count > nmap) return fail(err, "instance mapping range runs past the mapping table", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 24));
        if ((uint64_t)in.first_thread + in.thread_count > nthr || in.thread_count == 0)
            return fail(err, "instance thread range is empty or runs past the thread table", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 32));
        if (in.partition >= s->sec[BH_SPEC_SEC_PARTITIONS].count) return fail(err, "instance partition does not exist", rec_off(s, BH_SPEC_SEC_INSTANCES, i, 40));
        struct bh_spec_object cn;
        bh_spec_object(s, in.cnode, &cn);
        uint32_t prev = 0;
        for (uint32_t k = 0; k < in.cap_count; k++) {
            struct bh_spec_cap c;
            uint32_t ci = in.first_cap + k;
            bh_spec_cap(s, ci, &c);
            if (c.instance != i) return fail(err, "capability lies in another instance's range", rec_off(s, BH_SPEC_SEC_CAPS, ci, 0));
            if (c.slot == 0 || c.slot <= prev || (uint64_t)c.slot >= (1ull << cn.size_bits))
                return fail(err, "capability slot is 0, out of order, repeated, or beyond the CNode", rec_off(s, BH_SPEC_SEC_CAPS, ci, 4));
            prev = c.slot;
        }
        for (uint32_t k = 0; k < in.thread_count; k++) {
            struct bh_spec_thread t;
            bh_spec_thread(s, in.first_thread + k, &t);
            if (t.instance != i) return fail(err, "thread lies in another instance's range", rec_off(s, BH_SPEC_SEC_THREADS, in.first_thread + k, 0));
        }
    }
    return 0;
}

static int check_caps_maps(const struct bh_spec *s, struct bh_spec_error *err)
{
    for (uint32_t i = 0; i < s->sec[BH_SPEC_SEC_CAPS].count; i++) {
        struct bh_spec_cap c;
        bh_spec_cap(s, i, &c);
        if (c.instance >= s->sec[BH_SPEC_SEC_INSTANCES].count) return fail(err, "capability instance does not exist", rec_off(s, BH_SPEC_SEC_CAPS, i, 0));
        if (c.object >= s->sec[BH_SPEC_SEC_OBJECTS].count) return fail(err, "capability object does not exist", rec_off(s, BH_SPEC_SEC_CAPS, i, 8));
        if (c.rights > 7) return fail(err, "capability rights have unknown bits", rec_off(s, BH_SPEC_SEC_CAPS, i, 12));
    }
    for (uint32_t i = 0; i < s->sec[BH_SPEC_SEC_MAPPINGS].count; i++) {
        struct bh_spec_mapping m;
        struct bh_spec_object o;
        bh_spec_mapping(s, i, &m);
        if (!(obj_is(s, m.space, BH_SPEC_OBJ_VSPACE) || obj_is(s, m.space, BH_SPEC_OBJ_GUEST_SPACE)))
            return fail(err, "mapping space is not a VSpace or GuestSpace", rec_off(s, BH_SPEC_SEC_MAPPINGS, i, 0));
        if (bh_spec_object(s, m.object, &o) != 0 ||
            !(o.type == BH_SPEC_OBJ_FRAME || o.type == BH_SPEC_OBJ_LARGE_FRAME || o.type == BH_SPEC_OBJ_DEVICE_FRAME))
            return fail(err, "mapped object is not a frame", rec_off(s, BH_SPEC_SEC_MAPPINGS, i, 4));
        uint64_t align = o.type == BH_SPEC_OBJ_LARGE_FRAME ? (1u << 21) : (1u << 12);
        if (m.vaddr & (align - 1)) return fail(err, "mapping address is not aligned to the frame size", rec_off(s, BH_SPEC_SEC_MAPPINGS, i, 8));
        if (m.rights > 7 || m.flags > 1) return fail(err, "mapping rights or flags have unknown bits", rec_off(s, BH_SPEC_SEC_MAPPINGS, i, 16));
    }
    return 0;
}

/* `count` objects of one type from `first` on (none: NONE and 0); a spare page table must
 * belong to `space`. A range is at most BH_SPEC_GUEST_GRANT_MAX long, so checks stay linear. */
static int objects_are(const struct bh_spec *s, uint32_t first, uint32_t count, uint32_t type, uint32_t space)
{
    if (count == 0) return first == BH_SPEC_NONE;
    if (count > BH_SPEC_GUEST_GRANT_MAX) return 0;
    if (first >= s->sec[BH_SPEC_SEC_OBJECTS].count || count > s->sec[BH_SPEC_SEC_OBJECTS].count - first) return 0;
    for (uint32_t k = 0; k < count; k++) {
        struct bh_spec_object o;
        bh_spec_object(s, first + k, &o);
        if (o.type != type) return 0;
        if (type == BH_SPEC_OBJ_PAGE_TABLE && (o.aux != 0 || o.link != space)) return 0;
    }
    return 1;
}

static int check_guest_grant(const struct bh_spec *s, uint32_t i, const struct bh_spec_guest *g,
                             struct bh_spec_error *err)
{
    if (!objects_are(s, g->grant_first, g->grant_count, BH_SPEC_OBJ_FRAME, 0))
        return fail(err, "guest grant frames are not frames", rec_off(s, BH_SPEC_SEC_GUESTS, i, 52));
    if (!objects_are(s, g->grant_table_first, g->grant_table_count, BH_SPEC_OBJ_PAGE_TABLE, g->guest_space))
        return fail(err, "guest grant page tables are not spare page tables of its GuestSpace",
                    rec_off(s, BH_SPEC_SEC_GUESTS, i, 60));
    return 0;
}

/* Each peer channel names a ring frame, two endpoints and a notification, a domain id and a
 * known kind and side; entries past peer_count are unused. */
static int check_guest_peers(const struct bh_spec *s, uint32_t i, const struct bh_spec_guest *g,
                             struct bh_spec_error *err)
{
    if (g->peer_count > BH_SPEC_GUEST_PEERS)
        return fail(err, "guest has more peer channels than the record holds", rec_off(s, BH_SPEC_SEC_GUESTS, i, 88));
    for (uint32_t k = 0; k < g->peer_count; k++) {
        const struct bh_spec_guest_peer *q = &g->peer[k];
        uint32_t at = 96 + k * BH_SPEC_GUEST_PEER_SIZE;
        if (!obj_is(s, q->ring, BH_SPEC_OBJ_FRAME) || !obj_is(s, q->endpoint, BH_SPEC_OBJ_ENDPOINT) ||
            !obj_is(s, q->peer_endpoint, BH_SPEC_OBJ_ENDPOINT) || !obj_is(s, q->peer_signal, BH_SPEC_OBJ_NOTIFICATION))
            return fail(err, "guest peer channel objects are not a frame, two endpoints and a notification",
                        rec_off(s, BH_SPEC_SEC_GUESTS, i, at));
        if (q->domid == 0 || q->kind > BH_SPEC_PEER_EVENT || q->side > 1)
            return fail(err, "guest peer channel has no domain id, or an unknown kind or side",
                        rec_off(s, BH_SPEC_SEC_GUESTS, i, at + 16));
    }
    return 0;
}

static int check_rest(const struct bh_spec *s, struct bh_spec_error *err)
{
    uint32_t ninst = s->sec[BH_SPEC_SEC_INSTANCES].count, npart = s->sec[BH_SPEC_SEC_PARTITIONS].count;
    for (uint32_t i = 0; i < s->sec[BH_SPEC_SEC_THREADS].count; i++) {
        struct bh_spec_thread t;
        bh_spec_thread(s, i, &t);
        if (t.instance >= ninst) return fail(err, "thread instance does not exist", rec_off(s, BH_SPEC_SEC_THREADS, i, 0));
        if (!obj_is(s, t.tcb, BH_SPEC_OBJ_TCB)) return fail(err, "thread tcb is not a TCB object", rec_off(s, BH_SPEC_SEC_THREADS, i, 4));
        if (!obj_is(s, t.ipc_frame, BH_SPEC_OBJ_FRAME)) return fail(err, "thread IPC buffer is not a frame", rec_off(s, BH_SPEC_SEC_THREADS, i, 8));
        if (t.vcpu != BH_SPEC_NONE && !obj_is(s, t.vcpu, BH_SPEC_OBJ_VCPU)) return fail(err, "thread vcpu is not a VCPU object", rec_off(s, BH_SPEC_SEC_THREADS, i, 12));
        if (!string_ok(s, t.name, 0)) return fail(err, "thread name is not a string offset", rec_off(s, BH_SPEC_SEC_THREADS, i, 16));
        if (t.partition >= npart) return fail(err, "thread partition does not exist", rec_off(s, BH_SPEC_SEC_THREADS, i, 20));
        if (t.ipc_vaddr & 0x3ff) return fail(err, "IPC buffer address is not 1 KiB aligned", rec_off(s, BH_SPEC_SEC_THREADS, i, 24));
    }
    for (uint32_t i = 0; i < npart; i++) {
        struct bh_spec_partition p;
        bh_spec_partition(s, i, &p);
        if (!string_ok(s, p.name, 0)) return fail(err, "partition name is not a string offset", rec_off(s, BH_SPEC_SEC_PARTITIONS, i, 0));
        if (p.ticks == 0) return fail(err, "partition lasts zero ticks", rec_off(s, BH_SPEC_SEC_PARTITIONS, i, 4));
    }
    uint64_t ram_end = 0; /* guests' RAM ranges are disjoint and in order: linear to check */
    for (uint32_t i = 0; i < s->sec[BH_SPEC_SEC_GUESTS].count; i++) {
        struct bh_spec_guest g;
        bh_spec_guest(s, i, &g);
        if (g.ram_first < ram_end)
            return fail(err, "guest RAM overlaps the previous guest's", rec_off(s, BH_SPEC_SEC_GUESTS, i, 32));
        ram_end = (uint64_t)g.ram_first + g.ram_count;
        if (g.instance >= ninst) return fail(err, "guest instance does not exist", rec_off(s, BH_SPEC_SEC_GUESTS, i, 0));
        if (!obj_is(s, g.guest_space, BH_SPEC_OBJ_GUEST_SPACE)) return fail(err, "guest space is not a GuestSpace object", rec_off(s, BH_SPEC_SEC_GUESTS, i, 4));
        if (g.arch > 1 || g.vcpus == 0) return fail(err, "guest platform or vCPU count is invalid", rec_off(s, BH_SPEC_SEC_GUESTS, i, 8));
        if (!string_ok(s, g.kernel, 0) || !string_ok(s, g.initrd, 1) || !string_ok(s, g.cmdline, 1))
            return fail(err, "guest kernel, initrd or cmdline is not a string offset", rec_off(s, BH_SPEC_SEC_GUESTS, i, 12));
        if ((uint64_t)g.ram_first + g.ram_count > s->sec[BH_SPEC_SEC_OBJECTS].count)
            return fail(err, "guest RAM runs past the object table", rec_off(s, BH_SPEC_SEC_GUESTS, i, 32));
        for (uint32_t k = 0; k < g.ram_count; k++)
            if (!obj_is(s, g.ram_first + k, BH_SPEC_OBJ_LARGE_FRAME))
                return fail(err, "guest RAM object is not a large frame", rec_off(s, BH_SPEC_SEC_GUESTS, i, 32));
        if (!obj_is(s, g.events, BH_SPEC_OBJ_NOTIFICATION))
            return fail(err, "guest event line is not a notification", rec_off(s, BH_SPEC_SEC_GUESTS, i, 40));
        if (g.console != BH_SPEC_NONE && !obj_is(s, g.console, BH_SPEC_OBJ_FRAME))
            return fail(err, "guest console ring is not a frame", rec_off(s, BH_SPEC_SEC_GUESTS, i, 44));
        if (g.timer != BH_SPEC_NONE && !obj_is(s, g.timer, BH_SPEC_OBJ_ENDPOINT))
            return fail(err, "guest timer is not an endpoint", rec_off(s, BH_SPEC_SEC_GUESTS, i, 48));
        if (g.console_signal != BH_SPEC_NONE && (g.console == BH_SPEC_NONE || !obj_is(s, g.console_signal, BH_SPEC_OBJ_NOTIFICATION)))
            return fail(err, "guest console signal is not a notification of a console channel", rec_off(s, BH_SPEC_SEC_GUESTS, i, 68));
        if (g.store != BH_SPEC_NONE && !obj_is(s, g.store, BH_SPEC_OBJ_FRAME))
            return fail(err, "guest store ring is not a frame", rec_off(s, BH_SPEC_SEC_GUESTS, i, 72));
        if (g.store_signal != BH_SPEC_NONE && (g.store == BH_SPEC_NONE || !obj_is(s, g.store_signal, BH_SPEC_OBJ_NOTIFICATION)))
            return fail(err, "guest store signal is not a notification of a xenstore channel", rec_off(s, BH_SPEC_SEC_GUESTS, i, 76));
        if (check_guest_grant(s, i, &g, err)) return -1;
        if (check_guest_peers(s, i, &g, err)) return -1;
    }
    return 0;
}

int bh_spec_open(const void *buf, size_t len, struct bh_spec *out, struct bh_spec_error *err)
{
    struct bh_spec s;
    uint8_t *z = (uint8_t *)&s;
    for (size_t i = 0; i < sizeof s; i++) z[i] = 0;
    if (!buf) return fail(err, "no data", 0);
    if (check_header(buf, len, &s, err) || check_sections(&s, err) || check_objects(&s, err) ||
        check_instances(&s, err) || check_caps_maps(&s, err) || check_rest(&s, err))
        return -1;
    *out = s;
    return 0;
}
