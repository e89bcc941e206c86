#!/bin/sh
# Configures (first run only) and builds the fuzz targets with clang: fuzz/project into
# $2 (<build>/fuzz-build). Exits 77 (CTest "skipped") when clang++ is not installed.
set -eu
src_dir=$1
build_dir=$2
if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ not installed; skipping the fuzz build"
  exit 77
fi
start=$(date +%s)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$src_dir/fuzz/project" -B "$build_dir" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >"$build_dir.configure.log" 2>&1 ||
    { cat "$build_dir.configure.log"; exit 1; }
fi
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}"
echo "fuzz build took $(( $(date +%s) - start )) s"
