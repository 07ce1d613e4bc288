#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The hostile task: 100,000 random system calls from an unprivileged process (fixed seed),
# with the kernel invariant checker after every batch of 1,000. QEMU exits 33 on success.
# Run twice: with the CPU's default entry and exit paths (hostile.*) and through the Meltdown
# window (hostile-window.*, docs/security.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/system/task_suite.sh
run_task_both_ways hostile build/x86/hostile.cpio 600
