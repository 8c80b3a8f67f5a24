// The prepared traces in traces/: every simulated one is what today's engine
// produces, byte for byte (so any drift is seen and explained), every one
// replays with the model's invariants after every event, and every lesson has
// its trace, made from the lesson's own scenario.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/options.hpp"
#include "lesson/lesson.hpp"
#include "lesson/scenario.hpp"
#include "model/invariants.hpp"
#include "run/runner.hpp"
#include "support/files.hpp"
#include "trace/invariant_scope.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
namespace fs = std::filesystem;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

std::vector<std::string> trace_files() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(fs::path(kSource) / "traces"))
        if (e.path().extension() == ".json" || e.path().extension() == ".cbor") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

using sptest::slurp;

bool is_tap(const trace::Trace& t) {
    return t.scenario.is_object() && t.scenario.contains("peer") && t.scenario["peer"].value("type", "") == "tap";
}

std::string first_difference(const std::string& a, const std::string& b) {
    std::size_t i = 0, line = 1;
    while (i < a.size() && i < b.size() && a[i] == b[i]) line += a[i++] == '\n' ? 1 : 0;
    return "byte " + std::to_string(i) + ", line " + std::to_string(line);
}

}  // namespace

TEST_CASE("traces: every simulated prepared trace is reproduced byte for byte by today's engine") {
    std::size_t simulated = 0;
    for (const auto& f : trace_files()) {
        CAPTURE(f);
        const trace::Trace t = trace::load_trace(f);
        if (is_tap(t)) continue;  // a recording of the real kernel: checked by replay below
        ++simulated;
        const lesson::Scenario sc = lesson::scenario_from_json(t.scenario, f);
        const engine::Options opt = engine::Options::from_json(t.options, f);
        const trace::Trace now = engine::run_scenario(sc, opt);
        std::ostringstream out;
        if (trace::format_for_path(f) == trace::TraceFormat::cbor) trace::write_trace_cbor(now, out);
        else trace::write_trace_json(now, out);
        const std::string stored = slurp(f);
        const bool same = out.str() == stored;  // a bool, so a failure does not print both traces
        CHECK_MESSAGE(
            same, f << " is not what today's engine produces (first difference at "
                    << first_difference(out.str(), stored)
                    << "). If the engine changed on purpose, regenerate the traces with scripts/make-traces.sh (it "
                       "prints `sendpath-cli diff old new` for each) and explain the drift in the commit message; if "
                       "not, the engine has a regression.");
    }
    CHECK(simulated >= 12);
}

TEST_CASE("traces: every prepared trace (simulated or TAP) replays, with the invariants after every event") {
    for (const auto& f : trace_files()) {
        CAPTURE(f);
        const trace::Trace t = trace::load_trace(f);
        trace::validate_trace(t, f);
        trace::Replay replay(t);
        bool copy_pending = false;
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            const auto problems = model::check_invariants(replay.seek(i), trace::invariant_scope(t, i, copy_pending));
            if (!problems.empty()) {
                FAIL_CHECK("after event " << i << " (" << trace::kind_name(t.events[i].kind)
                                          << "): " << problems.front());
                break;
            }
        }
    }
}

TEST_CASE("traces: every lesson has its prepared trace, made from the lesson's own scenario") {
    for (const auto& f : lesson::lesson_files(kSource + "/lessons")) {
        CAPTURE(f);
        const lesson::Lesson l = lesson::load_lesson(f);
        const std::string tp = lesson::prepared_trace_path(l);
        if (l.is_tap()) {
            if (!fs::exists(tp)) {
                MESSAGE("lesson " << l.id << " still needs a recorded TAP trace at " << tp
                                  << " (scripts/make-traces.sh --tap DEV --connect IP:PORT)");
                continue;
            }
            CHECK(is_tap(trace::load_trace(tp)));
            continue;
        }
        REQUIRE_MESSAGE(fs::exists(tp), "no prepared trace " << tp << ": run scripts/make-traces.sh");
        const trace::Trace t = trace::load_trace(tp);
        const bool same_scenario = t.scenario == l.scenario.to_json();
        CHECK_MESSAGE(same_scenario,
                      tp << " was made from another scenario than the lesson's: run scripts/make-traces.sh");
        CHECK(t.options == engine::Options{}.to_json());
    }
}
