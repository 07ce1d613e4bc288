/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Private declarations of the x86_64 platform. */
#ifndef X86_PVH_X86_H
#define X86_PVH_X86_H

#include "../../kernel/kernel.h"
#include "mitigations.h"

#define SEL_KCODE 0x08u
#define SEL_KDATA 0x10u
#define SEL_TSS 0x28u

#define VECTOR_IRQ_BASE 32u
#define VECTOR_TIMER 0xefu
#define VECTOR_IOMMU_FAULT 0xeeu
#define VECTOR_SPURIOUS 0xffu
#define IOAPIC_PINS 24u

#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_SFMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u

/* Data the entry and exit paths touch before switching CR3: mapped in user address spaces
 * when the Meltdown window is on (linker.ld, mmu.c). Nothing placed there may be secret. */
#define WINDOW_DATA __attribute__((section(".window.data")))

#define LAPIC_PADDR 0xfee00000ul
#define IOAPIC_PADDR 0xfec00000ul
#define MSR_APIC_BASE 0x1bu
/* Interrupt messages are writes to 0xfeexxxxx (Intel SDM vol. 3A 11.11.1, AMD APM vol. 2
 * 16.7): the local APIC's default page and the whole MSI address window. */
#define MSI_WINDOW_START 0xfee00000ul
#define MSI_WINDOW_END 0xfef00000ul
#define X86_PHYS_ADDR_LIMIT (1ull << 52)

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* gdt.c */
void x86_init_cpu_tables(void);
void x86_set_kernel_entry_stack(uint64_t top);
void x86_reload_descriptor_tables(void);

/* mmu.c */
void x86_init_kernel_paging(paddr_t max_ram);
void x86_load_cr3(paddr_t root);
paddr_t x86_user_root(void *vspace_root); /* the CR3 a thread of this VSpace runs with */
int x86_map_leaf(void *root, vaddr_t vaddr, unsigned size_bits, uint64_t entry);

/* fpu.c: FXSAVE/FXRSTOR, with the AMD FXSAVE-pointer-leak workaround on restore */
void x86_fpu_init(void);
extern bool x86_fxsave_leaks_pointers;
extern const int32_t x86_fpu_scrub_operand;
static inline void x86_fpu_save(struct fpu_state *f)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*f));
}
static inline void x86_fpu_restore(const struct fpu_state *f)
{
    if (x86_fxsave_leaks_pointers) __asm__ volatile("fnclex; emms; fildl %0" ::"m"(x86_fpu_scrub_operand));
    __asm__ volatile("fxrstor64 %0" ::"m"(*f));
}

/* The guest debug registers that no VMCB or VMCS field holds (svm.c, vmx.c). */
static inline void x86_load_dr0_3(const uint64_t dr[4])
{
    __asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3" ::"r"(dr[0]), "r"(dr[1]),
                     "r"(dr[2]), "r"(dr[3]));
}
static inline void x86_save_dr0_3(uint64_t dr[4])
{
    __asm__ volatile("mov %%dr0, %0; mov %%dr1, %1; mov %%dr2, %2; mov %%dr3, %3"
                     : "=r"(dr[0]), "=r"(dr[1]), "=r"(dr[2]), "=r"(dr[3]));
}

/* virt.c, svm.c, vmx.c */
void x86_virt_init(void);
extern uint64_t x86_guest_tlb_epoch; /* bumped when a mapping leaves a non-current root */

/* boot.c: device memory the kernel keeps (never device untyped; listed in the boot info) */
void x86_keep_device(struct boot_config *bc, paddr_t start, paddr_t end, word_t kind);

/* acpi.c: the I/O APICs (MADT) and IOMMUs (DMAR, IVRS) the firmware describes */
void x86_acpi_find_devices(paddr_t rsdp_paddr, paddr_t mapped_end, struct boot_config *bc);

/* vtd.c: the VT-d unit the DMAR names (acpi.c), set up at boot; its fault event; for
 * intremap.c its capabilities, global commands and invalidation queue */
