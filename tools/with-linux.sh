#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# with-linux.sh IN OUT: OUT is the boot archive IN plus Debian's kernel and initramfs
# (build/linux/vmlinux as "vmlinux", build/linux/initramfs.cpio as "linux-initrd"), the files
# the default system's Linux guest names, and when tools/pv-initramfs.sh made them the Linux
# pair's initramfs images ("dd-initrd", "user-initrd"). They are fetched (./bulkhead setup, which runs
# tools/fetch-linux.sh), not built, so they join the archive here rather than in ninja.
# Exits 3 with a message saying how to get them when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
in=$1 out=$2
if [ ! -s build/linux/vmlinux ] || [ ! -s build/linux/initramfs.cpio ]; then
  echo "The default system runs Debian's Linux kernel as a guest, but build/linux/vmlinux or" >&2
  echo "build/linux/initramfs.cpio is missing. Fetch them with:  ./bulkhead setup" >&2
  echo "(or tools/fetch-linux.sh alone: it downloads Debian's linux-image package with apt-get)." >&2
  exit 3
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && cpio -id --quiet) <"$in"
cp build/linux/vmlinux "$dir/vmlinux"
cp build/linux/initramfs.cpio "$dir/linux-initrd"
# The Linux pair's images (tools/pv-initramfs.sh), when made: the names pvpair.bh gives them.
if [ -s build/linux/pv-dd-initramfs.cpio ] && [ -s build/linux/pv-user-initramfs.cpio ]; then
  cp build/linux/pv-dd-initramfs.cpio "$dir/dd-initrd"
  cp build/linux/pv-user-initramfs.cpio "$dir/user-initrd"
fi
(cd "$dir" && ls | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
