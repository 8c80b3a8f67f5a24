#!/usr/bin/env bash
# Traces name emit sites, not lines (core/trace/emit_site.hpp): so adding blank
# lines and comments to the engine must change no byte of any trace.
#
#   edit_invariance.sh SOURCE_DIR CLI
#
# Copies the sources, adds a comment and a blank line at the top of every
# file events point into and before every SP_EMIT (or EMIT) in it, builds sendpath-cli
# from the copy, and then checks that
#   - every prepared trace of a simulated lesson (traces/) comes out byte for
#     byte as shipped, and
#   - every scenario in tests/scenarios/ gives the same trace as CLI (the
#     build under test) gives for it.
set -euo pipefail

src="$(cd "$1" && pwd)"
cli="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-edit-invariance.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src"
cp -r "$src/CMakeLists.txt" "$src/cmake" "$src/core" "$work/src/"

# The files events point into, as the Recorder lists them.
files=$(sed -n '/kEngineFiles\[\] = {/,/};/p' "$src/core/trace/recorder.hpp" | grep -o '"[^"]*"' | tr -d '"')
[ -n "$files" ] || { echo "edit_invariance: no engine files found in core/trace/recorder.hpp" >&2; exit 1; }
edited=0
for f in $files; do
    p="$work/src/$f"
    [ -f "$p" ] || { echo "edit_invariance: $f is listed but missing" >&2; exit 1; }
    awk 'NR == 2 { print "// a comment added by edit_invariance.sh"; print "" }
         /EMIT\(/ && !/define/ && !/^[[:space:]]*\/\// { print ""; print "    // another comment, before an emit" }
         { print }' "$p" > "$p.new"
    mv "$p.new" "$p"
    edited=$((edited + 1))
done
echo "edit_invariance: $edited engine files edited"

# A core-only build: no GUI, no tests. Unoptimised, since only the events matter.
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
      -DSENDPATH_BUILD_GUI=OFF -DSENDPATH_BUILD_TESTS=OFF > "$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" --target sendpath-cli -j "$(nproc)" > "$work/build.log" 2>&1 ||
    { tail -50 "$work/build.log"; exit 1; }
moved="$work/build/core/sendpath-cli"

status=0
checked=0
for lesson in "$src"/lessons/*.json; do
    name="$(basename "$lesson")"
    grep -q '"recorded_trace"' "$lesson" && continue  # recorded over TAP, not rerun
    "$moved" answers "$lesson" --save-trace "$work/$name" > /dev/null
    if ! cmp -s "$work/$name" "$src/traces/$name"; then
        echo "edit_invariance: traces/$name differs when the engine's lines move" >&2
        status=1
    fi
    checked=$((checked + 1))
done
for sc in "$src"/tests/scenarios/*.json; do
    name="$(basename "$sc")"
    "$cli" run "$sc" -o "$work/a-$name" > /dev/null
    "$moved" run "$sc" -o "$work/b-$name" > /dev/null
    if ! cmp -s "$work/a-$name" "$work/b-$name"; then
        echo "edit_invariance: tests/scenarios/$name gives another trace when the engine's lines move" >&2
        status=1
    fi
    checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "edit_invariance: nothing was checked" >&2; exit 1; }
[ "$status" -eq 0 ] && echo "edit_invariance: $checked traces identical with the engine's lines moved"
exit "$status"
