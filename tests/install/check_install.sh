#!/usr/bin/env bash
# The install test (ctest -L install): `cmake --install` into a fresh prefix,
# then the installed sendpath-cli lists the lessons and computes the answer key
# of a simulated lesson and of a TAP lesson (which reads its recorded trace),
# all from PREFIX/share/sendpath.
#
# Proof that the source tree is not used, twice over:
#  - every path the CLI reports (lessons folder, lesson files) is under PREFIX;
#  - as root, the checks run in a private mount namespace with an empty tmpfs
#    mounted over the source tree, so a fallback to it finds nothing and fails.
#    Without root (or without unshare) that part is skipped, and says so.
#
# usage: check_install.sh CMAKE BUILD_DIR SOURCE_DIR
set -euo pipefail

cmake="$1" build="$2" src="$(cd "$3" && pwd -P)"

fail() { echo "install test: FAILED: $*" >&2; exit 1; }

prefix="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-install-test.XXXXXX")"
trap 'rm -rf "$prefix"' EXIT
prefix="$(cd "$prefix" && pwd -P)"
case "$prefix/" in "$src"/*) fail "the temporary prefix $prefix lies inside the source tree $src; set TMPDIR elsewhere" ;; esac

"$cmake" --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install $build --prefix $prefix"
for f in bin/sendpath-cli share/sendpath/lessons/01-first-send.json share/sendpath/lessons/scenarios \
         share/sendpath/traces/14-real-kernel.json share/sendpath/assets/lesson.schema.json share/sendpath/README.md; do
    [ -e "$prefix/$f" ] || fail "cmake --install put no $f in $prefix"
done
if [ -e "$build/gui/sendpath" ] && [ ! -x "$prefix/bin/sendpath" ]; then fail "the GUI is built but not installed in $prefix/bin"; fi

# What runs with the source tree out of reach: from the prefix (no ./lessons
# there), SENDPATH_DATA unset, so the data must come from PREFIX/share/sendpath.
cat > "$prefix/check.sh" <<'INNER'
set -euo pipefail
prefix="$1"
cd "$prefix"
unset SENDPATH_DATA
cli="$prefix/bin/sendpath-cli"
data="$prefix/share/sendpath"
out="$("$cli" lessons)" || { echo "sendpath-cli lessons failed:"; echo "$out"; exit 1; }
echo "$out"
head -n 1 <<<"$out" | grep -qxF "lessons in $data/lessons:" || { echo "sendpath-cli lessons did not list $data/lessons"; exit 1; }
grep -q "first-send" <<<"$out" || { echo "sendpath-cli lessons did not list first-send"; exit 1; }
for id in first-send real-kernel; do
    key="$("$cli" answers "$id")" || { echo "sendpath-cli answers $id failed"; exit 1; }
    grep -q "\"file\": \"$data/lessons/" <<<"$key" || { echo "sendpath-cli answers $id: the lesson is not from $data/lessons:"; head -n 5 <<<"$key"; exit 1; }
    # The same key as from the source tree, but for the file it names.
    diff <(grep -v '^  "file":' <<<"$key") <(grep -v '^  "file":' "$prefix/ref-$id.json") ||
        { echo "sendpath-cli answers $id: the installed lesson gives another key than the source tree's"; exit 1; }
    echo "sendpath-cli answers $id: $(grep -c '"answer":' <<<"$key") answers, as from the source tree, from $data/lessons"
done
INNER

# The reference keys, from the source tree while it is still in reach.
for id in first-send real-kernel; do
    SENDPATH_DATA="$src" "$prefix/bin/sendpath-cli" answers "$id" > "$prefix/ref-$id.json" ||
        fail "sendpath-cli answers $id with SENDPATH_DATA=$src"
done

if [ "$(id -u)" -eq 0 ] && unshare --mount --propagation private true 2>/dev/null; then
    echo "install test: the source tree $src is hidden under an empty tmpfs for these runs"
    unshare --mount --propagation private bash -c '
        set -e
        mount -t tmpfs -o size=64k,mode=0555 sendpath-hidden-source "$1"
        [ -z "$(ls -A "$1")" ] || { echo "the source tree is still visible"; exit 1; }
        exec bash "$2/check.sh" "$2"' _ "$src" "$prefix" || fail "see above"
else
    echo "install test: not root (or no unshare): the source tree stays visible; SKIPPED hiding it," \
         "checking only that every path reported is under $prefix"
    bash "$prefix/check.sh" "$prefix" || fail "see above"
fi
echo "install test: ok"
