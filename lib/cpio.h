/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#ifndef BH_LIB_CPIO_H
#define BH_LIB_CPIO_H

/*
 * Reader for the "newc" cpio format used for the boot archive.
 *
 * Format (cpio(5), "New ASCII Format"): each entry is a 110-byte header of
 * ASCII hex fields, the path name (namesize bytes, NUL included), padding to
 * a multiple of 4 counted from the start of the archive, the file data
 * (filesize bytes) and padding to a multiple of 4 again. The entry named
 * "TRAILER!!!" ends the archive.
 *
 *   magic "070701", then 13 fields of 8 hex digits:
 *   ino mode uid gid nlink mtime filesize devmajor devminor
 *   rdevmajor rdevminor namesize check
 *
 * Magic "070702" is the same layout where `check` is the sum of all data
 * bytes modulo 2^32; this reader verifies it for regular files (GNU cpio
 * writes 0 for other types, and Linux's initramfs checks only those).
 *
 * Freestanding: no libc, no allocation. Every pointer returned points into
 * the caller's archive buffer, which must stay alive while they are used.
 * The archive needs no particular alignment.
 */

#include <stddef.h>
#include <stdint.h>

/* Results: 0 success, BH_CPIO_END (1) at the trailer, negative errors. */
enum bh_cpio_error {
	BH_CPIO_OK = 0,
	BH_CPIO_END = 1,
	BH_CPIO_ERR_MAGIC = -1,           /* magic is not 070701/070702 */
	BH_CPIO_ERR_HEX = -2,             /* non-hex digit in a header field */
	BH_CPIO_ERR_NAME_UNTERMINATED = -3, /* last name byte is not NUL */
	BH_CPIO_ERR_NAME_EMPTY = -4,      /* namesize is 0 */
	BH_CPIO_ERR_NAME_NUL = -5,        /* NUL inside the name */
	BH_CPIO_ERR_DATA_BOUNDS = -6,     /* file data runs past the end */
	BH_CPIO_ERR_NO_TRAILER = -7,      /* archive ends without TRAILER!!! */
	BH_CPIO_ERR_TRUNCATED = -8,       /* header or name runs past the end */
	BH_CPIO_ERR_CHECKSUM = -9,        /* 070702 data checksum mismatch */
	BH_CPIO_ERR_NOT_FOUND = -10,      /* bh_cpio_find: no such name */
	BH_CPIO_ERR_BAD_OFFSET = -11,     /* *offset not 4-aligned or past end */
};

/* File type bits of `mode` (the st_mode values of POSIX, octal). */
#define BH_CPIO_S_IFMT 0170000u
#define BH_CPIO_S_IFREG 0100000u
#define BH_CPIO_S_IFDIR 0040000u
#define BH_CPIO_S_IFLNK 0120000u

/* Size of the fixed header that starts every entry. */
#define BH_CPIO_HEADER_SIZE 110u

struct bh_cpio_entry {
	const char *name;   /* NUL-terminated, inside the archive, as stored */
	size_t name_len;    /* strlen(name) == namesize - 1 */
	uint32_t ino;
	uint32_t mode;      /* type (BH_CPIO_S_IF*) and permission bits */
	uint32_t uid;
	uint32_t gid;
	uint32_t nlink;
	uint32_t mtime;
	const void *data;   /* filesize bytes inside the archive */
	size_t size;        /* up to 4 GiB - 1: the field has 8 hex digits */
};

/*
 * Reads the entry at *offset (start with 0) into *out and advances *offset
 * to the next entry. Returns 0 for an entry, BH_CPIO_END at the trailer
 * (*offset is left on the trailer, so calling again returns BH_CPIO_END
 * again; *out is not written), or a negative enum bh_cpio_error. On error
 * *offset and *out are unchanged.
 */
int bh_cpio_next(const void *archive, size_t len, size_t *offset,
		 struct bh_cpio_entry *out);

/*
 * Finds the first entry whose name equals `name` (a C string); one leading
 * "./" is ignored on both sides, nothing else is normalised. Any file type
 * matches: check out->mode. Stops at the match, so errors after it are not
 * seen; returns 0, BH_CPIO_ERR_NOT_FOUND at the trailer, or the first error.
 * *out is used as scratch space: its contents are meaningful only on 0.
 */
int bh_cpio_find(const void *archive, size_t len, const char *name,
		 struct bh_cpio_entry *out);

/* A constant message for any value returned above. */
const char *bh_cpio_strerror(int err);

#endif /* BH_LIB_CPIO_H */
