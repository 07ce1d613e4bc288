/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PAPR side of the POWER9 VMM: what a Linux pseries guest sees of its platform, kept
 * portable (plain C, no Bulkhead header) so that it runs in the VMM and in host tests alike.
 * One concern per file:
 *   config.c       the guest configuration and its checks (vCPUs, memory, layout, command line)
 *   guest_memory.c bounds-checked big-endian access to guest-real memory through an accessor
 *   fdt.c          the device tree: root, /memory, /chosen, /vdevice, the XICS node, reserve map
 *   fdt_cpus.c     /cpus: one POWER9 node per vCPU
 *   fdt_rtas.c     /rtas (tokens, hypertas functions) and the RTAS blob the guest calls
 *   hcall.c        the hcall dispatcher: opcode in r3, arguments r4..r12, PAPR return codes
 *   hcall_term.c   H_PUT_TERM_CHAR and H_GET_TERM_CHAR: the hvterm console (hvc0)
 *   hcall_mmu.c    H_REGISTER_PROC_TBL and H_SET_MODE: partition-wide MMU and interrupt mode
 *   hcall_sched.c  H_CEDE, H_PROD, H_CONFER, H_REGISTER_VPA
 *   xics.c         the XICS model (a presentation controller per vCPU, one source controller),
 *                  its hcalls and its RTAS calls
 *   rtas.c         H_RTAS: the argument buffer, the token table, the small services
 *   rtas_cpu.c     start-cpu, stop-self, query-cpu-stopped-state
 *   rtas_time.c    get-time-of-day and set-time-of-day
 * Every call into a papr_vm must be serialised by the caller (the VMM's lock, as on x86).
 */
#ifndef VMM_PAPR_H
#define VMM_PAPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "papr_abi.h"

#define PAPR_MAX_VCPUS 8u                 /* the x86 VMM's limit too */
#define PAPR_CMDLINE_MAX 2047u            /* Linux powerpc COMMAND_LINE_SIZE 2048, with its NUL */
#define PAPR_MEMORY_ALIGN (2ull << 20)    /* GuestSpace frames of 2 MiB */
#define PAPR_MEMORY_MIN (64ull << 20)
#define PAPR_MEMORY_MAX (64ull << 30)
#define PAPR_RTAS_LIMIT (4ull << 30)      /* RTAS runs in 32-bit real mode (rtas_entry.S) */
#define PAPR_RTAS_SIZE 0x10000u           /* the blob plus the error log area, reserved */
#define PAPR_FDT_MAX 0x10000u
#define PAPR_VTY_REG 0x30000000u          /* hvterm1 unit address = termno (kvmtool's) */
#define PAPR_TIMEBASE_HZ 512000000u       /* POWER9's, QEMU SPAPR_TIMEBASE_FREQ */
#define PAPR_CLOCK_HZ 1000000000u
#define PAPR_PVR_POWER9 0x004e1200u       /* QEMU powernv9's POWER9 DD2.0 */
#define PAPR_ICS_SOURCES 16u              /* XICS sources XICS_IRQ_BASE.. for the VMM's devices */
#define PAPR_RTAS_MAX_WORDS 16u           /* Linux struct rtas_args: nargs + nret <= 16 */
#define PAPR_OS_TERM_MAX 256u

/* The guest as configured. Addresses are guest-real; the kernel image sits at 0. */
struct papr_config {
    uint64_t memory_bytes;
    unsigned vcpus;
    const char *cmdline;
    uint64_t kernel_bytes;            /* the image's memory size, from 0 */
    uint64_t initrd_start, initrd_bytes;  /* initrd_bytes 0: none */
    uint64_t rtas_base;               /* PAPR_RTAS_SIZE bytes, below PAPR_RTAS_LIMIT */
    uint64_t fdt_base;                /* PAPR_FDT_MAX bytes */
    uint32_t pvr, timebase_hz, clock_hz;
};

enum papr_config_error {
    PAPR_CONFIG_OK,
    PAPR_CONFIG_NO_VCPUS,
    PAPR_CONFIG_TOO_MANY_VCPUS,
    PAPR_CONFIG_MEMORY_UNALIGNED,
    PAPR_CONFIG_MEMORY_TOO_SMALL,
    PAPR_CONFIG_MEMORY_TOO_LARGE,
    PAPR_CONFIG_NO_CMDLINE,
    PAPR_CONFIG_CMDLINE_TOO_LONG,
    PAPR_CONFIG_KERNEL_OUTSIDE_MEMORY,
    PAPR_CONFIG_INITRD_OUTSIDE_MEMORY,
    PAPR_CONFIG_RTAS_MISPLACED,
    PAPR_CONFIG_FDT_MISPLACED,
    PAPR_CONFIG_OVERLAP,
    PAPR_CONFIG_BAD_FREQUENCY,
};

/* Fills rtas_base and fdt_base at the top of memory below 4 GiB (FDT under RTAS, 64 KiB
 * aligned) and the CPU defaults; the caller sets the rest. */
void papr_config_defaults(struct papr_config *cfg, uint64_t memory_bytes, unsigned vcpus);
/* PAPR_CONFIG_OK, or the first problem with a sentence in why. */
enum papr_config_error papr_config_check(const struct papr_config *cfg, char *why, size_t why_size);

/* Guest-real memory through an accessor: a flat window in tests and in a VMM that maps the
 * guest, something else on a kernel that copies. read and write see only whole ranges
 * inside [0, size): the checks are in guest_memory.c. */
struct papr_guest_memory {
    void *ctx;
    uint64_t size;
    bool (*read)(void *ctx, uint64_t gpa, void *dst, size_t len);
    bool (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
};
void papr_memory_flat(struct papr_guest_memory *mem, void *base, uint64_t size);
bool papr_memory_contains(const struct papr_guest_memory *mem, uint64_t gpa, uint64_t len);
bool papr_memory_read(const struct papr_guest_memory *mem, uint64_t gpa, void *dst, size_t len);
bool papr_memory_write(const struct papr_guest_memory *mem, uint64_t gpa, const void *src, size_t len);
bool papr_load_be16(const struct papr_guest_memory *mem, uint64_t gpa, uint16_t *v);
bool papr_load_be32(const struct papr_guest_memory *mem, uint64_t gpa, uint32_t *v);
bool papr_store_be32(const struct papr_guest_memory *mem, uint64_t gpa, uint32_t v);

/* What the VMM provides: a clock, the console, and a way to wake a vCPU's thread. */
struct papr_host {
    void *ctx;
    uint64_t (*now_ns)(void *ctx);                              /* UTC, since 1970 */
    void (*console_write)(void *ctx, const uint8_t *buf, size_t len);
    size_t (*console_read)(void *ctx, uint8_t *buf, size_t max);  /* 0 when there is none */
    void (*kick)(void *ctx, unsigned vcpu);                     /* it has something to do */
};

/* XICS presentation controller of one server (QEMU ICPState). */
struct xics_icp {
    uint32_t xirr;               /* CPPR << 24 | XISR */
    uint8_t pending_priority;
    uint8_t mfrr;
};

/* One XICS source (QEMU ICSIRQState); every source is message-signalled (edge). */
struct xics_source {
    uint32_t server;
    uint8_t priority, saved_priority;
    bool masked_pending, rejected;
};

enum papr_vcpu_state { PAPR_VCPU_STOPPED, PAPR_VCPU_RUNNING };

struct papr_vcpu {
    enum papr_vcpu_state state;
    bool start_pending;          /* set by start-cpu; the VMM enters at start_pc with start_r3 */
    uint64_t start_pc, start_r3, start_msr;
    bool prodded;                /* H_PROD before the H_CEDE or H_CONFER it ends */
    uint64_t vpa, dtl, dtl_bytes, slb_shadow, slb_shadow_bytes;
    struct xics_icp icp;
};

struct papr_stats {
    uint64_t hcalls, hcall_errors, rtas_calls, rtas_errors, refused_logical_ci;
};

struct papr_vm {
    const struct papr_config *cfg;
    const struct papr_guest_memory *mem;
    const struct papr_host *host;
    struct papr_vcpu vcpu[PAPR_MAX_VCPUS];
    struct xics_source ics[PAPR_ICS_SOURCES];
    /* Partition state the kernel applies to the LPAR (LPCR, partition table entry). */
    bool interrupts_le;          /* LPCR[ILE] */
    unsigned ail;                /* LPCR[AIL] */
    bool proc_table_registered, radix, gtse;
    uint64_t pate1;              /* partition table entry doubleword 1 */
    int64_t rtc_offset_s;        /* set-time-of-day minus the host clock, whole seconds */
    uint32_t rtc_offset_ns;      /* and the nanoseconds, 0..999999999 (no overflow to 9999) */
    uint64_t nmi_sreset, nmi_machine_check;
    char os_term[PAPR_OS_TERM_MAX];
    struct papr_stats stats;
};

/* vCPU 0 running, the others stopped (start-cpu starts them); XICS reset. */
void papr_vm_init(struct papr_vm *vm, const struct papr_config *cfg,
                  const struct papr_guest_memory *mem, const struct papr_host *host);

/* An hcall: r[3] the opcode in, the return code out; r[4..12] arguments in, results out. */
struct papr_hcall {
    uint64_t r[13];
    bool problem_state;          /* SRR1[PR]: only the guest's supervisor may call */
};

/* What the VMM's loop does after an hcall, besides writing r3.. back. */
enum papr_action {
    PAPR_CONTINUE,      /* resume the vCPU */
    PAPR_CEDE,          /* H_CEDE: set MSR[EE]; sleep until an interrupt, a prod or the DEC */
    PAPR_WAIT_PROD,     /* H_CONFER to itself: sleep until prodded or interrupted */
    PAPR_YIELD,         /* H_CONFER: give up the time slice */
    PAPR_STOP_SELF,     /* the vCPU stopped: wait until start-cpu */
    PAPR_POWER_OFF,
    PAPR_REBOOT,
    PAPR_OS_TERM,       /* ibm,os-term: vm->os_term holds the guest's message */
};
enum papr_action papr_hcall(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call);
const char *papr_hcall_name(uint64_t opcode);

/* Handlers, by file; each takes the decoded call and returns the hcall status. */
typedef int64_t papr_hcall_fn(struct papr_vm *vm, unsigned vcpu, struct papr_hcall *call,
                              enum papr_action *action);
papr_hcall_fn hc_put_term_char, hc_get_term_char;
papr_hcall_fn hc_register_proc_tbl, hc_set_mode;
papr_hcall_fn hc_cede, hc_prod, hc_confer, hc_register_vpa;
papr_hcall_fn hc_xirr, hc_eoi, hc_cppr, hc_ipi, hc_ipoll;
papr_hcall_fn hc_rtas;

/* RTAS services: args and rets are the call's words (rets[0] the status, written by the
 * service); nargs and nret were checked against the service's own counts already. */
typedef void papr_rtas_fn(struct papr_vm *vm, unsigned vcpu, const uint32_t *args,
                          uint32_t *rets, enum papr_action *action);
struct papr_rtas_service {
    const char *name;            /* the /rtas property */
    uint32_t token;
    uint8_t nargs, nret;
    papr_rtas_fn *fn;
};
extern const struct papr_rtas_service papr_rtas_services[];
extern const size_t papr_rtas_service_count;
papr_rtas_fn rtas_start_cpu, rtas_stop_self, rtas_query_cpu_stopped_state;
papr_rtas_fn rtas_get_time_of_day, rtas_set_time_of_day;
papr_rtas_fn rtas_set_xive, rtas_get_xive, rtas_int_off, rtas_int_on;
/* The 20-byte big-endian blob at rtas_base: r4 = r3, r3 = H_RTAS, sc 1, blr. */
#define PAPR_RTAS_BLOB_BYTES 20u
void papr_rtas_blob(uint8_t out[PAPR_RTAS_BLOB_BYTES]);

/* XICS for the VMM: reset, raise a source (a device's interrupt), and whether a vCPU has
 * an interrupt to take (the VMM injects 0x500 when it does and MSR[EE] allows). */
void xics_reset(struct papr_vm *vm);
bool xics_raise(struct papr_vm *vm, uint32_t irq);
bool xics_pending(const struct papr_vm *vm, unsigned vcpu);

/* The device tree for cfg into buf (at most size bytes; packed). 0, or a negative libfdt
 * error or -FDT_ERR_BADVALUE for a configuration papr_config_check refuses (why says). */
int papr_fdt_build(const struct papr_config *cfg, void *buf, size_t size, char *why, size_t why_size);
int papr_fdt_cpus(void *fdt, const struct papr_config *cfg);
int papr_fdt_rtas(void *fdt, const struct papr_config *cfg);

/* Civil time (proleptic Gregorian, UTC) from seconds since 1970, and back (rtas_time.c). */
struct papr_civil_time { uint32_t year, month, day, hour, minute, second; };
void papr_civil_from_unix(int64_t seconds, struct papr_civil_time *t);
int64_t papr_unix_from_civil(const struct papr_civil_time *t);

#endif /* VMM_PAPR_H */
