// Scenario JSON: refused with an InputError, or read to a Scenario that reads
// back from its own to_json() unchanged. A small one is then run (bounded in
// virtual time and in events) and its trace checked like `sendpath-cli check`.
#include <algorithm>

#include "common.hpp"
#include "lesson/json_read.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

namespace {

constexpr int64_t kMaxBytesToRun = 256 * 1024;
constexpr uint64_t kMaxEventsToRun = 20'000;

}  // namespace

int fuzz_scenario(const uint8_t* data, std::size_t size) {
    const std::string name = "fuzz-scenario.json";
    lesson::Scenario sc;
    try {
        sc = lesson::scenario_from_json(lesson::json_read::parse_text(as_text(data, size), name), name);
    } catch (const InputError&) { return 0; }
    lesson::Scenario back;
    try {
        back = lesson::scenario_from_json(sc.to_json(), "to_json");
    } catch (const InputError& e) { fail(std::string("a scenario's own to_json() does not read back: ") + e.what()); }
    expect(back == sc, "a scenario changed when read back from its to_json()");

    if (sc.peer.type != "sim" || sc.bytes_to_send() > kMaxBytesToRun) return 0;
    // Virtual time is cheap but not free: a long run of retransmissions is cut.
    sc.max_time_us = std::min<int64_t>(sc.max_time_us, 60'000'000);
    uint64_t events = 0;
    run::RunHooks hooks;
    hooks.on_event = [&](uint32_t, const model::State&) { ++events; };
    hooks.should_stop = [&]() -> std::string { return events > kMaxEventsToRun ? "fuzz: event limit" : ""; };
    hooks.reserve_trace = false;  // at most 256 KiB: no bulk-send reservation (see receive.cpp)
    trace::Trace t;
    try {
        t = run::run_scenario(sc, engine::Options{}, hooks);
    } catch (const RuntimeError&) {
        return 0;  // refused before it starts (a clean message in the CLI)
    }
    check_run_trace(t, nullptr);
    return 0;
}

}  // namespace sendpath::fuzz
