/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The guest of the vmm_hypercall fuzzer. One kind byte picks what a vCPU does next:
 *   exits: VMMCALL (rax and the argument registers of the current mode), CPUID, RDMSR or
 *     WRMSR, port I/O (plain or string, any size and address size), HLT, an interrupted run
 *     (with an event being delivered or not), another exit reason (most end the VM)
 *   between exits: a write to guest memory, a change of mode, time passing, the console server
 *     (typing into the input ring, or taking the output ring, and its signal), the creator's
 *     signal on the event line
 * Argument words favour what reaches deep: small numbers, pointers to one of 256 64-byte
 * slots of guest memory at 0x21000 (which memory writes fill), through the identity map or its alias in
 * the upper half, or near the top of RAM; full words and edge values too.
 * Modes: long mode with the page tables guest_setup writes (CPL 0 or 3), compatibility mode,
 * long mode with a random CR3, 32-bit protected mode without paging, real mode.
 */
#include <string.h>
#include <bulkhead/console_ring.h>
#include "guest.h"

#define PT_GPA 0x10000ull           /* PML4, PDPT, PD, PT */
#define SLOTS_GPA 0x21000ull           /* writable pages (the 16th ones are read-only) */
#define SLOT_SIZE 64u
#define ALIAS 0xffff800000000000ull  /* PML4[256]: the same tables */
#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_U 4ull
#define PTE_PS 0x80ull
#define CR0_PE 1ull
#define CR0_ET 0x10ull
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define EFER_LONG 0xd01ull          /* SCE, LME, LMA, NXE */
#define CS64 0xa9bu
#define CS32 0xc9bu
#define CS16 0x9bu
#define DATA32 0xc93u
#define DATA16 0x93u
#define DPL3 0x60u
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)

static const uint8_t *in_p;
static size_t in_n;
static struct vm *the_vm;
static unsigned peer_reply(bh_word_t label, bh_word_t a0, bh_word_t a1);
struct guest_last guest_last[VMM_MAX_VCPUS];

void in_start(const uint8_t *data, size_t size)
{
    in_p = data;
    in_n = size;
}

bool in_empty(void)
{
    return in_n == 0;
}

uint8_t in_byte(void)
{
    if (in_n == 0) return 0;
    in_n--;
    return *in_p++;
}

uint64_t in_bytes(unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v |= (uint64_t)in_byte() << (8 * i);
    return v;
}

static void put64(uint64_t gpa, uint64_t value)
{
    memcpy(the_vm->ram + gpa, &value, 8);
}

/* Identity map of the first GiB (4 KiB pages in the first 2 MiB: every 16th read-only,
 * every 64th absent; 2 MiB pages above, beyond RAM too), and its alias at ALIAS. */
void guest_setup(struct vm *vm)
{
    the_vm = vm;
    fake_peer_reply = peer_reply;
    put64(PT_GPA, (PT_GPA + 0x1000) | PTE_P | PTE_W | PTE_U);
    put64(PT_GPA + 256 * 8, (PT_GPA + 0x1000) | PTE_P | PTE_W);
    put64(PT_GPA + 0x1000, (PT_GPA + 0x2000) | PTE_P | PTE_W | PTE_U);
    put64(PT_GPA + 0x2000, (PT_GPA + 0x3000) | PTE_P | PTE_W | PTE_U);
    for (uint64_t i = 1; i < 512; i++) put64(PT_GPA + 0x2000 + i * 8, (i << 21) | PTE_P | PTE_W | PTE_U | PTE_PS);
    for (uint64_t j = 0; j < 512; j++) {
        uint64_t pte = (j << 12) | PTE_P | PTE_U | (j % 16 ? PTE_W : 0);
        put64(PT_GPA + 0x3000 + j * 8, j % 64 == 63 ? 0 : pte);
    }
    memset(guest_last, 0, sizeof guest_last);
}

void guest_mode(unsigned id, unsigned preset, uint8_t flags)
{
    bh_word_t *r = fake.vcpu[id].reg;
    unsigned cs = CS64, ss = DATA32;
    r[BH_VCPU_CR0] = CR0_PE | CR0_ET | CR0_WP | CR0_PG;
    r[BH_VCPU_CR3] = PT_GPA;
    r[BH_VCPU_CR4] = 0x20;                        /* PAE */
    r[BH_VCPU_EFER] = EFER_LONG;
    switch (preset % 6) {
    case 0: break;
    case 1: ss |= DPL3; break;
    case 2: cs = CS32; break;                     /* compatibility mode */
    case 3: r[BH_VCPU_CR3] = in_bytes(8); break;
    case 4:
        cs = CS32;
        r[BH_VCPU_CR0] = CR0_PE | CR0_ET;
        r[BH_VCPU_CR4] = r[BH_VCPU_EFER] = 0;
        break;
    default:
        cs = CS16;
        ss = DATA16;
        r[BH_VCPU_CR0] = CR0_ET;
        r[BH_VCPU_CR4] = r[BH_VCPU_EFER] = 0;
    }
    r[BH_VCPU_CS] = BH_VCPU_SEG(0x10, cs, 0xffffffffu);
    r[BH_VCPU_SS] = BH_VCPU_SEG(0x18, ss, 0xffffffffu);
    r[BH_VCPU_ES] = r[BH_VCPU_DS] = BH_VCPU_SEG(0x18, DATA32, 0xffffffffu);
    r[BH_VCPU_ES + 1] = flags & 4 ? in_bytes(4) : 0;  /* a segment base for string I/O */
    r[BH_VCPU_RFLAGS] = 2 | (flags & 1 ? RFLAGS_IF : 0) | (flags & 2 ? RFLAGS_DF : 0);
}

