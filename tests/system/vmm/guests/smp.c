/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The SMP guest (mode=smp, VT_SMP_VCPUS vCPUs): the bootstrap processor starts the others the
 * way Linux does, with INIT and a start-up IPI through the x2APIC's ICR into a real-mode
 * trampoline (smp_entry.S), then checks what an OS relies on across vCPUs:
 *   each AP's identity (x2APIC ID, CPUID initial APIC ID, Xen vCPU id, APIC_BASE without BSP);
 *   a start-up IPI without INIT starts nothing;
 *   a fixed IPI wakes a halted AP; an event channel bound to an AP (bind_ipi) raises its upcall
 *   and wakes it; an AP asleep in SCHEDOP_poll on a masked port wakes when the BSP sends on it;
 *   an AP's send wakes the halted BSP;
 *   an AP's own single-shot timer wakes it while every vCPU sleeps;
 *   a per-vCPU upcall vector replaces the callback, edge-triggered;
 *   INIT stops a running AP and a new start-up IPI starts it again.
 * Only the BSP reports checks (VT_SMP_CHECKS); the APs leave their results in memory. Then
 * it shuts the guest down with SCHEDOP_shutdown(poweroff).
 */
#include <xen/event_channel.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include "guest.h"

#define SMP_TRAMPOLINE_GPA 0x8000u
#define SIPI_VECTOR (SMP_TRAMPOLINE_GPA >> 12)
#define MSR_APIC_BASE 0x1bu
#define MSR_X2APIC_ID 0x802u
#define MSR_X2APIC_ICR 0x830u
#define ICR_INIT 0x4500u              /* INIT, level assert */
#define ICR_STARTUP 0x0600u
#define ICR_FIXED 0x0000u
#define IPI_VECTOR 0x40u
#define CALLBACK_VECTOR 0xf3u
#define WAIT_TSC 4000000000ull        /* how long the BSP waits for an AP (seconds under TCG) */
#define QUIET_TSC 400000000ull        /* how long "nothing happens" is watched */
#define TIMER_NS 20000000ull          /* the AP's own timer: 20 ms */
#define APS (VT_SMP_VCPUS - 1)

extern uint8_t ap_trampoline[], ap_trampoline_end[];
extern volatile uint32_t irq_count;
void ap_main(void);

uint64_t ap_stack_top;                /* read by smp_entry.S */
static uint8_t ap_stacks[VT_SMP_VCPUS][8192] __attribute__((aligned(16)));
static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));

/* What each AP reports (index: its vCPU number). */
static volatile uint32_t started[VT_SMP_VCPUS], apic_id[VT_SMP_VCPUS], cpuid_apic[VT_SMP_VCPUS];
static volatile uint32_t xen_vcpu[VT_SMP_VCPUS], bsp_bit[VT_SMP_VCPUS], ipi_port[VT_SMP_VCPUS];
static volatile uint32_t stage[VT_SMP_VCPUS], go[VT_SMP_VCPUS], woke_irq[VT_SMP_VCPUS], woke_event[VT_SMP_VCPUS];
static volatile uint32_t timer_fired[VT_SMP_VCPUS], poll_port[VT_SMP_VCPUS], polled[VT_SMP_VCPUS];
static volatile uint64_t spins[VT_SMP_VCPUS];
static volatile uint32_t bsp_port;
static volatile uint32_t bench_mode;  /* mode=bench-smp: the APs answer events (ap_bench) */

static uint32_t next_id;
#define CHECK(cond, value) check(++next_id, (cond) ? 1 : 0, (uint64_t)(value))

static struct shared_info *shared(void)
{
    return (struct shared_info *)shared_info_page;
}

static void send_icr(uint32_t dest, uint32_t low)
{
    wrmsr(MSR_X2APIC_ICR, (uint64_t)dest << 32 | low);
}

