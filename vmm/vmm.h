/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The per-guest VMM: one process per guest, one thread per vCPU running a VMEnter loop.
 * One concern per file:
 *   main.c       start: check the creator's parameters, load, run, report
 *   memory.c     guest RAM through the VMM's window, guest-virtual translation, bounds checks
 *   pvh.c        the PVH loader (ELF + XEN_ELFNOTE_PHYS32_ENTRY, hvm_start_info v1)
 *   acpi.c       ACPI tables (hardware-reduced FADT, DSDT with _S5, MADT) and the sleep registers
 *   pelf.c       ELF64 images by physical address (program headers, the PVH note)
 *   vcpu.c       guest register cache, the VMEnter loop, exit dispatch, event injection
 *   cpuid.c      CPUID policy and the Xen leaves
 *   insn.c       instructions the VMM completes: MOV to CR4, INVD/WBINVD, MMIO forms of MOV
 *   mmio_decode.c  those MOV forms decoded from their bytes (pure: host-tested)
 *   unbacked.c   NPF exits: reads of guest-physical memory with nothing there return all ones
 *   msr.c        MSR policy and the hypercall page
 *   lapic.c      a minimal x2APIC (MSRs only): Linux's clock events, IPIs, INIT and SIPI
 *   smp.c        the vCPU threads, the lock they share, kicks between them, AP start-up
 *   ioport.c     port I/O: the debug port and a 16550 UART at 0x3f8
 *   hypercall.c  VMMCALL: arguments, dispatch, xen_version, console_io, sched_op
 *   physmap.c    memory_op (memory map, shared_info and grant frame placement)
 *   gnttab.c     grant_table_op (the guest's own table: query_size, setup_table, versions)
 *   gnttab_frames.c  grant frames in guest-physical space: in RAM, or the VMM's own beyond it
 *   time.c       the PV clock (vcpu_time_info), wallclock, runstate, VCPUOP and set_timer_op timers
 *   hvm.c        hvm_op (parameters) and vcpu_op (vcpu_info registration)
 *   evtchn.c     event_channel_op (within the guest), VIRQs, 2-level delivery through shared_info
 *   console.c    the Xen PV console: a ring page and an event channel bound to the VMM (hvc0)
 *   store.c      xenstore: the store page shared with the xenstore server, its port relayed
 *   peer.c       channels to other guests' VMMs: the service threads, events through the ring
 *   input.c      console input from the console server's ring into the PV console; output retried
 *   report.c     console lines (to the console server's channel or the debug console) and reports
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bulkhead/syscalls.h>
#include <bulkhead/arch/machine.h>
#include <bulkhead/arch/vcpu.h>
#include <xen/errno.h>
#include <xen/xen.h>
#include <xen/hvm/params.h>
#include "params.h"
#include "mmio_decode.h"
#include "peer_proto.h"
#include "peer_ports.h"
#include "grant_peer.h"

#define VMM_EVTCHN_PORTS PEER_PORTS   /* Xen's 2-level ABI: 4,096 ports, 1..4,095 used */
#define VMM_LINE_MAX 160u
/* Within the Xen ABI (user/include/xen/), the VMM's own choices and Xen's internal limits. */
#define VMM_HYPERCALLS 64   /* the hypercall page has room for 4096 / 32 = 128 stubs; we fill 64 */
#define VMM_XEN_VERSION ((4u << 16) | 17u)   /* XENVER_version and CPUID leaf 1: Xen 4.17 */
#define VMM_MEMOP_CMD_MASK 0x3fu   /* memory_op: the command in bits 5:0, as Xen's MEMOP_CMD_MASK */
#define VMM_POLL_MAX_PORTS 128u    /* SCHEDOP_poll: Xen's limit on nr_ports */
/* The intercepts every vCPU starts with (PVH entry, AP start-up). */
#define VMM_VCPU_CONTROLS (BH_VCPU_CTL_CPUID | BH_VCPU_CTL_HLT | BH_VCPU_CTL_MSR_SWITCHED)
/* The TSC frequency the guest is told (kHz) when the creator does not pass the kernel's
 * measurement (params counter_khz): guest time is then consistent with the TSC at this rate,
 * whatever the host's. */
#define VMM_TSC_KHZ 2000000u
#define VMM_MAX_COUNTER_KHZ 100000000ull   /* 100 GHz: params counter_khz beyond is refused */

/* ACPI sleep control and status registers (acpi.c), and the sleep type that powers off. */
#define VMM_ACPI_SLEEP_CONTROL_PORT 0x520u
#define VMM_ACPI_SLEEP_STATUS_PORT 0x521u
#define VMM_ACPI_SLP_TYP_S5 5u

/* Exit statistics, by class (report.c names them). */
enum vmm_exit_class {
    VMM_EXIT_CLASS_CPUID, VMM_EXIT_CLASS_MSR, VMM_EXIT_CLASS_IOIO, VMM_EXIT_CLASS_HLT, VMM_EXIT_CLASS_VMMCALL,
    VMM_EXIT_CLASS_NPF, VMM_EXIT_CLASS_INTERRUPTED, VMM_EXIT_CLASS_OTHER, VMM_EXIT_CLASSES
};

/* Registers loaded on demand: rax..ss (indices 0..28): GPRs, RIP, CRs, EFER, CS for the mode, SS for the CPL. */
#define VCPU_CACHE_WORDS (BH_VCPU_SS + 1u)

struct lapic {
    uint32_t tpr, svr, tmict, tdcr;
    uint32_t lvt[7];                   /* timer, thermal, perf, LINT0, LINT1, error, CMCI */
    uint64_t icr;
    uint64_t irr[4];                   /* fixed interrupts (IPIs) waiting to be injected */
    bool nmi;                          /* an NMI waiting to be injected */
};
#define LAPIC_MSR_APIC_BASE 0x1bu
#define LAPIC_MSR_FIRST 0x800u
#define LAPIC_MSR_LAST 0x8ffu
/* ICR delivery modes (Intel SDM vol. 3, 11.6.1). */
#define LAPIC_DELIVERY_FIXED 0u
#define LAPIC_DELIVERY_NMI 4u
#define LAPIC_DELIVERY_INIT 5u
#define LAPIC_DELIVERY_STARTUP 6u

/* A vCPU's life (smp.c): vCPU 0 runs from the PVH entry; the others wait for INIT and a
 * start-up IPI from the guest, as application processors do. */
enum vcpu_power { VCPU_WAIT_INIT, VCPU_WAIT_SIPI, VCPU_STARTING, VCPU_RUNNING };

struct vcpu {
    struct vm *vm;
    unsigned id;
    bh_cptr_t cap;                     /* its VCPU */
    bh_cptr_t notification;            /* bound to its thread: a signal ends its VMEnter or wait */
    uint8_t power;                     /* enum vcpu_power */
    uint8_t sipi_vector;               /* where a start-up IPI starts it: vector << 12 */
    bool init_pending;                 /* an INIT arrived while it ran: back to WAIT_SIPI */
    bool kicked;                       /* an outside signal (console, timer, creator), not a kick */
    bool stopped;                      /* halted with interrupts off (vcpu.c) */
    bool polling;                      /* asleep in SCHEDOP_poll: new pending ports wake it */
    bool shadow_over;                  /* this exit's instruction completed: no interrupt shadow */
    uint8_t upcall_vector;             /* its own upcall vector (hvm.c), 0: the callback's */
    bh_word_t exit[BH_VM_MR_COUNT];    /* the last exit, as VMEnter returned it */
    bh_word_t reg[VCPU_CACHE_WORDS];
    uint64_t valid;                    /* bit i: reg[i] is valid for this exit */
    unsigned dirty_lo, dirty_hi;       /* reg[lo..hi) to write back before entering */
    bool pass_results;                 /* reg[rax..rdx] go back in VMEnter's message */
    bh_word_t mode;                    /* the exit's mode word (BH_VM_MODE_*) */
    uint64_t next_rip;                 /* where the guest resumes */
    uint32_t event_inj;                /* EVENTINJ for the next entry, 0 for none */
    uint32_t event_err;
    uint64_t vcpu_info_gpa;            /* registered vcpu_info, 0 for none */
    uint64_t pat;                      /* IA32_PAT as the guest wrote it (not enforced yet) */
    uint64_t runstate_gpa;             /* registered vcpu_runstate_info, 0 for none */
    uint64_t time_area_gpa;            /* registered secondary vcpu_time_info, 0 for none */
    uint64_t timer_ns;                 /* single-shot deadline in system time, 0 for none */
    uint64_t period_ns;                /* periodic timer, 0 for none */
    uint64_t periodic_next_ns;
    uint32_t virq_port[NR_VIRQS];  /* 0: not bound */
    struct lapic lapic;
};


/* pit.c: channel 2 of an 8254 (for calibration loops) and port 0x61. */
struct pit2 {
    uint16_t reload, latch;
    uint8_t access, mode, port61;
    bool write_hi, read_hi, latched, loaded, refresh;
    uint64_t start_ns;
};

struct uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
};

#define VMM_HCALL_ERROR_KINDS 8u

struct vm {
    const struct vmm_params *params;
    uint8_t *ram;
    uint64_t ram_size;
    struct vcpu vcpu[VMM_MAX_VCPUS];
    uint64_t hvm_param[HVM_NR_PARAMS];
    struct evtchn port[VMM_EVTCHN_PORTS];
    struct uart uart;
    struct pit2 pit;
    uint64_t shared_info_gpa;          /* where the guest placed shared_info, 0 for nowhere */
    uint64_t tsc0;                     /* system time 0 */
    uint32_t tsc_mul;                  /* TSC to ns: ((tsc << shift) * mul) >> 32 */
    int8_t tsc_shift;
    uint64_t tsc_khz;                  /* the rate behind tsc_mul and tsc_shift */
    uint64_t timer_waits;              /* sleeps until a deadline through the timer server */
    int lock;                          /* smp.c: held by a vCPU thread outside the guest */
    bool ended;
    uint8_t acpi_wake_status;          /* the sleep status register (WAK_STS) */
    uint32_t gnttab_frames;            /* the grant table's size, in frames */
    bool gnttab_nomem_said;            /* a frame was refused for want of page tables (said once) */
    uint32_t gnttab_tables_used;       /* spare page tables (params grant.table) mapped so far */
    uint64_t gnttab_gpfn_limit;        /* the first gpfn beyond the guest's physical address width */
    uint64_t gnttab_gpfn[VMM_GNTTAB_FRAMES]; /* where each frame is placed, VMM_INVALID_GFN for nowhere */
    /* Counters for the report. */
    uint64_t exits, hypercalls, hypercall_errors, checks_passed, checks_failed;
    /* The refused hypercalls by kind (number, sub-operation, error), for the end report: a
     * guest probes for what it may use, and a user should see what it was told. The first
     * VMM_HCALL_ERROR_KINDS kinds are kept; hcall_error_others counts the rest. */
    struct hcall_error { uint32_t nr, op, err, count; } hcall_error[VMM_HCALL_ERROR_KINDS];
    uint64_t hcall_error_others;
    uint64_t unbacked_reads, unbacked_writes;  /* accesses to nothing (unbacked.c) */
    uint64_t exits_by_reason[VMM_EXIT_CLASSES];
    uint64_t timer_events;
    uint32_t debug_value;
    /* The PV console ring (console.c): its gpa (0: none) and the VMM's port for it. */
    uint64_t console_gpa;
    uint32_t console_port;
    uint64_t console_bytes, console_errors;
    /* The xenstore channel (store.c): the VMM's port for it (0: none), the server's indices at
     * the last look, notifications each way. */
    uint32_t store_port;
    uint32_t store_req_cons, store_rsp_prod;
    uint64_t store_sends, store_raised;
    /* Peer channels (peer.c): each one's peer guest seen ended; events sent and raised. */
    bool peer_gone[VMM_PEER_CHANNELS];
    uint64_t peer_sends, peer_raised, peer_dropped;
    bool started;                      /* set up: the peer service threads may answer */
    /* Grants between guests (grant_peer.h): the granter's view of its table and the pages it
     * handed out; the mapper's handles; the free capability slots; counts for the report. */
    struct grant_table_view granted;
    struct grant_export exported[VMM_GRANT_EXPORTS];
    struct grant_mapping mapped[VMM_GRANT_MAPPINGS];
    uint64_t cap_slot_used[VMM_CAP_SLOT_WORDS];
    uint64_t grant_exports, grant_exports_dropped, grant_maps, grant_unmaps, grant_copies, grant_ro_writes;
    /* Where lines go (report.c): the console channel's output ring, or NULL; bytes dropped. */
    struct bh_byte_ring *out_ring;
    uint64_t console_dropped;
    /* Console lines, labelled with the guest's name: the UART, console_io, the PV console ring. */
    char uart_line[VMM_LINE_MAX], hvc_line[VMM_LINE_MAX], ring_line[VMM_LINE_MAX];
    unsigned uart_len, hvc_len, ring_len;
};

/* memory.c */
void *gpa_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
int guest_copy_from(struct vcpu *v, uint64_t gva, void *buf, uint64_t len);
int guest_copy_to(struct vcpu *v, uint64_t gva, const void *buf, uint64_t len);

/* acpi.c: builds the tables in guest RAM; the RSDP's gpa, or 0 when RAM is too small. The
 * port functions return true when the port is one of the sleep registers. */
uint64_t acpi_build(struct vm *vm);
bool acpi_port_out(struct vm *vm, unsigned port, uint8_t value);
bool acpi_port_in(struct vm *vm, unsigned port, uint8_t *value);

/* pelf.c: 0 or enum vmm_load_error. */
struct pelf {
    const uint8_t *image;
    uint64_t len, phoff;
    uint32_t phnum;
};
struct pelf_seg {
    uint32_t type;
    uint64_t offset, paddr, filesz, memsz;
    const uint8_t *data;
};
int pelf_parse(struct pelf *e, const void *image, uint64_t len);
int pelf_phdr(const struct pelf *e, uint32_t index, struct pelf_seg *s);
int pelf_pvh_entry(const struct pelf *e, uint32_t *entry);

/* pvh.c: loads the image and prepares vCPU 0; 0 or enum vmm_load_error. */
int pvh_load(struct vm *vm);
const char *pvh_strerror(int err);

/* vcpu.c. The register cache's hits are inline: most exits read and write only registers
 * that VMEnter's summary brought; a miss reads the rest with one READ_STATE. */
bh_word_t vcpu_reg_miss(struct vcpu *v, unsigned index);
static inline bh_word_t vcpu_reg(struct vcpu *v, unsigned index)
{
    if (__builtin_expect(!(v->valid & (1ull << index)), 0)) return vcpu_reg_miss(v, index);
    return v->reg[index];
}
/* The new value is valid without reading the old one; vcpu_flush writes [dirty_lo, dirty_hi)
 * and first reads whatever of that range is not valid. */
static inline void vcpu_set_reg(struct vcpu *v, unsigned index, bh_word_t value)
{
    v->reg[index] = value;
    v->valid |= 1ull << index;
    if (v->dirty_hi == v->dirty_lo) {
        v->dirty_lo = index;
        v->dirty_hi = index + 1;
    } else {
        if (index < v->dirty_lo) v->dirty_lo = index;
        if (index + 1 > v->dirty_hi) v->dirty_hi = index + 1;
    }
}
/* CPUID's four results at once (rax..rdx are adjacent: one dirty range). */
static inline void vcpu_set_rax_to_rdx(struct vcpu *v, bh_word_t a, bh_word_t b, bh_word_t c, bh_word_t d)
{
    _Static_assert(BH_VCPU_RBX == BH_VCPU_RAX + 1 && BH_VCPU_RCX == BH_VCPU_RAX + 2 && BH_VCPU_RDX == BH_VCPU_RAX + 3,
                   "rax..rdx adjacent");
    vcpu_set_reg(v, BH_VCPU_RAX, a);
    v->reg[BH_VCPU_RBX] = b;
    v->reg[BH_VCPU_RCX] = c;
    v->reg[BH_VCPU_RDX] = d;
    v->valid |= 0xfull << BH_VCPU_RAX;
    if (v->dirty_hi < BH_VCPU_RDX + 1) v->dirty_hi = BH_VCPU_RDX + 1;
}
int vcpu_flush(struct vcpu *v);
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);
void vcpu_inject_interrupt(struct vcpu *v, unsigned vector);
bool vcpu_long_mode(struct vcpu *v);
void vcpu_run(struct vcpu *v);
void vm_end(struct vm *vm, enum vmm_end why, uint64_t detail, uint64_t detail2);
/* The guest shut itself down (reason: SHUTDOWN_*; via: enum vmm_shutdown_via). */
void vm_shutdown(struct vm *vm, uint32_t reason, enum vmm_shutdown_via via);
void vcpu_wait_event(struct vcpu *v);
void vcpu_poll_ports(struct vcpu *v, const uint32_t *ports, uint32_t n, uint64_t timeout);
unsigned vcpu_cpl(struct vcpu *v);
bool vcpu_interruptible(struct vcpu *v);

