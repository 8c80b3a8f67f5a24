// Properties that hold for every shipped scenario: the invariants of the
// model after every event, replay equal to the engine at every event,
// determinism, and JSON/CBOR round trips.
#include <doctest/doctest.h>

#include <sstream>

#include "model/invariants.hpp"
#include "support/scenarios.hpp"
#include "trace/frame_check.hpp"
#include "trace/invariant_scope.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
using sptest::shipped_scenarios;

TEST_CASE("every shipped scenario: invariants hold and the replay equals the engine after every event") {
    const auto files = shipped_scenarios();
    REQUIRE(files.size() >= 30);
    for (const auto& file : files) {
        CAPTURE(file);
        const auto sc = lesson::load_scenario(file);
        std::vector<model::State> engine_states;
        engine::RunHooks hooks;
        hooks.on_event = [&](uint32_t, const model::State& s) { engine_states.push_back(s); };
        const trace::Trace t = engine::run_scenario(sc, engine::Options{}, hooks);
        REQUIRE(engine_states.size() == t.events.size());
        CHECK(t.end_reason.rfind("completed", 0) == 0);

        trace::Replay replay(t, 16);
        bool copy_pending = false;
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            CAPTURE(i);
            CAPTURE(trace::kind_name(t.events[i].kind));
            const model::State& replayed = replay.seek(i);
            REQUIRE(replayed == engine_states[i]);
            const auto problems = model::check_invariants(replayed, trace::invariant_scope(t, i, copy_pending));
            if (!problems.empty()) FAIL_CHECK(problems.front());
        }
        // Peer and engine took each other's segments unparsed: the frames recorded for them must be real.
        const auto frames = trace::check_frames(t);
        CHECK(frames.checked > 0);
        CHECK_MESSAGE(frames.bad == 0, frames.first_why);
        // Seeking backwards lands on the same states.
        for (std::size_t i = t.events.size(); i-- > 0;)
            if (i % 7 == 0) REQUIRE(replay.seek(i) == engine_states[i]);
    }
}

TEST_CASE("the same scenario gives byte-identical traces, and JSON and CBOR carry the same events") {
    for (const auto& file : shipped_scenarios()) {
        CAPTURE(file);
        const auto sc = lesson::load_scenario(file);
        const trace::Trace a = engine::run_scenario(sc, engine::Options{});
        const trace::Trace b = engine::run_scenario(sc, engine::Options{});
        std::ostringstream ja, jb, ca;
        trace::write_trace_json(a, ja);
        trace::write_trace_json(b, jb);
        REQUIRE(ja.str() == jb.str());

        trace::write_trace_cbor(a, ca);
        const std::string cbor = ca.str();
        const trace::Trace from_cbor =
            trace::parse_trace_cbor(std::span(reinterpret_cast<const uint8_t*>(cbor.data()), cbor.size()), file);
        const trace::Trace from_json = trace::parse_trace_json(ja.str(), file);
        CHECK(from_cbor == a);
        CHECK(from_json == a);
    }
}

TEST_CASE("tracing off changes nothing the socket does: the same states after every event, every shipped scenario") {
    // With tracing off no frame bytes are built for the simulated peer (it
    // takes segments as they are), so this is the test that both paths agree.
    for (const auto& file : shipped_scenarios()) {
        CAPTURE(file);
        const auto sc = lesson::load_scenario(file);
        engine::Options off;
        off.trace = false;
        std::vector<model::State> on_states, off_states;
        engine::RunHooks on_hooks, off_hooks;
        on_hooks.on_event = [&](uint32_t, const model::State& s) { on_states.push_back(s); };
        off_hooks.on_event = [&](uint32_t, const model::State& s) { off_states.push_back(s); };
        engine::RunStats s_on, s_off;
        const trace::Trace t = engine::run_scenario(sc, engine::Options{}, on_hooks, &s_on);
        const trace::Trace none = engine::run_scenario(sc, off, off_hooks, &s_off);
        CHECK(none.events.empty());
        CHECK(none.frames.empty());
        CHECK(s_off.events == s_on.events);
        CHECK(s_off.bytes_acked == s_on.bytes_acked);
        CHECK(s_off.end_time_us == s_on.end_time_us);
        REQUIRE(off_states.size() == on_states.size());
        for (std::size_t i = 0; i < on_states.size(); ++i) {
            CAPTURE(i);
            // tcp_sendmsg's locals are mirrored into the state only for a trace to show.
            model::State on = on_states[i];
            for (std::size_t f = 0; f < model::kSockFieldCount; ++f)
                if (model::sock_field_info(static_cast<model::SF>(f)).group == "local")
                    on.sk.at(static_cast<model::SF>(f)) = off_states[i].sk.at(static_cast<model::SF>(f));
            REQUIRE(off_states[i] == on);
        }
    }
}

TEST_CASE("a run whose trace fills its frame-byte limit ends there, cleanly, with a trace that replays") {
    const auto sc = sptest::scenario_from_text(R"({
        "name": "long", "timeline": [{"send": 4000000}, {"close": true}]})",
                                               "<long>");
    engine::Options opt;
    opt.max_trace_frame_bytes = 200000;
    std::vector<model::State> engine_states;
    engine::RunHooks hooks;
    hooks.on_event = [&](uint32_t, const model::State& s) { engine_states.push_back(s); };
    const trace::Trace t = engine::run_scenario(sc, opt, hooks);
    CHECK(t.end_reason.rfind("trace full: ", 0) == 0);
    CHECK(t.end_reason.find("send() call 1 had not returned") != std::string::npos);
    // The limit counts whole frames, as a trace file holds them.
    uint64_t frame_bytes = 0;
    for (const auto& f : t.frames) frame_bytes += f.length;
    CHECK(frame_bytes >= 200000);
    CHECK(frame_bytes < 400000);  // stopped at the first check past the limit
    CHECK(t.events.back().kind == trace::Kind::run_end);
    CHECK(t.options.at("max_trace_frame_bytes") == 200000);
    // Every event replays to the engine's own state, and the model is consistent at the end.
    trace::Replay replay(t, 64);
    REQUIRE(engine_states.size() == t.events.size());
    const std::size_t last = t.events.size() - 1;
    CHECK(replay.seek(last) == engine_states[last]);
    bool copy_pending = false;
    CHECK(model::check_invariants(replay.seek(last), trace::invariant_scope(t, last, copy_pending)).empty());

    // The default limit is not written into traces (they stay as they were).
    CHECK_FALSE(engine::Options{}.to_json().contains("max_trace_frame_bytes"));
    CHECK(engine::Options::from_json(opt.to_json(), "<opt>").max_trace_frame_bytes == 200000);
}
