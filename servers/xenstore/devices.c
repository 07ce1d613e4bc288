/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The toolstack's part for each Xen PV device the description declares (connect vif/vbd,
 * docs/xenstore.md "Device trees"): the frontend's directory /local/domain/F/device/<kind>/<id>
 * and the backend's /local/domain/B/backend/<kind>/F/<id>, with the keys libxl writes (libxl_nic.c,
 * libxl_disk.c, libxl_device.c) and Linux's drivers need, both in state 1 (Initialising), and
 * libxl's permissions: the frontend's [n<F>, r<B>], the backend's [n<B>, r<F>], so each side
 * reads the other's and no third guest reads either. What Xen's hotplug scripts would add in a
 * driver domain is written in advance: hotplug-status "connected" (netback waits for it before
 * Connected) and, for a vbd, physical-device (blkback opens that device when it sees it; the
 * driver domain makes the device before loading blkback).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "tree.h"

struct key {
    const char *name, *value;
};

/* Writes dir/<key> for each key (dir itself first) with the permissions given. */
static int put_dir(struct xs_store *s, const char *dir, const struct key *keys, size_t n, const char *perms, uint32_t plen)
{
    int err = xs_tool_write(s, dir, "");
    if (!err) err = xs_tool_set_perms(s, dir, perms, plen);
    for (size_t i = 0; !err && i < n; i++) {
        char path[XS_TREE_PATH_MAX];
        int l = snprintf(path, sizeof path, "%s/%s", dir, keys[i].name);
        if (l < 0 || (size_t)l >= sizeof path) return E2BIG;
        err = xs_tool_write(s, path, keys[i].value);
        if (!err) err = xs_tool_set_perms(s, path, perms, plen);
    }
    return err;
}

/* /local/domain/B/backend, backend/<kind> and backend/<kind>/F: the backend's, as its bus
 * watches "backend" and lists them; nobody else reads them. */
static int backend_parents(struct xs_store *s, const struct xs_device *d)
{
    char path[XS_TREE_PATH_MAX], own[16];
    int plen = snprintf(own, sizeof own, "n%u", d->back_domid) + 1;
    static const char *const fmt[] = {"/local/domain/%u/backend", "/local/domain/%u/backend/%s",
                                      "/local/domain/%u/backend/%s/%u"};
    int err = 0;
    for (size_t i = 0; !err && i < 3; i++) {
        int l = snprintf(path, sizeof path, fmt[i], d->back_domid, d->kind, d->front_domid);
        if (l < 0 || (size_t)l >= sizeof path) return E2BIG;
        err = xs_tool_write(s, path, "");
        if (!err) err = xs_tool_set_perms(s, path, own, (uint32_t)plen);
    }
    return err;
}

int xs_tree_device(struct xs_store *s, const struct xs_device *d)
{
    bool vif = !strcmp(d->kind, "vif");
    if (!vif && strcmp(d->kind, "vbd")) return EINVAL;
    char front[XS_TREE_PATH_MAX], back[XS_TREE_PATH_MAX], fid[8], bid[8], devid[12];
    char fperms[24], bperms[24];
    snprintf(front, sizeof front, "/local/domain/%u/device/%s/%u", d->front_domid, d->kind, d->devid);
    snprintf(back, sizeof back, "/local/domain/%u/backend/%s/%u/%u", d->back_domid, d->kind, d->front_domid, d->devid);
    snprintf(fid, sizeof fid, "%u", d->front_domid);
    snprintf(bid, sizeof bid, "%u", d->back_domid);
    snprintf(devid, sizeof devid, "%u", d->devid);
    int fplen = snprintf(fperms, sizeof fperms, "n%u%cr%u", d->front_domid, 0, d->back_domid) + 1;
    int bplen = snprintf(bperms, sizeof bperms, "n%u%cr%u", d->back_domid, 0, d->front_domid) + 1;

    const struct key vif_front[] = {
        {"backend", back}, {"backend-id", bid}, {"state", "1"}, {"handle", devid}, {"mac", d->mac}, {"trusted", "1"},
    };
    const struct key vif_back[] = {
        {"frontend", front}, {"frontend-id", fid}, {"online", "1"}, {"state", "1"}, {"script", "vif-bridge"},
        {"mac", d->mac}, {"handle", devid}, {"type", "vif"}, {"hotplug-status", "connected"}, {"bridge", d->bridge},
    };
    const struct key vbd_front[] = {
        {"backend", back}, {"backend-id", bid}, {"state", "1"}, {"virtual-device", devid}, {"device-type", "disk"},
        {"trusted", "1"},
    };
    const struct key vbd_back[] = {
        {"frontend", front}, {"frontend-id", fid}, {"online", "1"}, {"state", "1"}, {"removable", "0"},
        {"bootable", "1"}, {"dev", d->dev}, {"type", "phy"}, {"mode", d->read_only ? "r" : "w"},
        {"device-type", "disk"}, {"params", d->target}, {"script", "block"}, {"hotplug-status", "connected"},
        {"physical-device", d->physical},
    };
    /* bridge and physical-device are written only when the description gives them (last keys). */
    size_t nvb = sizeof vif_back / sizeof vif_back[0] - (d->bridge[0] ? 0 : 1);
    size_t nbb = sizeof vbd_back / sizeof vbd_back[0] - (d->physical[0] ? 0 : 1);

    /* The backend's directory first: Linux's backend bus probes a device as soon as it appears
     * and then reads the frontend's, which must be complete by then; a frontend probes its own
     * once the backend's path it names exists. Both exist before either guest connects. */
    int err = backend_parents(s, d);
    if (!err) err = vif ? put_dir(s, back, vif_back, nvb, bperms, (uint32_t)bplen)
                        : put_dir(s, back, vbd_back, nbb, bperms, (uint32_t)bplen);
    if (!err) err = vif ? put_dir(s, front, vif_front, sizeof vif_front / sizeof vif_front[0], fperms, (uint32_t)fplen)
                        : put_dir(s, front, vbd_front, sizeof vbd_front / sizeof vbd_front[0], fperms, (uint32_t)fplen);
    return err;
}
