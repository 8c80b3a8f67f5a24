// Running a scenario: the application thread of the simulation.
//
// run_scenario sets up the socket, connects, plays the timeline (send,
// setsockopt, sleep, shutdown, close, peer reads), then drains: runs until
// everything queued is acknowledged or drain_us passes. It returns the trace.
// This is where the layers meet: the scenario (lesson/) gives the engine its
// Config and the simulated peer its SimPeerConfig, or hooks.make_tap_link
// gives the TAP link (run/tap_setup.hpp).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/link.hpp"
#include "engine/options.hpp"
#include "lesson/scenario.hpp"
#include "model/state.hpp"
#include "trace/event.hpp"

namespace sendpath::run {

struct RunStats {
    uint64_t events = 0;       // events emitted (counted even with tracing off)
    uint64_t bytes_acked = 0;  // payload bytes the peer acknowledged
    int64_t end_time_us = 0;
};

struct RunHooks {
    // Called now and then with the virtual time and events so far (for a progress line).
    std::function<void(int64_t time_us, uint64_t events)> progress;
    // Polled between steps: a non-empty answer ends the run cleanly with that reason ("interrupted by SIGINT").
    std::function<std::string()> should_stop;
    // Supplies the link for a "tap" peer (nullptr: a tap scenario cannot run).
    std::function<std::unique_ptr<engine::Link>(const lesson::Scenario&)> make_tap_link;
    // Called after every event with the engine's own state (tests).
    std::function<void(uint32_t index, const model::State&)> on_event;
    // Called after every event when tracing, with the trace as it stands: it
    // holds events 0..index, their changes and their frames (a live view copies
    // what is new). It may block: the run waits, its virtual clock stopped.
    std::function<void(const trace::Trace& partial, uint32_t index)> on_trace;
    // false: the trace's vectors start empty and grow, instead of being
    // reserved (and prefaulted) for the scenario's send up front. For callers
    // making many tiny runs (the fuzz targets), where the reservation's ~12 MB
    // cost more than the run itself under AddressSanitizer.
    bool reserve_trace = true;
};

// Runs the scenario with the built-in simulated peer (or, for a tap peer, the
// link hooks.make_tap_link gives). Throws RuntimeError for failures that stop
// the run before it starts; failures during the run end the trace with end_reason.
trace::Trace run_scenario(const lesson::Scenario& sc, const engine::Options& opt, const RunHooks& hooks = {},
                          RunStats* stats = nullptr);

// Runs with a caller-provided user buffer for every send() (benchmarks): bytes
// come from buf (cycled) instead of the scenario pattern. The trace keeps buf
// (its frames' payloads are read from it).
trace::Trace run_scenario_with_buffer(const lesson::Scenario& sc, const engine::Options& opt,
                                      std::shared_ptr<const std::vector<uint8_t>> buf, RunStats* stats);

}  // namespace sendpath::run

// The names callers used when the runner lived in engine/; kept so that code
// written against them still builds. New code says run::.
namespace sendpath::engine {
using run::run_scenario;
using run::run_scenario_with_buffer;
using run::RunHooks;
using run::RunStats;
}  // namespace sendpath::engine
