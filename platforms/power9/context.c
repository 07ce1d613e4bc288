/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Threads on POWER9: context switch (lazy FP/VMX/VSX switch with VRSAVE within a time
 * partition, PID, the per-CPU state a thread leaves behind reset), return to user with hrfid,
 * the idle loop, the trap dispatcher and the decrementer tick (interrupt lines: xive.c).
 *
 * Lazy vector state (VRSAVE apart: readable without MSR[VEC], it is switched at every switch):
 * the registers hold the state of at most one thread, the owner, which alone
 * returns to user with MSR[FP, VEC, VSX] set. Any other thread's first use traps (FP, vector or
 * VSX unavailable), which saves the owner's state and loads its own. A switch to a thread of
 * another time partition, a guest's run and the owner's death end the ownership first (saved,
 * or dropped when it dies), so a thread's trap tells it nothing of another partition, and no
 * pointer to a dead TCB is kept. The IPC round trip of threads that use no FP saves the 64
 * VSRs twice less each way. What a problem-state thread
 * can write and how each piece is kept from the next thread: docs/platforms.md,
 * "POWER9 user-writable CPU state" (facilities denied at boot: facilities.c).
 */
#include <stddef.h>
#include "power9.h"

/* entry.S's view of struct user_context and struct fpu_state (asm_offsets.h). */
#define AT(type, field, offset) _Static_assert(offsetof(struct type, field) == (offset), "entry.S " #offset)
AT(user_context, gpr, CTX_GPR(0));
AT(user_context, pc, CTX_PC);
AT(user_context, msr, CTX_MSR);
AT(user_context, lr, CTX_LR);
AT(user_context, ctr, CTX_CTR);
AT(user_context, cr, CTX_CR);
AT(user_context, xer, CTX_XER);
AT(user_context, vector, CTX_VECTOR);
AT(user_context, dar, CTX_DAR);
AT(user_context, dsisr, CTX_DSISR);
AT(fpu_state, vsr, FPU_VSR);
AT(fpu_state, fpscr, FPU_FPSCR);
AT(fpu_state, vrsave, FPU_VRSAVE);
AT(fpu_state, vscr, FPU_VSCR);
_Static_assert(sizeof(((struct user_context *)0)->gpr[0]) == 8, "entry.S CTX_GPR: 8 bytes a register");

#define TICK_US 1000u

/* Interrupts taken while idle save their registers here. */
static struct user_context idle_ctx;
static uint64_t dec_per_tick;

void plat_context_init(struct user_context *ctx, struct fpu_state *fpu)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->msr = MSR_USER;
    memset(fpu, 0, sizeof *fpu);
}

/* WriteRegisters may set anything but the MSR (every thread runs with MSR_USER); r12
 * follows the pc so that a thread can start at any ELFv2 function's global entry. */
void plat_context_sanitise(struct user_context *ctx)
{
    ctx->msr = MSR_USER;
    ctx->gpr[12] = ctx->pc;
    ctx->vector = 0;
}

/* The thread pointer is r13, restored from the context on every return to user. */
void plat_set_tls_base(word_t base)
{
    (void)base;
}

/* Target of the store-conditional that drops a reservation. */
static uint64_t reservation_sink;

/* Per-CPU state that no thread owns, reset at every switch: the next thread must neither
 * see it nor complete anything on it. PPR: a thread's priority hint ("or 1,1,1", mtspr PPR)
 * lasts until it is switched out. A reservation (lwarx): the architecture does not promise
 * that an interrupt or hrfid drops it (QEMU does), a stdcx. does, so the next thread's
 * stwcx. cannot succeed on it (Linux drops or replaces it on every return to user). The
 * copy-paste buffer (copy): cp_abort empties it (POWER9 pastes only to accelerator windows,
 * which Bulkhead does not hand out, but it costs one instruction). */
void p9_reset_cpu_state(void)
{
    mtspr(SPRN_PPR, PPR_MEDIUM);
    __asm__ volatile("stdcx. %0, 0, %1\n\t"
                     ".long 0x7c00068c /* cp_abort */"
                     :
                     : "r"(0ul), "r"(&reservation_sink)
                     : "cr0", "memory");
}

uint64_t p9_user_msr = MSR_USER;
static struct tcb *fpu_owner;   /* whose FP/VMX/VSX state the registers hold; NULL: nobody's */
static uint8_t fpu_partition;   /* the time partition whose values the registers hold */
static const struct fpu_state fpu_zero;

/* Saves the owner's state; the registers keep it, but nobody may use them without a trap. */
void p9_fpu_release(void)
{
    if (fpu_owner) p9_fpu_save(&fpu_owner->fpu);
    fpu_owner = NULL;
    p9_user_msr = MSR_USER;
}

/* A thread that keeps using FP gets its state at the switch, as an eager switch would: each
 * trap earns FPU_USES_PER_TRAP switches that load it at once, up to FPU_USES_MAX; a thread that
 * stops using FP goes back to traps after that many switches (Linux's load_fp does the same). */
#define FPU_USES_PER_TRAP 8u
#define FPU_USES_MAX 64u

/* The current thread's state into the registers (a trap, or a switch to a recent user). */
static void fpu_take(struct tcb *t)
{
    if (fpu_owner != t) {
        p9_fpu_release();
        p9_fpu_restore(&t->fpu);
        fpu_owner = t;
        fpu_partition = t->partition;
    }
    p9_user_msr = MSR_USER | MSR_FACILITIES;
}

