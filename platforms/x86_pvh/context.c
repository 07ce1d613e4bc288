/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Thread context on x86_64: switching, FPU state (eager fxsave/fxrstor, fpu.c), TLS base. */
#include <stddef.h>
#include "asm_offsets.h"
#include "x86.h"

/* traps.S's view of struct user_context (asm_offsets.h). */
#define CTX_AT(field, offset) _Static_assert(offsetof(struct user_context, field) == (offset), "traps.S " #offset)
CTX_AT(r15, CTX_R15);
CTX_AT(r14, CTX_R14);
CTX_AT(r13, CTX_R13);
CTX_AT(r12, CTX_R12);
CTX_AT(r11, CTX_R11);
CTX_AT(r10, CTX_R10);
CTX_AT(r9, CTX_R9);
CTX_AT(r8, CTX_R8);
CTX_AT(rbp, CTX_RBP);
CTX_AT(rdi, CTX_RDI);
CTX_AT(rsi, CTX_RSI);
CTX_AT(rdx, CTX_RDX);
CTX_AT(rcx, CTX_RCX);
CTX_AT(rbx, CTX_RBX);
CTX_AT(rax, CTX_RAX);
CTX_AT(vector, CTX_VECTOR);
CTX_AT(error, CTX_ERROR);
CTX_AT(rip, CTX_RIP);
CTX_AT(cs, CTX_CS);
CTX_AT(rflags, CTX_RFLAGS);
CTX_AT(rsp, CTX_RSP);
CTX_AT(ss, CTX_SS);
CTX_AT(fs_base, CTX_FRAME_END); /* x86_set_kernel_entry_stack(&ctx.fs_base): the frame's end */

/* Interrupts taken while idle save their frame here (traps.S checks this address). */
struct user_context x86_idle_frame_bottom __attribute__((aligned(16)));

void plat_context_init(struct user_context *ctx, struct fpu_state *fpu)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->cs = USER_CS;
    ctx->ss = USER_SS;
    ctx->rflags = RFLAGS_IF | 0x2u;
    memset(fpu, 0, sizeof *fpu);
    fpu->fxsave[0] = 0x7f; /* FCW = 0x037f: all x87 exceptions masked */
    fpu->fxsave[1] = 0x03;
    fpu->fxsave[24] = 0x80; /* MXCSR = 0x1f80: all SSE exceptions masked */
    fpu->fxsave[25] = 0x1f;
}

