#!/bin/sh
# Builds and runs the transcode benchmark. Run it when the machine is otherwise idle: the
# figures compare against an ffmpeg CLI run on the same machine, and load skews both.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build" --target transcode_bench
echo "load before: $(uptime)"
"$build/bin/transcode_bench" "${1:-3}"
echo "load after: $(uptime)"
