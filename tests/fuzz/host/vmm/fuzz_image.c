/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target vmm_image: the VMM's guest image parser and PVH loader (vmm/pelf.c,
 * vmm/pvh.c, with acpi.c and memory.c) on any image, with the creator's parameters from the
 * input's first 8 bytes: RAM size (2 to 16 MiB), initrd size, vCPUs, command line. Every input
 * loads or is refused with one of enum vmm_load_error; a refused image leaves guest RAM as it
 * was (the loader decodes, then acts); a loaded one starts vCPU 0 at its PVH entry inside the
 * kernel's memory with the start info at 0x1000. ASan's poisoned memory after RAM, the image
 * and the initrd catches any access beyond them.
 */
#include <string.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "fake.h"

#define HEADER 8u
#define RAM_FILL 0xa5u
#define START_INFO_GPA 0x1000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vm vm;
static bh_ipc_buffer_t ipc;

static void setup_params(const uint8_t *h)
{
    struct vmm_params *p = space_params();
    memset(p, 0, sizeof *p);
    p->magic = VMM_PARAMS_MAGIC;
    p->ram_size = (h[0] & 7u) == 7 ? FAKE_RAM_MAX : (2ull << 20) * (1u + (h[0] & 3u));
    p->initrd_size = ((uint64_t)h[1] | (uint64_t)h[2] << 8 | (uint64_t)(h[3] & 0x7f) << 16) % (FAKE_INITRD_MAX + 1);
    if (h[0] & 0x80) p->initrd_size = 0;
    p->vcpus = 1u + h[4] % VMM_MAX_VCPUS;
    memcpy(p->name, "fuzz", 5);
    /* The command line: filled, unterminated when h[5] says so (the loader terminates it). */
    memset(p->cmdline, 'a' + h[5] % 26, h[5] & 0x80 ? VMM_CMDLINE_LEN : h[5] % VMM_CMDLINE_LEN);
    p->ram_vaddr = VMM_GUEST_WINDOW;
    p->slot.vcpu0 = FAKE_CAP_VCPU0;
    p->slot.guest_space = FAKE_CAP_GUEST_SPACE;
    p->slot.notification = FAKE_CAP_NOTIFICATION0;
    p->slot.report = FAKE_CAP_REPORT;
    p->grant.vaddr = VMM_GRANT_WINDOW;
}

static bool ram_untouched(void)
{
    for (uint64_t i = 0; i < vm.ram_size; i += 4096)
        if (vm.ram[i] != RAM_FILL || vm.ram[i + 4095] != RAM_FILL) return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER || size - HEADER > FAKE_IMAGE_MAX) return -1;
    space_init();
    bh_ipc_buffer_ptr = &ipc;
    setup_params(data);
    const struct vmm_params *p = space_params();
    space_set_image(data + HEADER, size - HEADER);
    space_set_initrd(p->initrd_size, data[6]);
    space_set_ram(p->ram_size);
    memset(&vm, 0, sizeof vm);
    fake_reset(&vm, 0);
    vm.params = p;
    vm.ram = (uint8_t *)(uintptr_t)p->ram_vaddr;
    vm.ram_size = p->ram_size;
    memset(vm.ram, RAM_FILL, (size_t)vm.ram_size);
    ((struct vmm_params *)p)->image_size = size - HEADER;
    for (unsigned i = 0; i < p->vcpus; i++) vcpu_init(&vm, i);

    int rc = pvh_load(&vm);
    require(rc >= 0 && rc <= VMM_LOAD_NO_ROOM);
    require(pvh_strerror(rc) != NULL);
    if (rc != 0) {
        require(ram_untouched());
        return 0;
    }
    const struct hvm_start_info *si = gpa_ptr(&vm, START_INFO_GPA, sizeof *si);
    const struct fake_vcpu *v = &fake.vcpu[0];
    uint64_t entry = vm.vcpu[0].next_rip;
    require(si && si->magic == XEN_HVM_START_MAGIC_VALUE);
    require(entry >= 0x100000 && entry < console_ring_gpa(vm.ram_size) - p->initrd_size);
    require(v->reg[BH_VCPU_RIP] == entry && v->reg[BH_VCPU_RBX] == START_INFO_GPA);
    require(memchr(gpa_ptr(&vm, si->cmdline_paddr, VMM_CMDLINE_LEN), 0, VMM_CMDLINE_LEN) != NULL);
    if (p->initrd_size) {
        const struct hvm_modlist_entry *m = gpa_ptr(&vm, si->modlist_paddr, sizeof *m);
        require(m && m->size == p->initrd_size && gpa_ptr(&vm, m->paddr, m->size));
        require(vm.ram[m->paddr] == data[6] && vm.ram[m->paddr + m->size - 1] == data[6]);
    }
    return 0;
}
