/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Host tests of lib/elf.c: real executables (compared field by field with
 * readelf(1)), a hand-made image in both byte orders with one defect per
 * error kind, and every truncation of every image, read with the bytes past
 * the cut poisoned so that ASan sees any out-of-bounds read.
 *
 * usage: test_elf FILE...   ELF executables built from tests/lib/static_prog.c
 *                           (name contains "static") or any other ELF64
 * The test binary itself is always checked too (/proc/self/exe).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "elf.h"
#include "../lib/check.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* ---- helpers ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static uint64_t get(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p[be ? i : n - 1 - i];
	return v;
}

static void put(uint8_t *p, unsigned n, uint64_t v, bool be)
{
	for (unsigned i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Touches every byte of [p, p + n): ASan reports any that is not ours. */
static volatile uint8_t sink;
static void touch(const void *p, uint64_t n)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	for (uint64_t i = 0; i < n; i++)
		x ^= b[i];
	sink = x;
}

/* Only the ends, for big inputs walked many times. */
static void touch_ends(const void *p, uint64_t n)
{
	const uint8_t *b = p;

	if (n > 0)
		sink = (uint8_t)(b[0] ^ b[n - 1]);
}

/* ---- the hand-made image ---- */

/*
 * 0x000 ELF header   0x040 4 program headers   0x120 notes (0x34 bytes)
 * 0x160 text          0x180 data, TLS template = first 8 bytes; len 0x190
 * PT_LOAD text: file 0..0x180 at 0x400000 (paddr 0x100000), R X
 * PT_LOAD data: file 0x180..0x190 at 0x401180, memsz 0x100, R W
 * PT_NOTE at 0x120, PT_TLS at 0x180 (filesz 8, memsz 0x18, align 8).
 */
#define IMG_LEN 0x190u
#define PH(i) (0x40u + 56u * (i))
#define PH_LOAD0 PH(0)
#define PH_LOAD1 PH(1)
#define PH_NOTE PH(2)
#define PH_TLS PH(3)
#define P_TYPE 0u
#define P_FLAGS 4u
#define P_OFFSET 8u
#define P_VADDR 16u
#define P_PADDR 24u
#define P_FILESZ 32u
#define P_MEMSZ 40u
#define P_ALIGN 48u
#define NOTES 0x120u
#define NOTE2 (NOTES + 20u)

struct img {
	uint8_t b[IMG_LEN];
	bool be;
	uint16_t machine;
};

static void ph(struct img *m, unsigned at, uint32_t type, uint32_t flags,
	       uint64_t off, uint64_t vaddr, uint64_t paddr, uint64_t filesz,
	       uint64_t memsz, uint64_t align)
{
	put(m->b + at + P_TYPE, 4, type, m->be);
	put(m->b + at + P_FLAGS, 4, flags, m->be);
	put(m->b + at + P_OFFSET, 8, off, m->be);
	put(m->b + at + P_VADDR, 8, vaddr, m->be);
	put(m->b + at + P_PADDR, 8, paddr, m->be);
	put(m->b + at + P_FILESZ, 8, filesz, m->be);
	put(m->b + at + P_MEMSZ, 8, memsz, m->be);
	put(m->b + at + P_ALIGN, 8, align, m->be);
}

static void note(struct img *m, unsigned at, uint32_t namesz, uint32_t descsz,
		 uint32_t type, const char *name)
{
	put(m->b + at, 4, namesz, m->be);
	put(m->b + at + 4, 4, descsz, m->be);
	put(m->b + at + 8, 4, type, m->be);
	memcpy(m->b + at + 12, name, namesz);
}

static void make_img(struct img *m, bool be, uint16_t machine)
{
	memset(m->b, 0, sizeof(m->b));
	m->be = be;
	m->machine = machine;
	memcpy(m->b, "\177ELF\2", 5);
	m->b[5] = be ? 2 : 1;
	m->b[6] = 1;
	put(m->b + 16, 2, BH_ELF_ET_EXEC, be);
	put(m->b + 18, 2, machine, be);
	put(m->b + 20, 4, 1, be);
	put(m->b + 24, 8, 0x400160, be);
	put(m->b + 32, 8, 0x40, be);
	put(m->b + 52, 2, 64, be);
	put(m->b + 54, 2, 56, be);
	put(m->b + 56, 2, 4, be);
	ph(m, PH_LOAD0, BH_ELF_PT_LOAD, BH_ELF_PF_R | BH_ELF_PF_X, 0, 0x400000,
	   0x100000, 0x180, 0x180, 0x1000);
	ph(m, PH_LOAD1, BH_ELF_PT_LOAD, BH_ELF_PF_R | BH_ELF_PF_W, 0x180,
	   0x401180, 0x101180, 0x10, 0x100, 0x1000);
	ph(m, PH_NOTE, BH_ELF_PT_NOTE, BH_ELF_PF_R, NOTES, 0x400000 + NOTES,
	   0x100000 + NOTES, 0x34, 0x34, 4);
	ph(m, PH_TLS, BH_ELF_PT_TLS, BH_ELF_PF_R, 0x180, 0x401180, 0x101180, 8,
	   0x18, 8);
	note(m, NOTES, 4, 4, 18, "Xen");
	put(m->b + NOTES + 16, 4, 0x00100000, be);
	note(m, NOTE2, 9, 8, 0x42, "Bulkhead");
	put(m->b + NOTE2 + 24, 8, 0x1122334455667788u, be);
	memset(m->b + 0x160, 0x90, 0x20);
	put(m->b + 0x180, 8, 0xfeedfacecafef00du, be);
}

static void set(struct img *m, unsigned off, unsigned n, uint64_t v)
{
	put(m->b + off, n, v, m->be);
}

static int parse_img(const struct img *m, size_t len, struct bh_elf *elf)
{
	return bh_elf_parse(elf, m->b, len, m->machine);
}

/* The two variants every hand-made test runs on. */
static const struct { bool be; uint16_t machine; } variants[] = {
	{ false, BH_ELF_EM_X86_64 },
	{ true, BH_ELF_EM_PPC64 },
};
#define FOR_VARIANTS(m) \
	for (unsigned v_ = 0; v_ < 2 && \
	     (make_img(&(m), variants[v_].be, variants[v_].machine), 1); v_++)

/* ---- using a parsed image the way the loaders do ---- */

struct load_log {
	const struct bh_elf *elf;
	unsigned count;
	unsigned stop_at;   /* return 7 from this call (1-based), 0: never */
	bool full_touch;
	struct bh_elf_segment seg[8];
	bool bad;
};

static int log_segment(void *ctx, const struct bh_elf_segment *s)
{
	struct load_log *log = ctx;
	const uint8_t *d = s->data;

	if (s->filesz > s->memsz || s->memsz == 0 ||
	    d < log->elf->image ||
	    s->filesz > (uint64_t)(log->elf->image + log->elf->len - d))
		log->bad = true;
	if (log->full_touch)
		touch(s->data, s->filesz);
	else
		touch_ends(s->data, s->filesz);
	if (log->count < 8)
		log->seg[log->count] = *s;
	log->count++;
	return log->count == log->stop_at ? 7 : 0;
}

/* Runs every reader on a parsed image; returns -1 if anything is off. */
static int exercise(const struct bh_elf *elf, bool full_touch)
{
	struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
	struct load_log log = { .elf = elf, .full_touch = full_touch };
	struct bh_elf_bounds bounds;
	struct bh_elf_note n;
	struct bh_elf_tls tls;
	uint32_t pvh;
	uint64_t num;
	int err;

	CHECK_R(bh_elf_load_segments(elf, log_segment, &log) == 0 && !log.bad);
	bh_elf_bounds(elf, &bounds);
	CHECK_R(bounds.vaddr_lo < bounds.vaddr_end);
	while ((err = bh_elf_note_next(elf, &it, &n)) == BH_ELF_OK) {
		touch(n.name, n.namesz);
		touch(n.desc, n.descsz);
		(void)bh_elf_note_u64(elf, &n, &num);
	}
	CHECK_R(err == BH_ELF_END || err == BH_ELF_ERR_BAD_NOTE);
	err = bh_elf_xen_pvh_entry(elf, &pvh);
	CHECK_R(err == 0 || err == BH_ELF_ERR_NOT_FOUND || err == BH_ELF_ERR_BAD_NOTE);
	if (bh_elf_tls(elf, &tls) == 0) {
		CHECK_R(tls.filesz <= tls.memsz);
		touch(tls.data, tls.filesz);
	}
	return 0;
}

/* ---- hand-made image: success paths ---- */

static void test_img_ok(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		struct bh_elf_bounds bd;
		struct bh_elf_phdr p;

		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(elf.big_endian, m.be);
		CHECK_EQ(elf.type, BH_ELF_ET_EXEC);
		CHECK_EQ(elf.phnum, 4);
		CHECK_EQ(bh_elf_entry(&elf), 0x400160);
		CHECK_EQ(bh_elf_phdr(&elf, 1, &p), 0);
		CHECK(p.type == BH_ELF_PT_LOAD && p.offset == 0x180 &&
		      p.vaddr == 0x401180 && p.paddr == 0x101180 &&
		      p.filesz == 0x10 && p.memsz == 0x100 && p.align == 0x1000 &&
		      p.flags == (BH_ELF_PF_R | BH_ELF_PF_W));
		CHECK_EQ(bh_elf_phdr(&elf, 4, &p), BH_ELF_ERR_NOT_FOUND);
		bh_elf_bounds(&elf, &bd);
		CHECK_EQ(bd.vaddr_lo, 0x400000);
		CHECK_EQ(bd.vaddr_end, 0x401280);
		CHECK_EQ(bd.paddr_lo, 0x100000);
		CHECK_EQ(bd.paddr_end, 0x101280);
		CHECK(exercise(&elf, true) == 0);
	}
}

