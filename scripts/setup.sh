#!/usr/bin/env bash
# sendpath set-up: the two commands of the README.
#   scripts/setup.sh start   install what is missing, build, start the GUI on the first lesson
#                            (headless: say so and run the CLI on it instead)
#   scripts/setup.sh test    install what is missing, build, run every test (and the unit tests
#                            once more under AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mode="${1:-start}"
build="${SENDPATH_BUILD_DIR:-$here/build}"
asan_build="${SENDPATH_ASAN_BUILD_DIR:-$here/build-asan}"
jobs="$(nproc 2>/dev/null || echo 2)"

core_pkgs=(g++ cmake ninja-build pkg-config nlohmann-json3-dev doctest-dev)
# fonts-wqy-microhei: the GUI's Chinese (--lang zh_CN). One 5 MB collection
# (WenQuanYi Micro Hei), where fonts-noto-cjk installs about 90 MB; the GUI
# rasterises only the ~1 100 characters its texts use (gui/fonts.hpp).
gui_pkgs=(libimgui-dev libstb-dev libglfw3-dev python3-glad libgl-dev libgl1-mesa-dri fonts-dejavu-core
    fonts-wqy-microhei)
test_pkgs=(xvfb xauth tshark iproute2 iptables clang-format-14)

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "sendpath: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -q
    # tshark asks whether non-root users may capture; the answer does not matter here.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_build() {
    local dir="$1"; shift
    cmake -S "$here" -B "$dir" -G Ninja "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
}

case "$mode" in
start)
    install_missing "${core_pkgs[@]}" "${gui_pkgs[@]}"
    configure_build "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    first_lesson="$(ls "$here"/lessons/*.json 2>/dev/null | head -n 1 || true)"
    [ -n "$first_lesson" ] || first_lesson="$here/tests/scenarios/tail_append.json"
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/gui/sendpath" ]; then
        exec "$build/gui/sendpath" "$first_lesson"
    fi
    echo "sendpath: no display (DISPLAY and WAYLAND_DISPLAY are unset), so running the CLI on $(basename "$first_lesson") instead"
    out="${TMPDIR:-/tmp}/sendpath-first-$$.json"
    "$build/core/sendpath-cli" lessons
    echo "sendpath: the answer key of $(basename "$first_lesson"), computed from today's engine run:"
    if grep -q '"questions"' "$first_lesson"; then
        "$build/core/sendpath-cli" answers "$first_lesson" --save-trace "$out"
    else
        "$build/core/sendpath-cli" run "$first_lesson" -o "$out"
    fi
    "$build/core/sendpath-cli" check "$out"
    echo "sendpath: trace written to $out (on a desktop: $build/gui/sendpath $first_lesson)"
    ;;
test)
    install_missing "${core_pkgs[@]}" "${gui_pkgs[@]}" "${test_pkgs[@]}"
    # The layout first: it takes seconds and names the file to fix.
    bash "$here/tests/style/check_format.sh" "$here"
    configure_build "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENDPATH_WERROR=ON
    (cd "$build" && ctest --output-on-failure -j "$jobs")
    echo "sendpath: unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
    # -O1: sanitizer runs stay fast; warnings are already errors in the main build above.
    configure_build "$asan_build" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" -DSENDPATH_SANITIZE=ON -DSENDPATH_BUILD_GUI=OFF
    (cd "$asan_build" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j "$jobs" -LE 'gui|tap|slow')
    ;;
*)
    echo "usage: scripts/setup.sh start|test" >&2
    exit 2
    ;;
esac
