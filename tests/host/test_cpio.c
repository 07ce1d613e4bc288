/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of lib/cpio.c: archives made by the real cpio(1) tool (newc
 * and crc formats), hand-made archives with one defect each, and every
 * truncation of a small archive, read from buffers of exactly the tested
 * length so that ASan sees any out-of-bounds read.
 *
 * usage: test_cpio [workdir]   (default: a fresh directory under /tmp)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "../lib/check.h"

static char workdir[4096];

/* ---- helpers: files ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "command failed: %s\n", cmd);
		exit(2);
	}
}

/* An exact-size copy: a read one byte past `len` is an ASan error. */
static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	memcpy(p, src, len);
	return p;
}

/* ---- helpers: hand-made archives ---- */

struct builder {
	uint8_t buf[8192];
	size_t len;
};

static void pad4(struct builder *b)
{
	while (b->len & 3)
		b->buf[b->len++] = 0;
}

/* Appends one entry; returns its offset. Checksums are right for 070702. */
static size_t add_entry(struct builder *b, const char *magic, const char *name,
			const void *data, uint32_t size, uint32_t mode)
{
	size_t off = b->len, namesize = strlen(name) + 1;
	uint32_t sum = 0;
	char hdr[160];

	for (uint32_t i = 0; i < size; i++)
		sum += ((const uint8_t *)data)[i];
	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 magic, 7u, mode, 0u, 0u, 1u, 0x5eed0000u, size, 0u, 0u, 0u,
		 0u, (unsigned)namesize, strcmp(magic, "070702") == 0 ? sum : 0u);
	memcpy(b->buf + b->len, hdr, BH_CPIO_HEADER_SIZE);
	b->len += BH_CPIO_HEADER_SIZE;
	memcpy(b->buf + b->len, name, namesize);
	b->len += namesize;
	pad4(b);
	memcpy(b->buf + b->len, data, size);
	b->len += size;
	pad4(b);
	return off;
}

static size_t add_trailer(struct builder *b, const char *magic)
{
	return add_entry(b, magic, "TRAILER!!!", "", 0, 0);
}

/* Overwrites header field `field` (0 = ino ... 12 = check). */
static void set_field(struct builder *b, size_t entry, unsigned field,
		      const char *eight)
{
	memcpy(b->buf + entry + 6 + 8 * field, eight, 8);
}

#define FIELD_MODE 1u
#define FIELD_FILESIZE 6u
#define FIELD_NAMESIZE 11u
#define FIELD_CHECK 12u

/* A three-file archive used by many tests; *second is the 2nd entry. */
static void small_archive(struct builder *b, const char *magic, size_t *second)
{
	size_t s;

	b->len = 0;
	add_entry(b, magic, "init", "\x7f" "ELF-ish", 8, 0100755);
	s = add_entry(b, magic, "./etc/motd", "hi\n", 3, 0100644);
	add_entry(b, magic, "etc", "", 0, 040755);
	add_trailer(b, magic);
	if (second)
		*second = s;
}

/* Walks the whole archive; returns the final status, counts entries. */
static int walk(const void *a, size_t len, unsigned *count)
{
	struct bh_cpio_entry e;
	size_t off = 0;
	int err;

	*count = 0;
	while ((err = bh_cpio_next(a, len, &off, &e)) == BH_CPIO_OK)
		(*count)++;
	return err;
}

/* Walk status of a hand-made archive, read from an exact-size copy. */
static int walk_copy(const struct builder *b, size_t len)
{
	uint8_t *p = exact_copy(b->buf, len);
	unsigned n;
	int err = walk(p, len, &n);

	free(p);
	return err;
}

/* ---- archives from the cpio tool ---- */

/* `find .` lists "./a"; GNU cpio stores "a" (the "./" is tested by hand). */
static const char *tool_names[] = {
	".", "a", "ab", "abc", "big.bin", "dir", "dir/nested.bin",
	"empty", "hello.txt", "link",
};
#define TOOL_COUNT (sizeof(tool_names) / sizeof(tool_names[0]))

