/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/* Interrupts from a real device (the PIT, ISA IRQ 0 = GSI 2 on QEMU's I/O APIC) to a
 * notification, and I/O port capabilities. */
#include "ktest.h"

#define PIT_GSI 2u

static int pit_interrupt(struct env *env)
{
    if (!have_pit(env)) SKIP("no PIT on this machine");
    bh_cptr_t pit = new_slot(env), irq = new_slot(env);
    bh_cptr_t n = new_object(env, BH_OBJ_NOTIFICATION, 0);
    bh_cptr_t badged = new_slot(env);
    CHECK_OK(bh_cnode_mint(BH_ROOT_CNODE, badged, 64, BH_ROOT_CNODE, n, 64, BH_RIGHTS_ALL, 0x100));
    CHECK_OK(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x40, 0x43, BH_ROOT_CNODE, pit, 64));
    CHECK_OK(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, PIT_GSI, BH_ROOT_CNODE, irq, 64));
    CHECK_ERR(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, PIT_GSI, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_REVOKE_FIRST);
    CHECK_OK(bh_irq_handler_set_notification(irq, badged));
    for (int round = 0; round < 3; round++) {
        /* Channel 0, mode 0 (interrupt on terminal count), 1 ms. */
        CHECK_OK(bh_io_port_out8(pit, 0x43, 0x30));
        CHECK_OK(bh_io_port_out8(pit, 0x40, 0xa9));
        CHECK_OK(bh_io_port_out8(pit, 0x40, 0x04));
        CHECK(bh_wait(n) == 0x100);
        CHECK_OK(bh_irq_handler_ack(irq));
    }
    CHECK_OK(bh_irq_handler_clear(irq));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, irq, 64));
    /* The line is free again. */
    CHECK_OK(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, PIT_GSI, BH_ROOT_CNODE, irq, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, irq, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, pit, 64));
    return 0;
}

static int irq_errors(struct env *env)
{
    CHECK_ERR(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, 1000, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_RANGE);
    CHECK_ERR(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, 5, BH_ROOT_CNODE, BH_ROOT_TCB, 64), BH_ERR_DELETE_FIRST);
    bh_cptr_t irq = new_slot(env);
    CHECK_OK(bh_irq_control_get(BH_ROOT_IRQ_CONTROL, 5, BH_ROOT_CNODE, irq, 64));
    CHECK_ERR(bh_irq_handler_set_notification(irq, BH_ROOT_TCB), BH_ERR_WRONG_OBJECT_TYPE);
    CHECK_ERR(bh_cnode_copy(BH_ROOT_CNODE, new_slot(env), 64, BH_ROOT_CNODE, irq, 64, BH_RIGHTS_ALL), BH_ERR_ILLEGAL_OPERATION);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, irq, 64));
    return 0;
}

static int io_port_errors(struct env *env)
{
    bh_cptr_t p = new_slot(env);
    CHECK_ERR(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x3f8, 0x3ff, BH_ROOT_CNODE, p, 64), BH_ERR_REVOKE_FIRST);
    CHECK_ERR(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x80, 0x70, BH_ROOT_CNODE, p, 64), BH_ERR_RANGE);
    CHECK_ERR(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x80, 0x10000, BH_ROOT_CNODE, p, 64), BH_ERR_RANGE);
    CHECK_OK(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x70, 0x71, BH_ROOT_CNODE, p, 64));
    CHECK_ERR(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x71, 0x72, BH_ROOT_CNODE, new_slot(env), 64), BH_ERR_REVOKE_FIRST);
    bh_word_t v;
    CHECK_ERR(bh_io_port_in8(p, 0x72, &v), BH_ERR_RANGE);
    CHECK_ERR(bh_io_port_in16(p, 0x71, &v), BH_ERR_RANGE);
    /* CMOS: select register 0x0a (status A) and read it. */
    CHECK_OK(bh_io_port_out8(p, 0x70, 0x0a));
    CHECK_OK(bh_io_port_in8(p, 0x71, &v));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, p, 64));
    CHECK_OK(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x71, 0x72, BH_ROOT_CNODE, p, 64));
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, p, 64));
    return 0;
}

static int io_port_widths(struct env *env)
{
    /* 0x80..0x83: the POST-code ports, harmless to write. */
    bh_cptr_t p = new_slot(env);
    bh_word_t v = 0;
    CHECK_OK(bh_io_port_control_issue(BH_ROOT_IO_PORT_CONTROL, 0x80, 0x83, BH_ROOT_CNODE, p, 64));
    CHECK_OK(bh_io_port_out8(p, 0x83, 0x12));
    CHECK_OK(bh_io_port_out16(p, 0x82, 0x1234));
    CHECK_OK(bh_io_port_out32(p, 0x80, 0x12345678));
    CHECK_OK(bh_io_port_in16(p, 0x82, &v));
    CHECK_OK(bh_io_port_in32(p, 0x80, &v));
    CHECK_ERR(bh_io_port_out16(p, 0x83, 1), BH_ERR_RANGE);
    CHECK_ERR(bh_io_port_out32(p, 0x81, 1), BH_ERR_RANGE);
    CHECK_ERR(bh_io_port_in32(p, 0x7f, &v), BH_ERR_RANGE);
    CHECK(bh_get_mr(0) == 0x80 && bh_get_mr(1) == 0x83); /* the allowed range */
    /* Ports near the top of the word must not wrap around into the range. */
    CHECK_ERR(bh_io_port_in16(p, ~0ull, &v), BH_ERR_RANGE);
    CHECK_ERR(bh_io_port_in32(p, ~0ull - 1, &v), BH_ERR_RANGE);
    CHECK_ERR(bh_io_port_out8(p, 0x10080, 1), BH_ERR_RANGE);
    bh_set_mr(0, 0x80);
    CHECK(bh_msginfo_label(raw_call(p, BH_INV_IO_PORT_OUT8, 1, 0)) == BH_ERR_TRUNCATED_MESSAGE);
    CHECK_OK(bh_cnode_delete(BH_ROOT_CNODE, p, 64));
    return 0;
}

const struct test tests_irq[] = {
    {"io_port_access_widths", io_port_widths},
    {"irq_pit_interrupt_to_notification", pit_interrupt},
    {"irq_control_and_handler_errors", irq_errors},
    {"io_port_ranges_and_errors", io_port_errors},
    {0, 0},
};
