/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Boot: from the platform's description of memory, create the root server (the program
 * "root" in the boot archive) with capabilities to everything: all free memory as Untyped,
 * device memory as device Untyped, IRQControl, IOPortControl, DomainControl, ASIDControl and
 * the ASID pool of its own VSpace. The root server's own objects come from a boot pool that it
 * cannot reclaim (as in seL4).
 */
#include "kernel.h"
#include <bulkhead/layout.h>
#include "../lib/cpio.h"
#include "../lib/elf.h"

#define ROOT_CNODE_RADIX 12u
#define ROOT_STACK_TOP 0x00007ffffff00000ul
#define ROOT_STACK_PAGES 32u
#define ROOT_MODULE_VADDR 0x0000100000000000ul
#define BOOT_POOL_BYTES (16ul << 20)
#define MAX_FREE 128u

static paddr_t pool_next, pool_end;
static struct boot_region free_ram[MAX_FREE];
static word_t nfree;

static void *pool_alloc(word_t size_bits)
{
    paddr_t p = (pool_next + MASK(size_bits)) & ~MASK(size_bits);
    if (p + BIT(size_bits) > pool_end) panic("boot pool exhausted: the root server image is too large");
    pool_next = p + BIT(size_bits);
    return paddr_to_ptr(p);
}

static void add_free(paddr_t s, paddr_t e)
{
    if (s >= e) return;
    if (nfree == MAX_FREE) {
        kprintf("[kernel] too many memory regions: %lx..%lx left unused\n", s, e);
        return;
    }
    free_ram[nfree++] = (struct boot_region){s, e};
}

/* free_ram = RAM minus the reserved regions. */
static void compute_free(const struct boot_config *bc)
{
    for (word_t i = 0; i < bc->nram; i++) {
        paddr_t s = (bc->ram[i].start + MASK(PAGE_BITS)) & ~MASK(PAGE_BITS);
        paddr_t e = bc->ram[i].end & ~MASK(PAGE_BITS);
        add_free(s, e);
    }
    for (word_t r = 0; r < bc->nreserved; r++) {
        paddr_t rs = bc->reserved[r].start & ~MASK(PAGE_BITS);
        paddr_t re = (bc->reserved[r].end + MASK(PAGE_BITS)) & ~MASK(PAGE_BITS);
        for (word_t i = 0; i < nfree; i++) {
            struct boot_region f = free_ram[i];
            if (re <= f.start || rs >= f.end) continue;
            free_ram[i] = (struct boot_region){f.start, rs > f.start ? rs : f.start};
            add_free(re < f.end ? re : f.end, f.end);
        }
    }
}

static void take_pool(void)
{
    for (word_t i = 0; i < nfree; i++) {
        if (free_ram[i].end - free_ram[i].start < BOOT_POOL_BYTES) continue;
        pool_next = free_ram[i].start;
        pool_end = pool_next + BOOT_POOL_BYTES;
        free_ram[i].start = pool_end;
        memset(paddr_to_ptr(pool_next), 0, BOOT_POOL_BYTES);
        return;
    }
    panic("no RAM region can hold the 16 MiB boot pool");
}

struct root {
    struct cte *cnode;
    void *vspace;
    word_t asid;
    struct bh_bootinfo *bi;
    word_t next_slot;
};

static struct cte *root_slot(struct root *r, word_t i) { return &r->cnode[i]; }

/* Map one pool page into the root's address space, with page tables from the pool. */
static void root_map(struct root *r, vaddr_t va, paddr_t pa, word_t rights, word_t attr)
{
    for (;;) {
        int rc = plat_map_frame(r->vspace, va, pa, PAGE_BITS, rights, attr);
        if (rc == 0) return;
        if (rc < 0) panic("root server: two segments share a page (link them page-aligned)");
        void *table = pool_alloc(PAGE_BITS);
        if (plat_map_table(r->vspace, va, ptr_to_paddr(table)) < 0) panic("root_map: table");
    }
}

struct load_ctx {
    struct root *r;
    const struct bh_elf *elf;
};

static int load_segment(void *vctx, const struct bh_elf_segment *seg)
{
    struct load_ctx *lc = vctx;
    vaddr_t start = seg->vaddr & ~MASK(PAGE_BITS);
    vaddr_t end = (seg->vaddr + seg->memsz + MASK(PAGE_BITS)) & ~MASK(PAGE_BITS);
    if (end > USER_TOP || start == 0) panic("root server: segment outside user space");
    word_t rights = RIGHT_READ | ((seg->flags & BH_ELF_PF_W) ? RIGHT_WRITE : 0);
    word_t attr = (seg->flags & BH_ELF_PF_X) ? 0 : 1;
    for (vaddr_t va = start; va < end; va += BIT(PAGE_BITS)) {
        uint8_t *page = pool_alloc(PAGE_BITS);
        /* Copy the part of the file bytes that falls into this page. */
        for (word_t off = 0; off < BIT(PAGE_BITS); off++) {
            vaddr_t a = va + off;
            if (a >= seg->vaddr && a < seg->vaddr + seg->filesz) page[off] = ((const uint8_t *)seg->data)[a - seg->vaddr];
        }
        root_map(lc->r, va, ptr_to_paddr(page), rights, attr);
    }
    return 0;
}