void plat_context_sanitise(struct user_context *ctx)
{
    ctx->cs = USER_CS;
    ctx->ss = USER_SS;
    ctx->rflags = (ctx->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | 0x2u;
    ctx->vector = 0; /* return with iretq: every register is restored */
}

void plat_set_tls_base(word_t base)
{
    wrmsr(MSR_FS_BASE, base);
}

/* DS, ES, FS and GS are the thread's own: user level loads them at will (null or the user
 * segments), and nothing else on the way out restores them. They are stored once per switch,
 * straight into the context (a selector store to memory is one instruction), and loaded only
 * when the next thread's differ (almost never: a segment load is slow); FS before the FS
 * base, which loading FS resets. */
static void store_data_selectors(uint16_t s[4])
{
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=m"(s[0]), "=m"(s[1]), "=m"(s[2]), "=m"(s[3]));
}

static uint64_t selectors_word(const uint16_t s[4])
{
    uint64_t w;
    __builtin_memcpy(&w, s, sizeof w); /* one load, never a call to the kernel's memcpy */
    return w;
}

static void load_data_selectors(const uint16_t cur[4], const uint16_t want[4])
{
    if (selectors_word(cur) == selectors_word(want)) return;
    if (want[0] != cur[0]) __asm__ volatile("mov %0, %%ds" ::"r"(want[0]));
    if (want[1] != cur[1]) __asm__ volatile("mov %0, %%es" ::"r"(want[1]));
    if (want[2] != cur[2]) __asm__ volatile("mov %0, %%fs" ::"r"(want[2]));
    if (want[3] != cur[3]) __asm__ volatile("mov %0, %%gs" ::"r"(want[3]));
}

static void load_thread_state(struct tcb *to, const uint16_t selectors[4])
{
    x86_fpu_restore(&to->fpu);
    load_data_selectors(selectors, to->ctx.data_selectors);
    wrmsr(MSR_FS_BASE, to->ctx.fs_base);
}

/* Eager FPU switch: the platform keeps nothing of a thread between switches. */
void plat_thread_finalise(struct tcb *t)
{
    (void)t;
}

/* With the Meltdown window the kernel stays in its own address space: the thread's is loaded
 * by the exit to user level (traps.S), and the CPU's frame of an interrupt from user level
 * lands on the trampoline stack, not in the context. */
void plat_switch_to(struct tcb *from, struct tcb *to, void *vspace_root)
{
    /* from's selectors, or (from idle) the last thread's, in a scratch copy. */
    static uint16_t idle_selectors[4];
    uint16_t *selectors = from ? from->ctx.data_selectors : idle_selectors;
    store_data_selectors(selectors);
    if (from) __asm__ volatile("fxsave64 %0" : "=m"(from->fpu));
    paddr_t root = x86_user_root(vspace_root);
    if (x86_meltdown_window) {
        x86_user_cr3 = root;
    } else {
        paddr_t cur;
        __asm__ volatile("mov %%cr3, %0" : "=r"(cur));
        if (cur != root) x86_load_cr3(root);
    }
    if (!to) return;
    load_thread_state(to, selectors);
    x86_set_kernel_entry_stack((uint64_t)&to->ctx.fs_base);
}

void plat_return_to_user(struct tcb *t)
{
    /* The one place that keeps sysretq (and iretq) from a non-canonical RIP, which Intel's
     * sysretq faults on in ring 0 with the user's stack (CVE-2012-0217). Every writer keeps
     * the saved RIP at most USER_TOP (WriteRegisters checks it, the last page below the
     * canonical hole cannot be mapped); should one ever fail to, the thread resumes at 0,
     * never mapped, and takes a page fault in user mode. */
    if ((uint64_t)((int64_t)(t->ctx.rip << 16) >> 16) != t->ctx.rip) t->ctx.rip = 0;
    x86_exit_to_user(&t->ctx);
}

void plat_idle(void)
{
    x86_idle_loop((struct user_context *)&x86_idle_frame_bottom.fs_base);
}

/* Ends QEMU through isa-debug-exit when present (status 0xff), else stops the CPU. */
void plat_halt(void)
{
    plat_power_off(0x7f);
}

/* isa-debug-exit at port 0xf4 (when QEMU has it) ends QEMU with (status << 1) | 1. */
void plat_power_off(word_t status)
{
    outb(0xf4, (uint8_t)status);
    for (;;) __asm__ volatile("cli; hlt");
}

bool plat_io_ports_exist(void)
{
    return true;
}

/* The kernel's own ports: COM1's configuration (FCR, LCR with the divisor latch, MCR with
 * loopback), which its console output depends on, and the 8259 PICs (kept masked). COM1's
 * data, interrupt-enable and status registers (0x3f8, 0x3f9, 0x3fd..0x3ff) may be issued: a
 * console server reads input there while the kernel writes its output. */
bool plat_io_port_reserved(word_t port)
{
    return (port >= 0x3fa && port <= 0x3fc) || port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1;
}

word_t plat_io_in(word_t port, unsigned bytes)
{
    if (bytes == 1) return inb((uint16_t)port);
    if (bytes == 2) return inw((uint16_t)port);
    return inl((uint16_t)port);
}

void plat_io_out(word_t port, unsigned bytes, word_t value)
{
    if (bytes == 1) outb((uint16_t)port, (uint8_t)value);
    else if (bytes == 2) outw((uint16_t)port, (uint16_t)value);
    else outl((uint16_t)port, (uint32_t)value);
}

void x86_handle_trap(struct user_context *frame);
void x86_kernel_trap(struct user_context *frame);

/* An interrupt on a vector the kernel does not serve: an exception vector, or one it never
 * assigned. A device that can bus-master (or whoever programs its MSI) names any vector, so
 * such an interrupt is acknowledged and dropped, never taken for an exception of the thread
 * it interrupted. The first ones are reported (the ktest suite reads the lines). */
#define DROPPED_REPORTED 64u
static word_t dropped_interrupts;

static void drop_interrupt(word_t vector)
{
    x86_lapic_eoi();
    if (++dropped_interrupts <= DROPPED_REPORTED)
        kprintf("[kernel] interrupt on vector %lu dropped: no handler (%lu dropped)\n", vector, dropped_interrupts);
}

void x86_handle_trap(struct user_context *frame)
{
    word_t v = frame->vector;
    if (v == VECTOR_TIMER) {
        x86_lapic_eoi();
        handle_timer_entry();
    }
    if (v >= VECTOR_IRQ_BASE && v < VECTOR_IRQ_BASE + plat_irq_count()) {
        x86_lapic_eoi();
        handle_irq_entry(v - VECTOR_IRQ_BASE);
    }
    if (v == VECTOR_IOMMU_FAULT) {
        x86_lapic_eoi();
        x86_vtd_fault();
    }
    if (x86_msi_vector(v)) {
        x86_lapic_eoi();
        x86_msi_arrived(v);
        kernel_exit();
    }
    if (x86_lapic_in_service(v)) {
        drop_interrupt(v);
        kernel_exit();
    }
    if (v >= VECTOR_IRQ_BASE) kernel_exit(); /* spurious: in service nowhere, no EOI */
    if (v == 14) handle_user_exception(FAULT_VM, read_cr2(), frame->error, (frame->error >> 4) & 1u);
    handle_user_exception(FAULT_USER_EXCEPTION, v, frame->error, 0);
}

void x86_kernel_trap(struct user_context *frame)
{
    kprintf("\n[kernel] trap %lu in the kernel: rip %lx error %lx cr2 %lx rsp %lx\n", frame->vector, frame->rip,
            frame->error, read_cr2(), frame->rsp);
    panic("kernel trap");
}
