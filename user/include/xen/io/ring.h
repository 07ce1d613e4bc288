/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Shared request/response rings of the split drivers (Xen's public io/ring.h). One page holds a
 * 64-byte header (the four indexes, then bytes a protocol may use) and a power-of-two array of
 * entries, each big enough for a request or a response. Indexes are free-running and masked on
 * use. The front end produces requests (req_prod) and consumes responses; the back end the
 * other way round. req_event and rsp_event say at which producer index the other side wants an
 * event: a producer notifies only when it passes it (RING_PUSH_*_AND_CHECK_NOTIFY).
 *
 * DEFINE_RING_TYPES(name, request, response) declares union name_sring_entry, struct
 * name_sring (the shared page) and the private cursors struct name_front_ring and struct
 * name_back_ring. The shared page is the other side's to write: a back end copies each request
 * out once (RING_COPY_REQUEST) before it checks it, and checks the indexes it reads
 * (RING_REQUEST_PROD_OVERFLOW).
 */
#ifndef XEN_PUBLIC_IO_RING_H
#define XEN_PUBLIC_IO_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t RING_IDX;

/* Barriers between the ring's contents and its indexes; an includer may bring its own. */
#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

/* The largest power of two not above x (x < 2^32), as a constant expression. */
#define __RD2(x) (((x) & 0x00000002u) ? 0x2 : ((x) & 0x1))
#define __RD4(x) (((x) & 0x0000000cu) ? __RD2((x) >> 2) << 2 : __RD2(x))
#define __RD8(x) (((x) & 0x000000f0u) ? __RD4((x) >> 4) << 4 : __RD4(x))
#define __RD16(x) (((x) & 0x0000ff00u) ? __RD8((x) >> 8) << 8 : __RD8(x))
#define __RD32(x) (((x) & 0xffff0000u) ? __RD16((x) >> 16) << 16 : __RD16(x))

/* Entries of ring type name in a shared area of size bytes. */
#define __CONST_RING_SIZE(name, size) \
    __RD32(((size) - offsetof(struct name##_sring, ring)) / sizeof(((struct name##_sring *)0)->ring[0]))
#define __RING_SIZE(sring, size) \
    __RD32(((size) - offsetof(__typeof__(*(sring)), ring)) / sizeof((sring)->ring[0]))

#define DEFINE_RING_TYPES(name, req_t, rsp_t)                       \
    union name##_sring_entry {                                      \
        req_t req;                                                  \
        rsp_t rsp;                                                  \
    };                                                              \
    struct name##_sring {                                           \
        RING_IDX req_prod, req_event;                               \
        RING_IDX rsp_prod, rsp_event;                               \
        union {                                                     \
            struct {                                                \
                uint8_t smartpoll_active;                           \
            } netif;                                                \
            struct {                                                \
                uint8_t msg;                                        \
            } tapif_user;                                           \
            uint8_t pvt_pad[4];                                     \
        } pvt;                                                      \
        uint8_t __pad[44];                                          \
        union name##_sring_entry ring[];                            \
    };                                                              \
    struct name##_front_ring {                                      \
        RING_IDX req_prod_pvt;   /* requests written, not pushed */ \
        RING_IDX rsp_cons;       /* responses consumed */           \
        uint32_t nr_ents;                                           \
        struct name##_sring *sring;                                 \
    };                                                              \
    struct name##_back_ring {                                       \
        RING_IDX rsp_prod_pvt;   /* responses written, not pushed */\
        RING_IDX req_cons;       /* requests consumed */            \
        uint32_t nr_ents;                                           \
        struct name##_sring *sring;                                 \
    };                                                              \
    typedef struct name##_sring name##_sring_t;                     \
    typedef struct name##_front_ring name##_front_ring_t;           \
    typedef struct name##_back_ring name##_back_ring_t

/* The front end initialises the shared page; an event is wanted after the first entry. */
#define SHARED_RING_INIT(s) do {                                    \
    (s)->req_prod = (s)->rsp_prod = 0;                              \
    (s)->req_event = (s)->rsp_event = 1;                            \
    memset((s)->pvt.pvt_pad, 0, sizeof((s)->pvt.pvt_pad));          \
    memset((s)->__pad, 0, sizeof((s)->__pad));                      \
} while (0)

#define FRONT_RING_ATTACH(r, s, i, size) do {                       \
    (r)->req_prod_pvt = (i);                                        \
    (r)->rsp_cons = (i);                                            \
    (r)->nr_ents = __RING_SIZE(s, size);                            \
    (r)->sring = (s);                                               \
} while (0)
#define FRONT_RING_INIT(r, s, size) FRONT_RING_ATTACH(r, s, 0, size)
#define XEN_FRONT_RING_INIT(r, s, size) do {                        \
    SHARED_RING_INIT(s);                                            \
    FRONT_RING_INIT(r, s, size);                                    \
} while (0)

