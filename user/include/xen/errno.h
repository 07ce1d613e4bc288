/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The error numbers of the Xen ABI (Xen's public errno.h): a hypercall fails with -XEN_E* in rax.
 * Stable across Xen versions and the same on every architecture (they are Linux's numbers).
 * Upstream's list has more; these are the ones this tree's users return or expect.
 */
#ifndef XEN_PUBLIC_ERRNO_H
#define XEN_PUBLIC_ERRNO_H

enum xen_errno {
    XEN_EPERM = 1,          /* operation not permitted */
    XEN_ENOENT = 2,         /* no such entry */
    XEN_ESRCH = 3,          /* no such domain or vCPU */
    XEN_EINTR = 4,
    XEN_EIO = 5,
    XEN_ENXIO = 6,
    XEN_E2BIG = 7,
    XEN_EAGAIN = 11,        /* try again */
    XEN_ENOMEM = 12,
    XEN_EACCES = 13,
    XEN_EFAULT = 14,        /* an argument's guest address is unmapped or not RAM */
    XEN_EBUSY = 16,
    XEN_EEXIST = 17,
    XEN_ENODEV = 19,
    XEN_EISDIR = 21,
    XEN_EINVAL = 22,
    XEN_ENOSPC = 28,
    XEN_EROFS = 30,
    XEN_ERANGE = 34,
    XEN_ENOSYS = 38,        /* no such hypercall or sub-operation */
    XEN_ENOTEMPTY = 39,
    XEN_ENODATA = 61,
    XEN_ETIME = 62,         /* a single-shot timer's deadline already passed */
    XEN_EOPNOTSUPP = 95,
    XEN_EISCONN = 106,
};

#endif
