/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * bhidl: the Bulkhead IDL compiler. This header holds the data every pass shares:
 * the arena, growable arrays, the name table, diagnostics, the AST and the allocation
 * results. The passes, in order (each file states its own contract at its top):
 *   lex.c        text            -> tokens
 *   parse.c      tokens          -> AST (struct program)
 *   resolve.c    AST             -> every name bound to its declaration
 *   types.c      resolved AST    -> sizes, labels and message layouts checked
 *   resources.c  typed AST       -> hardware, memory and port usage checked
 *   alloc.c      checked AST     -> kernel objects, capability slots, addresses
 *   policy.c     allocated AST   -> information-flow graph; policies checked
 *   gen_*.c      everything      -> printed files (generators never decide anything)
 */
#ifndef BHIDL_H
#define BHIDL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- arena: every allocation of one compilation, freed at once ---- */
struct arena_chunk;
struct arena {
    struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* ---- growable arrays of any element type ---- */
#define DA(T) struct { T *v; size_t n, cap; }
void *da_grow_(struct arena *a, void **v, size_t *n, size_t *cap, size_t elsz);
/* Appends one zeroed element and returns a pointer to it. */
#define DA_PUSH(ar, d) ((__typeof__((d)->v))da_grow_((ar), (void **)&(d)->v, &(d)->n, &(d)->cap, sizeof(*(d)->v)))

/* ---- name tables: string -> pointer, open addressing ---- */
struct symtab {
    const char **keys;
    void **vals;
    size_t cap, n;
};
void *symtab_get(const struct symtab *t, const char *key);
/* Returns the previous value (and keeps it) when the key is present, else inserts and returns NULL. */
void *symtab_put(struct arena *a, struct symtab *t, const char *key, void *val);

/* ---- source locations and diagnostics ---- */
struct loc {
    const char *file;
    int line, col;
};
struct diag {
    struct loc loc;
    const char *check; /* the named rule that failed */
    const char *msg;
};
struct diags {
    struct arena *arena;
    DA(struct diag) list;
    size_t errors;
};
void diag_error(struct diags *d, struct loc loc, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_print(const struct diags *d, FILE *out);

/* ---- tokens ---- */
enum tok_kind {
    TK_EOF, TK_IDENT, TK_NUMBER, TK_STRING,
    TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET,
    TK_SEMI, TK_COMMA, TK_DOT, TK_DOTDOT, TK_COLON, TK_EQUAL,
    TK_ARROW, TK_BIARROW, TK_MINUS,
};
struct token {
    enum tok_kind kind;
    struct loc loc;
    const char *text; /* identifier, number spelling, or decoded string */
};
struct tokens {
    DA(struct token) t;
};
const char *tok_kind_name(enum tok_kind k);
/* lex.c */
void lex(struct arena *a, struct diags *d, const char *file, const char *src, size_t len, struct tokens *out);

/* ---- AST ---- */
enum prim {
    PRIM_NONE, PRIM_U8, PRIM_U16, PRIM_U32, PRIM_U64, PRIM_I8, PRIM_I16, PRIM_I32, PRIM_I64,
    PRIM_BOOL, PRIM_CAP, PRIM_VOID, PRIM_NAMED,
};
struct typedecl;
struct typeref {
    struct loc loc;
    enum prim prim;
    const char *name;           /* PRIM_NAMED */
    struct typedecl *decl;      /* set by resolve */
    int is_array;
    uint64_t array_len;
};
struct field {
    struct loc loc;
    const char *name;
    struct typeref type;
};
struct enumval {
    struct loc loc;
    const char *name;
    int64_t value;
};
enum typedecl_kind { TD_STRUCT, TD_ENUM };
struct typedecl {
    struct loc loc;
    enum typedecl_kind kind;
    const char *name;
    DA(struct field) fields;
    DA(struct enumval) values;
    uint64_t size, align; /* set by types.c */
    int laid_out;
};
enum dir { DIR_IN, DIR_OUT, DIR_INOUT };
struct param {
    struct loc loc;
    enum dir dir;
    const char *name;
    struct typeref type;
    /* types.c: message layout */
    unsigned req_mr, rep_mr, words, cap_index;
};
struct proc {
    struct loc loc;
    const char *name;
    struct typeref ret;
    DA(struct param) params;
    /* types.c */
    unsigned label, req_words, rep_words, ret_mr, ret_words, req_caps, rep_caps;
};
struct interface {
    struct loc loc;
    const char *name;
    DA(struct proc) procs;
    int has_caps; /* some procedure moves a capability */
};

enum port_kind { PORT_PROVIDES, PORT_USES, PORT_EMITS, PORT_CONSUMES, PORT_DATAPORT, PORT_CHANNEL };
enum chan_kind { CHAN_GRANT, CHAN_EVENT, CHAN_CONSOLE, CHAN_XENSTORE };
#define RIGHT_READ 1u
#define RIGHT_WRITE 2u
#define RIGHT_GRANT 4u
struct port {
    struct loc loc;
    enum port_kind kind;
    const char *name;
    const char *iface_name;
    struct interface *iface; /* provides/uses */
    uint64_t size;           /* dataport */
    unsigned rights;         /* dataport */
    enum chan_kind chan;     /* channel */
};
enum hw_kind { HW_MEM, HW_IRQ, HW_IOPORT, HW_PCI };
struct hw {
    struct loc loc;
    enum hw_kind kind;
    const char *name;
    uint64_t base, size; /* HW_MEM: physical range; HW_IOPORT: first, last */
    uint64_t irq;
    uint32_t bdf;        /* HW_PCI: bus << 8 | dev << 3 | fn */
    int shared;
};
struct thread {
    struct loc loc;
    const char *name;
    uint64_t prio;
};
enum platform_arch { ARCH_X86_PVH, ARCH_POWER9 };
/* A component, or a guest (a VM run by its own VMM instance): both are instantiable. */
struct component {
    struct loc loc;
    const char *name;
    int is_guest;
    DA(struct port) ports;
    DA(struct hw) hw;
    DA(struct thread) threads;
    uint64_t stack, heap;
    const char *image;
    /* guests */
    enum platform_arch arch;
    int has_arch;
    const char *kernel, *initrd, *cmdline;
    uint64_t memory, vcpus;
    struct symtab port_names;
};
struct instance {
    struct loc loc;
    const char *name;
    const char *type_name;
    struct component *comp;
    size_t index;
    long partition; /* -1 until assigned */
    struct inst_alloc *alloc;
};
enum conn_kind { CONN_RPC, CONN_EVENT, CONN_DATAPORT, CONN_CHANNEL };
/* A Xen PV device between two guests (connect vif/vbd): a grant channel from the frontend
 * guest to the backend guest, plus what the toolstack writes in xenstore for it (pvdev.c). */
enum pv_kind { PV_VIF, PV_VBD };
struct pvdev {
    enum pv_kind kind;
    struct loc mac_loc, dev_loc, physical_loc;
    const char *mac, *bridge;                  /* vif; NULL when not given */
    const char *dev, *target, *physical;       /* vbd: xvdX, the backend's device or file, "MAJ:MIN" hex */
    int read_only;                             /* vbd */
    /* pvdev.c */
    uint32_t devid;                            /* vif: its handle; vbd: Xen's number of xvdX (202 << 8 | X << 4) */
    struct instance *store;                    /* the xenstore server both guests reach */
};
struct endref {
    struct loc loc;
    const char *inst_name, *port_name;
    struct instance *inst;
    struct port *port;
    size_t port_index;
};
struct connection {
    struct loc loc;
    enum conn_kind kind;
    struct endref from, to;
    size_t index;
    struct pvdev *pv;   /* CHANNEL declared as 'connect vif' or 'connect vbd' (front -> back), else NULL */
    /* alloc.c */
    uint64_t badge;     /* RPC: badge the server sees; EVENT: the bit the consumer sees */
    uint32_t obj;       /* the shared object (endpoint, notification, first dataport frame) */
    uint32_t chan_ntfn[2], chan_ring; /* CHANNEL: each end's notification (a guest's: its event line), the ring */
};
struct nameref {
    struct loc loc;
    const char *name;
    struct instance *inst;
};
struct partition {
    struct loc loc;
    const char *name;
    uint64_t ticks;
    DA(struct nameref) members;
};
enum policy_kind { POLICY_NO_FLOW, POLICY_TRUSTED };
struct policy {
    struct loc loc;
    enum policy_kind kind;
    struct nameref from, to;   /* trusted: 'from' is the trusted instance */
    const char *reason;        /* trusted: why it keeps its clients apart (shown in the report) */
    const char *violation;     /* no_flow: the path that breaks it, NULL when it holds */
};
struct platform {
    struct loc loc;
    const char *name;
    enum platform_arch arch;
    uint64_t memory;
    int has_memory, has_arch;
};
struct program {
    const char *file;
    DA(struct typedecl *) types;
    DA(struct typedecl *) type_order; /* types.c: enums, then structs after what they contain */
    DA(struct interface *) ifaces;
    DA(struct component *) comps;
    struct platform *platform;
    int has_assembly;
    struct loc assembly_loc;
    DA(struct instance *) insts;
    DA(struct connection *) conns;
    DA(struct partition *) parts;
    DA(struct policy *) policies;
    struct symtab type_names, iface_names, comp_names, inst_names, part_names;
};

/* ---- allocation results (alloc.c), what the spec and the glue describe ---- */
enum spec_obj {
    SOBJ_UNTYPED, SOBJ_TCB, SOBJ_ENDPOINT, SOBJ_NOTIFICATION, SOBJ_CNODE, SOBJ_FRAME,
    SOBJ_LARGE_FRAME, SOBJ_PAGE_TABLE, SOBJ_VSPACE, SOBJ_VCPU, SOBJ_GUEST_SPACE, SOBJ_IO_SPACE,
    SOBJ_IRQ_HANDLER = 64, SOBJ_IO_PORT, SOBJ_DEVICE_FRAME, SOBJ_ASID_POOL,
};
#define NONE32 0xffffffffu
struct sobj {
    uint8_t type, size_bits;
    uint16_t aux;
    uint32_t owner;
    uint64_t arg;
    const char *name;
    uint32_t link;
};
struct scap {
    uint32_t inst, slot, obj;
    uint8_t rights;
    uint64_t badge;
};
struct smap {
    uint32_t space, obj;
    uint64_t vaddr;
    uint8_t rights, flags;
};
#define MAP_UNCACHED 1u
struct sthread {
    uint32_t inst, tcb, ipc_frame, vcpu;
    const char *name;
    uint64_t ipc_vaddr, stack_top;
    uint8_t prio;
    uint32_t partition;
};
/* A guest's grant and event channels to other guests, at most (vmm/params.h's VMM_PEER_CHANNELS,
 * lib/spec's BH_SPEC_GUEST_PEERS: alloc.c checks that the three agree). */
#define GUEST_PEERS_MAX 8u
struct sguest {
    uint32_t inst, guest_space;
    uint64_t memory, ram_first_obj, ram_count;
    uint8_t arch, vcpus;
    uint32_t events;  /* the VMM's event line (notification) */
    uint32_t console; /* the ring of its first console channel, or NONE32 */
    uint32_t console_signal; /* that channel's other end's notification, or NONE32 */
    uint32_t timer;   /* the endpoint of the timer server its VMM uses, or NONE32 */
    /* x86: the VMM's grant frames and the spare page tables to map them into the GuestSpace
     * (NONE32 and 0 for power9 guests) */
    uint32_t grant_first, grant_count, grant_table_first, grant_table_count;
    uint32_t store, store_signal; /* its first xenstore channel's ring and the peer's notification, or NONE32 */
    uint16_t domid;
    /* Its grant and event channels to other guests (peer_channel): what its VMM's peer service
     * needs (lib/spec/spec.h, struct bh_spec_guest_peer); one VMM thread serves each. */
    uint32_t peer_count;
    struct speer {
        uint32_t ring, endpoint, peer_endpoint, peer_signal;
        uint16_t domid;
        uint8_t kind, side;
    } peer[GUEST_PEERS_MAX];
};
/* Where one port of one instance ended up. */
struct peer {
    struct connection *conn;
    struct instance *inst;
    uint32_t slot;   /* emits: the slot of the cap to this consumer */
};
struct port_alloc {
    uint32_t slot;      /* uses/provides: endpoint; consumes: notification; channel: own endpoint */
    uint32_t slot2, slot3, slot4; /* channel: own notification, peer's notification, peer's endpoint */
    uint64_t vaddr;     /* dataport, channel ring */
    DA(struct peer) peers;
    unsigned refs; /* connections naming this port, resolved or not (resources.c) */
};
struct inst_alloc {
    uint32_t cnode, vspace, first_cap, cap_count, first_map, map_count, first_thread, thread_count;
    unsigned radix;
    uint32_t recv_slot, free_first, free_last, irq_ntfn_slot;
    DA(uint32_t) thread_tcb_slot;
    DA(uint32_t) thread_ipc_slot;
    DA(uint64_t) thread_ipc_vaddr;
    DA(uint64_t) thread_stack_top;
    struct port_alloc *ports;
    DA(uint32_t) hw_slot;   /* first cap for each hardware entry */
    DA(uint64_t) hw_vaddr;  /* HW_MEM mapping address */
    DA(unsigned) hw_bit;    /* HW_IRQ badge bit on the IRQ notification */
    uint64_t mem_bytes;
    uint32_t guest_space_slot, vcpu_first_slot, ram_first_slot, ram_count, events_slot; /* VMMs */
    uint32_t grant_first_slot, grant_table_first_slot;                                   /* x86 VMMs */
    uint16_t domid;   /* guests: the domain id, 1.. in instance order; components: 0 */
};
struct alloc {
    DA(struct sobj) objs;
    DA(struct scap) caps;
    DA(struct smap) maps;
    DA(struct sthread) threads;
    DA(struct sguest) guests;
    uint32_t asid_pools, vspaces, guest_spaces; /* every address space links one of the pools */
};

/* Per-instance virtual-address layout (documented in docs/idl.md). */
#define VA_IMAGE 0x400000ull
#define VA_IPC 0x10000000ull
#define VA_STACK 0x20000000ull
#define VA_HEAP 0x40000000ull
#define VA_DATAPORT 0x80000000ull
#define VA_DEVICE 0xc0000000ull
#define VA_GRANT 0xf00000000ull
#define VA_GUEST_RAM 0x1000000000ull
/* Where a guest sees its xenstore channel's ring: Xen's store page, special PFN 0xfeffc
 * (X86_HVM_END_SPECIAL_REGION 0xff000 - 8 + SPECIALPAGE_XENSTORE 4). */
#define GUEST_STORE_GPA 0xfeffc000ull
#define FREE_SLOTS_MIN 32u

/* ---- the flow graph (policy.c) ---- */
struct flow_graph {
    size_t n;
    DA(uint32_t) *succ;      /* succ[i]: nodes that i sends information to */
    DA(const char *) *why;   /* why[i][k]: what carries succ[i][k] */
    uint8_t *reach;          /* n*n matrix, reach[i*n+j] */
    uint8_t *trusted;        /* trusted[i]: flows end at i, none pass through it */
};
size_t flow_bfs(const struct flow_graph *g, size_t src, uint32_t *parent, uint32_t *queue);

/* ---- the passes ---- */
struct ctx {
    struct arena arena;
    struct diags diags;
    struct program prog;
    struct alloc alloc;
    struct flow_graph flow;
    int policy_failed;   /* the system is complete and allocated; only a policy failed */
};
void parse(struct ctx *c, const struct tokens *toks);
void resolve(struct ctx *c);
void check_types(struct ctx *c);
void check_resources(struct ctx *c);
void check_pv_devices(struct ctx *c);
void allocate(struct ctx *c);
void check_policy(struct ctx *c);

/* ---- generators: print only ---- */
int gen_glue(struct ctx *c, const char *outdir);
int gen_spec(struct ctx *c, const char *path);
int gen_graph(struct ctx *c, const char *dot_path);
int gen_report(struct ctx *c, FILE *out);
int dump_spec(const char *path, FILE *out);

/* helpers shared by passes and generators */
const char *prim_c_name(enum prim p);
const char *port_kind_name(enum port_kind k);
const char *conn_kind_name(enum conn_kind k);
const char *conn_name(const struct connection *cn); /* "vif", "vbd" or the kind's name */
const char *pv_kind_name(enum pv_kind k);
const char *chan_kind_name(enum chan_kind k);
const char *sobj_name(unsigned t);
uint64_t words_for_bytes(uint64_t n);
uint32_t crc32_bytes(uint32_t crc, const uint8_t *p, size_t n);

#endif
