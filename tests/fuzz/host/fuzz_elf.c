/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target for lib/elf.c: parses the input for both machines and,
 * when it parses, uses it the way the loaders do (program headers, bounds,
 * the load callback, notes, the PVH entry, TLS), touching every byte handed
 * out and checking the promises of lib/elf.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void require(int cond)
{
	if (!cond)
		__builtin_trap();
}

struct ctx {
	const uint8_t *in;
	size_t size;
	uint64_t prev_end;
	unsigned count;
};

static void touch(const struct ctx *c, const void *p, uint64_t n)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	require(b >= c->in && n <= (uint64_t)(c->in + c->size - b));
	for (uint64_t i = 0; i < n; i++)
		x ^= b[i];
	sink = x;
}

/* Segments come sorted, non-overlapping, with sane sizes. */
static int on_segment(void *p, const struct bh_elf_segment *s)
{
	struct ctx *c = p;

	require(s->memsz > 0 && s->filesz <= s->memsz);
	require(s->vaddr <= UINT64_MAX - s->memsz);
	require(s->paddr <= UINT64_MAX - s->memsz);
	require(s->vaddr >= c->prev_end);
	require((s->flags & ~7u) == 0);
	c->prev_end = s->vaddr + s->memsz;
	touch(c, s->data, s->filesz);
	c->count++;
	return 0;
}

static void notes(const struct bh_elf *elf, struct ctx *c)
{
	struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
	struct bh_elf_note n;
	uint64_t num;
	uint32_t pvh;
	int err;

	while ((err = bh_elf_note_next(elf, &it, &n)) == BH_ELF_OK) {
		touch(c, n.name, n.namesz);
		require(n.namesz == 0 || n.name[n.namesz - 1] == 0);
		touch(c, n.desc, n.descsz);
		if (bh_elf_note_u64(elf, &n, &num) != BH_ELF_OK)
			require(n.descsz != 1 && n.descsz != 2 && n.descsz != 4 &&
				n.descsz != 8);
	}
	require(err == BH_ELF_END || err == BH_ELF_ERR_BAD_NOTE);
	err = bh_elf_xen_pvh_entry(elf, &pvh);
	require(err == BH_ELF_OK || err == BH_ELF_ERR_NOT_FOUND ||
		err == BH_ELF_ERR_BAD_NOTE);
	(void)bh_elf_find_note(elf, "GNU", 3, &n);
}

static void use(const struct bh_elf *elf, const uint8_t *data, size_t size)
{
	struct ctx c = { data, size, 0, 0 };
	struct bh_elf_bounds b;
	struct bh_elf_phdr ph;
	struct bh_elf_tls tls;

	for (uint32_t i = 0; i < elf->phnum; i++)
		require(bh_elf_phdr(elf, i, &ph) == BH_ELF_OK);
	require(bh_elf_phdr(elf, elf->phnum, &ph) == BH_ELF_ERR_NOT_FOUND);
	require(bh_elf_load_segments(elf, on_segment, &c) == 0 && c.count > 0);
	bh_elf_bounds(elf, &b);
	require(b.vaddr_lo < b.vaddr_end && b.paddr_lo < b.paddr_end);
	require(b.vaddr_end == c.prev_end);
	notes(elf, &c);
	if (bh_elf_tls(elf, &tls) == BH_ELF_OK) {
		require(tls.filesz <= tls.memsz);
		touch(&c, tls.data, tls.filesz);
	}
	(void)bh_elf_entry(elf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t machines[] = { BH_ELF_EM_X86_64, BH_ELF_EM_PPC64 };
	struct bh_elf elf;

	for (unsigned i = 0; i < 2; i++) {
		int err = bh_elf_parse(&elf, data, size, machines[i]);

		require(err <= 0 && bh_elf_strerror(err) != NULL);
		if (err == BH_ELF_OK)
			use(&elf, data, size);
	}
	return 0;
}
