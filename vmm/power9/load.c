/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest's boot, kexec-style as Linux's pseries entry takes it (docs/vmm.md, POWER9): the
 * vmlinux ELF (read-only at VMM_IMAGE_VADDR) loaded at guest-real 0 by its physical
 * addresses, the initrd (at VMM_INITRD_VADDR) on the next 64 KiB boundary after it, the
 * device tree and the RTAS blob at the top of RAM below 4 GiB (papr_config_defaults), the
 * command line from the parameters. run.c enters at the ELF's entry with r3 = the FDT.
 */
#include <string.h>
#include "elf.h"
#include "vmm9.h"

#define EM_PPC64 21u
#define INITRD_ALIGN 0xffffull

static int load_segment(void *ctx, const struct bh_elf_segment *seg)
{
    struct vm9 *vm = ctx;
    uint64_t size = vm->params->ram_size;
    if (seg->paddr > size || seg->memsz > size - seg->paddr || seg->filesz > seg->memsz) return -1;
    memcpy(vm->ram + seg->paddr, seg->data, seg->filesz);
    memset(vm->ram + seg->paddr + seg->filesz, 0, seg->memsz - seg->filesz);
    if (seg->paddr + seg->memsz > vm->cfg.kernel_bytes) vm->cfg.kernel_bytes = seg->paddr + seg->memsz;
    return 0;
}

int vm9_load(struct vm9 *vm)
{
    const struct vmm_params *p = vm->params;
    papr_config_defaults(&vm->cfg, p->ram_size, (unsigned)p->vcpus);
    vm->cfg.cmdline = p->cmdline;
    struct bh_elf elf;
    int e = bh_elf_parse(&elf, (const void *)(uintptr_t)VMM_IMAGE_VADDR, p->image_size, EM_PPC64);
    if (e != 0) return VMM_LOAD_NOT_ELF;
    if (bh_elf_load_segments(&elf, load_segment, vm) != 0) return VMM_LOAD_OUTSIDE_RAM;
    /* The entry as a guest-real address: Linux links at 0xc000..., runs from 0 in real mode. */
    vm->entry = bh_elf_entry(&elf) & 0x0fffffffffffffffull;
    if (p->initrd_size) {
        vm->cfg.initrd_start = (vm->cfg.kernel_bytes + INITRD_ALIGN) & ~INITRD_ALIGN;
        vm->cfg.initrd_bytes = p->initrd_size;
    }
    char why[160];
    if (papr_config_check(&vm->cfg, why, sizeof why) != PAPR_CONFIG_OK) {
        vm9_say(vm, "the guest does not fit: %s", why);
        return VMM_LOAD_NO_ROOM;
    }
    if (p->initrd_size)
        memcpy(vm->ram + vm->cfg.initrd_start, (const void *)(uintptr_t)VMM_INITRD_VADDR, p->initrd_size);
    if (papr_fdt_build(&vm->cfg, vm->ram + vm->cfg.fdt_base, PAPR_FDT_MAX, why, sizeof why) != 0) {
        vm9_say(vm, "device tree: %s", why);
        return VMM_LOAD_NO_ROOM;
    }
    papr_rtas_blob(vm->ram + vm->cfg.rtas_base);
    papr_memory_flat(&vm->mem, vm->ram, p->ram_size);
    papr_vm_init(&vm->papr, &vm->cfg, &vm->mem, &vm->host);
    vm9_say(vm, "vmlinux %lu KiB at 0 (entry %#lx), initrd %lu KiB at %#lx, device tree at %#lx, RTAS at %#lx, "
                "%lu MiB, %u vCPU",
            (unsigned long)(vm->cfg.kernel_bytes >> 10), (unsigned long)vm->entry,
            (unsigned long)(vm->cfg.initrd_bytes >> 10), (unsigned long)vm->cfg.initrd_start,
            (unsigned long)vm->cfg.fdt_base, (unsigned long)vm->cfg.rtas_base, (unsigned long)(p->ram_size >> 20),
            vm->cfg.vcpus);
    return 0;
}
