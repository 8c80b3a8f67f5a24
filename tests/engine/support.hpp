// Helpers for engine tests: run a scenario given as JSON text, find events,
// and look at the state after an event (through Replay, like the GUI does).
#pragma once

#include <string>
#include <vector>

#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "trace/event.hpp"
#include "trace/replay.hpp"

namespace sptest {

using namespace sendpath;

inline trace::Trace run_json(const std::string& text, engine::Options opt = {}) {
    const auto sc = lesson::scenario_from_json(nlohmann::json::parse(text), "<test scenario>");
    return engine::run_scenario(sc, opt);
}

// Runs a shipped scenario, tests/scenarios/<name>, with the default options.
inline trace::Trace run_shipped(const std::string& name) {
    return engine::run_scenario(lesson::load_scenario(std::string(SENDPATH_SOURCE_DIR) + "/tests/scenarios/" + name),
                                engine::Options{});
}

inline std::vector<std::size_t> find(const trace::Trace& t, trace::Kind k, uint32_t call = 0) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == k && (call == 0 || t.events[i].call == call)) out.push_back(i);
    return out;
}

inline std::size_t count(const trace::Trace& t, trace::Kind k, uint32_t call = 0) { return find(t, k, call).size(); }

// Return value of send() call `call` (its sendmsg_exit event's ret).
inline int64_t send_ret(const trace::Trace& t, uint32_t call) {
    for (auto i : find(t, trace::Kind::sendmsg_exit, call)) return t.arg(i, trace::Arg::ret);
    return INT64_MIN;
}

// State after event i.
inline model::State state_at(const trace::Trace& t, std::size_t i) {
    trace::Replay r(t);
    return r.seek(i);
}

// Payload bytes the peer got, in order, from the frames we sent and it did not lose.
std::vector<uint8_t> delivered_payload(const trace::Trace& t);

}  // namespace sptest