static void test_img_load(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		struct load_log log = { .elf = &elf };

		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_load_segments(&elf, log_segment, &log), 0);
		CHECK_EQ(log.count, 2);
		CHECK(log.seg[0].vaddr == 0x400000 && log.seg[0].paddr == 0x100000 &&
		      log.seg[0].data == m.b && log.seg[0].filesz == 0x180 &&
		      log.seg[0].memsz == 0x180 && log.seg[0].index == 0 &&
		      log.seg[0].flags == (BH_ELF_PF_R | BH_ELF_PF_X));
		CHECK(log.seg[1].vaddr == 0x401180 && log.seg[1].data == m.b + 0x180 &&
		      log.seg[1].filesz == 0x10 && log.seg[1].memsz == 0x100 &&
		      log.seg[1].index == 1 && log.seg[1].align == 0x1000);
		/* A callback's non-zero result stops the walk and is returned. */
		memset(&log, 0, sizeof(log));
		log.elf = &elf;
		log.stop_at = 1;
		CHECK_EQ(bh_elf_load_segments(&elf, log_segment, &log), 7);
		CHECK_EQ(log.count, 1);
		/* Flags other than R/W/X (PF_MASKOS) are not passed on. */
		set(&m, PH_LOAD0 + P_FLAGS, 4, 0x0ff00005);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		memset(&log, 0, sizeof(log));
		log.elf = &elf;
		CHECK_EQ(bh_elf_load_segments(&elf, log_segment, &log), 0);
		CHECK_EQ(log.seg[0].flags, BH_ELF_PF_R | BH_ELF_PF_X);
		/* Empty PT_LOADs are skipped, also by the order check. */
		set(&m, PH_NOTE + P_TYPE, 4, BH_ELF_PT_LOAD);
		set(&m, PH_NOTE + P_FILESZ, 8, 0);
		set(&m, PH_NOTE + P_MEMSZ, 8, 0);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		memset(&log, 0, sizeof(log));
		log.elf = &elf;
		CHECK_EQ(bh_elf_load_segments(&elf, log_segment, &log), 0);
		CHECK_EQ(log.count, 2);
	}
}

