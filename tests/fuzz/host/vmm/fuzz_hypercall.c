/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * libFuzzer target vmm_hypercall: the VMM's exit handling on a VM of 1..8 vCPUs, each vCPU's
 * thread running the VMM's own loop (vcpu_run, vcpu_ap_main) against the fake kernel, with
 * the guest (guest.c) played by the input: hypercalls with any registers and guest memory,
 * CPUID, MSRs (the x2APIC's ICR sends IPIs, INIT and SIPI start the other vCPUs), port and
 * string I/O, HLT, interruptions, timers through the fake timer server, the console channel.
 * Header (13 bytes): vCPUs, RAM size (2..8 MiB), a timer server or not, a console channel or not,
 * a peer channel or not (interdomain event channels: the harness plays the peer VMM),
 * the TSC's rate, the TSC at start, vCPU 0's mode.
 * Checked at every VMEnter, besides ASan and UBSan in every line: the VM's invariants
 * (check_vm), the RIP the VMM resumes at for the exit it handled (check_resume), no timer of
 * the vCPU left due after its exit was handled (check_timers); in the fake kernel: the state
 * the VMM writes is state the kernel accepts, a timeout is never armed in the past.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/byte_ring.h>
#include <xen/vcpu.h>
#include "guest.h"

#define HEADER 13u
#define TIMER_PERIOD_MIN 50000ull
#define TIMER_PERIOD_MAX 0x7fffffffffffffffull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vm vm;
static unsigned restarts[VMM_MAX_VCPUS];   /* fake.vcpu[i].full_writes when last seen */

static void check_ports(void)
{
    require(vm.port[0].state == EVTCHN_FREE);
    for (uint32_t p = 1; p < VMM_EVTCHN_PORTS; p++) {
        const struct evtchn *e = &vm.port[p];
        require(e->state <= EVTCHN_BINDING);
        if (e->state == EVTCHN_VIRQ)
            require(e->virq < NR_VIRQS && e->vcpu < vm.params->vcpus && vm.vcpu[e->vcpu].virq_port[e->virq] == p);
        if (e->state == EVTCHN_IPI) require(e->vcpu < vm.params->vcpus);
    }
    for (unsigned i = 0; i < VMM_MAX_VCPUS; i++)
        for (unsigned q = 0; q < NR_VIRQS; q++) {
            uint32_t p = vm.vcpu[i].virq_port[q];
            if (p) require(p < VMM_EVTCHN_PORTS && vm.port[p].state == EVTCHN_VIRQ && vm.port[p].virq == q && vm.port[p].vcpu == i);
        }
    require(vm.console_port == 0 || vm.port[vm.console_port].state == EVTCHN_VMM);
    /* Interdomain ports name the one peer channel and a port of the peer's; none is left
     * binding (the call to the peer is synchronous here) or bound to a peer that has ended. */
    for (uint32_t p = 1; p < VMM_EVTCHN_PORTS; p++) {
        const struct evtchn *e = &vm.port[p];
        require(e->state != EVTCHN_BINDING);
        if (e->state == EVTCHN_INTERDOMAIN)
            require(vm.params->peer_count == 1 && e->peer == 0 && e->remote_port >= 1 &&
                    e->remote_port < VMM_EVTCHN_PORTS && !vm.peer_gone[0] && e->vcpu < vm.params->vcpus);
    }
}

/* Grant frames: where the VMM says each is, and what the fake kernel has mapped. */
static void check_grant_frames(void)
{
    unsigned tables = 0;
    require(vm.gnttab_frames <= VMM_GNTTAB_FRAMES && vm.gnttab_tables_used <= VMM_GNTTAB_TABLES);
    for (unsigned i = 0; i < VMM_GNTTAB_TABLES; i++) tables += fake.table_gpa[i] != 0;
    require(tables == vm.gnttab_tables_used);
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++) {
        uint64_t g = vm.gnttab_gpfn[i];
        bool beyond_ram = g != VMM_INVALID_GFN && g >= console_ring_gpa(vm.ram_size) / 4096;
        require(g == VMM_INVALID_GFN || g < vm.gnttab_gpfn_limit);
        require(fake.frame_gpa[i] == (beyond_ram ? (g << 12) | 1 : 0));
        for (unsigned j = 0; j < i; j++) require(g == VMM_INVALID_GFN || vm.gnttab_gpfn[j] != g);
    }
}

