/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The fake kernel behind the VMM fuzzers: every system call and invocation the VMM makes,
 * with the kernel's answers (kernel/vcpu.c, kernel/guest_space.c, kernel/notification.c):
 *   VCPU READ_STATE / WRITE_STATE on a register file per vCPU, with the kernel's checks
 *     (svm_vcpu_check_state's rules from docs/vmm.md); a refused write is the VMM's bug, as
 *     the VMM would then stop its guest with VMM_END_SETUP for nothing the guest did
 *   GuestSpace MAP_FRAME / MAP_TABLE and FRAME UNMAP on a model of the nested page tables:
 *     guest RAM in 2 MiB leaves, the tables and 4 KiB grant frames the VMM adds beyond it
 *   notifications: a signal ORs the badge into the word or wakes the waiter (the VMM's own
 *     capabilities carry BH_VMM_KICK_BADGE, as its creators mint them); wait, poll; VMEnter returns
 *     INTERRUPTED while the bound notification's word is set
 *   the timer server (label 0: a TSC deadline), the report endpoint, the debug console
 *   a peer VMM (the harness answers its requests; its event line counts signals), called only
 *     with the VM lock released
 * VMEnter itself is the harness's (fake_enter): it plays the guest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "fake.h"

#define EFER_GUEST_BITS 0xfd01ull   /* SCE, LME, LMA, NXE, LMSLE, FFXSR, TCE */
#define GUEST_PHYS_TOP (1ull << 48)
#define YIELD_TICKS 200000u         /* a yield lets 100 us of a 2 GHz TSC pass */

struct fake fake;
__thread unsigned fake_self;
__thread bh_ipc_buffer_t *bh_ipc_buffer_ptr;
__thread bh_cptr_t bh_self_tcb;
void (*fake_enter)(unsigned len, bh_word_t *mr);
unsigned (*fake_peer_reply)(bh_word_t label, bh_word_t a0, bh_word_t a1);

_Noreturn void fake_broken(const char *what, const char *file, int line)
{
    fprintf(stderr, "vmm-fuzz: %s:%d: broken: %s\n", file, line, what);
    abort();
}

void fake_reset(struct vm *vm, uint64_t counter)
{
    memset(&fake, 0, sizeof fake);
    fake.vm = vm;
    fake.counter = counter;
    fake.verbose = getenv("VMM_FUZZ_VERBOSE") != NULL;
}

uint64_t bh_arch_counter(void)
{
    return fake.counter;
}

/* Console output: formatted in full (ASan sees every argument read), then dropped. */
int bh_printf(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fake.lines++;
    if (fake.verbose) fputs(line, stderr);
    return n;
}

/* The VMM chooses no other sink than the debug console here (params flags say it exists). */
void bh_console_set_sink(bh_console_sink_t sink)
{
    (void)sink;
}

void bh_console_discard(const char *text, size_t len)
{
    (void)text;
    (void)len;
}

void bh_puts(const char *s)
{
    (void)bh_printf("%s\n", s);
}

void bh_putc(char c)
{
    (void)bh_printf("%c", c);
}

void fake_signal(unsigned ntfn, bh_word_t badge)
{
    if (sched_waiting(ntfn) && !fake.ntfn_woken[ntfn]) {
        fake.ntfn_woken[ntfn] = true;
        fake.ntfn_bits[ntfn] = fake.ntfn[ntfn] | badge;
        fake.ntfn[ntfn] = 0;
        return;
    }
    fake.ntfn[ntfn] |= badge;
}

/* The kernel's WRITE_STATE checks (docs/vmm.md, "Checks"). */
static bool event_ok(bh_word_t e)
{
    uint32_t lo = (uint32_t)e, type = (lo >> 8) & 7u, vector = lo & 0xffu;
    if (!(lo & BH_VCPU_EVENT_VALID)) return e == 0;
    if ((lo & 0x7ffff000u) || (type != 0 && type != 2 && type != 3 && type != 4)) return false;
    if ((lo & BH_VCPU_EVENT_ERROR_VALID) && type != 3) return false;
    if (type == 3) return vector < 32 && vector != 2;
    return type != 2 || vector == 2;
}

static bool state_ok(bh_word_t index, bh_word_t value)
{
    if (index >= BH_VCPU_ES && index <= BH_VCPU_TR + 1) return ((index - BH_VCPU_ES) & 1u) || !(value & 0xf0000000ull);
    switch (index) {
    case BH_VCPU_EFER: return (value & ~EFER_GUEST_BITS) == 0;
    case BH_VCPU_GDTR_LIMIT:
    case BH_VCPU_IDTR_LIMIT: return value <= 0xffff;
    case BH_VCPU_CONTROLS: return (value & ~(bh_word_t)BH_VCPU_CTL_ALL) == 0;
    case BH_VCPU_EXCEPTIONS: return value <= 0xffffffffu;
    case BH_VCPU_EVENT_INJ: return event_ok(value);
    case BH_VCPU_INT_SHADOW: return value <= 1;
    case BH_VCPU_CR4: return (value & ~BH_VCPU_CR4_ALLOWED) == 0;
    case BH_VCPU_DR6:
    case BH_VCPU_DR7: return value <= 0xffffffffu;
    default: return index < BH_VCPU_STATE_COUNT;
    }
}

static int vcpu_invoke(unsigned id, bh_word_t label, unsigned len, bh_word_t *mr)
{
    struct fake_vcpu *v = &fake.vcpu[id];
    switch (label) {
    case BH_INV_VCPU_SET_TCB:
    case BH_INV_VCPU_SET_SPACE: return BH_ERR_OK;
    case BH_INV_VCPU_READ_STATE: {
        bh_word_t first = mr[0], count = mr[1];
        require(len == 2);
        require(first < BH_VCPU_STATE_COUNT && count >= 1 && count <= BH_VCPU_STATE_COUNT - first);
        for (bh_word_t i = 0; i < count; i++) mr[i] = v->reg[first + i];
        return BH_ERR_OK;
    }
    case BH_INV_VCPU_WRITE_STATE: {
        bh_word_t first = mr[0], count = len - 1;
        require(len >= 1 && first < BH_VCPU_STATE_COUNT && count <= BH_VCPU_STATE_COUNT - first);
        for (bh_word_t i = 0; i < count; i++) require(state_ok(first + i, mr[1 + i]));
        for (bh_word_t i = 0; i < count; i++) v->reg[first + i] = mr[1 + i];
        if (first <= BH_VCPU_EVENT_INJ && first + count > BH_VCPU_EVENT_INJ) v->injected = mr[1 + BH_VCPU_EVENT_INJ - first];
        if (first == 0 && count > BH_VCPU_IDTR_LIMIT) v->full_writes++;
        return BH_ERR_OK;
    }
    default: fake_broken("a VCPU invocation the VMM does not make", __FILE__, __LINE__); return BH_ERR_ILLEGAL_OPERATION;
    }
}

/* The nested page tables above RAM: a level is present when RAM's tables or a table the VMM
 * mapped cover gpa (level 3: PDPT per 512 GiB, 2: PD per GiB, 1: PT per 2 MiB). */
static bool level_present(unsigned level, uint64_t gpa)
{
    unsigned shift = level == 3 ? 39 : level == 2 ? 30 : 21;
    if (level >= 2 && (gpa >> shift) == 0) return true;   /* RAM's (at most 1 GiB here) */
    for (unsigned i = 0; i < VMM_GNTTAB_TABLES; i++) {
        uint64_t t = fake.table_gpa[i];
        if (t && (t & 3u) == level && ((t & ~3ull) >> shift) == (gpa >> shift)) return true;
    }
    return false;
}

static bool in_ram_leaf(uint64_t gpa)
{
    return (gpa >> 21) < ((fake.vm->ram_size + (2u << 20) - 1) >> 21);
}

static int map_table(unsigned table, uint64_t gpa)
{
    if (gpa >= GUEST_PHYS_TOP) return BH_ERR_INVALID_ARGUMENT;
    if (fake.table_gpa[table]) return BH_ERR_DELETE_FIRST;
    if (in_ram_leaf(gpa)) return BH_ERR_DELETE_FIRST;
    for (unsigned level = 3; level >= 1; level--) {
        if (level_present(level, gpa)) continue;
        fake.table_gpa[table] = (gpa & ~0xfffull) | level;
        return BH_ERR_OK;
    }
    return BH_ERR_DELETE_FIRST;
}

static int map_frame(unsigned frame, uint64_t gpa, bh_word_t rights)
{
    if (gpa & 0xfff) return BH_ERR_ALIGNMENT;
    if (gpa >= GUEST_PHYS_TOP || (rights & ~(bh_word_t)(BH_RIGHT_READ | BH_RIGHT_WRITE | BH_VCPU_RIGHT_EXECUTE)))
        return BH_ERR_INVALID_ARGUMENT;
    if (!(rights & BH_RIGHT_READ)) return BH_ERR_INSUFFICIENT_RIGHTS;
    if (fake.frame_gpa[frame]) return BH_ERR_DELETE_FIRST;
    if (in_ram_leaf(gpa)) return BH_ERR_DELETE_FIRST;
    for (unsigned level = 3; level >= 1; level--)
        if (!level_present(level, gpa)) return BH_ERR_FAILED_LOOKUP;
    for (unsigned i = 0; i < VMM_GNTTAB_FRAMES; i++)
        if (fake.frame_gpa[i] == (gpa | 1)) return BH_ERR_DELETE_FIRST;
    fake.frame_gpa[frame] = gpa | 1;
    return BH_ERR_OK;
}

static int call(bh_cptr_t cap, bh_word_t label, unsigned len, bh_word_t *mr)
{
    bh_ipc_buffer_t *b = bh_ipc_buffer_ptr;
    if (cap >= FAKE_CAP_VCPU0 && cap < FAKE_CAP_VCPU0 + VMM_MAX_VCPUS)
        return vcpu_invoke((unsigned)(cap - FAKE_CAP_VCPU0), label, len, mr);
    if (cap >= FAKE_CAP_TCB0 && cap < FAKE_CAP_TCB0 + VMM_MAX_VCPUS && label == BH_INV_TCB_BIND_NOTIFICATION)
        return BH_ERR_OK;
    if (cap == FAKE_CAP_GUEST_SPACE && label == BH_INV_GUEST_SPACE_MAP_FRAME) {
        bh_word_t f = b->caps_or_badges[0] - FAKE_CAP_GRANT_FRAME0;
        require(f < VMM_GNTTAB_FRAMES && len == 2);
        return map_frame((unsigned)f, mr[0], mr[1]);
    }
    if (cap == FAKE_CAP_GUEST_SPACE && label == BH_INV_GUEST_SPACE_MAP_TABLE) {
        bh_word_t t = b->caps_or_badges[0] - FAKE_CAP_GRANT_TABLE0;
        require(t < VMM_GNTTAB_TABLES && len == 1);
        return map_table((unsigned)t, mr[0]);
    }
    if (cap >= FAKE_CAP_GRANT_FRAME0 && cap < FAKE_CAP_GRANT_FRAME0 + VMM_GNTTAB_FRAMES && label == BH_INV_FRAME_UNMAP) {
        fake.frame_gpa[cap - FAKE_CAP_GRANT_FRAME0] = 0;
        return BH_ERR_OK;
    }
    if (cap == FAKE_CAP_TIMER && label == 0 && len == 1) {
        /* vCPU 0 has just fired every running vCPU's due timers: a deadline in the past would
         * make the server signal it at once, and it would sleep again on the same deadline,
         * spinning through the server. (Another vCPU may arm a past one: the signal wakes
         * vCPU 0, which fires it.) */
        require(fake_self != 0 || mr[0] >= fake.counter);
        fake.timer_tsc = mr[0];
        return BH_ERR_OK;
    }
    fake_broken("an invocation the VMM does not make", __FILE__, __LINE__);
    return BH_ERR_ILLEGAL_OPERATION;
}

static unsigned ntfn_of(bh_cptr_t cap)
{
    require(cap >= FAKE_CAP_NOTIFICATION0 && cap < FAKE_CAP_NOTIFICATION0 + VMM_MAX_VCPUS);
    unsigned n = (unsigned)(cap - FAKE_CAP_NOTIFICATION0);
    require(n == fake_self);   /* each vCPU's thread waits on its own */
    return n;
}

void fake_syscall(bh_word_t nr, bh_word_t *dest, bh_word_t *info)
{
    bh_word_t *mr = bh_ipc_buffer_ptr->mr;
    unsigned len = bh_msginfo_length(*info);
    switch ((int64_t)nr) {
    case BH_SYS_CALL:
        if (*dest == FAKE_CAP_PEER_SEND) {
            /* A VMM never calls its peer with its VM lock held (vmm/peer_proto.h): the peer's
             * service thread may be waiting for nothing of ours, but ours need the lock. */
            require(space_params()->peer_count == 1 && len == PEER_REQ_WORDS);
            require(__atomic_load_n(&fake.vm->lock, __ATOMIC_RELAXED) == 0);
            fake.peer_calls++;
            mr[0] = fake_peer_reply(bh_msginfo_label(*info), mr[0], mr[1]);
            *info = bh_msginfo(0, 0, 0, PEER_REPLY_WORDS);
            return;
        }
        *info = bh_msginfo((bh_word_t)call(*dest, bh_msginfo_label(*info), len, mr), 0, 0, 0);
        return;
    case BH_SYS_SEND:
        if (*dest >= FAKE_CAP_NOTIFICATION0 && *dest < FAKE_CAP_NOTIFICATION0 + VMM_MAX_VCPUS) {
            fake_signal((unsigned)(*dest - FAKE_CAP_NOTIFICATION0), BH_VMM_KICK_BADGE);
            return;
        }
        if (*dest == FAKE_CAP_PEER_SIGNAL) {   /* an event for the peer, or our guest's end */
            require(space_params()->peer_count == 1);
            fake.peer_signals++;
            return;
        }
        if (*dest == FAKE_CAP_CONSOLE_SIGNAL) {   /* output for the console server (guest.c takes it) */
            require(space_params()->console_vaddr != 0);
            return;
        }
        require(*dest == FAKE_CAP_REPORT);
        fake.reports++;
        return;
    case BH_SYS_NBRECV: {
        unsigned n = ntfn_of(*dest);
        *dest = fake.ntfn[n];
        fake.ntfn[n] = 0;
        return;
    }
    case BH_SYS_RECV: {
        unsigned n = ntfn_of(*dest);
        if (fake.ntfn[n]) {
            *dest = fake.ntfn[n];
            fake.ntfn[n] = 0;
            return;
        }
        fake.ntfn_woken[n] = false;
        sched_switch(SCHED_WAIT);
        require(fake.ntfn_woken[n]);
        fake.ntfn_woken[n] = false;
        *dest = fake.ntfn_bits[n];
        return;
    }
    case BH_SYS_YIELD:
        fake.counter += YIELD_TICKS;
        sched_switch(SCHED_YIELD);
        return;
    case BH_SYS_VM_ENTER: {
        struct fake_vcpu *v = &fake.vcpu[fake_self];
        if (len >= 1) v->reg[BH_VCPU_RIP] = mr[0];
        if (len >= 5)
            for (unsigned i = 0; i < 4; i++) v->reg[BH_VCPU_RAX + i] = mr[1 + i];
        fake_enter(len, mr);
        *info = bh_msginfo(0, 0, 0, BH_VM_MR_MODE + 1);
        v->injected = 0;
        v->reg[BH_VCPU_EVENT_INJ] = 0;   /* the kernel clears EVENTINJ after each run */
        return;
    }
    default: fake_broken("a system call the VMM does not make", __FILE__, __LINE__);
    }
}
