/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What a VMM's creator gives it (docs/vmm.md, "What its creator gives it"): a parameter page
 * at a fixed address of its VSpace, which names everything else: the slots of its
 * capabilities (the creator chooses them: the root server takes them from the system
 * specification, where the IDL compiler allocated them), where guest RAM and the console
 * channel's page are mapped, and the guest's boot files (read-only at fixed addresses). The VMM
 * holds no untyped memory: its creator maps guest RAM twice, into the GuestSpace at gpa and into
 * the VMM at ram_vaddr + gpa; the VMM's copies of the RAM frames' capabilities serve only to
 * derive the pages its guest grants to others (caps below).
 */
#ifndef VMM_PARAMS_H
#define VMM_PARAMS_H

#include <stdint.h>

/* VSpace layout of the VMM process. */
#define VMM_PARAMS_VADDR 0x0000400000000000ull  /* struct vmm_params, read-only */
#define VMM_IMAGE_VADDR 0x0000410000000000ull   /* the kernel image, read-only */
#define VMM_INITRD_VADDR 0x0000420000000000ull  /* the initrd module, read-only */
#define VMM_GUEST_WINDOW 0x0000480000000000ull  /* guest RAM, where the test root maps it */
#define VMM_GRANT_WINDOW 0x0000440000000000ull  /* grant frames, where the test root maps them */

#define VMM_PARAMS_MAGIC 0x37305241504d4d56ull /* "VMMPAR07" */
#define VMM_NAME_LEN 16
#define VMM_CMDLINE_LEN 256
/* The guests a VMM runs: the IDL compiler refuses others, the root server checks again. */
#define VMM_MAX_VCPUS 8u
#define VMM_GUEST_MIN_RAM (4ull << 20)
#define VMM_GUEST_MAX_RAM (64ull << 30)
/* The grant table's maximum size in frames (vmm/gnttab.c; Linux's legacy default), and the
 * page tables that place each frame anywhere in guest-physical space: a PDPT, a PD and a PT. */
#define VMM_GNTTAB_FRAMES 4u
#define VMM_GNTTAB_TABLES (3u * VMM_GNTTAB_FRAMES)
/* Grant and event channels to other guests a VMM serves (one thread each), and their kinds. */
#define VMM_PEER_CHANNELS 8u
#define VMM_PEER_GRANT 0u
#define VMM_PEER_EVENT 1u
/* Free slots the IDL compiler adds to the CNode of a guest with a `grant` channel to another
 * guest: one per page its VMM hands out or receives at once (vmm/grant_peer.h). */
#define VMM_GRANT_FREE_SLOTS 256u

