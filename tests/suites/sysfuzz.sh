#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The structured system-call fuzzer (tests/fuzz/system): a short campaign of typed
# operations on real objects from a fixed seed, with the invariant checker after every 1,000
# calls; once with the CPU's default entry paths and once through the Meltdown window.
# ./bulkhead fuzz syscalls [calls] [seed] runs a long one.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/system/task_suite.sh
run_task_both_ways sysfuzz build/x86/sysfuzz.cpio 900