/* Exit handlers: each consumes one exit and sets v->next_rip (or ends the guest). */
void cpuid_exit(struct vcpu *v);
/* insn.c: the instructions the kernel intercepts and the VMM completes (MOV to CR4, INVD,
 * WBINVD). */
void insn_cr4_write_exit(struct vcpu *v);
void insn_skip_cache_exit(struct vcpu *v);
/* insn.c: the instruction at CS:RIP decoded as an access to memory (mmio_decode.c); false:
 * not a form it takes, or 16-bit code. */
bool insn_decode_mmio(struct vcpu *v, struct insn_mmio *out);
void insn_mmio_read_done(struct vcpu *v, const struct insn_mmio *a, uint64_t value);
/* unbacked.c: an NPF exit (an access to guest-physical memory the GuestSpace does not map). */
void npf_exit(struct vcpu *v);
void msr_exit(struct vcpu *v);
void ioport_exit(struct vcpu *v);
void hypercall_exit(struct vcpu *v);

/* Hypercalls: arguments a[0..4], result in rax. */
typedef int64_t hypercall_fn(struct vcpu *v, const uint64_t *a);
hypercall_fn hc_xen_version, hc_console_io, hc_sched_op, hc_memory_op, hc_hvm_op, hc_vcpu_op,
    hc_event_channel_op, hc_grant_table_op;

