/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A fake platform for the host unit tests: implements kernel/platform.h with plain data
 * structures. Kernel exits longjmp back into fake_enter(); page tables are a small table of
 * (root, address) entries; interrupts are whatever the test says.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include "fake.h"

static jmp_buf *exit_jmp;
struct tcb *fake_user_thread;
bool fake_irq_pending;
word_t fake_irq_polls;
bool fake_irq_masked[IRQ_LINES];
word_t fake_irq_acks;
char fake_console[8192];
word_t fake_console_len;
word_t fake_switches;
struct tcb *fake_switched_to;
void *fake_switched_root;
word_t fake_tls_base;
word_t fake_tlb_flushes;
word_t fake_partition_switches;
word_t fake_io_last_port, fake_io_last_value;
unsigned fake_io_last_bytes;

enum fake_exit fake_enter(void (*entry)(word_t), word_t arg)
{
    jmp_buf jb;
    jmp_buf *saved = exit_jmp;
    exit_jmp = &jb;
    int k = setjmp(jb);
    if (k == 0) {
        entry(arg);
        k = FAKE_RETURNED;
    }
    exit_jmp = saved;
    return (enum fake_exit)k;
}

static NORETURN void leave(enum fake_exit how)
{
    if (!exit_jmp) abort();
    longjmp(*exit_jmp, (int)how);
}

void fake_console_clear(void)
{
    fake_console_len = 0;
    fake_console[0] = 0;
}

void plat_console_putc(char c)
{
    if (fake_console_len + 1 < sizeof fake_console) {
        fake_console[fake_console_len++] = c;
        fake_console[fake_console_len] = 0;
    }
}

void plat_context_init(struct user_context *ctx, struct fpu_state *fpu)
{
    memset(ctx, 0, sizeof *ctx);
    memset(fpu, 0, sizeof *fpu);
}

void plat_context_sanitise(struct user_context *ctx) { ctx->flags &= FLAGS_USER_MASK; }
void plat_set_tls_base(word_t base) { fake_tls_base = base; }

void plat_thread_finalise(struct tcb *t)
{
    (void)t;
}

void plat_switch_to(struct tcb *from, struct tcb *to, void *vspace_root)
{
    (void)from;
    fake_switches++;
    fake_switched_to = to;
    fake_switched_root = vspace_root;
}

void plat_return_to_user(struct tcb *t)
{
    fake_user_thread = t;
    leave(FAKE_TO_USER);
}

void plat_idle(void)
{
    fake_user_thread = NULL;
    leave(FAKE_IDLE);
}

void plat_halt(void) { leave(FAKE_HALT); }
bool plat_user_address_ok(word_t addr) { return addr < USER_TOP; }

/* ---- software page tables ---- */
enum { PT_FREE, PT_TABLE1, PT_TABLE2, PT_FRAME };
struct pt_entry {
    void *root;
    vaddr_t vaddr;
    paddr_t pa;
    unsigned kind, bits;
    word_t rights;
};
static struct pt_entry pt[4096];
static char kernel_vspace[4096];

static unsigned kind_bits(unsigned kind) { return kind == PT_TABLE1 ? 30u : 21u; }

static struct pt_entry *pt_find(void *root, unsigned kind, vaddr_t vaddr)
{
    for (size_t i = 0; i < ARRAY_SIZE(pt); i++) {
        struct pt_entry *e = &pt[i];
        if (e->kind != kind || e->root != root) continue;
        unsigned bits = kind == PT_FRAME ? e->bits : kind_bits(kind);
        if ((vaddr & ~MASK(bits)) == e->vaddr) return e;
    }
    return NULL;
}

static struct pt_entry *pt_add(void *root, unsigned kind, vaddr_t vaddr, paddr_t pa)
{
    for (size_t i = 0; i < ARRAY_SIZE(pt); i++) {
        if (pt[i].kind != PT_FREE) continue;
        pt[i] = (struct pt_entry){root, vaddr, pa, kind, 0, 0};
        return &pt[i];
    }
    abort();
}

void plat_vspace_init(void *vspace_root)
{
    for (size_t i = 0; i < ARRAY_SIZE(pt); i++)
        if (pt[i].root == vspace_root) pt[i].kind = PT_FREE;
}

int plat_map_frame(void *root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    (void)attributes;
    if (!pt_find(root, PT_TABLE1, vaddr)) return 1;
    if (size_bits < LARGE_PAGE_BITS && !pt_find(root, PT_TABLE2, vaddr)) return 2;
    if (pt_find(root, PT_FRAME, vaddr) || pt_find(root, PT_FRAME, vaddr + BIT(size_bits) - 1)) return -1;
    struct pt_entry *e = pt_add(root, PT_FRAME, vaddr, paddr);
    e->bits = size_bits;
    e->rights = rights;
    return 0;
}