static bh_word_t mode_word(const bh_word_t *r)
{
    uint64_t cs_attr = (r[BH_VCPU_CS] >> 16) & 0xffff, ss_attr = (r[BH_VCPU_SS] >> 16) & 0xffff;
    return ((ss_attr >> 5) & 3) | (r[BH_VCPU_EFER] & (1u << 10) ? BH_VM_MODE_LMA : 0) |
           (cs_attr & (1u << 9) ? BH_VM_MODE_CS_L : 0) | (r[BH_VCPU_CR0] & CR0_PG ? BH_VM_MODE_PG : 0);
}

static uint64_t word(void)
{
    static const uint64_t edges[] = {0, ~0ull, 1ull << 63, (1ull << 63) - 1, 0xffffffffull, 1ull << 32,
                                     DOMID_SELF, 0x7fffffffffffffffull - 1, 4096, 0xfffffffffffff000ull};
    uint8_t t = in_byte();
    switch (t & 3) {
    case 0: return in_byte();
    case 1: {
        uint64_t gva = SLOTS_GPA + (uint64_t)in_byte() * SLOT_SIZE + ((t >> 2) & 7u) * 8;
        if (t & 0x20) gva = the_vm->ram_size - SLOT_SIZE + ((t >> 2) & 7u) * 8;   /* straddles the end */
        if (t & 0x40) gva |= ALIAS;
        if (t & 0x80) gva += 0x3fe000;            /* a 4 KiB page boundary elsewhere */
        return gva;
    }
    case 2: return in_bytes(8);
    default: return edges[(t >> 2) % (sizeof edges / sizeof edges[0])];
    }
}

static void poke(void)
{
    uint8_t how = in_byte();
    unsigned len = in_byte() % (SLOT_SIZE + 1);
    uint64_t gpa = how & 1 ? in_bytes(3) % the_vm->ram_size : SLOTS_GPA + (uint64_t)in_byte() * SLOT_SIZE;
    if (gpa + len > the_vm->ram_size) len = (unsigned)(the_vm->ram_size - gpa);
    for (unsigned i = 0; i < len; i++) the_vm->ram[gpa + i] = how & 2 ? (uint8_t)word() : in_byte();
}

/* The console server: typing into the channel's input ring, or taking the VMM's output,
 * which must come in whole lines no longer than BH_CONSOLE_LINE_MAX; then its signal. */
static void console_server(void)
{
    uint8_t buf[BH_CONSOLE_LINE_MAX + 1];
    if (in_byte() & 1) {
        unsigned n = in_byte() % 32;
        for (unsigned i = 0; i < n; i++) buf[i] = in_byte();
        if (the_vm->params->console_vaddr) (void)bh_byte_ring_put(bh_console_input_ring(FAKE_CONSOLE_PAGE), buf, n);
    } else if (the_vm->params->console_vaddr) {
        struct bh_byte_ring *out = bh_console_output_ring(FAKE_CONSOLE_PAGE);
        uint32_t n;
        while ((n = bh_byte_ring_peek(out, buf, sizeof buf)) != 0) {
            uint32_t k = 0;
            while (k < n && buf[k] != '\n') k++;
            require(k < n);
            bh_byte_ring_consume(out, k + 1);
        }
    }
    fake_signal(0, 1);
}

/* The peer VMM: its answer to a request (any errno the protocol allows), and what it writes
 * into this VMM's half of the ring: any bits, any summary, sometimes its end; then its signal. */
static unsigned peer_reply(bh_word_t label, bh_word_t a0, bh_word_t a1)
{
    static const unsigned answers[4] = {0, XEN_EINVAL, XEN_ESRCH, XEN_ENOSYS};
    require(label == PEER_REQ_BIND || label == PEER_REQ_CLOSE);
    require(a0 >= 1 && a0 < PEER_PORTS && a1 >= 1 && a1 < PEER_PORTS);
    return answers[in_byte() & 3];
}

