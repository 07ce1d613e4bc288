/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * xen_version(cmd, arg) (Xen's public version.h): XENVER_version returns major << 16 | minor;
 * the others fill the buffer arg points to.
 */
#ifndef XEN_PUBLIC_VERSION_H
#define XEN_PUBLIC_VERSION_H

#include <stdint.h>
#include "xen.h"

#define XENVER_version 0            /* arg: none */
#define XENVER_extraversion 1       /* arg: xen_extraversion_t, OUT */
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))
#define XENVER_compile_info 2
#define XENVER_capabilities 3
#define XENVER_changeset 4
#define XENVER_platform_parameters 5
#define XENVER_get_features 6       /* arg: struct xen_feature_info */
struct xen_feature_info {
    uint32_t submap_idx;    /* IN: which 32-bit word of XENFEAT_* bits (features.h) */
    uint32_t submap;        /* OUT: that word */
};
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info");
typedef struct xen_feature_info xen_feature_info_t;
#define XENVER_pagesize 7
#define XENVER_guest_handle 8
#define XENVER_commandline 9
#define XENVER_build_id 10

#endif
