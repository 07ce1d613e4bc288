/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * A configuration space for the PCI manager's host tests and fuzzer: a few functions of 256
 * bytes each, written as given (so a write the filter should have refused shows), absent
 * functions reading all ones, and function-level reset modelled (DevCtl's initiate bit clears
 * the command register and is counted).
 */
#ifndef BH_TESTS_HOST_PCI_FAKE_CONFIG_H
#define BH_TESTS_HOST_PCI_FAKE_CONFIG_H

#include "pci.h"

/* The functions: a host bridge, edu (MSI, no PCIe), an e1000e-like NIC (MSI, MSI-X, PCIe with
 * FLR), a neighbour nobody is given, a multifunction device (functions 0 and 2), a bridge to
 * bus 1 and a device behind it. */
#define FAKE_HOST 0x0000u
#define FAKE_EDU 0x0018u   /* 00:03.0 */
#define FAKE_NIC 0x0020u   /* 00:04.0 */
#define FAKE_NEIGHBOUR 0x0028u
#define FAKE_MULTI0 0x0030u
#define FAKE_MULTI2 0x0032u
#define FAKE_ABSENT 0x0038u /* 00:07.0: nothing there */
#define FAKE_BRIDGE 0x00f0u /* 00:1e.0 */
#define FAKE_BEHIND 0x0100u /* 01:00.0 */
#define FAKE_FUNCTIONS 8u

/* What firmware leaves in the command register (SeaBIOS also turns SERR reporting on). */
#define FAKE_FIRMWARE_COMMAND 0x107u
#define EDU_MSI 0x40u
#define NIC_MSI 0xd0u
#define NIC_MSIX 0xa0u
#define NIC_PCIE 0xe0u

/* Badges: edu's client and the NIC's client; the edu client is also (wrongly) given an
 * absent function and the bridge. */
#define BADGE_EDU 1u
#define BADGE_NIC 2u
#define BADGE_NOBODY 3u

struct fake_bar {
    uint64_t size;      /* 0: none */
    uint32_t flags;     /* the low bits it reads with */
    bool upper;         /* the upper half of the 64-bit BAR before */
};

struct fake_config {
    uint16_t bdf[FAKE_FUNCTIONS];
    struct fake_bar bar[FAKE_FUNCTIONS][PCI_BARS];
    uint8_t space[FAKE_FUNCTIONS][PCI_CONFIG_SIZE];
    unsigned flr_count[FAKE_FUNCTIONS];
    uint32_t waited_ms;
    unsigned writes;
};

extern const struct pci_grant fake_grants[];
extern const unsigned fake_grant_count;

void fake_config_init(struct fake_config *c);
/* A manager over c with fake_grants, enumerated. */
void fake_manager(struct pci_manager *m, struct fake_config *c);
/* The index of bdf's function, or -1. */
int fake_index(const struct fake_config *c, uint16_t bdf);

#endif
