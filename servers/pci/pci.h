/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * The PCI manager's engine (docs/passthrough.md): what it knows of each function, how it reads
 * and writes configuration space (through ops, so that the host tests and the fuzzer give it a
 * configuration space of their own), and the mediated accesses it serves to its clients. The
 * component (main.c) supplies the ops over ports 0xcf8..0xcff and the IPC; nothing here
 * depends on the kernel.
 */
#ifndef BH_SERVERS_PCI_PCI_H
#define BH_SERVERS_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* Configuration header (PCI Local Bus 3.0, 6.1; type 0 and type 1 share 0x00..0x0f). */
#define PCI_VENDOR_ID 0x00u
#define PCI_COMMAND 0x04u
#define PCI_STATUS 0x06u
#define PCI_CLASS_REVISION 0x08u
#define PCI_CACHE_LINE_SIZE 0x0cu
#define PCI_LATENCY_TIMER 0x0du
#define PCI_HEADER_TYPE 0x0eu
#define PCI_BIST 0x0fu
#define PCI_BAR0 0x10u
#define PCI_BAR_END 0x28u           /* type 0: six BARs, 0x10..0x27 */
#define PCI_BARS 6u
#define PCI_BAR_IO 0x1u
#define PCI_BAR_TYPE_64 0x4u        /* memory BAR type 2: this BAR and the next are one */
#define PCI_ROM_BAR 0x30u
#define PCI_CAPABILITY_LIST 0x34u
#define PCI_INTERRUPT_LINE 0x3cu
#define PCI_TYPE1_SECONDARY_BUS 0x19u
#define PCI_CONFIG_SIZE 256u        /* ports 0xcf8/0xcfc reach the legacy 256 bytes only */

#define PCI_COMMAND_IO 0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u
#define PCI_COMMAND_INTX_DISABLE 0x400u
/* What a client may set in the command register; INTx stays disabled (a guest has no
 * IOAPIC: MSI only, docs/passthrough.md). */
#define PCI_COMMAND_CLIENT_BITS (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)
#define PCI_STATUS_CAP_LIST 0x10u
#define PCI_HEADER_TYPE_MASK 0x7fu
#define PCI_HEADER_MULTIFUNCTION 0x80u

/* Capability IDs (PCI 3.0 appendix H) and the fields the manager uses. */
#define PCI_CAP_ID_MSI 0x05u
#define PCI_CAP_ID_EXP 0x10u
#define PCI_CAP_ID_MSIX 0x11u
#define PCI_MSI_FLAGS_64BIT 0x80u
#define PCI_MSI_FLAGS_MASKBIT 0x100u
#define PCI_MSI_FLAGS_ENABLE 0x1u
#define PCI_MSIX_FLAGS_ENABLE 0x8000u
#define PCI_EXP_DEVCAP 4u
#define PCI_EXP_DEVCAP_FLR (1u << 28) /* PCIe 3.0, 7.8.3 */
#define PCI_EXP_DEVCTL 8u
#define PCI_EXP_DEVCTL_BCR_FLR 0x8000u

/* The answers a client gets besides 0 (after the IDL glue's 1 and 2). Each refusal is its own. */
enum pci_error {
    PCI_OK = 0,
    PCI_ERR_NOT_YOURS = 3,   /* the function is not one the system description gives the client */
    PCI_ERR_SIZE = 4,        /* size is not 1, 2 or 4 */
    PCI_ERR_ALIGNMENT = 5,   /* offset is not a multiple of size */
    PCI_ERR_OFFSET = 6,      /* offset + size runs past the 256 bytes of configuration space */
    PCI_ERR_BAR = 7,         /* a BAR or the expansion ROM BAR: their bases are the platform's */
    PCI_ERR_COMMAND = 8,     /* a command bit other than memory, bus master and INTx disable */
    PCI_ERR_BUS_MASTER = 9,  /* bus master on a function whose DMA no IOSpace confines */
    PCI_ERR_READ_ONLY = 10,  /* a register the client may read but not write */
    PCI_ERR_ABSENT = 11,     /* the function did not answer at enumeration */
    PCI_ERR_BRIDGE = 12,     /* a bridge: its bus numbers and windows are the manager's */
    PCI_ERR_INDEX = 13,      /* a BAR index beyond 5 */
};

