# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Shared by tests/suites/idl.sh and tests/idl/update-goldens.sh (sourced, not run).
# The golden examples and how one golden directory is produced from an example.

idl_examples=(default vm_pair sensors large)

# idl_example_file EXAMPLE: idl/examples/EXAMPLE.bh, but the default system's one source is
# the one that boots, servers/demo/default.bh.
idl_example_file() {
  if [ "$1" = default ]; then echo servers/demo/default.bh; else echo "idl/examples/$1.bh"; fi
}

# idl_golden_output EXAMPLE DIR: compile the example into DIR the way the goldens hold it:
# per-instance glue, report.txt, system.dot and spec.txt (the --dump-spec text).
# The binary spec and the SVG (whose bytes depend on the Graphviz version) are not kept.
idl_golden_output() {
  local ex=$1 dir=$2 bhidl=${BHIDL:-build/idl/bhidl}
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  "$bhidl" -o "$dir" --graph "$(idl_example_file "$ex")" || return 1
  "$bhidl" --dump-spec "$dir/system.spec" >"$dir/spec.txt" || return 1
  rm -f "$dir/system.spec" "$dir/system.svg"
}
