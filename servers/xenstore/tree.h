/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* The toolstack tree of a guest (tree.c), portable: the server writes it at start. */
#ifndef XENSTORE_TREE_H
#define XENSTORE_TREE_H

#include "store.h"

#define XS_TREE_PATH_MAX 96u

/* Writes /local/domain/<domid> and the nodes a guest of that name with that many vCPUs
 * expects there, with Xen's permissions, through the toolstack's connection. Returns 0 or the
 * first error (an errno value). */
int xs_tree_guest(struct xs_store *s, uint16_t domid, const char *name, unsigned vcpus);

/* A Xen PV device between two guests, as the IDL compiler describes it in the server's glue
 * (PV_DEVICE_TABLE, docs/idl.md): kind "vif" or "vbd"; devid: a vif's handle, a vbd's Xen
 * number; strings empty when not given (bridge, physical). */
struct xs_device {
    const char *kind;
    unsigned devid, front_domid, back_domid;
    const char *front, *back;             /* instance names */
    const char *mac, *bridge;             /* vif */
    const char *dev, *target, *physical;  /* vbd: xvdX, the backend's device or file, "MAJ:MIN" hex */
    int read_only;                        /* vbd */
};

/* Writes the device's frontend and backend trees (devices.c) through the toolstack's
 * connection, with libxl's keys and permissions, both in state 1. Returns 0 or the first error
 * (an errno value; EINVAL for an unknown kind). */
int xs_tree_device(struct xs_store *s, const struct xs_device *d);

#endif
