/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The kernel API suite's x86_64 group: what an unprivileged thread can do to the CPU state
 * the kernel runs with or hands to the next thread. Each test is the regression test of a
 * hole an outside review demonstrated (issue 10): before its fix the kernel panicked or one
 * thread saw another's state.
 */
#include "../../../tests/system/ktest/ktest.h"

#define RFLAGS_DF 0x400ull
#define RFLAGS_NT 0x4000ull
#define RFLAGS_AC 0x40000ull
#define UNMAPPED 0x0000123400000000ull
/* The last page below the canonical hole, and the one below it. */
#define LAST_PAGE 0x00007ffffffff000ull
#define HIGHEST_PAGE 0x00007fffffffe000ull
#define SCRATCH_PAGE 0x0000640000000000ull

static volatile uint64_t spins, yields;
static volatile int flags_kept;

static void spin(bh_word_t arg)
{
    (void)arg;
    for (;;) spins++;
}

static uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

/* Sets `bits` in RFLAGS (user level may set NT, DF and AC), then makes system calls. */
static void yield_with_flags(bh_word_t bits)
{
    __asm__ volatile("pushfq; orq %0, (%%rsp); popfq" ::"r"(bits) : "cc", "memory");
    for (;;) {
        bh_yield();
        /* The kernel cleared the bits on its side only: the thread's own flags come back. */
        if ((read_rflags() & bits) != bits) flags_kept = -1;
        else if (flags_kept == 0) flags_kept = 1;
        yields++;
    }
}

/* Busy-waits (never yielding, so only the tick lets the others run) until *c reaches n. */
static int wait_count(volatile uint64_t *c, uint64_t n)
{
    for (uint64_t i = 0; i < 4000000000ull; i++)
        if (*c >= n) return 1;
    return 0;
}

/* RFLAGS.NT set by user level survived `syscall` (SFMASK left it): the kernel's next iretq,
 * to a thread the tick had preempted, raised #GP in ring 0 and the kernel panicked. */
static int rflags_nt_across_syscall(struct env *env)
{
    struct bh_thread spinner, setter;
    spins = yields = 0;
    flags_kept = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &spinner, spin, 0, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &setter, yield_with_flags, RFLAGS_NT | RFLAGS_DF | RFLAGS_AC, 50));
    CHECK_OK(bh_thread_start(&spinner));
    CHECK_OK(bh_thread_start(&setter));
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 50, BH_ROOT_TCB));
    /* The spinner is preempted by the tick (its return is an iretq) while the setter yields. */
    int ok = wait_count(&yields, 200) && wait_count(&spins, 1000);
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 255, BH_ROOT_TCB));
    CHECK_OK(bh_tcb_suspend(spinner.tcb));
    CHECK_OK(bh_tcb_suspend(setter.tcb));
    CHECK(ok);
    CHECK(flags_kept == 1);
    return 0;
}

static volatile int df_resumed;

/* DF and AC set, then an exception: an interrupt gate clears neither, and the kernel's fault
 * delivery copies with string instructions. */
static void fault_with_df(bh_word_t arg)
{
    (void)arg;
    __asm__ volatile("pushfq; orq %0, (%%rsp); popfq" ::"r"(RFLAGS_DF | RFLAGS_AC) : "cc", "memory");
    *(volatile uint64_t *)UNMAPPED = 1;
    uint64_t f = read_rflags();
    __asm__ volatile("cld" ::: "cc");
    df_resumed = (f & RFLAGS_DF) ? 1 : -1;
}

static int rflags_df_on_exception(struct env *env)
{
    struct bh_thread t;
    df_resumed = 0;
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0), badged = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL, 0x5d));
    CHECK_OK(bh_thread_create(&env->alloc, &t, fault_with_df, 0, 255));
    CHECK_OK(bh_tcb_set_fault_handler(t.tcb, badged));
    CHECK_OK(bh_thread_start(&t));
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_recv(ep, &badge);
    CHECK(badge == 0x5d);
    CHECK(bh_msginfo_label(info) == BH_FAULT_VM);
    CHECK(bh_msginfo_length(info) == 4);
    CHECK(bh_get_mr(0) == UNMAPPED);
    CHECK(bh_get_mr(2) == 0); /* a write, not an instruction fetch */
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0);
    CHECK_OK(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, UNMAPPED, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    bh_reply(bh_msginfo(0, 0, 0, 0));
    CHECK(wait_flag(&df_resumed, 100) == 1); /* it resumed with its own DF */
    CHECK_OK(bh_frame_unmap(f));
    return 0;
}

