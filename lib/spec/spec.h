/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The Bulkhead system specification (format version 1): what bhidl emits and the root
 * server executes. The full layout is in docs/idl.md ("The system specification").
 *
 * Freestanding: needs only <stdint.h> and <stddef.h>, calls no libc function, allocates
 * nothing. bh_spec_open() checks the whole file once (header, checksum, section table,
 * every record and every cross-reference); after it succeeds the accessors cannot see a
 * bad index or offset, and they still check their own arguments.
 *
 * All fields are little-endian and are read byte by byte: the buffer needs no alignment.
 */
#ifndef BH_SPEC_H
#define BH_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define BH_SPEC_MAGIC "BHSPEC\0\0" /* 8 bytes */
#define BH_SPEC_VERSION 1u
#define BH_SPEC_HEADER_SIZE 24u
#define BH_SPEC_SECTION_ENTRY_SIZE 16u
#define BH_SPEC_NONE 0xffffffffu

/* Section kinds; each appears exactly once. Unknown kinds are refused (version 1). */
enum bh_spec_section {
    BH_SPEC_SEC_STRINGS = 1,
    BH_SPEC_SEC_INSTANCES = 2,
    BH_SPEC_SEC_OBJECTS = 3,
    BH_SPEC_SEC_CAPS = 4,
    BH_SPEC_SEC_MAPPINGS = 5,
    BH_SPEC_SEC_THREADS = 6,
    BH_SPEC_SEC_PARTITIONS = 7,
    BH_SPEC_SEC_GUESTS = 8,
    BH_SPEC_SEC_COUNT = 9 /* one past the last kind */
};

/* Minimum record sizes; a section's entry_size may be larger (later minor additions). */
#define BH_SPEC_INSTANCE_SIZE 48u
#define BH_SPEC_OBJECT_SIZE 24u
#define BH_SPEC_CAP_SIZE 24u
#define BH_SPEC_MAPPING_SIZE 24u
#define BH_SPEC_THREAD_SIZE 48u
#define BH_SPEC_PARTITION_SIZE 8u
#define BH_SPEC_GUEST_SIZE 52u
/* The guest record with its grant-frame fields (bytes 52..67); a shorter record has none. */
#define BH_SPEC_GUEST_GRANT_SIZE 68u
#define BH_SPEC_GUEST_GRANT_MAX 64u /* the longest grant frame or table range a reader takes */
/* The guest record with console_signal (bytes 68..71); a shorter record has none. */
#define BH_SPEC_GUEST_CONSOLE_SIZE 72u
/* The guest record with its xenstore channel and domain id (bytes 72..87); a shorter record
 * has neither (domain id 0: none given). */
#define BH_SPEC_GUEST_STORE_SIZE 88u
/* The guest record with its peer channels (bytes 88..255): u32 peer_count, u32 0, then
 * BH_SPEC_GUEST_PEERS entries of BH_SPEC_GUEST_PEER_SIZE bytes; a shorter record has none. */
#define BH_SPEC_GUEST_PEERS 8u
#define BH_SPEC_GUEST_PEER_SIZE 20u
#define BH_SPEC_GUEST_PEERS_SIZE (96u + BH_SPEC_GUEST_PEERS * BH_SPEC_GUEST_PEER_SIZE)
/* A peer channel's kind (the IDL's channel kinds that join two guests' VMMs). */
#define BH_SPEC_PEER_GRANT 0u
#define BH_SPEC_PEER_EVENT 1u

/*
 * Object types. 0..11 are retyped from untyped memory and follow the order of the user
 * ABI's BH_OBJ_* names (BH_SPEC_OBJ_TCB is BH_OBJ_TCB's object, whatever its number);
 * 64.. are derived from boot authority, not retyped.
 */
enum bh_spec_obj_type {
    BH_SPEC_OBJ_UNTYPED = 0,
    BH_SPEC_OBJ_TCB = 1,
    BH_SPEC_OBJ_ENDPOINT = 2,
    BH_SPEC_OBJ_NOTIFICATION = 3,
    BH_SPEC_OBJ_CNODE = 4,        /* size_bits = radix: 2^radix slots */
    BH_SPEC_OBJ_FRAME = 5,        /* 4 KiB */
    BH_SPEC_OBJ_LARGE_FRAME = 6,  /* 2 MiB */
    BH_SPEC_OBJ_PAGE_TABLE = 7,   /* aux = level (1 PT, 2 PD, 3 PDPT), arg = base vaddr, link = space;
                                     aux 0: a spare its holder maps (the root does not) */
    BH_SPEC_OBJ_VSPACE = 8,
    BH_SPEC_OBJ_VCPU = 9,         /* arg = vCPU index */
    BH_SPEC_OBJ_GUEST_SPACE = 10,
    BH_SPEC_OBJ_IO_SPACE = 11,    /* arg = PCI bus << 8 | dev << 3 | fn */
    BH_SPEC_OBJ_IRQ_HANDLER = 64, /* from IRQControl: arg = IRQ, link = notification, aux = badge bit */
    BH_SPEC_OBJ_IO_PORT = 65,     /* from IOPortControl: arg = first | last << 16 */
    BH_SPEC_OBJ_DEVICE_FRAME = 66, /* from device untyped: arg = physical address (4 KiB) */
    BH_SPEC_OBJ_ASID_POOL = 67     /* from ASIDControl and a 4 KiB untyped (size_bits 12); every
                                      VSPACE and GUEST_SPACE links the pool it takes its ASID from */
};

#define BH_SPEC_RIGHT_READ 1u
#define BH_SPEC_RIGHT_WRITE 2u
#define BH_SPEC_RIGHT_GRANT 4u
#define BH_SPEC_MAP_UNCACHED 1u

