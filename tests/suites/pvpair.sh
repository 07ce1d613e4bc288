#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The pvpair suite (issue 12, docs/vmm.md "Xen PV devices between Linux guests"): Debian's
# Linux as a driver domain (dd, domain 1: xen-blkback, xen-netback, a bridge) and as a user
# guest (user, domain 2: xen-blkfront, xen-netfront), joined by the vif and the vbd that
# tests/system/pvpair/pvpair.bh declares. Boots both and checks, through the xenstore server's
# lines and the guests' consoles, how far Xen's frontend/backend handshake gets, and prints what
# blocks the next step. Builds nothing: run after the build (build/x86/pvpair.cpio) and with
# build/linux (tools/fetch-linux.sh, tools/pv-initramfs.sh); skipped without Debian's kernel.
# One line per test: "PASS pvpair.<test>" or "FAIL pvpair.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/system/boot.sh
pass() { echo "PASS pvpair.$1"; }
fail() { echo "FAIL pvpair.$1: $2"; }
log=build/test-logs/pvpair.serial
mkdir -p build/test-logs

if [ ! -s build/x86/pvpair.cpio ]; then
  fail system "build/x86/pvpair.cpio not built"
  exit 0
fi
if [ ! -s build/linux/vmlinux ] || ! tools/pv-initramfs.sh >/dev/null ||
   ! tools/with-linux.sh build/x86/pvpair.cpio build/x86/pvpair-linux.cpio 2>/dev/null; then
  echo "SKIP pvpair.*: no Debian kernel in build/linux (./bulkhead setup fetches it)"
  exit 0
fi

# The last "states:" line each guest printed: " vif/0 front=F back=B vbd/51712 front=F back=B".
last_states() { grep "BULKHEAD-PV $2 states:" "$1" | tail -1 | sed 's/.* states://; s/ (t=.*//'; }
state_of() { sed -n "s|.* $2 front=\([0-9A-Z]*\) back=\([0-9A-Z]*\).*|\1 \2|p" <<<"$1"; }
# As far as it went without grant maps between guests, or further: the vif's
# frontend Connected (4) and its backend InitWait (2) or Connected, the vbd's frontend
# Initialised (3) or Connected and its backend InitWait or Connected.
reached() {
  local s vif vbd
  s=$(last_states "$1" user)
  vif=$(state_of "$s" vif/0) vbd=$(state_of "$s" vbd/51712)
  [[ "$vif" =~ ^4\ [24]$ ]] && [[ "$vbd" =~ ^[34]\ [24]$ ]]
}
both_reached() { reached "$1" && grep -q "BULKHEAD-PV dd states:.* vbd/51712 front=[34] back=[24]" "$1"; }
# With grant maps between guests (docs/vmm.md, "Grants between guests") the backends map the
# frontend's rings: both devices Connected (4) on both sides, as both guests see them.
all_connected() {
  grep -q "BULKHEAD-PV user states: vif/0 front=4 back=4 vbd/51712 front=4 back=4" "$1" &&
    grep -q "BULKHEAD-PV dd states: vif/0 front=4 back=4 vbd/51712 front=4 back=4" "$1"
}

start=$(date +%s)
boot_start build/x86/pvpair-linux.cpio "$log" -m 1G
wait_for all_connected 150
# Then the traffic: the user guest's ping, TCP stream and disk round trip, and the driver
# domain's view of the stream and of the backing file.
traffic_seen() { has "$1" "[user hvc] BULKHEAD-PV user traffic done" && grep -q 'BULKHEAD-PV dd: disk file md5' "$1"; }
all_connected "$log" && wait_for traffic_seen 150
sleep 3
boot_stop
echo "--- pvpair: booted for $(( $(date +%s) - start )) s (log: $log)"

if has "$log" "PANIC"; then fail no_kernel_panic "the kernel panicked (log: $log)"; else pass no_kernel_panic; fi

ok=1
for m in "vif 0: user (domain 2) -> dd (domain 1): /local/domain/2/device/vif/0 and /local/domain/1/backend/vif/2/0 written" \
         "vbd 51712: user (domain 2) -> dd (domain 1): /local/domain/2/device/vbd/51712 and /local/domain/1/backend/vbd/2/51712 written" \
         "xenstore server ready"; do
  has "$log" "[xenstore] $m" || { ok=0; fail device_trees_written "missing '[xenstore] $m' (log: $log)"; }
done
[ $ok = 1 ] && pass device_trees_written

# The frontend reads its devices' nodes (its own, [n2, r1]); the backend's directory and the
# driver domain's name are not its to read.
if has "$log" "[user hvc] BULKHEAD-PV user: vif/0 backend=/local/domain/1/backend/vif/2/0 mac=00:16:3e:00:02:00 vbd/51712 backend=/local/domain/1/backend/vbd/2/51712 device-type=disk"; then
  pass frontend_reads_its_device_tree