/* The last page below the canonical hole cannot be mapped (a `syscall` in its last two bytes
 * would return to 0x800000000000); the one below it can, and a `syscall` in its last two
 * bytes returns to the first address above it, where the thread takes a page fault in user
 * mode. */
static int sysret_below_canonical_hole(struct env *env)
{
    bh_cptr_t f = new_object(env, BH_OBJ_FRAME, 0), code = new_slot(env), large = new_object(env, BH_OBJ_LARGE_FRAME, 0);
    CHECK(f && code && large);
    CHECK_ERR(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, LAST_PAGE, BH_RIGHT_READ | BH_RIGHT_WRITE, 0),
              BH_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bh_map_frame(&env->alloc, large, BH_ROOT_VSPACE, LAST_PAGE & ~0x1fffffull, BH_RIGHT_READ, 0),
              BH_ERR_INVALID_ARGUMENT);

    /* mov $BH_SYS_YIELD, %rax; nops; syscall at the page's last two bytes. */
    CHECK_OK(bh_map_frame(&env->alloc, f, BH_ROOT_VSPACE, SCRATCH_PAGE, BH_RIGHT_READ | BH_RIGHT_WRITE, 1));
    uint8_t *p = (uint8_t *)(uintptr_t)SCRATCH_PAGE + 0xff0;
    const uint8_t insns[16] = {0x48, 0xc7, 0xc0, (uint8_t)BH_SYS_YIELD, 0xff, 0xff, 0xff, 0x90,
                               0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x0f, 0x05};
    for (unsigned i = 0; i < 16; i++) p[i] = insns[i];
    CHECK_OK(bh_cnode_copy(BH_ROOT_CNODE, code, 64, BH_ROOT_CNODE, f, 64, BH_RIGHTS_ALL));
    CHECK_OK(bh_map_frame(&env->alloc, code, BH_ROOT_VSPACE, HIGHEST_PAGE, BH_RIGHT_READ, 0));

    struct bh_thread t;
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0), badged = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL, 0x7f));
    CHECK_OK(bh_thread_create(&env->alloc, &t, spin, 0, 255));
    CHECK_OK(bh_tcb_set_fault_handler(t.tcb, badged));
    bh_word_t regs[3] = {HIGHEST_PAGE + 0xff0, t.stack_top - 8, 0x202};
    CHECK_OK(bh_tcb_write_registers(t.tcb, 0, regs, 3));
    CHECK_OK(bh_thread_start(&t));
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_recv(ep, &badge);
    CHECK(badge == 0x7f);
    CHECK(bh_msginfo_label(info) == BH_FAULT_VM);
    CHECK(bh_get_mr(0) == LAST_PAGE); /* the fetch at the return address */
    CHECK(bh_get_mr(2) == 1);
    CHECK(bh_get_mr(3) == LAST_PAGE);
    CHECK_OK(bh_tcb_suspend(t.tcb));
    CHECK_OK(bh_frame_unmap(code));
    CHECK_OK(bh_frame_unmap(f));
    return 0;
}

/* A thread whose stack pointer is not canonical is preempted and resumed (iretq) many times:
 * the kernel must neither fault on it nor care. */
static volatile uint64_t wild_rounds;
static void spin_with_wild_stack(bh_word_t arg)
{
    (void)arg;
    for (;;) {
        __asm__ volatile("movq %%rsp, %%rbx\n"
                         "movabsq $0x8000000000000000, %%rax\n"
                         "movq %%rax, %%rsp\n"
                         "movl $20000000, %%ecx\n"
                         "1: decl %%ecx\n"
                         "jnz 1b\n"
                         "movq %%rbx, %%rsp\n"
                         ::: "rax", "rbx", "rcx", "cc", "memory");
        wild_rounds++;
    }
}