static void check_vm(void)
{
    check_ports();
    check_grant_frames();
    require(vm.shared_info_gpa % 4096 == 0 && vm.shared_info_gpa + 4096 <= vm.ram_size);
    for (unsigned i = 0; i < vm.params->vcpus; i++) {
        const struct vcpu *v = &vm.vcpu[i];
        require(v->dirty_lo <= v->dirty_hi && v->dirty_hi <= VCPU_CACHE_WORDS);
        require(v->power <= VCPU_RUNNING && (i != 0 || v->power == VCPU_RUNNING));
        require((v->lapic.irr[0] & 0xffffffffu) == 0);   /* no fixed interrupt below vector 32 */
        require(v->vcpu_info_gpa == 0 || (v->vcpu_info_gpa + sizeof(struct vcpu_info) <= vm.ram_size &&
                                          v->vcpu_info_gpa % 4096 <= 4096 - sizeof(struct vcpu_info)));
        require(v->runstate_gpa == 0 || (v->runstate_gpa + sizeof(struct vcpu_runstate_info) <= vm.ram_size &&
                                         v->runstate_gpa % 4096 <= 4096 - sizeof(struct vcpu_runstate_info)));
        require(v->period_ns == 0 || (v->period_ns >= TIMER_PERIOD_MIN && v->period_ns <= TIMER_PERIOD_MAX));
    }
}

/* Where the guest resumes after the exit the VMM just handled: past the instruction, or at
 * it when the VMM injected a fault (or a string instruction goes on). */
static void check_resume(unsigned id, unsigned len, const bh_word_t *mr)
{
    const struct guest_last *l = &guest_last[id];
    bh_word_t inj = fake.vcpu[id].injected;
    bool fault = (inj & BH_VCPU_EVENT_VALID) && (inj & 0x700u) == BH_VCPU_EVENT_EXCEPTION;
    if (l->kind == EXIT_NONE) return;
    if (l->kind == EXIT_INTERRUPTED) {
        require(len == 0);
        return;
    }
    require(len >= 1);
    if (fault) {
        require(mr[0] == l->rip);
        return;
    }
    switch (l->kind) {
    case EXIT_VMMCALL: require(mr[0] == l->rip + 3); break;
    case EXIT_CPUID:
    case EXIT_MSR: require(mr[0] == l->rip + 2); break;
    case EXIT_HLT: require(mr[0] == l->rip + 1); break;
    case EXIT_IOIO: require(mr[0] == l->next || mr[0] == l->rip); break;
    default: require(mr[0] == l->rip); break;
    }
}

/* After an exit, vm_poll_sources fired every due timer of the vCPU. */
static void check_timers(unsigned id)
{
    uint64_t d = time_next_deadline(&vm.vcpu[id]);
    require(d == 0 || d > time_now_ns(&vm));
}

/* Every thread waits and no timeout is armed: the guest sleeps until something from outside.
 * A vCPU that waits with interrupts on must then have no timer due: it would never fire. */
static void check_asleep(void)
{
    if (!sched_asleep || vm.ended) return;
    for (unsigned i = 0; i < vm.params->vcpus; i++)
        if (vm.vcpu[i].power == VCPU_RUNNING && !vm.vcpu[i].stopped) check_timers(i);
}

static void enter(unsigned len, bh_word_t *mr)
{
    unsigned id = fake_self;
    if (fake.vcpu[id].full_writes != restarts[id]) {   /* started afresh (SIPI): no exit handled yet */
        restarts[id] = fake.vcpu[id].full_writes;
        guest_last[id].kind = EXIT_NONE;
    }
    check_resume(id, len, mr);
    check_vm();
    if (guest_last[id].kind != EXIT_NONE) check_timers(id);
    sched_switch(SCHED_ENTER);
    if (fake.ntfn[id]) {      /* the kernel: a signal pending, so no entry */
        guest_interrupted(id, mr);
        return;
    }
    if (in_empty()) sched_stop();
    guest_exit(id, mr);
    if (fake.verbose)
        fprintf(stderr, "vmm-fuzz: vCPU %u exit %#lx info1 %#lx rip %#lx rax %#lx rdi %#lx rsi %#lx\n", id,
                (unsigned long)mr[BH_VM_MR_REASON], (unsigned long)mr[BH_VM_MR_INFO1], (unsigned long)mr[BH_VM_MR_RIP],
                (unsigned long)mr[BH_VM_MR_SUMMARY], (unsigned long)mr[BH_VM_MR_SUMMARY + 5],
                (unsigned long)mr[BH_VM_MR_SUMMARY + 4]);
}

static int choose(unsigned candidates, bool yield)
{
    if (in_empty()) return -1;
    return candidates == 1 && !yield ? 0 : (int)(in_byte() % candidates);
}

/* The timer server's signal, a little after the deadline the VMM armed (the server sees the
 * counter pass it, then signals): the VMM's clock (time.c's scale) rounds down, so exactly at
 * the deadline's TSC value it may still see the deadline 1 ns ahead, sleep again and, in a
 * model where time stands still, for ever. */
#define TIMER_LATENCY 1000u