#define BACK_RING_ATTACH(r, s, i, size) do {                        \
    (r)->rsp_prod_pvt = (i);                                        \
    (r)->req_cons = (i);                                            \
    (r)->nr_ents = __RING_SIZE(s, size);                            \
    (r)->sring = (s);                                               \
} while (0)
#define BACK_RING_INIT(r, s, size) BACK_RING_ATTACH(r, s, 0, size)

#define RING_SIZE(r) ((r)->nr_ents)
#define RING_FREE_REQUESTS(r) (RING_SIZE(r) - ((r)->req_prod_pvt - (r)->rsp_cons))
#define RING_FULL(r) (RING_FREE_REQUESTS(r) == 0)

#define XEN_RING_NR_UNCONSUMED_RESPONSES(r) ((r)->sring->rsp_prod - (r)->rsp_cons)
/* Requests the back end may take: what was produced, but never more than it has room to answer. */
#define XEN_RING_NR_UNCONSUMED_REQUESTS(r) ({                              \
    RING_IDX req_ = (r)->sring->req_prod - (r)->req_cons;                   \
    RING_IDX room_ = RING_SIZE(r) - ((r)->req_cons - (r)->rsp_prod_pvt);    \
    req_ < room_ ? req_ : room_;                                            \
})
#define RING_HAS_UNCONSUMED_RESPONSES(r) XEN_RING_NR_UNCONSUMED_RESPONSES(r)
#define RING_HAS_UNCONSUMED_REQUESTS(r) XEN_RING_NR_UNCONSUMED_REQUESTS(r)

#define RING_GET_REQUEST(r, idx) (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].req))
#define RING_GET_RESPONSE(r, idx) (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].rsp))
/* One read of the shared entry into private memory: the other side may change it meanwhile. */
#define RING_COPY_REQUEST(r, idx, dst) (*(dst) = *(volatile __typeof__(dst))RING_GET_REQUEST(r, idx))
#define RING_COPY_RESPONSE(r, idx, dst) (*(dst) = *(volatile __typeof__(dst))RING_GET_RESPONSE(r, idx))

/* Index checks for a side that does not trust the other. */
#define RING_REQUEST_CONS_OVERFLOW(r, cons) (((cons) - (r)->rsp_prod_pvt) >= RING_SIZE(r))
#define RING_REQUEST_PROD_OVERFLOW(r, prod) (((prod) - (r)->rsp_prod_pvt) > RING_SIZE(r))
#define RING_RESPONSE_PROD_OVERFLOW(r, prod) (((prod) - (r)->rsp_cons) > RING_SIZE(r))

#define RING_PUSH_REQUESTS(r) do {                                  \
    xen_wmb();                                                      \
    (r)->sring->req_prod = (r)->req_prod_pvt;                       \
} while (0)
#define RING_PUSH_RESPONSES(r) do {                                 \
    xen_wmb();                                                      \
    (r)->sring->rsp_prod = (r)->rsp_prod_pvt;                       \
} while (0)

/* Publish, then notify only if the new entries passed the event index the other side set. */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify) do {         \
    RING_IDX old_ = (r)->sring->req_prod;                           \
    RING_IDX new_ = (r)->req_prod_pvt;                              \
    xen_wmb();                                                      \
    (r)->sring->req_prod = new_;                                    \
    xen_mb();                                                       \
    (notify) = (RING_IDX)(new_ - (r)->sring->req_event) < (RING_IDX)(new_ - old_); \
} while (0)
#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify) do {        \
    RING_IDX old_ = (r)->sring->rsp_prod;                           \
    RING_IDX new_ = (r)->rsp_prod_pvt;                              \
    xen_wmb();                                                      \
    (r)->sring->rsp_prod = new_;                                    \
    xen_mb();                                                       \
    (notify) = (RING_IDX)(new_ - (r)->sring->rsp_event) < (RING_IDX)(new_ - old_); \
} while (0)

/* Before sleeping: ask for an event at the next entry, then look once more. */
#define RING_FINAL_CHECK_FOR_REQUESTS(r, work) do {                 \
    (work) = RING_HAS_UNCONSUMED_REQUESTS(r);                       \
    if (work) break;                                                \
    (r)->sring->req_event = (r)->req_cons + 1;                      \
    xen_mb();                                                       \
    (work) = RING_HAS_UNCONSUMED_REQUESTS(r);                       \
} while (0)
#define RING_FINAL_CHECK_FOR_RESPONSES(r, work) do {                \
    (work) = RING_HAS_UNCONSUMED_RESPONSES(r);                      \
    if (work) break;                                                \
    (r)->sring->rsp_event = (r)->rsp_cons + 1;                      \
    xen_mb();                                                       \
    (work) = RING_HAS_UNCONSUMED_RESPONSES(r);                      \
} while (0)

#endif
