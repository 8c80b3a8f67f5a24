#!/usr/bin/env bash
# Goodput engine -> kernel over TAP beside kernel -> kernel over veth
# (tests/bench/bench_tap.cpp; README "TAP"). Root: it makes network namespaces.
#   scripts/tap-bench.sh [MiB=64] [runs=3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SENDPATH_BUILD_DIR:-$here/build}"
[ -f "$build/build.ninja" ] || [ -f "$build/Makefile" ] || cmake -S "$here" -B "$build" -G Ninja -DSENDPATH_BUILD_GUI=OFF
cmake --build "$build" --target bench_tap tap_receiver
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
$sudo "$build/tests/bench/bench_tap" "${1:-64}" "${2:-3}"
