#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026 The Bulkhead authors
#
# Regenerates the IDL goldens on purpose: tests/idl/golden/<example>/ from the examples (idl/examples,
# servers/demo/default.bh) and
# tests/idl/errors/*.expected from the error fixtures. Review the diff before committing.
# Run from anywhere after a build (ninja build/idl/bhidl).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/idl/golden.sh
for ex in "${idl_examples[@]}"; do
  idl_golden_output "$ex" "tests/idl/golden/$ex"
  echo "golden: tests/idl/golden/$ex"
done
for f in tests/idl/errors/*.bh; do
  build/idl/bhidl --check "$f" >/dev/null 2>"${f%.bh}.expected" && {
    echo "error fixture $f compiled without errors" >&2
    exit 1
  }
  true
done
echo "error fixtures: $(ls tests/idl/errors/*.bh | wc -l) expected outputs written"
git status --short tests/idl