static void make_tree(void)
{
	char path[4200], cmd[8800];
	uint8_t big[70001];

	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s'; rm -rf tree; mkdir -p tree/dir; cd tree;"
		 " printf 'hello, bulkhead\\n' > hello.txt; : > empty;"
		 " printf x > a; printf xy > ab; printf xyz > abc;"
		 " ln -s hello.txt link", workdir);
	sh(cmd);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	snprintf(path, sizeof(path), "%s/tree/big.bin", workdir);
	write_file(path, big, sizeof(big));
	snprintf(path, sizeof(path), "%s/tree/dir/nested.bin", workdir);
	write_file(path, big + 5, 1003);
	for (const char *fmt = "newc"; fmt; fmt = strcmp(fmt, "newc") ? NULL : "crc") {
		snprintf(cmd, sizeof(cmd),
			 "cd '%s/tree' && find . | LC_ALL=C sort |"
			 " cpio -o -H %s --quiet --reproducible > ../%s.cpio",
			 workdir, fmt, fmt);
		sh(cmd);
	}
}

static uint8_t *load_tool_archive(const char *fmt, size_t *len)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s.cpio", workdir, fmt);
	return read_file(path, len);
}

/* Compares one entry with the file it came from (lstat + contents). */
static int check_against_disk(const struct bh_cpio_entry *e)
{
	char path[4200], target[256];
	struct stat st;
	size_t len;
	uint8_t *want;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/tree/%s", workdir, e->name);
	CHECK_R(lstat(path, &st) == 0);
	CHECK_R(e->mode == (uint32_t)st.st_mode);
	CHECK_R(e->name_len == strlen(e->name));
	if (S_ISREG(st.st_mode)) {
		want = read_file(path, &len);
		CHECK_R(want && e->size == len);
		CHECK_R(len == 0 || memcmp(e->data, want, len) == 0);
		free(want);
	} else if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target));
		CHECK_R(n > 0 && e->size == (size_t)n);
		CHECK_R(memcmp(e->data, target, (size_t)n) == 0);
	} else {
		CHECK_R(S_ISDIR(st.st_mode) && e->size == 0);
	}
	return 0;
}

static void check_tool_archive(const char *fmt, char magic_last)
{
	struct bh_cpio_entry e;
	size_t len, off = 0;
	uint8_t *a = load_tool_archive(fmt, &len);
	unsigned i = 0;
	int err;

	CHECK(a != NULL && len > 0);
	CHECK(a[5] == (uint8_t)magic_last);
	while ((err = bh_cpio_next(a, len, &off, &e)) == BH_CPIO_OK) {
		CHECK(i < TOOL_COUNT);
		if (strcmp(e.name, tool_names[i]) != 0)
			check_fail(__FILE__, __LINE__, "entry %u is %s", i, e.name);
		CHECK(strcmp(e.name, tool_names[i]) == 0);
		CHECK(check_against_disk(&e) == 0);
		CHECK((off & 3) == 0);
		i++;
	}
	CHECK_EQ(err, BH_CPIO_END);
	CHECK_EQ(i, TOOL_COUNT);
	/* At the trailer, calling again gives the end again. */
	CHECK_EQ(bh_cpio_next(a, len, &off, &e), BH_CPIO_END);
	free(a);
}

static void test_tool_newc(void)
{
	check_tool_archive("newc", '1');
}

static void test_tool_crc(void)
{
	check_tool_archive("crc", '2');
}

