/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Strings in chains of 64-byte blocks, and the accounting of blocks and node records per
 * connection. Any free block serves any string, so the arena never fragments; a string of n
 * bytes takes ceil(n / 64) blocks and is charged as that many whole blocks.
 */
#include <errno.h>
#include <string.h>
#include "store.h"

uint32_t xs_blocks_for(uint32_t len)
{
    return (len + XS_BLOCK_SIZE - 1) / XS_BLOCK_SIZE;
}

/* A guest over its quota gets ENOSPC (Xen's answer to every quota); an empty arena ENOMEM. */
static int charge_blocks(struct xs_store *s, uint32_t charge, bool enforce, uint32_t n)
{
    struct xs_conn *c = &s->conn[charge];
    if (enforce && c->blocks + n > s->cfg.bytes / XS_BLOCK_SIZE) return ENOSPC;
    if (n > s->blocks_free_count) return ENOMEM;
    c->blocks += n;
    return 0;
}

int xs_charge_node(struct xs_store *s, uint32_t charge, bool enforce)
{
    struct xs_conn *c = &s->conn[charge];
    if (enforce && c->nodes >= s->cfg.nodes) return ENOSPC;
    if (s->nodes_free_count == 0) return ENOMEM;
    c->nodes++;
    return 0;
}

void xs_uncharge_node(struct xs_store *s, uint32_t charge)
{
    s->conn[charge].nodes--;
}

void xs_move_charge(struct xs_store *s, uint32_t from, uint32_t to, uint32_t blocks)
{
    s->conn[from].blocks -= blocks;
    s->conn[to].blocks += blocks;
}

static uint32_t block_alloc(struct xs_store *s)
{
    uint32_t b = s->block_free;
    s->block_free = s->block_next[b];
    s->blocks_free_count--;
    s->block_next[b] = XS_NONE;
    return b;
}

void xs_str_free(struct xs_store *s, uint32_t charge, struct xs_str *str)
{
    uint32_t b = str->first, n = xs_blocks_for(str->len);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t next = s->block_next[b];
        s->block_next[b] = s->block_free;
        s->block_free = b;
        s->blocks_free_count++;
        b = next;
    }
    s->conn[charge].blocks -= n;
    str->first = XS_NONE;
    str->len = 0;
}

/* Replaces *str with data; on failure *str is unchanged. */
int xs_str_set(struct xs_store *s, uint32_t charge, bool enforce, struct xs_str *str,
               const void *data, uint32_t len)
{
    uint32_t n = xs_blocks_for(len), first = XS_NONE, prev = XS_NONE;
    int err = charge_blocks(s, charge, enforce, n);
    if (err) return err;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = block_alloc(s), chunk = len - i * XS_BLOCK_SIZE;
        if (chunk > XS_BLOCK_SIZE) chunk = XS_BLOCK_SIZE;
        memcpy(s->block[b], (const uint8_t *)data + i * XS_BLOCK_SIZE, chunk);
        if (prev == XS_NONE) first = b; else s->block_next[prev] = b;
        prev = b;
    }
    xs_str_free(s, charge, str);
    str->first = first;
    str->len = len;
    return 0;
}

void xs_str_read(const struct xs_store *s, const struct xs_str *str, uint32_t off, void *out,
                 uint32_t len)
{
    uint32_t b = str->first, done = 0;
    for (uint32_t skip = off / XS_BLOCK_SIZE; skip > 0; skip--) b = s->block_next[b];
    off %= XS_BLOCK_SIZE;
    while (done < len) {
        uint32_t chunk = XS_BLOCK_SIZE - off;
        if (chunk > len - done) chunk = len - done;
        memcpy((uint8_t *)out + done, s->block[b] + off, chunk);
        done += chunk;
        off = 0;
        b = s->block_next[b];
    }
}

bool xs_str_eq(const struct xs_store *s, const struct xs_str *str, const char *data, uint32_t len)
{
    uint32_t b = str->first;
    if (str->len != len) return false;
    for (uint32_t off = 0; off < len; off += XS_BLOCK_SIZE) {
        uint32_t chunk = len - off < XS_BLOCK_SIZE ? len - off : XS_BLOCK_SIZE;
        if (memcmp(s->block[b], data + off, chunk) != 0) return false;
        b = s->block_next[b];
    }
    return true;
}

/* *dst becomes a copy of *src (which must not be *dst); on failure *dst is unchanged. */
int xs_str_copy(struct xs_store *s, uint32_t charge, bool enforce, struct xs_str *dst,
                const struct xs_str *src)
{
    uint32_t n = xs_blocks_for(src->len), first = XS_NONE, prev = XS_NONE, from = src->first;
    int err = charge_blocks(s, charge, enforce, n);
    if (err) return err;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = block_alloc(s);
        memcpy(s->block[b], s->block[from], XS_BLOCK_SIZE);
        from = s->block_next[from];
        if (prev == XS_NONE) first = b; else s->block_next[prev] = b;
        prev = b;
    }
    xs_str_free(s, charge, dst);
    dst->first = first;
    dst->len = src->len;
    return 0;
}

static uint8_t *byte_at(struct xs_store *s, const struct xs_str *str, uint32_t i)
{
    uint32_t b = str->first;
    for (uint32_t skip = i / XS_BLOCK_SIZE; skip > 0; skip--) b = s->block_next[b];
    return &s->block[b][i % XS_BLOCK_SIZE];
}

/* Appends data to *str in place; on failure *str is unchanged. */
int xs_str_append(struct xs_store *s, uint32_t charge, bool enforce, struct xs_str *str,
                  const void *data, uint32_t len)
{
    uint32_t have = xs_blocks_for(str->len), need = xs_blocks_for(str->len + len);
    uint32_t last = str->first;
    int err = charge_blocks(s, charge, enforce, need - have);
    if (err) return err;
    for (uint32_t i = 1; i < have; i++) last = s->block_next[last];
    for (uint32_t i = have; i < need; i++) {
        uint32_t b = block_alloc(s);
        if (last == XS_NONE) str->first = b; else s->block_next[last] = b;
        last = b;
    }
    for (uint32_t i = 0; i < len; i++) *byte_at(s, str, str->len + i) = ((const uint8_t *)data)[i];
    str->len += len;
    return 0;
}

/* Removes n bytes at off from *str, in place, and frees the blocks no longer needed. */
void xs_str_cut(struct xs_store *s, uint32_t charge, struct xs_str *str, uint32_t off, uint32_t n)
{
    uint32_t keep, b;
    for (uint32_t i = off; i + n < str->len; i++) *byte_at(s, str, i) = *byte_at(s, str, i + n);
    keep = xs_blocks_for(str->len - n);
    if (keep == 0) {
        xs_str_free(s, charge, str);
        return;
    }
    b = str->first;
    for (uint32_t i = 1; i < keep; i++) b = s->block_next[b];
    {
        struct xs_str tail = { .first = s->block_next[b], .len = str->len - keep * XS_BLOCK_SIZE };
        if (str->len > keep * XS_BLOCK_SIZE) xs_str_free(s, charge, &tail);
    }
    s->block_next[b] = XS_NONE;
    str->len -= n;
}
