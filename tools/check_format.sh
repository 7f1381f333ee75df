#!/usr/bin/env bash
# Fails when a source file differs from what clang-format (.clang-format) would make of it.
# Usage: check_format.sh SOURCE_DIR. `make format` rewrites the files in place.
set -euo pipefail
cd "$1"
format=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$format" ]; then
  echo "clang-format not found (scripts/install-deps.sh installs it)"
  exit 1
fi
# tests/node holds npm's node_modules (third-party C++ of native addons): not ours to format.
files=$(find src tests bench -path tests/node -prune -o \( -name '*.h' -o -name '*.cc' \) -print | sort)
if ! "$format" --dry-run -Werror $files; then
  echo "run 'make format' to reformat"
  exit 1
fi
echo "format: ok ($(echo "$files" | wc -l) files)"
