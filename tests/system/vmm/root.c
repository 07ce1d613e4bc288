/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM test root (the root server of build/x86/vmm.cpio). For each test it creates the
 * objects of one guest (VCPU, GuestSpace, RAM, notification, grant frames and the spare page
 * tables to place them), starts a VMM process holding exactly those capabilities plus a
 * badged send-only report endpoint, and judges the VMM's reports. An archive that contains a file named "bench" runs the benchmark guest instead and
 * prints BENCH lines (run it under -icount shift=0). An archive that contains "vmlinux" and
 * "linux-initrd" (tools/fetch-linux.sh) boots that Linux kernel under one VMM instead, with
 * VT_LINUX_RAM_SIZE of RAM and as many vCPUs as a file "linux-vcpus" says (a digit; 1 without
 * it), and reports how far it got.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/guest.h>
#include <bulkhead/process.h>
#include <bulkhead/runtime.h>
#include "../../../vmm/params.h"
#include <xen/sched.h>
#include "vmmtest.h"

#define EXIT_PASS 0x10u
#define EXIT_FAIL 0x11u
#define VMM_PRIORITY 100u
#define MAX_VMS 16u

/* Where this creator puts a VMM's capabilities (it tells the VMM in the parameter page):
 * VCPU n at VT_SLOT_VCPU0 + n, vCPU n's notification at VT_SLOT_NOTIFICATION + n, the TCB of
 * the thread of vCPU n > 0 at VT_SLOT_TCB1 + n - 1, then the grant frames and their tables. */
#define VT_MAX_VCPUS 8u
enum vt_slot {
    VT_SLOT_GUEST_SPACE = 12, VT_SLOT_REPORT = 14, VT_SLOT_VCPU0 = 16, VT_SLOT_NOTIFICATION = 24, VT_SLOT_TCB1 = 32,
    VT_SLOT_GRANT_FRAME0 = 40,                                /* VMM_GNTTAB_FRAMES of them */
    VT_SLOT_GRANT_TABLE0 = VT_SLOT_GRANT_FRAME0 + VMM_GNTTAB_FRAMES, /* VMM_GNTTAB_TABLES of them */
};

struct vm_instance {
    struct bh_process proc;
    bh_cptr_t vcpu[VT_MAX_VCPUS], ntfn[VT_MAX_VCPUS], space;
    bh_cptr_t signal;           /* the notification, badged: signals carry a bit */
    unsigned progress;          /* heartbeat reports received */
};

struct report {
    bh_word_t badge, label, mr[8];
};

static struct bh_alloc alloc;
static bh_cptr_t exit_port, report_ep;
static const void *vmm_image, *guest_image, *initrd;
static size_t vmm_len, guest_len, initrd_len;
static struct vm_instance vms[MAX_VMS];
static unsigned nvms, failures;
static uint8_t corrupt[512 * 1024];   /* a copy of the test guest (with its debug info) to corrupt */

static void verdict(int ok, const char *name, const char *why)
{
    if (ok) {
        bh_printf("PASS vmm.%s\n", name);
    } else {
        bh_printf("FAIL vmm.%s: %s\n", name, why);
        failures++;
    }
}

static uint64_t guest_ram_size = VT_RAM_SIZE;
static unsigned guest_vcpus = 1;
static uint64_t counter_khz; /* the kernel's TSC measurement, passed on to every VMM */
static uint64_t wallclock_sec, wallclock_counter; /* the boot info's date, passed on likewise */