struct vmm_params {
    uint64_t magic;
    uint64_t ram_size;          /* guest RAM is [0, ram_size), 2 MiB granular */
    uint64_t image_size;
    uint64_t initrd_size;
    uint64_t vcpus;
    char name[VMM_NAME_LEN];    /* labels the guest's console output */
    char cmdline[VMM_CMDLINE_LEN];
    uint64_t ram_vaddr;         /* guest RAM in the VMM: ram_vaddr + gpa, 2 MiB aligned */
    uint64_t console_vaddr;     /* the console channel's page (bulkhead/console_ring.h): input
                                   from and output to the console server; 0: none */
    struct vmm_slots {
        uint32_t vcpu0;         /* VCPU n at vcpu0 + n (this stage: one) */
        uint32_t guest_space;   /* the GuestSpace, already holding guest RAM */
        uint32_t notification;  /* the guest's event line: a signal wakes a halted vCPU */
        uint32_t report;        /* send-only endpoint to the creator, badged per guest */
        uint32_t timer;         /* the timer server's endpoint (servers/timer), 0: none */
        uint32_t console_signal; /* the console server's notification for the channel: signalled
                                    after output is written; 0: none */
    } slot;
    uint64_t counter_khz;       /* the TSC's frequency as the kernel measured it, 0: unknown */
    /* The VMM's own grant frames: it maps them into the GuestSpace wherever the guest places
     * them, adding the spare page tables there as needed (vmm/gnttab.c). */
    struct vmm_grant_slots {
        uint64_t vaddr;                     /* frame n at vaddr + n * 4096 in the VMM, read-write */
        uint32_t frame[VMM_GNTTAB_FRAMES];  /* caps to them, unmapped (read-write) */
        uint32_t table[VMM_GNTTAB_TABLES];  /* PageTable objects, unmapped */
    } grant;
    uint64_t flags;             /* VMM_PARAMS_* */
    /* The guest's xenstore channel (docs/xenstore.md): its ring frame is the guest's store page,
     * mapped by the creator in the GuestSpace at VMM_STORE_GPA and here at store_vaddr (0: no
     * store); the VMM signals the xenstore server's notification (slot store_signal) when the
     * guest notifies the store port, and raises the port when the server signals back. */
    uint64_t store_vaddr;
    uint32_t store_signal;
    uint16_t domid;             /* the guest's domain id (the system description's), 0: not given */
    /* Its `grant` and `event` channels to other guests (docs/vmm.md, "Peers"): the VMM's thread
     * vcpus + k serves peer[k]. The ring frame is mapped in the two VMMs only (never in a
     * GuestSpace); it carries the pending-port bitmaps (vmm/peer_proto.h). */
    uint16_t peer_count;
    struct vmm_peer {
        uint64_t ring_vaddr;
        uint32_t endpoint;       /* receives the peer VMM's requests (vmm/peer_proto.h) */
        uint32_t peer_endpoint;  /* send-only: the peer VMM's endpoint, for its service thread */
        uint32_t peer_signal;    /* signal-only: the peer VMM's event line */
        uint16_t domid;          /* the peer guest's domain id */
        uint8_t kind;            /* VMM_PEER_GRANT or VMM_PEER_EVENT */
        uint8_t side;            /* which end of the channel this guest is: 0 left, 1 right */
    } peer[VMM_PEER_CHANNELS];
    /* The date (the boot info's, from the real-time clock): wallclock_sec seconds since
     * 1970-01-01 UTC when the TSC read wallclock_counter; 0: unknown. vmm/time.c turns it into
     * shared_info's wallclock. */
    uint64_t wallclock_sec;
    uint64_t wallclock_counter;
    /* Grants between guests (vmm/grant_serve.c, grant_map.c, grant_copy.c): the caps to its
     * guest's RAM (2 MiB frames, gpa n * 2 MiB at slot ram_frame + n: the granter derives 4 KiB
     * pages of them), its own CNode and VSpace, the CNode's radix (the depth its slots are named
     * with) and the slots nothing occupies (derived pages, pages received from peers). */
    struct vmm_cap_slots {
        uint32_t ram_frame;
        uint32_t cnode;
        uint32_t vspace;
        uint32_t cnode_bits;
        uint32_t free_first, free_last;
    } caps;
};

/* Xen's store page: special PFN 0xfeffc (X86_HVM_END_SPECIAL_REGION 0xff000 - 8 +
 * SPECIALPAGE_XENSTORE 4), outside RAM and reserved in the memory map. */
#define VMM_STORE_GPA 0xfeffc000ull

/* flags: the kernel has debug calls (BH_BOOTINFO_DEBUG_CALLS). Without a console
 * channel the VMM prints through them, and where there are none, nowhere. */
#define VMM_PARAMS_DEBUG_CALLS 0x1u
_Static_assert(sizeof(struct vmm_params) <= 4096, "vmm_params fits a page");

/* The badge of the VMM's own capabilities to its vCPUs' notifications (slot.notification + n)
 * is BH_VMM_KICK_BADGE (abi/bulkhead.abi, shared with the IDL compiler that mints them): its
 * threads' kicks carry it, so that a kick to a thread not yet waiting is kept in the
 * notification's word (a signal with badge 0 would leave no trace), and a waiter can tell a
 * kick from an outside event (the console, the timer server, the creator). */

/* The VMM's own view of its parameters, and the slots they name (read-only after start). */
#define VMM_PARAMS ((const struct vmm_params *)(uintptr_t)VMM_PARAMS_VADDR)
#define VMM_SLOT_VCPU0 (VMM_PARAMS->slot.vcpu0)
#define VMM_SLOT_GUEST_SPACE (VMM_PARAMS->slot.guest_space)
#define VMM_SLOT_NOTIFICATION (VMM_PARAMS->slot.notification)
#define VMM_SLOT_REPORT (VMM_PARAMS->slot.report)
#define VMM_SLOT_TIMER (VMM_PARAMS->slot.timer)