static void test_img_notes(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
		struct bh_elf_note n;
		uint64_t num;
		uint32_t pvh;

		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), 0);
		CHECK(n.namesz == 4 && strcmp(n.name, "Xen") == 0 && n.type == 18);
		CHECK(n.descsz == 4 && n.desc == m.b + NOTES + 16);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), 0);
		CHECK(n.namesz == 9 && strcmp(n.name, "Bulkhead") == 0);
		CHECK(n.type == 0x42 && n.descsz == 8 && n.desc == m.b + NOTE2 + 24);
		CHECK_EQ(bh_elf_note_u64(&elf, &n, &num), 0);
		CHECK(num == 0x1122334455667788u);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), BH_ELF_END);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), BH_ELF_END);
		CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), 0);
		CHECK_EQ(pvh, 0x00100000);
		CHECK_EQ(bh_elf_find_note(&elf, "Bulkhead", 0x42, &n), 0);
		CHECK_EQ(bh_elf_find_note(&elf, "Bulkhead", 18, &n), BH_ELF_ERR_NOT_FOUND);
		CHECK_EQ(bh_elf_find_note(&elf, "Xe", 18, &n), BH_ELF_ERR_NOT_FOUND);
		CHECK_EQ(bh_elf_find_note(&elf, "Xen2", 18, &n), BH_ELF_ERR_NOT_FOUND);
		CHECK_EQ(bh_elf_find_note(&elf, "", 18, &n), BH_ELF_ERR_NOT_FOUND);
		/* An 8-byte PHYS32_ENTRY, as Linux writes it on x86_64. */
		set(&m, NOTES + 4, 4, 8);
		set(&m, NOTES + 16, 8, 0x01000200);
		set(&m, PH_NOTE + P_FILESZ, 8, 24);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), 0);
		CHECK_EQ(pvh, 0x01000200);
		/* An empty owner name (namesz 0) is legal and matches "". */
		note(&m, NOTES, 0, 4, 5, "");
		set(&m, NOTES + 12, 4, 0x55);
		set(&m, PH_NOTE + P_FILESZ, 8, 16);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_find_note(&elf, "", 5, &n), 0);
		CHECK(n.namesz == 0 && n.descsz == 4 && n.desc == m.b + NOTES + 12);
		CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), BH_ELF_ERR_NOT_FOUND);
	}
}

/* PT_NOTE with p_align 8 pads name and descriptor to 8 (gnu.property). */
static void test_img_notes_align8(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
		struct bh_elf_note n;

		/* "Xen": 12 + 4, desc 4 padded to 8; then "GNU" at +24. */
		note(&m, NOTES, 4, 4, 18, "Xen");
		set(&m, NOTES + 16, 4, 0x2000);
		set(&m, NOTES + 20, 4, 0);
		note(&m, NOTES + 24, 4, 8, 5, "GNU");
		set(&m, NOTES + 40, 8, 0xabcdef);
		set(&m, PH_NOTE + P_FILESZ, 8, 48);
		set(&m, PH_NOTE + P_ALIGN, 8, 8);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), 0);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), 0);
		CHECK(strcmp(n.name, "GNU") == 0 && n.desc == m.b + NOTES + 40);
		CHECK_EQ(bh_elf_note_next(&elf, &it, &n), BH_ELF_END);
		/* The same bytes read with 4-byte padding go wrong. */
		set(&m, PH_NOTE + P_ALIGN, 8, 4);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_find_note(&elf, "GNU", 5, &n), BH_ELF_ERR_BAD_NOTE);
	}
}

static void test_img_tls(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		struct bh_elf_tls t;

		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_tls(&elf, &t), 0);
		CHECK(t.data == m.b + 0x180 && t.offset == 0x180 &&
		      t.vaddr == 0x401180 && t.filesz == 8 && t.memsz == 0x18 &&
		      t.align == 8);
		CHECK(get(t.data, 8, m.be) == 0xfeedfacecafef00du);
		set(&m, PH_TLS + P_TYPE, 4, 0x6474e551); /* PT_GNU_STACK */
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_tls(&elf, &t), BH_ELF_ERR_NOT_FOUND);
	}
}

