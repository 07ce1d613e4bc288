#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# fetch-linux.sh: gets Debian's current amd64 kernel for the VMM's Linux guest (issue 4).
#   build/linux/linux-image-*.deb   the versioned package linux-image-amd64 depends on (cached)
#   build/linux/vmlinux             the uncompressed kernel: an ELF64 with the Xen PVH note
#   build/linux/initramfs.cpio      busybox (static) with an /init that prints
#                                   BULKHEAD-LINUX-INIT-OK (stdout, /dev/kmsg) and
#                                   BULKHEAD-LINUX-HVC0-OK (/dev/console only), then ends as
#                                   the command line says (bulkhead.end=, bulkhead.shell=1)
#   build/linux/initramfs.stamp     hashes of this script and busybox: a change rebuilds it
#   build/linux/pv-*-initramfs.cpio the Linux pair's images, from the package's modules
#                                   (tools/pv-initramfs.sh)
# Uses apt-get download (Debian's repositories) and nothing else from the network. Idempotent:
# a cached package and up-to-date outputs make it a no-op.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")   # for the initramfs stamp, wherever it is run from
cd "$(dirname "$0")/.."
out=build/linux
mkdir -p "$out"
say() { echo "[fetch-linux] $*"; }

# 1. The versioned package (linux-image-amd64 is a metapackage depending on it).
deb=$(ls "$out"/linux-image-*-amd64_*.deb 2>/dev/null | grep -v unsigned | head -n1 || true)
if [ -z "$deb" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  if [ -z "$pkg" ]; then
    say "apt does not know linux-image-amd64; running apt-get update may help"
    exit 1
  fi
  say "downloading $pkg"
  (cd "$out" && apt-get download "$pkg")
  deb=$(ls "$out"/"$pkg"_*.deb | head -n1)
else
  say "cached: $deb"
fi

# 2. vmlinuz out of the package, then the xz payload out of the bzImage.
if [ ! -s "$out/vmlinux" ] || [ "$deb" -nt "$out/vmlinux" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  say "extracting /boot/vmlinuz-* from $(basename "$deb")"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
  vmlinuz=$(ls "$tmp"/boot/vmlinuz-* | head -n1)
  offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1 || true)
  [ -n "$offset" ] || { say "no xz payload in $vmlinuz"; exit 1; }
  say "xz payload at offset $offset; decompressing"
  # The payload is followed by the bzImage's trailer: xz reports trailing garbage, which is fine.
  tail -c +$((offset + 1)) "$vmlinuz" | xz -dc --single-stream > "$out/vmlinux.tmp" 2>/dev/null || true
  head -c 4 "$out/vmlinux.tmp" | grep -q $'\x7fELF' || { say "the payload is not an ELF image"; exit 1; }
  mv "$out/vmlinux.tmp" "$out/vmlinux"
  basename "$vmlinuz" > "$out/version"
fi
# XEN_ELFNOTE_PHYS32_ENTRY is note type 18, which readelf shows as an unknown type.
readelf -n "$out/vmlinux" 2>/dev/null | grep -q -E '^ +Xen +0x[0-9a-f]+[[:space:]]+Unknown note type: \(0x00000012\)' ||
  { say "build/linux/vmlinux has no Xen PVH (PHYS32_ENTRY) note"; exit 1; }
say "vmlinux: $(cat "$out/version" 2>/dev/null), $(stat -c %s "$out/vmlinux") bytes, Xen PVH note present"

# 3. The initramfs: busybox (every applet) and an /init that says it ran, then ends as the
#    kernel command line asks (see the script below). Rebuilt whenever this script or busybox
#    changes: the stamp holds their hashes, so an edited /init reaches every cached build.
stamp=$(cat "$self" /bin/busybox | sha256sum | cut -d' ' -f1)
if [ ! -s "$out/initramfs.cpio" ] || [ "$(cat "$out/initramfs.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "building the busybox initramfs"
  root=$(mktemp -d)
  mkdir -p "$root"/bin "$root"/dev "$root"/proc "$root"/sys "$root"/tmp
  cp /bin/busybox "$root/bin/busybox"
  for t in $(/bin/busybox --list); do [ "$t" = busybox ] || ln -s busybox "$root/bin/$t"; done
  cat > "$root/init" <<'INIT'
#!/bin/sh
# Bulkhead's Linux guest init. Markers: BULKHEAD-LINUX-INIT-OK to stdout and the kernel log
# (earlyprintk=xen,keep makes the log the console that always exists), BULKHEAD-LINUX-HVC0-OK
# to /dev/console only (it reaches the VMM only through hvc0 and the PV console ring).
# The kernel command line chooses the ending:
#   bulkhead.shell=1          an interactive shell on the console (hvc0) with a controlling
#                             terminal, then poweroff -f when it exits
#   bulkhead.end=poweroff     poweroff -f (the default): ACPI S5 through the FADT's sleep register
#   bulkhead.end=reboot       reboot -f: SCHEDOP_shutdown(SHUTDOWN_reboot)
#   bulkhead.end=halt         halt -f: the CPU halts with interrupts off
#   bulkhead.end=panic        a kernel panic (sysrq c): SCHEDOP_shutdown(SHUTDOWN_crash)
#   bulkhead.smp-work=1       first a busy loop per CPU for 2 s, then BULKHEAD-LINUX-SMP with
#                             each CPU's user time (/proc/stat) and the Xen IPIs it received
#                             (the resched and callfunc lines of /proc/interrupts)
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
mount -t sysfs sys /sys
msg="BULKHEAD-LINUX-INIT-OK $(uname -r)"
echo "$msg"
echo "$msg" > /dev/kmsg
echo "BULKHEAD-LINUX-HVC0-OK $(cat /sys/class/tty/console/active 2>/dev/null || echo '?')" > /dev/console
end=poweroff
shell=0
work=0
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    bulkhead.end=*) end=${arg#bulkhead.end=} ;;
    bulkhead.shell=1) shell=1 ;;
    bulkhead.smp-work=1) work=1 ;;
  esac
