/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The platform interface: the only way the portable core reaches the hardware. Each
 * platform implements these functions (platforms/<name>/) and provides <plat/machine.h>
 * with its constants, the saved user context and inline register accessors:
 *
 *   PAGE_BITS, LARGE_PAGE_BITS, USER_TOP          page sizes and the end of user space
 *   struct user_context, struct fpu_state        saved registers of a thread
 *   ctx_syscall_number/cptr/info(), ctx_mr(), ctx_set_*()   message and syscall registers
 *   ctx_restart_syscall()                         re-execute the syscall on next entry
 *   REG_COUNT, ctx_reg()                          registers in ReadRegisters order
 *   ptr_to_paddr(), paddr_to_ptr()                the kernel's physical-memory window
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include "types.h"
#include <plat/machine.h>
#include <plat/vcpu.h>

struct tcb;

/* Positions in the ReadRegisters/WriteRegisters order (ctx_reg) that the core relies on, the
 * same on every platform: the instruction pointer, the stack pointer, the first argument
 * register (the root server's boot info) and the TLS base. */
#define REG_IP 0u
#define REG_SP 1u
#define REG_ARG0 8u
#define REG_TLS_BASE 18u

/* <plat/machine.h> also defines PLAT_ELF_MACHINE: the ELF machine of user programs. */

/* Console (debug output; never fails). */
void plat_console_putc(char c);

/* Context: prepare a new thread's registers; switch the CPU to a thread (address space,
 * FPU, TLS base, kernel entry stack); return to user mode in the current thread. */
void plat_context_init(struct user_context *ctx, struct fpu_state *fpu);
/* After WriteRegisters: force segment selectors and flags to safe user values. */
void plat_context_sanitise(struct user_context *ctx);
void plat_set_tls_base(word_t base);
void plat_switch_to(struct tcb *from, struct tcb *to, void *vspace_root);
/* The thread's last capability is going: the platform drops what it keeps of it (POWER9's lazy
 * FP/VMX/VSX owner), so that nothing refers to the TCB once its memory is reused. */
void plat_thread_finalise(struct tcb *t);
NORETURN void plat_return_to_user(struct tcb *t);
NORETURN void plat_idle(void);
bool plat_user_address_ok(word_t addr);

/* MMU. vspace/table pointers are kernel pointers to 4 KiB table pages.
 * plat_map_frame returns 0 or the level (1..) at which a table is missing, or -1 when vaddr
 * is mapped already. plat_map_table returns the level it installed at, or -1 when none is
 * missing. The unmap functions remove a mapping only if it still refers to paddr. */
void plat_vspace_init(void *vspace_root);
int plat_map_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits,
                   word_t rights, word_t attributes);
void plat_unmap_frame(void *vspace_root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits);
int plat_map_table(void *vspace_root, vaddr_t vaddr, paddr_t table);
void plat_unmap_table(void *vspace_root, vaddr_t vaddr, unsigned level, paddr_t table);
/* Probes that change nothing, so that decode knows what a map will do (VSpaces and
 * GuestSpaces alike: their tables have one format per platform). plat_frame_slot returns what
 * plat_map_frame would (0, the missing level, or -1); when -1, *mapped is the frame there,
 * as plat_unmap_frame would match it (~0 when none would); when 0 or -1, *slot is where the
 * entry is (<plat/machine.h>), for plat_map_frame_at, which writes a VSpace's entry there
 * without walking the tables again (over the same frame's entry, when it remaps).
 * plat_table_slot returns the level plat_map_table would install at, or -1. */
int plat_frame_slot(void *root, vaddr_t vaddr, unsigned size_bits, paddr_t *mapped, struct frame_slot *slot);
void plat_map_frame_at(const struct frame_slot *slot, paddr_t paddr, unsigned size_bits, word_t rights,
                       word_t attributes);
int plat_table_slot(void *root, vaddr_t vaddr);
void *plat_kernel_vspace(void);
void plat_tlb_flush(void *vspace_root);

/* Interrupts. Lines are numbered by the platform (GSIs on x86). */
word_t plat_irq_count(void);
word_t plat_tick_us(void);
/* Frequency of the counter user level can read (x86 TSC, POWER timebase) in kHz; 0 if unknown. */
word_t plat_counter_khz(void);
/* The date from the machine's real-time clock, seconds since 1970-01-01 UTC (0 if there is
 * none), and the counter's value when it was read; once, at boot, for the boot info. */
void plat_wallclock(word_t *unix_sec, word_t *counter);
bool plat_irq_reserved(word_t irq);
void plat_irq_mask(word_t irq, bool masked);
void plat_irq_ack(word_t irq);
bool plat_irq_pending(void);

/* I/O ports (x86; other platforms return false from plat_io_ports_exist). */
bool plat_io_ports_exist(void);
bool plat_io_port_reserved(word_t port);
word_t plat_io_in(word_t port, unsigned bytes);
void plat_io_out(word_t port, unsigned bytes, word_t value);