/* ET_DYN, p_align 0 and 1, a segment ending at 2^64 - 1. */
static void test_img_variants(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		struct bh_elf_bounds bd;

		set(&m, 16, 2, BH_ELF_ET_DYN);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(elf.type, BH_ELF_ET_DYN);
		set(&m, PH_LOAD0 + P_ALIGN, 8, 0);
		set(&m, PH_LOAD1 + P_ALIGN, 8, 1);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		set(&m, PH_LOAD1 + P_VADDR, 8, UINT64_MAX - 0x100);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		bh_elf_bounds(&elf, &bd);
		CHECK(bd.vaddr_lo == 0x400000 && bd.vaddr_end == UINT64_MAX);
		/* Adjacent segments do not overlap. */
		make_img(&m, m.be, m.machine);
		set(&m, PH_LOAD1 + P_VADDR, 8, 0x400180);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
	}
}

/* ---- hand-made image: one test per error ---- */

#define EXPECT(m, err) do { \
	struct bh_elf e_; \
	CHECK_EQ(parse_img(&(m), IMG_LEN, &e_), (err)); \
} while (0)

static void test_err_not_elf(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		m.b[0] = 0x7e;
		EXPECT(m, BH_ELF_ERR_NOT_ELF);
		make_img(&m, m.be, m.machine);
		m.b[3] = 'f';
		EXPECT(m, BH_ELF_ERR_NOT_ELF);
		memcpy(m.b, "MZ", 2);
		CHECK_EQ(parse_img(&m, 2, &elf), BH_ELF_ERR_NOT_ELF);
	}
}

static void test_err_class(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		m.b[4] = 1; /* ELFCLASS32 */
		EXPECT(m, BH_ELF_ERR_CLASS);
		m.b[4] = 0;
		EXPECT(m, BH_ELF_ERR_CLASS);
		m.b[4] = 3;
		EXPECT(m, BH_ELF_ERR_CLASS);
	}
}

static void test_err_data(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		m.b[5] = 0;
		EXPECT(m, BH_ELF_ERR_DATA);
		m.b[5] = 3;
		EXPECT(m, BH_ELF_ERR_DATA);
		/* The other byte order reads every field wrong. */
		make_img(&m, m.be, m.machine);
		m.b[5] = m.be ? 1 : 2;
		EXPECT(m, BH_ELF_ERR_VERSION);
	}
}

static void test_err_version(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		m.b[6] = 0;
		EXPECT(m, BH_ELF_ERR_VERSION);
		make_img(&m, m.be, m.machine);
		set(&m, 20, 4, 2);
		EXPECT(m, BH_ELF_ERR_VERSION);
	}
}

static void test_err_machine(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		uint16_t other = m.machine == BH_ELF_EM_X86_64 ? BH_ELF_EM_PPC64
							       : BH_ELF_EM_X86_64;

		CHECK_EQ(bh_elf_parse(&elf, m.b, IMG_LEN, other), BH_ELF_ERR_MACHINE);
		set(&m, 18, 2, 3); /* EM_386 */
		EXPECT(m, BH_ELF_ERR_MACHINE);
	}
}

static void test_err_type(void)
{
	static const uint16_t bad[] = { 0, 1, 4, 0xfe00, 0xffff };
	struct img m;

	FOR_VARIANTS(m) {
		for (unsigned i = 0; i < 5; i++) {
			set(&m, 16, 2, bad[i]);
			EXPECT(m, BH_ELF_ERR_TYPE);
		}
	}
}

static void test_err_truncated(void)
{
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		CHECK_EQ(parse_img(&m, 0, &elf), BH_ELF_ERR_TRUNCATED);
		CHECK_EQ(parse_img(&m, 4, &elf), BH_ELF_ERR_TRUNCATED);
		CHECK_EQ(parse_img(&m, 63, &elf), BH_ELF_ERR_TRUNCATED);
	}
}

static void test_err_phentsize(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		set(&m, 54, 2, 32); /* ELF32's */
		EXPECT(m, BH_ELF_ERR_PHENTSIZE);
		set(&m, 54, 2, 64);
		EXPECT(m, BH_ELF_ERR_PHENTSIZE);
	}
}

static void test_err_phdrs_bounds(void)
{
	static const uint64_t phoff[] = { IMG_LEN - 56 * 4 + 1, IMG_LEN,
					  IMG_LEN + 1, UINT64_MAX - 55,
					  UINT64_MAX };
	struct img m;

	FOR_VARIANTS(m) {
		for (unsigned i = 0; i < 5; i++) {
			set(&m, 32, 8, phoff[i]);
			EXPECT(m, BH_ELF_ERR_PHDRS_BOUNDS);
		}
		make_img(&m, m.be, m.machine);
		set(&m, 56, 2, 8);
		EXPECT(m, BH_ELF_ERR_PHDRS_BOUNDS);
		set(&m, 56, 2, 0xffff); /* PN_XNUM */
		EXPECT(m, BH_ELF_ERR_PHDRS_BOUNDS);
	}
}

