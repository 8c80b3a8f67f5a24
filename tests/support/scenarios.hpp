// Scenarios as tests use them: from JSON text, from tests/scenarios, and run
// by the engine with its default options.
//
// Inline, not in sp_test_support: the library stays at the trace layer, and a
// test that runs scenarios links the engine itself (sendpath_core).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/options.hpp"
#include "run/runner.hpp"
#include "lesson/scenario.hpp"
#include "support/files.hpp"
#include "trace/event.hpp"

namespace sptest {

// A scenario written in the test as JSON text; `file` is the name its errors carry.
inline sendpath::lesson::Scenario scenario_from_text(const std::string& text,
                                                     const std::string& file = "<test scenario>") {
    return sendpath::lesson::scenario_from_json(nlohmann::json::parse(text), file);
}

// A shipped scenario, tests/scenarios/<name>.
inline sendpath::lesson::Scenario shipped_scenario(const std::string& name) {
    return sendpath::lesson::load_scenario(scenario_path(name));
}

// The trace of a scenario given as JSON text.
inline sendpath::trace::Trace run_json(const std::string& text, sendpath::engine::Options opt = {}) {
    return sendpath::engine::run_scenario(scenario_from_text(text), opt);
}

// The trace of a shipped scenario, tests/scenarios/<name>, with the default options.
inline sendpath::trace::Trace run_shipped(const std::string& name) {
    return sendpath::engine::run_scenario(shipped_scenario(name), sendpath::engine::Options{});
}

}  // namespace sptest
