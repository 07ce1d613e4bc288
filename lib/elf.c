/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* ELF64 header layout (gABI 4, "ELF Header"); byte offsets. */
#define EI_CLASS 4u
#define EI_DATA 5u
#define EI_VERSION 6u
#define E_TYPE 16u
#define E_MACHINE 18u
#define E_VERSION 20u
#define E_ENTRY 24u
#define E_PHOFF 32u
#define E_PHENTSIZE 54u
#define E_PHNUM 56u
#define EHDR_SIZE 64u

#define ELFCLASS64 2u
#define ELFDATA2LSB 1u
#define ELFDATA2MSB 2u
#define EV_CURRENT 1u
/* e_phnum == PN_XNUM moves the real count to section 0: not supported. */
#define PN_XNUM 0xffffu

/* ELF64 program header layout (gABI 5, "Program Header"). */
#define P_TYPE 0u
#define P_FLAGS 4u
#define P_OFFSET 8u
#define P_VADDR 16u
#define P_PADDR 24u
#define P_FILESZ 32u
#define P_MEMSZ 40u
#define P_ALIGN 48u
#define PHDR_SIZE 56u

/* Note header: namesz, descsz, type; 4 bytes each in both classes. */
#define NHDR_SIZE 12u

/* Byte-order-explicit readers: the image is never accessed as words. */
static uint64_t read_uint(const uint8_t *p, unsigned n, bool big_endian)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned byte = big_endian ? i : n - 1u - i;

		v = (v << 8) | p[byte];
	}
	return v;
}

static uint16_t rd16(const uint8_t *p, bool be)
{
	return (uint16_t)read_uint(p, 2, be);
}

static uint32_t rd32(const uint8_t *p, bool be)
{
	return (uint32_t)read_uint(p, 4, be);
}

static uint64_t rd64(const uint8_t *p, bool be)
{
	return read_uint(p, 8, be);
}

/* [off, off + size) lies within [0, len); no arithmetic can wrap. */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= (uint64_t)len && size <= (uint64_t)len - off;
}

static bool add_overflows(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a;
}

static bool align_ok(uint64_t align)
{
	return (align & (align - 1u)) == 0; /* 0, 1 or a power of two */
}

static void read_phdr(const struct bh_elf *elf, uint32_t i,
		      struct bh_elf_phdr *ph)
{
	const uint8_t *p = elf->image + elf->phoff + (size_t)i * PHDR_SIZE;
	bool be = elf->big_endian;

	ph->type = rd32(p + P_TYPE, be);
	ph->flags = rd32(p + P_FLAGS, be);
	ph->offset = rd64(p + P_OFFSET, be);
	ph->vaddr = rd64(p + P_VADDR, be);
	ph->paddr = rd64(p + P_PADDR, be);
	ph->filesz = rd64(p + P_FILESZ, be);
	ph->memsz = rd64(p + P_MEMSZ, be);
	ph->align = rd64(p + P_ALIGN, be);
}

/* e_ident and the fixed header fields, before any program header. */
static int check_ident(const uint8_t *h, size_t len)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	for (size_t i = 0; i < sizeof(magic) && i < len; i++)
		if (h[i] != magic[i])
			return BH_ELF_ERR_NOT_ELF;
	if (len < EHDR_SIZE)
		return BH_ELF_ERR_TRUNCATED;
	if (h[EI_CLASS] != ELFCLASS64)
		return BH_ELF_ERR_CLASS;
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return BH_ELF_ERR_DATA;
	if (h[EI_VERSION] != EV_CURRENT)
		return BH_ELF_ERR_VERSION;
	return BH_ELF_OK;
}

static int check_header(struct bh_elf *elf, uint16_t machine)
{
	const uint8_t *h = elf->image;
	bool be = elf->big_endian;
	uint16_t phentsize = rd16(h + E_PHENTSIZE, be);

	if (rd32(h + E_VERSION, be) != EV_CURRENT)
		return BH_ELF_ERR_VERSION;
	if (elf->machine != machine)
		return BH_ELF_ERR_MACHINE;
	if (elf->type != BH_ELF_ET_EXEC && elf->type != BH_ELF_ET_DYN)
		return BH_ELF_ERR_TYPE;
	if (elf->phnum == 0)
		return BH_ELF_ERR_NO_LOAD;
	if (phentsize != PHDR_SIZE)
		return BH_ELF_ERR_PHENTSIZE;
	if (elf->phnum == PN_XNUM ||
	    !in_file(elf->phoff, (uint64_t)elf->phnum * PHDR_SIZE, elf->len))
		return BH_ELF_ERR_PHDRS_BOUNDS;
	return BH_ELF_OK;
}

