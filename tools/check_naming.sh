#!/usr/bin/env bash
# Runs clang-tidy's naming rules (.clang-tidy) over every source file of src/.
# Usage: check_naming.sh SOURCE_DIR BUILD_DIR (BUILD_DIR holds compile_commands.json)
set -euo pipefail
src_dir=$1
build_dir=$2
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
if [ -z "$tidy" ]; then
  echo "clang-tidy not found (scripts/install-deps.sh installs it)"
  exit 1
fi
find "$src_dir/src" -name '*.cc' -print0 |
  xargs -0 -n 4 -P "$(nproc)" "$tidy" -p "$build_dir" --quiet --extra-arg=-Wno-unknown-warning-option 2>&1 |
  grep -v -E '^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter|^$' > "$build_dir/clang-tidy.log" || true
if grep -q -E 'error:|warning:' "$build_dir/clang-tidy.log"; then
  cat "$build_dir/clang-tidy.log"
  exit 1
fi
echo "naming: ok ($(find "$src_dir/src" -name '*.cc' | wc -l) files)"