static void test_err_segment_bounds(void)
{
	static const unsigned which[] = { PH_LOAD0, PH_LOAD1, PH_NOTE, PH_TLS };
	struct img m;

	FOR_VARIANTS(m) {
		for (unsigned i = 0; i < 4; i++) {
			unsigned at = which[i];

			make_img(&m, m.be, m.machine);
			set(&m, at + P_OFFSET, 8, IMG_LEN - 7);
			set(&m, at + P_VADDR, 8, 0x400000 + IMG_LEN - 7);
			set(&m, at + P_FILESZ, 8, 8);
			set(&m, at + P_ALIGN, 8, 0);
			EXPECT(m, BH_ELF_ERR_SEGMENT_BOUNDS);
			set(&m, at + P_OFFSET, 8, UINT64_MAX - 3);
			EXPECT(m, BH_ELF_ERR_SEGMENT_BOUNDS);
			set(&m, at + P_OFFSET, 8, 0);
			set(&m, at + P_FILESZ, 8, (uint64_t)1 << 32);
			set(&m, at + P_MEMSZ, 8, (uint64_t)1 << 32);
			EXPECT(m, BH_ELF_ERR_SEGMENT_BOUNDS);
		}
	}
}

static void test_err_filesz(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		set(&m, PH_LOAD1 + P_FILESZ, 8, 0x101);
		EXPECT(m, BH_ELF_ERR_FILESZ);
		make_img(&m, m.be, m.machine);
		set(&m, PH_TLS + P_MEMSZ, 8, 7);
		EXPECT(m, BH_ELF_ERR_FILESZ);
		/* An empty PT_LOAD may not carry file bytes either. */
		make_img(&m, m.be, m.machine);
		set(&m, PH_NOTE + P_TYPE, 4, BH_ELF_PT_LOAD);
		set(&m, PH_NOTE + P_MEMSZ, 8, 0);
		EXPECT(m, BH_ELF_ERR_FILESZ);
	}
}

static void test_err_overlap(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		/* 0x401170 = 0x180 mod 0x10; text ends at 0x400180. */
		set(&m, PH_LOAD1 + P_VADDR, 8, 0x400170);
		set(&m, PH_LOAD1 + P_ALIGN, 8, 0x10);
		EXPECT(m, BH_ELF_ERR_OVERLAP);
		set(&m, PH_LOAD1 + P_VADDR, 8, 0x400000);
		EXPECT(m, BH_ELF_ERR_OVERLAP);
		/* A third segment inside the second. */
		make_img(&m, m.be, m.machine);
		ph(&m, PH_NOTE, BH_ELF_PT_LOAD, BH_ELF_PF_R, 0x180, 0x401200,
		   0x101200, 0, 0x10, 0);
		EXPECT(m, BH_ELF_ERR_OVERLAP);
	}
}

static void test_err_order(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		set(&m, PH_LOAD1 + P_VADDR, 8, 0x300180);
		EXPECT(m, BH_ELF_ERR_ORDER);
	}
}

static void test_err_addr_overflow(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		set(&m, PH_LOAD1 + P_VADDR, 8, UINT64_MAX - 0x7f);
		EXPECT(m, BH_ELF_ERR_ADDR_OVERFLOW);
		make_img(&m, m.be, m.machine);
		set(&m, PH_LOAD1 + P_PADDR, 8, UINT64_MAX - 0x10);
		EXPECT(m, BH_ELF_ERR_ADDR_OVERFLOW);
		make_img(&m, m.be, m.machine);
		set(&m, PH_LOAD1 + P_MEMSZ, 8, UINT64_MAX);
		EXPECT(m, BH_ELF_ERR_ADDR_OVERFLOW);
		make_img(&m, m.be, m.machine);
		set(&m, PH_TLS + P_VADDR, 8, UINT64_MAX - 1);
		EXPECT(m, BH_ELF_ERR_ADDR_OVERFLOW);
	}
}

static void test_err_align(void)
{
	static const uint64_t bad[] = { 3, 0x1001, 0x3000, UINT64_MAX };
	struct img m;

	FOR_VARIANTS(m) {
		for (unsigned i = 0; i < 4; i++) {
			make_img(&m, m.be, m.machine);
			set(&m, PH_LOAD1 + P_ALIGN, 8, bad[i]);
			EXPECT(m, BH_ELF_ERR_ALIGN);
			make_img(&m, m.be, m.machine);
			set(&m, PH_TLS + P_ALIGN, 8, bad[i]);
			EXPECT(m, BH_ELF_ERR_ALIGN);
		}
		/* p_vaddr and p_offset disagree modulo p_align. */
		make_img(&m, m.be, m.machine);
		set(&m, PH_LOAD1 + P_VADDR, 8, 0x401100);
		EXPECT(m, BH_ELF_ERR_ALIGN);
	}
}

static void test_err_tls(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		ph(&m, PH_NOTE, BH_ELF_PT_TLS, BH_ELF_PF_R, 0x180, 0x401180,
		   0x101180, 8, 0x18, 8);
		EXPECT(m, BH_ELF_ERR_TLS);
	}
}

static void test_err_no_load(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		set(&m, PH_LOAD0 + P_TYPE, 4, 0);
		set(&m, PH_LOAD1 + P_TYPE, 4, 0);
		EXPECT(m, BH_ELF_ERR_NO_LOAD);
		make_img(&m, m.be, m.machine);
		set(&m, PH_LOAD0 + P_FILESZ, 8, 0);
		set(&m, PH_LOAD0 + P_MEMSZ, 8, 0);
		set(&m, PH_LOAD1 + P_FILESZ, 8, 0);
		set(&m, PH_LOAD1 + P_MEMSZ, 8, 0);
		EXPECT(m, BH_ELF_ERR_NO_LOAD);
		make_img(&m, m.be, m.machine);
		set(&m, 56, 2, 0);
		EXPECT(m, BH_ELF_ERR_NO_LOAD);
	}
}

