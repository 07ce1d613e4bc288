/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Debian's ppc64el Linux as an LPAR guest (tests/suites/power9.sh, stage power9.linux): the
 * root server as a minimal one-vCPU PAPR VMM with the vmm/papr layer. Guest RAM from large
 * frames, the vmlinux ELF at guest-real 0 and the initramfs after it (both from the boot
 * archive), the device tree and the RTAS blob at the top, entry kexec-style (r3 = FDT,
 * r5 = 0); then a VMEnter loop that answers every hcall with papr_hcall and applies the
 * partition state it sets (H_SET_MODE: ILE and AIL; H_REGISTER_PROC_TBL: the process table).
 * It prints the guest's console, and at the end the exits by reason and the hcalls by name.
 * Not the POWER9 VMM the issue asks for (one vCPU, no console input, no devices, no
 * interrupt sources, H_CEDE spins): the kernel interface under a real guest.
 */
#include <bulkhead/guest.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include <bulkhead/arch/vcpu.h>
#include <string.h>
#include "elf.h"
#include "../../../vmm/papr/papr.h"

#define RAM (256ull << 20)
#define WINDOW 0x0000600000000000ull
#define MSR_SF (1ull << 63)
#define MSR_ME (1ull << 12)
#define MSR_PR (1ull << 14)

static struct bh_alloc alloc;
static uint8_t *ram;
static struct papr_config cfg;
static struct papr_guest_memory mem;
static struct papr_vm vm;
static bh_cptr_t vcpu;

/* User level has no wall clock: the guest's RTAS clock starts at a fixed date (2023-11-14). */
static uint64_t now_ns(void *ctx)
{
    (void)ctx;
    return 1700000000ull * 1000000000ull;
}
static void console_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) bh_printf("%c", buf[i]);
}
static size_t console_read(void *ctx, uint8_t *buf, size_t max)
{
    (void)ctx; (void)buf; (void)max;
    return 0;
}
static void kick(void *ctx, unsigned v)
{
    (void)ctx; (void)v;
}

static int load_segment(void *ctx, const struct bh_elf_segment *seg)
{
    (void)ctx;
    if (seg->paddr + seg->memsz > RAM) return -1;
    memcpy(ram + seg->paddr, seg->data, seg->filesz);
    memset(ram + seg->paddr + seg->filesz, 0, seg->memsz - seg->filesz);
    if (seg->paddr + seg->memsz > cfg.kernel_bytes) cfg.kernel_bytes = seg->paddr + seg->memsz;
    return 0;
}

static bh_word_t get(bh_word_t i)
{
    bh_word_t v = 0;
    (void)bh_vcpu_read_state(vcpu, i, 1, &v);
    return v;
}
static void put(bh_word_t i, bh_word_t v)
{
    (void)bh_vcpu_write_state(vcpu, i, &v, 1);
}

