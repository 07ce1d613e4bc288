#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The peers suite (docs/vmm.md, "Peers"): the VMM's peer-channel port logic on the host under
# ASan and UBSan (tests/host/vmm/test_peer_ports.c: bind and close transitions, a peer's end, the
# ring's bitmaps written by a hostile peer); then interdomain event channels between guests over
# the channels the system description declares, in QEMU: tests/system/peers/peers.bh runs three test
# guests (tests/system/vmm/guests/peers.c): alice (domain 1) and bob (domain 2) on an `event`
# channel, mallory (domain 3) on its own to bob, hammering it; then grants between guests in
# tests/system/peers/grants.bh (tests/system/vmm/guests/grants.c): anna grants, ben maps,
# copies and outlives her, dan dies with a mapping, mal hammers anna with random grant ops. Builds nothing: run after the
# build (build/peers/all). One line per test: "PASS peers.<test>" or "FAIL peers.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/system/boot.sh
pass() { echo "PASS peers.$1"; }
fail() { echo "FAIL peers.$1: $2"; }
log=build/test-logs/peers.serial
mkdir -p build/test-logs

# --- the port logic on the host (vmm/peer_ports.c, ASan and UBSan) ---
if [ -x build/peers/test_peer_ports ]; then
  rc=0
  out=$(build/peers/test_peer_ports 2>build/test-logs/peers-host.stderr) || rc=$?
  printf '%s\n' "$out"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
    fail ports "exited with status $rc (see build/test-logs/peers-host.stderr)"
  fi
else
  fail ports "build/peers/test_peer_ports not built"
fi

# --- the guests in QEMU ---
if [ ! -s build/x86/peers.cpio ] || [ ! -s build/x86/kernel.elf ]; then
  fail system "build/x86/peers.cpio or build/x86/kernel.elf not built"
  exit 0
fi

# Done when bob has run on after alice's end, and mallory still hammers after bob's checks.
bob_after_both() {
  local a c
  a=$(line_of "$1" "[root] supervisor: guest alice ")
  c=$(line_of "$1" "peers: bob: checks passed:")
  [ -n "$a" ] && [ -n "$c" ] || return 1
  [ "$(tail -n +"$a" "$1" | grep -c '^\[bob uart\] peers: bob: alive [0-9]')" -ge 1 ] &&
    [ "$(tail -n +"$c" "$1" | grep -c 'peers: mallory: random operations so far: [0-9]')" -ge 1 ]
}
# mallory's first count came before bob's last check: it hammered while bob worked.
hammered_meanwhile() {
  local m c
  m=$(line_of "$1" "peers: mallory: random operations so far:")
  c=$(line_of "$1" "peers: bob: checks passed:")
  [ -n "$m" ] && [ -n "$c" ] && [ "$m" -lt "$c" ]
}
boot_start build/x86/peers.cpio "$log"
wait_for bob_after_both 240
boot_stop

if has "$log" "PANIC"; then fail no_kernel_panic "the kernel panicked (log: $log)"; else pass no_kernel_panic; fi
if grep -q "supervisor: .* fault" "$log"; then fail no_vmm_fault "$(grep -m1 'supervisor: .* fault' "$log")"
else pass no_vmm_fault; fi

ok=1
for m in "guest alice: domain 1, event channel to domain 2 (its VMM's thread 1 serves it)" \
         "guest bob: domain 2, event channel to domain 1 (its VMM's thread 2 serves it)" \
         "guest bob: domain 2, event channel to domain 3 (its VMM's thread 3 serves it)" \
         "guest mallory: domain 3, event channel to domain 2 (its VMM's thread 1 serves it)"; do
  has "$log" "[root] $m" || { ok=0; fail root_passes_peer_channels "missing '[root] $m' (log: $log)"; }
done
[ $ok = 1 ] && pass root_passes_peer_channels

# checks NAME TEST LINE...: every "peers: NAME: LINE: ok" is there.
checks() {
  local who=$1 test=$2 m bad=""; shift 2
  for m in "$@"; do has "$log" "[$who uart] peers: $who: $m: ok" || { bad=$m; break; }; done
  if [ -z "$bad" ]; then pass "$test"
  else fail "$test" "no '[$who uart] peers: $who: $bad: ok': $(grep -m1 -F "peers: $who: $bad" "$log" || echo 'line missing') (log: $log)"; fi
}

# Both VMMs call each other at once, 3,000 times each: neither hangs.
if has "$log" "[alice uart] peers: alice: crossfire: 3,000 binds refused by the peer's VMM while it called ours: ok" &&
   has "$log" "[bob uart] peers: bob: crossfire: 3,000 binds refused by the peer's VMM while it called ours: ok"; then
  pass two_vmms_calling_each_other_both_complete