static void test_find(void)
{
	static const char *const fmts[] = { "newc", "crc" };
	struct bh_cpio_entry e;
	size_t len;

	for (unsigned f = 0; f < 2; f++) {
		uint8_t *a = load_tool_archive(fmts[f], &len);

		CHECK(a != NULL);
		CHECK_EQ(bh_cpio_find(a, len, "hello.txt", &e), 0);
		CHECK(e.size == 16 && memcmp(e.data, "hello, bulkhead\n", 16) == 0);
		CHECK_EQ(bh_cpio_find(a, len, "./hello.txt", &e), 0);
		CHECK(strcmp(e.name, "hello.txt") == 0);
		CHECK_EQ(bh_cpio_find(a, len, "dir/nested.bin", &e), 0);
		CHECK_EQ(e.size, 1003);
		CHECK_EQ(bh_cpio_find(a, len, "dir", &e), 0);
		CHECK_EQ(e.mode & BH_CPIO_S_IFMT, BH_CPIO_S_IFDIR);
		CHECK_EQ(bh_cpio_find(a, len, "link", &e), 0);
		CHECK_EQ(e.mode & BH_CPIO_S_IFMT, BH_CPIO_S_IFLNK);
		CHECK_EQ(bh_cpio_find(a, len, "empty", &e), 0);
		CHECK_EQ(e.size, 0);
		CHECK_EQ(bh_cpio_find(a, len, "abc", &e), 0);
		CHECK(e.size == 3 && memcmp(e.data, "xyz", 3) == 0);
		CHECK_EQ(bh_cpio_find(a, len, ".", &e), 0);
		CHECK_EQ(bh_cpio_find(a, len, "hello", &e), BH_CPIO_ERR_NOT_FOUND);
		CHECK_EQ(bh_cpio_find(a, len, "hello.txt.", &e), BH_CPIO_ERR_NOT_FOUND);
		CHECK_EQ(bh_cpio_find(a, len, "/hello.txt", &e), BH_CPIO_ERR_NOT_FOUND);
		CHECK_EQ(bh_cpio_find(a, len, "nested.bin", &e), BH_CPIO_ERR_NOT_FOUND);
		CHECK_EQ(bh_cpio_find(a, len, "TRAILER!!!", &e), BH_CPIO_ERR_NOT_FOUND);
		CHECK_EQ(bh_cpio_find(a, len, "", &e), BH_CPIO_ERR_NOT_FOUND);
		free(a);
	}
}

/* Hand-made: names and sizes of every length mod 4, both magics. */
static void test_padding(void)
{
	static struct builder b;
	static const char *const magics[] = { "070701", "070702" };
	static const char *const names[] = { "n", "n2", "n23", "n234", "n2345" };
	const uint8_t data[] = "0123456789";
	struct bh_cpio_entry e;
	size_t off;

	for (unsigned m = 0; m < 2; m++) {
		b.len = 0;
		for (unsigned n = 0; n < 5; n++)
			add_entry(&b, magics[m], names[n], data, n * 2 + 1, 0100600);
		add_trailer(&b, magics[m]);
		off = 0;
		for (unsigned n = 0; n < 5; n++) {
			CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), 0);
			CHECK(strcmp(e.name, names[n]) == 0);
			CHECK_EQ(e.size, n * 2 + 1);
			CHECK(memcmp(e.data, data, e.size) == 0);
			CHECK_EQ(((const uint8_t *)e.data - b.buf) & 3, 0);
			CHECK_EQ(e.mode, 0100600);
			CHECK_EQ(e.ino, 7);
			CHECK_EQ(e.nlink, 1);
			CHECK_EQ(e.mtime, 0x5eed0000u);
		}
		CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), BH_CPIO_END);
	}
}

/* One leading "./" is ignored on either side, and nothing more. */
static void test_dot_slash(void)
{
	static struct builder b;
	struct bh_cpio_entry e;

	small_archive(&b, "070701", NULL);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "etc/motd", &e), 0);
	CHECK(strcmp(e.name, "./etc/motd") == 0 && e.name_len == 10);
	CHECK(e.size == 3 && memcmp(e.data, "hi\n", 3) == 0);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "./etc/motd", &e), 0);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "./init", &e), 0);
	CHECK_EQ(e.mode, 0100755);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "init", &e), 0);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "./etc", &e), 0);
	CHECK_EQ(e.mode & BH_CPIO_S_IFMT, BH_CPIO_S_IFDIR);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, ".//etc/motd", &e), BH_CPIO_ERR_NOT_FOUND);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "././init", &e), BH_CPIO_ERR_NOT_FOUND);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "etc/", &e), BH_CPIO_ERR_NOT_FOUND);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "Init", &e), BH_CPIO_ERR_NOT_FOUND);
}

/* Lower-case hex is hex too. */
static void test_lowercase_hex(void)
{
	static struct builder b;
	struct bh_cpio_entry e;

	small_archive(&b, "070701", NULL);
	set_field(&b, 0, FIELD_MODE, "000081ed");
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "init", &e), 0);
	CHECK_EQ(e.mode, 0100755);
}