/* gnttab_frames.c */
void gnttab_init(struct vm *vm);
int64_t gnttab_add_to_physmap(struct vm *vm, uint64_t idx, uint64_t gpfn);
/* Frame idx's contents where they are now (in RAM or the VMM's own frame), as 1,024 words. */
uint32_t *gnttab_frame(struct vm *vm, unsigned idx);
/* Maps a 4 KiB frame capability at gpa (outside RAM) in the GuestSpace, adding spare page
 * tables: 0, -XEN_EBUSY (something is there), -XEN_ENOMEM (no table left), -XEN_EINVAL. */
int64_t guest_space_map_page(struct vm *vm, bh_cptr_t frame, uint64_t gpa, bh_word_t rights);
/* Whether gpfn holds one of the guest's grant frames, outside RAM. */
bool gnttab_frame_at(const struct vm *vm, uint64_t gpfn);
void msr_write_hypercall_page(uint8_t *page);

/* lapic.c: 0, or -1 for #GP */
bool lapic_msr(uint32_t msr);
int lapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value);
int lapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value);

/* time.c */
void time_init(struct vm *vm);
uint64_t time_now_ns(struct vm *vm);
uint64_t time_tsc_at(struct vm *vm, uint64_t ns);

/* timer.c: the timer server's client */
bool timer_available(void);
bool timer_arm(struct vm *vm, uint64_t ns);
void time_update_vcpu(struct vcpu *v);          /* writes vcpu_time_info wherever the guest sees it */
void time_update_runstate(struct vcpu *v);
void time_write_wallclock(struct vm *vm);
void time_check_timers(struct vcpu *v);         /* fires due timers as VIRQ_TIMER */
uint64_t time_next_deadline(struct vcpu *v);    /* the earliest armed timer in system time, 0 for none */
int64_t time_vcpu_op(struct vcpu *target, struct vcpu *v, uint64_t cmd, uint64_t arg);
hypercall_fn hc_set_timer_op;