/* Waits (interrupts on, halting) until *flag is set or WAIT_TSC passes; true if it was set. */
static int wait_flag(volatile uint32_t *flag, uint32_t value)
{
    uint64_t until = rdtsc() + WAIT_TSC;
    while (*flag != value && rdtsc() < until) __asm__ volatile("pause");
    return *flag == value;
}

/* Takes this vCPU's events as Linux's upcall handler does (upcall flag, then the selector,
 * then the port's bit), so that the next event raises the upcall again. True if `port` was
 * pending. */
static int take_event(unsigned vcpu, uint32_t port)
{
    struct vcpu_info *vi = &shared()->vcpu_info[vcpu];
    vi->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    uint64_t bit = 1ull << (port % 64);
    return (__atomic_fetch_and(&shared()->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}

static void halt_until(volatile uint32_t *flag)
{
    while (!*flag) __asm__ volatile("sti; hlt; cli" : : : "memory");
}

/* The system time of this vCPU's PV clock in shared_info, as Linux computes it. */
static uint64_t system_time(unsigned vcpu)
{
    const struct vcpu_time_info *t = &shared()->vcpu_info[vcpu].time;
    uint64_t delta = rdtsc() - t->tsc_timestamp;
    delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
    return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

static void start_ap(unsigned id, int with_init)
{
    ap_stack_top = (uint64_t)(uintptr_t)&ap_stacks[id][sizeof ap_stacks[id]];
    if (with_init) send_icr(id, ICR_INIT);
    send_icr(id, ICR_STARTUP | SIPI_VECTOR);
}

/* mode=bench-smp's AP: halts; every event on its port is answered with one on the BSP's. */
static _Noreturn void ap_bench(unsigned id)
{
    for (;;) {
        __asm__ volatile("sti; hlt; cli" : : : "memory");
        if (take_event(id, ipi_port[id])) {
            struct evtchn_send send = {bsp_port};
            hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send, 0);
        }
    }
}

/* An AP: says who it is, then does what the BSP's `go` asks, stage by stage. */
void ap_main(void)
{
    unsigned id = (unsigned)rdmsr(MSR_X2APIC_ID);
    if (id >= VT_SMP_VCPUS) return;
    apic_id[id] = id;
    cpuid_apic[id] = cpuid(1, 0).b >> 24;
    xen_vcpu[id] = cpuid(0x40000004, 0).b;
    bsp_bit[id] = (uint32_t)(rdmsr(MSR_APIC_BASE) >> 8) & 1u;
    struct evtchn_bind_ipi b = {id, 0};
    if (hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (uint64_t)&b, 0) == 0) ipi_port[id] = b.port;
    __atomic_add_fetch(&started[id], 1, __ATOMIC_SEQ_CST);
    if (bench_mode) ap_bench(id);
    /* 1: a fixed IPI wakes it from HLT. */
    halt_until(&go[id]);
    uint32_t irqs = irq_count;
    woke_irq[id] = irqs;
    stage[id] = 1;
    /* 2: an event on its IPI port wakes it with an upcall on its vcpu_info. */
    while (!shared()->vcpu_info[id].evtchn_upcall_pending) __asm__ volatile("sti; hlt; cli" : : : "memory");
    woke_event[id] = take_event(id, ipi_port[id]) ? 1 : 2;
    stage[id] = 2;
    /* 2b: SCHEDOP_poll on a masked port (as Linux's PV spinlocks wait) ends when the BSP sends. */
    struct evtchn_bind_ipi pb = {id, 0};
    hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (uint64_t)&pb, 0);
    __atomic_fetch_or(&shared()->evtchn_mask[pb.port / 64], 1ull << (pb.port % 64), __ATOMIC_SEQ_CST);
    uint32_t ports[1] = {pb.port};
    struct sched_poll sp = {.ports = (uint64_t)(uintptr_t)ports, .nr_ports = 1};
    poll_port[id] = pb.port;
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint64_t)&sp, 0);
    polled[id] = (shared()->evtchn_pending[pb.port / 64] >> (pb.port % 64)) & 1 ? 1 : 2;
    /* 3: its own timer wakes it; the BSP sleeps meanwhile. */
    struct evtchn_bind_virq v = {VIRQ_TIMER, id, 0};
    hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uint64_t)&v, 0);
    struct vcpu_set_singleshot_timer t = {system_time(id) + TIMER_NS, 0, 0};
    hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, id, (uint64_t)&t);
    uint64_t port_bit = 1ull << (v.port % 64);
    while (!(shared()->evtchn_pending[v.port / 64] & port_bit)) __asm__ volatile("sti; hlt; cli" : : : "memory");
    timer_fired[id] = system_time(id) >= t.timeout_abs_ns - 1000000u ? 1 : 2;
    /* 4: wake the BSP with an event on its port, then spin until stopped by INIT. */
    struct evtchn_send send = {bsp_port};
    hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send, 0);
    stage[id] = 3;
    for (;;) spins[id]++;
}