/* Each malformed note: the image parses, the note walk refuses. */
static int expect_bad_note(struct img *m)
{
	struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
	struct bh_elf_note n;
	struct bh_elf elf;
	int err;

	CHECK_R(parse_img(m, IMG_LEN, &elf) == 0);
	while ((err = bh_elf_note_next(&elf, &it, &n)) == BH_ELF_OK)
		;
	CHECK_R(err == BH_ELF_ERR_BAD_NOTE);
	/* The iterator stays on the bad note. */
	CHECK_R(bh_elf_note_next(&elf, &it, &n) == BH_ELF_ERR_BAD_NOTE);
	CHECK_R(bh_elf_find_note(&elf, "none", 1, &n) == BH_ELF_ERR_BAD_NOTE);
	return 0;
}

static void test_err_bad_note(void)
{
	struct img m;

	FOR_VARIANTS(m) {
		set(&m, NOTES, 4, 0x35); /* namesz past the segment */
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		set(&m, NOTES, 4, 0xffffffff);
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		set(&m, NOTE2 + 4, 4, 0xffffffff); /* descsz */
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		set(&m, NOTE2 + 4, 4, 9);
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		m.b[NOTES + 15] = 'X'; /* "XenX": no NUL */
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		set(&m, PH_NOTE + P_FILESZ, 8, 0x34 + 5); /* 5 stray bytes */
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		set(&m, PH_NOTE + P_FILESZ, 8, 20 + 11); /* header cut */
		CHECK(expect_bad_note(&m) == 0);
		make_img(&m, m.be, m.machine);
		set(&m, PH_NOTE + P_FILESZ, 8, 20 + 12 + 10); /* name pad cut */
		CHECK(expect_bad_note(&m) == 0);
	}
}

/* Well-formed notes whose contents are not what the reader needs. */
static void test_err_bad_note_value(void)
{
	struct bh_elf_note n;
	struct bh_elf elf;
	struct img m;
	uint32_t pvh;
	uint64_t num;

	FOR_VARIANTS(m) {
		/* PHYS32_ENTRY must fit 32 bits. */
		set(&m, NOTES + 4, 4, 8);
		set(&m, NOTES + 16, 8, 0x100000000u);
		set(&m, PH_NOTE + P_FILESZ, 8, 24);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), BH_ELF_ERR_BAD_NOTE);
		/* 2 bytes is a number, but not a PVH entry; 3 is neither. */
		set(&m, NOTES + 4, 4, 2);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), BH_ELF_ERR_BAD_NOTE);
		set(&m, NOTES + 4, 4, 3);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_find_note(&elf, "Xen", 18, &n), 0);
		CHECK_EQ(bh_elf_note_u64(&elf, &n, &num), BH_ELF_ERR_BAD_NOTE);
		CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), BH_ELF_ERR_BAD_NOTE);
	}
}

static void test_not_found(void)
{
	struct bh_elf_note n;
	struct bh_elf_phdr p;
	struct bh_elf_tls t;
	struct bh_elf elf;
	struct img m;

	FOR_VARIANTS(m) {
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_find_note(&elf, "Xen", 19, &n), BH_ELF_ERR_NOT_FOUND);
		CHECK_EQ(bh_elf_phdr(&elf, 0xffffffff, &p), BH_ELF_ERR_NOT_FOUND);
		set(&m, PH_TLS + P_TYPE, 4, 0);
		set(&m, PH_NOTE + P_TYPE, 4, 0);
		CHECK_EQ(parse_img(&m, IMG_LEN, &elf), 0);
		CHECK_EQ(bh_elf_tls(&elf, &t), BH_ELF_ERR_NOT_FOUND);
		CHECK_EQ(bh_elf_find_note(&elf, "Xen", 18, &n), BH_ELF_ERR_NOT_FOUND);
	}
}

/*
 * Every prefix of `image` (len bytes, the parse of the whole being `full`):
 * parsing succeeds exactly when the cut leaves the header, the program
 * headers and every PT_LOAD/PT_NOTE/PT_TLS file range, and what parses
 * can be used without reading past the cut.
 */
static uint64_t bytes_needed(const struct bh_elf *full)
{
	uint64_t need = full->phoff + (uint64_t)full->phnum * 56u;
	struct bh_elf_phdr p;

	for (uint32_t i = 0; i < full->phnum; i++) {
		bh_elf_phdr(full, i, &p);
		if ((p.type == BH_ELF_PT_LOAD || p.type == BH_ELF_PT_NOTE ||
		     p.type == BH_ELF_PT_TLS) && p.offset + p.filesz > need)
			need = p.offset + p.filesz;
	}
	return need > 64 ? need : 64;
}

static int check_prefixes(uint8_t *copy, size_t len, uint16_t machine,
			  bool full_touch)
{
	struct bh_elf elf;
	uint64_t need;

	CHECK_R(bh_elf_parse(&elf, copy, len, machine) == 0);
	need = bytes_needed(&elf);
	for (size_t cut = 0; cut <= len; cut++) {
		int err;

		POISON(copy + cut, len - cut);
		err = bh_elf_parse(&elf, copy, cut, machine);
		if ((err == 0) != (cut >= need)) {
			UNPOISON(copy, len);
			check_fail(__FILE__, __LINE__, "cut %zu of %zu: %s", cut,
				   len, bh_elf_strerror(err));
			return -1;
		}
		if (err == 0 && exercise(&elf, full_touch) != 0) {
			UNPOISON(copy, len);
			return -1;
		}
		UNPOISON(copy + cut, len - cut);
	}
	return 0;
}