static int fill_params(struct vm_instance *vm, const char *name, const char *cmdline, size_t image_len)
{
    static struct vmm_params p;
    memset(&p, 0, sizeof p);
    p.magic = VMM_PARAMS_MAGIC;
    p.ram_size = guest_ram_size;
    p.image_size = image_len;
    p.initrd_size = initrd_len;
    p.vcpus = guest_vcpus;
    strncpy(p.name, name, VMM_NAME_LEN - 1);
    strncpy(p.cmdline, cmdline, VMM_CMDLINE_LEN - 1);
    p.ram_vaddr = VMM_GUEST_WINDOW;
    p.slot = (struct vmm_slots){VT_SLOT_VCPU0, VT_SLOT_GUEST_SPACE, VT_SLOT_NOTIFICATION, VT_SLOT_REPORT, 0, 0};
    p.counter_khz = counter_khz;
    p.wallclock_sec = wallclock_sec;
    p.wallclock_counter = wallclock_counter;
    p.flags = VMM_PARAMS_DEBUG_CALLS; /* a test root: the debug kernel; no console channel */
    p.grant.vaddr = VMM_GRANT_WINDOW;
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++) p.grant.frame[i] = VT_SLOT_GRANT_FRAME0 + i;
    for (unsigned i = 0; i < VMM_GNTTAB_TABLES; i++) p.grant.table[i] = VT_SLOT_GRANT_TABLE0 + i;
    return bh_map_data(&alloc, vm->proc.vspace, VMM_PARAMS_VADDR, &p, sizeof p, BH_RIGHT_READ);
}

static int give_caps(struct vm_instance *vm, unsigned badge)
{
    struct bh_process *p = &vm->proc;
    int err = bh_process_give(&alloc, p, VT_SLOT_GUEST_SPACE, vm->space, BH_RIGHTS_ALL, 0);
    for (unsigned i = 0; i < guest_vcpus && err == 0; i++) {
        err = bh_process_give(&alloc, p, VT_SLOT_VCPU0 + i, vm->vcpu[i], BH_RIGHTS_ALL, 0);
        if (err == 0)
            err = bh_process_give(&alloc, p, VT_SLOT_NOTIFICATION + i, vm->ntfn[i], BH_RIGHTS_ALL, BH_VMM_KICK_BADGE);
    }
    if (err == 0) err = bh_process_give(&alloc, p, VT_SLOT_REPORT, report_ep, BH_RIGHT_WRITE, badge);
    return err;
}

/* The VCPUs and notifications of guest_vcpus vCPUs. */
static int create_vcpus(struct vm_instance *vm)
{
    for (unsigned i = 0; i < guest_vcpus; i++) {
        vm->vcpu[i] = bh_alloc_vm_object(&alloc, BH_OBJ_VCPU);
        vm->ntfn[i] = bh_alloc_object(&alloc, BH_OBJ_NOTIFICATION, 0);
        if (!vm->vcpu[i] || !vm->ntfn[i]) return BH_ERR_NOT_ENOUGH_MEMORY;
    }
    return 0;
}

/* The threads of vCPUs 1.. (vCPU 0's is the process's first). */
static int start_vcpu_threads(struct vm_instance *vm)
{
    int err = 0;
    for (unsigned i = 1; i < guest_vcpus && err == 0; i++)
        err = bh_process_start_thread(&alloc, &vm->proc, i, VT_SLOT_TCB1 + i - 1, VMM_PRIORITY);
    return err;
}

/* The VMM's grant frames, mapped into it at VMM_GRANT_WINDOW and given unmapped (a copy), and
 * the spare page tables it maps them into the GuestSpace with (moved: tables are never copied). */
static int give_grant(struct vm_instance *vm)
{
    struct bh_process *p = &vm->proc;
    int err = 0;
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES && err == 0; i++) {
        bh_cptr_t f = bh_alloc_object(&alloc, BH_OBJ_FRAME, 0);
        err = f ? bh_map_frame(&alloc, f, p->vspace, VMM_GRANT_WINDOW + i * 4096ull, BH_RIGHT_READ | BH_RIGHT_WRITE, 1)
                : BH_ERR_NOT_ENOUGH_MEMORY;
        if (err == 0) err = bh_process_give(&alloc, p, VT_SLOT_GRANT_FRAME0 + i, f, BH_RIGHT_READ | BH_RIGHT_WRITE, 0);
    }
    for (unsigned i = 0; i < VMM_GNTTAB_TABLES && err == 0; i++) {
        bh_cptr_t t = bh_alloc_object(&alloc, BH_OBJ_PAGE_TABLE, 0);
        err = t ? bh_cnode_move(p->cnode, VT_SLOT_GRANT_TABLE0 + i, BH_PROC_CNODE_RADIX, alloc.cnode, t, 64)
                : BH_ERR_NOT_ENOUGH_MEMORY;
    }
    return err;
}