else fail two_vmms_calling_each_other_both_complete "$(grep -m1 'crossfire' "$log" || echo 'no crossfire line') (log: $log)"; fi

checks alice bind_send_close_from_the_binder \
  "bind_interdomain to bob's port 2" "the new port is pending at once (Xen's bind)" \
  "status: interdomain, domain 2 port 2" "send to bob" "bob's event through the upcall" "close" \
  "status of the closed port: closed"
checks bob bind_send_close_from_the_allocator \
  "alloc_unbound for domain 1: port 2" "alice binds port 2" "alice's event through the upcall" \
  "bind_vcpu of the interdomain port to vCPU 1" "status: vCPU 1" "bind_vcpu back to vCPU 0" "send to alice" \
  "alice closes: port 2 unbound for domain 1" "send on the unbound port: dropped, 0" "close of the unbound port"
checks bob bind_and_close_the_other_way \
  "bind_interdomain to alice's port 3: port 2" "the new port is pending at once (Xen's bind)" \
  "send to alice on port 2" "close port 2" "bind_interdomain to alice's port 3 once more: port 2" \
  "alice's event on port 2 through the upcall"
checks alice peer_close_seen_by_the_allocator \
  "alloc_unbound for domain 2: port 3" "bob binds port 3" "bob's event on port 3 through the upcall" \
  "bob closes: port 3 unbound for domain 2" "bob binds port 3 again"
checks alice error_paths_alice \
  "alloc_unbound for another domain's port: -EPERM" "bind_interdomain to an undeclared domain (3): -ESRCH" \
  "bind_interdomain to a domain that is not there (77): -ESRCH" "bind_interdomain to remote port 0: -EINVAL" \
  "bind_interdomain to remote port 4096: -EINVAL" "close of port 9999: -EINVAL" \
  "status of another domain's port: -EPERM" "bind_interdomain to bob's port 2 again (not unbound): -EINVAL" \
  "close again: -EINVAL" "send on the closed port: -EINVAL"
checks bob error_paths_bob \
  "status of a domain that is not there: -ESRCH" "status of port 4096: -EINVAL" \
  "status of the console's port (the VMM's): -EACCES" "bind_vcpu to vCPU 9: -ENOENT" \
  "bind_interdomain to alice's port 2, unbound for domain 3: -EINVAL" \
  "bind_interdomain to alice's port 3 again (bound): -EINVAL" "close port 2 again: -EINVAL"
checks bob peer_end_unbinds_and_bob_runs_on \
  "alice ends: port 2 unbound for domain 1" "bind_interdomain to the ended domain 1: -ESRCH" \
  "send on the port alice's end left unbound: dropped, 0"

for who in alice bob; do
  if has "$log" "[$who uart] peers: $who: all checks passed" && ! grep -q "^\[$who uart\] peers: $who: .*FAILED" "$log"; then
    pass "all_checks_$who"
  else fail "all_checks_$who" "$(grep -m1 "^\[$who uart\] peers: $who: .*FAILED" "$log" || echo "no 'all checks passed'") (log: $log)"; fi
done

# alice's VMM's figures: her two sends went through the ring, none dropped.
if has "$log" "[alice vmm] peer channels: 1; events sent 2, dropped 0"; then pass vmm_counts_events_through_the_ring
else fail vmm_counts_events_through_the_ring "$(grep -m1 '\[alice vmm\] peer channels' "$log" || echo 'no peer line in the end report of alice') (log: $log)"; fi

if has "$log" "[bob vmm] domain 1 ended: its event channels to this guest are unbound" && bob_after_both "$log"; then
  pass guest_end_leaves_peer_running
else fail guest_end_leaves_peer_running "bob's VMM did not see alice end, or bob did not run on after it (log: $log)"; fi

# mallory binds only the port bob allocated for it (3), then random operations for ever (a line
# every 2,000); bob's checks ran meanwhile, and bob runs on.
if has "$log" "peers: mallory: bound of bob's ports 1..63: 1" && has "$log" "peers: mallory: the one it bound: bob's port 3" &&
   hammered_meanwhile "$log" && bob_after_both "$log"; then
  pass hostile_peer_binds_only_its_port_and_bob_runs_on
else fail hostile_peer_binds_only_its_port_and_bob_runs_on "mallory bound other ports of bob's, was not hammering while bob's checks ran, or bob stopped (log: $log)"; fi