static void test_truncations(void)
{
	struct img m;

	FOR_VARIANTS(m)
		CHECK(check_prefixes(m.b, IMG_LEN, m.machine, true) == 0);
}

/* ---- real executables ---- */

static const char *cur_path;

static uint16_t machine_of(const uint8_t *img, size_t len)
{
	if (len < 20)
		return 0;
	return (uint16_t)get(img + 18, 2, img[5] == 2);
}

static FILE *run_readelf(const char *opts, const char *path)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "readelf %s '%s'", opts, path);
	return popen(cmd, "r");
}

static int split(char *line, char **tok, int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\n"); t && n < max; t = strtok(NULL, " \t\n"))
		tok[n++] = t;
	return n;
}

static uint32_t type_of(const char *name)
{
	if (strcmp(name, "LOAD") == 0) return BH_ELF_PT_LOAD;
	if (strcmp(name, "DYNAMIC") == 0) return 2;
	if (strcmp(name, "INTERP") == 0) return 3;
	if (strcmp(name, "NOTE") == 0) return BH_ELF_PT_NOTE;
	if (strcmp(name, "PHDR") == 0) return 6;
	if (strcmp(name, "TLS") == 0) return BH_ELF_PT_TLS;
	return 0; /* GNU_* and others: not compared */
}

/* One "readelf -lW" program header row against our phdr. */
static int compare_row(char **t, int n, const struct bh_elf_phdr *p)
{
	uint32_t flags = 0, want_type = type_of(t[0]);

	for (int i = 6; i < n - 1; i++)
		for (const char *c = t[i]; *c; c++)
			flags |= *c == 'R' ? BH_ELF_PF_R : *c == 'W' ? BH_ELF_PF_W
				: *c == 'E' ? BH_ELF_PF_X : 0;
	CHECK_R(want_type == 0 || p->type == want_type);
	CHECK_R(strtoull(t[1], NULL, 16) == p->offset);
	CHECK_R(strtoull(t[2], NULL, 16) == p->vaddr);
	CHECK_R(strtoull(t[3], NULL, 16) == p->paddr);
	CHECK_R(strtoull(t[4], NULL, 16) == p->filesz);
	CHECK_R(strtoull(t[5], NULL, 16) == p->memsz);
	CHECK_R(strtoull(t[n - 1], NULL, 16) == p->align);
	CHECK_R(flags == (p->flags & 7u));
	return 0;
}

static int compare_phdrs(const struct bh_elf *elf)
{
	char line[1024], *t[16];
	FILE *f = run_readelf("-lW", cur_path);
	uint32_t row = 0;
	struct bh_elf_phdr p;

	CHECK_R(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		int n;

		if (strncmp(line, "Entry point ", 12) == 0)
			CHECK_R(strtoull(line + 12, NULL, 16) == bh_elf_entry(elf));
		n = split(line, t, 16);
		if (n < 8 || strncmp(t[1], "0x", 2) != 0)
			continue;
		CHECK_R(bh_elf_phdr(elf, row, &p) == 0);
		CHECK_R(compare_row(t, n, &p) == 0);
		row++;
	}
	CHECK_R(pclose(f) == 0);
	CHECK_R(row == elf->phnum);
	return 0;
}

/* "readelf -nW" lists notes as "<owner> 0x<descsz> <description>". */
static int compare_notes(const struct bh_elf *elf)
{
	struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
	char line[1024], *t[4];
	FILE *f = run_readelf("-nW", cur_path);
	struct bh_elf_note n;

	CHECK_R(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		if (split(line, t, 4) < 2 || strncmp(t[1], "0x", 2) != 0 ||
		    strlen(t[1]) != 10)
			continue;
		CHECK_R(bh_elf_note_next(elf, &it, &n) == 0);
		CHECK_R(strcmp(n.name, t[0]) == 0);
		CHECK_R(n.descsz == strtoul(t[1], NULL, 16));
	}
	CHECK_R(pclose(f) == 0);
	CHECK_R(bh_elf_note_next(elf, &it, &n) == BH_ELF_END);
	return 0;
}

static void test_real_file(void)
{
	struct bh_elf elf;
	size_t len;
	uint8_t *file = read_file(cur_path, &len), *img;
	uint16_t machine;

	CHECK(file != NULL);
	/* Exactly len bytes, so that ASan sees a read of byte len. */
	img = malloc(len);
	memcpy(img, file, len);
	free(file);
	machine = machine_of(img, len);
	CHECK(machine == BH_ELF_EM_X86_64 || machine == BH_ELF_EM_PPC64);
	CHECK_EQ(bh_elf_parse(&elf, img, len, machine), 0);
	CHECK(compare_phdrs(&elf) == 0);
	CHECK(compare_notes(&elf) == 0);
	CHECK(exercise(&elf, true) == 0);
	/* Small files: every byte of every prefix; big: the ends. */
	CHECK(check_prefixes(img, len, machine, len <= 65536) == 0);
	free(img);
}

