/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpio.h"

/* The 13 hex fields that follow the 6-byte magic, in header order. */
enum cpio_field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	F_COUNT
};

#define MAGIC_LEN 6u
#define FIELD_LEN 8u

_Static_assert(MAGIC_LEN + F_COUNT * FIELD_LEN == BH_CPIO_HEADER_SIZE,
	       "newc header is 110 bytes");

struct cpio_header {
	uint32_t field[F_COUNT];
	bool has_checksum; /* magic 070702 */
};

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Eight hex digits, no sign or prefix, so the value always fits 32 bits. */
static bool parse_field(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < FIELD_LEN; i++) {
		int d = hex_value(p[i]);

		if (d < 0)
			return false;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return true;
}

static int parse_header(const uint8_t *h, struct cpio_header *hdr)
{
	static const uint8_t magic[5] = { '0', '7', '0', '7', '0' };

	for (unsigned i = 0; i < sizeof(magic); i++)
		if (h[i] != magic[i])
			return BH_CPIO_ERR_MAGIC;
	if (h[5] != '1' && h[5] != '2')
		return BH_CPIO_ERR_MAGIC;
	hdr->has_checksum = h[5] == '2';
	for (unsigned f = 0; f < F_COUNT; f++)
		if (!parse_field(h + MAGIC_LEN + f * FIELD_LEN, &hdr->field[f]))
			return BH_CPIO_ERR_HEX;
	return BH_CPIO_OK;
}

/*
 * Rounds `off` (<= len) up to a multiple of 4, counted from the archive
 * start as newc requires; false if the result would pass `len`.
 */
static bool align4_within(size_t off, size_t len, size_t *out)
{
	size_t pad = (4u - (off & 3u)) & 3u;

	if (pad > len - off)
		return false;
	*out = off + pad;
	return true;
}

/* The name must end with its only NUL: namesize counts the terminator. */
static int check_name(const uint8_t *name, uint32_t namesize)
{
	if (namesize == 0)
		return BH_CPIO_ERR_NAME_EMPTY;
	if (name[namesize - 1] != 0)
		return BH_CPIO_ERR_NAME_UNTERMINATED;
	for (uint32_t i = 0; i + 1 < namesize; i++)
		if (name[i] == 0)
			return BH_CPIO_ERR_NAME_NUL;
	return BH_CPIO_OK;
}

static bool bytes_equal(const uint8_t *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != (uint8_t)b[i])
			return false;
	return true;
}

static bool is_trailer(const uint8_t *name, uint32_t namesize)
{
	static const char trailer[] = "TRAILER!!!";

	return namesize == sizeof(trailer) &&
	       bytes_equal(name, trailer, sizeof(trailer));
}

/*
 * 070702: the check field is the byte sum of the data, modulo 2^32, for
 * regular files only: GNU cpio writes 0 for symbolic links, and Linux's
 * initramfs unpacker checks regular files only.
 */
static bool is_regular(uint32_t mode)
{
	return (mode & BH_CPIO_S_IFMT) == BH_CPIO_S_IFREG;
}

static uint32_t data_sum(const uint8_t *data, size_t size)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < size; i++)
		sum += data[i];
	return sum;
}

static void fill_entry(struct bh_cpio_entry *out, const struct cpio_header *h,
		       const uint8_t *name, const uint8_t *data)
{
	out->name = (const char *)name;
	out->name_len = (size_t)h->field[F_NAMESIZE] - 1u;
	out->ino = h->field[F_INO];
	out->mode = h->field[F_MODE];
	out->uid = h->field[F_UID];
	out->gid = h->field[F_GID];
	out->nlink = h->field[F_NLINK];
	out->mtime = h->field[F_MTIME];
	out->data = data;
	out->size = (size_t)h->field[F_FILESIZE];
}

/*
 * Offset of the next header. The data end is within the archive; if its
 * padding is not, the archive has no room for another header, and the next
 * call will say the trailer is missing.
 */
static size_t next_offset(size_t data_end, size_t len)
{
	size_t next;

	return align4_within(data_end, len, &next) ? next : len;
}

