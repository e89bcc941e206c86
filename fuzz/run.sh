#!/bin/sh
# Fuzzes one target for FUZZ_SECONDS (default 10) from its seeds ($3) plus what earlier runs
# found (kept in the build tree), under ASan/UBSan with halt-on-error. A crash, leak, timeout or
# sanitizer report fails the test; the input that caused it is left in <build>/fuzz-build/crashes
# and replays with `<build>/fuzz-build/<target>_fuzz <that file>`. Exits 77 without clang.
set -eu
build_dir=$1
target=$2
seeds=$3
seconds=${FUZZ_SECONDS:-10}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ not installed; skipping fuzz_$target"
  exit 77
fi
binary="$build_dir/${target}_fuzz"
corpus="$build_dir/corpus/$target"
mkdir -p "$corpus" "$build_dir/crashes"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
# -timeout: one input may take at most 10 s; -rss_limit_mb / -malloc_limit_mb bound memory.
# -error_exitcode/-timeout_exitcode: libFuzzer's default (77) is CTest's "skipped" code here.
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -print_final_stats=1 -artifact_prefix="$build_dir/crashes/$target-" "$corpus" "$seeds"
