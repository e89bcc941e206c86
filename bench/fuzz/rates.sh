#!/usr/bin/env bash
# Executions per second of every fuzz target (fuzz/targets.cmake), each run for SECONDS (default
# 10) exactly as `scripts/test` runs it (fuzz/run.sh: ASan/UBSan, halt on error, its seeds plus
# what earlier runs found), with the machine's load before each run. Builds the fuzz targets
# first (fuzz/build.sh into <build>/fuzz-build; needs clang). Exits non-zero if a target fails.
#
# Usage: bench/fuzz/rates.sh [seconds=10]   (BUILD_DIR as scripts/build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
FUZZ_BUILD=$ROOT/${BUILD_DIR:-build}/fuzz-build
SECONDS_EACH=${1:-10}
sh fuzz/build.sh "$ROOT" "$FUZZ_BUILD" >/dev/null
# The target names: the first word of each pair in fuzz/targets.cmake.
targets=$(sed -n '/set(FUZZ_TARGETS/,/)/p' fuzz/targets.cmake | grep -oE '^\s+[a-z0-9_]+ ' | tr -d ' ')
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
printf '%-22s %10s %8s %6s %s\n' target execs exec/s cov load
for t in $targets; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  if ! FUZZ_SECONDS=$SECONDS_EACH sh fuzz/run.sh "$FUZZ_BUILD" "$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    failed=1
    echo "$t FAILED; its log:" >&2
    tail -30 "$log" >&2
    continue
  fi
  execs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$log")
  rate=$(awk '/stat::average_exec_per_sec:/ {print $2}' "$log")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-22s %10s %8s %6s %s\n' "$t" "$execs" "$rate" "$cov" "$load"
done
exit $failed
