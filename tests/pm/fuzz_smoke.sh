#!/bin/sh
# Builds the payment-header libFuzzer target with clang (src/pm/fuzz, a stand-alone sub-build
# kept in <build>/pm-fuzz so reruns are incremental) and fuzzes for FUZZ_SECONDS (10).
# Exits 77 (CTest "skipped") when clang++ is not installed.
set -eu
src_dir=$1
build_dir=$2
seconds=${FUZZ_SECONDS:-10}
if [ ! -x /usr/bin/clang++ ]; then
  echo "clang++ not installed; skipping the fuzz smoke run"
  exit 77
fi
cmake -S "$src_dir/src/pm/fuzz" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=/usr/bin/clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build_dir.configure.log" 2>&1 ||
  { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j2
corpus="$build_dir/corpus"
mkdir -p "$corpus"
"$build_dir/payment_header_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -print_final_stats=1 "$corpus"