/* The guest's debug port (32-bit OUT): test guests report results there. */
#define VMM_DEBUG_PORT_CHECK 0x500u  /* check id; bit 31 set: the check failed */
#define VMM_DEBUG_PORT_VALUE 0x504u  /* a value for the next CHECK or BENCH */
#define VMM_DEBUG_PORT_BENCH 0x508u  /* benchmark id; the value is the last VALUE */
#define VMM_DEBUG_CHECK_FAILED 0x80000000u

/* What the guest sees of the VMM's choices within the Xen ABI. */
#define VMM_HYPERCALL_MSR 0x40000000u   /* CPUID leaf 0x40000002 ebx: writing a gpa there installs the hypercall page */
#define VMM_INVALID_GFN (~0ull)         /* a grant frame placed nowhere (GNTTABOP_setup_table), Xen's INVALID_GFN */

/* Reports to the creator on the report slot: the label says what, the MRs the details. */
enum vmm_report {
    VMM_REPORT_BENCH = 1,     /* MR0 bench id, MR1 value */
    VMM_REPORT_END = 2,       /* the guest ended: MR0 enum vmm_end, MR1 detail, MR2 detail,
                                 MR3 checks passed, MR4 checks failed, MR5 exits,
                                 MR6 hypercalls, MR7 hypercalls that returned an error */
};

enum vmm_end {
    VMM_END_SHUTDOWN = 1,     /* the guest shut down: detail = reason (Xen's SHUTDOWN_*),
                                 detail2 = enum vmm_shutdown_via */
    VMM_END_CRASH = 2,        /* triple fault: detail = rip */
    VMM_END_NPF = 3,          /* access outside guest memory: detail = gpa, rip */
    VMM_END_HALTED = 4,       /* HLT with interrupts disabled: detail = rip */
    VMM_END_BAD_STATE = 5,    /* VMRUN refused the state: detail = rip */
    VMM_END_REFUSED = 6,      /* the image was refused: detail = enum vmm_load_error */
    VMM_END_SETUP = 7,        /* the VMM could not set itself up: detail = kernel error */
    VMM_END_UNSUPPORTED = 8,  /* an exit the VMM does not handle: detail = reason, rip */
};

/* How a guest ended, in words: the VMM's own report and the root's supervisor print it. */
static inline const char *vmm_end_name(uint64_t why)
{
    switch (why) {
    case VMM_END_SHUTDOWN: return "shut down";
    case VMM_END_CRASH: return "crashed (triple fault)";
    case VMM_END_NPF: return "stopped: access outside its memory";
    case VMM_END_HALTED: return "stopped: halted with interrupts disabled";
    case VMM_END_BAD_STATE: return "stopped: the processor refused its state";
    case VMM_END_REFUSED: return "not started: its kernel image was refused";
    case VMM_END_SETUP: return "not run: its VMM could not set itself up";
    case VMM_END_UNSUPPORTED: return "stopped: an exit its VMM does not handle";
    default: return "ended for an unknown reason";
    }
}

enum vmm_shutdown_via {
    VMM_SHUTDOWN_VIA_HYPERCALL = 0,  /* SCHEDOP_shutdown */
    VMM_SHUTDOWN_VIA_ACPI = 1,       /* the ACPI sleep control register, sleep type S5 */
    VMM_SHUTDOWN_VIA_RTAS = 2,       /* POWER9: RTAS power-off, system-reboot or ibm,os-term */
};

enum vmm_load_error {
    VMM_LOAD_NOT_ELF = 1,
    VMM_LOAD_NO_PVH_NOTE = 2,
    VMM_LOAD_OVERLAP = 3,
    VMM_LOAD_OUTSIDE_RAM = 4,
    VMM_LOAD_TRUNCATED = 5,
    VMM_LOAD_BAD_IMAGE = 6,   /* any other ELF error */
    VMM_LOAD_NO_ROOM = 7,     /* start info, command line or initrd do not fit */
};

#endif
