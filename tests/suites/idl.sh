#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The IDL suite: goldens of generated glue, reports, graphs and spec dumps for the examples;
# the generated glue compiled with strict warnings by gcc and clang; one fixture per error kind (exact message
# and location); the marshalling round trip; spec-reader corruption tests; the freestanding
# spec reader; a fuzz smoke run of each IDL fuzzer. Builds nothing: run after the build.
# One line per test: "PASS idl.<test>" or "FAIL idl.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/fuzz/host/smoke-flags.sh
. tests/idl/golden.sh
b=build/idl
bhidl=$b/bhidl
out=$b/test-out
fuzz_seconds=${IDL_FUZZ_SECONDS:-20}
rm -rf "$out" && mkdir -p "$out"

pass() { echo "PASS idl.$1"; }
fail() { echo "FAIL idl.$1: $2"; }

if [ ! -x "$bhidl" ]; then
  fail build "$bhidl not built"
  exit 1
fi

# ---- fuzzers start first and run in the background while the rest goes on ----
fuzz_start() {
  local t=$1 dir=$b/fuzz-smoke/$1
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  cp tests/fuzz/host/corpus/"$t"/* "$dir/corpus/"
  (cd "$dir" && exec "../../../fuzz/$t" $(fuzz_smoke_flags "$t" "$fuzz_seconds") -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 corpus >log 2>&1) &
  eval "fuzz_pid_$t=$!"
}
fuzz_done() {
  local t=$1 pid rc=0
  eval "pid=\$fuzz_pid_$t"
  wait "$pid" || rc=$?
  echo "--- fuzz $t ($b/fuzz-smoke/$t/log)"
  grep -E '^(stat::|#[0-9]+ +DONE)' "$b/fuzz-smoke/$t/log" || true
  if [ "$rc" -eq 0 ]; then
    pass "fuzz_$t"
  else
    fail "fuzz_$t" "exited with status $rc; crash input in $b/fuzz-smoke/$t/"
    grep -E 'ERROR|SUMMARY|Test unit written' "$b/fuzz-smoke/$t/log" | head -5 | sed 's/^/    /'
  fi
}
for t in idl spec; do
  if [ -x build/fuzz/$t ]; then fuzz_start $t; fi
done

# ---- goldens: glue, report, DOT graph and spec dump of each example ----
strict="-std=c11 -Wall -Wextra -Werror -Wconversion -Wshadow -Wsign-conversion -Wstrict-prototypes -Wmissing-prototypes"
for ex in "${idl_examples[@]}"; do
  if ! idl_golden_output "$ex" "$out/$ex" 2>"$out/$ex.stderr"; then
    fail "golden_$ex" "bhidl failed: $(head -3 "$out/$ex.stderr")"
    continue
  fi
  if d=$(diff -r "tests/idl/golden/$ex" "$out/$ex"); then
    pass "golden_$ex"
  else
    fail "golden_$ex" "output differs from tests/idl/golden/$ex (tests/idl/update-goldens.sh regenerates on purpose)"
    printf '%s\n' "$d" | head -40
  fi
  bad=""
  for g in "$out/$ex"/*/glue.c; do
    dir=$(dirname "$g")
    for cc in gcc clang; do
      $cc $strict -Wpedantic -Iuser/include -Iuser/arch/x86_64/include -Itests/idl/abi -Ibuild/gen/include -I"$dir" -c "$g" \
        -o "$dir/glue-$cc.o" 2>>"$out/$ex.cc.log" || bad="$bad $(basename "$dir")($cc)"
    done
  done
  if [ -z "$bad" ]; then pass "glue_compiles_$ex"; else fail "glue_compiles_$ex" "gcc failed for:$bad (see $out/$ex.cc.log)"; cat "$out/$ex.cc.log"; fi
done

# ---- the SVG graph, through Graphviz ----
if "$bhidl" -o "$out/graph" --graph --no-glue idl/examples/vm_pair.bh && grep -q '<svg' "$out/graph/system.svg" &&
   grep -q 'cluster_' "$out/graph/system.dot" && grep -q 'style=bold, color=purple' "$out/graph/system.dot"; then
  pass graph_svg
else
  fail graph_svg "no SVG with partition clusters and channel edges in $out/graph"
fi

# ---- one fixture per error kind: exact messages, locations and exit status ----
for f in tests/idl/errors/*.bh; do
  n=$(basename "$f" .bh)
  rc=0
  "$bhidl" --check "$f" >"$out/err-$n.stdout" 2>"$out/err-$n.stderr" || rc=$?
  if [ "$rc" -ne 1 ]; then
    fail "error_$n" "exit status $rc, expected 1"
  elif ! d=$(diff "${f%.bh}.expected" "$out/err-$n.stderr"); then
    fail "error_$n" "messages differ: $(printf '%s' "$d" | head -4 | tr '\n' ' ')"
  elif [ "$n" != multiple_errors ] && ! grep -q "\[$n\]" "$out/err-$n.stderr"; then
    fail "error_$n" "no diagnostic is named [$n]"
  else
    pass "error_$n"
  fi
done
# the kept ranges are the platform's: the same device memory is accepted on POWER9
sed 's/arch x86_pvh/arch power9/' tests/idl/errors/device_memory_kept_by_kernel.bh >"$out/kept-power9.bh"
if "$bhidl" --check "$out/kept-power9.bh" 2>"$out/kept-power9.stderr"; then pass kept_ranges_per_platform
else fail kept_ranges_per_platform "x86's interrupt controllers refused on POWER9: $(head -2 "$out/kept-power9.stderr")"; fi
# a power9 guest on a power9 platform is accepted (the default POWER9 system's Linux guest), and
# its spec says so: guest arch byte 1, no grant frames
if "$bhidl" servers/demo/default-power9.bh -o "$out/p9" >/dev/null 2>"$out/p9.stderr" &&
  "$bhidl" --dump-spec "$out/p9/system.spec" 2>/dev/null | grep -E "^  \[0\] instance=[0-9]+ power9 " | grep -qv "grant="; then pass power9_guest_accepted
else fail power9_guest_accepted "default-power9.bh's Linux guest refused or not in its spec: $(head -2 "$out/p9.stderr")"; fi
# recovery: one run reports several errors
if [ "$(grep -c ': error: ' tests/idl/errors/multiple_errors.expected)" -ge 3 ]; then pass error_recovery
else fail error_recovery "multiple_errors.bh should report at least 3 errors in one run"; fi

# ---- command line ----
rc=0; "$bhidl" >/dev/null 2>&1 || rc=$?
if [ "$rc" -eq 2 ]; then pass cli_usage; else fail cli_usage "no arguments should exit 2, got $rc"; fi
rc=0; "$bhidl" --check /nonexistent.bh 2>/dev/null || rc=$?
if [ "$rc" -eq 1 ]; then pass cli_missing_file; else fail cli_missing_file "a missing file should exit 1, got $rc"; fi
# Conventional command-line errors: named, exit 2, nothing done.
rc=0; msg=$("$bhidl" --frobnicate servers/demo/default.bh 2>&1) || rc=$?
if [ "$rc" -eq 2 ] && [ "$msg" = "bhidl: unknown option '--frobnicate' (see bhidl --help)" ]; then pass cli_unknown_option_named
else fail cli_unknown_option_named "exit $rc: $msg"; fi
rc=0; msg=$("$bhidl" servers/demo/default.bh -o 2>&1) || rc=$?
if [ "$rc" -eq 2 ] && [ "$msg" = "bhidl: -o needs a folder (see bhidl --help)" ]; then pass cli_option_without_value
else fail cli_option_without_value "exit $rc: $msg"; fi
rc=0; msg=$("$bhidl" a.bh b.bh 2>&1) || rc=$?
if [ "$rc" -eq 2 ] && [[ "$msg" == *"one system description at a time"* ]]; then pass cli_two_inputs_refused
else fail cli_two_inputs_refused "exit $rc: $msg"; fi
rm -rf "$out/deep"
if "$bhidl" -o "$out/deep/er/out" --spec "$out/deep/spec/dir/s.spec" servers/demo/default.bh &&
   [ -s "$out/deep/er/out/report.txt" ] && [ -s "$out/deep/spec/dir/s.spec" ]; then pass cli_output_parents_created
else fail cli_output_parents_created "bhidl -o a/b/c did not create the missing folders"; fi

# ---- trusted servers: a declared, reviewed exception to the flow model ----
pc=tests/idl/policy/shared_console.bh
rm -rf "$out/trust" && mkdir -p "$out/trust"
rc=0; "$bhidl" -o "$out/trust/fail" --graph --no-glue "$pc" 2>"$out/trust/fail.stderr" || rc=$?
if [ "$rc" -eq 1 ] && grep -q "information flows r -> con -> w" "$out/trust/fail.stderr" &&
   grep -q "no_flow r -> w: VIOLATED: information flows r -> con -> w" "$out/trust/fail/report.txt" &&
   grep -q '<svg' "$out/trust/fail/system.svg" && [ ! -e "$out/trust/fail/system.spec" ]; then
  pass policy_failure_still_writes_report_and_picture
else fail policy_failure_still_writes_report_and_picture "exit $rc; see $out/trust"; fi
sed 's|^    policy no_flow r -> w;|&\n    policy trusted con "one ring per client; a client reads only its own input";|' "$pc" >"$out/trust/t.bh"
if "$bhidl" -o "$out/trust/ok" --graph --no-glue "$out/trust/t.bh" &&
   grep -q "^  con: one ring per client; a client reads only its own input" "$out/trust/ok/report.txt" &&
   grep -q "no_flow r -> w: holds" "$out/trust/ok/report.txt" && grep -q 'peripheries=2' "$out/trust/ok/system.dot"; then
  pass policy_trusted_server_separates_its_clients
else fail policy_trusted_server_separates_its_clients "see $out/trust/ok"; fi
# trust ends paths through the server, not flows to it
sed 's|^    policy no_flow r -> w;|    policy no_flow r -> con;\n    policy trusted con "one ring per client";|' "$pc" >"$out/trust/direct.bh"
rc=0; "$bhidl" --check "$out/trust/direct.bh" 2>"$out/trust/direct.stderr" || rc=$?
if [ "$rc" -eq 1 ] && grep -q "information flows r -> con (rpc r.log -> con.out)" "$out/trust/direct.stderr"; then
  pass policy_trusted_server_still_receives
else fail policy_trusted_server_still_receives "exit $rc: $(head -2 "$out/trust/direct.stderr")"; fi

# ---- guests joined by a channel: a flow both ways, in the report and the picture ----
gc=tests/idl/policy/guest_channel.bh
rm -rf "$out/guests" && mkdir -p "$out/guests"
rc=0; "$bhidl" -o "$out/guests/fail" --graph --no-glue "$gc" 2>"$out/guests/fail.stderr" || rc=$?
if [ "$rc" -eq 1 ] && grep -q "policy 'no_flow user -> driver' is violated: information flows user -> driver (channel user.back_events <-> driver.front_events)" "$out/guests/fail.stderr" &&
   grep -q "^  user -> driver  via channel user.back_events <-> driver.front_events" "$out/guests/fail/report.txt" &&
   grep -q "^  driver -> user  via channel user.back_events <-> driver.front_events" "$out/guests/fail/report.txt" &&
   grep -q '"user" -> "driver" \[label="channel front_events", style=bold, color=purple, dir=both\]' "$out/guests/fail/system.dot" &&
   [ ! -e "$out/guests/fail/system.spec" ]; then
  pass policy_no_flow_between_guests_joined_by_a_channel
else fail policy_no_flow_between_guests_joined_by_a_channel "exit $rc; see $out/guests"; fi
# without the policy: each guest's record names the other as its peer (domain ids 1 and 2)
sed '/policy no_flow/d' "$gc" >"$out/guests/ok.bh"
if "$bhidl" -o "$out/guests/ok" --no-glue "$out/guests/ok.bh" &&
   "$bhidl" --dump-spec "$out/guests/ok/system.spec" >"$out/guests/ok/spec.txt" &&
   grep -q "domid=1 peer0=event:dom2:side0:" "$out/guests/ok/spec.txt" &&
   grep -q "domid=2 peer0=event:dom1:side1:" "$out/guests/ok/spec.txt" &&
   [ "$(grep -c '] tcb .*\.peer0\.tcb$' "$out/guests/ok/spec.txt")" -eq 2 ]; then
  pass guest_channel_in_the_spec_with_a_service_thread
else fail guest_channel_in_the_spec_with_a_service_thread "see $out/guests/ok/spec.txt"; fi

# ---- Xen PV devices between guests (connect vif/vbd): flows, report, picture, glue, spec ----
pv=tests/system/pvpair/pvpair.bh
rm -rf "$out/pv" && mkdir -p "$out/pv"
sed 's|^    policy trusted xenstore|    policy no_flow user -> dd;\n&|' "$pv" >"$out/pv/noflow.bh"
rc=0; "$bhidl" -o "$out/pv/fail" --graph --no-glue "$out/pv/noflow.bh" 2>"$out/pv/fail.stderr" || rc=$?
if [ "$rc" -eq 1 ] && grep -q "policy 'no_flow user -> dd' is violated: information flows user -> dd (vif user.net -> dd.user_net; vbd user.disk -> dd.user_disk)" "$out/pv/fail.stderr" &&
   [ ! -e "$out/pv/fail/system.spec" ]; then
  pass pv_device_no_flow_fails
else fail pv_device_no_flow_fails "exit $rc: $(head -2 "$out/pv/fail.stderr")"; fi
if "$bhidl" -o "$out/pv/ok" --graph "$pv" && "$bhidl" --dump-spec "$out/pv/ok/system.spec" >"$out/pv/ok/spec.txt" &&
   grep -qx '  vif 0: user (domain 2) -> dd (domain 1) over user.net <-> dd.user_net, xenstore xenstore, mac 00:16:3e:00:02:00, bridge xenbr0' "$out/pv/ok/report.txt" &&
   grep -qx '  vbd 51712: user (domain 2) -> dd (domain 1) over user.disk <-> dd.user_disk, xenstore xenstore, xvda, target /dev/loop0, physical-device 7:0, read/write' "$out/pv/ok/report.txt" &&
   grep -q '^  user -> dd  via vif user.net -> dd.user_net; vbd user.disk -> dd.user_disk' "$out/pv/ok/report.txt" &&
   grep -q '"user" -> "dd" \[label="vif 0 (00:16:3e:00:02:00)", style=bold, color=darkorange, dir=both\]' "$out/pv/ok/system.dot" &&
   grep -q '"user" -> "dd" \[label="vbd 51712 (xvda)", style=bold, color=darkorange, dir=both\]' "$out/pv/ok/system.dot" &&
   grep -q '^#define PV_DEVICE_COUNT 2u' "$out/pv/ok/xenstore/glue.h" &&
   grep -q '{.kind = "vbd", .devid = 51712u, .front_domid = 2u, .back_domid = 1u, .front = "user", .back = "dd",' "$out/pv/ok/xenstore/glue.h" &&
   ! grep -q PV_DEVICE "$out/pv/ok/console/glue.h" &&
   [ "$(grep -c 'domid=1 peer.=grant:dom2:side1:' "$out/pv/ok/spec.txt")" -eq 1 ] &&
   grep -q 'domid=2 peer0=grant:dom1:side0:.* peer1=grant:dom1:side0:' "$out/pv/ok/spec.txt"; then
  pass pv_devices_in_report_picture_glue_and_spec
else fail pv_devices_in_report_picture_glue_and_spec "see $out/pv/ok"; fi
# the device table compiles into the xenstore server's struct (servers/xenstore/tree.h)
printf '#include "glue.h"\n#include "tree.h"\nconst struct xs_device devs[] = PV_DEVICE_TABLE;\n_Static_assert(sizeof devs / sizeof devs[0] == PV_DEVICE_COUNT, "count");\n' >"$out/pv/table.c"
if gcc $strict -Wpedantic -Iuser/include -Iuser/arch/x86_64/include -Itests/idl/abi -Ibuild/gen/include -I"$out/pv/ok/xenstore" \
     -Iservers/xenstore -c "$out/pv/table.c" -o "$out/pv/table.o" 2>"$out/pv/table.log"; then
  pass pv_device_table_compiles_against_the_server
else fail pv_device_table_compiles_against_the_server "$(head -3 "$out/pv/table.log")"; fi

# ---- determinism: the same input gives byte-identical specs ----
"$bhidl" -o "$out/det1" idl/examples/large.bh && "$bhidl" -o "$out/det2" idl/examples/large.bh
if cmp -s "$out/det1/system.spec" "$out/det2/system.spec" && diff -rq "$out/det1" "$out/det2" >/dev/null; then
  pass deterministic
else
  fail deterministic "two runs on large.bh differ"
fi

# ---- no fixed limits: far more than Microkit's 63 protection domains ----
{
  echo 'interface ping { u64 ping(in u64 v); }'
  echo 'component srv { provides ping p; }'
  echo 'component cli { uses ping p; emits e; consumes e2; }'
  echo 'assembly {'
  for i in $(seq 0 299); do echo "  instance srv s$i; instance cli c$i;"; done
  for i in $(seq 0 299); do echo "  connect rpc c$i.p -> s$((i % 50)).p;"; done
  for i in $(seq 0 299); do echo "  connect event c$i.e -> c$(((i + 1) % 300)).e2;"; done
  echo '}'
} >"$out/many.bh"
if "$bhidl" -o "$out/many" --no-glue "$out/many.bh" && "$bhidl" --dump-spec "$out/many/system.spec" >"$out/many/spec.txt" &&
   grep -q '^instances 600$' "$out/many/spec.txt"; then
  pass no_small_limits
else
  fail no_small_limits "600 instances did not compile"
fi

# ---- too_many_address_spaces: the ASID pools the root server can make (7 of 512) name 3,584
# spaces; generated here rather than kept as a 3,585-line fixture ----
for n in 3584 3585; do
  { echo 'component c { }'; echo 'assembly {'; for i in $(seq 1 $n); do echo "  instance c x$i;"; done; echo '}'; } >"$out/spaces-$n.bh"
done
rc=0; "$bhidl" --check "$out/spaces-3584.bh" 2>"$out/spaces-3584.stderr" || rc=$?
rc2=0; "$bhidl" --check "$out/spaces-3585.bh" 2>"$out/spaces-3585.stderr" || rc2=$?
want="$out/spaces-3585.bh:2:1: error: the system needs 3585 address spaces (a VSpace per instance, a GuestSpace per guest) but the kernel's ASID pools the root server can make name at most 3584 (7 pools of 512) [too_many_address_spaces]
bhidl: 1 error"
if [ "$rc" -eq 0 ] && [ "$rc2" -eq 1 ] && [ "$(cat "$out/spaces-3585.stderr")" = "$want" ]; then
  pass error_too_many_address_spaces
else
  fail error_too_many_address_spaces "3584 spaces: status $rc; 3585: status $rc2, $(head -c 300 "$out/spaces-3585.stderr")"
fi

# ---- the marshalling round trip (prints its own lines) ----
if [ -x $b/rt_harness ]; then
  rc=0; o=$($b/rt_harness 2>"$out/rt.stderr") || rc=$?
  printf '%s\n' "$o"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$o"; then fail marshal "harness exited $rc: $(head -3 "$out/rt.stderr")"; fi
else
  fail marshal "$b/rt_harness not built"
fi

# ---- the spec reader: every truncation, flipped bytes, targeted corruptions ----
"$bhidl" -o "$out/spec" --no-glue servers/demo/default.bh
if [ -x $b/spec_test ]; then
  rc=0; o=$($b/spec_test "$out/spec/system.spec" 2>"$out/spec_test.stderr") || rc=$?
  printf '%s\n' "$o"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$o"; then fail spec_test "exited $rc: $(head -3 "$out/spec_test.stderr")"; fi
else
  fail spec_test "$b/spec_test not built"
fi
head -c 100 "$out/spec/system.spec" >"$out/spec/truncated.spec"
rc=0; "$bhidl" --dump-spec "$out/spec/truncated.spec" >/dev/null 2>"$out/dump.stderr" || rc=$?
if [ "$rc" -eq 1 ] && grep -q 'invalid specification: truncated.*(at offset 100)' "$out/dump.stderr"; then
  pass dump_spec_refuses_truncated
else
  fail dump_spec_refuses_truncated "expected exit 1 and a 'truncated ... at offset 100' message, got $rc: $(cat "$out/dump.stderr")"
fi

# ---- lib/spec is freestanding: no undefined symbol at all ----
if [ -e $b/fs/spec.o ]; then
  u=$(nm -u $b/fs/spec.o)
  if [ -z "$u" ]; then pass spec_freestanding; else fail spec_freestanding "undefined symbols: $(echo $u)"; fi
else
  fail spec_freestanding "$b/fs/spec.o not built"
fi

for t in idl spec; do
  if [ -x build/fuzz/$t ]; then fuzz_done $t; else fail "fuzz_$t" "build/fuzz/$t not built"; fi
done
