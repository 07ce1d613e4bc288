/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Private declarations of the POWER9 platform. */
#ifndef POWER9_POWER9_H
#define POWER9_POWER9_H

#include "../../kernel/kernel.h"

#define SPRN_DEC 22
#define SPRN_PID 48
#define SPRN_LPCR 318
#define SPRN_PTCR 464
#define SPRN_HSPRG0 304
#define SPRN_PIR 1023
#define SPRN_MMCR0 795
#define SPRN_FSCR 153
#define FSCR_IC (0xfful << 56) /* interrupt cause of the last facility-unavailable interrupt */
#define SPRN_PPR 896
#define SPRN_VRSAVE 256

/* PPR[PRI] (bits 11:13): medium, the priority every thread starts its turn with. */
#define PPR_MEDIUM (4ul << 50)

#define LPCR_HDICE (1ul << 0)
#define LPCR_HVICE (1ul << 1)
#define LPCR_HR (1ul << 20)
#define LPCR_UPRT (1ul << 22)
#define LPCR_AIL (3ul << 23)
#define LPCR_LD (1ul << 17)

/* Low-memory slots read by the vector code (entry.S), and entry.S's structure offsets. */
#include "asm_offsets.h"

#define mfspr(n) ({ uint64_t v_; __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n)); v_; })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" ::"i"(n), "r"((uint64_t)(v)) : "memory")
static inline uint64_t mfmsr(void)
{
    uint64_t v;
    __asm__ volatile("mfmsr %0" : "=r"(v));
    return v;
}
static inline uint64_t mftb(void)
{
    uint64_t v;
    __asm__ volatile("mftb %0" : "=r"(v));
    return v;
}

/* OPAL (skiboot include/opal-api.h). */
#define OPAL_SUCCESS 0
#define OPAL_BUSY (-2)
#define OPAL_BUSY_EVENT (-12)
#define OPAL_CONSOLE_WRITE 1
#define OPAL_CEC_POWER_DOWN 5
#define OPAL_HANDLE_INTERRUPT 9
#define OPAL_POLL_EVENTS 10
#define OPAL_LPC_READ 67
#define OPAL_LPC_WRITE 68
#define OPAL_LPC_IO 1
#define OPAL_REINIT_CPUS 70
#define OPAL_REINIT_CPUS_HILE_LE (1u << 1)
#define OPAL_REINIT_CPUS_MMU_RADIX (1u << 3)
#define OPAL_XIVE_RESET 128
#define OPAL_XIVE_GET_IRQ_INFO 129
#define OPAL_XIVE_SET_IRQ_CONFIG 131
#define OPAL_XIVE_SET_QUEUE_INFO 133
#define OPAL_XIVE_ALLOCATE_IRQ 139
int64_t p9_opal_call(uint64_t token, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                     uint64_t a6);
extern uint64_t p9_opal_base, p9_opal_entry;
extern uint64_t p9_kernel_r13;
extern uint64_t p9_user_msr;   /* the MSR of the return to user: MSR_USER, with MSR_FACILITIES for the owner */
void p9_fpu_release(void);

/* boot.c */
NORETURN void p9_boot(void *fdt, uint64_t opal_base, uint64_t opal_entry);
extern uint64_t p9_timebase_hz;

/* lpc.c */
void p9_lpc_init(const void *fdt);

/* xive.c */
void p9_xive_init(const void *fdt, struct boot_config *bc);
void p9_xive_interrupt(void);
bool p9_xive_pending(void);

/* mmu.c */
void p9_init_mmu(void);
void p9_switch_vspace(void *vspace_root);
uint64_t p9_guest_partition(void *guest_root, uint64_t process_table_dword);

/* facilities.c */
void p9_init_problem_state(bool bench_counters);

/* context.c */
void p9_handle_trap(struct user_context *ctx);
void p9_init_timer(void);
void p9_reset_cpu_state(void);

/* guest.S: enter the guest whose registers ctx holds (HSPRG0 = ctx, so the vectors save its
 * registers there); returns when p9_guest_return is called from the exit's trap handler, on a
 * stack below the caller's frame. p9_guest_ctx is the running guest's (NULL: none). */
void p9_guest_enter(struct user_context *ctx);
NORETURN void p9_guest_return(void);
extern struct user_context *p9_guest_ctx;

/* entry.S */
extern char p9_vectors_start[], p9_vectors_end[], p9_kernel_stack_top[];
extern char p9_reloc_vectors_start[], p9_reloc_vectors_end[];
NORETURN void p9_exit_to_user(struct user_context *ctx);
NORETURN void p9_idle_loop(struct user_context *ctx);
void p9_fpu_save(struct fpu_state *f);
void p9_fpu_restore(const struct fpu_state *f);

#endif