static void timer_fires(void)
{
    if (fake.counter < fake.timer_tsc) fake.counter = fake.timer_tsc;
    fake.counter += TIMER_LATENCY;
    fake.timer_tsc = 0;
    fake_signal(0, 1);
}

static void vcpu_thread(unsigned id)
{
    struct vcpu *v = &vm.vcpu[id];
    require(vcpu_bind(&vm, id, FAKE_CAP_TCB0 + id) == 0);
    if (id != 0) {
        vcpu_ap_main(v);
        return;
    }
    vm_lock(&vm);
    v->power = VCPU_RUNNING;
    vcpu_run(v);
    vm_unlock(&vm);
}

static void setup_params(const uint8_t *h)
{
    static const uint64_t khz[4] = {0, 2400000, 1000000, 3123457};
    struct vmm_params *p = space_params();
    memset(p, 0, sizeof *p);
    p->magic = VMM_PARAMS_MAGIC;
    p->vcpus = 1u + h[0] % VMM_MAX_VCPUS;
    p->ram_size = (2ull << 20) * (1u + h[1] % 4u);
    memcpy(p->name, "fuzz", 5);
    p->ram_vaddr = VMM_GUEST_WINDOW;
    p->console_vaddr = h[2] & 2 ? FAKE_CONSOLE_PAGE : 0;
    p->slot = (struct vmm_slots){FAKE_CAP_VCPU0, FAKE_CAP_GUEST_SPACE, FAKE_CAP_NOTIFICATION0, FAKE_CAP_REPORT,
                                 h[2] & 1 ? FAKE_CAP_TIMER : 0, h[2] & 2 ? FAKE_CAP_CONSOLE_SIGNAL : 0};
    p->counter_khz = khz[(h[2] >> 2) & 3];
    p->flags = VMM_PARAMS_DEBUG_CALLS;
    p->grant.vaddr = VMM_GRANT_WINDOW;
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++) p->grant.frame[i] = FAKE_CAP_GRANT_FRAME0 + i;
    for (unsigned i = 0; i < VMM_GNTTAB_TABLES; i++) p->grant.table[i] = FAKE_CAP_GRANT_TABLE0 + i;
    if (h[2] & 0x10) {   /* an event channel to domain 2, this guest being either end */
        p->domid = 1;
        p->peer_count = 1;
        p->peer[0] = (struct vmm_peer){FAKE_PEER_RING, FAKE_CAP_PEER_EP, FAKE_CAP_PEER_SEND, FAKE_CAP_PEER_SIGNAL, 2,
                                       VMM_PEER_EVENT, (uint8_t)((h[2] >> 5) & 1)};
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER) return -1;
    space_init();
    setup_params(data);
    const struct vmm_params *p = space_params();
    space_set_ram(p->ram_size);
    memset((void *)(uintptr_t)FAKE_CONSOLE_PAGE, 0, 4096);
    memset((void *)(uintptr_t)FAKE_PEER_RING, 0, 4096);
    memset(&vm, 0, sizeof vm);
    uint64_t counter = 0;
    memcpy(&counter, data + 3, 8);
    fake_reset(&vm, counter);
    fake_enter = enter;
    memset(restarts, 0, sizeof restarts);
    vm.params = p;
    vm.ram = (uint8_t *)(uintptr_t)p->ram_vaddr;
    vm.ram_size = p->ram_size;
    /* What main() does before the guest runs; the image loader has its own fuzzer. */
    for (unsigned i = 0; i < p->vcpus; i++) {
        vcpu_init(&vm, i);
        vm.vcpu[i].pat = BH_VCPU_PAT_RESET;
    }
    time_init(&vm);
    gnttab_init(&vm);
    output_init(&vm);
    console_init(&vm);
    guest_setup(&vm);
    in_start(data + HEADER, size - HEADER);
    guest_mode(0, data[11], data[12]);
    fake.vcpu[0].reg[BH_VCPU_RIP] = GUEST_ENTRY;
    vm.vcpu[0].next_rip = GUEST_ENTRY;
    sched_run((unsigned)p->vcpus, vcpu_thread, choose, timer_fires);
    check_vm();
    check_asleep();
    if (fake.verbose)
        fprintf(stderr, "vmm-fuzz: %lu exits, %lu hypercalls (%lu errors), %lu timer events, %lu lines, ended %d; "
                "peer: %lu calls, %lu signals, %lu ports raised\n",
                (unsigned long)vm.exits, (unsigned long)vm.hypercalls, (unsigned long)vm.hypercall_errors,
                (unsigned long)vm.timer_events, (unsigned long)fake.lines, vm.ended, (unsigned long)fake.peer_calls,
                (unsigned long)fake.peer_signals, (unsigned long)vm.peer_raised);
    return 0;
}