/* Checks shared by PT_LOAD and PT_TLS: sizes, file range, addresses. */
static int check_extent(const struct bh_elf_phdr *ph, size_t len)
{
	if (ph->filesz > ph->memsz)
		return BH_ELF_ERR_FILESZ;
	if (!in_file(ph->offset, ph->filesz, len))
		return BH_ELF_ERR_SEGMENT_BOUNDS;
	if (add_overflows(ph->vaddr, ph->memsz) ||
	    add_overflows(ph->paddr, ph->memsz))
		return BH_ELF_ERR_ADDR_OVERFLOW;
	if (!align_ok(ph->align))
		return BH_ELF_ERR_ALIGN;
	return BH_ELF_OK;
}

/*
 * A PT_LOAD after the previous non-empty one, which started at *prev_vaddr
 * and ended at *prev_end (0 before the first). Empty ones only need sane
 * sizes. gABI 5 requires p_vaddr = p_offset mod p_align.
 */
static int check_load(const struct bh_elf_phdr *ph, size_t len,
		      uint64_t *prev_vaddr, uint64_t *prev_end)
{
	int err = check_extent(ph, len);

	if (err != BH_ELF_OK || ph->memsz == 0)
		return err;
	if (ph->align > 1 &&
	    (ph->vaddr & (ph->align - 1u)) != (ph->offset & (ph->align - 1u)))
		return BH_ELF_ERR_ALIGN;
	if (ph->vaddr < *prev_vaddr)
		return BH_ELF_ERR_ORDER;
	if (ph->vaddr < *prev_end)
		return BH_ELF_ERR_OVERLAP;
	*prev_vaddr = ph->vaddr;
	*prev_end = ph->vaddr + ph->memsz;
	return BH_ELF_OK;
}

/* Walks the program headers once; sorted order makes overlap O(n). */
static int check_phdrs(struct bh_elf *elf)
{
	uint64_t prev_vaddr = 0, prev_end = 0;
	bool loadable = false;
	struct bh_elf_phdr ph;
	int err = BH_ELF_OK;

	for (uint16_t i = 0; i < elf->phnum && err == BH_ELF_OK; i++) {
		read_phdr(elf, i, &ph);
		if (ph.type == BH_ELF_PT_LOAD) {
			err = check_load(&ph, elf->len, &prev_vaddr, &prev_end);
			loadable = loadable || ph.memsz > 0;
		} else if (ph.type == BH_ELF_PT_NOTE) {
			if (!in_file(ph.offset, ph.filesz, elf->len))
				err = BH_ELF_ERR_SEGMENT_BOUNDS;
		} else if (ph.type == BH_ELF_PT_TLS) {
			err = elf->tls_index != elf->phnum ? BH_ELF_ERR_TLS
							   : check_extent(&ph, elf->len);
			elf->tls_index = i;
		}
	}
	if (err == BH_ELF_OK && !loadable)
		err = BH_ELF_ERR_NO_LOAD;
	return err;
}

int bh_elf_parse(struct bh_elf *elf, const void *image, size_t len,
		 uint16_t machine)
{
	const uint8_t *h = image;
	int err = check_ident(h, len);

	if (err != BH_ELF_OK)
		return err;
	elf->image = h;
	elf->len = len;
	elf->big_endian = h[EI_DATA] == ELFDATA2MSB;
	elf->type = rd16(h + E_TYPE, elf->big_endian);
	elf->machine = rd16(h + E_MACHINE, elf->big_endian);
	elf->phnum = rd16(h + E_PHNUM, elf->big_endian);
	elf->tls_index = elf->phnum;
	elf->entry = rd64(h + E_ENTRY, elf->big_endian);
	elf->phoff = rd64(h + E_PHOFF, elf->big_endian);
	err = check_header(elf, machine);
	if (err != BH_ELF_OK)
		return err;
	return check_phdrs(elf);
}

uint64_t bh_elf_entry(const struct bh_elf *elf)
{
	return elf->entry;
}

int bh_elf_phdr(const struct bh_elf *elf, uint32_t index,
		struct bh_elf_phdr *out)
{
	if (index >= elf->phnum)
		return BH_ELF_ERR_NOT_FOUND;
	read_phdr(elf, index, out);
	return BH_ELF_OK;
}