static int noncanonical_user_stack(struct env *env)
{
    struct bh_thread t;
    wild_rounds = 0;
    CHECK_OK(bh_thread_create(&env->alloc, &t, spin_with_wild_stack, 0, 50));
    CHECK_OK(bh_thread_start(&t));
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 50, BH_ROOT_TCB));
    int ok = wait_count(&wild_rounds, 3);
    CHECK_OK(bh_tcb_set_priority(BH_ROOT_TCB, 255, BH_ROOT_TCB));
    CHECK_OK(bh_tcb_suspend(t.tcb));
    CHECK(ok);
    return 0;
}

/* Runs writer in partition 1 and watcher in partition 2, each for a turn of 2 ticks beside
 * ours, until both have had five turns (we, in partition 0 and never yielding, see their
 * counters move only after both partitions ran: ten switches between them at least); then
 * stops them and restores the schedule. Returns 0 when both kept making progress. */
static int run_in_two_partitions(struct env *env, bh_thread_fn writer, volatile uint64_t *writer_rounds,
                                 bh_thread_fn watcher, volatile uint64_t *watcher_rounds)
{
    struct bh_thread a, b;
    CHECK_OK(bh_thread_create(&env->alloc, &a, writer, 0, 50));
    CHECK_OK(bh_thread_create(&env->alloc, &b, watcher, 0, 50));
    CHECK_OK(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 1, a.tcb));
    CHECK_OK(bh_domain_control_set_partition(BH_ROOT_DOMAIN_CONTROL, 2, b.tcb));
    bh_word_t sched[3] = {(0ull << 32) | 2, (1ull << 32) | 2, (2ull << 32) | 2};
    CHECK_OK(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, sched, 3));
    CHECK_OK(bh_thread_start(&a));
    CHECK_OK(bh_thread_start(&b));
    int ok = 1;
    for (int i = 0; ok && i < 5; i++)
        ok = wait_count(watcher_rounds, *watcher_rounds + 1) && wait_count(writer_rounds, *writer_rounds + 1);
    bh_word_t only0[1] = {(0ull << 32) | 1};
    CHECK_OK(bh_domain_control_set_schedule(BH_ROOT_DOMAIN_CONTROL, only0, 1));
    CHECK_OK(bh_tcb_suspend(a.tcb));
    CHECK_OK(bh_tcb_suspend(b.tcb));
    CHECK(ok);
    return 0;
}

/* Data segment selectors are each thread's own. Thread A, in partition 1, loads the user data
 * selector into DS, ES, FS and GS; thread B, in partition 2, records any non-null selector it
 * ever sees. Before the fix B read A's 0x1b. */
#define USER_DS 0x1bu
static volatile uint64_t sel_a_rounds, sel_b_rounds, sel_b_seen, sel_a_lost;

static uint64_t selectors(void)
{
    uint16_t ds, es, fs, gs;
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3" : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    return (uint64_t)ds | (uint64_t)es << 16 | (uint64_t)fs << 32 | (uint64_t)gs << 48;
}

static void load_user_selectors(bh_word_t arg)
{
    (void)arg;
    uint16_t s = USER_DS;
    __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs" ::"r"(s));
    const uint64_t mine = (uint64_t)USER_DS * 0x0001000100010001ull;
    for (;;) {
        if (selectors() != mine) sel_a_lost++;
        sel_a_rounds++;
    }
}

static void watch_selectors(bh_word_t arg)
{
    (void)arg;
    for (;;) {
        sel_b_seen |= selectors();
        sel_b_rounds++;
    }
}

static int selectors_per_thread(struct env *env)
{
    sel_a_rounds = sel_b_rounds = sel_b_seen = sel_a_lost = 0;
    if (run_in_two_partitions(env, load_user_selectors, &sel_a_rounds, watch_selectors, &sel_b_rounds)) return 1;
    CHECK(sel_b_seen == 0); /* B never saw A's selectors */
    CHECK(sel_a_lost == 0); /* and A kept its own across the switches */
    return 0;
}