static void put_cap(struct root *r, word_t slot, struct cap c)
{
    cte_insert_root(NULL, root_slot(r, slot), c);
    invariants_register_root(root_slot(r, slot));
}

static word_t add_untyped(struct root *r, paddr_t start, paddr_t end, bool device)
{
    word_t count = 0;
    while (start < end) {
        word_t bits = start ? (word_t)__builtin_ctzl(start) : 47;
        while (bits > 47 || (bits >= PAGE_BITS && start + BIT(bits) > end)) bits--;
        if (bits < PAGE_BITS) break;
        if (r->next_slot >= BIT(ROOT_CNODE_RADIX) || r->bi->untyped_last - r->bi->untyped_first >= BH_BOOTINFO_MAX_UNTYPED) {
            kprintf("[kernel] out of untyped slots: %lx..%lx not given to the root server\n", start, end);
            break;
        }
        if (!device) memset(paddr_to_ptr(start), 0, BIT(bits));
        struct cap c = {.type = OBJ_UNTYPED, .rights = RIGHTS_ALL, .size_bits = (uint8_t)bits,
                        .ptr = (word_t)paddr_to_ptr(start)};
        untyped_set_device(&c, device);
        struct bh_untyped_desc *d = &r->bi->untyped[r->bi->untyped_last - r->bi->untyped_first];
        d->paddr = start;
        d->size_bits = (uint8_t)bits;
        d->is_device = device;
        put_cap(r, r->next_slot++, c);
        r->bi->untyped_last++;
        start += BIT(bits);
        count += BIT(bits);
    }
    return count;
}

static struct cap object_cap(word_t type, void *p)
{
    return (struct cap){.type = (uint8_t)type, .rights = RIGHTS_ALL, .ptr = (word_t)p};
}

static void give_copy(struct cte *orig, struct cte *dest)
{
    exception_t e;
    struct cap c = cap_derive(&orig->cap, RIGHTS_ALL, false, 0, &e);
    cte_insert_child(orig, dest, c);
}

static struct tcb *create_root_objects(struct root *r)
{
    r->cnode = pool_alloc(ROOT_CNODE_RADIX + CTE_SIZE_BITS);
    r->vspace = pool_alloc(PAGE_BITS);
    plat_vspace_init(r->vspace);
    struct asid_pool *asids = pool_alloc(OBJ_ASID_POOL_SIZE_BITS);
    r->asid = asid_boot_pool(asids, r->vspace);
    struct tcb *t = pool_alloc(OBJ_TCB_SIZE_BITS);
    tcb_init(t);
    r->bi = pool_alloc(PAGE_BITS);
    void *ipcbuf = pool_alloc(PAGE_BITS);

    struct cap cn = object_cap(OBJ_CNODE, r->cnode);
    cn.size_bits = ROOT_CNODE_RADIX;
    cnode_set_guard(&cn, WORD_BITS - ROOT_CNODE_RADIX, 0);
    put_cap(r, BH_ROOT_CNODE, cn);
    put_cap(r, BH_ROOT_TCB, object_cap(OBJ_TCB, t));
    struct cap vs = object_cap(OBJ_VSPACE, r->vspace);
    space_set_asid(&vs, r->asid);
    put_cap(r, BH_ROOT_VSPACE, vs);
    put_cap(r, BH_ROOT_IRQ_CONTROL, (struct cap){.type = OBJ_IRQ_CONTROL, .rights = RIGHTS_ALL});
    if (plat_io_ports_exist())
        put_cap(r, BH_ROOT_IO_PORT_CONTROL, (struct cap){.type = OBJ_IO_PORT_CONTROL, .rights = RIGHTS_ALL});
    put_cap(r, BH_ROOT_DOMAIN_CONTROL, (struct cap){.type = OBJ_DOMAIN_CONTROL, .rights = RIGHTS_ALL});
    put_cap(r, BH_ROOT_ASID_CONTROL, (struct cap){.type = OBJ_ASID_CONTROL, .rights = RIGHTS_ALL});
    put_cap(r, BH_ROOT_ASID_POOL, object_cap(OBJ_ASID_POOL, asids)); /* range 0 */
    if (plat_iommu_present())
        put_cap(r, BH_ROOT_IO_SPACE_CONTROL, (struct cap){.type = OBJ_IO_SPACE_CONTROL, .rights = RIGHTS_ALL});
    put_cap(r, BH_ROOT_BOOTINFO_FRAME, object_cap(OBJ_FRAME, r->bi));
    put_cap(r, BH_ROOT_IPC_BUFFER_FRAME, object_cap(OBJ_FRAME, ipcbuf));
    give_copy(root_slot(r, BH_ROOT_CNODE), &t->slots[TCB_CSPACE]);
    give_copy(root_slot(r, BH_ROOT_VSPACE), &t->slots[TCB_VSPACE]);
    give_copy(root_slot(r, BH_ROOT_IPC_BUFFER_FRAME), &t->slots[TCB_IPC_BUFFER]);
    t->ipc_buffer = ipcbuf;
    return t;
}