static bool is_loadable(const struct bh_elf_phdr *ph)
{
	return ph->type == BH_ELF_PT_LOAD && ph->memsz > 0;
}

void bh_elf_bounds(const struct bh_elf *elf, struct bh_elf_bounds *out)
{
	struct bh_elf_phdr ph;

	out->vaddr_lo = out->paddr_lo = UINT64_MAX;
	out->vaddr_end = out->paddr_end = 0;
	for (uint32_t i = 0; i < elf->phnum; i++) {
		read_phdr(elf, i, &ph);
		if (!is_loadable(&ph))
			continue;
		/* Parse checked that address + memsz does not wrap. */
		if (ph.vaddr < out->vaddr_lo)
			out->vaddr_lo = ph.vaddr;
		if (ph.vaddr + ph.memsz > out->vaddr_end)
			out->vaddr_end = ph.vaddr + ph.memsz;
		if (ph.paddr < out->paddr_lo)
			out->paddr_lo = ph.paddr;
		if (ph.paddr + ph.memsz > out->paddr_end)
			out->paddr_end = ph.paddr + ph.memsz;
	}
}

int bh_elf_load_segments(const struct bh_elf *elf, bh_elf_segment_fn cb,
			 void *ctx)
{
	struct bh_elf_phdr ph;
	struct bh_elf_segment seg;

	for (uint32_t i = 0; i < elf->phnum; i++) {
		int ret;

		read_phdr(elf, i, &ph);
		if (!is_loadable(&ph))
			continue;
		seg.vaddr = ph.vaddr;
		seg.paddr = ph.paddr;
		seg.data = elf->image + (size_t)ph.offset;
		seg.filesz = ph.filesz;
		seg.memsz = ph.memsz;
		seg.align = ph.align;
		seg.flags = ph.flags & (BH_ELF_PF_R | BH_ELF_PF_W | BH_ELF_PF_X);
		seg.index = (uint16_t)i;
		ret = cb(ctx, &seg);
		if (ret != 0)
			return ret;
	}
	return BH_ELF_OK;
}

/* Rounds `off` up to `align` (4 or 8) without passing `limit`. */
static uint64_t pad_to(uint64_t off, uint64_t align, uint64_t limit)
{
	uint64_t pad = (align - (off & (align - 1u))) & (align - 1u);

	return pad > limit - off ? limit : off + pad;
}

/*
 * Decodes the note at `off` in a note segment of `size` bytes at `seg`;
 * *next is where the following note starts. The name's padding must be
 * there when a descriptor follows; the descriptor's may be cut at the end.
 */
static int read_note(const struct bh_elf *elf, const uint8_t *seg,
		     uint64_t size, uint64_t off, uint64_t align,
		     struct bh_elf_note *out, uint64_t *next)
{
	const uint8_t *n = seg + off;
	uint64_t name_off = off + NHDR_SIZE, desc_off;
	uint32_t namesz, descsz;

	if (size - off < NHDR_SIZE)
		return BH_ELF_ERR_BAD_NOTE;
	namesz = rd32(n, elf->big_endian);
	descsz = rd32(n + 4, elf->big_endian);
	if (namesz > size - name_off)
		return BH_ELF_ERR_BAD_NOTE;
	if (namesz > 0 && seg[name_off + namesz - 1u] != 0)
		return BH_ELF_ERR_BAD_NOTE;
	/* A clamped desc_off equals size, so any descriptor fails here. */
	desc_off = pad_to(name_off + namesz, align, size);
	if (descsz > size - desc_off)
		return BH_ELF_ERR_BAD_NOTE;
	out->name = (const char *)(seg + name_off);
	out->namesz = namesz;
	out->type = rd32(n + 8, elf->big_endian);
	out->desc = seg + desc_off;
	out->descsz = descsz;
	*next = pad_to(desc_off + descsz, align, size);
	return BH_ELF_OK;
}

int bh_elf_note_next(const struct bh_elf *elf, struct bh_elf_note_iter *it,
		     struct bh_elf_note *out)
{
	struct bh_elf_phdr ph;

	for (; it->phdr < elf->phnum; it->phdr++, it->offset = 0) {
		uint64_t next;
		int err;

		read_phdr(elf, it->phdr, &ph);
		if (ph.type != BH_ELF_PT_NOTE || it->offset >= ph.filesz)
			continue;
		err = read_note(elf, elf->image + (size_t)ph.offset, ph.filesz,
				it->offset, ph.align == 8 ? 8 : 4, out, &next);
		if (err != BH_ELF_OK)
			return err;
		it->offset = next;
		return BH_ELF_OK;
	}
	return BH_ELF_END;
}