int root_main(const struct bh_bootinfo *bi)
{
    bh_alloc_init(&alloc, bi, BH_ROOT_VSPACE, 0x0000500000000000ull);
    size_t len = 0;
    const void *image = bh_archive_find(bi, "vmlinux", &len);
    if (!image) { bh_printf("[p9linux] no vmlinux in the boot archive\n"); return 1; }
    bh_cptr_t space = bh_alloc_vm_object(&alloc, BH_OBJ_GUEST_SPACE);
    vcpu = bh_alloc_vm_object(&alloc, BH_OBJ_VCPU);
    if (!space || !vcpu) { bh_printf("[p9linux] no GuestSpace or VCPU\n"); return 1; }
    int e = bh_guest_ram_create(&alloc, space, BH_ROOT_VSPACE, WINDOW, RAM);
    if (e) { bh_printf("[p9linux] guest RAM: error %d\n", e); return 1; }
    ram = (uint8_t *)(uintptr_t)WINDOW;
    papr_config_defaults(&cfg, RAM, 1);
    cfg.cmdline = "console=hvc0";
    struct bh_elf elf;
    if (bh_elf_parse(&elf, image, len, 21 /* EM_PPC64 */) != 0 || bh_elf_load_segments(&elf, load_segment, NULL) != 0) {
        bh_printf("[p9linux] vmlinux: bad ELF\n");
        return 1;
    }
    size_t initrd_len = 0;
    const void *initrd = bh_archive_find(bi, "initramfs.cpio", &initrd_len);
    if (!initrd) { bh_printf("[p9linux] no initramfs.cpio in the boot archive\n"); return 1; }
    cfg.initrd_start = (cfg.kernel_bytes + 0xffffu) & ~0xffffull;
    cfg.initrd_bytes = initrd_len;
    if (cfg.initrd_start + initrd_len > cfg.fdt_base) { bh_printf("[p9linux] initramfs too large\n"); return 1; }
    memcpy(ram + cfg.initrd_start, initrd, initrd_len);
    char why[160];
    if (papr_config_check(&cfg, why, sizeof why) != PAPR_CONFIG_OK) { bh_printf("[p9linux] config: %s\n", why); return 1; }
    if (papr_fdt_build(&cfg, ram + cfg.fdt_base, PAPR_FDT_MAX, why, sizeof why) != 0) {
        bh_printf("[p9linux] device tree: %s\n", why);
        return 1;
    }
    papr_rtas_blob(ram + cfg.rtas_base);
    papr_memory_flat(&mem, ram, RAM);
    static struct papr_host host = {NULL, now_ns, console_write, console_read, kick};
    papr_vm_init(&vm, &cfg, &mem, &host);
    bh_printf("[p9linux] vmlinux %lu bytes, image %lx bytes, FDT at %lx, RTAS at %lx\n", (unsigned long)len,
              (unsigned long)cfg.kernel_bytes, (unsigned long)cfg.fdt_base, (unsigned long)cfg.rtas_base);
    if (bh_vcpu_set_space(vcpu, space) || bh_vcpu_set_tcb(vcpu, BH_ROOT_TCB)) return 1;
    put(BH_VCPU_MSR, MSR_SF | MSR_ME);
    put(BH_VCPU_R3, cfg.fdt_base);
    put(BH_VCPU_R4, 0);
    put(BH_VCPU_R5, 0);
    static unsigned long count[0x1000], hcalls[0x400], rtas, other, interrupted;
    bh_word_t x[BH_VM_MR_MODE + 1], pc = bh_elf_entry(&elf) & 0x0fffffffffffffffull;
    int set_pc = 1;
    for (unsigned long n = 0;; n++) {
        bh_word_t dest = 0;
        bh_msginfo_t info = bh_msginfo(0, 0, 0, set_pc ? 1u : 0u);
        bh_set_mr(0, pc);
        bh_sys((bh_word_t)BH_SYS_VM_ENTER, &dest, &info);
        for (unsigned i = 0; i <= BH_VM_MR_MODE; i++) x[i] = bh_get_mr(i);
        set_pc = 0;
        if (bh_msginfo_label(info)) { bh_printf("[p9linux] VMEnter: error %lu\n", (unsigned long)bh_msginfo_label(info)); return 1; }
        if (x[BH_VM_MR_EVENT]) put(BH_VCPU_EVENT, x[BH_VM_MR_EVENT]);
        if (x[0] == BH_VM_EXIT_INTERRUPTED) { interrupted++; continue; }
        count[x[0] & 0xfff]++;
        if (x[0] == BH_VM_EXIT_HCALL) {
            struct papr_hcall c;
            for (unsigned i = 3; i <= 12; i++) c.r[i] = i <= 10 ? x[BH_VM_MR_SUMMARY + i - 3] : get(i);
            c.problem_state = (x[BH_VM_MR_MODE] & MSR_PR) != 0;
            if (c.r[3] < 0x1000) hcalls[c.r[3] / 4]++;
            else if (c.r[3] == 0xf000) rtas++;
            else other++;
            enum papr_action a = papr_hcall(&vm, 0, &c);
            for (unsigned i = 3; i <= 12; i++) put(i, c.r[i]);
            put(BH_VCPU_MODE, (vm.interrupts_le ? 0x02000000ull : 0) | ((bh_word_t)vm.ail << 23));
            put(BH_VCPU_PROCESS_TABLE, vm.pate1);
            if (a == PAPR_POWER_OFF || a == PAPR_REBOOT || a == PAPR_OS_TERM || a == PAPR_STOP_SELF) {
                static const char *const what[] = {"continue", "cede", "wait", "yield", "stop-self",
                                                   "power-off", "reboot", "os-term"};
                bh_printf("\n[p9linux] the guest ended: %s\n", what[a]);
                break;
            }
            pc = x[BH_VM_MR_NEXT_PC];
            set_pc = 1;
            continue;
        }
        if (x[0] == BH_VM_EXIT_HDEC) continue;
        bh_printf("\n[p9linux] exit %lx at pc %lx (qual %lx %lx, msr %lx) after %lu exits\n", (unsigned long)x[0],
                  (unsigned long)x[3], (unsigned long)x[1], (unsigned long)x[2], (unsigned long)x[BH_VM_MR_MODE], n);
        break;
    }
    bh_printf("[p9linux] exits: interrupted %lu", interrupted);
    for (unsigned i = 0; i < 0x1000; i++)
        if (count[i]) bh_printf(", %x: %lu", i, count[i]);
    bh_printf("\n[p9linux] hcalls:");
    for (unsigned i = 0; i < 0x400; i++)
        if (hcalls[i]) bh_printf(" %s %lu", papr_hcall_name(i * 4ull), hcalls[i]);
    bh_printf(" H_RTAS %lu, others %lu\n", rtas, other);
    return 0;
}
