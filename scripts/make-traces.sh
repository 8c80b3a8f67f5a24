#!/usr/bin/env bash
# Regenerates traces/: the prepared trace of every lesson in lessons/.
#
#   scripts/make-traces.sh                      every simulated lesson, with build/core/sendpath-cli
#   scripts/make-traces.sh --cli PATH           another sendpath-cli (or set SENDPATH_CLI)
#   scripts/make-traces.sh --tap DEV --connect IP:PORT [--local IP]
#                                               also record the TAP lessons against the real kernel
#                                               behind TAP device DEV (needs CAP_NET_ADMIN)
#
# A simulated lesson's trace is what `sendpath-cli answers LESSON --save-trace` writes: its
# scenario run with today's engine, default options. A test (test_cli, "traces: ...") checks
# that every simulated trace here is reproduced byte for byte; when the engine changes on purpose,
# run this script and explain the drift it prints (`sendpath-cli diff old new`) in the commit.
# A TAP lesson (one with "recorded_trace") is recorded with `sendpath-cli run --tap` from
# lessons/scenarios/<same file name>, and so are a few more lesson scenarios (traces/tap-*);
# without --tap they are left alone. The kernel listener must accept one connection per
# recording and read everything until EOF.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${SENDPATH_CLI:-$here/build/core/sendpath-cli}"
tap="" connect="" local_ip=""
while [ $# -gt 0 ]; do
    case "$1" in
        --cli) cli="$2"; shift 2 ;;
        --tap) tap="$2"; shift 2 ;;
        --connect) connect="$2"; shift 2 ;;
        --local) local_ip="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "make-traces.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
if { [ -n "$tap" ] && [ -z "$connect" ]; } || { [ -z "$tap" ] && [ -n "$connect" ]; }; then
    echo "make-traces.sh: --tap and --connect go together" >&2
    exit 2
fi
if [ ! -x "$cli" ]; then
    echo "make-traces.sh: $cli is not built (cmake --build build --target sendpath-cli, or pass --cli PATH)" >&2
    exit 2
fi

mkdir -p "$here/traces"
tmpdir="$(mktemp -d "$here/traces/.make-traces.XXXXXX")"
trap 'rm -rf "$tmpdir"' EXIT

changed=0 same=0 skipped=0 failed=0
for lesson in "$here"/lessons/*.json; do
    name="$(basename "$lesson")"
    out="$here/traces/$name"
    new="$tmpdir/$name"
    if grep -q '"recorded_trace"' "$lesson"; then
        if [ -z "$tap" ]; then
            echo "$name: a TAP lesson, not recorded (give --tap DEV --connect IP:PORT to record it)"
            skipped=$((skipped + 1))
            continue
        fi
        args=(run "$here/lessons/scenarios/$name" --tap "$tap" --connect "$connect" -o "$new")
        [ -n "$local_ip" ] && args+=(--local "$local_ip")
        if ! "$cli" "${args[@]}"; then
            echo "$name: recording over $tap failed; $out is unchanged" >&2
            failed=$((failed + 1))
            continue
        fi
        # A recording is never reproduced byte for byte: check it and answer the lesson from it.
        if ! "$cli" check "$new"; then
            echo "$name: the recording does not replay cleanly; $out is unchanged" >&2
            failed=$((failed + 1))
            continue
        fi
        mv "$new" "$out"
        if ! "$cli" answers "$lesson" >/dev/null; then
            echo "$name: recorded, but the lesson's expressions do not fit the recording (see above)" >&2
            failed=$((failed + 1))
            continue
        fi
        echo "$name: recorded over $tap"
        changed=$((changed + 1))
        continue
    fi
    if ! "$cli" answers "$lesson" --save-trace "$new" >/dev/null; then
        echo "$name: the lesson does not fit today's engine (message above); $out is unchanged" >&2
        failed=$((failed + 1))
        continue
    fi
    if [ -f "$out" ] && cmp -s "$new" "$out"; then
        same=$((same + 1))
        continue
    fi
    if [ -f "$out" ]; then
        echo "$name: the trace changed:"
        "$cli" diff "$out" "$new" | sed 's/^/    /' || true
    else
        echo "$name: new trace"
    fi
    mv "$new" "$out"
    changed=$((changed + 1))
done
# More recordings against the real kernel, beside the TAP lesson's: lesson scenarios
# run over TAP (their sim-only peer keys do not apply), to compare with the simulated
# peer. Named tap-<scenario file>; only recorded with --tap.
tap_extra=(02-new-segments.json 07-nagle-nodelay.json)
if [ -n "$tap" ]; then
    for name in "${tap_extra[@]}"; do
        out="$here/traces/tap-$name"
        new="$tmpdir/tap-$name"
        args=(run "$here/lessons/scenarios/$name" --tap "$tap" --connect "$connect" -o "$new")
        [ -n "$local_ip" ] && args+=(--local "$local_ip")
        if ! "$cli" "${args[@]}" || ! "$cli" check "$new"; then
            echo "tap-$name: recording over $tap failed; $out is unchanged" >&2
            failed=$((failed + 1))
            continue
        fi
        mv "$new" "$out"
        echo "tap-$name: recorded over $tap"
        changed=$((changed + 1))
    done
fi
# Lesson 16's scenario over TAP under random loss: the kernel's SACK blocks drive
# the engine's recovery. The script drops 5 % of the TCP frames each way on the TAP
# device with iptables (in the namespace it runs in), records, and removes the rules.
tap_lossy=16-sack-lost-retransmit.json
if [ -n "$tap" ]; then
    name=$tap_lossy
    out="$here/traces/tap-$name"
    new="$tmpdir/tap-$name"
    drop_in=(INPUT -i "$tap" -p tcp -m statistic --mode random --probability 0.05 -j DROP)
    drop_out=(OUTPUT -o "$tap" -p tcp -m statistic --mode random --probability 0.05 -j DROP)
    rules_ok=1
    iptables -I "${drop_in[@]:0:1}" "${drop_in[@]:1}" 2>/dev/null || rules_ok=0
    iptables -I "${drop_out[@]:0:1}" "${drop_out[@]:1}" 2>/dev/null || rules_ok=0
    if [ "$rules_ok" -eq 1 ]; then
        args=(run "$here/lessons/scenarios/$name" --tap "$tap" --connect "$connect" -o "$new")
        [ -n "$local_ip" ] && args+=(--local "$local_ip")
        if "$cli" "${args[@]}" && "$cli" check "$new"; then
            mv "$new" "$out"
            echo "tap-$name: recorded over $tap with 5 % random loss each way"
            changed=$((changed + 1))
        else
            echo "tap-$name: recording over $tap failed; $out is unchanged" >&2
            failed=$((failed + 1))
        fi
    else
        echo "tap-$name: iptables could not add the loss rules; $out is unchanged" >&2
        failed=$((failed + 1))
    fi
    iptables -D "${drop_in[@]:0:1}" "${drop_in[@]:1}" 2>/dev/null || true
    iptables -D "${drop_out[@]:0:1}" "${drop_out[@]:1}" 2>/dev/null || true
fi

echo "make-traces.sh: $changed written, $same unchanged, $skipped skipped, $failed failed"
[ "$failed" -eq 0 ]