/* Meltdown (docs/security.md). A user thread reads a kernel address and its fault handler
 * reads the error code: without the Meltdown window every kernel address is a present
 * supervisor page (P = 1), which a Meltdown-affected CPU reads speculatively all the same;
 * with it, nothing but the window is mapped at user level (P = 0). The IDT, whose address
 * SIDT gives user level, is in the window: present either way. Before the window, the
 * physical window and kernel image faulted with P = 1 even when the window was asked for. */
#define PF_PRESENT 1u
#define KERNEL_PHYS_WINDOW_ADDR 0xffff800000100000ull /* physical 1 MiB, through the kernel's window */
#define KERNEL_IMAGE_ADDR 0xffffffff80400000ull       /* physical 4 MiB, through the image mapping */

static void read_address(bh_word_t addr)
{
    (void)*(volatile uint64_t *)addr;
    for (;;) bh_yield();
}

static int kernel_read_fault_code(struct env *env, uint64_t addr, bh_word_t *code)
{
    struct bh_thread t;
    bh_cptr_t ep = new_object(env, BH_OBJ_ENDPOINT, 0), badged = new_slot(env);
    CHECK(ep && badged);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, ep, 64, BH_RIGHTS_ALL, 0x3e));
    CHECK_OK(bh_thread_create(&env->alloc, &t, read_address, addr, 255));
    CHECK_OK(bh_tcb_set_fault_handler(t.tcb, badged));
    CHECK_OK(bh_thread_start(&t));
    bh_word_t badge = 0;
    bh_msginfo_t info = bh_recv(ep, &badge);
    CHECK(badge == 0x3e);
    CHECK(bh_msginfo_label(info) == BH_FAULT_VM);
    CHECK(bh_get_mr(0) == addr);
    *code = bh_get_mr(1);
    CHECK_OK(bh_tcb_suspend(t.tcb));
    return 0;
}

static int meltdown_window(struct env *env)
{
    int window = (env->bi->mitigations & BH_MITIGATION_MELTDOWN_WINDOW) != 0;
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    bh_word_t phys = 0, image = 0, idt = 0;
    CHECK(kernel_read_fault_code(env, KERNEL_PHYS_WINDOW_ADDR, &phys) == 0);
    CHECK(kernel_read_fault_code(env, KERNEL_IMAGE_ADDR, &image) == 0);
    CHECK(kernel_read_fault_code(env, idtr.base, &idt) == 0);
    bh_printf("ktest: meltdown window %s: kernel read fault codes %lx %lx, window %lx\n", window ? "on" : "off",
              (unsigned long)phys, (unsigned long)image, (unsigned long)idt);
    CHECK((phys & PF_PRESENT) == (window ? 0 : PF_PRESENT));
    CHECK((image & PF_PRESENT) == (window ? 0 : PF_PRESENT));
    CHECK((idt & PF_PRESENT) == PF_PRESENT);
    return 0;
}

/* x87, SSE and MXCSR state is each thread's own. Thread A, in partition 1, loads markers into
 * xmm0..15, MXCSR, the x87 control word and stack, and leaves the x87 data pointer at a
 * variable of its own; thread B, in partition 2, saves its state with FXSAVE again and again
 * and must always see a fresh thread's (FCW 0x37f, MXCSR 0x1f80, empty x87 stack, zero
 * vector registers) and never A's pointers. */
static volatile uint64_t fpu_a_rounds, fpu_b_rounds, fpu_b_bad, fpu_a_lost;
static volatile uint64_t fpu_marker_var = 0x4142434445464748ull;
static uint8_t fpu_image_b[512] __attribute__((aligned(16)));
static uint8_t fpu_image_a[512] __attribute__((aligned(16)));

#define FPU_MARK_FCW 0x027fu  /* 53-bit precision: differs from the reset 0x37f */
#define FPU_MARK_MXCSR 0x9fc0u /* flush-to-zero, denormals-are-zero, all masked */

