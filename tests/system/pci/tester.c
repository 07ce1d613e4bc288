/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PCI manager's clients in its test system (tests/system/pci/pci.bh, tests/suites/pci.sh),
 * compiled once per instance against that instance's glue. The tester is given QEMU's edu at
 * 00:05.0 and checks the manager's mediation on real (emulated) hardware: its own function
 * read, others refused, a BAR rewrite refused with the BAR unchanged, the command filter, the
 * shape checks, edu's MSI fields writable and its read-only registers not, its IOSpace bound, then 20,000 random hostile requests after which edu's
 * identity, BAR and INTx-disable bit are what they were, and a release that stops edu. The
 * neighbour is given nothing: every request of it is refused, typed or raw (any label, length
 * and words), before, during and after the tester's storm, and the manager keeps answering.
 */
#include <bulkhead/invocations.h>
#include <bulkhead/runtime.h>
#include "glue.h"

#define EDU 0x28u /* 00:05.0 */
#define EDU_ID 0x11e81234u
#define ERR_NOT_YOURS 3
#define ERR_SIZE 4
#define ERR_ALIGNMENT 5
#define ERR_OFFSET 6
#define ERR_BAR 7
#define ERR_COMMAND 8
#define ERR_READ_ONLY 10
#define ERR_INDEX 13
#define MEMORY 0x2u
#define MASTER 0x4u
#define INTX_DISABLE 0x400u
#define STORM 20000u

static unsigned failures;

static void verdict(bool ok, const char *what, const char *detail)
{
    if (!ok) failures++;
    bh_printf("%s pci.edu_%s%s%s\n", ok ? "PASS" : "FAIL", what, ok ? "" : ": ", ok ? "" : detail);
}