void x86_vtd_unit_found(paddr_t base);
void x86_vtd_ioapic_found(uint16_t source); /* the DMAR's I/O APIC device scope */
void x86_vtd_init(void);
void x86_vtd_fault(void);
uint64_t x86_vtd_ecap(void);
void x86_vtd_set_register64(unsigned reg, uint64_t value);
void x86_vtd_command(uint32_t persistent, uint32_t one_shot, uint32_t status);
void x86_vtd_submit(uint64_t lo, uint64_t hi);
void x86_vtd_invalidate_and_wait(void);
void x86_vtd_flush_cache_line(const volatile void *p);

/* intremap.c: VT-d interrupt remapping (from x86_vtd_init when the unit offers it): the I/O
 * APIC's lines and the MSI lines (kernel/platform.h) through the remapping table */
#define VECTOR_MSI_FIRST 0x40u /* MSI line i (irq IRQ_MSI_FIRST + i) has vector 0x40 + i */
void x86_intremap_init(uint16_t ioapic_source, bool ioapic_source_known);
bool x86_msi_vector(word_t vector); /* an MSI line's vector: x86_msi_arrived serves it */
void x86_msi_arrived(word_t vector);
void x86_msi_mask(word_t irq, bool masked);

/* mitigations.c: decided once at boot (docs/security.md) */
struct x86_mitigations {
    bool meltdown_affected; /* Intel without RDCL_NO */
    bool buffers_affected;  /* MDS, TAA or MMIO stale data: buffers VERW clears */
    bool verw_available;    /* MD_CLEAR or FB_CLEAR: VERW clears them */
    bool verw;              /* VERW on every exit to user level and before guest entry */
    bool ibpb;              /* IBPB on partition switches and between guests */
    bool rsb_fill;          /* RSB overwritten on partition switches and VM exits */
    bool l1d_flush_msr;     /* IA32_FLUSH_CMD exists (else a software displacement) */
    bool l1d_flush_vm_entry;
    bool partition_flush;
    bool window;            /* the Meltdown window (traps.S) */
    bool enhanced_ibrs, auto_ibrs;
};
extern struct x86_mitigations x86_mitigations;
extern uint8_t x86_exit_variant;        /* EXIT_* (mitigations.h), read by traps.S */
extern uint8_t x86_rsb_fill_on_vm_exit; /* read by svm.S and vmx.S */
void x86_mitigations_init(const char *cmdline);
void x86_mitigate_vm_entry(const void *guest_space);
void x86_rsb_fill(void); /* mitigations.S */

/* apic.c */
void x86_init_interrupts(void);
void x86_lapic_eoi(void);
/* Whether the local APIC has this vector in service: an interrupt delivered it (an exception
 * never sets the in-service register). */
bool x86_lapic_in_service(word_t vector);
void x86_lapic_self_ipi(word_t vector);
/* The I/O APIC's lines in remappable format: line g through remapping entry g (intremap.c). */
void x86_ioapic_remap(void);
word_t x86_ioapic_lines(void);
bool x86_ioapic_level(word_t line);
uint8_t x86_boot_apic_id(void);

/* serial.c */
void x86_serial_init(void);

/* traps.S: one vector stub every X86_IDT_STUB_BYTES (.p2align 5 there). */
#define X86_IDT_STUB_BYTES 32u
extern char x86_idt_stubs[];
extern char x86_nmi_entry[], x86_nmi_stack_top[];
void x86_syscall_entry(void);
void x86_syscall_entry_window(void);
NORETURN void x86_exit_to_user(struct user_context *ctx);
NORETURN void x86_idle_loop(struct user_context *frame_area_end);
/* Where the next kernel entry saves user registers (the end of the current context). */
extern uint64_t x86_entry_ctx_top;
extern struct user_context x86_idle_frame_bottom;
/* The Meltdown window (traps.S): whether it is on, the two address spaces an entry and an
 * exit switch to, the stack the CPU's frame lands on from user level, the user's rsp. */
extern uint8_t x86_meltdown_window;
extern uint64_t x86_kernel_cr3, x86_user_cr3, x86_window_user_rsp;
extern char x86_trampoline_stack[], x86_trampoline_top[];

#endif
