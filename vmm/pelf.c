/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A physical-address view of an ELF64 kernel image, for the PVH loader. Unlike a program
 * loader, it places segments by p_paddr and does not care about p_vaddr: Linux's vmlinux has a
 * per-CPU segment at virtual address 0 between kernel-space ones, which an ordered-vaddr
 * check refuses. Checked here: the header (ELF64, little-endian, x86-64, EXEC or DYN, 56-byte
 * program headers, at most 4 KiB of them), every program header inside the file, and every
 * PT_LOAD's file bytes inside the file with filesz <= memsz. The caller checks the physical
 * ranges against guest RAM.
 */
#include <string.h>
#include <xen/elfnote.h>
#include "vmm.h"

#define EH_SIZE 64u
#define PH_SIZE 56u
#define PT_LOAD 1u
#define PT_NOTE 4u
#define EM_X86_64 62u
/* At most 4 KiB of program headers, as Linux's ELF loader (load_elf_phdrs) accepts: the
 * loader compares segments pairwise, and 65,535 of them took seconds. */
#define PH_TABLE_MAX 4096u

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p, n);   /* little-endian host and image */
    return v;
}

int pelf_parse(struct pelf *e, const void *image, uint64_t len)
{
    const uint8_t *h = image;
    memset(e, 0, sizeof *e);
    if (len < 4 || memcmp(h, "\177ELF", 4) != 0) return VMM_LOAD_NOT_ELF;
    if (len < EH_SIZE) return VMM_LOAD_TRUNCATED;
    if (h[4] != 2 || h[5] != 1) return VMM_LOAD_NOT_ELF;   /* ELFCLASS64, ELFDATA2LSB */
    uint64_t type = rd(h + 16, 2), machine = rd(h + 18, 2);
    if ((type != 2 && type != 3) || machine != EM_X86_64 || rd(h + 54, 2) != PH_SIZE) return VMM_LOAD_BAD_IMAGE;
    e->image = h;
    e->len = len;
    e->phoff = rd(h + 32, 8);
    e->phnum = (uint32_t)rd(h + 56, 2);
    if (e->phoff > len || (uint64_t)e->phnum * PH_SIZE > len - e->phoff) return VMM_LOAD_TRUNCATED;
    if (e->phnum * PH_SIZE > PH_TABLE_MAX) return VMM_LOAD_BAD_IMAGE;
    struct pelf_seg s;
    for (uint32_t i = 0; pelf_phdr(e, i, &s) == 0; i++) {
        if (s.type != PT_LOAD && s.type != PT_NOTE) continue;
        if (s.filesz > s.memsz && s.type == PT_LOAD) return VMM_LOAD_BAD_IMAGE;
        if (s.offset > len || s.filesz > len - s.offset) return VMM_LOAD_TRUNCATED;
    }
    return 0;
}

int pelf_phdr(const struct pelf *e, uint32_t index, struct pelf_seg *s)
{
    if (index >= e->phnum) return -1;
    const uint8_t *p = e->image + e->phoff + (uint64_t)index * PH_SIZE;
    s->type = (uint32_t)rd(p, 4);
    s->offset = rd(p + 8, 8);
    s->paddr = rd(p + 24, 8);
    s->filesz = rd(p + 32, 8);
    s->memsz = rd(p + 40, 8);
    /* Only segments whose bytes lie in the file have data: an offset beyond it makes no pointer. */
    s->data = s->offset <= e->len ? e->image + s->offset : NULL;
    return 0;
}

/* Notes: namesz, descsz, type, then the name and the descriptor, each padded to 4 bytes. */
int pelf_pvh_entry(const struct pelf *e, uint32_t *entry)
{
    struct pelf_seg s;
    for (uint32_t i = 0; pelf_phdr(e, i, &s) == 0; i++) {
        if (s.type != PT_NOTE) continue;
        uint64_t off = 0;
        while (s.filesz - off >= 12) {
            const uint8_t *n = s.data + off;
            uint64_t namesz = rd(n, 4), descsz = rd(n + 4, 4), ntype = rd(n + 8, 4);
            uint64_t name_pad = (namesz + 3) & ~3ull, desc_pad = (descsz + 3) & ~3ull;
            if (name_pad > s.filesz - off - 12 || desc_pad > s.filesz - off - 12 - name_pad) break;
            const uint8_t *desc = n + 12 + name_pad;
            if (namesz == 4 && memcmp(n + 12, "Xen", 4) == 0 && ntype == XEN_ELFNOTE_PHYS32_ENTRY &&
                (descsz == 4 || descsz == 8)) {
                uint64_t v = rd(desc, (unsigned)descsz);
                if (v >> 32) return VMM_LOAD_BAD_IMAGE;
                *entry = (uint32_t)v;
                return 0;
            }
            off += 12 + name_pad + desc_pad;
        }
    }
    return VMM_LOAD_NO_PVH_NOTE;
}