static int map_module(bh_cptr_t vspace, uint64_t vaddr, const void *data, size_t len)
{
    return bh_map_module(&alloc, vspace, vaddr, data, len);
}

/* Builds and starts one VMM with its guest; returns its index (the report badge) or -1. */
static int start_vm(const char *name, const char *cmdline, const void *image, size_t image_len)
{
    if (nvms >= MAX_VMS) return -1;
    unsigned id = nvms;
    struct vm_instance *vm = &vms[id];
    memset(vm, 0, sizeof *vm);
    int err = bh_process_create(&alloc, &vm->proc, "vmm", vmm_image, vmm_len, VMM_PRIORITY, 0);
    if (err == 0) err = create_vcpus(vm);
    vm->space = bh_alloc_vm_object(&alloc, BH_OBJ_GUEST_SPACE);
    vm->signal = bh_alloc_slot(&alloc);
    if (err != 0 || !vm->space || !vm->signal) err = err ? err : BH_ERR_NOT_ENOUGH_MEMORY;
    if (err == 0) err = bh_cnode_mint(BH_ROOT_CNODE, vm->signal, 64, BH_ROOT_CNODE, vm->ntfn[0], 64, BH_RIGHT_WRITE, 1);
    if (err == 0) err = bh_guest_ram_create(&alloc, vm->space, vm->proc.vspace, VMM_GUEST_WINDOW, guest_ram_size);
    if (err == 0) err = fill_params(vm, name, cmdline, image_len);
    if (err == 0) err = map_module(vm->proc.vspace, VMM_IMAGE_VADDR, image, image_len);
    if (err == 0) err = map_module(vm->proc.vspace, VMM_INITRD_VADDR, initrd, initrd_len);
    if (err == 0) err = give_caps(vm, id + 1);
    if (err == 0) err = give_grant(vm);
    if (err == 0) err = bh_process_start(&vm->proc);
    if (err == 0) err = start_vcpu_threads(vm);
    if (err != 0) {
        bh_printf("[vmmtest] could not build guest %s: error %d\n", name, err);
        return -1;
    }
    nvms++;
    return (int)id;
}

static void receive(struct report *r)
{
    bh_msginfo_t info = bh_recv(report_ep, &r->badge);
    r->label = bh_msginfo_label(info);
    for (unsigned i = 0; i < 8; i++) r->mr[i] = bh_get_mr(i);
    if (r->badge >= 1 && r->badge <= nvms && r->label == VMM_REPORT_BENCH && r->mr[0] == VT_PROGRESS)
        vms[r->badge - 1].progress++;
}

/* Waits for guest `id` to end; other reports are counted on the way. */
static void wait_end(int id, struct report *r)
{
    do receive(r);
    while (!(r->badge == (bh_word_t)id + 1 && r->label == VMM_REPORT_END));
}

static int run_to_end(const char *name, const char *cmdline, const void *image, size_t len, struct report *r)
{
    int id = start_vm(name, cmdline, image, len);
    if (id < 0) return -1;
    if (strcmp(name, "exits") == 0) bh_signal(vms[id].signal); /* the event its HLT waits for */
    wait_end(id, r);
    return 0;
}

static void test_exits(void)
{
    struct report r;
    static char why[160];
    if (run_to_end("exits", VT_EXITS_CMDLINE, guest_image, guest_len, &r) != 0) {
        verdict(0, "guest_exits_and_hypercalls", "setup failed");
        return;
    }
    int ok = r.mr[0] == VMM_END_NPF && r.mr[1] == VT_EXITS_NPF_GPA && r.mr[3] == VT_EXITS_CHECKS && r.mr[4] == 0;
    snprintf(why, sizeof why, "ended %lu at %#lx, %lu checks passed (want %u), %lu failed", (unsigned long)r.mr[0],
             (unsigned long)r.mr[1], (unsigned long)r.mr[3], VT_EXITS_CHECKS, (unsigned long)r.mr[4]);
    verdict(ok, "guest_exits_and_hypercalls", why);
    verdict(r.mr[0] == VMM_END_NPF && r.mr[1] == VT_EXITS_NPF_GPA, "fetch_outside_ram_ends_guest", why);
}

