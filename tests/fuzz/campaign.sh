#!/usr/bin/env bash
# A fuzzing campaign: each target in turn, one process at a time, niced.
#   bash tests/fuzz/campaign.sh BUILD_DIR WORK_DIR SECONDS_PER_TARGET [TARGET...]
# BUILD_DIR is a -DSENDPATH_FUZZ=ON build; WORK_DIR gets a working corpus per
# target (started from tests/fuzz/corpus/<target>, which is never written),
# the crash inputs (crash-*, timeout-*, oom-*) and one log per target whose
# last lines hold libFuzzer's figures (executions, cov, ft, corpus size).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "$1" && pwd)"; work="$2"; seconds="$3"; shift 3
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(frame engine_options answers lesson scenario receive trace_cbor trace_json)
mkdir -p "$work"
for t in "${targets[@]}"; do
    dict=""
    case "$t" in
        trace_cbor) dict="-dict=$here/dict/cbor.dict" ;;
        frame|receive) dict="" ;;
        *) dict="-dict=$here/dict/json.dict" ;;
    esac
    mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
    echo "== $t: $(date -u +%H:%M:%S), ${seconds}s" | tee -a "$work/campaign.log"
    # -timeout is wall-clock time: a niced fuzzer beside two builds gets a
    # tenth of a core, and an input of one second took 21 (8 December).
    nice -n 10 "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" $dict \
        "$work/corpus/$t" "$here/corpus/$t" >"$work/$t.log" 2>&1
    echo "   exit $?: $(grep -E '^(#[0-9]+|Done)' "$work/$t.log" | tail -1)" | tee -a "$work/campaign.log"
    grep -E 'stat::number_of_executed_units|cov:' "$work/$t.log" | tail -2 >>"$work/campaign.log"
done