static void setup_events(void)
{
    wrmsr(VMM_HYPERCALL_MSR, (uint64_t)(uintptr_t)hypercall_page);
    struct xen_add_to_physmap x = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                   (uint64_t)(uintptr_t)shared_info_page >> 12};
    CHECK(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)&x, 0) == 0, 0);
    struct xen_hvm_param p = {DOMID_SELF, 0, HVM_PARAM_CALLBACK_IRQ, (2ull << 56) | CALLBACK_VECTOR};
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)&p, 0) == 0, 0);
    struct evtchn_bind_ipi b = {0, 0};
    CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (uint64_t)&b, 0) == 0, 0);
    bsp_port = b.port;
    CHECK(rdmsr(MSR_X2APIC_ID) == 0 && ((rdmsr(MSR_APIC_BASE) >> 8) & 1), rdmsr(MSR_APIC_BASE));
}

/* A start-up IPI without INIT first starts nothing; then INIT and SIPI start each AP. */
static void start_all(void)
{
    memcpy((void *)(uintptr_t)SMP_TRAMPOLINE_GPA, ap_trampoline, (size_t)(ap_trampoline_end - ap_trampoline));
    start_ap(1, 0);
    uint64_t until = rdtsc() + QUIET_TSC;
    while (rdtsc() < until) __asm__ volatile("pause");
    CHECK(started[1] == 0, started[1]);
    for (unsigned id = 1; id <= APS; id++) {
        start_ap(id, 1);
        CHECK(wait_flag(&started[id], 1), id);
        CHECK(apic_id[id] == id && cpuid_apic[id] == id && xen_vcpu[id] == id, cpuid_apic[id]);
        CHECK(bsp_bit[id] == 0 && ipi_port[id] != 0, ipi_port[id]);
    }
}

static void wake_aps(void)
{
    for (unsigned id = 1; id <= APS; id++) {
        uint32_t before = irq_count;
        go[id] = 1;
        send_icr(id, ICR_FIXED | IPI_VECTOR);
        CHECK(wait_flag(&stage[id], 1), stage[id]);
        CHECK(woke_irq[id] > before, woke_irq[id]);
        struct evtchn_send send = {ipi_port[id]};
        CHECK(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send, 0) == 0, 0);
        CHECK(wait_flag(&stage[id], 2) && woke_event[id] == 1, woke_event[id]);
        while (!poll_port[id]) __asm__ volatile("pause");
        uint64_t until = rdtsc() + QUIET_TSC;   /* let it fall asleep in the poll */
        while (rdtsc() < until) __asm__ volatile("pause");
        CHECK(polled[id] == 0, polled[id]);
        send.port = poll_port[id];
        hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send, 0);
        CHECK(wait_flag(&polled[id], 1), polled[id]);
    }
}

/* Every AP now sleeps on its timer; the BSP halts until the last AP's event arrives. */
static void timers_and_wakeup(void)
{
    unsigned events = 0;
    for (;;) {
        events += (unsigned)take_event(0, bsp_port);
        unsigned done = 0;
        for (unsigned id = 1; id <= APS; id++) done += stage[id] == 3;
        if (done == APS) break;
        __asm__ volatile("sti; hlt; cli" : : : "memory");
    }
    events += (unsigned)take_event(0, bsp_port);
    CHECK(events >= 1, events);
    for (unsigned id = 1; id <= APS; id++) {
        CHECK(wait_flag(&stage[id], 3), stage[id]);
        CHECK(timer_fired[id] == 1, timer_fired[id]);
    }
}