static void test_err_magic(void)
{
	static struct builder b;
	static const char *const bad[] = { "070700", "070703", "070707", "170701",
					   "07070\x01", "\0\0\0\0\0\0" };
	size_t second;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		small_archive(&b, "070701", &second);
		memcpy(b.buf, bad[i], 6);
		CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_MAGIC);
	}
	/* Old binary and odc ("070707") archives are not newc. */
	small_archive(&b, "070701", &second);
	memcpy(b.buf + second, "070707", 6);
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_MAGIC);
}

static void test_err_hex(void)
{
	static struct builder b;
	static const char bad[] = { 'g', 'G', ' ', '-', 'x', 0, '/', ':', '@', '`' };

	for (unsigned field = 0; field < 13; field++) {
		for (unsigned k = 0; k < sizeof(bad); k++) {
			small_archive(&b, "070701", NULL);
			b.buf[6 + 8 * field + (k % 8)] = (uint8_t)bad[k];
			CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_HEX);
		}
	}
}

static void test_err_name_unterminated(void)
{
	static struct builder b;

	small_archive(&b, "070701", NULL);
	b.buf[BH_CPIO_HEADER_SIZE + 4] = 'x'; /* the NUL of "init" */
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_NAME_UNTERMINATED);
	/* namesize one short: the last counted byte is 't'. */
	small_archive(&b, "070701", NULL);
	set_field(&b, 0, FIELD_NAMESIZE, "00000004");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_NAME_UNTERMINATED);
}

static void test_err_name_empty(void)
{
	static struct builder b;
	size_t second;

	small_archive(&b, "070701", &second);
	set_field(&b, second, FIELD_NAMESIZE, "00000000");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_NAME_EMPTY);
}

static void test_err_name_nul(void)
{
	static struct builder b;
	struct bh_cpio_entry e;

	small_archive(&b, "070701", NULL);
	b.buf[BH_CPIO_HEADER_SIZE + 1] = 0; /* "i\0it\0" */
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_NAME_NUL);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "i", &e), BH_CPIO_ERR_NAME_NUL);
}

static void test_err_data_bounds(void)
{
	static struct builder b;
	static const char *const sizes[] = { "FFFFFFFF", "80000000", "00010000" };
	size_t second;

	for (unsigned i = 0; i < 3; i++) {
		small_archive(&b, "070701", &second);
		set_field(&b, second, FIELD_FILESIZE, sizes[i]);
		CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_DATA_BOUNDS);
	}
	/* Exactly to the end is fine, one more byte is not. */
	b.len = 0;
	add_entry(&b, "070701", "f", "abcd", 4, 0100644);
	{
		struct bh_cpio_entry e;
		size_t off = 0;

		CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), 0);
		CHECK_EQ(off, b.len);
		set_field(&b, 0, FIELD_FILESIZE, "00000005");
		off = 0;
		CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), BH_CPIO_ERR_DATA_BOUNDS);
	}
}

static void test_err_no_trailer(void)
{
	static struct builder b;
	struct bh_cpio_entry e;
	size_t off = 0;

	b.len = 0;
	add_entry(&b, "070701", "init", "x", 1, 0100755);
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_NO_TRAILER);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "init", &e), 0);
	CHECK_EQ(bh_cpio_find(b.buf, b.len, "root", &e), BH_CPIO_ERR_NO_TRAILER);
	CHECK_EQ(bh_cpio_next(b.buf, 0, &off, &e), BH_CPIO_ERR_NO_TRAILER);
	/* Last entry's data padding cut: no room for a trailer either. */
	b.len = 0;
	add_entry(&b, "070701", "init", "x", 1, 0100755);
	CHECK_EQ(walk_copy(&b, b.len - 3), BH_CPIO_ERR_NO_TRAILER);
	CHECK_EQ(walk_copy(&b, b.len - 1), BH_CPIO_ERR_NO_TRAILER);
}