/* Reads of 1 to 8 bytes where nothing is return all ones, writes are dropped, and the guest
 * goes on (tests/system/vmm/guests/probe.c) to power off. */
static void test_probe(void)
{
    struct report r;
    static char why[160];
    if (run_to_end("probe", "mode=probe", guest_image, guest_len, &r) != 0) {
        verdict(0, "unbacked_reads_all_ones_writes_dropped", "setup failed");
        return;
    }
    snprintf(why, sizeof why, "ended %lu (%#lx, %#lx), %lu checks passed (want %u), %lu failed", (unsigned long)r.mr[0],
             (unsigned long)r.mr[1], (unsigned long)r.mr[2], (unsigned long)r.mr[3], VT_PROBE_CHECKS,
             (unsigned long)r.mr[4]);
    verdict(r.mr[0] == VMM_END_SHUTDOWN && r.mr[1] == SHUTDOWN_poweroff && r.mr[3] == VT_PROBE_CHECKS && r.mr[4] == 0,
            "unbacked_reads_all_ones_writes_dropped", why);
}

/* Three vCPUs: the guest starts its APs with INIT and SIPI and checks IPIs, events and timers
 * across them (tests/system/vmm/guests/smp.c), then powers off. */
static void test_smp(void)
{
    struct report r;
    static char why[160];
    guest_vcpus = VT_SMP_VCPUS;
    int rc = run_to_end("smp", "mode=smp", guest_image, guest_len, &r);
    guest_vcpus = 1;
    if (rc != 0) {
        verdict(0, "smp_guest_starts_and_wakes_its_aps", "setup failed");
        return;
    }
    int ok = r.mr[0] == VMM_END_SHUTDOWN && r.mr[1] == SHUTDOWN_poweroff && r.mr[3] == VT_SMP_CHECKS && r.mr[4] == 0;
    snprintf(why, sizeof why, "ended %lu (%lu), %lu checks passed (want %u), %lu failed", (unsigned long)r.mr[0],
             (unsigned long)r.mr[1], (unsigned long)r.mr[3], VT_SMP_CHECKS, (unsigned long)r.mr[4]);
    verdict(ok, "smp_guest_starts_and_wakes_its_aps", why);
}

static void test_end(const char *mode, const char *test, bh_word_t end, bh_word_t detail, int check_detail)
{
    struct report r;
    static char cmdline[32], why[96];
    snprintf(cmdline, sizeof cmdline, "mode=%s", mode);
    if (run_to_end(mode, cmdline, guest_image, guest_len, &r) != 0) {
        verdict(0, test, "setup failed");
        return;
    }
    snprintf(why, sizeof why, "ended %lu with detail %#lx (want %lu, %#lx)", (unsigned long)r.mr[0],
             (unsigned long)r.mr[1], (unsigned long)end, (unsigned long)detail);
    verdict(r.mr[0] == end && (!check_detail || r.mr[1] == detail), test, why);
}

/* The ACPI guest checks the tables and sleep registers, then powers off through ACPI S5. */
static void test_acpi_poweroff(void)
{
    struct report r;
    static char why[160];
    if (run_to_end("acpi", "mode=acpi-poweroff", guest_image, guest_len, &r) != 0) {
        verdict(0, "acpi_tables_and_s5_poweroff", "setup failed");
        return;
    }
    snprintf(why, sizeof why, "ended %lu (%lu, via %lu), %lu checks passed (want %u), %lu failed",
             (unsigned long)r.mr[0], (unsigned long)r.mr[1], (unsigned long)r.mr[2], (unsigned long)r.mr[3],
             VT_ACPI_CHECKS, (unsigned long)r.mr[4]);
    verdict(r.mr[0] == VMM_END_SHUTDOWN && r.mr[1] == SHUTDOWN_poweroff && r.mr[2] == VMM_SHUTDOWN_VIA_ACPI &&
                r.mr[3] == VT_ACPI_CHECKS && r.mr[4] == 0,
            "acpi_tables_and_s5_poweroff", why);
}