# --- grants between guests: tests/system/peers/grants.bh (tests/system/vmm/guests/grants.c) ---
log=build/test-logs/grants.serial
if [ ! -s build/x86/grants.cpio ]; then
  fail grants "build/x86/grants.cpio not built"
else
  # Done when ben has run on after anna's end and mal hammered after ben's checks.
  ben_after_anna() {
    local a c
    a=$(line_of "$1" "[root] supervisor: guest anna shut down")
    c=$(line_of "$1" "grants: ben: checks passed:")
    [ -n "$a" ] && [ -n "$c" ] || return 1
    [ "$(tail -n +"$c" "$1" | grep -c 'grants: ben: alive [0-9]')" -ge 1 ] &&
      [ "$(tail -n +"$c" "$1" | grep -c 'grants: mal: random operations so far: [0-9]')" -ge 1 ]
  }
  boot_start build/x86/grants.cpio "$log"
  wait_for ben_after_anna 240
  boot_stop
  if has "$log" "PANIC"; then fail grants_no_kernel_panic "the kernel panicked (log: $log)"; else pass grants_no_kernel_panic; fi
  if grep -q "supervisor: .* fault" "$log"; then fail grants_no_vmm_fault "$(grep -m1 'supervisor: .* fault' "$log")"
  else pass grants_no_vmm_fault; fi
  # gchecks NAME TEST LINE...: every "grants: NAME: LINE: ok" is there.
  gchecks() {
    local who=$1 test=$2 m bad=""; shift 2
    for m in "$@"; do grep -qF "grants: $who: $m: ok" "$log" || { bad=$m; break; }; done
    if [ -z "$bad" ]; then pass "$test"
    else fail "$test" "no 'grants: $who: $bad: ok': $(grep -m1 -F "grants: $who: $bad" "$log" || echo 'line missing') (log: $log)"; fi
  }
  gchecks ben grant_map_read_write_and_read_only \
    "map anna's ref 8 read-write at 2 GiB" "anna's data read through the mapping" "map anna's ref 9 read-only" \
    "anna's read-only data read"
  gchecks anna grant_mapper_writes_granter_sees \
    "ben's write through his mapping of ref 8" "ref 8 mapped read-write: GTF_reading and GTF_writing set" \
    "ref 9 mapped read-only: GTF_reading set, GTF_writing clear"
  gchecks ben grant_read_only_write_dropped "a write to the read-only mapping is dropped: the page is unchanged"
  gchecks anna grant_read_only_page_unchanged "the read-only page is unchanged by ben's write"
  if has "$log" "[ben vmm] write to the read-only grant mapping at guest-physical 0x80001040"; then pass grant_read_only_write_said
  else fail grant_read_only_write_said "ben's VMM did not say it dropped the write (log: $log)"; fi
  gchecks anna grant_end_access_fails_while_mapped_succeeds_after \
    "ending ref 8 while mapped fails" "ending ref 9 while mapped fails" \
    "unmapped: ref 8's GTF_reading and GTF_writing clear" "unmapped: ref 9's GTF_reading clear" \
    "ending ref 8 after the unmap succeeds" "ending ref 9 after the unmap succeeds"
  gchecks ben grant_entry_rewritten_while_mapped_changes_nothing \
    "anna rewrote ref 8 (her mark seen through our mapping: still her page)" \
    "ref 8 mapped again read-write after the rewrite: the pinned frame, not the entry's new one"
  gchecks ben grant_map_error_codes \
    "map without host_map or device_map: GNTST_bad_gntref" \
    "map with device_map (an auto-translated guest): GNTST_general_error" "map with contains_pte: GNTST_general_error" \
    "map of an undeclared domain (77): GNTST_bad_domain" "map of domain 3 (no grant channel to it): GNTST_bad_domain" \
    "map of the read-only ref 9 read-write: GNTST_general_error" "map of ref 10, granted to domain 3: GNTST_general_error" \
    "map of ref 11, not permit_access: GNTST_general_error" "map of ref 5000, beyond the table: GNTST_bad_gntref" \
    "map at host_addr 1 MiB, inside RAM: GNTST_general_error" "map where ref 8 is mapped already: GNTST_general_error"
  gchecks ben grant_unmap_error_codes \
    "unmap of handle 9999: GNTST_bad_handle" "unmap of handle 0, never mapped: GNTST_bad_handle" \
    "unmap with another host_addr: GNTST_general_error" "unmap with host_addr 0: GNTST_okay, the mapping stays (Xen's)" \
    "unmap of ref 9's mapping" "unmap of ref 8's mapping" \
    "unmap again: GNTST_bad_handle" "the unmapped address reads all ones" "unmap of the second mapping"
  gchecks ben grant_granter_quota_per_peer \
    "62 more maps of ref 13: the granter's quota of 64 for us" "the 65th page at once: GNTST_no_space from the granter" \
    "the 62 unmapped" "then a map of ref 13 succeeds again"
  gchecks ben grant_copy_both_ways \
    "copy 200 bytes from anna's ref 12 at offset 100 to our RAM at offset 300" \
    "copy 64 bytes from our RAM at offset 40 into anna's ref 13 at offset 1000" "copy of our end mark into ref 13"
  gchecks anna grant_copy_lands_in_the_granter \
    "ben's copy into ref 13 (offset 0: his end mark)" \
    "ben's 64-byte copy from his RAM (offset 40) landed at offset 1000 of ref 13" "the rest of ref 13's page untouched" \
    "the copy source page is unchanged"
  gchecks ben grant_copy_error_codes \
    "copy with source offset + length past the page: GNTST_bad_copy_arg" \
    "copy to a frame of another domain: GNTST_permission_denied" "copy into the read-only ref 9: GNTST_general_error" \
    "copy into an undeclared domain's grant: GNTST_bad_domain" "copy of length 0: GNTST_okay, nothing checked"
  gchecks ben grant_granter_dies_page_gone_mapper_runs_on \
    "map anna's ref 15" "anna ended: her page at our address reads all ones" \
    "map of the ended domain 1's grant: GNTST_bad_domain" "copy from the ended domain 1's grant: GNTST_bad_domain" \
    "unmap of the mapping of the ended domain's page"
  gchecks anna grant_mapper_dies_pin_dropped \
    "dan's write through his mapping of ref 16" "dan ended with ref 16 mapped: its GTF_reading and GTF_writing cleared" \
    "ending ref 16 after dan's end succeeds"
  if has "$log" "[root] supervisor: guest anna: what its VMM derived revoked, what it took in deleted" &&
     has "$log" "[anna vmm] domain 4 ended: its event channels to this guest are unbound, 1 pages it held taken back"; then
    pass grant_teardown_said
  else fail grant_teardown_said "no revoke line for anna from the root, or anna's VMM did not take back dan's page (log: $log)"; fi
  for who in anna ben dan; do
    if grep -qF "grants: $who: all checks passed" "$log" && ! grep -q "grants: $who: .*FAILED" "$log"; then
      pass "grant_all_checks_$who"
    else fail "grant_all_checks_$who" "$(grep -m1 "grants: $who: .*FAILED" "$log" || echo "no 'all checks passed'") (log: $log)"; fi
  done
  # mal maps only its own grant, then hammers anna with random ops while anna and ben work.
  m=$(line_of "$log" "grants: mal: random operations so far:")
  c=$(line_of "$log" "grants: ben: checks passed:")
  if grep -qF "grants: mal: map anna's ref 14, granted to us: ok" "$log" &&
     grep -qF "grants: mal: map anna's ref 8, granted to ben: GNTST_general_error: ok" "$log" &&
     [ -n "$m" ] && [ -n "$c" ] && [ "$m" -lt "$c" ] && ben_after_anna "$log"; then
    pass grant_hostile_peer_and_the_others_run_on
  else fail grant_hostile_peer_and_the_others_run_on "mal mapped what was not its own, did not hammer while ben worked, or ben stopped (log: $log)"; fi
