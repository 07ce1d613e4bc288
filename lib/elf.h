/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
#ifndef BH_LIB_ELF_H
#define BH_LIB_ELF_H

/*
 * Reader for ELF64 executables (ET_EXEC, ET_DYN): the kernel loads the root
 * server with it, the root server other programs, VMMs guest kernels.
 *
 * Usage: bh_elf_parse() checks the file header and every program header
 * once; afterwards the other functions read the validated image and cannot
 * go out of bounds. Nothing here maps or copies memory:
 * bh_elf_load_segments() hands each PT_LOAD segment to the caller.
 *
 * References: System V ABI gABI, chapter 4 (ELF header, e_ident) and
 * chapter 5 (program header, note section). Fields are read in the byte
 * order that e_ident[EI_DATA] names, whatever the host's, so big-endian
 * POWER images parse on x86 and the reverse.
 *
 * Rules beyond the format itself, for every PT_LOAD with p_memsz > 0:
 *  - p_filesz <= p_memsz, and [p_offset, p_offset + p_filesz) is in the file;
 *  - p_vaddr + p_memsz and p_paddr + p_memsz do not pass 2^64;
 *  - p_align is 0, 1 or a power of two, and p_vaddr = p_offset (mod p_align);
 *  - segments are sorted by p_vaddr (gABI: "Loadable segment entries in the
 *    program header table appear in ascending order, sorted on the p_vaddr
 *    member") and their byte ranges do not overlap; sharing a page is fine.
 * A PT_LOAD with p_memsz == 0 occupies nothing: it must have p_filesz == 0
 * and sane fields, and is then skipped everywhere (not loaded, not in the
 * bounds, not in the order check). PT_NOTE and PT_TLS must lie in the file
 * (PT_TLS also obeys the first three rules); at most one PT_TLS. Other
 * segment types are not checked. e_entry is not checked: vmlinux gives a
 * physical entry next to virtual segment addresses, and on big-endian
 * ELFv1 POWER it points to a function descriptor, which is the caller's
 * business.
 *
 * Freestanding: no libc, no allocation, no recursion. The image needs no
 * particular alignment and must stay alive while a struct bh_elf refers to
 * it. Sizes and addresses are 64-bit throughout.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* e_machine values accepted by bh_elf_parse(). */
#define BH_ELF_EM_PPC64 21u
#define BH_ELF_EM_X86_64 62u

/* e_type */
#define BH_ELF_ET_EXEC 2u
#define BH_ELF_ET_DYN 3u

/* p_type */
#define BH_ELF_PT_LOAD 1u
#define BH_ELF_PT_NOTE 4u
#define BH_ELF_PT_TLS 7u

/* p_flags, and bh_elf_segment.flags */
#define BH_ELF_PF_X 1u
#define BH_ELF_PF_W 2u
#define BH_ELF_PF_R 4u

/* Xen's public/elfnote.h: the 32-bit physical entry point for PVH boot. */
#define BH_ELF_XEN_NOTE_NAME "Xen"
#define BH_ELF_XEN_ELFNOTE_PHYS32_ENTRY 18u

/* Results: 0 success, BH_ELF_END (1) at the end of an iteration. */
enum bh_elf_error {
	BH_ELF_OK = 0,
	BH_ELF_END = 1,
	BH_ELF_ERR_NOT_ELF = -1,        /* no \177ELF magic */
	BH_ELF_ERR_CLASS = -2,          /* not ELFCLASS64 */
	BH_ELF_ERR_DATA = -3,           /* EI_DATA neither LSB nor MSB */
	BH_ELF_ERR_VERSION = -4,        /* EI_VERSION or e_version not 1 */
	BH_ELF_ERR_MACHINE = -5,        /* e_machine is not the one asked for */
	BH_ELF_ERR_TYPE = -6,           /* neither ET_EXEC nor ET_DYN */
	BH_ELF_ERR_TRUNCATED = -7,      /* file shorter than the ELF header */
	BH_ELF_ERR_PHENTSIZE = -8,      /* e_phentsize is not 56 */
	BH_ELF_ERR_PHDRS_BOUNDS = -9,   /* program header table outside file */
	BH_ELF_ERR_SEGMENT_BOUNDS = -10, /* segment file bytes outside file */
	BH_ELF_ERR_FILESZ = -11,        /* p_filesz > p_memsz */
	BH_ELF_ERR_OVERLAP = -12,       /* two PT_LOAD byte ranges overlap */
	BH_ELF_ERR_ORDER = -13,         /* PT_LOAD not sorted by p_vaddr */
	BH_ELF_ERR_ADDR_OVERFLOW = -14, /* address + p_memsz passes 2^64 */
	BH_ELF_ERR_ALIGN = -15,         /* p_align not a power of two, or
					   p_vaddr != p_offset mod p_align */
	BH_ELF_ERR_TLS = -16,           /* more than one PT_TLS */
	BH_ELF_ERR_NO_LOAD = -17,       /* no PT_LOAD with p_memsz > 0 */
	BH_ELF_ERR_BAD_NOTE = -18,      /* note runs past its segment, name
					   not NUL-terminated, bad desc size */
	BH_ELF_ERR_NOT_FOUND = -19,     /* no such note, PT_TLS or index */
};