static uint32_t rd(uint32_t fn, uint32_t off, uint32_t size, int *err)
{
    uint32_t v = 0xdeadbeefu;
    *err = pci_read(fn, off, size, &v);
    return v;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_random(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

#ifdef HW_edu_IOSPACE_CPTR
static void storm(uint32_t bar0)
{
    static const uint32_t functions[] = {EDU, EDU, EDU, 0x0u, 0x8u, 0xf8u, 0xfau, 0x100u};
    unsigned accepted = 0;
    for (unsigned i = 0; i < STORM; i++) {
        uint32_t r = next_random(), fn = functions[r & 7u];
        if ((r & 0xf00u) == 0) fn = next_random();             /* any number at all */
        uint32_t off = next_random() % 300u, size = next_random() % 8u, value = next_random();
        uint32_t op = (r >> 3) % 16u;
        if (op < 7) accepted += pci_read(fn, off, size, &value) == 0;
        else if (op < 15) accepted += pci_write(fn, off, size, value) == 0;
        else accepted += pci_release(fn) == 0;
    }
    int e1, e2, e3;
    uint32_t id = rd(EDU, 0, 4, &e1), bar = rd(EDU, 0x10, 4, &e2), command = rd(EDU, 4, 2, &e3);
    bh_printf("[tester] storm: %u requests, %u accepted; edu %08x BAR0 %08x command %04x\n", STORM, accepted,
              (unsigned)id, (unsigned)bar, (unsigned)command);
    verdict(!e1 && !e2 && !e3 && id == EDU_ID && bar == bar0 && (command & INTX_DISABLE),
            "hostile_requests_leave_edu_intact", "edu's ID, BAR0 or INTx-disable bit changed, or the manager stopped answering");
}

/* edu's MSI capability through the manager: its message fields take a write and read it back;
 * its ID and the device's own registers do not (error 10). */
static void msi_fields(void)
{
    int err;
    uint32_t cap = rd(EDU, 0x34, 1, &err), id = err ? 0 : rd(EDU, cap, 1, &err);
    bool ok = !err && id == 0x05;
    ok = ok && pci_write(EDU, cap + 4, 4, 0xfee01000u) == 0 && rd(EDU, cap + 4, 4, &err) == 0xfee01000u;
    uint32_t flags = rd(EDU, cap + 2, 2, &err), data = (flags & 0x80u) ? cap + 12 : cap + 8;
    ok = ok && pci_write(EDU, data, 2, 0x0041) == 0 && rd(EDU, data, 2, &err) == 0x0041;
    ok = ok && pci_write(EDU, cap, 1, 0x11) == ERR_READ_ONLY && rd(EDU, cap, 1, &err) == 0x05;
    ok = ok && pci_write(EDU, 0, 4, 0) == ERR_READ_ONLY && rd(EDU, 0, 4, &err) == EDU_ID;
    ok = ok && pci_write(EDU, 0x3d, 1, 1) == ERR_READ_ONLY;
    verdict(ok, "msi_fields_through_manager", "edu's MSI message did not take a write, or a read-only register did");
    (void)pci_write(EDU, cap + 4, 4, 0);
    (void)pci_write(EDU, data, 2, 0);
}

int main(void)
{
    int err, err2;
    uint32_t id = rd(EDU, 0, 4, &err);
    verdict(!err && id == EDU_ID, "client_reads_its_function", "edu's ID did not read 1234:11e8 through the manager");
    rd(0x0u, 0, 4, &err);
    rd(0xf8u, 0, 4, &err2);
    verdict(err == ERR_NOT_YOURS && err2 == ERR_NOT_YOURS && pci_write(0x0u, 4, 2, 0) == ERR_NOT_YOURS,
            "other_functions_refused", "the host bridge or the LPC bridge was reachable");
    uint32_t bar0 = rd(EDU, 0x10, 4, &err);
    int bar_err = pci_write(EDU, 0x10, 4, 0xffffffffu), rom_err = pci_write(EDU, 0x30, 4, 0xffffffffu);
    verdict(!err && bar0 && bar_err == ERR_BAR && rom_err == ERR_BAR && rd(EDU, 0x10, 4, &err) == bar0,
            "bar_rewrite_refused", "a BAR write was not refused with error 7, or BAR0 changed");
    bh_printf("[tester] edu BAR0 0x%08x\n", (unsigned)bar0);
    int on = pci_write(EDU, 4, 2, MEMORY | MASTER);
    uint32_t command = rd(EDU, 4, 2, &err);
    int io = pci_write(EDU, 4, 2, MEMORY | MASTER | 1u), serr = pci_write(EDU, 5, 1, 0x01);
    int high = pci_write(EDU, 5, 1, 0);
    uint32_t after = rd(EDU, 4, 2, &err2);
    bh_printf("[tester] command: set %d, reads %04x; with I/O: %d; SERR: %d; INTx enable: %d, then reads %04x\n", on,
              (unsigned)command, io, serr, high, (unsigned)after);
    verdict(on == 0 && !err && command == (MEMORY | MASTER | INTX_DISABLE) && io == ERR_COMMAND && serr == ERR_COMMAND &&
                high == 0 && !err2 && after == command,
            "command_filtered", "bus master and memory not set with INTx disabled, or I/O or SERR not refused");
    verdict(pci_read(EDU, 0, 3, &id) == ERR_SIZE && pci_read(EDU, 2, 4, &id) == ERR_ALIGNMENT &&
                pci_read(EDU, 256, 1, &id) == ERR_OFFSET && pci_write(EDU, 0xfffffffcu, 4, 0) == ERR_OFFSET,
            "shapes_refused", "a bad size, alignment or offset was not refused with its own error");
    msi_fields();
    uint64_t bar_size = 0, none = 1, past = 1;
    uint32_t flags = 0xff, none_flags = 0xff;
    int bar_ok = pci_bar(EDU, 0, &flags, &bar_size), none_ok = pci_bar(EDU, 1, &none_flags, &none);
    bh_printf("[tester] edu BAR0: %lu KiB, flags %x\n", (unsigned long)(bar_size >> 10), (unsigned)flags);
    verdict(bar_ok == 0 && bar_size == (1u << 20) && flags == 0 && none_ok == 0 && none == 0 &&
                pci_bar(EDU, 6, &flags, &past) == ERR_INDEX && pci_bar(0x0u, 0, &flags, &past) == ERR_NOT_YOURS &&
                rd(EDU, 0x10, 4, &err) == bar0,
            "bar_sized_by_manager", "edu's BAR0 is not 1 MiB of 32-bit memory by the manager, or BAR1 is not absent");
    bh_word_t pending = 1, source, address, kind, lost;
    verdict(bh_io_space_read_fault(HW_edu_IOSPACE_CPTR, &pending, &source, &address, &kind, &lost) == BH_ERR_OK &&
                pending == 0,
            "iospace_given", "the tester holds no usable IOSpace for edu");
    storm(bar0);
    (void)pci_write(EDU, 4, 2, MEMORY | MASTER);
    int released = pci_release(EDU);
    command = rd(EDU, 4, 2, &err);
    verdict(released == 0 && !err && command == INTX_DISABLE, "release_stops_the_function",
            "after release edu still decodes memory or masters the bus");
    bh_printf("[tester] pci tests done, %u failed\n", failures);
    return 0;
}
#else
int main(void)
{
    int err, err2, err3;
    rd(EDU, 0, 4, &err);
    verdict(err == ERR_NOT_YOURS && pci_write(EDU, 4, 2, MASTER) == ERR_NOT_YOURS && pci_release(EDU) == ERR_NOT_YOURS,
            "neighbour_reaches_nothing", "the neighbour reached edu");
    /* Meanwhile the tester's storm: every answer stays a refusal, and answers keep coming. */
    unsigned refused = 0;
    for (unsigned i = 0; i < STORM; i++) {
        rd(next_random() & 0xffffu, next_random() % 256u, 4, &err);
        refused += err == ERR_NOT_YOURS;
    }
    /* Raw messages: any label, length and words (high bits included); none may succeed. */
    unsigned raw_refused = 0;
    for (unsigned i = 0; i < STORM / 4; i++) {
        unsigned length = next_random() % 7u;
        for (unsigned k = 0; k < length; k++) bh_set_mr(k, (bh_word_t)next_random() << 32 | next_random());
        if (next_random() & 1) bh_set_mr(0, EDU | (bh_word_t)next_random() << 32);
        bh_msginfo_t answer = bh_call(CONN_pci_CPTR, bh_msginfo(next_random() % 8u, 0, 0, length));
        raw_refused += bh_msginfo_label(answer) != 0;
    }
    rd(EDU, 0, 4, &err2);
    rd(0x0u, 0, 4, &err3);
    bh_printf("[neighbour] %u typed requests refused of %u, %u raw messages refused of %u\n", refused, STORM,
              raw_refused, STORM / 4);
    verdict(refused == STORM && raw_refused == STORM / 4 && err2 == ERR_NOT_YOURS && err3 == ERR_NOT_YOURS,
            "neighbour_refused_throughout", "a request of the neighbour's was answered otherwise than refused");
    bh_printf("[neighbour] pci tests done, %u failed\n", failures);
    return 0;
}
#endif
