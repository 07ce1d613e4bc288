/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * GDT, TSS and IDT. The selectors are laid out for syscall/sysret (AMD64 APM vol. 2, 6.1.1):
 * STAR[47:32] = kernel CS (SS = +8); STAR[63:48] + 16 = user CS, + 8 = user SS.
 * The TSS has no I/O bitmap: user level reaches ports only through IOPort capabilities.
 */
#include "x86.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout (AMD64 APM vol. 2, 12.2.5)");

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct table_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* In the Meltdown window: the CPU reads all three when an interrupt arrives at user level. */
static uint64_t gdt[7] WINDOW_DATA __attribute__((aligned(16))) = {
    0,
    0x00af9a000000ffffull, /* 0x08 kernel code, 64-bit */
    0x00cf92000000ffffull, /* 0x10 kernel data */
    0x00cff2000000ffffull, /* 0x18 user data (DPL 3) */
    0x00affa000000ffffull, /* 0x20 user code, 64-bit (DPL 3) */
    0, 0,                  /* 0x28 TSS (16 bytes) */
};
static struct tss tss WINDOW_DATA __attribute__((aligned(16)));
static struct idt_gate idt[256] WINDOW_DATA __attribute__((aligned(16)));

/* Where the next entry from user level saves registers (the end of the thread's context).
 * Without the Meltdown window an interrupt pushes its frame straight there: RSP0 follows it.
 * With the window, RSP0 stays on the trampoline stack and the context's end goes to a word
 * nobody reads: no test of the mode on this path, which every IPC pass runs. */
static uint64_t rsp0_unused;
static void *rsp0_slot = (char *)&tss + offsetof(struct tss, rsp); /* unaligned: packed */

void x86_set_kernel_entry_stack(uint64_t top)
{
    __builtin_memcpy(rsp0_slot, &top, sizeof top);
    x86_entry_ctx_top = top;
}

static void set_tss_descriptor(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof tss - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;
    tss.iomap_base = sizeof tss;
}

#define VECTOR_NMI 2u
#define IST_NMI 1u

static void set_gates(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)x86_idt_stubs + v * X86_IDT_STUB_BYTES;
        uint8_t ist = 0;
        if (v == VECTOR_NMI) {
            a = (uint64_t)x86_nmi_entry; /* ignored, on its own stack (traps.S) */
            ist = IST_NMI;
        }
        idt[v] = (struct idt_gate){(uint16_t)a, SEL_KCODE, ist, 0x8e, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
    }
    uint64_t top = (uint64_t)x86_nmi_stack_top;
    __builtin_memcpy((char *)&tss + offsetof(struct tss, ist) + (IST_NMI - 1) * sizeof top, &top, sizeof top);
}

void x86_init_cpu_tables(void)
{
    set_tss_descriptor();
    set_gates();
    struct table_ptr g = {sizeof gdt - 1, (uint64_t)gdt};
    struct table_ptr i = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: mov $0x10, %%ax\n"
                     "mov %%ax, %%ds\n"
                     "mov %%ax, %%es\n"
                     "mov %%ax, %%ss\n"
                     "xor %%eax, %%eax\n"
                     "mov %%ax, %%fs\n"
                     "mov %%ax, %%gs\n"
                     :
                     : "m"(g)
                     : "rax", "memory");
    __asm__ volatile("lidt %0" ::"m"(i));
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
    wrmsr(MSR_STAR, (0x10ull << 48) | ((uint64_t)SEL_KCODE << 32));
    if (x86_meltdown_window) {
        rsp0_slot = &rsp0_unused;
        tss.rsp[0] = (uint64_t)x86_trampoline_top;
    }
    wrmsr(MSR_LSTAR, (uint64_t)(x86_meltdown_window ? x86_syscall_entry_window : x86_syscall_entry));
    /* TF, IF, DF, IOPL, NT and AC cleared on entry, as Linux does: a user NT would make the
     * kernel's next iretq fault (#GP in ring 0), a user DF would run the kernel's string
     * instructions backwards, a user AC would switch SMAP off inside the kernel. */
    wrmsr(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1u); /* SCE */
}

/* After a VT-x exit, which sets both limits to 0xffff: a GDT limit past the table would let
 * user level load descriptors from whatever kernel memory follows it. */
void x86_reload_descriptor_tables(void)
{
    struct table_ptr g = {sizeof gdt - 1, (uint64_t)gdt};
    struct table_ptr i = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lgdt %0; lidt %1" ::"m"(g), "m"(i));
}
