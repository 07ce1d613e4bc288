/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The user-level runtime: thread-local storage compatible with musl (so that libc.a's
 * errno and stack-protector canary work), the IPC buffer pointer, console output.
 *
 * Program conventions: slot 1 of every CSpace is the thread's own TCB. The root server
 * starts with rdi = its boot info; other programs with rdi = their IPC buffer address and
 * rsi = one argument word from their creator.
 */
#ifndef BULKHEAD_RUNTIME_H
#define BULKHEAD_RUNTIME_H

#include <stddef.h>
#include <bulkhead/syscalls.h>

#define BH_SLOT_SELF_TCB 1u

/* Prepares TLS for the calling (initial) thread and its IPC buffer. */
void bh_runtime_init(bh_ipc_buffer_t *ipc_buffer);

/* Prepares a TLS area for another thread in `area` (bh_tls_area_size() bytes, 64-aligned);
 * returns the TLS base to give that thread. */
size_t bh_tls_area_size(void);
bh_word_t bh_tls_prepare(void *area, bh_ipc_buffer_t *ipc_buffer_for_thread, bh_cptr_t tcb);
/* Prepares TLS for a thread that starts with none (a further thread of a program started by
 * the root server): its TLS in `area` (64-aligned, area_size >= bh_tls_area_size()), its IPC
 * buffer, and its own TCB capability, on which it sets its TLS base. -1 when area is unfit. */
int bh_runtime_init_thread(void *area, size_t area_size, bh_ipc_buffer_t *ipc_buffer, bh_cptr_t self_tcb);
/* The calling thread's TCB capability. */
extern __thread bh_cptr_t bh_self_tcb;

/* Components started by the root server (user/start_component.c): the frequency of the
 * cycle counter (bh_arch_counter) in kHz, as the kernel measured it (the boot info's
 * counter_khz, which the root passes in its start message); 0 when unknown. */
extern uint64_t bh_counter_khz;

/* Debug builds: run the kernel's invariant checker; returns the number of violations. */
bh_word_t bh_debug_check_kernel(void);
/* Debug builds: stop the machine; on x86 QEMU exits with (status << 1) | 1. */
_Noreturn void bh_debug_halt(bh_word_t status);

/* Debug builds: the kernel's debug console. The first len bytes (at most 256) of the IPC
 * buffer's message words, in one piece, or one character; each returns the bytes written, 0
 * when the kernel's output budget is spent for this tick (the release kernel has neither:
 * they are unknown system calls there). */
size_t bh_debug_put_string(size_t len);
size_t bh_debug_put_char(char c);

/* Console output: through the sink the program chose (bh_console_set_sink), by default the
 * kernel's debug console, waiting out its budget. A program that runs on the release kernel
 * must choose another sink (the console server's, or none) before it prints. */
typedef void (*bh_console_sink_t)(const char *text, size_t len);
void bh_console_set_sink(bh_console_sink_t sink);
void bh_console_discard(const char *text, size_t len); /* a sink that drops everything */
void bh_console_debug(const char *text, size_t len);   /* the default: the debug console */
/* The debug console with each line begun "[<label>] " (at most 20 characters of label). */
void bh_console_set_labelled_debug(const char *label);
void bh_putc(char c);
void bh_puts(const char *s);
int bh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Program entry points (defined by the program): the root server's and everyone else's. */
struct bh_bootinfo;
int root_main(const struct bh_bootinfo *bi);
int program_main(bh_word_t arg);

/* Stop the calling thread for good. */
_Noreturn void bh_exit(int status);

#endif