/* evtchn.c */
void evtchn_send_virq(struct vcpu *v, unsigned virq);
struct vcpu_info *evtchn_vcpu_info(struct vcpu *v);   /* registered, else in shared_info, else NULL */
bool evtchn_upcall_pending(struct vcpu *v);
uint32_t evtchn_bind_vmm(struct vm *vm);                  /* a port bound to the VMM, 0 for none */
void evtchn_raise(struct vm *vm, uint32_t port);          /* makes a port pending in the guest */
bool evtchn_port_pending(struct vm *vm, uint32_t port);   /* its pending bit, masked or not */
void evtchn_assert_upcall(struct vcpu *v);                 /* the upcall flag rose: interrupt it */
bool evtchn_events_need_delivery(struct vcpu *v);          /* an upcall pending and not masked */

/* console.c */
uint64_t console_ring_gpa(uint64_t ram_size);             /* the ring's page: the top of RAM */
void console_init(struct vm *vm);
void console_drain(struct vm *vm);               /* out[] to the console, as far as it takes it */
bool console_pending(struct vm *vm);             /* out[] holds bytes not yet drained */
uint32_t console_input(struct vm *vm, const char *buf, uint32_t len);
/* store.c: the store page and port (HVM_PARAM_STORE_*); the guest's send on the port; after
 * every exit, the port raised when the xenstore server moved its indices. */
