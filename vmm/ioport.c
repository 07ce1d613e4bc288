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
 * Other ports read as all ones and ignore writes, as an empty bus does.
 * String I/O (INS/OUTS, with or without REP): the VMM moves the elements between the port and
 * guest memory itself. EXITINFO1 adds bit 3 REP, bits 7..9 the address size (16, 32, 64) and
 * bits 10..12 OUTS's source segment (ES CS SS DS FS GS; INS always writes ES:rDI). rSI/rDI step
 * by the size, backwards with RFLAGS.DF, within the address size; rCX counts down. At most
 * STRING_BATCH elements per exit: a longer REP resumes at the same instruction, as an
 * interrupted one does on hardware. A guest address that does not translate to RAM raises
 * #PF (CR2 = the address; #GP(0) with paging off or a non-canonical address) after the elements
 * before it, which stay done.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "vmm.h"

#define IO_IN 0x1u
#define IO_STR 0x4u
#define IO_REP 0x8u
#define IO_SIZE_SHIFT 4
#define IO_ADDR_SHIFT 7
#define IO_SEG_SHIFT 10
#define SEG_FS 4u
#define SEG_GS 5u
#define RFLAGS_DF (1ull << 10)
#define PF_WRITE 0x2u
#define PF_USER 0x4u
#define STRING_BATCH 4096u
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
            vmm_say(vm, "guest check %u FAILED (value %#x)", value & ~VMM_DEBUG_CHECK_FAILED, vm->debug_value);
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

/* A segment's base: 0 for all but FS and GS in 64-bit code. ES and CS are in the register
 * cache (indices up to SS's selector); the others take one READ_STATE. */
static uint64_t segment_base(struct vcpu *v, unsigned seg)
{
    if (vcpu_long_mode(v) && seg != SEG_FS && seg != SEG_GS) return 0;
    unsigned index = BH_VCPU_ES + 2 * seg + 1;
    if (index < VCPU_CACHE_WORDS) return vcpu_reg(v, index);
    return bh_vcpu_read_state(v->cap, index, 1, NULL) == 0 ? bh_get_mr(0) : 0;
}

static void string_io(struct vcpu *v, uint64_t info, unsigned port, unsigned size)
{
    struct vm *vm = v->vm;
    bool in = (info & IO_IN) != 0, rep = (info & IO_REP) != 0;
    unsigned asize = (unsigned)(info >> IO_ADDR_SHIFT) & 7u;   /* one-hot: 16, 32, 64 bits */
    uint64_t amask = asize == 1 ? 0xffffull : asize == 2 ? 0xffffffffull : ~0ull;
    unsigned reg = in ? BH_VCPU_RDI : BH_VCPU_RSI;
    uint64_t base = segment_base(v, in ? 0 : (unsigned)(info >> IO_SEG_SHIFT) & 7u);
    uint64_t rcx = vcpu_reg(v, BH_VCPU_RCX), index = vcpu_reg(v, reg);
    uint64_t count = rep ? rcx & amask : 1, done = 0;
    uint64_t step = (vcpu_reg(v, BH_VCPU_RFLAGS) & RFLAGS_DF) ? (uint64_t)-(int64_t)size : size;
    bool fault = false;
    for (; done < count && done < STRING_BATCH && !vm->ended; done++) {
        uint64_t gva = base + (index & amask);
        uint32_t value = 0;
        if (in) {
            value = port_in(vm, port, size);
            fault = guest_copy_to(v, gva, &value, size) != 0;
        } else {
            fault = guest_copy_from(v, gva, &value, size) != 0;
            if (!fault) port_out(vm, port, size, value);
        }
        if (fault && vcpu_long_mode(v) && (uint64_t)((int64_t)(gva << 16) >> 16) != gva) {
            vcpu_inject_exception(v, 13, true, 0);  /* not canonical: #GP, as the processor does */
            break;
        }
        if (fault && !(v->mode & BH_VM_MODE_PG)) {
            vcpu_inject_exception(v, 13, true, 0);  /* paging off: the address is not RAM */
            break;
        }
        if (fault) {
            vcpu_set_reg(v, BH_VCPU_CR2, gva);
            vcpu_inject_exception(v, 14, true, (in ? PF_WRITE : 0) | (vcpu_cpl(v) == 3 ? PF_USER : 0));
            break;
        }
        index = (index & ~amask) | ((index + step) & amask);
    }
    vcpu_set_reg(v, reg, index);
    if (rep) vcpu_set_reg(v, BH_VCPU_RCX, (rcx & ~amask) | ((count - done) & amask));
    if (!fault) v->next_rip = done < count && !vm->ended ? v->exit[BH_VM_MR_RIP] : v->exit[BH_VM_MR_INFO2];
}

void ioport_exit(struct vcpu *v)
{
    uint64_t info = v->exit[BH_VM_MR_INFO1];
    unsigned port = (unsigned)(info >> 16) & 0xffffu;
    unsigned size = (unsigned)(info >> IO_SIZE_SHIFT) & 7u; /* one-hot: 1, 2 or 4 bytes */
    if (size != 1 && size != 2 && size != 4) {
        vcpu_inject_exception(v, 13, true, 0);
        return;
    }
    if (info & IO_STR) {
        string_io(v, info, port, size);
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
