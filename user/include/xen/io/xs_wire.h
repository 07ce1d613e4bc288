/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The xenstore wire protocol (Xen's public io/xs_wire.h): the message header every request and
 * reply starts with, the message types, and the shared ring page a guest and the xenstore
 * server talk through. Written from the upstream header; names and numbers as upstream.
 *
 * A message is a struct xsd_sockmsg followed by len bytes of payload, usually NUL-terminated
 * strings. An error reply is XS_ERROR with the error's name ("EINVAL", ...) as payload: only
 * the name travels, never a number.
 */
#ifndef XEN_PUBLIC_IO_XS_WIRE_H
#define XEN_PUBLIC_IO_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL = 0,
#define XS_DEBUG XS_CONTROL
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT, removed upstream; the number stays unused */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_GET_FEATURE = 23,
    XS_SET_FEATURE = 24,
    XS_GET_QUOTA = 25,
    XS_SET_QUOTA = 26,

    XS_TYPE_COUNT,          /* number of type values, the unused 20 included */

    XS_INVALID = 0xffff     /* never a valid type */
};

/*
 * The error names a server may send, in upstream's order (clients match on the name). errnum is
 * the client's own errno value, so the table exists only where <errno.h> defined them.
 */
struct xsd_errors {
    int errnum;
    const char *errstring;
};
#ifdef EINVAL
#define XSD_ERROR(x) { x, #x }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
    XSD_ERROR(EINVAL),
    XSD_ERROR(EACCES),
    XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR),
    XSD_ERROR(ENOENT),
    XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC),
    XSD_ERROR(EIO),
    XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS),
    XSD_ERROR(EROFS),
    XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN),
    XSD_ERROR(EISCONN),
    XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM),
};
#endif

struct xsd_sockmsg {
    uint32_t type;      /* XS_* */
    uint32_t req_id;    /* chosen by the client, echoed in the reply */
    uint32_t tx_id;     /* transaction, 0 for none */
    uint32_t len;       /* bytes of payload after this header */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg");

/* An XS_WATCH_EVENT's payload: the path, then the token, each NUL-terminated. */
enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/*
 * The shared page (one per guest): two byte rings of XENSTORE_RING_SIZE, indexes free-running
 * and masked on use. The guest produces requests (req_prod) and consumes replies (rsp_cons);
 * the server the other way round.
 */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* requests to the server */
    char rsp[XENSTORE_RING_SIZE];   /* replies and watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;       /* XENSTORE_SERVER_FEATURE_* the server offers */
    uint32_t connection;            /* XENSTORE_CONNECTED or XENSTORE_RECONNECT */
    uint32_t error;                 /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;           /* the guest's port for the server, when nonzero */
};
_Static_assert(offsetof(struct xenstore_domain_interface, rsp) == 1024, "xenstore rsp");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "xenstore req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "xenstore rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features) == 2064,
               "xenstore server_features");
_Static_assert(offsetof(struct xenstore_domain_interface, evtchn_port) == 2076,
               "xenstore evtchn_port");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2080, "xenstore_domain_interface");

/* Longer payloads break the protocol: the server closes the connection. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longer paths are answered with an error. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1   /* the connection field can restart the rings */
#define XENSTORE_SERVER_FEATURE_ERROR 2          /* the error field exists */
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4     /* XS_WATCH takes a depth */
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8      /* DOMID_ANY in node permissions */

/* connection */
#define XENSTORE_CONNECTED 0   /* steady state */
#define XENSTORE_RECONNECT 1   /* reconnection in progress */

/* error */
#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1      /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2   /* an index out of range */
#define XENSTORE_ERROR_PROTO 3     /* protocol violation (payload too long) */

#endif
