/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Port I/O (every port exits; the kernel's IOPM is all ones). EXITINFO1 (APM vol. 2, 15.10.2):
 * bit 0 IN, bit 2 string, bits 4..6 operand size, bits 31:16 the port; EXITINFO2 is the next
 * RIP. Emulated:
 *   0x3f8..0x3ff  a 16550 UART: transmit only, always ready; output goes to the console,
 *                 labelled with the guest's name, a line at a time
 *   0x500..0x50b  the test debug port (params.h): checks, values and benchmark results
 *   0x42, 0x43, 0x61  channel 2 of a PIT (pit.c), for calibration loops
 *   0x520, 0x521  the ACPI sleep control and status registers (acpi.c): S5 powers off
 * Other ports read as all ones and ignore writes, as an empty bus does. String I/O (INS/OUTS)
 * is not emulated yet and raises #GP(0).
 */
#include <bulkhead/runtime.h>
#include "vmm.h"

#define IO_IN 0x1u
#define IO_STR 0x4u
#define IO_SIZE_SHIFT 4
#define UART_BASE 0x3f8u
#define UART_LCR_DLAB 0x80u
#define UART_LSR_IDLE 0x60u   /* THRE | TEMT */
#define UART_MSR_LINES 0xb0u  /* DCD | DSR | CTS */
#define UART_IIR_NONE 0x01u

static void uart_out(struct vm *vm, unsigned reg, uint8_t value)
{
    struct uart *u = &vm->uart;
    bool dlab = (u->lcr & UART_LCR_DLAB) != 0;
    switch (reg) {
    case 0:
        if (dlab) u->dll = value;
        else console_put(vm, vm->uart_line, &vm->uart_len, (char)value, "uart");
        break;
    case 1:
        if (dlab) u->dlm = value;
        else u->ier = value & 0x0f;
        break;
    case 3: u->lcr = value; break;
    case 4: u->mcr = value & 0x1f; break;
    case 7: u->scr = value; break;
    default: break; /* FCR, and the read-only LSR and MSR */
    }
}

static uint8_t uart_in(struct vm *vm, unsigned reg)
{
    struct uart *u = &vm->uart;
    bool dlab = (u->lcr & UART_LCR_DLAB) != 0;
    switch (reg) {
    case 0: return dlab ? u->dll : 0;
    case 1: return dlab ? u->dlm : u->ier;
    case 2: return UART_IIR_NONE;
    case 3: return u->lcr;
    case 4: return u->mcr;
    case 5: return UART_LSR_IDLE;
    case 6: return UART_MSR_LINES;
    default: return u->scr;
    }
}

static void debug_out(struct vm *vm, unsigned port, uint32_t value)
{
    switch (port) {
    case VMM_DEBUG_PORT_CHECK:
        if (value & VMM_DEBUG_CHECK_FAILED) {
            vm->checks_failed++;
            bh_printf("[vmm %s] guest check %u FAILED (value %#x)\n", vm->params->name,
                      value & ~VMM_DEBUG_CHECK_FAILED, vm->debug_value);
        } else {
            vm->checks_passed++;
        }
        break;
    case VMM_DEBUG_PORT_VALUE: vm->debug_value = value; break;
    case VMM_DEBUG_PORT_BENCH: report_bench(vm, value, vm->debug_value); break;
    default: break;
    }
}

static void port_out(struct vm *vm, unsigned port, unsigned size, uint32_t value)
{
    if (size == 1 && (pit_port_out(vm, port, (uint8_t)value) || acpi_port_out(vm, port, (uint8_t)value))) return;
    if (port >= UART_BASE && port < UART_BASE + 8 && size == 1)
        uart_out(vm, port - UART_BASE, (uint8_t)value);
    else if (size == 4)
        debug_out(vm, port, value);
}

static uint32_t port_in(struct vm *vm, unsigned port, unsigned size)
{
    uint8_t byte;
    if (size == 1 && (pit_port_in(vm, port, &byte) || acpi_port_in(vm, port, &byte))) return byte;
    if (port >= UART_BASE && port < UART_BASE + 8 && size == 1) return uart_in(vm, port - UART_BASE);
    return 0xffffffffu;
}

void ioport_exit(struct vcpu *v)
{
    uint64_t info = v->exit[BH_VM_MR_INFO1];
    unsigned port = (unsigned)(info >> 16) & 0xffffu;
    unsigned size = (unsigned)(info >> IO_SIZE_SHIFT) & 7u; /* one-hot: 1, 2 or 4 bytes */
    if ((info & IO_STR) || (size != 1 && size != 2 && size != 4)) {
        vcpu_inject_exception(v, 13, true, 0);
        return;
    }
    uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
    if (info & IO_IN) {
        uint64_t value = port_in(v->vm, port, size) & mask;
        uint64_t rax = size == 4 ? 0 : vcpu_reg(v, BH_VCPU_RAX) & ~mask;
        vcpu_set_reg(v, BH_VCPU_RAX, rax | value);
    } else {
        port_out(v->vm, port, size, (uint32_t)(vcpu_reg(v, BH_VCPU_RAX) & mask));
    }
    v->next_rip = v->exit[BH_VM_MR_INFO2];
}
