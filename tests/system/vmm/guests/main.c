/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The test guest's main: the command line's "mode=" picks what it does.
 *   exits     every exit type and hypercall, error paths included (exits.c); ends with a jump
 *             outside its RAM (an NPF on a fetch, which ends it)
 *   hostile   random hypercalls, MSR, port, CPUID and MMIO accesses (hostile.c); ends as exits
 *   probe     reads and writes of addresses with nothing there (probe.c), then a poweroff
 *   shutdown  SCHEDOP_shutdown with reason VT_SHUTDOWN_REASON
 *   acpi-poweroff  the ACPI tables and sleep registers (acpi.c); ends with ACPI S5
 *   crash     a triple fault
 *   spin      runs for ever, reporting a heartbeat
 *   heartbeat runs for ever, printing "heartbeat N" on the UART every VT_HEARTBEAT_TSC ticks
 *   flood     runs for ever, writing 960-byte lines through console_io as fast as it can
 *   bench     timed round trips (run under -icount shift=0), then shutdown
 *   xenstore, xenstore-hostile  a client of the xenstore server, a hostile one (xenstore.c)
 */
#include "guest.h"

/* The hostile guest of the console's temporal isolation (issue 10): 960 bytes a call, lines
 * numbered, never a pause. Its VMM takes what its console channel has room for. */
static void flood(void)
{
    static char line[961];
    for (uint32_t n = 1;; n++) {
        memset(line, 'x', sizeof line - 1);
        memcpy(line, "flood ", 6);
        int at = 6;
        char digits[12];
        int k = 0;
        for (uint32_t v = n; v || k == 0; v /= 10) digits[k++] = (char)('0' + v % 10);
        while (k) line[at++] = digits[--k];
        line[at] = ' ';
        line[sizeof line - 2] = '\n';
        hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof line - 1, (uint64_t)(uintptr_t)line);
    }
}

void guest_main(uint32_t start_info);

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--) *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

void uart_puts(const char *s)
{
    for (; *s; s++) {
        while (!(inb(0x3fd) & 0x20)) {
        }
        outb(0x3f8, (uint8_t)*s);
    }
}

static int mode_is(const char *cmdline, const char *mode)
{
    size_t n = strlen(mode);
    return memcmp(cmdline, "mode=", 5) == 0 && memcmp(cmdline + 5, mode, n) == 0 &&
           (cmdline[5 + n] == 0 || cmdline[5 + n] == ' ');
}

static void shutdown(uint32_t reason)
{
    struct sched_shutdown s = {reason};
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)&s, 0);
}

/* IDT limit 0: the next exception cannot be delivered, and neither can #DF. */
static void triple_fault(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } none = {0, 0};
    __asm__ volatile("lidt %0; ud2" : : "m"(none));
}

static void spin(void)
{
    for (uint32_t n = 0;; n++) {
        for (int i = 0; i < 64; i++) (void)cpuid(0, 0);
        bench(VT_PROGRESS, n);
    }
}

/* Busy-waits on the TSC: the guest has its own time partition, so it burns only its own time. */
static void heartbeat(void)
{
    char line[32] = "heartbeat ";
    for (uint32_t n = 1;; n++) {
        uint64_t until = rdtsc() + VT_HEARTBEAT_TSC;
        while (rdtsc() < until) __asm__ volatile("pause");
        char digits[12];
        int k = 0;
        for (uint32_t v = n; v || k == 0; v /= 10) digits[k++] = (char)('0' + v % 10);
        int at = 10;
        while (k) line[at++] = digits[--k];
        line[at++] = '\n';
        line[at] = 0;
        uart_puts(line);
    }
}

void guest_main(uint32_t start_info)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
    const char *cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
    uart_puts("test guest up: ");
    uart_puts(cmdline);
    uart_puts("\n");
    if (mode_is(cmdline, "exits")) {
        test_exits(si);
        return;
    }
    if (mode_is(cmdline, "acpi-poweroff")) {
        test_acpi_poweroff(si);
        return;
    }
    wrmsr(VMM_HYPERCALL_MSR, (uint64_t)(uintptr_t)hypercall_page);
    if (mode_is(cmdline, "hostile")) test_hostile();
    else if (mode_is(cmdline, "probe")) test_probe();
    else if (mode_is(cmdline, "shutdown")) shutdown(VT_SHUTDOWN_REASON);
    else if (mode_is(cmdline, "crash")) triple_fault();
    else if (mode_is(cmdline, "spin")) spin();
    else if (mode_is(cmdline, "heartbeat")) heartbeat();
    else if (mode_is(cmdline, "flood")) flood();
    else if (mode_is(cmdline, "xenstore")) test_xenstore(0);
    else if (mode_is(cmdline, "xenstore-hostile")) test_xenstore(1);
    else if (mode_is(cmdline, "smp")) test_smp();
    else if (mode_is(cmdline, "peers-alice")) test_peers(0);
    else if (mode_is(cmdline, "peers-bob")) test_peers(1);
    else if (mode_is(cmdline, "peers-hostile")) test_peers(2);
    else if (mode_is(cmdline, "grants-granter")) test_grants(0);
    else if (mode_is(cmdline, "grants-mapper")) test_grants(1);
    else if (mode_is(cmdline, "grants-hostile")) test_grants(2);
    else if (mode_is(cmdline, "grants-dying")) test_grants(3);
    else if (mode_is(cmdline, "grants-bench-granter")) test_grants(4);
    else if (mode_is(cmdline, "grants-bench-mapper")) test_grants(5);
    else if (mode_is(cmdline, "bench-smp")) {
        bench_smp();
        shutdown(SHUTDOWN_poweroff);
    }
    else if (mode_is(cmdline, "bench")) {
        bench_exits();
        shutdown(SHUTDOWN_poweroff);
    }
    uart_puts("unknown mode\n");
}
