/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * What the VMM fuzzers put around the VMM's real sources (every vmm/ file but main.c): a fake kernel
 * (kernel.c) reached through the stand-in system-call stubs (shim/), the VMM's fixed mappings
 * (space.c), and threads for the vCPUs that run one at a time (sched.c), as the kernel runs
 * a VMM's threads on one CPU.
 */
#ifndef VMM_FUZZ_FAKE_H
#define VMM_FUZZ_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../../../../vmm/vmm.h"

/* Stops the process (libFuzzer reports the input) when a promise is broken. */
#define require(cond) ((cond) ? (void)0 : fake_broken(#cond, __FILE__, __LINE__))
_Noreturn void fake_broken(const char *what, const char *file, int line);

/* The capability slots the fake creator gives the VMM. */
#define FAKE_CAP_VCPU0 0x100u
#define FAKE_CAP_GUEST_SPACE 0x110u
#define FAKE_CAP_NOTIFICATION0 0x120u
#define FAKE_CAP_REPORT 0x130u
#define FAKE_CAP_TIMER 0x131u
#define FAKE_CAP_CONSOLE_SIGNAL 0x132u  /* the console server's notification */
#define FAKE_CAP_GRANT_FRAME0 0x140u
#define FAKE_CAP_GRANT_TABLE0 0x150u
#define FAKE_CAP_TCB0 0x160u
/* A peer channel (params peer[0], when the header asks for one): the VMM's endpoint, the peer
 * VMM's endpoint (a call there is answered by the harness: fake_peer_reply) and event line. */
#define FAKE_CAP_PEER_EP 0x170u
#define FAKE_CAP_PEER_SEND 0x171u
#define FAKE_CAP_PEER_SIGNAL 0x172u

/* space.c: guest RAM, the image, the initrd, the grant frames and the input ring at the
 * addresses the VMM expects, each followed by memory ASan treats as out of bounds. */
#define FAKE_RAM_MAX (16ull << 20)
#define FAKE_IMAGE_MAX (1ull << 20)
#define FAKE_INITRD_MAX (8ull << 20)
#define FAKE_CONSOLE_PAGE 0x0000430000000000ull  /* the console channel's page */
#define FAKE_PEER_RING 0x0000450000000000ull     /* the peer channel's ring page */
void space_init(void);
struct vmm_params *space_params(void);           /* the params page, writable for the harness */
void space_set_ram(uint64_t size);               /* zeroed; [size, max) poisoned */
void space_set_image(const uint8_t *data, uint64_t len);
void space_set_initrd(uint64_t len, uint8_t fill);

/* kernel.c */
struct fake_vcpu {
    bh_word_t reg[BH_VCPU_STATE_COUNT];
    bh_word_t injected;            /* the last EVENT_INJ written since the last exit */
    unsigned full_writes;          /* WRITE_STATEs of the whole state (a fresh start) */
};
struct fake {
    struct vm *vm;
    uint64_t counter;              /* the TSC */
    uint64_t timer_tsc;            /* the timer server's armed deadline, 0 for none */
    bh_word_t ntfn[VMM_MAX_VCPUS]; /* the notifications' words */
    bool ntfn_woken[VMM_MAX_VCPUS];  /* a signal reached the thread waiting on it */
    bh_word_t ntfn_bits[VMM_MAX_VCPUS]; /* what that signal delivered */
    struct fake_vcpu vcpu[VMM_MAX_VCPUS];
    uint64_t frame_gpa[VMM_GNTTAB_FRAMES];   /* gpa | 1 when mapped, 0 when not */
    uint64_t table_gpa[VMM_GNTTAB_TABLES];   /* gpa | level when mapped (level 1..3), 0 when not */
    uint64_t reports, lines;
    uint64_t peer_calls, peer_signals;  /* requests to the peer VMM, signals on its event line */
    bool verbose;                  /* VMM_FUZZ_VERBOSE set: bh_printf goes to stderr */
};
extern struct fake fake;
extern __thread unsigned fake_self;                /* the calling thread's vCPU */
void fake_reset(struct vm *vm, uint64_t counter);
/* The VM_ENTER of fake_self's vCPU (len: its message length, mr: its MRs in and the exit
 * out): the harness runs the guest. */
extern void (*fake_enter)(unsigned len, bh_word_t *mr);
void fake_signal(unsigned ntfn, bh_word_t badge);
/* The peer VMM's answer to a request (label, MR0, MR1): a Xen errno (the harness's). */
extern unsigned (*fake_peer_reply)(bh_word_t label, bh_word_t a0, bh_word_t a1);

/* sched.c: one thread per vCPU, one running at a time; every blocking system call is a point
 * where another may run. The harness's choice function picks which (-1: the run ends); after
 * a yield it must take input even with one candidate, or a VMM that polls and yields until a
 * deadline (it has no timer server) would keep the run going for ever. */
enum sched_state { SCHED_START, SCHED_RUN, SCHED_ENTER, SCHED_WAIT, SCHED_YIELD, SCHED_DONE };
typedef int sched_choose_fn(unsigned candidates, bool yield);
void sched_run(unsigned threads, void (*body)(unsigned id), sched_choose_fn *choose,
               void (*idle)(void));
void sched_switch(enum sched_state why);   /* from the running thread; may not return */
_Noreturn void sched_stop(void);           /* from the running thread: the run ends */
bool sched_can_run(unsigned id);
bool sched_waiting(unsigned id);           /* the thread waits on its notification */
extern bool sched_asleep;                  /* the run ended as nothing could run, no timer armed */

#endif
