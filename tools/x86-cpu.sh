# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Sourced by the x86 QEMU scripts: the CPU they all give QEMU. TCG's "max" (every feature TCG
# emulates, SVM with nested paging among them), reporting AMD family 0x17 (Zen) rather than the
# family 0xf (K8) it reports by default. On family 0xf, Linux (under our VMM and booted directly
# alike) probes for a K8 GART aperture by reading PCI configuration space: 33,000 port reads,
# each a VM exit under a VMM, about 30 us each under TCG (docs/vmm.md, Cost). No CPU a
# Bulkhead system runs on today is a K8, and the benchmark's direct boot uses the same model.
X86_CPU="max,family=23,model=1"
