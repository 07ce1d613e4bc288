/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The toolstack's part (docs/xenstore.md, "The toolstack tree"): the nodes each guest expects
 * under /local/domain/<id>, written through the toolstack's connection before the guest
 * connects, with the permissions Xen's toolstack gives them (libxl's domain creation, QEMU's
 * emulated xenstore): the domain's directory and what describes it (domid, name, its vCPUs'
 * availability, the platform features of control/) are the toolstack's and only readable by the guest; the
 * directories and nodes the guest fills in itself (device, data, control/shutdown and its
 * feature-* answers, ...) are the guest's own. memory/target is not written: Linux's balloon
 * driver would act on it, and nothing here balloons.
 */
#include <stdio.h>
#include <string.h>
#include "tree.h"

/* Nodes owned by the toolstack, readable by the guest (relative to its directory). */
static const struct { const char *path, *value; } read_only[] = {
    {"control", ""},
    {"control/platform-feature-xs_reset_watches", "1"},
    {"control/platform-feature-multiprocessor-suspend", "1"},
};

/* Nodes owned by the guest (it reads, writes and removes below them). */
static const char *const own[] = {
    "attr", "data", "device", "drivers", "error", "feature",
    "control/shutdown", "control/feature-poweroff", "control/feature-reboot",
    "control/feature-suspend", "control/feature-s3", "control/feature-s4",
};

static int put(struct xs_store *s, const char *dir, const char *rel, const char *value, const char *perms, int plen)
{
    char path[XS_TREE_PATH_MAX];
    int n = rel ? snprintf(path, sizeof path, "%s/%s", dir, rel) : snprintf(path, sizeof path, "%s", dir);
    if (n < 0 || (size_t)n >= sizeof path) return -1;
    int err = xs_tool_write(s, path, value);
    return err ? err : xs_tool_set_perms(s, path, perms, (uint32_t)plen);
}

int xs_tree_guest(struct xs_store *s, uint16_t domid, const char *name, unsigned vcpus)
{
    char dir[XS_TREE_PATH_MAX], id[8], ro[24], rw[16];
    snprintf(dir, sizeof dir, "/local/domain/%u", domid);
    snprintf(id, sizeof id, "%u", domid);
    /* "n0\0r<id>\0": the toolstack owns it, nobody else reads, the guest does; "n<id>\0": the
     * guest owns it, nobody else reads (the toolstack reads everything). */
    int rol = snprintf(ro, sizeof ro, "n0%cr%u", 0, domid) + 1;
    int rwl = snprintf(rw, sizeof rw, "n%u", domid) + 1;
    int err = put(s, dir, NULL, "", ro, rol);
    if (!err) err = put(s, dir, "domid", id, ro, rol);
    if (!err) err = put(s, dir, "name", name, ro, rol);
    for (size_t i = 0; !err && i < sizeof read_only / sizeof read_only[0]; i++)
        err = put(s, dir, read_only[i].path, read_only[i].value, ro, rol);
    /* cpu/<n>/availability: Linux's vCPU hotplug reads it for each of its CPUs at boot */
    for (unsigned n = 0; !err && n < vcpus; n++) {
        char cpu[32];
        snprintf(cpu, sizeof cpu, "cpu/%u/availability", n);
        err = put(s, dir, cpu, "online", ro, rol);
    }
    for (size_t i = 0; !err && i < sizeof own / sizeof own[0]; i++) err = put(s, dir, own[i], "", rw, rwl);
    return err;
}