int bh_cpio_next(const void *archive, size_t len, size_t *offset,
		 struct bh_cpio_entry *out)
{
	const uint8_t *a = archive;
	size_t off = *offset, name_off, data_off, size;
	struct cpio_header h;
	int err;

	if (off > len || (off != len && (off & 3u) != 0))
		return BH_CPIO_ERR_BAD_OFFSET;
	if (off == len)
		return BH_CPIO_ERR_NO_TRAILER;
	if (len - off < BH_CPIO_HEADER_SIZE)
		return BH_CPIO_ERR_TRUNCATED;
	err = parse_header(a + off, &h);
	if (err != BH_CPIO_OK)
		return err;

	name_off = off + BH_CPIO_HEADER_SIZE;
	if (h.field[F_NAMESIZE] > len - name_off)
		return BH_CPIO_ERR_TRUNCATED;
	err = check_name(a + name_off, h.field[F_NAMESIZE]);
	if (err != BH_CPIO_OK)
		return err;
	if (!align4_within(name_off + h.field[F_NAMESIZE], len, &data_off))
		return BH_CPIO_ERR_TRUNCATED;

	size = h.field[F_FILESIZE];
	if (size > len - data_off)
		return BH_CPIO_ERR_DATA_BOUNDS;
	if (h.has_checksum && is_regular(h.field[F_MODE]) &&
	    data_sum(a + data_off, size) != h.field[F_CHECK])
		return BH_CPIO_ERR_CHECKSUM;
	if (is_trailer(a + name_off, h.field[F_NAMESIZE]))
		return BH_CPIO_END;

	fill_entry(out, &h, a + name_off, a + data_off);
	*offset = next_offset(data_off + size, len);
	return BH_CPIO_OK;
}

/* One leading "./" is not part of the name for lookups. */
static const char *skip_dot_slash(const char *s, size_t *len)
{
	if (*len >= 2 && s[0] == '.' && s[1] == '/') {
		*len -= 2;
		return s + 2;
	}
	return s;
}

static size_t c_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != 0)
		n++;
	return n;
}

static bool name_matches(const struct bh_cpio_entry *e, const char *want,
			 size_t want_len)
{
	size_t have_len = e->name_len;
	const char *have = skip_dot_slash(e->name, &have_len);

	return have_len == want_len &&
	       bytes_equal((const uint8_t *)have, want, want_len);
}

int bh_cpio_find(const void *archive, size_t len, const char *name,
		 struct bh_cpio_entry *out)
{
	size_t want_len = c_strlen(name), off = 0;
	const char *want = skip_dot_slash(name, &want_len);
	int err;

	/* Each step advances off by at least a header, so this terminates. */
	while ((err = bh_cpio_next(archive, len, &off, out)) == BH_CPIO_OK)
		if (name_matches(out, want, want_len))
			return BH_CPIO_OK;
	return err == BH_CPIO_END ? BH_CPIO_ERR_NOT_FOUND : err;
}

const char *bh_cpio_strerror(int err)
{
	switch (err) {
	case BH_CPIO_OK: return "success";
	case BH_CPIO_END: return "end of archive (trailer reached)";
	case BH_CPIO_ERR_MAGIC: return "bad magic (expected 070701 or 070702)";
	case BH_CPIO_ERR_HEX: return "non-hex digit in a header field";
	case BH_CPIO_ERR_NAME_UNTERMINATED: return "name not NUL-terminated";
	case BH_CPIO_ERR_NAME_EMPTY: return "name size is 0";
	case BH_CPIO_ERR_NAME_NUL: return "name contains a NUL byte";
	case BH_CPIO_ERR_DATA_BOUNDS: return "file data beyond end of archive";
	case BH_CPIO_ERR_NO_TRAILER: return "missing TRAILER!!! entry";
	case BH_CPIO_ERR_TRUNCATED: return "truncated header or name";
	case BH_CPIO_ERR_CHECKSUM: return "data checksum mismatch (070702)";
	case BH_CPIO_ERR_NOT_FOUND: return "no entry with that name";
	case BH_CPIO_ERR_BAD_OFFSET: return "offset not at an entry boundary";
	default: return "unknown cpio error";
	}
}
