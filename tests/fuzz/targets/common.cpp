#include "common.hpp"

#include <sstream>
#include <vector>

#include "model/invariants.hpp"
#include "trace/frame_check.hpp"
#include "trace/invariant_scope.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

std::string source_path(const std::string& relative) { return std::string(SENDPATH_SOURCE_DIR) + "/" + relative; }

void fail(const std::string& what) { throw FuzzFailure(what); }

namespace {

// Replays every event; false when Replay refuses the trace (a RuntimeError,
// what `check` reports as "does not replay").
bool replays(const trace::Trace& t) {
    try {
        trace::Replay r(t);
        for (std::size_t i = 0; i < t.events.size(); ++i) r.seek(i);
        return true;
    } catch (const RuntimeError&) { return false; }
}

}  // namespace

void check_loaded_trace(const trace::Trace& t) {
    replays(t);
    std::ostringstream js;
    trace::write_trace_json(t, js);
    trace::Trace back;
    try {
        back = trace::parse_trace_json(js.str(), "round trip");
    } catch (const InputError& e) {
        fail(std::string("a trace that loaded does not load again after write_trace_json: ") + e.what());
    }
    expect(back == t, "a trace changed in a JSON round trip");
    std::ostringstream cb;
    trace::write_trace_cbor(t, cb);
    const std::string bytes = cb.str();
    try {
        back = trace::parse_trace_cbor(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), "round trip");
    } catch (const InputError& e) {
        fail(std::string("a trace that loaded does not load again after write_trace_cbor: ") + e.what());
    }
    expect(back == t, "a trace changed in a CBOR round trip");
}

void check_run_trace(const trace::Trace& t, const model::State* engine_final) {
    try {
        trace::validate_trace(t, "run");
    } catch (const InputError& e) { fail(std::string("the engine wrote a trace that does not validate: ") + e.what()); }
    const trace::FrameCheck frames = trace::check_frames(t);
    expect(frames.bad == 0,
           "frame " + std::to_string(frames.first_bad) + " of a run is not valid: " + frames.first_why);
    trace::Replay r(t);
    bool copy_pending = false;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const model::State& s = r.seek(i);
        const auto problems = model::check_invariants(s, trace::invariant_scope(t, i, copy_pending));
        if (!problems.empty())
            fail("after event " + std::to_string(i) + " (" + std::string(trace::kind_name(t.events[i].kind)) +
                 "): " + problems.front());
    }
    if (engine_final && !t.events.empty())
        expect(r.seek(t.events.size() - 1) == *engine_final, "the replayed final state differs from the engine's");
}

}  // namespace sendpath::fuzz