/* Virtualization (platforms/<name>/svm.c on x86). <plat/vcpu.h> defines struct vcpu_arch, the
 * platform's part of a VCPU object (it comes first in the object: the hardware control block is
 * page aligned), VCPU_STATE_COUNT and VCPU_STATE_PC (the architecture's state indices, from
 * abi/<arch>.abi), VCPU_EXIT_SUMMARY_WORDS, VCPU_RESULT_WORDS and GUEST_PHYS_TOP. A
 * guest-physical space is a root table page that the plat_guest_* functions edit; unmapping from
 * it goes through plat_unmap_frame/table and plat_tlb_flush like any mapping (the x86 nested
 * tables have the host format). plat_vcpu_check_state is the decode step of a state write: it
 * changes nothing.
 *
 * An exit has the ABI's generic shape (abi/bulkhead.abi, BH_VM_MR_*), the same on every
 * platform; what the code, the qualifications and the event mean is the architecture's. The
 * core itself only makes VM_EXIT_INTERRUPTED exits. */
struct vm_exit {
    word_t reason;      /* bh_vm_reason_t: class and the platform's exit code */
    word_t qual1, qual2;
    word_t pc, next_pc; /* next_pc 0: not known */
    word_t event;       /* the event being delivered at the exit, in the platform's format */
};
bool plat_vcpu_supported(void);
void plat_vcpu_init(struct vcpu_arch *v);
/* The VCPU object is about to be destroyed: the processor must hold nothing of it (VT-x's VMCLEAR). */
void plat_vcpu_destroy(struct vcpu_arch *v);
bool plat_vcpu_check_state(word_t index, word_t value);
void plat_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value);
word_t plat_vcpu_read_state(const struct vcpu_arch *v, word_t index);
void plat_vcpu_space_changed(struct vcpu_arch *v);
/* After an exit: the registers the common exits need and a mode word, in the platform's order
 * (at most VCPU_EXIT_SUMMARY_WORDS; returns how many). Before an entry: the registers that
 * carry an exit's results (VCPU_RESULT_WORDS of them). */
unsigned plat_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out);
void plat_vcpu_set_results(struct vcpu_arch *v, const word_t *in);
/* The event the VMM set up for injection, taken back (the VCPU no longer holds it); 0 for none. */
word_t plat_vcpu_take_event(struct vcpu_arch *v);
void plat_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *exit);
int plat_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights);
int plat_guest_map_table(void *guest_root, word_t gpa, paddr_t table);

/* IOMMU (x86: VT-d, platforms/x86_pvh/vtd.c; absent elsewhere: plat_iommu_present() is false
 * and nothing else is called). An IOSpace's root is a table page in the IOMMU's own format that
 * these functions edit; levels are counted as for plat_map_*, and the probes change nothing
 * (plat_iommu_frame_slot: 0, the missing level, or -1 when mapped; plat_iommu_table_slot: the
 * level plat_iommu_map_table would install at, or -1). The unmap functions remove an entry only
 * if it still refers to paddr. A PCI function (source = bus << 8 | device << 3 | function,
 * below IOMMU_BUSES << 8) is bound to a (root, domain); plat_iommu_unbind_domains unbinds every
 * function whose domain is in [first, first + count) and invalidates those domains. Unbinding
 * and plat_iommu_flush finish the IOMMU's invalidation before they return. The platform reports
 * DMA faults of bound functions with io_space_fault (kernel.h). */
bool plat_iommu_present(void);
word_t plat_iommu_top(void);
bool plat_iommu_large_pages(void);
int plat_iommu_frame_slot(void *root, word_t iova, unsigned size_bits, paddr_t *mapped);
int plat_iommu_table_slot(void *root, word_t iova);
void plat_iommu_map_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits, word_t rights);
int plat_iommu_map_table(void *root, word_t iova, paddr_t table);
void plat_iommu_unmap_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits);
void plat_iommu_unmap_table(void *root, word_t iova, unsigned level, paddr_t table);
void plat_iommu_flush(word_t domain);
bool plat_iommu_bound(word_t source);
void plat_iommu_bind(word_t source, void *root, word_t domain);
void plat_iommu_unbind(word_t source);
void plat_iommu_unbind_domains(word_t first, word_t count);

/* MSI lines (x86: VT-d interrupt remapping, platforms/x86_pvh/intremap.c; absent elsewhere:
 * plat_msi_available() is false and nothing else is called). Lines IRQ_MSI_FIRST.. of irq.c;
 * plat_msi_bind points the line's remapping entry at its vector for requests from `source`
 * only and returns the message a device must write to raise it; plat_msi_unbind clears the
 * entry and finishes the unit's invalidation before it returns. The platform raises a bound,
 * unmasked line with handle_irq_entry; plat_irq_mask masks MSI lines in software (an MSI
 * arriving masked is kept pending and raised at the unmask). */
bool plat_msi_available(void);
void plat_msi_bind(word_t irq, word_t source, word_t *address, word_t *data);
void plat_msi_unbind(word_t irq);

/* Side channels (docs/security.md). The time partition has changed: flush what could carry a
 * timing channel from the last partition's threads to the next's (caches, TLBs, branch
 * predictors, as far as the platform can). plat_mitigations: the BH_MITIGATION_* bits
 * (<bulkhead/layout.h>) in force, for the boot info. */
void plat_partition_switch(void);
word_t plat_mitigations(void);

/* Halt the machine after a kernel bug. */
NORETURN void plat_halt(void);
/* Stop the machine on request (debug builds, tests); status reaches the host where it can. */
NORETURN void plat_power_off(word_t status);

#endif
