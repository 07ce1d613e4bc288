/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The VMM's fixed mappings on the host (params.h: the parameter page, the image, the initrd,
 * guest RAM; the grant frames and the console input ring where the harness puts them), made
 * once with MAP_FIXED_NOREPLACE at those addresses, which lie in ASan's high application
 * memory. Each holds the largest size a fuzzer uses; what lies beyond the current size is
 * poisoned, so that the VMM touching it is reported as an out-of-bounds access.
 */
#include <sanitizer/asan_interface.h>
#include <string.h>
#include <sys/mman.h>
#include "fake.h"

#define GUARD (64u << 10)

static void *map_at(uint64_t addr, uint64_t size)
{
    void *p = mmap((void *)(uintptr_t)addr, (size_t)size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
    require(p == (void *)(uintptr_t)addr);
    return p;
}

/* [addr, addr + used) usable, the rest up to addr + size poisoned. */
static void limit(uint64_t addr, uint64_t used, uint64_t size)
{
    ASAN_UNPOISON_MEMORY_REGION((void *)(uintptr_t)addr, (size_t)used);
    ASAN_POISON_MEMORY_REGION((void *)(uintptr_t)(addr + used), (size_t)(size - used));
}

void space_init(void)
{
    static bool done;
    if (done) return;
    done = true;
    map_at(VMM_PARAMS_VADDR, 4096);
    limit(VMM_PARAMS_VADDR, sizeof(struct vmm_params), 4096);
    map_at(VMM_IMAGE_VADDR, FAKE_IMAGE_MAX + GUARD);
    map_at(VMM_INITRD_VADDR, FAKE_INITRD_MAX + GUARD);
    map_at(VMM_GUEST_WINDOW, FAKE_RAM_MAX + GUARD);
    map_at(VMM_GRANT_WINDOW, VMM_GNTTAB_FRAMES * 4096ull + GUARD);
    limit(VMM_GRANT_WINDOW, VMM_GNTTAB_FRAMES * 4096ull, VMM_GNTTAB_FRAMES * 4096ull + GUARD);
    map_at(FAKE_CONSOLE_PAGE, 4096 + GUARD);
    limit(FAKE_CONSOLE_PAGE, 4096, 4096 + GUARD);
    map_at(FAKE_PEER_RING, 4096 + GUARD);
    limit(FAKE_PEER_RING, 4096, 4096 + GUARD);
}

struct vmm_params *space_params(void)
{
    return (struct vmm_params *)(uintptr_t)VMM_PARAMS_VADDR;
}

void space_set_ram(uint64_t size)
{
    require(size <= FAKE_RAM_MAX);
    limit(VMM_GUEST_WINDOW, size, FAKE_RAM_MAX + GUARD);
    memset((void *)(uintptr_t)VMM_GUEST_WINDOW, 0, (size_t)size);
}

void space_set_image(const uint8_t *data, uint64_t len)
{
    require(len <= FAKE_IMAGE_MAX);
    limit(VMM_IMAGE_VADDR, len, FAKE_IMAGE_MAX + GUARD);
    if (len) memcpy((void *)(uintptr_t)VMM_IMAGE_VADDR, data, (size_t)len);
}

void space_set_initrd(uint64_t len, uint8_t fill)
{
    require(len <= FAKE_INITRD_MAX);
    limit(VMM_INITRD_VADDR, len, FAKE_INITRD_MAX + GUARD);
    memset((void *)(uintptr_t)VMM_INITRD_VADDR, fill, (size_t)len);
}