static void peer_writes(void)
{
    const struct vmm_params *p = the_vm->params;
    if (!p->peer_count) return;
    struct peer_half *h = &((struct peer_ring *)(uintptr_t)FAKE_PEER_RING)->half[p->peer[0].side];
    unsigned n = in_byte() % 8;
    for (unsigned i = 0; i < n; i++) {
        unsigned w = in_byte() % PEER_PORT_WORDS;
        h->pending[w] = in_bytes(8);
    }
    h->summary = in_bytes(8);
    if (in_byte() == 0xff) h->gone = 1;
    fake_signal(0, 1);
}

static void time_passes(uint8_t b)
{
    fake.counter += (uint64_t)(b & 0x3f) << ((b >> 6) * 7);
}

static uint32_t msr_number(void)
{
    static const uint32_t msrs[] = {0x1b, 0x10, 0x277, 0xc0000080u, 0x40000000u, 0x830, 0x83f, 0x80b, 0x808};
    uint8_t b = in_byte();
    if (b < 0x80) return 0x800u + b;              /* the x2APIC range */
    if (b < 0xf0) return msrs[b % (sizeof msrs / sizeof msrs[0])];
    return (uint32_t)in_bytes(4);
}

static uint32_t cpuid_leaf(void)
{
    static const uint32_t leaves[] = {0, 1, 6, 7, 0xd, 0x80000000u, 0x80000001u, 0x80000008u, 0x8000000au,
                                      0x40000000u, 0x40000001u, 0x40000002u, 0x40000003u, 0x40000004u, 0x4fffffffu};
    uint8_t b = in_byte();
    return b < 0xf0 ? leaves[b % (sizeof leaves / sizeof leaves[0])] : (uint32_t)in_bytes(4);
}

static uint16_t io_port(void)
{
    static const uint16_t ports[] = {0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x40, 0x42, 0x43, 0x61,
                                     0x500, 0x504, 0x508, 0x520, 0x521, 0x70, 0xcf8};
    uint8_t b = in_byte();
    return b < 0xf0 ? ports[b % (sizeof ports / sizeof ports[0])] : (uint16_t)in_bytes(2);
}

/* IOIO's EXITINFO1: direction, string, rep, one-hot size (or not), address size, segment. */
static uint64_t io_info(uint16_t port)
{
    static const uint8_t sizes[] = {1, 2, 4, 1, 2, 4, 3, 0};
    static const uint8_t asizes[] = {1, 2, 4, 4, 2, 1, 0, 7};
    uint8_t a = in_byte(), b = in_byte();
    return (uint64_t)port << 16 | (a & 0xdu) | (uint64_t)sizes[(a >> 4) & 7] << 4 |
           (uint64_t)asizes[b & 7] << 7 | (uint64_t)((b >> 3) & 7) << 10;
}

static uint64_t intinfo(void)
{
    uint8_t b = in_byte();
    switch (b & 7) {
    case 1: return BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_INTR | (32u + (b >> 3));
    case 2: return BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_NMI | 2u;
    case 3: return BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXCEPTION | 14u | BH_VCPU_EVENT_ERROR_VALID | (uint64_t)b << 32;
    case 4: return BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_EXCEPTION | (b >> 3 == 2 ? 3u : b >> 3);
    case 5: return BH_VCPU_EVENT_VALID | BH_VCPU_EVENT_SOFT_INT | (uint64_t)(b | 0x80u);
    default: return 0;
    }
}

static uint32_t other_reason(void)
{
    /* NPF: an access to nothing (unbacked.c), its instruction decoded from guest memory. */
    static const uint32_t reasons[] = {BH_VM_EXIT_SHUTDOWN, BH_VM_EXIT_NPF, BH_VM_EXIT_INVALID, 0x82, 0x83, 0x7a, 0x8a,
                                       0x8b, 0x8c, BH_VM_EXIT_XSETBV, BH_VM_EXIT_VMRUN, 0x86, 0x4e, 0x10045,
                                       /* always intercepted: MOV to CR4 (decoded from guest memory),
                                        * INVD, WBINVD, #DB, #AC, INT1 */
                                       BH_VM_EXIT_WRITE_CR4, BH_VM_EXIT_INVD, BH_VM_EXIT_WBINVD,
                                       BH_VM_EXIT_EXCEPTION(1), BH_VM_EXIT_EXCEPTION(17), 0x88};
    uint8_t b = in_byte();
    return b < 0xf0 ? reasons[b % (sizeof reasons / sizeof reasons[0])] : (uint32_t)in_bytes(4);
}