/* A per-vCPU upcall vector (HVMOP_set_evtchn_upcall_vector): refused below 0x10, for a vCPU
 * that does not exist, or with a bad pointer; once set, an event on the BSP's port arrives as
 * that vector (irq_stub counts it), not the callback, and only once while the flag stays up. */
static void upcall_vector(void)
{
    struct xen_hvm_evtchn_upcall_vector u = {.vcpu = 0, .vector = 0x08};
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, (uint64_t)&u, 0) == -XEN_EINVAL, 0);
    u.vector = 0x50;
    u.vcpu = VT_SMP_VCPUS;
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, (uint64_t)&u, 0) == -XEN_ENOENT, 0);
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, 0xdead00000000ull, 0) == -XEN_EFAULT, 0);
    u.vcpu = 0;
    (void)take_event(0, bsp_port);
    CHECK(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, (uint64_t)&u, 0) == 0, 0);
    uint32_t irqs = irq_count, callbacks = callback_count;
    struct evtchn_send send = {bsp_port};
    hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send, 0);
    __asm__ volatile("sti; hlt; cli" : : : "memory");   /* wakes at once: the vector waits */
    CHECK(irq_count == irqs + 1 && callback_count == callbacks && shared()->vcpu_info[0].evtchn_upcall_pending,
          irq_count - irqs);
}

/* INIT stops AP 1 where it spins; a start-up IPI starts it from the trampoline again. */
static void restart_ap(void)
{
    send_icr(1, ICR_INIT);
    uint64_t until = rdtsc() + QUIET_TSC;
    while (rdtsc() < until) __asm__ volatile("pause");
    uint64_t s = spins[1];
    until = rdtsc() + QUIET_TSC;
    while (rdtsc() < until) __asm__ volatile("pause");
    CHECK(spins[1] == s && s > 0, spins[1]);
    CHECK(stage[2] == 3 && spins[2] > 0, spins[2]);   /* the other AP runs on */
    ipi_port[1] = 0;
    start_ap(1, 0);
    CHECK(wait_flag(&started[1], 2), started[1]);
    CHECK(ipi_port[1] != 0, ipi_port[1]);
}

void test_smp(void)
{
    setup_events();
    start_all();
    wake_aps();
    timers_and_wakeup();
    upcall_vector();
    restart_ap();
    struct sched_shutdown s = {SHUTDOWN_poweroff};
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)&s, 0);
}

/* mode=bench-smp (2 vCPUs, under -icount shift=0): an event-channel IPI round trip between
 * halted vCPUs, as Linux's reschedule IPIs to an idle CPU go: the BSP sends to the AP's port
 * and halts; the AP wakes with the upcall, sends back and halts; the BSP wakes. Best of 16,
 * in instructions from the send to the BSP's wake-up. */
void bench_smp(void)
{
    bench_mode = 1;
    setup_events();
    memcpy((void *)(uintptr_t)SMP_TRAMPOLINE_GPA, ap_trampoline, (size_t)(ap_trampoline_end - ap_trampoline));
    start_ap(1, 1);
    if (!wait_flag(&started[1], 1)) return;
    uint64_t best = ~0ull;
    for (int i = 0; i < 16; i++) {
        (void)take_event(0, bsp_port);
        struct evtchn_send send = {ipi_port[1]};
        uint64_t t0 = rdtsc();
        hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)&send, 0);
        while (!take_event(0, bsp_port)) __asm__ volatile("sti; hlt; cli" : : : "memory");
        uint64_t t1 = rdtsc();
        if (t1 - t0 < best) best = t1 - t0;
    }
    bench(VT_BENCH_IPI, best);
}