void store_init(struct vm *vm);
void store_notify(struct vm *vm);
void store_poll(struct vm *vm);
/* peer.c: the channels to other guests' VMMs (vmm/peer_proto.h). The service thread of channel
 * k (the VMM's thread vcpus + k); the channel to a domain, -1 for none; whether its guest ended;
 * an event for the peer's port; the peer's events and endings (after every exit of vCPU 0); a
 * request to the peer, made without the VM lock (0 or a positive Xen errno); the guest's end. */
int peer_serve(struct vm *vm, unsigned k);
int peer_of_domain(struct vm *vm, uint32_t domid);
int peer_grant_channel(struct vm *vm, uint32_t domid);   /* the `grant` channel to a domain, -1 for none */
bool peer_gone(struct vm *vm, unsigned k);
void peer_send(struct vm *vm, unsigned k, uint32_t remote_port);
void peer_poll(struct vm *vm);
uint64_t peer_request(struct vm *vm, unsigned k, enum peer_request what, uint32_t a0, uint32_t a1);
void peer_end(struct vm *vm);
/* A reply's words after the errno and the capability it carries (0: none). */
struct peer_reply {
    unsigned words;
    uint64_t word[2];
    uint32_t cap;
};
uint64_t peer_request_grant(struct vm *vm, unsigned k, enum peer_request what, uint32_t a0, uint32_t a1,
                            uint32_t recv_slot, int64_t out[2], bool *got);