struct bh_spec_instance {
    uint32_t name;          /* string offset */
    uint32_t kind;          /* 0 component, 1 VMM of a guest */
    uint32_t cnode, vspace; /* object indices */
    uint32_t first_cap, cap_count;
    uint32_t first_map, map_count;
    uint32_t first_thread, thread_count;
    uint32_t partition;
    uint32_t image;         /* string offset: the ELF's name in the boot module */
};
struct bh_spec_object {
    uint8_t type, size_bits;
    uint16_t aux;
    uint32_t owner; /* instance index, or BH_SPEC_NONE when shared */
    uint64_t arg;
    uint32_t name;  /* string offset */
    uint32_t link;  /* object index or BH_SPEC_NONE */
};
struct bh_spec_cap {
    uint32_t instance, slot, object;
    uint8_t rights;
    uint64_t badge;
};
struct bh_spec_mapping {
    uint32_t space, object; /* a VSPACE or GUEST_SPACE; a frame of any kind */
    uint64_t vaddr;
    uint8_t rights, flags;
};
struct bh_spec_thread {
    uint32_t instance, tcb, ipc_frame, vcpu, name, partition;
    uint64_t ipc_vaddr, stack_top;
    uint8_t priority;
};
struct bh_spec_partition {
    uint32_t name, ticks;
};
struct bh_spec_guest {
    uint32_t instance, guest_space;
    uint8_t arch, vcpus; /* arch: 0 x86_pvh, 1 power9 */
    uint32_t kernel, initrd, cmdline; /* string offsets; initrd and cmdline may be BH_SPEC_NONE */
    uint64_t memory;
    uint32_t ram_first, ram_count; /* large frames of guest RAM, mapped from guest-physical 0 */
    uint32_t events;               /* the VMM's event line: a notification bound to its vCPU threads */
    uint32_t console;              /* the ring frame of its console channel, or BH_SPEC_NONE */
    uint32_t timer;                /* the endpoint of the timer server it uses, or BH_SPEC_NONE */
    /* The VMM's own grant frames (consecutive 4 KiB frames) and the spare page tables (aux 0,
     * linked to guest_space) it maps them into the GuestSpace with; BH_SPEC_NONE and 0 when
     * the record is older than these fields or the guest has none. */
    uint32_t grant_first, grant_count;
    uint32_t grant_table_first, grant_table_count;
    /* The notification of its console channel's other end (the console server's), which the
     * VMM signals after it wrote output; BH_SPEC_NONE without a console channel or when the
     * record is older than this field. */
    uint32_t console_signal;
    /* Its xenstore channel: the ring frame (mapped in its GuestSpace as the store page, and
     * in its VMM) and the notification of the other end (the xenstore server's), which the
     * VMM signals when the guest notifies the store port; BH_SPEC_NONE without one. */
    uint32_t store, store_signal;
    uint16_t domid;                /* the compiler's domain id for it (1..), 0 when not given */
    /* Its `grant` and `event` channels to other guests (docs/vmm.md, "Peers"): each joins its
     * VMM to the peer guest's VMM. Per channel: the ring frame (mapped in both VMMs only), the
     * endpoint its VMM receives the peer VMM's requests on, the peer VMM's endpoint (send), the
     * peer VMM's event line (signal), the peer's domain id, the kind (BH_SPEC_PEER_*) and which
     * end of the channel this guest is (0 left, 1 right). */
    uint32_t peer_count;
    struct bh_spec_guest_peer {
        uint32_t ring, endpoint, peer_endpoint, peer_signal;
        uint16_t domid;
        uint8_t kind, side;
    } peer[BH_SPEC_GUEST_PEERS];
};

struct bh_spec_section_info {
    uint32_t offset, count, entry_size;
};
struct bh_spec {
    const uint8_t *base;
    uint32_t size;
    uint16_t version;
    struct bh_spec_section_info sec[BH_SPEC_SEC_COUNT];
};
/* Why a spec was refused: a fixed description and the byte offset where it went wrong. */
struct bh_spec_error {
    const char *what;
    uint32_t offset;
};

/* 0 and *out filled when buf holds a valid spec; -1 and *err filled otherwise. */
int bh_spec_open(const void *buf, size_t len, struct bh_spec *out, struct bh_spec_error *err);
/* Records in a section (0 for an unknown kind). */
uint32_t bh_spec_count(const struct bh_spec *s, enum bh_spec_section sec);
/* Record i of a section: 0 on success, -1 when i is out of range. */
int bh_spec_instance(const struct bh_spec *s, uint32_t i, struct bh_spec_instance *out);
int bh_spec_object(const struct bh_spec *s, uint32_t i, struct bh_spec_object *out);
int bh_spec_cap(const struct bh_spec *s, uint32_t i, struct bh_spec_cap *out);
int bh_spec_mapping(const struct bh_spec *s, uint32_t i, struct bh_spec_mapping *out);
int bh_spec_thread(const struct bh_spec *s, uint32_t i, struct bh_spec_thread *out);
int bh_spec_partition(const struct bh_spec *s, uint32_t i, struct bh_spec_partition *out);
int bh_spec_guest(const struct bh_spec *s, uint32_t i, struct bh_spec_guest *out);
/* The NUL-terminated string at a string offset; NULL for BH_SPEC_NONE or a bad offset. */
const char *bh_spec_string(const struct bh_spec *s, uint32_t offset);
/* CRC-32 (IEEE 802.3, reflected, as zlib computes it), continued from crc (start with 0). */
uint32_t bh_spec_crc32(uint32_t crc, const void *buf, size_t len);
/* The name of an object type ("tcb", "frame", ...), "?" when unknown. */
const char *bh_spec_obj_type_name(uint32_t type);

#endif