static void test_err_truncated(void)
{
	static struct builder b;
	size_t second;

	small_archive(&b, "070701", &second);
	/* Header cut. */
	CHECK_EQ(walk_copy(&b, second + 1), BH_CPIO_ERR_TRUNCATED);
	CHECK_EQ(walk_copy(&b, second + BH_CPIO_HEADER_SIZE - 1),
		 BH_CPIO_ERR_TRUNCATED);
	/* Name cut, and the padding after the name cut. */
	CHECK_EQ(walk_copy(&b, second + BH_CPIO_HEADER_SIZE + 3),
		 BH_CPIO_ERR_TRUNCATED);
	CHECK_EQ(walk_copy(&b, second + BH_CPIO_HEADER_SIZE + 11),
		 BH_CPIO_ERR_TRUNCATED);
	/* namesize larger than the archive. */
	set_field(&b, second, FIELD_NAMESIZE, "FFFFFFFF");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_TRUNCATED);
}

static void test_err_checksum(void)
{
	static struct builder b;
	size_t second;

	small_archive(&b, "070702", &second);
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_END);
	b.buf[second + 124] ^= 1; /* first data byte: 110 + 11, padded */
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_CHECKSUM);
	small_archive(&b, "070702", &second);
	set_field(&b, second, FIELD_CHECK, "00000000");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_CHECKSUM);
	/* Only regular files are summed (GNU cpio writes 0 for links). */
	b.len = 0;
	second = add_entry(&b, "070702", "link", "target", 6, 0120777);
	add_trailer(&b, "070702");
	set_field(&b, second, FIELD_CHECK, "00000000");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_END);
	set_field(&b, second, FIELD_MODE, "000081A4");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_ERR_CHECKSUM);
	/* 070701 ignores the check field. */
	small_archive(&b, "070701", &second);
	set_field(&b, second, FIELD_CHECK, "DEADBEEF");
	CHECK_EQ(walk_copy(&b, b.len), BH_CPIO_END);
}

static void test_err_bad_offset(void)
{
	static struct builder b;
	struct bh_cpio_entry e;
	size_t off;

	small_archive(&b, "070701", NULL);
	off = 2;
	CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), BH_CPIO_ERR_BAD_OFFSET);
	off = b.len + 4;
	CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), BH_CPIO_ERR_BAD_OFFSET);
	off = SIZE_MAX;
	CHECK_EQ(bh_cpio_next(b.buf, b.len, &off, &e), BH_CPIO_ERR_BAD_OFFSET);
	CHECK_EQ(off, SIZE_MAX);
}

/* Every prefix of an archive: an error before the trailer, the end after. */
static int check_prefixes(const uint8_t *a, size_t full, size_t trailer_end,
			  const char *present)
{
	struct bh_cpio_entry e;

	for (size_t len = 0; len <= full; len++) {
		uint8_t *p = exact_copy(a, len);
		unsigned n;
		int err = walk(p, len, &n), ferr;

		if (len < trailer_end && err >= 0) {
			check_fail(__FILE__, __LINE__, "prefix %zu accepted", len);
			return -1;
		}
		if (len >= trailer_end && err != BH_CPIO_END) {
			check_fail(__FILE__, __LINE__, "prefix %zu: %s", len,
				   bh_cpio_strerror(err));
			return -1;
		}
		ferr = bh_cpio_find(p, len, present, &e);
		CHECK_R(ferr == 0 || ferr == err);
		CHECK_R(bh_cpio_find(p, len, "absent", &e) ==
			(err == BH_CPIO_END ? BH_CPIO_ERR_NOT_FOUND : err));
		free(p);
	}
	return 0;
}

static void test_truncations(void)
{
	static struct builder b;
	static const char *const magics[] = { "070701", "070702" };
	size_t len, trailer_end;
	uint8_t *a;

	for (unsigned m = 0; m < 2; m++) {
		small_archive(&b, magics[m], NULL);
		/* The trailer's name padding is the last byte needed. */
		trailer_end = b.len;
		CHECK(check_prefixes(b.buf, b.len, trailer_end, "etc/motd") == 0);
	}
	a = load_tool_archive("newc", &len);
	CHECK(a != NULL);
	/* Trailer: 110 + 11 name bytes, padded to 4; cpio pads with zeros. */
	for (trailer_end = len; trailer_end > 0 && a[trailer_end - 1] == 0;)
		trailer_end--;
	trailer_end = (trailer_end + 1 + 3) & ~(size_t)3;
	CHECK(check_prefixes(a, len, trailer_end, "hello.txt") == 0);
	free(a);
}

