/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PVH loader (Xen docs/misc/pvh.pandoc, "x86/HVM direct boot ABI"): an ELF64 image whose
 * note "Xen"/XEN_ELFNOTE_PHYS32_ENTRY gives a 32-bit physical entry. Segments load at their
 * physical addresses. The loader builds hvm_start_info version 1 (memory map, command line,
 * one module for the initrd) and the entry state: ebx = start info, CR0 = PE|ET, CR4 = 0,
 * flat 32-bit CS/DS/ES/SS, a 32-bit busy TSS with limit 0x67, EFLAGS with IF, TF and VM clear.
 *
 * Guest-physical layout:
 *   [0x1000, 0x2000)    start info, memory map, module list, command line
 *   [0xe0000, 0xe1000)  ACPI tables (acpi.c), in the legacy BIOS area
 *   [1 MiB, ...)        the kernel's segments (anything in [1 MiB, initrd) is accepted)
 *   [initrd, top)       the initrd, page-aligned at the top of the guest's RAM
 *   [top, ram_size)     the PV console ring (console.c): one page, reserved in the memory map
 *   0xfeffc000          with a xenstore channel, the store page (store.c), reserved there too
 * Decode, then act: the image is checked completely before guest memory is touched.
 */
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "vmm.h"

#define BOOT_INFO_GPA 0x1000ull
#define MEMMAP_GPA (BOOT_INFO_GPA + 0x40)
#define MODLIST_GPA (BOOT_INFO_GPA + 0x100)
#define CMDLINE_GPA (BOOT_INFO_GPA + 0x200)
#define KERNEL_LOW 0x100000ull
#define CR0_PE 0x1ull
#define CR0_ET 0x10ull

struct layout {
    struct pelf elf;
    uint32_t entry;
    uint64_t initrd_gpa;
};

const char *pvh_strerror(int err)
{
    switch (err) {
    case VMM_LOAD_NOT_ELF: return "not an ELF image";
    case VMM_LOAD_NO_PVH_NOTE: return "no Xen PHYS32_ENTRY note: not a PVH kernel";
    case VMM_LOAD_OVERLAP: return "segments overlap";
    case VMM_LOAD_OUTSIDE_RAM: return "a segment lies outside guest memory";
    case VMM_LOAD_TRUNCATED: return "the image is truncated";
    case VMM_LOAD_NO_ROOM: return "the initrd or boot information does not fit in guest memory";
    default: return "malformed ELF image";
    }
}

static int refuse(struct vm *vm, int err, const char *detail)
{
    vmm_say(vm, "refusing the guest image: %s%s%s", pvh_strerror(err), detail ? ": " : "", detail ? detail : "");
    return err;
}

/* Physical ranges: inside [KERNEL_LOW, limit) and pairwise disjoint. */
#define PT_LOAD 1u

static int check_segments(struct vm *vm, const struct pelf *elf, uint64_t limit)
{
    struct pelf_seg a, b;
    for (uint32_t i = 0; pelf_phdr(elf, i, &a) == 0; i++) {
        if (a.type != PT_LOAD || a.memsz == 0) continue;
        if (a.paddr < KERNEL_LOW || a.paddr >= limit || a.memsz > limit - a.paddr)
            return refuse(vm, VMM_LOAD_OUTSIDE_RAM, "its physical range is not in [1 MiB, initrd)");
        for (uint32_t j = i + 1; pelf_phdr(elf, j, &b) == 0; j++) {
            if (b.type != PT_LOAD || b.memsz == 0) continue;
            if (a.paddr < b.paddr + b.memsz && b.paddr < a.paddr + a.memsz)
                return refuse(vm, VMM_LOAD_OVERLAP, "their physical ranges intersect");
        }
    }
    return 0;
}

static int decode_image(struct vm *vm, struct layout *l)
{
    const struct vmm_params *p = vm->params;
    int rc = pelf_parse(&l->elf, (const void *)(uintptr_t)VMM_IMAGE_VADDR, p->image_size);
    if (rc == 0) rc = pelf_pvh_entry(&l->elf, &l->entry);
    if (rc != 0) return refuse(vm, rc, NULL);
    uint64_t top = console_ring_gpa(vm->ram_size);
    if (p->initrd_size > top - KERNEL_LOW) return refuse(vm, VMM_LOAD_NO_ROOM, NULL);
    l->initrd_gpa = (top - p->initrd_size) & ~0xfffull;
    rc = check_segments(vm, &l->elf, l->initrd_gpa);
    if (rc != 0) return rc;
    if (l->entry < KERNEL_LOW || l->entry >= l->initrd_gpa)
        return refuse(vm, VMM_LOAD_OUTSIDE_RAM, "the entry point is outside the kernel's memory");
    return 0;
}

static void load_segments(struct vm *vm, const struct pelf *elf)
{
    struct pelf_seg seg;
    for (uint32_t i = 0; pelf_phdr(elf, i, &seg) == 0; i++) {
        if (seg.type != PT_LOAD || seg.memsz == 0) continue;
        uint8_t *dst = gpa_ptr(vm, seg.paddr, seg.memsz); /* checked by decode_image */
        memcpy(dst, seg.data, (size_t)seg.filesz);
        memset(dst + seg.filesz, 0, (size_t)(seg.memsz - seg.filesz));
    }
}

