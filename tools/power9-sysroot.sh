#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# power9-sysroot.sh [DIR]: fetches Debian's ppc64el libfdt-dev, musl and musl-dev into a
# private sysroot (default build/power9/sysroot) through a private apt configuration
# (APT::Architecture "ppc64el", its own state, cache and lists). It never touches the
# host's dpkg architectures (dpkg --add-architecture ppc64el breaks this machine: see
# docs/platforms.md). Idempotent: when the sysroot is complete it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-build/power9/sysroot}
stamp=$root/.complete
pkgs="libfdt-dev musl musl-dev"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ] &&
   [ -f "$root/usr/lib/powerpc64le-linux-gnu/libfdt.a" ] && [ -f "$root/usr/lib/powerpc64le-linux-musl/libc.a" ]; then
  exit 0
fi
apt=build/power9/apt
mkdir -p "$apt/debs" "$root"
# Debian's main archive only: the security archive's ppc64el index failed to fetch here once,
# and none of these packages has a security update.
. tools/ppc64el-apt.sh
ppc64el_apt "$apt"
echo "power9-sysroot: apt-get update (ppc64el, private state in $apt)" >&2
apt-get -q update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; exit 1; }
(cd "$apt/debs" && rm -f ./*.deb && apt-get -q download $pkgs >"../download.log" 2>&1) ||
  { cat "$apt/download.log" >&2; exit 1; }
for d in "$apt"/debs/*.deb; do dpkg -x "$d" "$root"; done
for f in "$root/usr/lib/powerpc64le-linux-gnu/libfdt.a" "$root/usr/lib/powerpc64le-linux-musl/libc.a"; do
  [ -f "$f" ] || { echo "power9-sysroot: $f missing after extraction" >&2; exit 1; }
done
echo "$pkgs" > "$stamp"
echo "power9-sysroot: $root ready" >&2