static void fpu_marker_thread(bh_word_t arg)
{
    (void)arg;
    static const uint16_t fcw = FPU_MARK_FCW;
    static const uint32_t mxcsr = FPU_MARK_MXCSR;
    static const uint64_t pattern[2] __attribute__((aligned(16))) = {0x5a5a5a5a12345678ull, 0xa5a5a5a587654321ull};
    __asm__ volatile("fninit\n"
                     "fldcw %0\n"
                     "ldmxcsr %1\n"
                     "fildq %2\n" /* leaves FDP at fpu_marker_var */
                     "fld1\n"
                     "movdqa %3, %%xmm0\n"
                     "movdqa %%xmm0, %%xmm1\n movdqa %%xmm0, %%xmm2\n movdqa %%xmm0, %%xmm3\n"
                     "movdqa %%xmm0, %%xmm4\n movdqa %%xmm0, %%xmm5\n movdqa %%xmm0, %%xmm6\n"
                     "movdqa %%xmm0, %%xmm7\n movdqa %%xmm0, %%xmm8\n movdqa %%xmm0, %%xmm9\n"
                     "movdqa %%xmm0, %%xmm10\n movdqa %%xmm0, %%xmm11\n movdqa %%xmm0, %%xmm12\n"
                     "movdqa %%xmm0, %%xmm13\n movdqa %%xmm0, %%xmm14\n movdqa %%xmm0, %%xmm15\n"
                     ::"m"(fcw), "m"(mxcsr), "m"(fpu_marker_var), "m"(pattern[0]));
    for (;;) {
        __asm__ volatile("fxsave64 %0" : "=m"(fpu_image_a));
        uint16_t f = (uint16_t)(fpu_image_a[0] | fpu_image_a[1] << 8);
        uint32_t m = (uint32_t)fpu_image_a[24] | (uint32_t)fpu_image_a[25] << 8;
        if (f != FPU_MARK_FCW || m != FPU_MARK_MXCSR || fpu_image_a[160] != 0x78 || fpu_image_a[160 + 15 * 16] != 0x78)
            fpu_a_lost++;
        fpu_a_rounds++;
    }
}

static void fpu_watch_thread(bh_word_t arg)
{
    (void)arg;
    for (;;) {
        __asm__ volatile("fxsave64 %0" : "=m"(fpu_image_b));
        uint64_t bad = 0;
        uint16_t f = (uint16_t)(fpu_image_b[0] | fpu_image_b[1] << 8);
        uint32_t m = (uint32_t)fpu_image_b[24] | (uint32_t)fpu_image_b[25] << 8;
        uint64_t fdp;
        __builtin_memcpy(&fdp, &fpu_image_b[16], 8);
        if (f != 0x037f) bad |= 1;
        if (m != 0x1f80) bad |= 2;
        if (fpu_image_b[4] != 0) bad |= 4; /* abridged tag word: every x87 register empty */
        if (fdp == (uint64_t)(uintptr_t)&fpu_marker_var) bad |= 8;
        /* Byte by byte through a volatile pointer: a vectorised loop would use xmm itself. */
        const volatile uint8_t *v = fpu_image_b;
        for (unsigned i = 160; i < 160 + 16 * 16; i++)
            if (v[i]) bad |= 16;
        fpu_b_bad |= bad;
        fpu_b_rounds++;
    }
}

static int fpu_state_per_partition(struct env *env)
{
    fpu_a_rounds = fpu_b_rounds = fpu_b_bad = fpu_a_lost = 0;
    if (run_in_two_partitions(env, fpu_marker_thread, &fpu_a_rounds, fpu_watch_thread, &fpu_b_rounds)) return 1;
    if (fpu_b_bad) bh_printf("ktest: fpu_b_bad %lx\n", (unsigned long)fpu_b_bad);
    CHECK(fpu_b_bad == 0); /* bit 1 FCW, 2 MXCSR, 4 x87 stack, 8 A's data pointer, 16 vector registers */
    CHECK(fpu_a_lost == 0);
    return 0;
}

const struct test tests_platform[] = {
    {"x86_rflags_nt_across_syscall", rflags_nt_across_syscall},
    {"x86_rflags_df_on_exception", rflags_df_on_exception},
    {"x86_sysret_below_canonical_hole", sysret_below_canonical_hole},
    {"x86_noncanonical_user_stack", noncanonical_user_stack},
    {"x86_selectors_per_thread", selectors_per_thread},
    {"x86_fpu_state_per_partition", fpu_state_per_partition},
    {"x86_meltdown_window", meltdown_window},
    {0, 0},
};