fi

# --- the root refuses broken peer channels (tests/system/spec/corrupt.sh badpeers), each named,
# and stays up
log=build/test-logs/peers-spec.serial
if [ ! -s build/x86/spec-peers.cpio ]; then
  fail spec_bad_peer_channels_refused "build/x86/spec-peers.cpio not built"
else
  boot build/x86/spec-peers.cpio "$log" "[root] error: system.spec refused" 60
  ok=1
  for m in "guest 'alice': its peer channel 0 names domain 9, which is no other guest of the system" \
           "guest 'bob': its VMM lacks a capability of its peer channel 1 (to domain 3: its endpoint, the peer's endpoint or event line) or the channel's ring mapped in it" \
           "guest 'mallory': its VMM has 2 threads for 1 vCPUs and 0 peer channels, or no VCPU"; do
    has "$log" "[root] error: system.spec refused: $m" || { ok=0; fail spec_bad_peer_channels_refused "missing '$m' (log: $log)"; break; }
  done
  if [ $ok = 1 ] && (has "$log" "[root] started" || has "$log" "PANIC"); then
    ok=0; fail spec_bad_peer_channels_refused "something started, or the kernel panicked (log: $log)"
  fi
  [ $ok = 1 ] && pass spec_bad_peer_channels_refused
fi