static void write_start_info(struct vm *vm, const struct layout *l)
{
    const struct vmm_params *p = vm->params;
    struct hvm_start_info *si = gpa_ptr(vm, BOOT_INFO_GPA, sizeof *si);
    struct hvm_memmap_table_entry *mm = gpa_ptr(vm, MEMMAP_GPA, 3 * sizeof *mm);
    struct hvm_modlist_entry *mod = gpa_ptr(vm, MODLIST_GPA, sizeof *mod);
    char *cmdline = gpa_ptr(vm, CMDLINE_GPA, VMM_CMDLINE_LEN);
    memset(si, 0, 0x200);
    uint64_t top = console_ring_gpa(vm->ram_size);
    mm[0] = (struct hvm_memmap_table_entry){.addr = 0, .size = top, .type = XEN_HVM_MEMMAP_TYPE_RAM};
    mm[1] = (struct hvm_memmap_table_entry){.addr = top, .size = vm->ram_size - top, .type = XEN_HVM_MEMMAP_TYPE_RESERVED};
    mm[2] = (struct hvm_memmap_table_entry){.addr = VMM_STORE_GPA, .size = 4096, .type = XEN_HVM_MEMMAP_TYPE_RESERVED};
    memcpy(cmdline, p->cmdline, VMM_CMDLINE_LEN);
    cmdline[VMM_CMDLINE_LEN - 1] = 0;
    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->cmdline_paddr = CMDLINE_GPA;
    si->memmap_paddr = MEMMAP_GPA;
    si->memmap_entries = vm->params->store_vaddr ? 3 : 2;
    si->rsdp_paddr = acpi_build(vm);
    if (p->initrd_size > 0) {
        memcpy(gpa_ptr(vm, l->initrd_gpa, p->initrd_size), (const void *)(uintptr_t)VMM_INITRD_VADDR,
               (size_t)p->initrd_size);
        *mod = (struct hvm_modlist_entry){.paddr = l->initrd_gpa, .size = p->initrd_size};
        si->nr_modules = 1;
        si->modlist_paddr = MODLIST_GPA;
    }
}

/* Packed VMCB segment attributes (APM vol. 2, 15.5.1): type | S << 4 | P << 7 | DB << 10 | G << 11. */
#define SEG_CODE32 0xc9bu  /* execute/read, accessed */
#define SEG_DATA32 0xc93u  /* read/write, accessed */
#define SEG_TSS32_BUSY 0x8bu
#define SEG_LDT 0x82u

static int write_entry_state(struct vcpu *v, uint32_t entry)
{
    bh_word_t s[BH_VCPU_IDTR_LIMIT + 1];
    memset(s, 0, sizeof s);
    s[BH_VCPU_RBX] = BOOT_INFO_GPA;
    s[BH_VCPU_RIP] = entry;
    s[BH_VCPU_RFLAGS] = 0x2;
    s[BH_VCPU_CR0] = CR0_PE | CR0_ET;
    s[BH_VCPU_DR7] = 0x400;
    s[BH_VCPU_CS] = BH_VCPU_SEG(0x10, SEG_CODE32, 0xffffffffu);
    s[BH_VCPU_ES] = s[BH_VCPU_SS] = s[BH_VCPU_DS] = s[BH_VCPU_FS] = s[BH_VCPU_GS] =
        BH_VCPU_SEG(0x18, SEG_DATA32, 0xffffffffu);
    s[BH_VCPU_LDTR] = BH_VCPU_SEG(0, SEG_LDT, 0xffff);
    s[BH_VCPU_TR] = BH_VCPU_SEG(0x20, SEG_TSS32_BUSY, 0x67);
    int err = bh_vcpu_write_state(v->cap, 0, s, BH_VCPU_IDTR_LIMIT + 1);
    bh_word_t controls = VMM_VCPU_CONTROLS;
    if (err == 0) err = bh_vcpu_write_state(v->cap, BH_VCPU_CONTROLS, &controls, 1);
    v->next_rip = entry;
    return err;
}

int pvh_load(struct vm *vm)
{
    struct layout l;
    int err = decode_image(vm, &l);
    if (err != 0) return err;
    memset(vm->ram, 0, (size_t)vm->ram_size);
    load_segments(vm, &l.elf);
    write_start_info(vm, &l);
    if (write_entry_state(&vm->vcpu[0], l.entry) != 0) return VMM_LOAD_BAD_IMAGE;
    vmm_say(vm, "PVH kernel loaded: entry %#x, %lu KiB RAM, initrd %lu bytes, cmdline \"%s\"", l.entry,
            (unsigned long)(vm->ram_size >> 10), (unsigned long)vm->params->initrd_size,
            (const char *)gpa_ptr(vm, CMDLINE_GPA, 1));
    return 0;
}