static void wait_progress(int id, unsigned n);

/* The hostile guest runs beside a spinning neighbour of the same priority and partition; the
 * neighbour's heartbeats, counted while the test waits for the hostile guest's end, must go on
 * during the attack and after it. */
static void test_hostile(void)
{
    struct report r;
    static char why[160];
    int neighbour = start_vm("neighbour", "mode=spin", guest_image, guest_len);
    if (neighbour < 0 || run_to_end("hostile", "mode=hostile", guest_image, guest_len, &r) != 0) {
        verdict(0, "hostile_guest", "setup failed");
        return;
    }
    unsigned during = vms[neighbour].progress;
    wait_progress(neighbour, 2);
    bh_printf("[vmmtest] the neighbour of the hostile guest: %u heartbeats during the attack, %u after\n", during,
              vms[neighbour].progress - during);
    verdict(during > 0 && bh_tcb_suspend(vms[neighbour].proc.tcb) == 0, "hostile_guest_leaves_its_neighbour_running",
            "the neighbouring guest made no progress while the hostile guest ran");
    bh_printf("[vmmtest] hostile guest: %lu exits, %lu hypercalls, %lu answered with an error\n",
              (unsigned long)r.mr[5], (unsigned long)r.mr[6], (unsigned long)r.mr[7]);
    snprintf(why, sizeof why, "ended %lu at %#lx after %lu hypercalls", (unsigned long)r.mr[0], (unsigned long)r.mr[1],
             (unsigned long)r.mr[6]);
    verdict(r.mr[0] == VMM_END_NPF && r.mr[1] == VT_HOSTILE_NPF_GPA && r.mr[6] >= VT_HOSTILE_CALLS &&
                r.mr[3] == 1 && r.mr[4] == 0,
            "hostile_guest_100000_random_calls", why);
}

/* Image corruptions: ELF64 header fields e_phoff (32), e_phnum (56); program headers of 56
 * bytes with p_type (0) and p_paddr (24). */
static uint8_t *phdr(unsigned i)
{
    uint64_t phoff;
    memcpy(&phoff, corrupt + 32, 8);
    return corrupt + phoff + 56 * i;
}

static void set_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static void set_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static void test_refused(const char *test, int kind, enum vmm_load_error want)
{
    struct report r;
    static char why[96];
    size_t len = guest_len;
    memcpy(corrupt, guest_image, guest_len);
    switch (kind) {
    case 0: memcpy(corrupt, "this is not an ELF image", 24); break;
    case 1: set_u32(phdr(2), 0); break;                           /* PT_NOTE -> PT_NULL */
    case 2: memcpy(phdr(1) + 24, phdr(0) + 24, 8); break;         /* data paddr = text paddr */
    case 3: set_u64(phdr(0) + 24, 0x40000000ull); break;          /* 1 GiB: beyond RAM */
    default: {                                                    /* cut inside the first segment */
        uint64_t off;
        memcpy(&off, phdr(0) + 8, 8);
        len = (size_t)off + 16;
        break;
    }
    }
    if (run_to_end(test, "mode=none", corrupt, len, &r) != 0) {
        verdict(0, test, "setup failed");
        return;
    }
    snprintf(why, sizeof why, "ended %lu with %lu (want refused with %u)", (unsigned long)r.mr[0],
             (unsigned long)r.mr[1], want);
    verdict(r.mr[0] == VMM_END_REFUSED && r.mr[1] == want, test, why);
}

static void wait_progress(int id, unsigned n)
{
    struct report r;
    unsigned until = vms[id].progress + n;
    while (vms[id].progress < until) receive(&r);
}

