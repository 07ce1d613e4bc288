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

#endif