/* grant_serve.c: the granter's answer to a grant request on channel k (under the lock, 0 or a
 * positive Xen errno); a peer's end takes back every page it held (the number). */
uint64_t grant_serve(struct vm *vm, unsigned k, bh_word_t label, bh_word_t a0, bh_word_t a1, struct peer_reply *out);
unsigned grant_serve_peer_gone(struct vm *vm, unsigned k);
/* grant_map.c, grant_copy.c: GNTTABOP_map_grant_ref, unmap_grant_ref and copy between guests
 * (count ops at uop; under the lock, released around each call to a peer); whether gpa is a
 * read-only grant mapping (unbacked.c drops a write there). */
int64_t grant_map_ops(struct vcpu *v, uint64_t uop, uint32_t count);
int64_t grant_unmap_ops(struct vcpu *v, uint64_t uop, uint32_t count);
int64_t grant_copy_ops(struct vcpu *v, uint64_t uop, uint32_t count);
bool grant_mapped_readonly(struct vm *vm, uint64_t gpa);
/* cap_slots.c: a free slot of the VMM's CSpace (0: none left), and giving one back. */
uint32_t cap_slot_alloc(struct vm *vm);
void cap_slot_free(struct vm *vm, uint32_t slot);
/* input.c: moves the console server's typed bytes into the guest's console ring, and drains
 * what the guest's ring still holds (after every exit). */