static void load_root_image(struct root *r, struct tcb *t, const struct boot_config *bc)
{
    const void *archive = paddr_to_ptr(bc->module_start);
    size_t len = bc->module_end - bc->module_start;
    struct bh_cpio_entry ent;
    struct bh_elf elf;
    int rc = bh_cpio_find(archive, len, "root", &ent);
    if (rc != 0) {
        kprintf("[kernel] boot archive: no program 'root': %s\n", bh_cpio_strerror(rc));
        panic("no root server");
    }
    rc = bh_elf_parse(&elf, ent.data, ent.size, PLAT_ELF_MACHINE);
    if (rc != 0) {
        kprintf("[kernel] root server: %s\n", bh_elf_strerror(rc));
        panic("bad root server image");
    }
    struct load_ctx lc = {r, &elf};
    bh_elf_load_segments(&elf, load_segment, &lc);
    struct bh_elf_bounds b;
    bh_elf_bounds(&elf, &b);

    /* After the image: a guard page, the boot info, the IPC buffer. */
    vaddr_t bi_va = ((b.vaddr_end + MASK(PAGE_BITS)) & ~MASK(PAGE_BITS)) + BIT(PAGE_BITS);
    root_map(r, bi_va, ptr_to_paddr(r->bi), RIGHT_READ | RIGHT_WRITE, 1);
    vaddr_t ipc_va = bi_va + BIT(PAGE_BITS);
    root_map(r, ipc_va, ptr_to_paddr(t->ipc_buffer), RIGHT_READ | RIGHT_WRITE, 1);
    mapping_record(&root_slot(r, BH_ROOT_IPC_BUFFER_FRAME)->cap, r->asid, ipc_va);
    mapping_record(&root_slot(r, BH_ROOT_BOOTINFO_FRAME)->cap, r->asid, bi_va);
    for (word_t i = 1; i <= ROOT_STACK_PAGES; i++)
        root_map(r, ROOT_STACK_TOP - i * BIT(PAGE_BITS), ptr_to_paddr(pool_alloc(PAGE_BITS)), RIGHT_READ | RIGHT_WRITE, 1);
    paddr_t ms = bc->module_start & ~MASK(PAGE_BITS);
    for (paddr_t p = ms; p < bc->module_end; p += BIT(PAGE_BITS))
        root_map(r, ROOT_MODULE_VADDR + (p - ms), p, RIGHT_READ, 1);

    r->bi->ipc_buffer_addr = ipc_va;
    r->bi->module_addr = ROOT_MODULE_VADDR + (bc->module_start - ms);
    r->bi->module_size = len;
    t->ipc_buffer_addr = ipc_va;
    *ctx_reg(&t->ctx, REG_IP) = bh_elf_entry(&elf);
    *ctx_reg(&t->ctx, REG_SP) = ROOT_STACK_TOP - 64;
    *ctx_reg(&t->ctx, REG_ARG0) = bi_va;
}

void kernel_boot(const struct boot_config *bc)
{
    static struct root r;
    compute_free(bc);
    take_pool();
    struct tcb *t = create_root_objects(&r);
    load_root_image(&r, t, bc);
    struct bh_bootinfo *bi = r.bi;
    bi->magic = BH_BOOTINFO_MAGIC;
    bi->abi_version = ABI_VERSION;
    bi->cnode_radix = ROOT_CNODE_RADIX;
    bi->partitions = PARTITIONS;
    bi->irq_lines = plat_irq_count();
    bi->tick_us = plat_tick_us();
    bi->counter_khz = plat_counter_khz();
    plat_wallclock(&bi->wallclock_sec, &bi->wallclock_counter);
    _Static_assert(ARRAY_SIZE(bc->kept) <= BH_BOOTINFO_MAX_KERNEL_DEVICES, "the boot info lists every kept device");
    for (word_t i = 0; i < bc->nkept; i++)
        bi->kernel_device[i] = (struct bh_kernel_device_desc){bc->kept[i].start, bc->kept[i].end - bc->kept[i].start,
                                                             bc->kept[i].kind};
    bi->kernel_devices = bc->nkept;
    bi->mitigations = plat_mitigations();
    bi->flags = debug_bootinfo_flags;
    r.next_slot = BH_ROOT_FIRST_FREE_FIXED;
    bi->untyped_first = bi->untyped_last = r.next_slot;
    word_t ram = 0;
    for (word_t i = 0; i < nfree; i++) ram += add_untyped(&r, free_ram[i].start, free_ram[i].end, false);
    for (word_t i = 0; i < bc->ndevice; i++) add_untyped(&r, bc->device[i].start, bc->device[i].end, true);
    bi->empty_first = r.next_slot;
    bi->empty_last = BIT(ROOT_CNODE_RADIX);
    kprintf("[kernel] root server: entry %lx, %lu untyped capabilities, %lu MiB free RAM\n", ctx_ip(&t->ctx),
            bi->untyped_last - bi->untyped_first, ram >> 20);
    t->priority = 255;
    t->mcp = 255;
    tcb_set_state(t, TS_RUNNING);
    sched_reschedule();
    kernel_exit();
}