else fail frontend_reads_its_device_tree "no 'user: vif/0 backend=...' line with the declared values (log: $log)"; fi
if has "$log" "[user hvc] BULKHEAD-PV user: another guest's nodes: /local/domain/1/backend=EACCES /local/domain/1/name=EACCES"; then
  pass frontend_refused_the_backends_other_nodes
else fail frontend_refused_the_backends_other_nodes "the user guest read the driver domain's nodes, or did not try (log: $log)"; fi

# The driver domain: Debian's modules load, the disk exists as physical-device says, the vif
# joins the bridge.
ok=1
for m in "loaded loop" "disk: /dev/loop0 is 7:0 (physical-device), 16 MiB" "loaded llc" "loaded stp" "loaded bridge" \
         "bridge xenbr0 up" "loaded xen-blkback" "loaded xen-netback" "dd: vif2.0 added to xenbr0"; do
  has "$log" "[dd hvc] BULKHEAD-PV $m" || { ok=0; fail driver_domain_backends "missing '[dd hvc] BULKHEAD-PV $m' (log: $log)"; }
done
[ $ok = 1 ] && pass driver_domain_backends
if has "$log" "[user hvc] BULKHEAD-PV loaded xen-netfront"; then pass user_guest_frontends
else fail user_guest_frontends "xen-netfront did not load in the user guest (log: $log)"; fi

# How far the handshake gets, seen from both guests through xenstore.
user_states=$(last_states "$log" user) dd_states=$(last_states "$log" dd)
echo "--- pvpair: last states seen by the user guest:$user_states; by the driver domain:$dd_states"
if both_reached "$log"; then pass handshake_backends_initwait_frontends_initialised_or_connected
else fail handshake_backends_initwait_frontends_initialised_or_connected "want vif front=4 back=2|4, vbd front=3|4 back=2|4; user saw:$user_states; dd saw:$dd_states (log: $log)"; fi

if all_connected "$log" && grep -q '^\[user hvc\] .*blkfront: xvda:' "$log"; then
  pass handshake_all_connected_through_grant_maps
else fail handshake_all_connected_through_grant_maps "want vif and vbd front=4 back=4 on both sides and blkfront's xvda; user saw:$user_states; dd saw:$dd_states (log: $log)"; fi

# What blocks the next step (the backends' Connected), in the test's output.
# Traffic between the guests, through netfront, the driver domain's bridge and netback, and
# through blkfront and blkback to the driver domain's loop device.
md5_of() { grep -a "BULKHEAD-PV $2" "$1" | tail -1 | sed -n 's/.* md5 \([0-9a-f]\{32\}\).*/\1/p'; }
blob=$(md5_of "$log" "user: blob") rx=$(md5_of "$log" "dd: tcp received") back=$(md5_of "$log" "user: disk read back")
file=$(md5_of "$log" "dd: disk file")
if has "$log" "[user hvc] BULKHEAD-PV user: ping 10.0.0.1: 3 replies"; then pass ping_user_to_driver_domain
else fail ping_user_to_driver_domain "no 3 replies from 10.0.0.1: $(grep -a 'user: ping' "$log" | tail -1) (log: $log)"; fi
# Not yet right, so reported rather than tested (docs/vmm.md, "Xen PV devices between Linux
# guests"): what crosses through mapped grants (netback's transmit fragments, blkback's
# segments) arrives different, and blkfront sees write errors; the ping's bytes go through
# grant copies and arrive whole.
echo "--- pvpair: KNOWN BROKEN, not counted: 4 MiB over TCP sent md5 ${blob:-none}, received ${rx:-none};"
echo "    4 MiB written to xvda md5 ${blob:-none}, read back ${back:-none}, in the backing file ${file:-none};"
echo "    blkfront I/O errors: $(grep -ac 'I/O error, dev xvda' "$log")"

if has "$log" "kernel BUG at drivers/xen/grant-table.c" && grep -q '^\[dd hvc\] .*RAX: ffffffffffffffda' "$log"; then
  echo "--- pvpair: next step blocked: the driver domain's GNTTABOP_map_grant_ref (xenbus_map_ring_valloc ->"
  echo "    gnttab_batch_map, mapping the frontend's ring) returned -ENOSYS (-38) from the hypercall itself,"
  echo "    and Linux BUG()s on a failed batch (drivers/xen/grant-table.c:1178) in its xenwatch thread: grant"
  echo "    maps between guests are the grants branch's (docs/vmm.md); with them the backends go on to Connected"
fi