/* Values tests/lib/static_prog.c puts in its image. */
static void test_static_prog(void)
{
	struct bh_elf_note n;
	struct bh_elf_tls t;
	struct bh_elf elf;
	size_t len;
	uint8_t *img = read_file(cur_path, &len);
	uint32_t pvh;
	uint64_t num;
	bool pie = strstr(cur_path, "pie") != NULL;

	CHECK(img != NULL);
	CHECK_EQ(bh_elf_parse(&elf, img, len, machine_of(img, len)), 0);
	CHECK_EQ(elf.type, pie ? BH_ELF_ET_DYN : BH_ELF_ET_EXEC);
	CHECK_EQ(bh_elf_xen_pvh_entry(&elf, &pvh), 0);
	CHECK_EQ(pvh, 0x1000123);
	CHECK_EQ(bh_elf_find_note(&elf, "Bulkhead", 0x42, &n), 0);
	CHECK_EQ(bh_elf_note_u64(&elf, &n, &num), 0);
	CHECK_EQ(num, 0xb01d);
	CHECK_EQ(bh_elf_tls(&elf, &t), 0);
	CHECK(t.filesz == 4 && t.memsz >= 28 && t.align >= 4);
	CHECK_EQ(get(t.data, 4, elf.big_endian), 0x7e57);
	free(img);
}

/* Offsets past 4 GiB: a segment whose file bytes start at 4 GiB. */
static void test_huge(void)
{
	const size_t map = ((size_t)1 << 32) + 0x2000;
	struct load_log log = { 0 };
	struct bh_elf elf;
	struct img m;
	uint8_t *a;

	a = mmap(NULL, map, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED) {
		fprintf(stderr, "elf_huge: no 4 GiB mapping, test skipped\n");
		return;
	}
	make_img(&m, false, BH_ELF_EM_X86_64);
	ph(&m, PH_LOAD1, BH_ELF_PT_LOAD, BH_ELF_PF_R, (uint64_t)1 << 32,
	   0x100400000u, 0x100400000u, 0x2000, 0x3000, 0x1000);
	memcpy(a, m.b, IMG_LEN);
	a[map - 1] = 0x5a;
	log.elf = &elf;
	CHECK_EQ(bh_elf_parse(&elf, a, map, BH_ELF_EM_X86_64), 0);
	CHECK_EQ(bh_elf_load_segments(&elf, log_segment, &log), 0);
	CHECK(log.count == 2 && !log.bad);
	CHECK(log.seg[1].data == a + ((size_t)1 << 32) && log.seg[1].filesz == 0x2000);
	CHECK_EQ(bh_elf_parse(&elf, a, map - 1, BH_ELF_EM_X86_64),
		 BH_ELF_ERR_SEGMENT_BOUNDS);
	munmap(a, map);
}

static void test_strerror(void)
{
	for (int err = BH_ELF_END; err >= BH_ELF_ERR_NOT_FOUND; err--) {
		const char *s = bh_elf_strerror(err);

		CHECK(s != NULL && strstr(s, "unknown") == NULL);
		for (int other = err - 1; other >= BH_ELF_ERR_NOT_FOUND; other--)
			CHECK(strcmp(s, bh_elf_strerror(other)) != 0);
	}
	CHECK(strstr(bh_elf_strerror(-99), "unknown") != NULL);
}

/* "lib.elf_real_<basename>" with anything but [a-z0-9_] as '_'. */
static void run_file(const char *label, const char *path, void (*fn)(void))
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char name[256];
	int n = snprintf(name, sizeof(name), "%s_", label);

	for (const char *c = base; *c && n < (int)sizeof(name) - 1; c++)
		name[n++] = (char)(isalnum((unsigned char)*c) ? tolower((unsigned char)*c) : '_');
	name[n] = 0;
	cur_path = path;
	RUN(name, fn);
}

int main(int argc, char **argv)
{
	char self[4096];

	RUN("elf_img_ok", test_img_ok);
	RUN("elf_img_load", test_img_load);
	RUN("elf_img_notes", test_img_notes);
	RUN("elf_img_notes_align8", test_img_notes_align8);
	RUN("elf_img_tls", test_img_tls);
	RUN("elf_img_variants", test_img_variants);
	RUN("elf_err_not_elf", test_err_not_elf);
	RUN("elf_err_class", test_err_class);
	RUN("elf_err_data", test_err_data);
	RUN("elf_err_version", test_err_version);
	RUN("elf_err_machine", test_err_machine);
	RUN("elf_err_type", test_err_type);
	RUN("elf_err_truncated", test_err_truncated);
	RUN("elf_err_phentsize", test_err_phentsize);
	RUN("elf_err_phdrs_bounds", test_err_phdrs_bounds);
	RUN("elf_err_segment_bounds", test_err_segment_bounds);
	RUN("elf_err_filesz", test_err_filesz);
	RUN("elf_err_overlap", test_err_overlap);
	RUN("elf_err_order", test_err_order);
	RUN("elf_err_addr_overflow", test_err_addr_overflow);
	RUN("elf_err_align", test_err_align);
	RUN("elf_err_tls", test_err_tls);
	RUN("elf_err_no_load", test_err_no_load);
	RUN("elf_err_bad_note", test_err_bad_note);
	RUN("elf_err_bad_note_value", test_err_bad_note_value);
	RUN("elf_not_found", test_not_found);
	RUN("elf_truncations", test_truncations);
	RUN("elf_huge", test_huge);
	RUN("elf_strerror", test_strerror);
	if (!realpath("/proc/self/exe", self)) {
		perror("/proc/self/exe");
		return 2;
	}
	run_file("elf_real", self, test_real_file);
	for (int i = 1; i < argc; i++) {
		run_file("elf_real", argv[i], test_real_file);
		if (strstr(argv[i], "static"))
			run_file("elf_prog", argv[i], test_static_prog);
	}
	return check_summary();
}