/* Two spinning guests; suspending, then deleting, one VMM's thread leaves the other running. */
static void test_kill(void)
{
    int a = start_vm("spin-a", "mode=spin", guest_image, guest_len);
    int b = start_vm("spin-b", "mode=spin", guest_image, guest_len);
    if (a < 0 || b < 0) {
        verdict(0, "killing_a_vmm_ends_only_its_guest", "setup failed");
        return;
    }
    wait_progress(a, 3);
    wait_progress(b, 3);
    int ok = bh_tcb_suspend(vms[a].proc.tcb) == 0;
    wait_progress(b, 1);       /* a report of a's may still be in flight */
    unsigned a_before = vms[a].progress;
    wait_progress(b, 5);
    ok &= vms[a].progress == a_before;
    ok &= bh_cnode_revoke(BH_ROOT_CNODE, vms[a].proc.tcb, 64) == 0 && bh_cnode_delete(BH_ROOT_CNODE, vms[a].proc.tcb, 64) == 0;
    wait_progress(b, 5);
    ok &= vms[a].progress == a_before;
    ok &= bh_tcb_suspend(vms[b].proc.tcb) == 0;
    verdict(ok, "killing_a_vmm_ends_only_its_guest", "the other guest stopped, or the killed one went on");
}

/* Runs one benchmark guest to its end, printing its BENCH reports. */
static void bench_guest(const char *name, const char *cmdline)
{
    static const char *const names[] = {"", "hypercall_xen_version", "cpuid", "ioport_in", "ipi_event_round_trip"};
    struct report r;
    int id = start_vm(name, cmdline, guest_image, guest_len);
    if (id < 0) return;
    for (;;) {
        receive(&r);
        if (r.label == VMM_REPORT_END) break;
        if (r.label == VMM_REPORT_BENCH && r.mr[0] >= 1 && r.mr[0] <= VT_BENCH_IPI)
            bh_printf("BENCH vmm_%s %lu\n", names[r.mr[0]], (unsigned long)r.mr[1]);
    }
    verdict(r.mr[0] == VMM_END_SHUTDOWN, name, "the bench guest did not shut down");
}

/* The exits on one vCPU, then an event-channel IPI between two. */
static void run_bench(void)
{
    bench_guest("bench", "mode=bench");
    guest_vcpus = 2;
    bench_guest("bench_smp", "mode=bench-smp");
    guest_vcpus = 1;
}

/* Boots Linux (the archive's vmlinux and linux-initrd) under one VMM and prints how it ended;
 * tests/suites/vmm.sh judges the guest's console output and this line. A file "linux-cmdline"
 * in the archive is appended to the command line (it chooses how /init ends the guest). */
static void run_linux(const void *vmlinux, size_t vmlinux_len, const char *extra, size_t extra_len)
{
    static char cmdline[VMM_CMDLINE_LEN];
    static const char *const reasons[] = {"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"};
    struct report r;
    guest_ram_size = VT_LINUX_RAM_SIZE;
    if (extra_len > VMM_CMDLINE_LEN - sizeof VT_LINUX_CMDLINE - 1) extra_len = VMM_CMDLINE_LEN - sizeof VT_LINUX_CMDLINE - 1;
    snprintf(cmdline, sizeof cmdline, "%s%s%.*s", VT_LINUX_CMDLINE, extra_len ? " " : "", (int)extra_len,
             extra ? extra : "");
    for (char *c = cmdline; *c; c++)
        if (*c == '\n') *c = ' ';
    bh_printf("[vmmtest] linux: vmlinux %lu bytes, initrd %lu bytes, %lu MiB of guest RAM, %u vCPUs\n",
              (unsigned long)vmlinux_len, (unsigned long)initrd_len, (unsigned long)(guest_ram_size >> 20), guest_vcpus);
    if (run_to_end("linux", cmdline, vmlinux, vmlinux_len, &r) != 0) {
        verdict(0, "linux_boot", "setup failed");
        return;
    }
    bh_printf("[vmmtest] linux ended: reason %lu (%#lx, %#lx) after %lu exits, %lu hypercalls (%lu errors)\n",
              (unsigned long)r.mr[0], (unsigned long)r.mr[1], (unsigned long)r.mr[2], (unsigned long)r.mr[5],
              (unsigned long)r.mr[6], (unsigned long)r.mr[7]);
    /* The line tests/suites/vmm.sh checks: how the guest ended, by name. */
    if (r.mr[0] == VMM_END_SHUTDOWN && r.mr[1] <= SHUTDOWN_soft_reset)
        bh_printf("[vmmtest] linux shutdown: %s via %s\n", reasons[r.mr[1]],
                  r.mr[2] == VMM_SHUTDOWN_VIA_ACPI ? "acpi" : "hypercall");
    else if (r.mr[0] == VMM_END_HALTED)
        bh_printf("[vmmtest] linux halted\n");
    verdict(r.mr[0] == VMM_END_HALTED || r.mr[0] == VMM_END_SHUTDOWN, "linux_guest_stopped",
            "Linux did not halt or shut down");
}

