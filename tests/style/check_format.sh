#!/usr/bin/env bash
# Fails when a C++ source differs from what .clang-format asks for, and
# prints the first differences so the author sees what to change.
# Usage: check_format.sh SOURCE_DIR [CLANG_FORMAT]
set -euo pipefail
src="${1:?usage: check_format.sh SOURCE_DIR [CLANG_FORMAT]}"
cf="${2:-clang-format-14}"
cd "$src"
if ! command -v "$cf" >/dev/null; then
    echo "check_format: $cf not found; install the Debian package clang-format-14" >&2
    exit 1
fi
mapfile -t files < <(find core gui tests -name '*.cpp' -o -name '*.hpp' | sort)
bad=0
for f in "${files[@]}"; do
    if ! "$cf" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "check_format: $f is not formatted; fix with: $cf -i $f"
        "$cf" --style=file "$f" | diff -u "$f" - | head -20 || true
        bad=$((bad + 1))
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "check_format: $bad of ${#files[@]} files need clang-format" >&2
    exit 1
fi
echo "check_format: ${#files[@]} files match .clang-format"
