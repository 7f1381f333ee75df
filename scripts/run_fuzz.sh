#!/usr/bin/env bash
# Runs every fuzz target of a PRO380_FUZZ build for a bounded time, two at a time, each on a
# copy of its seed corpus (tests/fuzz/corpus/<target>/) inside the build directory, so the
# repository is never written. Fails when any target finds a crash, a leak, undefined behaviour,
# a broken invariant or a timeout; the input is then in BUILD_DIR/fuzz-runs/<target>/.
# Usage: run_fuzz.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
build_dir=$1
seconds=$2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
runs="$build_dir/fuzz-runs"
targets=$(cd "$source_dir/tests/fuzz/corpus" && ls)

run_one() {
  local target=$1 dir="$runs/$1"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$source_dir/tests/fuzz/corpus/$target/"* "$dir/corpus/"
  if "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$dir/artifacts/" -print_final_stats=1 "$dir/corpus" >"$dir/log" 2>&1; then
    echo "fuzz $target: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" |
      grep -o '[0-9]*$') runs, corpus $(ls "$dir/corpus" | wc -l) files)"
  else
    echo "fuzz $target: FAILED; log $dir/log, input in $dir/artifacts/"
    tail -n 40 "$dir/log"
    return 1
  fi
}

export -f run_one
export build_dir seconds source_dir runs
mkdir -p "$runs"
status=0
printf '%s\n' $targets | xargs -P 2 -I{} bash -c 'run_one {}' || status=1
exit $status