/* One function found at enumeration, with what the write filter needs. */
struct pci_function {
    uint16_t bdf;           /* bus << 8 | device << 3 | function */
    uint16_t vendor, device;
    uint8_t header_type;    /* without the multifunction bit */
    uint8_t msi_cap;        /* offset of the MSI capability, 0: none */
    uint8_t msi_len;        /* its length from its flags (10, 14, 20 or 24 bytes) */
    uint8_t msix_cap;       /* offset of the MSI-X capability, 0: none */
    uint8_t pcie_cap;       /* offset of the PCI Express capability, 0: none */
    bool flr;               /* function-level reset offered (PCIe DevCap) */
    /* Granted functions' BARs, sized at enumeration while stopped: bytes (0: none, or the upper
     * half of the 64-bit BAR before) and the BAR's low bits (bit 0 I/O, bits 2:1 type, bit 3
     * prefetchable). */
    uint64_t bar_size[6];
    uint8_t bar_flags[6];
    bool dma_confined;      /* an IOSpace translates its DMA: bus master may be set */
};

/* Configuration space as the engine sees it: aligned accesses of 1, 2 or 4 bytes. */
struct pci_config_ops {
    uint32_t (*read)(void *ctx, uint16_t bdf, uint32_t offset, uint32_t size);
    void (*write)(void *ctx, uint16_t bdf, uint32_t offset, uint32_t size, uint32_t value);
    void (*wait_ms)(void *ctx, uint32_t ms); /* FLR: 100 ms before the function is used again */
    void *ctx;
};

/* Which client may touch which function: {client badge, bdf} pairs from the system description. */
struct pci_grant {
    uint64_t badge;
    uint16_t bdf;
};

#define PCI_MAX_FUNCTIONS 64u
#define PCI_MAX_BUSES 32u

struct pci_manager {
    struct pci_config_ops ops;
    struct pci_function fn[PCI_MAX_FUNCTIONS];
    unsigned count;
    const struct pci_grant *grants;
    unsigned grant_count;
};

/* filter.c: the checks of one access, in order (shape, then the register). */
enum pci_error pci_check_shape(uint32_t offset, uint32_t size);
/* A write of value (size bytes at offset) to f whose command register reads command now:
 * PCI_OK and *out the value to write, or the refusal. */
enum pci_error pci_filter_write(const struct pci_function *f, uint32_t offset, uint32_t size, uint32_t value,
                                uint16_t command, uint32_t *out);

/* manager.c */
void pci_enumerate(struct pci_manager *m);
/* The function of bdf the client (badge) may use, or the refusal. */
enum pci_error pci_lookup(struct pci_manager *m, uint64_t badge, uint32_t bdf, struct pci_function **f);
enum pci_error pci_client_read(struct pci_manager *m, uint64_t badge, uint32_t bdf, uint32_t offset, uint32_t size,
                               uint32_t *value);
enum pci_error pci_client_write(struct pci_manager *m, uint64_t badge, uint32_t bdf, uint32_t offset, uint32_t size,
                                uint32_t value);
/* Stops the function: MSI and MSI-X off, memory, I/O and bus master off, then FLR where the
 * function offers it. For a client's end (its request, or its supervisor's word). */
enum pci_error pci_client_release(struct pci_manager *m, uint64_t badge, uint32_t bdf);
/* The size and low bits of BAR index of the client's function (sized at enumeration). */
enum pci_error pci_client_bar(struct pci_manager *m, uint64_t badge, uint32_t bdf, uint32_t index, uint64_t *size,
                              uint32_t *flags);
void pci_stop_function(struct pci_manager *m, const struct pci_function *f);

#endif
