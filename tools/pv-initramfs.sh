#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# pv-initramfs.sh: the two initramfs images of the Linux pair joined by Xen's split drivers
# (issue 12, tests/system/pvpair/pvpair.bh), made from the Debian package tools/fetch-linux.sh
# already fetched (no other download) and the host's static busybox:
#   build/linux/pv-dd-initramfs.cpio    the driver domain: loop, llc, stp, bridge, xen-blkback
#                                       and xen-netback from Debian's modules; its init makes a
#                                       16 MiB disk file on /dev/loop0 (before blkback loads, so
#                                       the physical-device "7:0" the toolstack wrote exists),
#                                       the bridge xenbr0, adds each vif to it when it appears
#   build/linux/pv-user-initramfs.cpio  the user guest: xen-blkfront and xen-netfront (modules
#                                       in Debian's kernel: CONFIG_XEN_BLKDEV_FRONTEND=m,
#                                       CONFIG_XEN_NETDEV_FRONTEND=m)
#   build/linux/pv-initramfs.stamp      hashes of this script, busybox and the package
# Both inits print BULKHEAD-PV lines: each device's frontend and backend state as read through
# /dev/xen/xenbus (raw xs_wire READs), whenever one changes, for bulkhead.pv-watch= seconds
# (default 60), then the devices Linux made, then they power off.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
out=build/linux
say() { echo "[pv-initramfs] $*"; }
deb=$(ls "$out"/linux-image-*-amd64_*.deb 2>/dev/null | grep -v unsigned | head -n1 || true)
[ -n "$deb" ] || { say "no Debian kernel package in $out: run tools/fetch-linux.sh first"; exit 1; }
stamp=$(cat "$self" /bin/busybox "$deb" | sha256sum | cut -d' ' -f1)
if [ -s "$out/pv-dd-initramfs.cpio" ] && [ -s "$out/pv-user-initramfs.cpio" ] &&
   [ "$(cat "$out/pv-initramfs.stamp" 2>/dev/null)" = "$stamp" ]; then
  say "up to date"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './lib/modules/*/kernel/drivers/block/*' \
  './lib/modules/*/kernel/drivers/net/xen-net*' './lib/modules/*/kernel/net/bridge/bridge.ko' \
  './lib/modules/*/kernel/net/802/stp.ko' './lib/modules/*/kernel/net/llc/llc.ko'
ver=$(ls "$tmp/lib/modules" | head -n1)
kmod=$tmp/lib/modules/$ver/kernel