/* The exit summary the kernel returns: MR0..MR5 and rax rbx rcx rdx rsi rdi r8 r10, the mode. */
static void summary(unsigned id, bh_word_t *mr, uint64_t reason, uint64_t info1, uint64_t info2, uint64_t intinfo_word)
{
    static const unsigned regs[BH_VM_SUMMARY_REGS_COUNT] = BH_VM_SUMMARY_REGS;
    const bh_word_t *r = fake.vcpu[id].reg;
    mr[BH_VM_MR_REASON] = reason;
    mr[BH_VM_MR_INFO1] = info1;
    mr[BH_VM_MR_INFO2] = info2;
    mr[BH_VM_MR_RIP] = r[BH_VCPU_RIP];
    mr[BH_VM_MR_NEXT_RIP] = 0;                    /* as under TCG */
    mr[BH_VM_MR_INTINFO] = intinfo_word;
    for (unsigned i = 0; i < BH_VM_SUMMARY_REGS_COUNT; i++) mr[BH_VM_MR_SUMMARY + i] = r[regs[i]];
    mr[BH_VM_MR_MODE] = mode_word(r);
}

void guest_interrupted(unsigned id, bh_word_t *mr)
{
    summary(id, mr, BH_VM_EXIT_INTERRUPTED, 0, 0, 0);
    guest_last[id] = (struct guest_last){.kind = EXIT_INTERRUPTED, .rip = fake.vcpu[id].reg[BH_VCPU_RIP]};
}

static void hypercall_registers(bh_word_t *r)
{
    uint8_t b = in_byte();
    r[BH_VCPU_RAX] = b < 0xf0 ? b % 40u : in_bytes(8);
    if (mode_word(r) & BH_VM_MODE_LMA && mode_word(r) & BH_VM_MODE_CS_L) {
        r[BH_VCPU_RDI] = word();
        r[BH_VCPU_RSI] = word();
        r[BH_VCPU_RDX] = word();
        r[BH_VCPU_R8 + 2] = word();
        r[BH_VCPU_R8] = word();
    } else {
        r[BH_VCPU_RBX] = word();
        r[BH_VCPU_RCX] = word();
        r[BH_VCPU_RDX] = word();
        r[BH_VCPU_RSI] = word();
        r[BH_VCPU_RDI] = word();
    }
}

void guest_exit(unsigned id, bh_word_t *mr)
{
    bh_word_t *r = fake.vcpu[id].reg;
    uint64_t rip = r[BH_VCPU_RIP];
    for (;;) {
        uint8_t k = in_byte();
        time_passes(in_byte());
        struct guest_last *last = &guest_last[id];
        *last = (struct guest_last){.kind = EXIT_OTHER, .rip = rip};
        switch (k % 20) {
        case 0: case 1: case 2: case 3: case 4: case 19:
            hypercall_registers(r);
            last->kind = EXIT_VMMCALL;
            summary(id, mr, BH_VM_EXIT_VMMCALL, 0, 0, 0);
            return;
        case 5:
            r[BH_VCPU_RAX] = cpuid_leaf();
            r[BH_VCPU_RCX] = in_byte();
            last->kind = EXIT_CPUID;
            summary(id, mr, BH_VM_EXIT_CPUID, 0, 0, 0);
            return;
        case 6: case 7:
            r[BH_VCPU_RCX] = msr_number();
            r[BH_VCPU_RAX] = word();
            r[BH_VCPU_RDX] = word();
            last->kind = EXIT_MSR;
            summary(id, mr, BH_VM_EXIT_MSR, k & 1, 0, 0);
            return;
        case 8: case 9: {
            uint64_t info = io_info(io_port());
            r[BH_VCPU_RAX] = word();
            if (info & 4) {
                uint8_t c = in_byte();
                r[BH_VCPU_RCX] = c & 0x80 ? word() : c;
                r[BH_VCPU_RSI] = word();
                r[BH_VCPU_RDI] = word();
            }
            last->kind = EXIT_IOIO;
            last->next = rip + 1 + in_byte() % 15;
            summary(id, mr, BH_VM_EXIT_IOIO, info, last->next, 0);
            return;
        }
        case 10:
            last->kind = EXIT_HLT;
            summary(id, mr, BH_VM_EXIT_HLT, 0, 0, 0);
            return;
        case 11:
            last->kind = EXIT_INTERRUPTED;
            summary(id, mr, BH_VM_EXIT_INTERRUPTED, 0, 0, intinfo());
            return;
        case 12: {
            uint32_t reason = other_reason();
            summary(id, mr, reason, in_bytes(2), word(), intinfo());
            return;
        }
        case 13: case 14: poke(); break;
        case 15: { uint8_t p = in_byte(); guest_mode(id, p, in_byte()); break; }
        case 16: fake.counter += in_bytes(8) >> (in_byte() & 63); break;
        case 17: console_server(); break;
        case 18: peer_writes(); break;
        default: fake_signal(0, 2); break;         /* the creator's signal on the event line */
        }
        if (in_empty()) sched_stop();
    }
}