void plat_unmap_frame(void *root, vaddr_t vaddr, paddr_t paddr, unsigned size_bits)
{
    struct pt_entry *e = pt_find(root, PT_FRAME, vaddr);
    if (e && e->pa == paddr && e->bits == size_bits) e->kind = PT_FREE;
}

int plat_frame_slot(void *root, vaddr_t vaddr, unsigned size_bits, paddr_t *mapped, struct frame_slot *slot)
{
    *mapped = ~(paddr_t)0;
    if (!pt_find(root, PT_TABLE1, vaddr)) return 1;
    if (size_bits < LARGE_PAGE_BITS && !pt_find(root, PT_TABLE2, vaddr)) return 2;
    *slot = (struct frame_slot){root, vaddr};
    struct pt_entry *e = pt_find(root, PT_FRAME, vaddr);
    if (e && e->bits == size_bits) *mapped = e->pa;
    if (e || pt_find(root, PT_FRAME, vaddr + BIT(size_bits) - 1)) return -1;
    return 0;
}

void plat_map_frame_at(const struct frame_slot *slot, paddr_t paddr, unsigned size_bits, word_t rights, word_t attributes)
{
    (void)attributes;
    struct pt_entry *e = pt_find(slot->root, PT_FRAME, slot->vaddr); /* a remap: the same frame */
    if (!e) e = pt_add(slot->root, PT_FRAME, slot->vaddr, paddr);
    e->bits = size_bits;
    e->rights = rights;
}

int plat_table_slot(void *root, vaddr_t vaddr)
{
    if (!pt_find(root, PT_TABLE1, vaddr)) return 1;
    if (!pt_find(root, PT_TABLE2, vaddr)) return 2;
    return -1;
}

int plat_map_table(void *root, vaddr_t vaddr, paddr_t table)
{
    for (unsigned level = 1; level <= 2; level++) {
        unsigned kind = level == 1 ? PT_TABLE1 : PT_TABLE2;
        if (pt_find(root, kind, vaddr)) continue;
        pt_add(root, kind, vaddr & ~MASK(kind_bits(kind)), table);
        return (int)level;
    }
    return -1;
}

void plat_unmap_table(void *root, vaddr_t vaddr, unsigned level, paddr_t table)
{
    struct pt_entry *e = pt_find(root, level == 1 ? PT_TABLE1 : PT_TABLE2, vaddr);
    if (e && e->pa == table) e->kind = PT_FREE;
}

void *plat_kernel_vspace(void) { return kernel_vspace; }
void plat_tlb_flush(void *vspace_root)
{
    (void)vspace_root;
    fake_tlb_flushes++;
}

/* ---- the IOMMU: the same software tables (IOSpace roots are distinct pointers), a binding
 * per function, and the domains invalidated ---- */
bool fake_iommu = true;
word_t fake_iommu_binding[IOMMU_BUSES << 8]; /* domain + 1, 0 = unbound */
void *fake_iommu_root[IOMMU_BUSES << 8];
word_t fake_iommu_flushes;

bool plat_iommu_present(void) { return fake_iommu; }
word_t plat_iommu_top(void) { return BIT(39); }
bool plat_iommu_large_pages(void) { return true; }
int plat_iommu_frame_slot(void *root, word_t iova, unsigned size_bits, paddr_t *mapped)
{
    struct frame_slot slot;
    return plat_frame_slot(root, iova, size_bits, mapped, &slot);
}
int plat_iommu_table_slot(void *root, word_t iova) { return plat_table_slot(root, iova); }
void plat_iommu_map_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits, word_t rights)
{
    if (plat_map_frame(root, iova, paddr, size_bits, rights, 0) != 0) abort();
}
int plat_iommu_map_table(void *root, word_t iova, paddr_t table) { return plat_map_table(root, iova, table); }
void plat_iommu_unmap_frame(void *root, word_t iova, paddr_t paddr, unsigned size_bits)
{
    plat_unmap_frame(root, iova, paddr, size_bits);
}
void plat_iommu_unmap_table(void *root, word_t iova, unsigned level, paddr_t table)
{
    plat_unmap_table(root, iova, level, table);
}
void plat_iommu_flush(word_t domain)
{
    (void)domain;
    fake_iommu_flushes++;
}
bool plat_iommu_bound(word_t source) { return fake_iommu_binding[source] != 0; }
void plat_iommu_bind(word_t source, void *root, word_t domain)
{
    fake_iommu_binding[source] = domain + 1;
    fake_iommu_root[source] = root;
}
void plat_iommu_unbind(word_t source)
{
    fake_iommu_binding[source] = 0;
    fake_iommu_root[source] = NULL;
}
void plat_iommu_unbind_domains(word_t first, word_t count)
{
    for (size_t i = 0; i < ARRAY_SIZE(fake_iommu_binding); i++)
        if (fake_iommu_binding[i] && fake_iommu_binding[i] - 1 - first < count) plat_iommu_unbind(i);
    fake_iommu_flushes++;
}