void console_poll(struct vm *vm);

/* memory.c */
int guest_gpa(struct vcpu *v, uint64_t gva, uint64_t len, bool write, uint64_t *gpa);

/* report.c: where lines go (chosen at start); whether the output takes a line of len bytes
 * now; a line "[name source] text"; the VMM's own, source "vmm"; a byte of a guest's line. */
struct bh_byte_ring;
void output_init(struct vm *vm);
bool output_room(struct vm *vm, unsigned len);
void vmm_line(struct vm *vm, const char *source, const char *text, unsigned len);
void vmm_say(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void console_put(struct vm *vm, char *line, unsigned *len, char c, const char *source);
void report_bench(struct vm *vm, uint32_t id, uint32_t value);
void report_end(struct vm *vm, enum vmm_end why, uint64_t detail, uint64_t detail2);

/* smp.c: the lock serialises every vCPU thread's work outside the guest; kicks wake or
 * interrupt another vCPU's thread; vm_poll_sources fires due timers and takes console input. */
static inline void vm_lock(struct vm *vm)
{
    while (__atomic_exchange_n(&vm->lock, 1, __ATOMIC_ACQUIRE)) bh_yield();
}
static inline void vm_unlock(struct vm *vm)
{
    __atomic_store_n(&vm->lock, 0, __ATOMIC_RELEASE);
}
void vcpu_kick(struct vcpu *target);
void vm_kick_all(struct vm *vm);
void vm_poll_sources(struct vcpu *v);
uint64_t vm_next_deadline(struct vm *vm);
void vcpu_init(struct vm *vm, unsigned id);
int vcpu_bind(struct vm *vm, unsigned id, bh_cptr_t tcb);
void vcpu_ap_main(struct vcpu *v);
void vcpu_deliver_ipi(struct vcpu *target, unsigned mode, unsigned vector);
void vcpu_inject_lapic(struct vcpu *v);
/* A fixed interrupt waits in the vCPU's IRR (an IPI, or its own upcall vector). */
static inline void lapic_raise(struct lapic *l, unsigned vector)
{
    l->irr[(vector / 64) & 3u] |= 1ull << (vector % 64);
}
static inline bool vcpu_lapic_pending(const struct vcpu *v)
{
    return v->lapic.nmi || (v->lapic.irr[0] | v->lapic.irr[1] | v->lapic.irr[2] | v->lapic.irr[3]) != 0;
}

/* pit.c */
bool pit_port_out(struct vm *vm, unsigned port, uint8_t value);
bool pit_port_in(struct vm *vm, unsigned port, uint8_t *value);

#endif