void plat_thread_finalise(struct tcb *t)
{
    if (fpu_owner == t) {
        fpu_owner = NULL;   /* its state dies with it: nothing to save */
        p9_user_msr = MSR_USER;
    }
}

void plat_switch_to(struct tcb *from, struct tcb *to, void *vspace_root)
{
    /* VRSAVE is readable and writable with MSR[VEC] off: switched at every switch. */
    if (from) from->fpu.vrsave = mfspr(SPRN_VRSAVE);
    p9_switch_vspace(vspace_root);
    p9_reset_cpu_state();
    if (!to) return;
    /* Another partition's values leave the registers: saved, then zeros (a time-partition
     * switch, at most once a slot). */
    if (fpu_partition != to->partition) {
        p9_fpu_release();
        p9_fpu_restore(&fpu_zero);
        fpu_partition = to->partition;
    }
    if (fpu_owner != to && to->fpu.uses) {
        to->fpu.uses--;
        fpu_take(to);
    }
    p9_user_msr = MSR_USER | (fpu_owner == to ? MSR_FACILITIES : 0);
    mtspr(SPRN_VRSAVE, to->fpu.vrsave);
    mtspr(SPRN_HSPRG0, (uint64_t)(uintptr_t)&to->ctx);
}

void plat_return_to_user(struct tcb *t)
{
    p9_exit_to_user(&t->ctx);
}

void plat_idle(void)
{
    p9_idle_loop(&idle_ctx);
}

void p9_init_timer(void)
{
    dec_per_tick = p9_timebase_hz / (1000000u / TICK_US);
    if (dec_per_tick == 0) dec_per_tick = 1;
    mtspr(SPRN_HSPRG0, (uint64_t)(uintptr_t)&idle_ctx);
    mtspr(SPRN_DEC, dec_per_tick);
    kprintf("[kernel] decrementer: %lu timebase ticks per %u us tick\n", dec_per_tick, TICK_US);
}

word_t plat_counter_khz(void)
{
    return p9_timebase_hz / 1000u;
}

/* OPAL's RTC is not read yet: the date is unknown (the boot info says 0). */
void plat_wallclock(word_t *unix_sec, word_t *counter)
{
    *unix_sec = 0;
    *counter = 0;
}

word_t plat_tick_us(void)
{
    return TICK_US;
}

/* The decrementer is pending when it has gone negative; the XIVE when the HV physical ring
 * has a notification. */
bool plat_irq_pending(void)
{
    int64_t dec = (int64_t)(int32_t)mfspr(SPRN_DEC);
    return dec < 0 || p9_xive_pending();
}

static NORETURN void kernel_trap(struct user_context *c)
{
    kprintf("\n[kernel] trap %lx in the kernel: pc %lx msr %lx lr %lx dar %lx dsisr %lx r1 %lx\n", c->vector, c->pc,
            c->msr, c->lr, c->dar, c->dsisr, c->gpr[1]);
    panic("kernel trap");
}

/* Facility unavailable (a facility FSCR denies): which one, FSCR[IC], for the fault message
 * (MR2). Cleared after reading: QEMU 7.2 ORs the cause of scv and TM into the old one. */
static word_t facility_cause(void)
{
    uint64_t fscr = mfspr(SPRN_FSCR);
    mtspr(SPRN_FSCR, fscr & ~FSCR_IC);
    return fscr >> 56;
}

void p9_handle_trap(struct user_context *c)
{
    uint64_t v = c->vector;
    if (c == p9_guest_ctx) p9_guest_return(); /* a guest's exit: back into plat_vcpu_run */
    if (!(c->msr & MSR_PR) && c != &idle_ctx) kernel_trap(c);
    switch (v) {
    case 0xc00: handle_syscall(c->gpr[0]);
    case 0x900:
        mtspr(SPRN_DEC, dec_per_tick);
        handle_timer_entry();
    case 0xea0:
        p9_xive_interrupt();
        kernel_exit();
    case 0x500:
    case 0x980: kernel_exit(); /* not enabled: spurious */
    default: break;
    }
    if (c == &idle_ctx) kernel_trap(c);
    switch (v) {
    case 0x800: /* FP unavailable */
    case 0xf20: /* vector unavailable */
    case 0xf40: /* VSX unavailable */
        if (current->fpu.uses <= FPU_USES_MAX - FPU_USES_PER_TRAP) current->fpu.uses += FPU_USES_PER_TRAP;
        fpu_take(current);
        kernel_exit();
    case 0x300: handle_user_exception(FAULT_VM, c->dar, c->dsisr, 0);
    case 0x380: handle_user_exception(FAULT_VM, c->dar, 0, 0);
    case 0x400: handle_user_exception(FAULT_VM, c->pc, c->msr & 0xffffffffu, 1);
    case 0x480: handle_user_exception(FAULT_VM, c->pc, 0, 1);
    case 0xf60: handle_user_exception(FAULT_USER_EXCEPTION, v, c->msr & 0xffffffffu, facility_cause());
    default: handle_user_exception(FAULT_USER_EXCEPTION, v, c->msr & 0xffffffffu, 0);
    }
}