/* ---- MSI lines: each bound line's function and the message the fake hands out ---- */
bool fake_msi = true;
word_t fake_msi_source[IRQ_LINES]; /* source + 1, 0 = unbound */
bool plat_msi_available(void) { return fake_msi; }
void plat_msi_bind(word_t irq, word_t source, word_t *address, word_t *data)
{
    if (irq < IRQ_MSI_FIRST || irq >= IRQ_LINES || fake_msi_source[irq]) abort();
    fake_msi_source[irq] = source + 1;
    *address = FAKE_MSI_ADDRESS | irq << 5;
    *data = 0;
}
void plat_msi_unbind(word_t irq)
{
    if (irq < IRQ_MSI_FIRST || irq >= IRQ_LINES) abort();
    fake_msi_source[irq] = 0;
}

void plat_partition_switch(void)
{
    fake_partition_switches++;
}

word_t plat_mitigations(void)
{
    return 0;
}

bool fake_lookup(void *root, vaddr_t vaddr, paddr_t *pa, word_t *rights)
{
    struct pt_entry *e = pt_find(root, PT_FRAME, vaddr);
    if (!e || !pt_find(root, PT_TABLE1, vaddr)) return false;
    if (e->bits < LARGE_PAGE_BITS && !pt_find(root, PT_TABLE2, vaddr)) return false;
    if (pa) *pa = e->pa + (vaddr & MASK(e->bits));
    if (rights) *rights = e->rights;
    return true;
}

word_t fake_mapping_count(void *root)
{
    word_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(pt); i++) n += pt[i].kind == PT_FRAME && pt[i].root == root;
    return n;
}

/* ---- interrupts and I/O ports ---- */
word_t plat_irq_count(void) { return 24; }
word_t plat_tick_us(void) { return 1000; }
bool plat_irq_reserved(word_t irq) { return irq == 2; }
void plat_irq_mask(word_t irq, bool masked)
{
    if (irq < ARRAY_SIZE(fake_irq_masked)) fake_irq_masked[irq] = masked;
}
void plat_irq_ack(word_t irq)
{
    (void)irq;
    fake_irq_acks++;
}
bool plat_irq_pending(void)
{
    fake_irq_polls++;
    return fake_irq_pending;
}

bool plat_io_ports_exist(void) { return true; }
bool plat_io_port_reserved(word_t port) { return port >= 0x3f8 && port <= 0x3ff; }
word_t plat_io_in(word_t port, unsigned bytes) { return (0xa5a5a5a5u ^ port) & MASK(bytes * 8); }
void plat_io_out(word_t port, unsigned bytes, word_t value)
{
    fake_io_last_port = port;
    fake_io_last_bytes = bytes;
    fake_io_last_value = value;
}

/* Virtualization: none. */
bool plat_vcpu_supported(void)
{
    return false;
}

void plat_vcpu_destroy(struct vcpu_arch *v)
{
    (void)v;
}

void plat_vcpu_init(struct vcpu_arch *v)
{
    v->rip = 0;
}

bool plat_vcpu_check_state(word_t index, word_t value)
{
    /* The platforms' whitelists, reduced to one refused value so that tests can provoke it. */
    return index < VCPU_STATE_COUNT && value != ~0ul;
}

void plat_vcpu_write_state(struct vcpu_arch *v, word_t index, word_t value)
{
    if (index == VCPU_STATE_PC) v->rip = value;
}

word_t plat_vcpu_read_state(const struct vcpu_arch *v, word_t index)
{
    return index == VCPU_STATE_PC ? v->rip : 0;
}

void plat_vcpu_space_changed(struct vcpu_arch *v)
{
    (void)v;
}

void plat_vcpu_run(struct vcpu_arch *v, void *guest_root, struct fpu_state *host_fpu, struct vm_exit *exit)
{
    (void)v;
    (void)guest_root;
    (void)host_fpu;
    exit->reason = VM_EXIT_INTERRUPTED;
}

int plat_guest_map_frame(void *guest_root, word_t gpa, paddr_t paddr, unsigned size_bits, word_t rights)
{
    return plat_map_frame(guest_root, gpa, paddr, size_bits, rights, 0);
}

int plat_guest_map_table(void *guest_root, word_t gpa, paddr_t table)
{
    return plat_map_table(guest_root, gpa, table);
}

unsigned plat_vcpu_exit_summary(const struct vcpu_arch *v, word_t *out)
{
    (void)v;
    (void)out;
    return 0;
}

void plat_vcpu_set_results(struct vcpu_arch *v, const word_t *in)
{
    (void)v;
    (void)in;
}

word_t plat_vcpu_take_event(struct vcpu_arch *v)
{
    (void)v;
    return 0;
}

void plat_power_off(word_t status)
{
    (void)status;
    plat_halt();
}
