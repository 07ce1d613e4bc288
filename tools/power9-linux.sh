#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Fetches Debian's ppc64el Linux 6.1 kernel (linux-image-6.1.0-*-powerpc64le, the newest the
# archive has) into build/power9/linux/vmlinux for the power9 suite's linux stage, with the
# private apt configuration of its own, as tools/power9-sysroot.sh does. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/power9/linux
[ -f "$out/vmlinux" ] && exit 0
apt=build/power9/apt-linux
# With the security archive: the kernel's newest build is there.
. tools/ppc64el-apt.sh
ppc64el_apt "$apt" security
apt-get -q update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; exit 1; }
pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-powerpc64le$' | awk '{print $1}' | sort -V | tail -1)
[ -n "$pkg" ] || { echo "power9-linux: no linux-image-6.1.0-*-powerpc64le in the archive" >&2; exit 1; }
mkdir -p "$out/deb"
(cd "$out/deb" && rm -f ./*.deb && apt-get -q download "$pkg" >../download.log 2>&1) ||
  { cat "$out/download.log" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$out"/deb/*.deb | tar -x -C "$out" --wildcards './boot/vmlinux-*'
mv "$out"/boot/vmlinux-* "$out/vmlinux.tmp"
rm -rf "$out/boot" "$out/deb"
mv "$out/vmlinux.tmp" "$out/vmlinux"
echo "power9-linux: $out/vmlinux from $pkg" >&2