/* A parsed, validated image. Fill with bh_elf_parse(); read-only after. */
struct bh_elf {
	const uint8_t *image;
	size_t len;
	bool big_endian;   /* EI_DATA == ELFDATA2MSB */
	uint16_t type;     /* BH_ELF_ET_EXEC or BH_ELF_ET_DYN */
	uint16_t machine;
	uint16_t phnum;
	uint16_t tls_index; /* index of PT_TLS, or phnum if none */
	uint64_t entry;
	uint64_t phoff;
};

/* One program header, converted to host byte order. */
struct bh_elf_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

/*
 * A PT_LOAD segment for the loader: copy `filesz` bytes from `data` to the
 * start of [vaddr or paddr, + memsz) and zero the rest.
 */
struct bh_elf_segment {
	uint64_t vaddr;
	uint64_t paddr;
	const void *data;  /* filesz bytes inside the image */
	uint64_t filesz;
	uint64_t memsz;    /* >= filesz, > 0 */
	uint64_t align;
	uint32_t flags;    /* BH_ELF_PF_R | BH_ELF_PF_W | BH_ELF_PF_X */
	uint16_t index;    /* program header index */
};

/* Extent of the PT_LOAD segments; *_end is one past the last byte. */
struct bh_elf_bounds {
	uint64_t vaddr_lo;
	uint64_t vaddr_end;
	uint64_t paddr_lo;
	uint64_t paddr_end;
};

/* One note (gABI 5, "Note Section"), pointers into the image. */
struct bh_elf_note {
	const char *name;  /* namesz bytes, NUL-terminated if namesz > 0 */
	uint32_t namesz;   /* including the NUL */
	uint32_t type;
	const void *desc;  /* descsz bytes, image byte order */
	uint32_t descsz;
};

/* Note iteration position; start from BH_ELF_NOTE_ITER_INIT. */
struct bh_elf_note_iter {
	uint32_t phdr;     /* program header being walked */
	uint64_t offset;   /* next note, from the segment start */
};
#define BH_ELF_NOTE_ITER_INIT { 0, 0 }

/* The PT_TLS template: copy filesz bytes, zero up to memsz. */
struct bh_elf_tls {
	const void *data;  /* filesz bytes inside the image */
	uint64_t offset;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

/* Called per PT_LOAD; return 0 to go on, anything else stops the walk. */
typedef int (*bh_elf_segment_fn)(void *ctx, const struct bh_elf_segment *seg);

/*
 * Validates `image` as an ELF64 ET_EXEC/ET_DYN for `machine`
 * (BH_ELF_EM_X86_64 or BH_ELF_EM_PPC64) and all its program headers, see
 * the rules at the top. Returns 0 or a negative enum bh_elf_error; *elf is
 * meaningful only on 0.
 */
int bh_elf_parse(struct bh_elf *elf, const void *image, size_t len,
		 uint16_t machine);

/* e_entry as stored (virtual, or physical for some kernels). */
uint64_t bh_elf_entry(const struct bh_elf *elf);

/* Program header `index` (< elf->phnum): 0, or BH_ELF_ERR_NOT_FOUND. */
int bh_elf_phdr(const struct bh_elf *elf, uint32_t index,
		struct bh_elf_phdr *out);

/* Lowest address and end of the PT_LOAD segments, virtual and physical. */
void bh_elf_bounds(const struct bh_elf *elf, struct bh_elf_bounds *out);

/*
 * Calls cb(ctx, seg) for each PT_LOAD with p_memsz > 0, in program header
 * order (ascending vaddr). Returns 0, or the first non-zero value cb
 * returned.
 */
int bh_elf_load_segments(const struct bh_elf *elf, bh_elf_segment_fn cb,
			 void *ctx);

/*
 * Next note of the PT_NOTE segments. Notes are padded to 4 bytes, or to 8
 * in a segment whose p_align is 8 (how binutils lays out
 * .note.gnu.property); a missing pad after the last note is tolerated.
 * Returns 0, BH_ELF_END, or BH_ELF_ERR_BAD_NOTE (the iterator then stays
 * on the bad note).
 */
int bh_elf_note_next(const struct bh_elf *elf, struct bh_elf_note_iter *it,
		     struct bh_elf_note *out);

/*
 * First note with this owner name (a C string, compared with the NUL) and
 * type. Returns 0, BH_ELF_ERR_NOT_FOUND, or the first BH_ELF_ERR_BAD_NOTE
 * met before a match. *out is scratch space unless 0 is returned.
 */
int bh_elf_find_note(const struct bh_elf *elf, const char *name,
		     uint32_t type, struct bh_elf_note *out);

/*
 * A numeric note descriptor (1, 2, 4 or 8 bytes in the image's byte
 * order): 0, or BH_ELF_ERR_BAD_NOTE for any other size.
 */
int bh_elf_note_u64(const struct bh_elf *elf, const struct bh_elf_note *note,
		    uint64_t *out);

/*
 * The PVH entry: note "Xen", type XEN_ELFNOTE_PHYS32_ENTRY. Xen reads it
 * as a 4- or 8-byte number (Linux emits 8 on x86_64); it must fit 32 bits.
 * Returns 0, BH_ELF_ERR_NOT_FOUND or BH_ELF_ERR_BAD_NOTE.
 */
int bh_elf_xen_pvh_entry(const struct bh_elf *elf, uint32_t *entry);

/* The PT_TLS segment: 0, or BH_ELF_ERR_NOT_FOUND. */
int bh_elf_tls(const struct bh_elf *elf, struct bh_elf_tls *out);

/* A constant message for any value returned above. */
const char *bh_elf_strerror(int err);

#endif /* BH_LIB_ELF_H */