/* Sizes past 4 GiB: an entry of 4 GiB - 1 bytes, then one more entry. */
static void test_huge(void)
{
	const size_t map = ((size_t)1 << 32) + 65536;
	struct builder *b = malloc(sizeof(*b));
	struct bh_cpio_entry e;
	size_t off = 0, second;
	uint8_t *a;

	a = mmap(NULL, map, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED) {
		fprintf(stderr, "cpio_huge: no 4 GiB mapping, test skipped\n");
		free(b);
		return;
	}
	b->len = 0;
	add_entry(b, "070701", "big", "", 0, 0100644);
	set_field(b, 0, FIELD_FILESIZE, "FFFFFFFF");
	memcpy(a, b->buf, b->len);
	second = (b->len + 0xFFFFFFFFu + 3) & ~(size_t)3;
	b->len = 0;
	add_entry(b, "070701", "small", "hi", 2, 0100644);
	add_trailer(b, "070701");
	memcpy(a + second, b->buf, b->len);

	CHECK_EQ(bh_cpio_next(a, second + b->len, &off, &e), 0);
	CHECK(e.size == 0xFFFFFFFFu && e.data == a + 116);
	CHECK_EQ(off, second);
	CHECK_EQ(bh_cpio_find(a, second + b->len, "small", &e), 0);
	CHECK(e.data == a + second + 116 && e.size == 2);
	CHECK_EQ(bh_cpio_find(a, second + 20, "small", &e), BH_CPIO_ERR_TRUNCATED);
	CHECK_EQ(bh_cpio_find(a, second - 4, "small", &e), BH_CPIO_ERR_DATA_BOUNDS);
	munmap(a, map);
	free(b);
}

static void test_strerror(void)
{
	for (int err = BH_CPIO_END; err >= BH_CPIO_ERR_BAD_OFFSET; err--) {
		const char *s = bh_cpio_strerror(err);

		CHECK(s != NULL && strstr(s, "unknown") == NULL);
		for (int other = err - 1; other >= BH_CPIO_ERR_BAD_OFFSET; other--)
			CHECK(strcmp(s, bh_cpio_strerror(other)) != 0);
	}
	CHECK(strstr(bh_cpio_strerror(-99), "unknown") != NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		snprintf(workdir, sizeof(workdir), "%s", argv[1]);
		if (mkdir(workdir, 0755) != 0 && access(workdir, W_OK) != 0) {
			perror(workdir);
			return 2;
		}
	} else {
		snprintf(workdir, sizeof(workdir), "/tmp/bh-cpio-XXXXXX");
		if (!mkdtemp(workdir)) {
			perror("mkdtemp");
			return 2;
		}
	}
	make_tree();
	RUN("cpio_tool_newc", test_tool_newc);
	RUN("cpio_tool_crc", test_tool_crc);
	RUN("cpio_find", test_find);
	RUN("cpio_padding", test_padding);
	RUN("cpio_dot_slash", test_dot_slash);
	RUN("cpio_lowercase_hex", test_lowercase_hex);
	RUN("cpio_err_magic", test_err_magic);
	RUN("cpio_err_hex", test_err_hex);
	RUN("cpio_err_name_unterminated", test_err_name_unterminated);
	RUN("cpio_err_name_empty", test_err_name_empty);
	RUN("cpio_err_name_nul", test_err_name_nul);
	RUN("cpio_err_data_bounds", test_err_data_bounds);
	RUN("cpio_err_no_trailer", test_err_no_trailer);
	RUN("cpio_err_truncated", test_err_truncated);
	RUN("cpio_err_checksum", test_err_checksum);
	RUN("cpio_err_bad_offset", test_err_bad_offset);
	RUN("cpio_truncations", test_truncations);
	RUN("cpio_huge", test_huge);
	RUN("cpio_strerror", test_strerror);
	return check_summary();
}