int root_main(const struct bh_bootinfo *bi)
{
    size_t unused;
    bh_alloc_init(&alloc, bi, BH_ROOT_VSPACE, 0x0000600000000000ull);
    counter_khz = bi->counter_khz;
    wallclock_sec = bi->wallclock_sec;
    wallclock_counter = bi->wallclock_counter;
    exit_port = bh_alloc_slot(&alloc);
    bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0xf4, 0xf7, BH_ROOT_CNODE, exit_port, 64);
    report_ep = bh_alloc_object(&alloc, BH_OBJ_ENDPOINT, 0);
    vmm_image = bh_archive_find(bi, "vmm", &vmm_len);
    guest_image = bh_archive_find(bi, "vmm-guest", &guest_len);
    initrd = bh_archive_find(bi, "initrd.txt", &initrd_len);
    if (!vmm_image || !guest_image || !initrd || !report_ep || guest_len > sizeof corrupt) {
        bh_printf("FAIL vmm.setup: the archive lacks vmm, vmm-guest or initrd.txt\n");
        bh_io_port_out8(exit_port, 0xf4, EXIT_FAIL);
        return 1;
    }
    size_t vmlinux_len;
    const void *vmlinux = bh_archive_find(bi, "vmlinux", &vmlinux_len);
    const void *linux_initrd = bh_archive_find(bi, "linux-initrd", &unused);
    if (vmlinux && linux_initrd) {
        size_t extra_len = 0;
        const char *extra = bh_archive_find(bi, "linux-cmdline", &extra_len);
        size_t vcpus_len = 0;
        const char *vcpus = bh_archive_find(bi, "linux-vcpus", &vcpus_len);
        if (vcpus && vcpus_len >= 1 && vcpus[0] >= '1' && vcpus[0] <= '0' + (int)VT_MAX_VCPUS)
            guest_vcpus = (unsigned)(vcpus[0] - '0');
        initrd = linux_initrd;
        initrd_len = unused;
        run_linux(vmlinux, vmlinux_len, extra, extra ? extra_len : 0);
    } else if (bh_archive_find(bi, "bench", &unused)) {
        run_bench();
    } else {
        test_exits();
        test_probe();
        test_smp();
        test_end("shutdown", "shutdown_with_reason_reported", VMM_END_SHUTDOWN, VT_SHUTDOWN_REASON, 1);
        test_end("crash", "triple_fault_reported_as_crash", VMM_END_CRASH, 0, 0);
        test_acpi_poweroff();
        test_hostile();
        test_refused("refuses_not_elf", 0, VMM_LOAD_NOT_ELF);
        test_refused("refuses_no_pvh_note", 1, VMM_LOAD_NO_PVH_NOTE);
        test_refused("refuses_overlapping_segments", 2, VMM_LOAD_OVERLAP);
        test_refused("refuses_segment_outside_ram", 3, VMM_LOAD_OUTSIDE_RAM);
        test_refused("refuses_truncated_image", 4, VMM_LOAD_TRUNCATED);
        test_kill();
    }
    bh_word_t check = bh_debug_check_kernel();
    verdict(check == 0, "kernel_invariants_hold", "the checker found violations");
    bh_printf("[vmmtest] %u failures\n", failures);
    bh_io_port_out8(exit_port, 0xf4, failures == 0 ? EXIT_PASS : EXIT_FAIL);
    return 0;
}
