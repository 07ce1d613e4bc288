#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# The bench suite: the output helpers of ./bulkhead bench (tools/bench-lib.sh) on the host.
# Numbers as bc prints them (".91") become valid JSON; medians and spreads; a file the IDL
# benchmark writes parses; every build/bench/*.json and *.svg a bench run left parses (with
# Debian's python3, or jq for JSON). Builds nothing: run after the build (build/idl/bhidl-fast).
# One line per test: "PASS bench.<test>" or "FAIL bench.<test>: <why>".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tools/bench-lib.sh
pass() { echo "PASS bench.$1"; }
fail() { echo "FAIL bench.$1: $2"; }
work=build/bench-test
rm -rf "$work" && mkdir -p "$work"

if ! parser=$(json_parser); then fail json_parser "neither /usr/bin/python3 nor jq"; exit 1; fi

# A ratio below 1 as bc prints it, and other shapes, inside a JSON document like linux.json's.
ratio=$(echo "scale=2; 91 / 100" | bc)
neg=$(echo "scale=2; -1 / 2" | bc)
printf '[{"value": %s, "neg": %s, "runs": %s, "missing": %s, "bad": %s}]\n' "$(json_num "$ratio")" \
  "$(json_num "$neg")" "$(json_list "$ratio" 1.5 12 "")" "$(json_num "")" "$(json_num 1e)" >"$work/numbers.json"
if $parser "$work/numbers.json" >/dev/null 2>&1 && grep -q '"value": 0.91, "neg": -0.50, "runs": \[0.91, 1.5, 12, null\], "missing": null, "bad": null' "$work/numbers.json"; then
  pass json_numbers_from_bc
else
  fail json_numbers_from_bc "$(cat "$work/numbers.json")"
fi
# What the writers did before json_num: the raw bc value is not JSON (the check must see it).
printf '[{"value": %s}]\n' "$ratio" >"$work/raw.json"
if json_check "$work/raw.json" 2>/dev/null; then fail json_check_refuses "accepted $(cat "$work/raw.json")"; else pass json_check_refuses; fi

got=$(median_spread 6.2 3.1 4.4 5 4); [ "$got" = "4.4 3.1 6.2" ] && pass median_odd || fail median_odd "$got"
got=$(median_spread .5 .7 1234.5 2); [ "$got" = "1.35 0.5 1234.5" ] && pass median_even || fail median_even "$got"

# A real writer: the IDL benchmark (one run) writes idl.json and idl.svg.
if [ -x build/idl/bhidl-fast ]; then
  cp -a build/bench/idl.json "$work/idl.json.kept" 2>/dev/null || true
  if tools/bench-idl.sh 1 >"$work/idl.log" 2>&1 && json_check build/bench/idl.json; then pass idl_json_parses; else fail idl_json_parses "$(tail -3 "$work/idl.log")"; fi
else
  fail idl_json_parses "build/idl/bhidl-fast not built"
fi

# Whatever a bench run left: every JSON and SVG file parses.
bad=""
for f in build/bench/*.json; do json_check "$f" 2>/dev/null || bad+=" $f"; done
[ -z "$bad" ] && pass every_json_parses || fail every_json_parses "invalid:$bad"
if [ -x /usr/bin/python3 ]; then
  printf 'a|0.5|1\nb & c|-|2\n' | svg_bars "$work/chart.svg" "x < y" one two
  bad=""
  for f in "$work/chart.svg" build/bench/*.svg; do
    [ -f "$f" ] || continue
    /usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$f" 2>/dev/null || bad+=" $f"
  done
  [ -z "$bad" ] && grep -q '<rect x="360" y="56" width="95"' "$work/chart.svg" && pass svg_charts_parse || fail svg_charts_parse "invalid:$bad"
fi