# The part both inits share: mounts, a raw xenstore READ, the state watch.
common() {
  cat <<'COMMON'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
mount -t sysfs sys /sys
say() { echo "BULKHEAD-PV $*" > /dev/console; }
load() { insmod "/modules/$1.ko" && say "loaded $1" || say "FAILED to load $1"; }
# xs_read PATH: the value, or the error's name, through /dev/xen/xenbus (type 2 = READ,
# req_id 7, no transaction; busybox printf's octal escapes make the 16-byte header).
xs_read() {
  len=$(( ${#1} + 1 ))
  printf "\002\000\000\000\007\000\000\000\000\000\000\000\\$(printf %03o "$len")\000\000\000$1\000" >/tmp/q
  exec 3<>/dev/xen/xenbus
  cat /tmp/q >&3
  dd bs=256 count=1 <&3 2>/dev/null | tail -c +17 | tr -d '\000'
  exec 3<&-
}
secs=180
for arg in $(cat /proc/cmdline); do
  case "$arg" in bulkhead.pv-watch=*) secs=${arg#bulkhead.pv-watch=} ;; esac
done
# watch_states: each of $DEVICES is "name,frontend-dir,backend-dir"; prints every device's
# "front=<state> back=<state>" when one changes, then calls tick (the init's own chores).
tick() { :; }
watch_states() {
  last=""
  i=0
  while [ "$i" -lt "$secs" ]; do
    now=""
    for d in $DEVICES; do
      name=${d%%,*}; rest=${d#*,}
      now="$now $name front=$(xs_read "${rest%%,*}/state") back=$(xs_read "${rest#*,}/state")"
    done
    if [ "$now" != "$last" ]; then say "$ME states:$now (t=${i}s)"; last=$now; fi
    tick
    sleep 1
    i=$((i + 1))
  done
}
COMMON
}

# make_root DIR: busybox with every applet.
make_root() {
  mkdir -p "$1"/bin "$1"/dev "$1"/proc "$1"/sys "$1"/tmp "$1"/modules
  cp /bin/busybox "$1/bin/busybox"
  for t in $(/bin/busybox --list); do [ "$t" = busybox ] || ln -s busybox "$1/bin/$t"; done
}

pack() {
  (cd "$1" && find . | sort | cpio -o -H newc --quiet -R 0:0) >"$2.tmp"
  mv "$2.tmp" "$2"
}

# The driver domain (domain 1 in pvpair.bh; its frontend is domain 2).
dd_root=$tmp/dd
make_root "$dd_root"
for m in drivers/block/loop drivers/block/xen-blkback/xen-blkback drivers/net/xen-netback/xen-netback \
         net/llc/llc net/802/stp net/bridge/bridge; do
  cp "$kmod/$m.ko" "$dd_root/modules/"
done
{ common; cat <<'DDINIT'
ME=dd
DEVICES="vif/0,/local/domain/2/device/vif/0,backend/vif/2/0 vbd/51712,/local/domain/2/device/vbd/51712,backend/vbd/2/51712"
say "dd init $(uname -r)"
load loop
dd if=/dev/zero of=/disk.img bs=1M count=16 2>/dev/null
losetup /dev/loop0 /disk.img && say "disk: /dev/loop0 is $(stat -L -c %t:%T /dev/loop0) (physical-device), 16 MiB"
load llc
load stp
load bridge
brctl addbr xenbr0 && ip link set xenbr0 up && say "bridge xenbr0 up"
ip addr add 10.0.0.1/24 dev xenbr0
# Traffic from the user guest: a TCP stream whose MD5 it prints, and a note when it has written
# the disk (then this side reads the backing file: what blkback wrote).
(nc -l -p 5001 </dev/null | md5sum >/tmp/rx.tmp && mv /tmp/rx.tmp /tmp/rx.md5) &
(nc -l -p 5002 </dev/null >/tmp/disk-done.tmp; mv /tmp/disk-done.tmp /tmp/disk-done) &
load xen-blkback
load xen-netback
# What Xen's vif-bridge script does once the toolstack wrote hotplug-status: the vif joins the bridge.
rx_said=0
disk_said=0
tick() {
  for v in /sys/class/net/vif*; do
    [ -e "$v" ] || continue
    n=${v##*/}
    [ -e "/sys/class/net/xenbr0/brif/$n" ] && continue
    ip link set "$n" up && brctl addif xenbr0 "$n" && say "dd: $n added to xenbr0"
  done
  if [ "$rx_said" = 0 ] && [ -s /tmp/rx.md5 ]; then
    say "dd: tcp received md5 $(cut -d' ' -f1 /tmp/rx.md5)"
    rx_said=1
  fi
  if [ "$disk_said" = 0 ] && [ -e /tmp/disk-done ]; then
    say "dd: disk file md5 $(dd if=/disk.img bs=64k count=64 2>/dev/null | md5sum | cut -d' ' -f1)"
    disk_said=1
  fi
}
watch_states
say "dd: block devices: $(ls /sys/block | tr '\n' ' ')net: $(ls /sys/class/net | tr '\n' ' ')"
say "dd end"
poweroff -f
DDINIT
} >"$dd_root/init"
chmod 755 "$dd_root/init"
pack "$dd_root" "$out/pv-dd-initramfs.cpio"

# The user guest (domain 2; its backend is domain 1).
user_root=$tmp/user
make_root "$user_root"
cp "$kmod/drivers/block/xen-blkfront.ko" "$kmod/drivers/net/xen-netfront.ko" "$user_root/modules/"
{ common; cat <<'USERINIT'
ME=user
DEVICES="vif/0,device/vif/0,/local/domain/1/backend/vif/2/0 vbd/51712,device/vbd/51712,/local/domain/1/backend/vbd/2/51712"
say "user init $(uname -r)"
# What the toolstack wrote: each device names its backend's directory.
say "user: vif/0 backend=$(xs_read device/vif/0/backend) mac=$(xs_read device/vif/0/mac) vbd/51712 backend=$(xs_read device/vbd/51712/backend) device-type=$(xs_read device/vbd/51712/device-type)"
# The driver domain's own nodes stay its own: the backend directory it does not share.
say "user: another guest's nodes: /local/domain/1/backend=$(xs_read /local/domain/1/backend) /local/domain/1/name=$(xs_read /local/domain/1/name)"
# In the background: a frontend module's load waits up to 30 s for its devices to connect
# (xenbus's wait_for_devices), and the states are what is watched meanwhile.
load xen-blkfront &
load xen-netfront &
# Once both devices are Connected: ping the driver domain, send it 4 MiB over TCP, write the
# same 4 MiB to xvda and read them back past the page cache (so through blkback).
traffic_done=0
traffic() {
  ip link set eth0 up && ip addr add 10.0.0.2/24 dev eth0
  if ping -c 3 -W 5 10.0.0.1 >/tmp/ping 2>&1; then say "user: ping 10.0.0.1: $(grep -c 'bytes from' /tmp/ping) replies"
  else say "user: ping 10.0.0.1 FAILED: $(tail -2 /tmp/ping | tr '\n' ' ')"; fi
  dd if=/dev/urandom of=/tmp/blob bs=64k count=64 2>/dev/null
  say "user: blob md5 $(md5sum </tmp/blob | cut -d' ' -f1)"
  if nc 10.0.0.1 5001 </tmp/blob; then say "user: tcp sent 4194304 bytes"; else say "user: tcp send FAILED"; fi
  dd if=/tmp/blob of=/dev/xvda bs=64k count=64 conv=fsync 2>/dev/null
  sync
  echo 3 >/proc/sys/vm/drop_caches
  say "user: disk read back md5 $(dd if=/dev/xvda bs=64k count=64 2>/dev/null | md5sum | cut -d' ' -f1)"
  echo done | nc 10.0.0.1 5002
  say "user traffic done"
}
tick() {
  [ "$traffic_done" = 0 ] || return 0
  [ "$(xs_read device/vif/0/state)" = 4 ] && [ "$(xs_read device/vbd/51712/state)" = 4 ] || return 0
  [ -e /sys/class/net/eth0 ] && [ -b /dev/xvda ] || return 0
  traffic_done=1
  traffic
}
watch_states
say "user: block devices: $(ls /sys/block | tr '\n' ' ')net: $(ls /sys/class/net | tr '\n' ' ')"
say "user end"
poweroff -f
USERINIT
} >"$user_root/init"
chmod 755 "$user_root/init"
pack "$user_root" "$out/pv-user-initramfs.cpio"
echo "$stamp" >"$out/pv-initramfs.stamp"
say "$out/pv-dd-initramfs.cpio: $(stat -c %s "$out/pv-dd-initramfs.cpio") bytes; $out/pv-user-initramfs.cpio: $(stat -c %s "$out/pv-user-initramfs.cpio") bytes (modules of $ver)"