done
if [ "$work" = 1 ]; then
  n=$(grep -c ^processor /proc/cpuinfo)
  pids=""
  i=0
  while [ "$i" -lt "$n" ]; do
    (while :; do :; done) &
    pids="$pids $!"
    i=$((i + 1))
  done
  sleep 2
  kill $pids
  users=$(awk '/^cpu[0-9]/ { printf " user%s=%s", substr($1, 4), $2 }' /proc/stat)
  ipis=$(awk '/resched|callfunc/ { s = 0; for (f = 2; f <= NF; f++) if ($f ~ /^[0-9]+$/) s += $f; printf " %s=%d", $NF, s }' /proc/interrupts)
  echo "BULKHEAD-LINUX-SMP cpus=$n$users$ipis" > /dev/kmsg
fi
if [ "$shell" = 1 ]; then
  echo "BULKHEAD-LINUX-SHELL on $(cat /sys/class/tty/console/active 2>/dev/null): exit the shell to power off" > /dev/console
  # setsid: a new session; cttyhack: opens the console's real tty (hvc0) and makes it the
  # session's controlling terminal, so job control and ^C work.
  setsid cttyhack sh -l
  end=poweroff
fi
echo "BULKHEAD-LINUX-END $end" > /dev/kmsg
case "$end" in
  reboot) reboot -f ;;
  halt) halt -f ;;
  panic) echo c > /proc/sysrq-trigger ;;
  *) poweroff -f ;;
esac
INIT
  chmod 755 "$root/init"
  (cd "$root" && find . | sort | cpio -o -H newc --quiet -R 0:0) > "$out/initramfs.cpio.tmp"
  mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
  echo "$stamp" > "$out/initramfs.stamp"
  rm -rf "$root"
fi
say "initramfs: $(stat -c %s "$out/initramfs.cpio") bytes"
# 4. The Linux pair's images (driver domain, user guest) from the same package's modules.
tools/pv-initramfs.sh
say "done"