/* namesz counts the NUL: "Xen" matches namesz 4, not "Xen2" or "Xe". */
static bool note_named(const struct bh_elf_note *note, const char *name)
{
	for (uint32_t i = 0; i < note->namesz; i++) {
		if (note->name[i] != name[i])
			return false;
		if (name[i] == 0)
			return i + 1u == note->namesz;
	}
	return note->namesz == 0 && name[0] == 0;
}

int bh_elf_find_note(const struct bh_elf *elf, const char *name,
		     uint32_t type, struct bh_elf_note *out)
{
	struct bh_elf_note_iter it = BH_ELF_NOTE_ITER_INIT;
	int err;

	while ((err = bh_elf_note_next(elf, &it, out)) == BH_ELF_OK)
		if (out->type == type && note_named(out, name))
			return BH_ELF_OK;
	return err == BH_ELF_END ? BH_ELF_ERR_NOT_FOUND : err;
}

int bh_elf_note_u64(const struct bh_elf *elf, const struct bh_elf_note *note,
		    uint64_t *out)
{
	uint32_t n = note->descsz;

	if (n != 1 && n != 2 && n != 4 && n != 8)
		return BH_ELF_ERR_BAD_NOTE;
	*out = read_uint(note->desc, (unsigned)n, elf->big_endian);
	return BH_ELF_OK;
}

int bh_elf_xen_pvh_entry(const struct bh_elf *elf, uint32_t *entry)
{
	struct bh_elf_note note;
	uint64_t v;
	int err;

	err = bh_elf_find_note(elf, BH_ELF_XEN_NOTE_NAME,
			       BH_ELF_XEN_ELFNOTE_PHYS32_ENTRY, &note);
	if (err == BH_ELF_OK)
		err = bh_elf_note_u64(elf, &note, &v);
	if (err != BH_ELF_OK)
		return err;
	if (note.descsz < 4 || v > UINT32_MAX)
		return BH_ELF_ERR_BAD_NOTE;
	*entry = (uint32_t)v;
	return BH_ELF_OK;
}

int bh_elf_tls(const struct bh_elf *elf, struct bh_elf_tls *out)
{
	struct bh_elf_phdr ph;

	if (elf->tls_index >= elf->phnum)
		return BH_ELF_ERR_NOT_FOUND;
	read_phdr(elf, elf->tls_index, &ph);
	out->data = elf->image + (size_t)ph.offset;
	out->offset = ph.offset;
	out->vaddr = ph.vaddr;
	out->filesz = ph.filesz;
	out->memsz = ph.memsz;
	out->align = ph.align;
	return BH_ELF_OK;
}

const char *bh_elf_strerror(int err)
{
	switch (err) {
	case BH_ELF_OK: return "success";
	case BH_ELF_END: return "end of iteration";
	case BH_ELF_ERR_NOT_ELF: return "not an ELF file";
	case BH_ELF_ERR_CLASS: return "wrong class (not ELF64)";
	case BH_ELF_ERR_DATA: return "wrong data encoding";
	case BH_ELF_ERR_VERSION: return "wrong ELF version";
	case BH_ELF_ERR_MACHINE: return "wrong machine";
	case BH_ELF_ERR_TYPE: return "wrong type (not ET_EXEC or ET_DYN)";
	case BH_ELF_ERR_TRUNCATED: return "truncated ELF header";
	case BH_ELF_ERR_PHENTSIZE: return "wrong program header size";
	case BH_ELF_ERR_PHDRS_BOUNDS: return "program headers outside file";
	case BH_ELF_ERR_SEGMENT_BOUNDS: return "segment outside file";
	case BH_ELF_ERR_FILESZ: return "segment filesz > memsz";
	case BH_ELF_ERR_OVERLAP: return "overlapping segments";
	case BH_ELF_ERR_ORDER: return "PT_LOAD segments not sorted by vaddr";
	case BH_ELF_ERR_ADDR_OVERFLOW: return "segment address overflow";
	case BH_ELF_ERR_ALIGN: return "bad segment alignment";
	case BH_ELF_ERR_TLS: return "more than one PT_TLS";
	case BH_ELF_ERR_NO_LOAD: return "no loadable segment";
	case BH_ELF_ERR_BAD_NOTE: return "bad note";
	case BH_ELF_ERR_NOT_FOUND: return "not found";
	default: return "unknown ELF error";
	}
}
